"""Consultation eval: personas with the use cases a good advisor would accept, and the ones that would be wrong.

Two sets. `old`: the 17 personas written together with the catalogue (evals/personas). `dev`/`test`: held-out
personas in another voice (evals/personas_v2), labelled before the output was seen, with graded acceptable first
picks (`first_acceptable`), acceptable other picks, wrong picks and the constraints a consultant would read.
Tune only on dev; the done-when figures are those of test.

Figures: first-pick precision (first pick in first_acceptable), all-picks precision (picks in acceptable ∪
first_acceptable), wrong picks, same-lever pairs, cross-industry marker hits in the Markdown, constraints
honoured (ids the engine applied vs. the labelled ones), funding errors (ended or other-state programme),
IT-owned mandates, contract validity, and the prep-sheet checks of `sheet_checks` (plan's module).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.consult.catalogue import load_catalogue
from assistant.consult.markers import marker_hits
from assistant.contracts import errors
from assistant.intake import parse_intake

PERSONA_DIR = PROJECT_ROOT / "evals" / "personas"
V2_DIR = PROJECT_ROOT / "evals" / "personas_v2"
SPLITS = {"old": PERSONA_DIR, "dev": V2_DIR / "dev", "test": V2_DIR / "test"}
EVAL_DATE = dt.date(2026, 11, 23)
_QUOTED = re.compile(r"„[^“]*“|“[^”]*”|'[^']*'")


def load_personas(folder: Path = PERSONA_DIR) -> list[tuple[str, dict]]:
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


def sheet_text(markdown: str) -> str:
    """The part of the sheet the engine wrote about the cases (use cases, mandate, steps), without the firm's
    own words in quotes: a bakery quoting its own „Filiale“ is no marker hit."""
    start = markdown.find("## Use Cases")
    end = markdown.find("## Förderung")
    if end < 0:
        end = markdown.find("## Funding")
    body = markdown[start if start >= 0 else 0: end if end > 0 else len(markdown)]
    return _QUOTED.sub(" ", body)


def evaluate_persona(consultant, name: str, data: dict, keep: bool = False) -> dict:
    spec = data.get("_eval") or {}
    intake = parse_intake(data)
    result = consultant.consult(intake, date=EVAL_DATE, lang="de")
    payload = result.contract_json()
    picked = [u["id"] for u in payload["use_cases"]]
    first_ok = spec.get("first_acceptable") or {}
    acceptable = set(spec.get("acceptable", [])) | set(first_ok)
    wrong = set(spec.get("wrong", []))
    state = intake.company.state
    ended = [f["id"] for f in payload["funding"] if f["status"] == "ended"]
    other_state = [f["id"] for f in payload["funding"]
                   if f["level"].startswith("state:") and f["level"] != f"state:{state}"]
    levers = [u.get("lever") for u in payload["use_cases"]]
    same_lever = int(len(levers) == 2 and levers[0] is not None and levers[0] == levers[1])
    from assistant.report.markdown import export_markdown

    markdown = export_markdown(result)
    industries = [intake.company.industry]
    from assistant.consult.firm import profile

    firm = profile(intake)
    markers = marker_hits(sheet_text(markdown), firm.industries, firm.segments)
    expected_c = set(spec.get("constraints_expected") or [])
    applied_c = {c["id"] for c in payload.get("constraints_applied", [])}
    owner = result.mandate.owner
    row = {
        "persona": name, "industry": industries[0], "picked": picked,
        "first_ok": bool(picked) and picked[0] in first_ok, "first_grade": first_ok.get(picked[0]) if picked else None,
        "acceptable": [p for p in picked if p in acceptable], "wrong": [p for p in picked if p in wrong],
        "same_lever_pairs": same_lever, "marker_hits": markers,
        "constraints_expected": sorted(expected_c), "constraints_applied": sorted(applied_c),
        "constraints_missed": sorted(expected_c - applied_c),
        "not_now": [d["id"] for d in payload.get("not_now", [])],
        "schema_errors": errors("consult", payload), "funding_ended": ended, "funding_other_state": other_state,
        "past_dates": sum(dt.date.fromisoformat(st.by) < EVAL_DATE for st in result.next_steps),
        "it_owned_mandate": owner.split()[0].startswith("IT") if owner else False,
        "graded": bool(acceptable), "first_graded": bool(first_ok),
    }
    if keep:
        row["_triple"] = (intake, result, markdown)
    return row


def _share(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def evaluate_all(consultant, folder: Path = PERSONA_DIR, sheets: bool = False) -> dict:
    rows = [evaluate_persona(consultant, name, data, keep=sheets) for name, data in load_personas(folder)]
    graded = [r for r in rows if r["graded"]]
    first_graded = [r for r in rows if r["first_graded"]]
    picked = sum(len(r["picked"]) for r in graded)
    expected = sum(len(r["constraints_expected"]) for r in rows)
    report = {
        "personas": len(rows),
        "use_cases": picked,
        "acceptable_rate": _share(sum(len(r["acceptable"]) for r in graded), picked),
        "first_pick_precision": _share(sum(r["first_ok"] for r in first_graded), len(first_graded)),
        "all_picks_precision": _share(sum(len(r["acceptable"]) for r in graded), picked),
        "wrong_picks": sum(len(r["wrong"]) for r in rows),
        "same_lever_pairs": sum(r["same_lever_pairs"] for r in rows),
        "cross_industry_marker_hits": sum(len(r["marker_hits"]) for r in rows),
        "constraints_honoured": _share(expected - sum(len(r["constraints_missed"]) for r in rows), expected),
        "schema_valid": sum(1 for r in rows if not r["schema_errors"]),
        "funding_ended": sum(len(r["funding_ended"]) for r in rows),
        "funding_other_state": sum(len(r["funding_other_state"]) for r in rows),
        "it_owned_mandates": sum(r["it_owned_mandate"] for r in rows),
        "past_dates": sum(r["past_dates"] for r in rows),
    }
    if sheets:
        from assistant.evals.sheet_checks import sheet_checks

        triples = [r.pop("_triple") for r in rows]
        sheet = sheet_checks(triples, consultant.settings.kb_dir)
        report["sheet"] = sheet
        report["plans_past_horizon"] = sheet.get("plans_past_horizon")
    report["details"] = rows
    return report


def evaluate_split(consultant, split: str) -> dict:
    """One named split (`old`, `dev`, `test`) with the prep-sheet figures."""
    report = evaluate_all(consultant, SPLITS[split], sheets=True)
    report["split"] = split
    return report


__all__ = ["EVAL_DATE", "PERSONA_DIR", "SPLITS", "evaluate_all", "evaluate_persona", "evaluate_split",
           "load_catalogue", "load_personas", "sheet_text"]

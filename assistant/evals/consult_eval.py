"""Consultation eval: personas with the use cases a good advisor would accept, and the ones that would be wrong.

Reports the share of recommended use cases that are acceptable, wrong picks, contract validity and funding
errors (an ended programme recommended, or a state programme from another state).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.contracts import errors
from assistant.intake import parse_intake

PERSONA_DIR = PROJECT_ROOT / "evals" / "personas"
EVAL_DATE = dt.date(2026, 11, 23)


def load_personas(folder: Path = PERSONA_DIR) -> list[tuple[str, dict]]:
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


def evaluate_persona(consultant, name: str, data: dict) -> dict:
    spec = data.get("_eval") or {}
    intake = parse_intake(data)
    result = consultant.consult(intake, date=EVAL_DATE, lang="de")
    payload = result.contract_json()
    picked = [u["id"] for u in payload["use_cases"]]
    acceptable = set(spec.get("acceptable", []))
    wrong = set(spec.get("wrong", []))
    state = intake.company.state
    ended = [f["id"] for f in payload["funding"] if f["status"] == "ended"]
    other_state = [f["id"] for f in payload["funding"]
                   if f["level"].startswith("state:") and f["level"] != f"state:{state}"]
    return {
        "persona": name, "picked": picked, "acceptable": [p for p in picked if p in acceptable],
        "wrong": [p for p in picked if p in wrong], "schema_errors": errors("consult", payload),
        "funding_ended": ended, "funding_other_state": other_state, "graded": bool(acceptable),
    }


def evaluate_all(consultant, folder: Path = PERSONA_DIR) -> dict:
    rows = [evaluate_persona(consultant, name, data) for name, data in load_personas(folder)]
    graded = [r for r in rows if r["graded"]]
    picked = sum(len(r["picked"]) for r in graded)
    return {
        "personas": len(rows),
        "use_cases": picked,
        "acceptable_rate": round(sum(len(r["acceptable"]) for r in graded) / picked, 4) if picked else 0.0,
        "wrong_picks": sum(len(r["wrong"]) for r in rows),
        "schema_valid": sum(1 for r in rows if not r["schema_errors"]),
        "funding_ended": sum(len(r["funding_ended"]) for r in rows),
        "funding_other_state": sum(len(r["funding_other_state"]) for r in rows),
        "details": rows,
    }

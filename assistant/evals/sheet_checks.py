"""Quality checks of the prep sheet across personas, for the consult eval (the lead calls `sheet_checks`).

Why these numbers: they are what an experienced consultant noticed when reading twenty sheets side by side —
the same sentences everywhere (template share), ISO dates and internal notes leaking into the text, plans that
run past the firm's horizon or are identical for every firm, mandate dates that differ from the steps, state
programmes dropped, and cost bands above the budget without a word.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from assistant.consult.funding import FundingQuery, load_programmes, select_for_firm
from assistant.consult.planning import rules as plan_rules
from assistant.consult.planning import short_title
from assistant.i18n import formatting as fmt

ISO_DATE = re.compile(r"\b(19|20)\d{2}-[01]\d-[0-3]\d\b")
INTERNAL_MARKERS = [re.compile(p, re.IGNORECASE) for p in (
    r"\buc_[a-z0-9_]+", r"nicht im detail verifiziert", r"monatserster", r"nur monatsangabe",
    r"aufbereitung wissensbasis", r"\b_eval\b", r"\bTODO\b", r"\bstatus_as_of\b", r"\bofficial_url\b",
    r"\{[a-z_]+\}",
)]
_GERMAN = ("der", "die", "das", "und", "nicht", "ist", "für", "mit", "ein", "eine", "wird", "werden", "oder", "bitte",
           "kein", "keine", "Sie", "Ihr", "Ihre", "nach", "zum", "zur", "vom", "dem", "den", "des", "bei", "auf", "noch",
           "sich", "wenn", "auch", "sind", "über", "wie", "aus")
GERMAN_WORDS = re.compile(r"\b(" + "|".join(_GERMAN) + r")\b")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"(])")
MIN_WORDS = 4


_LABEL_ONLY = re.compile(r"^\*\*[^*]+:?\*\*:?$")
_TABLE_RULE = re.compile(r"^\|?(\s*:?-+:?\s*\|)+\s*$")


def _prose_lines(markdown: str) -> list[str]:
    """The lines that carry prose: headings, bare labels ("**Bitte mitbringen:**") and table header rows are the
    sheet's structure, the same on every sheet by design, and are not counted as sentences."""
    lines = markdown.splitlines()
    out = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#") or _LABEL_ONLY.match(stripped) or _TABLE_RULE.match(stripped):
            continue
        if stripped.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].strip()):
            continue
        out.append(line)
    return out


def sentences(markdown: str) -> list[str]:
    """Sentences of a Markdown sheet (table cells and list items count as text; markup, links and the sheet's
    structure – headings, bare labels, table headers – removed)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", "\n".join(_prose_lines(markdown)))
    text = re.sub(r"[#*|`>]+", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip(" -–").strip()
        if not line or set(line) <= set("-: "):
            continue
        for part in _SENT_SPLIT.split(" ".join(line.split())):
            if len(part.split()) >= MIN_WORDS:
                out.append(part.strip())
    return out


def template_share(markdowns: list[str]) -> list[float]:
    """Per sheet: share of its sentences that appear verbatim in at least half of all sheets."""
    per_sheet = [set(sentences(m)) for m in markdowns]
    counts = Counter(s for sheet in per_sheet for s in sheet)
    threshold = max(2, math.ceil(len(markdowns) / 2))
    return [round(sum(counts[s] >= threshold for s in sheet) / len(sheet), 4) if sheet else 0.0
            for sheet in per_sheet]


def german_sentences(text: str, keep: list[str] = ()) -> list[str]:
    """Sentences of an English output that read as German: two German function words, or an umlaut and one.

    Why `keep`: German programme titles, contact names and the firm's own words (its name, quoted system names)
    stay German on purpose; they are removed before judging so only our own prose is counted."""
    for name in sorted({k for k in keep if k and len(k) > 2}, key=len, reverse=True):
        text = text.replace(name, " ")
    found = []
    for sentence in sentences(text):
        words = GERMAN_WORDS.findall(sentence)
        umlaut = bool(re.search(r"[äöüÄÖÜß]", sentence))
        if len(words) >= 2 or (umlaut and words):
            found.append(sentence[:120])
    return found


def keep_names(intake, result) -> list[str]:
    """Names that may stay German in an English sheet: programme titles, contacts, the firm, its own free text."""
    names = [f.name for f in result.funding] + [f.funder for f in result.funding]
    names += [getattr(intake.company, "name", "") or ""]
    names += re.findall(r"“([^”]+)”", getattr(result, "company_summary", "") or "")  # the firm's own words
    names += [getattr(c, "name", "") or "" for c in getattr(result, "contacts", []) or []]
    for field in ("pain_points", "constraints"):
        names += [part.strip() for part in re.split(r"[.!?\n]", getattr(intake, field, "") or "") if part.strip()]
    names += [getattr(p, "name", "") for p in getattr(intake, "processes", []) or []]
    # German documents are cited by their German titles, and the research portals are named like programmes
    names += [s.title for s in getattr(result, "sources", []) or []]
    names += re.findall(r"(?:: |, )([^:,(]+?) \([a-z0-9.-]+\.[a-z]{2,}\)", getattr(result, "funding_research", "") or "")
    return names


def text_checks(texts: list[str]) -> dict[str, Any]:
    """ISO dates and internal markers in any rendered text (e.g. the PDF's extracted text), per sheet."""
    markers = [sorted({m.group(0) for rx in INTERNAL_MARKERS for m in rx.finditer(t)}) for t in texts]
    return {
        "iso_dates": sum(len(ISO_DATE.findall(t)) for t in texts),
        "sheets_with_internal_markers": sum(bool(m) for m in markers),
        "internal_markers": sorted({x for m in markers for x in m})[:20],
    }


def _horizon_end(intake, start: dt.date) -> dt.date:
    months = getattr(intake, "time_horizon_months", None) or plan_rules()["defaults"]["horizon_months"]
    return start + relativedelta(months=months)


def sheet_checks(rows: list[tuple[Any, Any, str]], kb_dir: Path | None = None) -> dict[str, Any]:
    """Metrics over (intake, ConsultResult, Markdown) triples; see the module docstring. `kb_dir` is needed for
    the state-programme coverage (which firms could have had one)."""
    markdowns = [md for _, _, md in rows]
    shares = template_share(markdowns)
    iso = [len(ISO_DATE.findall(md)) for md in markdowns]
    markers = [sorted({m.group(0) for rx in INTERNAL_MARKERS for m in rx.finditer(md)}) for md in markdowns]
    past, mismatches, plans = [], [], set()
    cost_unwarned: list[str] = []
    coverage_due, coverage_met = 0, 0
    german: list[str] = []
    programmes = load_programmes(kb_dir.resolve()) if kb_dir else None
    for intake, result, md in rows:
        if getattr(result, "language", "de") == "en":
            german += german_sentences(md, keep_names(intake, result))
        start = dt.date.fromisoformat(result.consultation_date)
        end = _horizon_end(intake, start)
        steps = [dt.date.fromisoformat(s.by) for s in result.next_steps]
        past.append(sum(d > end for d in steps))
        step_days = {s.by for s in result.next_steps}
        mismatches.append(sum(d.when not in step_days for d in result.mandate.decision_points))
        plans.add(tuple((d - start).days for d in steps))
        budget = getattr(intake, "budget_eur", None)
        if budget is not None:
            for case in result.use_cases:
                names = {case.title, short_title(case.title, result.language)}
                if result.budget is not None:  # the case's title in the output language
                    names |= {c.title for c in result.budget.cases if c.case_id == case.id}
                money = fmt.money(budget, result.language)
                if case.cost_band_eur[0] > budget and not any(
                        any(n in w for n in names) and money in w for w in result.warnings):
                    cost_unwarned.append(f"{intake.company.state}:{case.id}")
        if programmes is not None:
            query = FundingQuery(state=intake.company.state, employees=intake.company.employees, today=start)
            fitting = [e for e in select_for_firm(programmes, query, budget).entries if e.level.startswith("state:")]
            if fitting:
                coverage_due += 1
                coverage_met += any(f.level.startswith("state:") for f in result.funding)
    n = len(rows) or 1
    return {
        "sheets": len(rows),
        "template_share_mean": round(sum(shares) / n, 4),
        "template_share_max": max(shares, default=0.0),
        "iso_dates_in_markdown": sum(iso),
        "sheets_with_internal_markers": sum(bool(m) for m in markers),
        "internal_markers": sorted({x for m in markers for x in m})[:20],
        "plans_past_horizon": sum(p > 0 for p in past),
        "distinct_plans": len(plans),
        "decision_step_mismatches": sum(mismatches),
        "state_programme_coverage": round(coverage_met / coverage_due, 4) if coverage_due else 1.0,
        "state_programme_due": coverage_due,
        "cost_above_budget_without_warning": len(cost_unwarned),
        "cost_above_budget_cases": cost_unwarned,
        "english_german_sentences": len(german),
        "english_german_examples": german[:10],
    }

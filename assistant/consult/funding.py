"""Funding finder over the structured programme data (knowledge_base/funding/programmes.yaml).

Rules that protect the user: an ended programme is never recommended (it appears only on request, with its end
date and successor); an `unknown` one only with a visible "check current status" note; every result carries its
as-of date and source; a programme whose application window closes soon is flagged.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

Topic = Literal["consulting", "investment", "training", "rnd", "loan"]
TOPIC_LABELS = {
    "de": {"consulting": "Beratung", "investment": "Investition", "training": "Qualifizierung",
           "rnd": "Forschung & Entwicklung", "loan": "Kredit"},
    "en": {"consulting": "consulting", "investment": "investment", "training": "training",
           "rnd": "R&D", "loan": "loan"},
}
DEADLINE_WINDOW_DAYS = 90


class Programme(BaseModel):
    id: str
    name: str
    funder: str
    level: str = Field(pattern=r"^(federal|EU|state:[A-Z]{2})$")
    states: list[str] = []
    what_is_funded: str = ""
    target: str = ""
    employees_min: int | None = None
    employees_max: int | None = None
    turnover_max_eur: float | None = None
    topics: list[Topic] = []
    funding_type: str = ""
    rate_or_amount: str | None = None
    status: Literal["open", "ended", "unknown"]
    status_as_of: dt.date
    status_as_of_note: str | None = None
    ended_on: dt.date | None = None
    application_deadline: dt.date | None = None
    successor_ids: list[str] = []
    evidence: str = ""
    source_url: list[str] = Field(min_length=1)
    confidence: Literal["high", "medium", "low"]
    conflicts: str | None = None
    notes: str | None = None


class FundingQuery(BaseModel):
    state: str | None = None
    employees: int | None = None
    turnover_eur: float | None = None
    topics: list[Topic] = []
    include_ended: bool = False
    today: dt.date = Field(default_factory=dt.date.today)
    lang: Literal["de", "en"] = "de"


class FundingMatch(BaseModel):
    """One result; the first fields are those of funding.schema.json."""

    id: str
    name: str
    funder: str
    level: str
    status: Literal["open", "ended", "unknown"]
    as_of: str
    rate_or_amount: str | None
    source_url: str
    why: str
    topics: list[str] = []
    confidence: str = "medium"
    notes: list[str] = []
    deadline: str | None = None
    ended_on: str | None = None
    successors: list[str] = []
    score: float = 0.0


@lru_cache(maxsize=4)
def load_programmes(kb_dir: Path) -> tuple[Programme, ...]:
    data = yaml.safe_load((kb_dir / "funding" / "programmes.yaml").read_text(encoding="utf-8"))
    return tuple(Programme(**p) for p in data["programmes"])


def _size_fits(p: Programme, q: FundingQuery) -> bool:
    if q.employees is not None:
        if p.employees_min is not None and q.employees < p.employees_min:
            return False
        if p.employees_max is not None and q.employees > p.employees_max:
            return False
    if q.turnover_eur is not None and p.turnover_max_eur is not None and q.turnover_eur > p.turnover_max_eur:
        return False
    return True


def _state_fits(p: Programme, q: FundingQuery) -> bool:
    return not p.states or (q.state is not None and q.state in p.states)


def _why(p: Programme, q: FundingQuery, names: dict[str, str]) -> tuple[str, list[str]]:
    de = q.lang == "de"
    labels = TOPIC_LABELS[q.lang]
    parts = []
    if p.states:
        parts.append((f"Landesprogramm für {q.state}" if de else f"state programme for {q.state}"))
    else:
        parts.append("bundesweit" if de and p.level == "federal" else
                     ("EU-Angebot in Deutschland" if de else ("nationwide" if p.level == "federal" else "EU offer")))
    if p.employees_max is not None and q.employees is not None:
        parts.append((f"{q.employees} Beschäftigte liegen im Rahmen (bis {p.employees_max})" if de else
                      f"{q.employees} employees within the limit (up to {p.employees_max})"))
    hit_topics = [labels[t] for t in p.topics if not q.topics or t in q.topics]
    if hit_topics:
        parts.append(("Themen: " if de else "topics: ") + ", ".join(hit_topics))
    notes = []
    if p.status == "unknown":
        notes.append("Status unklar – vor einer Bewerbung den aktuellen Stand bei der Förderstelle prüfen."
                     if de else "Status unclear – check the current status with the funder before applying.")
    if p.status == "ended":
        succ = ", ".join(names.get(s, s) for s in p.successor_ids)
        ended = p.ended_on.isoformat() if p.ended_on else p.status_as_of.isoformat()
        notes.append((f"Beendet seit {ended}." if de else f"Ended since {ended}.")
                     + (f" Nachfolger: {succ}." if succ and de else (f" Successor: {succ}." if succ else "")))
    if p.confidence == "low":
        notes.append("Angaben unsicher (dünne Beleglage)." if de else "Information uncertain (thin evidence).")
    if p.conflicts:
        notes.append(p.conflicts)
    if p.application_deadline:
        days = (p.application_deadline - q.today).days
        if 0 <= days <= DEADLINE_WINDOW_DAYS:
            notes.append((f"Frist beachten: Antragsfenster endet am {p.application_deadline.isoformat()} "
                          f"(in {days} Tagen)." if de else
                          f"Deadline soon: the window closes on {p.application_deadline.isoformat()} ({days} days)."))
        elif days < 0:
            notes.append((f"Die zuletzt belegte Frist ({p.application_deadline.isoformat()}) ist abgelaufen."
                          if de else f"The last known deadline ({p.application_deadline.isoformat()}) has passed."))
    stamp = (f"Stand {p.status_as_of.isoformat()}" if de else f"as of {p.status_as_of.isoformat()}")
    if p.status_as_of_note:
        stamp += f" ({p.status_as_of_note})"
    text = "; ".join(parts) + f". {stamp}."
    if notes:
        text += " " + " ".join(notes)
    return text, notes


def _score(p: Programme, q: FundingQuery) -> float:
    score = {"open": 3.0, "unknown": 1.0, "ended": -5.0}[p.status]
    score += 1.5 * len(set(p.topics) & set(q.topics))
    score += 1.0 if p.states else 0.0
    score += {"high": 0.5, "medium": 0.25, "low": 0.0}[p.confidence]
    if p.application_deadline and p.application_deadline < q.today:
        score -= 2.0
    return score


def find_funding(programmes: tuple[Programme, ...] | list[Programme], query: FundingQuery) -> list[FundingMatch]:
    """Programmes that fit state, size and topic, best first."""
    names = {p.id: p.name for p in programmes}
    results = []
    for p in programmes:
        if p.status == "ended" and not query.include_ended:
            continue
        if not _state_fits(p, query) or not _size_fits(p, query):
            continue
        if query.topics and not set(p.topics) & set(query.topics):
            continue
        why, notes = _why(p, query, names)
        results.append(FundingMatch(
            id=p.id, name=p.name, funder=p.funder, level=p.level, status=p.status,
            as_of=p.status_as_of.isoformat(), rate_or_amount=p.rate_or_amount, source_url=p.source_url[0],
            why=why, topics=list(p.topics), confidence=p.confidence, notes=notes,
            deadline=p.application_deadline.isoformat() if p.application_deadline else None,
            ended_on=p.ended_on.isoformat() if p.ended_on else None,
            successors=[names.get(s, s) for s in p.successor_ids], score=_score(p, query),
        ))
    return sorted(results, key=lambda m: (-m.score, m.name))

"""Funding finder over the structured programme data (knowledge_base/funding/programmes.yaml).

Rules that protect the user: an ended programme is never recommended (it appears only on request, with its end
date and successor); an `unknown` one only with a visible "check current status" note; every result carries its
as-of date (with its age when older than a year), the official programme page as its main link and the evidence
as sources; a programme whose application window closes soon is flagged.

`select_for_firm` chooses what goes on the consultation sheet: at most six entries, grants and free help before
loans for small budgets, a loan only when its minimum fits the budget, portals in a separate "research yourself"
line, and state programmes with unknown status shown with their check note instead of being dropped.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

import yaml

from assistant.yaml_io import load_trusted
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, Field

from assistant.i18n import formatting as fmt
from assistant.i18n import msg
from assistant.vocabulary import state_name

Topic = Literal["consulting", "investment", "training", "rnd", "loan"]
Kind = Literal["portal", "grant", "advice_grant", "rnd_grant", "lottery", "call", "loan", "tax", "advice"]
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
    kind: Kind = "grant"
    rate_or_amount: str | None = None
    grant_rate: float | None = None
    grant_max_eur: float | None = None
    min_project_eur: float | None = None
    status: Literal["open", "ended", "unknown"]
    status_as_of: dt.date
    status_as_of_note: str | None = None
    ended_on: dt.date | None = None
    application_deadline: dt.date | None = None
    successor_ids: list[str] = []
    evidence: str = ""
    source_url: list[str] = Field(min_length=1)
    official_url: str | None = None
    official_url_confidence: Literal["high", "medium", "low"] | None = None
    confidence: Literal["high", "medium", "low"]
    conflicts: str | None = None
    notes: str | None = None
    summary_en: str | None = None


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
    kind: str = "grant"
    amount: str | None = None
    status_note: str = ""
    check_note: str | None = None
    link_official: bool = True
    evidence_urls: list[str] = []
    min_project_eur: float | None = None
    grant_rate: float | None = None
    grant_max_eur: float | None = None


class FundingSelection(BaseModel):
    """What the sheet shows: the chosen entries, the portals to search oneself, and what was left out and why."""

    entries: list[FundingMatch]
    research: list[FundingMatch] = []
    research_line: str | None = None
    left_out: list[str] = []


@lru_cache(maxsize=4)
def load_programmes(kb_dir: Path) -> tuple[Programme, ...]:
    data = load_trusted((kb_dir / "funding" / "programmes.yaml").read_text(encoding="utf-8"))
    return tuple(Programme(**p) for p in data["programmes"])


@lru_cache(maxsize=1)
def rules() -> dict:
    text = resources.files("assistant.consult").joinpath("data/funding_rules.yaml").read_text(encoding="utf-8")
    return load_trusted(text)


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


def is_official(url: str) -> bool:
    host = (urlparse(url).netloc or "").lower().removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in rules()["official_domains"])


def main_link(p: Programme) -> tuple[str, bool]:
    """The official programme page if known (never a third-party blog), else the best official-looking source."""
    if p.official_url and p.official_url_confidence in {"high", "medium"}:
        return p.official_url, True
    official_sources = [u for u in p.source_url if is_official(u)]
    if official_sources:
        return official_sources[0], True
    if p.official_url:
        return p.official_url, True
    return p.source_url[0], False


def status_note(p: Programme, today: dt.date, lang: str) -> str:
    """`Stand Juli 2026`, or `Stand Juli 2025 – vor Antrag prüfen` when the evidence is older than a year."""
    stale = p.status_as_of < today - relativedelta(months=rules()["status_stale_months"])
    key = "plan.funding.as_of_stale" if stale and p.status == "open" else "plan.funding.as_of"
    return msg(key, lang, month=fmt.month_year(p.status_as_of, lang))


def _portal(m: "FundingMatch") -> str:
    """A research portal by name, with its site unless the name already carries it."""
    host = (urlparse(m.source_url).netloc or m.source_url).removeprefix("www.")
    return m.name if host in m.name else f"{m.name} ({host})"


def _amount(p: Programme, lang: str) -> str | None:
    if lang == "en":
        return p.summary_en or p.rate_or_amount
    return p.rate_or_amount


def _why(p: Programme, q: FundingQuery, names: dict[str, str]) -> tuple[str, list[str]]:
    lang = q.lang
    f = "plan.funding."
    parts = []
    if p.states:
        parts.append(msg(f + "why_state", lang, state=state_name(q.state or p.states[0], lang)))
    else:
        parts.append(msg(f + ("why_federal" if p.level == "federal" else "why_eu"), lang))
    if p.employees_max is not None and q.employees is not None:
        parts.append(msg(f + "why_size", lang, employees=q.employees, max=p.employees_max))
    hit_topics = [msg(f"plan.topics.{t}", lang) for t in p.topics if not q.topics or t in q.topics]
    if hit_topics:
        parts.append(msg(f + "why_topics", lang, topics=", ".join(hit_topics)))
    notes = []
    if p.status == "unknown":
        notes.append(msg(f + "check_unknown", lang, month=fmt.month_year(p.status_as_of, lang), funder=p.funder))
    if p.status == "ended":
        succ = ", ".join(names.get(s, s) for s in p.successor_ids)
        ended = fmt.day(p.ended_on or p.status_as_of, lang)
        notes.append(msg(f + ("ended_successor" if succ else "ended"), lang, date=ended, successor=succ))
    if p.confidence == "low":
        notes.append(msg(f + "low_confidence", lang))
    if p.application_deadline:
        days = (p.application_deadline - q.today).days
        if 0 <= days <= DEADLINE_WINDOW_DAYS:
            notes.append(msg(f + "deadline_soon", lang, date=fmt.day(p.application_deadline, lang), days=days))
        elif days < 0:
            notes.append(msg(f + "deadline_passed", lang, date=fmt.day(p.application_deadline, lang)))
    text = "; ".join(parts) + ". " + status_note(p, q.today, lang) + "."
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


def to_match(p: Programme, q: FundingQuery, names: dict[str, str]) -> FundingMatch:
    why, notes = _why(p, q, names)
    link, official = main_link(p)
    return FundingMatch(
        id=p.id, name=p.name, funder=p.funder, level=p.level, status=p.status,
        as_of=p.status_as_of.isoformat(), rate_or_amount=p.rate_or_amount, source_url=link,
        why=why, topics=list(p.topics), confidence=p.confidence, notes=notes,
        deadline=p.application_deadline.isoformat() if p.application_deadline else None,
        ended_on=p.ended_on.isoformat() if p.ended_on else None,
        successors=[names.get(s, s) for s in p.successor_ids], score=_score(p, q), kind=p.kind,
        amount=_amount(p, q.lang), status_note=status_note(p, q.today, q.lang),
        check_note=notes[0] if p.status == "unknown" else None, link_official=official,
        evidence_urls=[u for u in p.source_url if u != link], min_project_eur=p.min_project_eur,
        grant_rate=p.grant_rate, grant_max_eur=p.grant_max_eur,
    )


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
        results.append(to_match(p, query, names))
    return sorted(results, key=lambda m: (-m.score, m.name))


def sheet_line(m: FundingMatch, lang: str) -> str:
    """Amount, deadline and status age in one sentence for the sheet's table (Markdown shows `why`)."""
    f = "plan.funding."
    parts = [m.why.split(". ")[0]]
    if m.amount:
        parts.append(msg(f + "amount", lang, amount=m.amount.rstrip(".")))
    if m.deadline and not any(fmt.day(m.deadline, lang) in n for n in m.notes):
        parts.append(msg(f + "deadline", lang, date=fmt.day(m.deadline, lang)))
    parts.append(m.status_note)
    text = ". ".join(p.rstrip(".") for p in parts) + "."
    extra = [n for n in m.notes if n != m.check_note]
    if m.check_note:
        text += " " + m.check_note
    if not m.link_official:
        text += " " + msg(f + "no_official_page", lang)
    return text + ("" if not extra else " " + " ".join(n for n in extra if n not in text))


def select_for_firm(programmes, query: FundingQuery, budget_eur: float | None,
                    goals: list[str] | None = None) -> FundingSelection:
    """The funding entries of the consultation sheet (see the module docstring for the rules)."""
    cfg = rules()
    names = {p.id: p.name for p in programmes}
    base = query.model_copy(update={"topics": [], "include_ended": False})
    candidates = [p for p in programmes if p.status != "ended" and _state_fits(p, base) and _size_fits(p, base)]
    research = [to_match(p, base, names) for p in candidates if p.kind in cfg["research_kinds"]]
    left_out: list[str] = []
    chosen: list[Programme] = []
    small = budget_eur is not None and budget_eur < cfg["small_budget_eur"]
    for p in candidates:
        if p.kind in cfg["research_kinds"] or p.kind in cfg["skip_kinds"]:
            continue
        if p.topics and set(p.topics) <= set(cfg["skip_topics_only"]):
            continue
        needs = cfg["requires_goal"].get(p.id)
        if needs and not set(needs) & set(goals or []):
            continue
        if p.application_deadline and p.application_deadline < query.today:
            left_out.append(msg("plan.funding.left_deadline", query.lang, name=p.name))
            continue
        if p.min_project_eur and budget_eur is not None and p.min_project_eur > budget_eur:
            left_out.append(msg("plan.funding.left_minimum", query.lang, name=p.name,
                                minimum=fmt.money(p.min_project_eur, query.lang),
                                budget=fmt.money(budget_eur, query.lang)))
            continue
        if p.kind == "loan" and p.min_project_eur and budget_eur is None:
            continue
        chosen.append(p)

    def order(p: Programme) -> tuple:
        kind_rank = cfg["kind_order"].get(p.kind, 4)
        if p.kind == "loan" and not small:
            kind_rank = 3
        return (0 if p.states else 1, kind_rank, {"open": 0, "unknown": 1}.get(p.status, 2), -len(set(p.topics)
                & set(query.topics)), p.name)

    chosen.sort(key=order)
    loans_allowed = 1 if small or budget_eur is None else cfg["max_loans"]
    out: list[Programme] = []
    for p in chosen:
        if p.kind == "loan":
            if loans_allowed <= 0:
                continue
            loans_allowed -= 1
        out.append(p)
    # Free help and grants fill the slots first; loans only when slots remain (small budgets).
    non_loans = [p for p in out if p.kind != "loan"]
    loans = [p for p in out if p.kind == "loan"]
    final = (non_loans + loans)[: cfg["max_entries"]] if small else out[: cfg["max_entries"]]
    entries = [to_match(p, query, names) for p in final]
    for e in entries:
        e.why = sheet_line(e, query.lang)
    research_line = None
    if research:
        research_line = msg("plan.funding.research_line", query.lang,
                            portals=", ".join(_portal(r) for r in research),
                            state=state_name(query.state, query.lang) if query.state else msg("plan.funding.any_state",
                                                                                                query.lang))
    return FundingSelection(entries=entries, research=research, research_line=research_line, left_out=left_out)


def plan_programme(selection: FundingSelection) -> FundingMatch | None:
    """The grant the pilot waits for: the first selected entry of a kind that must be approved before ordering."""
    return next((e for e in selection.entries if e.kind in rules()["plan_kinds"]), None)


def deadline_programmes(selection: FundingSelection, today: dt.date, until: dt.date) -> list[FundingMatch]:
    """Selected programmes whose application deadline falls inside the plan: each becomes a dated step."""
    out = []
    for e in selection.entries:
        if e.deadline and today <= dt.date.fromisoformat(e.deadline) <= until:
            out.append(e)
    return out

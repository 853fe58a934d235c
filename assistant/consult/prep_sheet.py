"""The prep-sheet parts of a consultation in one call: funding for the firm, the plan, budget, session, contacts.

Why one entry point: the parts depend on each other in a fixed order — the funding choice sets the plan's
application and approval steps, the plan's dates feed the mandate and the session's data tasks, the budget nets
in the grant the plan waits for — and the pipeline should call them without knowing that order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from assistant.consult.budget import BudgetBlock, reconcile
from assistant.consult.funding import rules as rules_funding
from assistant.consult.funding import (FundingQuery, FundingSelection, deadline_programmes, load_programmes,
                                       plan_programme, select_for_firm)
from assistant.consult.matching import ScoredUseCase
from assistant.consult.planning import FundingStep, Plan, build_plan
from assistant.consult.session import Session, build_session
from assistant.i18n import msg

MAX_CONTACTS = 3


class PrepSheet(BaseModel):
    funding: FundingSelection
    plan: Plan
    budget: BudgetBlock
    session: Session
    contacts: list[ContactOut] = []
    warnings: list[str] = []


def _funding_step(match, kind: str | None = None) -> FundingStep:
    return FundingStep(programme_id=match.id, name=match.name, kind=kind or match.kind, status=match.status,
                       deadline=dt.date.fromisoformat(match.deadline) if match.deadline else None)


class ContactOut(BaseModel):
    """A named free contact on the sheet; `note` says when a project-funded offer may have ended."""

    id: str
    name: str
    kind: str
    city: str | None = None
    url: str | None = None
    focus: str = ""
    status_as_of: str | None = None
    may_have_ended: bool = False
    note: str | None = None


def pick_contacts(found: list, lang: str) -> list[ContactOut]:
    """Regional Mittelstand-Digital Zentrum, a thematic one that fits the industry, the state's EDIH or AI offer;
    remaining slots from the rest in the order `contacts_for` returns (chambers last)."""
    regional = [c for c in found if c.kind == "mittelstand_digital_zentrum" and not c.nationwide]
    thematic = [c for c in found if c.kind == "mittelstand_digital_zentrum" and c.nationwide]
    state_offer = [c for c in found if c.kind in {"edih", "state_ai_offer"} and not c.nationwide] or [
        c for c in found if c.kind in {"edih", "state_ai_offer"}]
    chosen = []
    for group in (regional, thematic, state_offer):
        if group and group[0] not in chosen:
            chosen.append(group[0])
    for c in found:
        if len(chosen) >= MAX_CONTACTS:
            break
        if c not in chosen:
            chosen.append(c)
    out = []
    for c in chosen[:MAX_CONTACTS]:
        note = None
        if c.may_have_ended:
            key = "plan.contacts.may_have_ended" if c.status_as_of else "plan.contacts.may_have_ended_undated"
            note = msg(key, lang, as_of=c.evidence_text(lang))
        out.append(ContactOut(id=c.id, name=c.name, kind=c.kind, city=c.city, url=c.url, focus=c.focus(lang),
                              status_as_of=c.status_as_of, may_have_ended=c.may_have_ended, note=note))
    return out


def contacts_for_firm(kb_dir: Path, intake, today: dt.date, lang: str) -> list[ContactOut]:
    """Up to three named free contacts near the firm (knowledge_base/contacts/)."""
    from assistant.knowledge.contacts import contacts_for

    return pick_contacts(contacts_for(kb_dir, intake.company.state, intake.company.industry, today=today), lang)


def prepare(kb_dir: Path, picks: list[ScoredUseCase], ranked: list[ScoredUseCase], intake, start: dt.date,
            lang: str = "de", detected: list[str] | None = None) -> PrepSheet:
    query = FundingQuery(state=intake.company.state, employees=intake.company.employees,
                         turnover_eur=getattr(intake.company, "annual_revenue_eur", None),
                         topics=_topics(picks), today=start, lang=lang)
    selection = select_for_firm(load_programmes(kb_dir), query, getattr(intake, "budget_eur", None), intake.goals)
    grant = plan_programme(selection)
    waiting = _funding_step(grant) if grant is not None else None
    plan = build_plan(picks, intake, start, waiting, lang, detected)
    extra = [e for e in deadline_programmes(selection, start, plan.horizon_end) if grant is None or e.id != grant.id]
    if extra:
        plan = build_plan(picks, intake, start, waiting, lang, detected,
                          deadlines=[_funding_step(e) for e in extra])
    budget, budget_warnings = reconcile(picks, ranked, intake, grant if plan.waits_for_funding or grant else None,
                                        lang)
    session = build_session(picks, intake, plan, lang)
    contacts = contacts_for_firm(kb_dir, intake, start, lang)
    covered = rules_funding()["covered_by_contacts"]
    kinds = {c.kind for c in contacts}
    selection.entries = [e for e in selection.entries if covered.get(e.id) not in kinds]
    return PrepSheet(funding=selection, plan=plan, budget=budget, session=session, contacts=contacts,
                     warnings=plan.warnings + budget_warnings)


def _topics(picks: list[ScoredUseCase]) -> list[str]:
    topics = ["consulting", "training", "investment"]
    if any(p.case.effort in {"M", "L"} for p in picks):
        topics.append("loan")
    return topics

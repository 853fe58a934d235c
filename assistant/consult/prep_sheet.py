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
from assistant.consult.funding import (FundingQuery, FundingSelection, deadline_programmes, load_programmes,
                                       plan_programme, select_for_firm)
from assistant.consult.matching import ScoredUseCase
from assistant.consult.planning import FundingStep, Plan, build_plan
from assistant.consult.session import Session, build_session

MAX_CONTACTS = 3


class PrepSheet(BaseModel):
    funding: FundingSelection
    plan: Plan
    budget: BudgetBlock
    session: Session
    contacts: list[dict] = []
    warnings: list[str] = []


def _funding_step(match, kind: str | None = None) -> FundingStep:
    return FundingStep(programme_id=match.id, name=match.name, kind=kind or match.kind, status=match.status,
                       deadline=dt.date.fromisoformat(match.deadline) if match.deadline else None)


def contacts_for_firm(kb_dir: Path, intake, lang: str) -> list[dict]:
    """Up to three named free contacts: the regional Mittelstand-Digital Zentrum, a thematic one, the EDIH or
    state AI offer (from knowledge_base/contacts/, when that part of the knowledge base is present)."""
    try:
        from assistant.knowledge.contacts import contacts_for
    except ImportError:
        return []
    try:
        found = contacts_for(kb_dir, intake.company.state, intake.company.industry)
    except (FileNotFoundError, OSError):
        return []
    from assistant.consult.contacts_pick import pick_contacts

    return pick_contacts(found, intake, lang)[:MAX_CONTACTS]


def prepare(kb_dir: Path, picks: list[ScoredUseCase], ranked: list[ScoredUseCase], intake, start: dt.date,
            lang: str = "de", detected: list[str] | None = None) -> PrepSheet:
    query = FundingQuery(state=intake.company.state, employees=intake.company.employees,
                         turnover_eur=getattr(intake.company, "annual_revenue_eur", None),
                         topics=_topics(picks), today=start, lang=lang)
    selection = select_for_firm(load_programmes(kb_dir), query, getattr(intake, "budget_eur", None))
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
    contacts = contacts_for_firm(kb_dir, intake, lang)
    return PrepSheet(funding=selection, plan=plan, budget=budget, session=session, contacts=contacts,
                     warnings=plan.warnings + budget_warnings)


def _topics(picks: list[ScoredUseCase]) -> list[str]:
    topics = ["consulting", "training", "investment"]
    if any(p.case.effort in {"M", "L"} for p in picks):
        topics.append("loan")
    return topics

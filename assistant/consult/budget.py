"""Budget reconciliation: what pilot, first year and running cost mean against the budget the firm stated.

Why: a sheet that recommends a 10.000–40.000 € case to a firm with 7.000 € and says nothing loses the reader.
Each picked case gets pilot cost, first-year band, running cost per year, internal time (hours and their value)
and the grant that could be netted in; when the band exceeds the budget the sheet says so and offers a smaller
scope, a cheaper case from the ranking or funding. The rules (shares, hours) are data in data/budget_rules.yaml.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

from assistant.yaml_io import load_trusted
from pydantic import BaseModel

from assistant.consult.funding import FundingMatch
from assistant.consult.matching import ScoredUseCase
from assistant.consult.planning import case_text
from assistant.i18n import formatting as fmt
from assistant.i18n import msg

Status = Literal["fits", "tight", "over", "unknown"]
CHEAPER_FROM_TOP = 10  # a cheaper alternative must still be among the best-ranked cases for this firm


class CaseBudget(BaseModel):
    case_id: str
    title: str
    pilot_eur: int
    first_year_eur: tuple[int, int]
    running_eur_per_year: int
    internal_hours: int
    internal_eur: int
    funding_eur: int = 0
    funding_programme: str | None = None
    net_pilot_eur: int
    status: Status
    summary: str


class BudgetBlock(BaseModel):
    budget_eur: float | None
    status: Status
    cases: list[CaseBudget]
    offers: list[str] = []
    lines: list[str] = []
    warnings: list[str] = []  # also in the result's warnings; the sheet shows them in its budget part


@lru_cache(maxsize=1)
def rules() -> dict:
    text = resources.files("assistant.consult").joinpath("data/budget_rules.yaml").read_text(encoding="utf-8")
    return load_trusted(text)


def expected_grant(cost: float, grant: FundingMatch | None) -> int:
    """Grant on the pilot's external cost, only for an open programme with a known rate (unknown: not netted)."""
    if grant is None or grant.status != "open" or not grant.grant_rate:
        return 0
    if grant.min_project_eur and cost < grant.min_project_eur:
        return 0
    value = cost * grant.grant_rate
    if grant.grant_max_eur:
        value = min(value, grant.grant_max_eur)
    return int(round(value, -1))


def case_budget(p: ScoredUseCase, budget: float | None, grant: FundingMatch | None, lang: str) -> CaseBudget:
    cfg = rules()
    case = p.case
    low, high = case.cost_band_eur
    hours = cfg["internal_hours_per_week"][case.effort] * case.pilot.weeks
    funding = expected_grant(low, grant)
    net = low - funding
    if budget is None:
        status: Status = "unknown"
    elif high <= budget:
        status = "fits"
    elif low <= budget or net <= budget:
        status = "tight"
    else:
        status = "over"
    b = "plan.budget."
    title = case_text(case, lang).title
    summary = msg(b + "case_line", lang, case=title, pilot=fmt.money(low, lang),
                  year=fmt.money_range(low, high, lang),
                  running=fmt.money(round(high * cfg["running_share"][case.effort], -2), lang),
                  hours=hours, internal=fmt.money(hours * cfg["hourly_rate_eur"], lang))
    if funding:
        summary += " " + msg(b + "funding_net", lang, grant=fmt.money(funding, lang), programme=grant.name,
                             net=fmt.money(net, lang))
    elif grant is not None and grant.status == "unknown":
        summary += " " + msg(b + "funding_unknown", lang, programme=grant.name)
    return CaseBudget(case_id=case.id, title=title, pilot_eur=low, first_year_eur=(low, high),
                      running_eur_per_year=int(round(high * cfg["running_share"][case.effort], -2)),
                      internal_hours=hours, internal_eur=hours * cfg["hourly_rate_eur"], funding_eur=funding,
                      funding_programme=grant.name if funding else None, net_pilot_eur=net, status=status,
                      summary=summary)


def reconcile(picks: list[ScoredUseCase], ranked: list[ScoredUseCase], intake, grant: FundingMatch | None,
              lang: str = "de") -> tuple[BudgetBlock, list[str]]:
    """The `budget` block of the result and the warnings for cases whose cost band exceeds the budget."""
    budget = getattr(intake, "budget_eur", None)
    b = "plan.budget."
    cases = [case_budget(p, budget, grant, lang) for p in picks]
    warnings: list[str] = []
    offers: list[str] = []
    lines: list[str] = []
    if budget is None:
        lines.append(msg(b + "no_budget", lang))
    else:
        lines.append(msg(b + "stated", lang, budget=fmt.money(budget, lang)))
    picked = {p.case.id for p in picks}
    for cb, p in zip(cases, picks):
        lines.append(cb.summary)
        if cb.status not in {"over", "tight"}:
            continue
        band = fmt.money_range(*cb.first_year_eur, lang)
        key = "over" if cb.status == "over" else "tight"
        warnings.append(msg(b + f"warn_{key}", lang, case=cb.title, band=band, budget=fmt.money(budget, lang)))
        offers.append(msg(b + "offer_scope", lang, case=cb.title, scope=case_text(p.case, lang).scope))
        cheaper = next((r for r in ranked[:CHEAPER_FROM_TOP] if r.case.id not in picked
                        and r.case.cost_band_eur[1] <= budget and intake.company.industry in r.case.industries
                        and r.case.ai_act_class != "high"), None)
        if cheaper is not None:
            offers.append(msg(b + "offer_cheaper", lang, case=case_text(cheaper.case, lang).title,
                              band=fmt.money_range(*cheaper.case.cost_band_eur, lang)))
        if cb.funding_eur:
            offers.append(msg(b + "offer_funding", lang, programme=cb.funding_programme,
                              grant=fmt.money(cb.funding_eur, lang)))
        elif grant is not None:
            offers.append(msg(b + "offer_funding_check", lang, programme=grant.name))
    total_low = sum(c.net_pilot_eur for c in cases[:1])
    statuses = [c.status for c in cases]
    overall: Status = ("unknown" if budget is None else "over" if "over" in statuses else
                       "tight" if "tight" in statuses else "fits")
    if budget is not None and cases and overall == "fits":
        lines.append(msg(b + "fits", lang, rest=fmt.money(max(0, budget - total_low), lang)))
    return BudgetBlock(budget_eur=budget, status=overall, cases=cases, offers=list(dict.fromkeys(offers)),
                       lines=lines, warnings=warnings), warnings

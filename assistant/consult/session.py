"""The session part of the prep sheet: what to clarify, what to bring, quick wins, make-or-buy, data to collect.

Why: the one-hour consultation works when both sides come prepared. The questions are derived from the gaps
and hypotheses of the intake (a works council is asked about once instead of "if any" everywhere; a bakery with a
till is asked whether it stores sales per item and branch), the samples to bring follow the data the picked
cases need, and the data tasks carry a baseline so the pilot can be measured. Rules and triggers are data in
data/session_rules.yaml; texts are in the catalogue area `plan` (plan.session.*).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from assistant.yaml_io import load_trusted
from pydantic import BaseModel

from assistant.consult.matching import ScoredUseCase
from assistant.consult.planning import Plan, case_text, data_classes, has_external_it, works_council
from assistant.consult.texts import label
from assistant.i18n import formatting as fmt
from assistant.i18n import msg


MAX_DATA_TASKS = 4


class DataTask(BaseModel):
    what: str
    baseline: str
    who: str
    by: str


class Session(BaseModel):
    questions: list[str]
    bring: list[str]
    quick_wins: list[str]
    make_or_buy: list[str]
    data_tasks: list[DataTask]


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    text = resources.files("assistant.consult").joinpath("data/session_rules.yaml").read_text(encoding="utf-8")
    return load_trusted(text)


def _text(intake) -> str:
    return f"{intake.pain_points} {getattr(intake, 'constraints', None) or ''}".lower()


def _fires(trigger: dict, intake, picks: list[ScoredUseCase]) -> bool:
    """True when every condition of the trigger holds for this intake."""
    text = _text(intake)
    checks = {
        "always": lambda v: bool(v),
        "works_council": lambda v: works_council(intake) == v,
        "missing_data": lambda v: any(p.breakdown.data_gap for p in picks) == v,
        "no_process_hours": lambda v: (not any(pr.hours_per_month for pr in intake.processes or [])) == v,
        "no_budget": lambda v: (getattr(intake, "budget_eur", None) is None) == v,
        "no_horizon": lambda v: (getattr(intake, "time_horizon_months", None) is None) == v,
        "quality": lambda v: getattr(intake.data, "quality", None) in v,
        "external_it": lambda v: has_external_it(intake) == v,
        "attitude": lambda v: getattr(intake, "staff_attitude", None) in v,
        "personal_data": lambda v: any(p.case.personal_data for p in picks) == v,
        "pattern": lambda v: re.search(v, text) is not None,
        "not_pattern": lambda v: re.search(v, text) is None,
        "industries": lambda v: intake.company.industry in v,
        "sources_any": lambda v: bool(set(v) & set(intake.data.sources)),
        "case_sources_any": lambda v: any(set(v) & set(p.case.data_sources) for p in picks),
    }
    return all(checks[k](v) for k, v in trigger.items() if k not in {"id", "ai"})


def named_systems(intake, lang: str) -> list[str]:
    text = (getattr(intake, "constraints", None) or "").lower() + " " + intake.pain_points.lower()
    found = []
    for rule in rules()["systems"]:
        if re.search(rule["pattern"], text):
            name = msg(f"plan.session.systems.{rule['key']}", lang)
            if name not in found:
                found.append(name)
    return found


def _values(picks: list[ScoredUseCase], intake, lang: str) -> dict[str, str]:
    first = picks[0].case if picks else None
    missing = [s for p in picks for s in p.breakdown.missing_data]
    process = next((pr.name for pr in intake.processes or []), None) or (first.processes[0] if first else "")
    systems = named_systems(intake, lang)
    return {"case": case_text(first, lang).title if first else "", "missing": ", ".join(label("data_sources", s, lang) for s in
            list(dict.fromkeys(missing))[:3]), "process": process,
            "system": systems[0] if systems else msg("plan.session.systems.default", lang),
            "kpi": case_text(first, lang).kpi if first else "", "employees": fmt.number(intake.company.employees, lang),
            "data": data_classes(picks, lang)}


def questions(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    cfg = rules()
    values = _values(picks, intake, lang)
    out: list[str] = []
    for q in cfg["questions"]:
        if len(out) >= cfg["questions_max"]:
            break
        if _fires(q, intake, picks):
            out.append(msg(f"plan.session.questions.{q['id']}", lang, **values))
    return out


def bring(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    samples = rules()["bring_samples"]
    out: list[str] = []
    needed = [s for p in picks for s in p.case.data_sources if s in intake.data.sources and s in samples]
    for source in list(dict.fromkeys(needed))[:2]:
        out.append(msg(f"plan.session.bring.{samples[source]}", lang))
    systems = named_systems(intake, lang)
    if systems:
        out.append(msg("plan.session.bring.export", lang, system=systems[0]))
    out.append(msg("plan.session.bring.process_numbers", lang, process=_values(picks, intake, lang)["process"]))
    return out[:4]


def quick_wins(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    fired = [w for w in rules()["quick_wins"] if _fires(w, intake, picks)]
    non_ai = [w for w in fired if not w["ai"]]
    ai = [w for w in fired if w["ai"]]
    chosen = non_ai[:2] + ai[: 4 - min(2, len(non_ai))]
    values = _values(picks, intake, lang)
    return [msg(f"plan.session.quick_wins.{w['id']}", lang, **values) for w in chosen]


def make_or_buy(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    systems = named_systems(intake, lang)
    out = [msg("plan.session.make_or_buy.check_existing", lang,
               system=", ".join(systems) if systems else msg("plan.session.systems.default", lang))]
    for p in picks:
        open_source = [t.name for t in p.case.tools if t.kind == "open_source"]
        products = [t for t in p.case.tools if t.kind != "open_source"]
        key = "plan.session.make_or_buy.case_both" if open_source and products else (
            "plan.session.make_or_buy.case_open" if open_source else "plan.session.make_or_buy.case_buy")
        out.append(msg(key, lang, case=case_text(p.case, lang).title, components=", ".join(open_source[:3])))
    if len(out) < 3:  # the rule of thumb only where there is room: the same sentence on every sheet reads as template
        out.append(msg("plan.session.make_or_buy.rule", lang))
    return out


def data_tasks(picks: list[ScoredUseCase], intake, plan: Plan, lang: str, pilot_owner: str) -> list[DataTask]:
    baseline_step = next((s for s in plan.steps if s.id == "baseline"), None)
    gap_step = next((s for s in plan.steps if s.id == "data_gap"), None)
    out = []
    for p in picks[:2]:
        en = getattr(p.case, "en", None) if lang == "en" else None
        kpi = en.kpis[0] if en is not None and en.kpis else p.case.kpis[0]
        local = case_text(p.case, lang)
        by = baseline_step.by if baseline_step else plan.horizon_end
        own = next((pr for pr in intake.processes or [] if pr.name == p.breakdown.matched_process), None)
        if own is not None and own.hours_per_month:
            out.append(DataTask(what=msg("plan.session.data.measure_time", lang, process=own.name, case=case_text(p.case, lang).title),
                                baseline=msg("plan.session.data.baseline_hours", lang, process=own.name,
                                             hours=fmt.smart_number(own.hours_per_month, lang)),
                                who=pilot_owner, by=by.isoformat()))
        base = msg("plan.session.data.baseline_catalogue", lang, baseline=kpi.baseline) if kpi.baseline else \
            msg("plan.session.data.baseline_unknown", lang)
        out.append(DataTask(what=msg("plan.session.data.measure", lang, kpi=local.kpi, case=case_text(p.case, lang).title),
                            baseline=base, who=pilot_owner, by=by.isoformat()))
        if p.breakdown.data_gap:
            missing = ", ".join(label("data_sources", s, lang) for s in p.breakdown.missing_data[:3])
            by = gap_step.by if gap_step and p is picks[0] else plan.horizon_end
            out.append(DataTask(what=msg("plan.session.data.capture", lang, missing=missing, case=case_text(p.case, lang).title),
                                baseline=msg("plan.session.data.baseline_none", lang), who=pilot_owner,
                                by=by.isoformat()))
    return out[:MAX_DATA_TASKS]


def build_session(picks: list[ScoredUseCase], intake, plan: Plan, lang: str = "de") -> Session:
    pilot_owner = msg("plan.roles.pilot_owner", lang)
    return Session(questions=questions(picks, intake, lang), bring=bring(picks, intake, lang),
                   quick_wins=quick_wins(picks, intake, lang), make_or_buy=make_or_buy(picks, intake, lang),
                   data_tasks=data_tasks(picks, intake, plan, lang, pilot_owner))


__all__ = ["DataTask", "Session", "build_session", "named_systems"]

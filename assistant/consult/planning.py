"""The leadership mandate and the next-steps plan ("who does what by when"), derived from the firm's facts.

Why a scheduler and not fixed offsets: a consultant's plan fits the firm — its horizon, its data and IT
readiness, the funding it wants (approval comes before the first order), its busy season, its state's public
holidays and the Christmas break. Every step carries an owner role that exists in the firm (no "IT" where there
is none) and a "done when". The mandate's decision dates are taken from the steps, so the two never disagree.

Rules (durations, lead times, patterns) are data in `assistant/consult/data/plan_rules.yaml`; texts are in the
message catalogue area `plan`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import holidays
import yaml

from assistant.yaml_io import load_trusted
from babel.dates import format_date
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel

from assistant.consult.matching import ScoredUseCase
from assistant.consult.texts import label
from assistant.i18n import formatting as fmt
from assistant.i18n import msg
from assistant.vocabulary import state_name


class DecisionPoint(BaseModel):
    when: str
    decision: str


class Mandate(BaseModel):
    owner: str
    objectives: list[str]
    focus: list[str]
    guardrails: list[str]
    it_role: list[str]
    budget_eur: float | None
    decision_points: list[DecisionPoint]


class NextStep(BaseModel):
    what: str
    who: str
    by: str
    done_when: str = ""


class PlanStep(BaseModel):
    """One scheduled step; `decision` is set when the step is also a decision point of the mandate."""

    id: str
    what: str
    who: str
    by: dt.date
    done_when: str
    decision: str | None = None
    case_id: str | None = None


class PilotWindow(BaseModel):
    case_id: str
    start: dt.date
    end: dt.date
    weeks: int


class FundingStep(BaseModel):
    """The one funding application the plan waits for (chosen by assistant.consult.funding)."""

    programme_id: str
    name: str
    kind: str
    status: str = "open"
    deadline: dt.date | None = None


class Plan(BaseModel):
    steps: list[PlanStep]
    horizon_end: dt.date
    pilots: list[PilotWindow]
    warnings: list[str]
    busy_months: list[int] = []
    waits_for_funding: bool = False

    def next_steps(self) -> list[NextStep]:
        return [NextStep(what=s.what, who=s.who, by=s.by.isoformat(), done_when=s.done_when) for s in self.steps]

    def decision_points(self) -> list[DecisionPoint]:
        return [DecisionPoint(when=s.by.isoformat(), decision=s.decision) for s in self.steps if s.decision]


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    raw_text = resources.files("assistant.consult").joinpath("data/plan_rules.yaml").read_text(encoding="utf-8")
    return load_trusted(raw_text)


class CaseText(BaseModel):
    """The texts of a case in the output language (the catalogue's English block when lang is en)."""

    title: str
    kpi: str
    target: str
    scope: str


SHORT_TITLE_MAX = 45
_TITLE_PARTS = re.compile(r" – |: ")
# Qualifiers to cut a long title at, and trailing conjunctions to drop (one word per literal: these are not prose)
_TITLE_CUTS = {"de": (", ", " mit ", " per ", " aus ", " für ", " in ", " – ") + (" und die ",),
               "en": (", ", " with ", " via ", " from ", " for ", " by ", " – ") + (" and the ",)}
_TRAILING = re.compile(r"\s+(" + "|".join(("und", "oder", "sowie", "and", "or")) + r")$")


def short_title(title: str, lang: str) -> str:
    """A catalogue title short enough to repeat in steps, mandate and session questions.

    Why: the full titles run to 90–120 characters; quoted ten times in a sheet they drown the plan. The use-case
    heading keeps the full title; later mentions use its head: the part before a dash or colon (with a one-word
    prefix such as "Tischlerei" kept), cut at the first qualifier (", ", " mit ", " per " …) after three words."""
    parts = _TITLE_PARTS.split(title, maxsplit=1)
    prefix, head = "", parts[0]
    if len(parts) == 2 and len(parts[0].split()) < 2:
        prefix, head = parts[0] + " – ", parts[1]
    if len(prefix + head) > SHORT_TITLE_MAX:
        cuts = [i for cut in _TITLE_CUTS.get(lang, _TITLE_CUTS["de"]) for i in [head.find(cut)]
                if i > 0 and len(head[:i].split()) >= 3]
        if cuts:
            head = head[:min(cuts)]
    return _TRAILING.sub("", (prefix + head).strip(" ,;–"))


def case_text(case, lang: str) -> CaseText:
    en = getattr(case, "en", None) if lang == "en" else None
    if en is not None:
        kpi = en.kpis[0] if en.kpis else case.kpis[0]
        return CaseText(title=short_title(en.title, lang), kpi=kpi.name, target=kpi.target,
                        scope=en.pilot_scope.rstrip("."))
    return CaseText(title=short_title(case.title, lang), kpi=case.kpis[0].name, target=case.kpis[0].target,
                    scope=case.pilot.scope.rstrip("."))


# ------------------------------------------------------------------------------------------------ calendar


class WorkCalendar:
    """Working days of a firm in one state: no weekends, no public holidays of the state, no company break."""

    def __init__(self, state: str, first_year: int, years: int = 6):
        self.state = state
        self.holidays = holidays.country_holidays("DE", subdiv=state, years=range(first_year - 1, first_year + years))
        brk = rules()["company_break"]
        self._break = (tuple(int(x) for x in brk["from"].split("-")), tuple(int(x) for x in brk["to"].split("-")))

    def in_break(self, day: dt.date) -> bool:
        (fm, fd), (tm, td) = self._break
        md = (day.month, day.day)
        if (fm, fd) <= (tm, td):
            return (fm, fd) <= md <= (tm, td)
        return md >= (fm, fd) or md <= (tm, td)

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays and not self.in_break(day)

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def add(self, day: dt.date, workdays: int) -> dt.date:
        """The working day `workdays` working days after `day` (0 = the next working day on or after it)."""
        day = self.on_or_after(day)
        for _ in range(max(0, workdays)):
            day = self.on_or_after(day + dt.timedelta(days=1))
        return day

    def break_window(self, year: int) -> tuple[dt.date, dt.date]:
        (fm, fd), (tm, td) = self._break
        start = dt.date(year, fm, fd)
        end = dt.date(year + (1 if (tm, td) < (fm, fd) else 0), tm, td)
        return start, end


# ------------------------------------------------------------------------------------------------ firm facts


def _text(intake) -> str:
    return " ".join([(getattr(intake, "constraints", None) or ""), intake.pain_points]).lower()


def has_external_it(intake) -> bool:
    """No in-house IT: low self-assessed IT maturity or the constraints say so (unless the firm is an IT firm)."""
    cfg = rules()["external_it"]
    if intake.company.industry in cfg["internal_industries"]:
        return False
    if intake.it_maturity <= cfg["max_it_maturity"]:
        return True
    text = (getattr(intake, "constraints", None) or "").lower()
    return any(re.search(p, text) for p in cfg["patterns"])


def works_council(intake) -> str:
    """`present`, `absent` or `ask` (unknown: the session asks once instead of "if any" everywhere)."""
    cfg = rules()["works_council"]
    text = (getattr(intake, "constraints", None) or "").lower()
    if any(re.search(p, text) for p in cfg["absent_patterns"]):
        return "absent"
    if any(re.search(p, text) for p in cfg["present_patterns"]) or "betriebsrat" in text:
        return "present"
    if intake.company.employees < cfg["min_employees"]:
        return "absent"
    return "ask"


def busy_months(intake, detected: list[str] | None = None) -> list[int]:
    """Months named as busy in the constraints; `detected` are season hints from the matcher, if it has them."""
    text = _text(intake) + " " + " ".join(detected or [])
    months: set[int] = set()
    fallbacks: set[int] = set()
    for rule in rules()["busy_seasons"]:
        if re.search(rule["pattern"], text):
            (fallbacks if rule.get("fallback") else months).update(rule["months"])
    return sorted(months or fallbacks)


def field_months(scored: ScoredUseCase, intake) -> list[int]:
    """Months in which an agricultural field pilot may start (empty: any month)."""
    cfg = rules()["field_seasons"]
    if intake.company.industry not in cfg["industries"]:
        return []
    if scored.case.id in cfg["cases"]:
        return list(cfg["cases"][scored.case.id])
    scope = scored.case.pilot.scope.lower()
    for word, months in cfg["keywords"].items():
        if word in scope:
            return list(months)
    return []


def _roles(intake, lang: str) -> dict[str, str]:
    r = "plan.roles."
    lead = msg(r + ("lead_owner" if getattr(intake, "respondent_role", None) == "owner" else "lead_md"), lang)
    external = has_external_it(intake)
    return {
        "lead": lead,
        "pilot_owner": msg(r + "pilot_owner", lang),
        "it": msg(r + ("it_external" if external else "it_internal"), lang),
        "accounting": msg(r + "accounting", lang),
        "dpo": msg(r + ("dpo" if intake.company.employees >= 20 else "dpo_small"), lang),
    }


def owner_role(intake, lang: str) -> str:
    role = _roles(intake, lang)["lead"]
    name = getattr(intake.company, "name", None)
    return msg("plan.roles.named", lang, role=role, name=name) if name else role


def _systems(intake, lang: str) -> str:
    digital = [s for s in intake.data.sources if s not in {"paper", "phone", "none"}]
    if not digital:
        return msg("plan.mandate.systems_fallback", lang)
    return ", ".join(label("data_sources", s, lang) for s in digital[:4])


# ------------------------------------------------------------------------------------------------ scheduling


def horizon_end(start: dt.date, intake, cal: WorkCalendar) -> dt.date:
    months = getattr(intake, "time_horizon_months", None) or rules()["defaults"]["horizon_months"]
    return cal.on_or_before(start + relativedelta(months=months))


def _months_text(months: list[int], lang: str) -> str:
    names = [format_date(dt.date(2000, m, 1), "MMMM", locale=fmt.locale(lang)) for m in months]
    return names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"


def _shift_out_of(day: dt.date, forbidden: list[int], cal: WorkCalendar) -> dt.date:
    for _ in range(13):
        if day.month not in forbidden:
            return cal.on_or_after(day)
        day = (day.replace(day=1) + relativedelta(months=1))
    return day


def _shift_into(day: dt.date, allowed: list[int], cal: WorkCalendar) -> dt.date:
    for _ in range(13):
        if day.month in allowed:
            return cal.on_or_after(day)
        day = (day.replace(day=1) + relativedelta(months=1))
    return day


class _Builder:
    """Collects steps; a small helper so that each rule stays a few lines."""

    def __init__(self, cal: WorkCalendar, end: dt.date, lang: str):
        self.cal, self.end, self.lang = cal, end, lang
        self.steps: list[PlanStep] = []
        self.warnings: list[str] = []

    def add(self, sid: str, day: dt.date, who: str, case_id: str | None = None, decision: str | None = None,
            **values: Any) -> PlanStep:
        step = PlanStep(id=sid, what=msg(f"plan.steps.{sid}.what", self.lang, **values),
                        done_when=msg(f"plan.steps.{sid}.done_when", self.lang, **values), who=who,
                        by=day, decision=decision, case_id=case_id)
        self.steps.append(step)
        return step

    def warn(self, key: str, **values: Any) -> None:
        self.warnings.append(msg(f"plan.plan_warnings.{key}", self.lang, **values))


def _dp_needed(picks: list[ScoredUseCase]) -> bool:
    return any(p.case.personal_data for p in picks)


def build_plan(picks: list[ScoredUseCase], intake, start: dt.date, funding: FundingStep | None = None,
               lang: str = "de", detected: list[str] | None = None,
               deadlines: list[FundingStep] | None = None) -> Plan:
    """Schedule the steps from the consultation day to the end of the firm's horizon.

    Order of the rules: approval → information and baseline → prerequisites (missing data, IT basics, data
    protection) and the funding application with its approval wait → pilot 1 (outside the busy season, in the
    growing season for field pilots) → Go/No-Go → pilot 2 if it fits, else its preparation → review. If the chain
    is longer than the horizon, the funding wait is dropped first, then the pilot is shortened (not below the
    minimum), and only then are the dates compressed with a warning: no date ever lies past the horizon.
    """
    cfg = rules()
    d = cfg["durations"]
    cal = WorkCalendar(intake.company.state, start.year)
    start = cal.on_or_after(start)
    end = horizon_end(start, intake, cal)
    months = getattr(intake, "time_horizon_months", None) or cfg["defaults"]["horizon_months"]
    roles = _roles(intake, lang)
    first = picks[0] if picks else None
    busy = busy_months(intake, detected)

    def schedule(with_funding: bool, pilot_weeks: int | None) -> tuple[_Builder, list[PilotWindow], bool]:
        b = _Builder(cal, end, lang)
        case_title = case_text(first.case, lang).title if first else ""
        approve = cal.add(start, d["approve"])
        b.add("approve", approve, roles["lead"], case_id=first.case.id if first else None,
              decision=msg("plan.decisions.approve", lang, case=case_title), case=case_title)
        council = works_council(intake)
        b.add("inform_council" if council == "present" else "inform_staff", cal.add(approve, d["inform_staff"]),
              roles["lead"], case=case_title)
        ready = cal.add(approve, d["inform_staff"])
        if first:
            kpi = case_text(first.case, lang).kpi
            ready = max(ready, b.add("baseline", cal.add(approve, d["baseline"]), roles["pilot_owner"],
                                     case_id=first.case.id, kpi=kpi).by)
        prereq_names: list[str] = []
        for p in picks[:1]:
            if p.breakdown.data_gap:
                quality = getattr(intake.data, "quality", None) or "default"
                days = d["data_gap"].get(quality, d["data_gap"]["default"])
                missing = ", ".join(label("data_sources", s, lang) for s in p.breakdown.missing_data)
                step = b.add("data_gap", cal.add(approve, days), roles["pilot_owner"], case_id=p.case.id,
                             case=case_text(p.case, lang).title, missing=missing)
                ready = max(ready, step.by)
                prereq_names.append(step.what)
            gap = p.case.min_it_maturity - intake.it_maturity
            if gap > 0:
                step = b.add("it_basics", cal.add(approve, d["it_basics_per_level"] * gap), roles["it"],
                             case_id=p.case.id, case=case_text(p.case, lang).title, systems=_systems(intake, lang))
                ready = max(ready, step.by)
                prereq_names.append(step.what)
        if _dp_needed(picks[:1]):
            heavy = any(p.case.health_data or p.case.hr_use for p in picks[:1])
            step = b.add("data_protection", cal.add(approve, d["data_protection"]), roles["dpo"],
                         case_id=first.case.id, case=case_text(first.case, lang).title,
                         items=msg("plan.dp_items." + ("dpia" if heavy else "base"), lang))
            ready = max(ready, step.by)
        waits = False
        if funding is not None:
            lead = cfg["funding_lead_times"].get(funding.kind, cfg["funding_lead_times"]["grant"])
            apply_day = cal.add(start, lead["prepare"])
            if funding.deadline is not None and funding.deadline < apply_day:
                apply_day = cal.on_or_before(funding.deadline)
            if funding.deadline is not None and funding.deadline <= end and apply_day >= start:
                sid = "funding_apply_deadline"
            elif lead.get("window"):
                sid = "funding_window"
            elif funding.kind == "loan":
                sid = "funding_loan"
            elif funding.status == "unknown":
                sid = "funding_check"
            else:
                sid = "funding_apply"
            b.add(sid, apply_day, roles["accounting"], programme=funding.name, case=case_title,
                  deadline=fmt.day(funding.deadline, lang) if funding.deadline else "")
            if with_funding and lead["approval_weeks"] > 0:
                approval = cal.add(apply_day, 5 * lead["approval_weeks"])
                b.add("funding_wait", approval, roles["lead"], programme=funding.name)
                ready = max(ready, approval)
                waits = True
        for extra in deadlines or []:
            lead = cfg["funding_lead_times"].get(extra.kind, cfg["funding_lead_times"]["grant"])
            day = min(cal.add(start, lead["prepare"]), cal.on_or_before(extra.deadline))
            if start <= day <= end:
                b.add("funding_apply_deadline", day, roles["accounting"], programme=extra.name,
                      deadline=fmt.day(extra.deadline, lang), case=case_title)
        pilots: list[PilotWindow] = []
        if not first:
            return b, pilots, waits
        weeks = pilot_weeks or first.case.pilot.weeks
        t1 = case_text(first.case, lang)
        p_start = cal.add(ready, d["pilot_prep"])
        allowed = field_months(first, intake)
        if allowed:
            shifted = _shift_into(p_start, allowed, cal)
            if shifted != p_start:
                b.warn("field_season", case=t1.title, month=fmt.month_year(shifted, lang))
            p_start = shifted
        if busy and p_start.month in busy:
            p_start = _shift_out_of(p_start, busy, cal)
            b.warn("season_shift", case=t1.title, date=fmt.day(p_start, lang),
                   months_text=_months_text(busy, lang))
        if prereq_names:
            b.warn("prereq_first", case=t1.title, date=fmt.day(p_start, lang), what="; ".join(prereq_names))
        b.add("pilot_start", p_start, roles["pilot_owner"], case_id=first.case.id, case=t1.title,
              weeks=weeks, scope=t1.scope)
        p_end = cal.on_or_after(p_start + dt.timedelta(weeks=weeks))
        pilots.append(PilotWindow(case_id=first.case.id, start=p_start, end=p_end, weeks=weeks))
        gate = cal.add(p_end, d["evaluate"])
        second = picks[1] if len(picks) > 1 else None
        gate_values = {"case": t1.title}
        gate_sid = "gate"
        t2 = case_text(second.case, lang) if second is not None else None
        if t2 is not None:
            gate_sid, gate_values["next"] = "gate_with_next", t2.title
        b.add(gate_sid, gate, roles["lead"], case_id=first.case.id,
              decision=msg("plan.decisions.gate", lang, case=t1.title), **gate_values)
        last_case, last_gate = first, gate
        if second is not None:
            s_start = cal.add(gate, d["gate_to_second"])
            s_end = cal.on_or_after(s_start + dt.timedelta(weeks=second.case.pilot.weeks))
            s_gate = cal.add(s_end, d["evaluate"])
            if s_gate <= end:
                b.add("pilot2_start", s_start, roles["pilot_owner"], case_id=second.case.id, case=t2.title,
                      weeks=second.case.pilot.weeks, scope=t2.scope)
                b.add("gate2", s_gate, roles["lead"], case_id=second.case.id, case=t2.title,
                      decision=msg("plan.decisions.gate2", lang, case=t2.title))
                pilots.append(PilotWindow(case_id=second.case.id, start=s_start, end=s_end,
                                          weeks=second.case.pilot.weeks))
                last_case, last_gate = second, s_gate
            else:
                prep = min(cal.add(gate, d["gate_to_second"]), end)
                if prep > gate:
                    b.add("next_prepare", prep, roles["pilot_owner"], case_id=second.case.id, case=t2.title)
                b.warn("second_after_horizon", case=t2.title, date=fmt.day(gate, lang))
        review = cal.add(last_gate, d["review_after_gate"])
        if review > end:
            review = end
        if (review - last_gate).days >= 14:
            b.add("review", review, roles["lead"], case_id=last_case.case.id, case=case_text(last_case.case, lang).title,
                  decision=msg("plan.decisions.review", lang))
        return b, pilots, waits

    builder, pilots, waits = schedule(funding is not None, None)
    notes: list[str] = []
    if first and _latest(builder) > end and funding is not None and waits:
        lead = cfg["funding_lead_times"].get(funding.kind, cfg["funding_lead_times"]["grant"])
        builder, pilots, waits = schedule(False, None)
        notes.append(msg("plan.plan_warnings.funding_too_slow", lang, programme=funding.name,
                         weeks=lead["approval_weeks"], months=months))
    if first and _latest(builder) > end and pilots:
        over_weeks = -(-(_latest(builder) - end).days // 7)
        weeks = max(cfg["defaults"]["min_pilot_weeks"], pilots[0].weeks - over_weeks)
        if weeks < pilots[0].weeks:
            planned = pilots[0].weeks
            builder, pilots, waits = schedule(waits, weeks)
            notes.append(msg("plan.plan_warnings.pilot_shortened", lang, case=case_text(first.case, lang).title, weeks=weeks,
                             planned=planned, months=months))
    if _latest(builder) > end:
        needed = months + -(-(_latest(builder) - end).days // 30)
        _compress(builder.steps, start, end, cal)
        notes.append(msg("plan.plan_warnings.horizon_too_short", lang, months=months,
                         case=case_text(first.case, lang).title if first else "", needed=needed))
        pilots = [PilotWindow(case_id=p.case_id, start=min(p.start, end), end=min(p.end, end), weeks=p.weeks)
                  for p in pilots]
    steps = sorted(builder.steps, key=lambda s: (s.by, _ORDER.get(s.id, 50)))
    return Plan(steps=steps, horizon_end=end, pilots=pilots, warnings=builder.warnings + notes, busy_months=busy,
                waits_for_funding=waits)


_ORDER = {"approve": 0, "funding_apply": 1, "funding_apply_deadline": 1, "funding_window": 1, "funding_loan": 1,
          "inform_staff": 2, "inform_council": 2, "baseline": 3, "data_gap": 4, "it_basics": 5,
          "data_protection": 6, "funding_wait": 7, "pilot_start": 8, "gate": 9, "gate_with_next": 9,
          "next_prepare": 10, "pilot2_start": 11, "gate2": 12, "review": 13}


def _latest(builder: _Builder) -> dt.date:
    return max((s.by for s in builder.steps), default=builder.end)


def _compress(steps: list[PlanStep], start: dt.date, end: dt.date, cal: WorkCalendar) -> None:
    """Scale all dates into [start, end] keeping their order (last resort when the horizon is too short)."""
    latest = max(s.by for s in steps)
    span = max(1, (latest - start).days)
    room = max(0, (end - start).days)
    for s in steps:
        scaled = start + dt.timedelta(days=round((s.by - start).days * room / span))
        s.by = min(cal.on_or_after(scaled), end) if cal.on_or_after(scaled) <= end else cal.on_or_before(scaled)


# ------------------------------------------------------------------------------------------------ mandate


def guardrails(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    """The frame leadership sets: data, responsibility, security, communication, plus triggered legal points."""
    g = "plan.guardrails."
    council = works_council(intake)
    comm = {"present": "communication_council", "ask": "communication_ask", "absent": "communication_small"}[council]
    first = case_text(picks[0].case, lang).title if picks else ""
    out = [msg(g + "data", lang, data=data_classes(picks, lang), case=first), msg(g + "responsibility", lang, case=first),
           msg(g + ("security_external" if has_external_it(intake) else "security_internal"), lang, case=first),
           msg(g + comm, lang, employees=intake.company.employees)]
    cases = [p.case for p in picks]
    for flag, key in ((any(c.personal_data for c in cases), "gdpr"), (any(c.health_data for c in cases), "health"),
                      (any(c.hr_use for c in cases), "employees"),
                      (any(c.ai_act_class == "high" for c in cases), "high_risk"),
                      (any(c.ai_act_class == "limited" for c in cases), "transparency")):
        if flag:
            out.append(msg(g + key, lang, case=first))
    return out


def data_classes(picks: list[ScoredUseCase], lang: str) -> str:
    """The data classes at stake in the picked cases, so the data guardrail names this firm's data."""
    cases = [p.case for p in picks]
    keys = []
    if any(c.personal_data for c in cases):
        keys.append("customer")
    if any(c.hr_use for c in cases):
        keys.append("staff")
    if any(c.health_data for c in cases):
        keys.append("health")
    keys.append("business")
    names = [msg(f"plan.data_classes.{k}", lang) for k in keys]
    text = ", ".join(names[:-1]) + msg("plan.data_classes.join", lang) + names[-1] if len(names) > 1 else names[0]
    return text[:1].upper() + text[1:]


def build_mandate(picks: list[ScoredUseCase], areas: list, not_now: list[str], intake, plan: Plan,
                  lang: str = "de") -> Mandate:
    """The mandate of leadership; its decision points are the decision steps of `plan` (one source of dates)."""
    m = "plan.mandate."
    texts_ = [case_text(p.case, lang) for p in picks]
    objectives = [msg(m + "objective", lang, case=t.title, kpi=t.kpi, target=t.target) for t in texts_]
    pilot = next((s for s in plan.steps if s.id == "pilot_start"), None)
    approve = next((s for s in plan.steps if s.id == "approve"), None)
    objectives.append(msg(m + "objective_literacy", lang, case=texts_[0].title if texts_ else "",
                          date=fmt.day(pilot.by if pilot else plan.horizon_end, lang)))
    focus = [msg(m + "focus_case", lang, case=t.title) for t in texts_]
    focus += [msg(m + "focus_lever", lang, area=a.area) for a in areas[:3]]
    if not_now:
        focus.append(msg(m + "focus_not_now", lang, items="; ".join(not_now)))
    who = _roles(intake, lang)["it"]
    it_role = [msg(m + "it_security", lang, who=who[:1].upper() + who[1:]),
               msg(m + "it_integration", lang, systems=_systems(intake, lang)),
               msg(m + "it_feasibility", lang, case=texts_[0].title if texts_ else "", date=fmt.day(approve.by if approve else plan.horizon_end, lang))]
    if has_external_it(intake):
        it_role.append(msg(m + "it_external_note", lang))
    return Mandate(owner=owner_role(intake, lang), objectives=objectives, focus=focus,
                   guardrails=guardrails(picks, intake, lang), it_role=it_role,
                   budget_eur=getattr(intake, "budget_eur", None), decision_points=plan.decision_points())


def calendar_note(intake, start: dt.date, lang: str) -> str:
    """One sentence that says the calendar was taken into account (shown with the steps)."""
    cal = WorkCalendar(intake.company.state, start.year)
    year = start.year if start <= dt.date(start.year, 12, 24) else start.year
    b_start, b_end = cal.break_window(year)
    return msg("plan.plan_warnings.break_note", lang, start=fmt.short_day(b_start, lang), end=fmt.day(b_end, lang),
               state=state_name(intake.company.state, lang))


__all__ = ["DecisionPoint", "FundingStep", "Mandate", "NextStep", "Plan", "PlanStep", "PilotWindow", "WorkCalendar",
           "build_mandate", "build_plan", "busy_months", "calendar_note", "guardrails", "has_external_it",
           "owner_role", "works_council"]

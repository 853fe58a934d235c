"""The consultation pipeline: intake → retrieval → matching → writing → report.

`consult()` returns a `ConsultResult` whose JSON is exactly consult.schema.json (plus extra fields). The offline
writer is deterministic; with a reachable Ollama model, `writing.refine()` may rewrite the summary and the
per-case texts, field by field, falling back to the offline text whenever the model's output is not trustworthy.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from assistant.consult.maturity_dimensions import dimensions
from assistant.consult.assessment import LeverageArea, Maturity, area_of, assess_maturity, leverage_areas
from assistant.consult.catalogue import UseCase, load_catalogue
from assistant.consult.funding import FundingMatch, FundingQuery, find_funding, load_programmes
from assistant.consult.matching import (ScoreBreakdown, ScoredUseCase, first_pick, held_back, not_now as deferred,
                                       pick, rank_use_cases, top_process)
from assistant.consult import value as value_model
from assistant.consult.compliance import compliance_line
from assistant.consult.firm import FirmProfile, profile
from assistant.consult.markers import marker_hits
from assistant.consult.variants import localise
from assistant.i18n import formatting as fmt
from assistant.i18n import msg
from assistant.models import SourceRef
from assistant.consult.planning import Mandate, NextStep, build_mandate
from assistant.consult import prep_sheet
from assistant.consult.budget import BudgetBlock
from assistant.consult.session import Session
from assistant.consult.texts import label


class KpiOut(BaseModel):
    name: str
    baseline: str | None = None
    target: str


class PilotOut(BaseModel):
    scope: str
    duration_weeks: int
    success_criteria: list[str]


class UseCaseOut(BaseModel):
    id: str
    title: str
    problem: str
    solution: str
    data_needed: list[str]
    kpis: list[KpiOut]
    effort: Literal["S", "M", "L"]
    expected_value: str
    cost_band_eur: tuple[int, int]
    risks: list[str]
    pilot: PilotOut
    why_this: str
    score: float
    sources: list[SourceRef]
    tools: list[str] = []
    lever: str | None = None
    value_kind: str | None = None
    compliance: str = ""
    breakdown: ScoreBreakdown | None = None


class NotNowOut(BaseModel):
    """A case deliberately deferred: fits the firm's industry and pains, with a one-line reason."""

    id: str
    title: str
    reason: str


class ConstraintOut(BaseModel):
    """A rule the firm's own words triggered (id from assistant/consult/data/firm_rules.yaml) and what it means
    for the plan; `evidence` is the firm's phrase behind it, if any."""

    id: str
    text: str
    evidence: str | None = None


class ConsultResult(BaseModel):
    mode: Literal["offline", "ollama"] = "offline"
    language: Literal["de", "en"] = "de"
    consultation_date: str
    company_summary: str
    maturity: Maturity
    leverage_areas: list[LeverageArea]
    use_cases: list[UseCaseOut]
    mandate: Mandate
    next_steps: list[NextStep]
    funding: list[FundingMatch]
    sources: list[SourceRef]
    warnings: list[str]
    budget: BudgetBlock | None = None
    session: Session | None = None
    contacts: list[prep_sheet.ContactOut] = []
    funding_research: str | None = None
    not_now: list[NotNowOut] = []
    constraints_applied: list[ConstraintOut] = []
    segments: list[str] = []

    def contract_json(self, explain: bool = False) -> dict:
        data = self.model_dump(mode="json")
        if not explain:
            for case in data["use_cases"]:
                case.pop("breakdown", None)
        return data


def company_summary(intake, maturity: Maturity, lang: str) -> str:
    c = intake.company
    return msg("matching.summary", lang, name=getattr(c, "name", None) or msg("matching.summary_no_name", lang),
               kind=label("industry", c.industry, lang), from_state=_from_state(c.state, lang), employees=c.employees,
               level=maturity.level, label=maturity.label,
               goals=", ".join(label("goals", g, lang) for g in intake.goals), pain=_pain_line(intake, lang))


def _pain_line(intake, lang: str) -> str:
    """The biggest pain as the matcher ranks it (hours × pain of a named process) with the firm's own first
    sentence as a quote: "24 Ferienwohnungen." is how a firm starts its text, not its biggest pain."""
    pain = _first_words(intake.pain_points)
    from assistant.consult.assessment import process_phrase

    proc = _top_process(intake)
    if proc is None:
        return msg("matching.summary_pain_text", lang, pain=pain)
    return msg("matching.summary_top_process", lang, process=process_phrase(proc, lang), pain=pain)


def _first_words(text: str, limit: int = 220) -> str:
    pain = text.strip().split("\n")[0]
    return pain if len(pain) <= limit else pain[:limit - 3].rsplit(" ", 1)[0] + " …"


def _top_process(intake):
    from assistant.consult.matching import top_process

    name = top_process(intake)
    return next((p for p in intake.processes or [] if p.name == name), None)


def _from_state(code: str, lang: str) -> str:
    """"aus Sachsen" but "aus dem Saarland": the phrase is catalogue data per state, with a default."""
    from assistant.i18n import has

    key = f"matching.from_state.{code}" if has(f"matching.from_state.{code}", lang) else "matching.from_state.default"
    return msg(key, lang, state=_state_name(code, lang))


def _state_name(code: str, lang: str) -> str:
    from assistant.intake import option_label

    return option_label("company.state", code, lang)


def _process(intake, name: str | None):
    return next((p for p in intake.processes or [] if p.name == name), None)


def expected_value(scored: ScoredUseCase, intake, lang: str) -> tuple[str, str | None]:
    """Value in the lever's own unit (value.py); the second item is kept for callers that want the baseline."""
    text = value_model.expected_value(scored.case, intake, scored.breakdown.matched_process, lang)
    proc = _process(intake, scored.breakdown.matched_process)
    baseline = None
    if proc is not None and proc.hours_per_month:
        baseline = msg("matching.value.kpi_hours_baseline", lang, hours=fmt.smart_number(proc.hours_per_month, lang))
    return text, baseline


def own_numbers_kpi(scored: ScoredUseCase, intake, lang: str) -> KpiOut | None:
    """The KPI in the lever's unit, with the firm's own hours where the lever is time."""
    kpi = value_model.own_numbers_kpi(scored.case, intake, scored.breakdown.matched_process, lang)
    if kpi is None:
        return None
    name, baseline, target = kpi
    return KpiOut(name=name, baseline=baseline, target=target)


def _quoted(text: str, lang: str) -> str:
    return msg("common.quoted", lang, text=text)


def _written_for(case, intake, segment_match: bool, lang: str) -> str:
    """"eigens für Tischlereien geschrieben" names the firm's segment; else "typisch für Handwerksbetriebe"."""
    from assistant.consult.firm import profile

    segment = next((s for s in profile(intake).segments if s in case.segments), None) if segment_match else None
    if segment is not None:
        return msg("matching.why.segment", lang, industry=label("segment_plural", segment, lang))
    return msg("matching.why.industry", lang, industry=label("industry_plural", intake.company.industry, lang))


def why_this(scored: ScoredUseCase, intake, lang: str) -> str:
    """The intake facts the pick rests on, biggest pain first when it serves it."""
    w = "matching.why."
    b = scored.breakdown
    parts = []
    proc = _process(intake, b.matched_process)
    if proc is not None:
        extras = []
        if proc.hours_per_month:
            extras.append(msg(w + "hours", lang, hours=fmt.smart_number(proc.hours_per_month, lang)))
        if proc.pain:
            extras.append(msg(w + "pain", lang, pain=proc.pain))
        key = "top_process" if proc.name == top_process(intake) else "process"
        parts.append(msg(w + key, lang, process=_quoted(proc.name, lang)) + (f" ({', '.join(extras)})" if extras else ""))
    if b.matched_keywords:
        parts.append(msg(w + "keywords", lang, items=", ".join(_quoted(k, lang) for k in b.matched_keywords[:4])))
    shared = [g for g in scored.case.goals if g in intake.goals]
    if shared:
        parts.append(msg(w + "goals", lang, goals=", ".join(label("goals", g, lang) for g in shared)))
    have = [s for s in scored.case.data_sources if s in intake.data.sources]
    if have:
        parts.append(msg(w + "data", lang, sources=", ".join(label("data_sources", s, lang) for s in have)))
    parts.append(_written_for(scored.case, intake, b.segment_match, lang))
    if intake.it_maturity >= scored.case.min_it_maturity:
        parts.append(msg(w + "maturity", lang, have=intake.it_maturity, need=scored.case.min_it_maturity))
    text = "; ".join(parts) or msg(w + "fallback", lang)
    return text[0].upper() + text[1:] + "."


def case_source(case: UseCase) -> SourceRef:
    return SourceRef(id=case.id, title=case.title, source=case.source, section="Use-Case-Katalog")


def build_use_case(scored: ScoredUseCase, intake, lang: str, guidance: list[SourceRef],
                   firm: FirmProfile | None = None) -> UseCaseOut:
    """The card of one pick, in the firm's variant texts and the requested language."""
    case = scored.case
    firm = firm or profile(intake)
    value, _ = expected_value(scored, intake, lang)
    en = case.en if lang == "en" and case.en is not None else None
    base_kpis = en.kpis if en is not None and len(en.kpis) == len(case.kpis) else case.kpis
    kpis = [KpiOut(name=k.name, baseline=k.baseline, target=k.target) for k in base_kpis]
    own = own_numbers_kpi(scored, intake, lang)
    if own is not None:
        kpis.insert(0, own)
    missing = set(scored.breakdown.missing_data)
    suffix = msg("matching.why.missing_suffix", lang)
    data_needed = [label("data_sources", s, lang) + (suffix if s in missing else "") for s in case.data_sources
                   if s not in missing or not marker_hits(label("data_sources", s, "de"), firm.industries)]
    data_needed = data_needed or [label("data_sources", s, lang) for s in case.data_sources[:1]]
    compliance = compliance_line(case, firm, lang)
    risks = en.risks if en is not None and len(en.risks) == len(case.risks) else [r.text for r in case.risks]
    return UseCaseOut(
        id=case.id, title=en.title if en else case.title, problem=en.problem if en else case.problem,
        solution=en.solution if en else case.solution, data_needed=data_needed,
        kpis=kpis, effort=case.effort, expected_value=value, cost_band_eur=case.cost_band_eur,
        risks=[compliance, *risks],
        pilot=PilotOut(scope=en.pilot_scope if en else case.pilot.scope, duration_weeks=case.pilot.weeks,
                       success_criteria=en.success_criteria if en else case.pilot.success_criteria),
        why_this=why_this(scored, intake, lang), score=scored.breakdown.total,
        sources=[case_source(case)] + guidance, tools=[t.name for t in case.tools], lever=case.lever,
        value_kind=case.value_model.kind if case.value_model else None, compliance=compliance,
        breakdown=scored.breakdown,
    )


def funding_topics(picks: list[ScoredUseCase]) -> list[str]:
    topics = ["consulting", "training"]
    if any(p.case.effort in {"M", "L"} for p in picks):
        topics += ["investment", "loan"]
    return topics


def _title(case: UseCase, lang: str) -> str:
    return case.en.title if lang == "en" and case.en is not None else case.title


def warnings_for(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    out = []
    for p in picks:
        title = _title(p.case, lang)
        if p.breakdown.data_gap:
            missing = missing_labels(p.breakdown.missing_data, [intake.company.industry], lang)
            out.append(msg("matching.warnings.data_gap", lang, title=title, missing=missing))
        if p.case.hr_use:
            out.append(msg("matching.warnings.hr_use", lang, title=title))
        if intake.it_maturity < p.case.min_it_maturity:
            out.append(msg("matching.warnings.maturity", lang, title=title, need=p.case.min_it_maturity,
                           have=intake.it_maturity))
    return out


def high_risk_notes(cases: list[ScoredUseCase], lang: str) -> list[str]:
    return [msg("matching.warnings.high_risk", lang, title=_title(c.case, lang)) for c in cases]


def missing_labels(missing: list[str], industries: list[str], lang: str) -> str:
    """Missing data sources as the firm reads them, without sources foreign to its industry (a broker is not told
    that a web shop is missing)."""
    kept = [s for s in missing if not marker_hits(label("data_sources", s, "de"), industries)] or missing[:1]
    return ", ".join(label("data_sources", s, lang) for s in kept)


def not_now_items(picks: list[ScoredUseCase], ranked: list[ScoredUseCase], intake, lang: str) -> list[NotNowOut]:
    """Deferred cases with a one-line reason each: what stands in the way, or why it comes later."""
    out = []
    picked_processes = {p.breakdown.matched_process for p in picks}
    for r in deferred(ranked, picks):
        b, case = r.breakdown, r.case
        if b.data_gap:
            reason = msg("matching.not_now.data_missing", lang,
                         missing=missing_labels(b.missing_data, [intake.company.industry], lang))
        elif intake.it_maturity < case.min_it_maturity:
            reason = msg("matching.not_now.maturity", lang, need=case.min_it_maturity)
        elif intake.budget_eur is not None and case.cost_band_eur[0] > intake.budget_eur:
            reason = msg("matching.not_now.budget", lang, cost=fmt.money(case.cost_band_eur[0], lang))
        elif b.matched_process and b.matched_process not in picked_processes:
            reason = msg("matching.not_now.later_process", lang, process=b.matched_process)
        else:
            reason = msg("matching.not_now.smaller", lang)
        title = case.en.title if lang == "en" and case.en is not None else case.title
        out.append(NotNowOut(id=case.id, title=title, reason=reason))
    return out


def constraint_items(firm: FirmProfile, lang: str) -> list[ConstraintOut]:
    """The firm's constraints as the sheet states them, quoting the firm where a phrase triggered the rule."""
    out = []
    for cid in firm.constraints:
        evidence = firm.evidence.get(cid)
        quote = msg("matching.constraints.quote", lang, text=evidence.rstrip(".")) if evidence else ""
        text = msg(f"matching.constraints.{cid}", lang, quote=quote) if cid in {"existing_software", "busy_season"} \
            else msg(f"matching.constraints.{cid}", lang)
        out.append(ConstraintOut(id=cid, text=text, evidence=evidence))
    return out


def first_pick_note(ranked: list[ScoredUseCase], intake, lang: str) -> list[str]:
    """Why the biggest pain is not served first, when it is not."""
    _, reason = first_pick(ranked, intake)
    top = top_process(intake)
    if reason is None or top is None:
        return []
    return [msg(f"matching.first_pick.{reason}", lang, process=top)]


class Consultant:
    """Runs consultations against one knowledge base and index (retriever may be None: keyword-only matching)."""

    def __init__(self, settings, retriever=None, writer=None):
        self.settings = settings
        self.retriever = retriever
        self.writer = writer

    def guidance_sources(self, query: str, k: int = 2) -> list[SourceRef]:
        if self.retriever is None:
            return []
        from assistant.knowledge.answers import to_source
        from assistant.knowledge.retrieval import Filters, IndexNotReady

        try:
            hits = self.retriever.search_docs(query, k=k, filters=Filters(doc_types=["guidance"]))
        except IndexNotReady:
            return []
        return [to_source(h) for h in hits]

    def rank(self, intake, firm: FirmProfile | None = None) -> list[ScoredUseCase]:
        """Eligible cases, best first, each already in the firm's variant texts."""
        firm = firm or profile(intake)
        ranked = rank_use_cases(intake, load_catalogue(self.settings.kb_dir.resolve()), self.retriever, firm)
        return [ScoredUseCase(case=localise(r.case, firm), breakdown=r.breakdown) for r in ranked]

    def consult(self, intake, date: dt.date | None = None, lang: str | None = None) -> ConsultResult:
        lang = lang or self.settings.lang
        start = date or dt.date.today()
        firm = profile(intake)
        ranked = self.rank(intake, firm)
        picks = pick(ranked, intake)
        maturity = assess_maturity(intake, lang)
        maturity.dimensions = dimensions(intake, lang)
        picked_areas = [a for a in (area_of(" ".join(p.case.processes + p.case.keywords)) for p in picks) if a]
        areas = leverage_areas(intake, lang, picked_areas)
        deferred_items = not_now_items(picks, ranked, intake, lang)
        not_now = [msg("matching.not_now.item", lang, title=d.title, reason=d.reason) for d in deferred_items]
        constraints = constraint_items(firm, lang)
        sheet = prep_sheet.prepare(self.settings.kb_dir.resolve(), picks, ranked, intake, start, lang,
                                   detected=getattr(self, "constraints_detected", None))
        funding = sheet.funding.entries
        use_cases = []
        for p in picks:
            guidance = self.guidance_sources(f"{p.case.title} Pilot Kennzahlen Datenschutz", k=1)
            use_cases.append(build_use_case(p, intake, lang, guidance, firm))
        strategy_sources = self.guidance_sources("KI-Strategie Führungsaufgabe Geschäftsführung Mandat IT Rolle", k=2)
        sources = list({(s.id, s.section): s for s in
                        strategy_sources + [s for u in use_cases for s in u.sources]}.values())
        result = ConsultResult(
            language=lang, consultation_date=start.isoformat(),
            company_summary=company_summary(intake, maturity, lang), maturity=maturity, leverage_areas=areas,
            use_cases=use_cases, mandate=build_mandate(picks, areas, not_now, intake, sheet.plan, lang),
            next_steps=sheet.plan.next_steps(), funding=funding, sources=sources,
            warnings=first_pick_note(ranked, intake, lang) + warnings_for(picks, intake, lang)
            + high_risk_notes(held_back(ranked, picks), lang) + [c.text for c in constraints] + sheet.warnings,
            budget=sheet.budget, session=sheet.session, contacts=sheet.contacts,
            funding_research=sheet.funding.research_line, not_now=deferred_items, constraints_applied=constraints,
            segments=firm.segments,
        )
        if self.writer is not None:
            result = self.writer.refine(result, intake)
        return result

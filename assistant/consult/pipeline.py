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
from assistant.consult.matching import ScoreBreakdown, ScoredUseCase, held_back, pick, rank_use_cases
from assistant.models import SourceRef
from assistant.consult.planning import Mandate, NextStep, build_mandate, next_steps
from assistant.consult.texts import label

HOURLY_RATE_ASSUMPTION_EUR = 50
SAVING_SHARE = {"S": 0.25, "M": 0.3, "L": 0.3}


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
    breakdown: ScoreBreakdown | None = None


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

    def contract_json(self, explain: bool = False) -> dict:
        data = self.model_dump(mode="json")
        if not explain:
            for case in data["use_cases"]:
                case.pop("breakdown", None)
        return data


def company_summary(intake, maturity: Maturity, lang: str) -> str:
    de = lang == "de"
    c = intake.company
    kind = label("industry", c.industry, lang)
    state = _state_name(c.state, lang)
    name = getattr(c, "name", None) or ("Das Unternehmen" if de else "The company")
    goals = ", ".join(label("goals", g, lang) for g in intake.goals)
    pain = intake.pain_points.strip().split("\n")[0]
    pain = pain if len(pain) <= 220 else pain[:217].rsplit(" ", 1)[0] + " …"
    if de:
        return (f"{name} ist ein {kind} aus {state} mit {c.employees} Beschäftigten (Reifegrad {maturity.level}/5: "
                f"{maturity.label}). Ziele: {goals}. Größter Schmerzpunkt laut Fragebogen: „{pain}“")
    return (f"{name} is a {kind} in {state} with {c.employees} employees (maturity {maturity.level}/5: "
            f"{maturity.label}). Goals: {goals}. Main pain point from the questionnaire: “{pain}”")


def _state_name(code: str, lang: str) -> str:
    from assistant.intake import option_label

    return option_label("company.state", code, lang)


def _process(intake, name: str | None):
    return next((p for p in intake.processes or [] if p.name == name), None)


def expected_value(scored: ScoredUseCase, intake, lang: str) -> tuple[str, str | None]:
    """Saving estimate in the firm's own numbers, with the assumption stated; and the KPI baseline it implies."""
    de = lang == "de"
    case = scored.case
    proc = _process(intake, scored.breakdown.matched_process)
    if proc is not None and proc.hours_per_month:
        share = SAVING_SHARE[case.effort]
        hours = proc.hours_per_month * share
        euros = hours * 12 * HOURLY_RATE_ASSUMPTION_EUR
        if de:
            text = (f"ca. {hours:.0f} Stunden pro Monat weniger für „{proc.name}“ (heute {proc.hours_per_month:g} h/Monat; "
                    f"Annahme: {share * 100:.0f} % Zeitersparnis nach Einführung), bei angenommenen "
                    f"{HOURLY_RATE_ASSUMPTION_EUR} € je Stunde rund {_thousands(euros, '.')} € im Jahr")
        else:
            text = (f"about {hours:.0f} hours a month less for '{proc.name}' (today {proc.hours_per_month:g} h/month; "
                    f"assumption: {share * 100:.0f} % time saved after roll-out), at an assumed "
                    f"€{HOURLY_RATE_ASSUMPTION_EUR} per hour roughly €{_thousands(euros, ',')} a year")
        baseline = f"{proc.hours_per_month:g} h/Monat" if de else f"{proc.hours_per_month:g} h/month"
        return text, baseline
    low, high = case.cost_band_eur
    text = (f"Nutzen im Pilot messen (Ausgangswert vorher erheben); grobe Kosten {_thousands(low, '.')}–"
            f"{_thousands(high, '.')} € für Pilot und erstes Jahr" if de else
            f"Measure the benefit in the pilot (record the baseline first); rough cost €{low:,}–{high:,} for pilot "
            "and first year")
    return text, None


def _thousands(value: float, sep: str) -> str:
    return f"{value:,.0f}".replace(",", sep)


def own_numbers_kpi(scored: ScoredUseCase, intake, lang: str) -> KpiOut | None:
    """A KPI in the firm's own numbers: the hours its process takes today and a target from the stated saving."""
    proc = _process(intake, scored.breakdown.matched_process)
    if proc is None or not proc.hours_per_month:
        return None
    share = SAVING_SHARE[scored.case.effort]
    target = proc.hours_per_month * (1 - share)
    if lang == "de":
        return KpiOut(name=f"Zeitaufwand für „{proc.name}“", baseline=f"{proc.hours_per_month:g} h/Monat",
                      target=f"≤ {target:.0f} h/Monat nach dem Pilot (−{share * 100:.0f} %, Annahme)")
    return KpiOut(name=f"Time spent on '{proc.name}'", baseline=f"{proc.hours_per_month:g} h/month",
                  target=f"≤ {target:.0f} h/month after the pilot (−{share * 100:.0f} %, assumption)")


def why_this(scored: ScoredUseCase, intake, lang: str) -> str:
    de = lang == "de"
    b = scored.breakdown
    parts = []
    if b.matched_keywords:
        parts.append(("Ihre Schmerzpunkte nennen " if de else "Your pain points mention ")
                     + ", ".join(f"„{k}“" for k in b.matched_keywords[:4]))
    proc = _process(intake, b.matched_process)
    if proc is not None:
        detail = f"„{proc.name}“"
        extras = []
        if proc.hours_per_month:
            extras.append(f"{proc.hours_per_month:g} h/Monat" if de else f"{proc.hours_per_month:g} h/month")
        if proc.pain:
            extras.append((f"Schmerz {proc.pain}/5" if de else f"pain {proc.pain}/5"))
        parts.append(("der Prozess " if de else "the process ") + detail + (f" ({', '.join(extras)})" if extras else ""))
    shared = [g for g in scored.case.goals if g in intake.goals]
    if shared:
        parts.append(("passt zu Ihren Zielen " if de else "fits your goals ")
                     + ", ".join(label("goals", g, lang) for g in shared))
    have = [s for s in scored.case.data_sources if s in intake.data.sources]
    if have:
        parts.append(("die nötigen Daten liegen teils schon vor (" if de else "part of the data is there already (")
                     + ", ".join(label("data_sources", s, lang) for s in have) + ")")
    if intake.company.industry in scored.case.industries:
        parts.append(("typisch für " if de else "typical for ") + label("industry", intake.company.industry, lang))
    if intake.it_maturity >= scored.case.min_it_maturity:
        parts.append((f"IT-Reife {intake.it_maturity}/5 reicht (mindestens {scored.case.min_it_maturity})" if de else
                      f"IT maturity {intake.it_maturity}/5 suffices (minimum {scored.case.min_it_maturity})"))
    text = "; ".join(parts) or ("bester Treffer im Katalog" if de else "best match in the catalogue")
    return text[0].upper() + text[1:] + "."


def case_source(case: UseCase) -> SourceRef:
    return SourceRef(id=case.id, title=case.title, source=case.source, section="Use-Case-Katalog")


def build_use_case(scored: ScoredUseCase, intake, lang: str, guidance: list[SourceRef]) -> UseCaseOut:
    case = scored.case
    value, _ = expected_value(scored, intake, lang)
    kpis = [KpiOut(name=k.name, baseline=k.baseline, target=k.target) for k in case.kpis]
    own = own_numbers_kpi(scored, intake, lang)
    if own is not None:
        kpis.insert(0, own)
    missing = set(scored.breakdown.missing_data)
    suffix = " (fehlt noch)" if lang == "de" else " (missing)"
    data_needed = [label("data_sources", s, lang) + (suffix if s in missing else "") for s in case.data_sources]
    return UseCaseOut(
        id=case.id, title=case.title, problem=case.problem, solution=case.solution, data_needed=data_needed,
        kpis=kpis, effort=case.effort, expected_value=value, cost_band_eur=case.cost_band_eur,
        risks=[r.text for r in case.risks],
        pilot=PilotOut(scope=case.pilot.scope, duration_weeks=case.pilot.weeks,
                       success_criteria=case.pilot.success_criteria),
        why_this=why_this(scored, intake, lang), score=scored.breakdown.total,
        sources=[case_source(case)] + guidance, tools=[t.name for t in case.tools], breakdown=scored.breakdown,
    )


def funding_topics(picks: list[ScoredUseCase]) -> list[str]:
    topics = ["consulting", "training"]
    if any(p.case.effort in {"M", "L"} for p in picks):
        topics += ["investment", "loan"]
    return topics


def warnings_for(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    de = lang == "de"
    out = []
    for p in picks:
        if p.breakdown.data_gap:
            missing = ", ".join(label("data_sources", s, lang) for s in p.breakdown.missing_data)
            out.append(f"„{p.case.title}“ ist der größte Hebel, aber die nötigen Daten fehlen ({missing}): "
                       "erster Schritt ist, sie zu beschaffen – nicht sofort umsetzen." if de else
                       f"'{p.case.title}' is the biggest lever but its data is missing ({missing}): obtain it first – "
                       "do not implement as is.")
        if p.case.hr_use:
            out.append(f"„{p.case.title}“ verarbeitet Daten von Beschäftigten: mitbestimmungspflichtig nach "
                       "§ 87 Abs. 1 Nr. 6 BetrVG (falls Betriebsrat), Beschäftigte vorab informieren. Steuert das "
                       "System nach Leistung oder Verhalten einzelner Personen, wird es Hochrisiko nach KI-VO "
                       "Anhang III – das ausschließen." if de else
                       f"'{p.case.title}' processes employee data: co-determination under § 87(1) no. 6 BetrVG "
                       "(if there is a works council), inform staff first. If it steered by individual "
                       "performance or behaviour it would become high risk under AI Act Annex III – rule that out.")
        if intake.it_maturity < p.case.min_it_maturity:
            out.append(f"„{p.case.title}“ setzt IT-Reife {p.case.min_it_maturity} voraus (angegeben: "
                       f"{intake.it_maturity}); Grundlagen zuerst schaffen." if de else
                       f"'{p.case.title}' needs IT maturity {p.case.min_it_maturity} (given: {intake.it_maturity}); "
                       "build the basics first.")
    return out


def high_risk_notes(cases: list[ScoredUseCase], lang: str) -> list[str]:
    return [(f"„{c.case.title}“ passt zu Ihren Angaben, wird aber bewusst nicht als Einstieg empfohlen: "
             "Hochrisiko nach KI-VO Anhang III (Pflichten ab 02.12.2027 laut Digital Omnibus, Sekundärquellen), "
             "menschliche Letztentscheidung nach Art. 22 DSGVO, Mitbestimmung des Betriebsrats. Erst mit "
             "Erfahrung aus einem risikoarmen Pilot und rechtlicher Prüfung angehen." if lang == "de" else
             f"'{c.case.title}' fits your answers but is deliberately not recommended as a start: high risk under "
             "AI Act Annex III (duties from 02.12.2027 per the Digital Omnibus, secondary sources), human final "
             "decision under GDPR Art. 22, works council co-determination. Tackle it only after a low-risk "
             "pilot and a legal review.") for c in cases]


def _same_process(candidate: ScoredUseCase, picks: list[ScoredUseCase]) -> bool:
    """Alternatives for a chosen process are not "not now": they are the same lever in other words."""
    for p in picks:
        if p.case.id == candidate.case.id:
            return True
        if candidate.breakdown.matched_process and candidate.breakdown.matched_process == p.breakdown.matched_process:
            return True
    return False


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

    def rank(self, intake) -> list[ScoredUseCase]:
        return rank_use_cases(intake, load_catalogue(self.settings.kb_dir.resolve()), self.retriever)

    def consult(self, intake, date: dt.date | None = None, lang: str | None = None) -> ConsultResult:
        lang = lang or self.settings.lang
        start = date or dt.date.today()
        ranked = self.rank(intake)
        picks = pick(ranked)
        maturity = assess_maturity(intake, lang)
        maturity.dimensions = dimensions(intake, lang)
        picked_areas = [a for a in (area_of(" ".join(p.case.processes + p.case.keywords)) for p in picks) if a]
        areas = leverage_areas(intake, lang, picked_areas)
        not_now = [r.case.title for r in ranked[len(picks):] if not _same_process(r, picks)][:2]
        funding = find_funding(load_programmes(self.settings.kb_dir.resolve()), FundingQuery(
            state=intake.company.state, employees=intake.company.employees,
            turnover_eur=getattr(intake.company, "annual_revenue_eur", None), topics=funding_topics(picks),
            today=start, lang=lang))[:6]
        use_cases = []
        for p in picks:
            guidance = self.guidance_sources(f"{p.case.title} Pilot Kennzahlen Datenschutz", k=1)
            use_cases.append(build_use_case(p, intake, lang, guidance))
        strategy_sources = self.guidance_sources("KI-Strategie Führungsaufgabe Geschäftsführung Mandat IT Rolle", k=2)
        sources = list({(s.id, s.section): s for s in
                        strategy_sources + [s for u in use_cases for s in u.sources]}.values())
        result = ConsultResult(
            language=lang, consultation_date=start.isoformat(),
            company_summary=company_summary(intake, maturity, lang), maturity=maturity, leverage_areas=areas,
            use_cases=use_cases, mandate=build_mandate(picks, areas, not_now, intake, start, lang),
            next_steps=next_steps(picks, intake, start, bool(funding), lang), funding=funding, sources=sources,
            warnings=warnings_for(picks, intake, lang) + high_risk_notes(held_back(ranked, picks), lang),
        )
        if self.writer is not None:
            result = self.writer.refine(result, intake)
        return result

"""Use-case matching: a transparent score of relevance, feasibility and strategic fit.

total = (0.45 · relevance + 0.25 · feasibility + 0.30 · strategic) × industry factor
  relevance   = 0.55 · hybrid similarity (pain points + processes vs. the catalogue entry) + 0.45 · keyword overlap
  feasibility = 0.4 · data present + 0.3 · maturity ≥ minimum + 0.2 · budget vs. cost band + 0.1 · time horizon
  strategic   = 0.5 · shared goals + 0.5 · hours × pain of the process it addresses
  industry factor = 1 if the entry lists the firm's industry, else 0.55
Every part is kept in `ScoreBreakdown` so `--explain` can show why a case won.
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant.consult.catalogue import UseCase
from assistant.knowledge.german_analysis import analyze

W_RELEVANCE, W_FEASIBILITY, W_STRATEGIC = 0.45, 0.25, 0.30
OFF_INDUSTRY_FACTOR = 0.55
SECOND_PICK_MIN_SHARE = 0.6


class ScoreBreakdown(BaseModel):
    similarity: float
    keywords: float
    relevance: float
    data: float
    maturity: float
    budget: float
    horizon: float
    feasibility: float
    goals: float
    process: float
    strategic: float
    industry_factor: float
    total: float
    matched_keywords: list[str] = []
    matched_process: str | None = None
    missing_data: list[str] = []
    data_gap: bool = False


class ScoredUseCase(BaseModel):
    case: UseCase
    breakdown: ScoreBreakdown


def intake_query(intake) -> str:
    """The text a firm's needs are described by: pain points and the names of its processes."""
    names = " ".join(p.name for p in intake.processes or [])
    return f"{intake.pain_points} {names}".strip()


def _phrase_hits(phrases: list[str], tokens: set[str]) -> list[str]:
    """Catalogue phrases whose every stem occurs in the intake; a phrase listed both as keyword and as process
    counts once, so an entry does not win by repeating itself."""
    hits: dict[tuple[str, ...], str] = {}
    for phrase in phrases:
        stems = tuple(analyze(phrase))
        if stems and stems not in hits and all(s in tokens for s in stems):
            hits[stems] = phrase
    return list(hits.values())


def _process_fit(case: UseCase, intake) -> tuple[float, str | None]:
    vocab = set(analyze(" ".join(case.processes + case.keywords + [case.title])))
    procs = intake.processes or []
    if not procs:
        return 0.0, None
    weights = [(1.0 + (p.hours_per_month or 0) / 10.0) * (p.pain or 3) for p in procs]
    top = max(weights) or 1.0
    best, best_name = 0.0, None
    for proc, weight in zip(procs, weights):
        if set(analyze(proc.name)) & vocab:
            value = weight / top
            if value > best:
                best, best_name = value, proc.name
    return best, best_name


def score_case(case: UseCase, intake, similarity: float) -> ScoreBreakdown:
    tokens = set(analyze(intake_query(intake)))
    hits = _phrase_hits(case.keywords + case.processes, tokens)
    keywords = min(1.0, len(hits) / 4.0)
    relevance = 0.55 * similarity + 0.45 * keywords

    have = set(intake.data.sources)
    need = set(case.data_sources)
    coverage = len(need & have) / len(need)
    data = min(1.0, coverage * 2.0)
    maturity = 1.0 if intake.it_maturity >= case.min_it_maturity else max(
        0.0, 1.0 - 0.5 * (case.min_it_maturity - intake.it_maturity))
    if intake.budget_eur is None:
        budget = 0.8
    else:
        budget = 1.0 if intake.budget_eur >= case.cost_band_eur[0] else intake.budget_eur / max(case.cost_band_eur[0], 1)
    horizon = 1.0 if not intake.time_horizon_months or intake.time_horizon_months * 4.33 >= case.pilot.weeks + 4 else 0.5
    feasibility = 0.4 * data + 0.3 * maturity + 0.2 * budget + 0.1 * horizon

    goals = len(set(case.goals) & set(intake.goals)) / max(len(intake.goals), 1)
    process, process_name = _process_fit(case, intake)
    strategic = 0.5 * goals + 0.5 * process

    factor = 1.0 if intake.company.industry in case.industries else OFF_INDUSTRY_FACTOR
    total = (W_RELEVANCE * relevance + W_FEASIBILITY * feasibility + W_STRATEGIC * strategic) * factor
    return ScoreBreakdown(
        similarity=round(similarity, 3), keywords=round(keywords, 3), relevance=round(relevance, 3),
        data=round(data, 3), maturity=round(maturity, 3), budget=round(budget, 3), horizon=round(horizon, 3),
        feasibility=round(feasibility, 3), goals=round(goals, 3), process=round(process, 3),
        strategic=round(strategic, 3), industry_factor=factor, total=round(total, 4), matched_keywords=hits,
        matched_process=process_name, missing_data=sorted(need - have), data_gap=coverage < 0.34,
    )


def similarities(intake, cases: tuple[UseCase, ...], retriever) -> dict[str, float]:
    """Hybrid similarity per catalogue entry, normalised to the best one (0 when the index is unavailable)."""
    if retriever is None:
        return {}
    from assistant.knowledge.retrieval import Filters, IndexNotReady

    try:
        hits = retriever.search_docs(intake_query(intake), k=len(cases), filters=Filters(doc_types=["use_case"]))
    except IndexNotReady:
        return {}
    top = max((h.score for h in hits), default=0.0) or 1.0
    return {h.chunk.doc_id: max(0.0, h.score / top) for h in hits}


def rank_use_cases(intake, cases: tuple[UseCase, ...], retriever=None) -> list[ScoredUseCase]:
    sims = similarities(intake, cases, retriever)
    scored = [ScoredUseCase(case=c, breakdown=score_case(c, intake, sims.get(c.id, 0.0)))
              for c in cases if c.ai_act_class != "prohibited"]
    return sorted(scored, key=lambda s: -s.breakdown.total)


def pick(ranked: list[ScoredUseCase]) -> list[ScoredUseCase]:
    """1–2 cases; the second must address another process and be a real contender, not a filler.

    High-risk systems (AI Act Annex III, e.g. applicant screening) are never a first pilot: their duties,
    Art. 22 GDPR and co-determination make them a poor start for a small firm. `held_back` names them."""
    ranked = [r for r in ranked if r.case.ai_act_class != "high"]
    if not ranked:
        return []
    first = ranked[0]
    for other in ranked[1:]:
        if other.breakdown.total < SECOND_PICK_MIN_SHARE * first.breakdown.total:
            break
        same_process = (first.breakdown.matched_process is not None
                        and other.breakdown.matched_process == first.breakdown.matched_process)
        overlap = set(first.case.processes) & set(other.case.processes)
        if same_process or len(overlap) >= 2:
            continue
        return [first, other]
    return [first]


def held_back(ranked: list[ScoredUseCase], picks: list[ScoredUseCase], top: int = 3) -> list[ScoredUseCase]:
    """High-risk cases that would have ranked among the top few: the firm asked for them, so say why not."""
    return [r for r in ranked[:top] if r.case.ai_act_class == "high" and r not in picks]

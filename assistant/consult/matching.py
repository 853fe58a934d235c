"""Use-case matching: strict industry fit, the firm's biggest pain first, one case per business lever.

Why these rules (issue 9): a consultant never shows a firm a case written for another industry, starts with the
process that costs the most (hours × pain), and does not offer two variants of the same lever as "two use cases".

Eligibility: a case is considered only if its `industries` list the firm's industry (for "sonstige": also the
industry of a recognised segment, `firm.py`). Prohibited cases are never considered.

total = (0.45 · relevance + 0.25 · feasibility + 0.30 · strategic) × segment factor
  relevance   = 0.55 · hybrid similarity (pain points + processes vs. the catalogue entry) + 0.45 · keyword overlap
  feasibility = 0.4 · data present + 0.3 · maturity ≥ minimum + 0.2 · budget vs. cost band + 0.1 · time horizon
  strategic   = 0.5 · shared goals + 0.5 · hours × pain of the process it addresses (relative to the top process)
  segment factor = 1.2 if the case names the firm's segment, 0.85 if it names only other segments, else 1

Picks: the first pick addresses the top-priority process (highest hours × pain; without hours the most painful,
first named on ties) unless only high-risk cases address it — then the best other case, and the sheet says why.
The second pick must be a real contender (≥ 60 % of the first's score) and share neither `lever` nor a `related`
link with the first. Every part is kept in `ScoreBreakdown` so `--explain` can show why a case won.
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant.consult.catalogue import UseCase
from assistant.consult.firm import FirmProfile, profile
from assistant.knowledge.german_analysis import analyze

W_RELEVANCE, W_FEASIBILITY, W_STRATEGIC = 0.45, 0.25, 0.30
SEGMENT_MATCH, SEGMENT_OTHER = 1.2, 0.85
SECOND_PICK_MIN_SHARE = 0.6
MIN_PROCESS_RELEVANCE = 0.05
NOT_NOW_MAX = 2


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
    segment_match: bool = False


class ScoredUseCase(BaseModel):
    case: UseCase
    breakdown: ScoreBreakdown


def intake_query(intake) -> str:
    """The text a firm's needs are described by: pain points and the names of its processes."""
    names = " ".join(p.name for p in intake.processes or [])
    return f"{intake.pain_points} {names}".strip()


def stems_meet(part: str, whole: str) -> bool:
    """`part` names what `whole` names: equal, or `part` (≥ 6 letters) is a compound part of `whole`. German
    compounds are not split by the analyser, so the firm's "Heilmittelverordnungen" must still meet the
    catalogue's "Verordnung" — but not the other way round: the catalogue's "Frühjahrsdüngung" does not meet a
    firm's "Frühjahr"."""
    return part == whole or (len(part) >= 6 and part in whole)


def _stem_in(stem: str, tokens: set[str]) -> bool:
    """A catalogue stem occurs in the firm's words (as a word or inside one of its compounds)."""
    return stem in tokens or any(stems_meet(stem, t) for t in tokens)


def _phrase_hits(phrases: list[str], tokens: set[str]) -> list[str]:
    """Catalogue phrases whose every stem occurs in the intake; a phrase listed both as keyword and as process
    counts once, so an entry does not win by repeating itself."""
    hits: dict[tuple[str, ...], str] = {}
    for phrase in phrases:
        stems = tuple(analyze(phrase))
        if stems and stems not in hits and all(_stem_in(s, tokens) for s in stems):
            hits[stems] = phrase
    return list(hits.values())


def process_weights(intake) -> list[float]:
    """Priority of each named process: hours × pain where hours are given; a process without hours ranks
    below every process with hours, by pain, the first named first (the firm names its worst pain first)."""
    procs = intake.processes or []
    weights = []
    for i, p in enumerate(procs):
        pain = p.pain or 3
        if p.hours_per_month:
            weights.append(1000.0 + p.hours_per_month * pain)
        else:
            weights.append(pain * 10.0 - i * 0.1)
    return weights


def top_process(intake) -> str | None:
    procs = intake.processes or []
    if not procs:
        return None
    weights = process_weights(intake)
    return procs[max(range(len(procs)), key=lambda i: (weights[i], -i))].name


def _case_vocab(case: UseCase) -> set[str]:
    return set(analyze(" ".join(case.processes + case.keywords + [case.title])))


def _process_stem_fits(stem: str, vocab: set[str], core: set[str]) -> bool:
    """A stem of the firm's process name fits the case: a catalogue word inside it (its compound), or — only for
    the case's own process names and title — it inside a catalogue compound ("Termine" in "Terminvergabe"). A
    keyword compound such as "Folgeverordnung" does not make a report case serve "Verordnungen prüfen"."""
    if stem in vocab or any(stems_meet(v, stem) for v in vocab):
        return True
    return any(stems_meet(stem, v) for v in core)


def _process_fit(case: UseCase, intake) -> tuple[float, str | None]:
    """How strongly the case addresses the firm's processes (1 = its top-priority process) and which one."""
    vocab = _case_vocab(case)
    core = set(analyze(" ".join(case.processes + [case.title])))
    procs = intake.processes or []
    if not procs:
        return 0.0, None
    weights = process_weights(intake)
    ranks = sorted(range(len(procs)), key=lambda i: (-weights[i], i))
    value_by_rank = {idx: 1.0 / (1 + pos) for pos, idx in enumerate(ranks)}
    best, best_name, best_overlap = 0.0, None, 0
    for i, proc in enumerate(procs):
        stems = set(analyze(proc.name))
        overlap = sum(1 for s in stems if _process_stem_fits(s, vocab, core))
        if not overlap:
            continue
        value = value_by_rank[i]
        if (value, overlap) > (best, best_overlap):
            best, best_name, best_overlap = value, proc.name, overlap
    return best, best_name


def eligible(case: UseCase, firm: FirmProfile) -> bool:
    """Strict industry fit (FORMAT.md v2): never picked, deferred or cited outside its industries."""
    return case.ai_act_class != "prohibited" and bool(set(case.industries) & set(firm.industries))


def shown_text(case: UseCase) -> str:
    """The German texts of a case that reach the sheet (title, problem, solution, example, pilot, KPIs, risks)."""
    return "\n".join([case.title, case.problem, case.solution, case.example or "", case.pilot.scope,
                      *case.pilot.success_criteria, *(f"{k.name} {k.target}" for k in case.kpis),
                      *(r.text for r in case.risks)])


def speaks_to(case: UseCase, firm: FirmProfile) -> bool:
    """The firm's version of the case (its variant, else the base text) has no other industry's marker words:
    a case written for car dealers stays away from a fashion shop even though both are "Handel"."""
    from assistant.consult.markers import marker_hits

    return not marker_hits(shown_text(case), firm.industries, firm.segments)


def score_case(case: UseCase, intake, similarity: float, firm: FirmProfile | None = None) -> ScoreBreakdown:
    firm = firm or profile(intake)
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
    if relevance < MIN_PROCESS_RELEVANCE:
        process, process_name = 0.0, None  # a shared word in a process name alone is no fit
    strategic = 0.5 * goals + 0.5 * process

    seg_match = bool(set(case.segments) & set(firm.segments))
    if seg_match:
        factor = SEGMENT_MATCH
    elif firm.segments and case.segments and not set(case.segments) & set(firm.industries):
        factor = SEGMENT_OTHER
    else:
        factor = 1.0
    total = (W_RELEVANCE * relevance + W_FEASIBILITY * feasibility + W_STRATEGIC * strategic) * factor
    return ScoreBreakdown(
        similarity=round(similarity, 3), keywords=round(keywords, 3), relevance=round(relevance, 3),
        data=round(data, 3), maturity=round(maturity, 3), budget=round(budget, 3), horizon=round(horizon, 3),
        feasibility=round(feasibility, 3), goals=round(goals, 3), process=round(process, 3),
        strategic=round(strategic, 3), industry_factor=factor, total=round(total, 4), matched_keywords=hits,
        matched_process=process_name, missing_data=sorted(need - have), data_gap=coverage < 0.34,
        segment_match=seg_match,
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


def rank_use_cases(intake, cases: tuple[UseCase, ...], retriever=None,
                   firm: FirmProfile | None = None) -> list[ScoredUseCase]:
    """Eligible cases only (strict industries), best first."""
    from assistant.consult.variants import localise

    firm = firm or profile(intake)
    pool = tuple(loc for loc in (localise(c, firm) for c in cases if eligible(c, firm)) if speaks_to(loc, firm))
    sims = similarities(intake, pool, retriever)
    scored = [ScoredUseCase(case=c, breakdown=score_case(c, intake, sims.get(c.id, 0.0), firm)) for c in pool]
    return sorted(scored, key=lambda s: (-s.breakdown.total, s.case.id))


def same_lever(a: UseCase, b: UseCase) -> bool:
    """Near-duplicates: the same id, the same business lever, or a catalogue relation either way."""
    if a.id == b.id:
        return True
    if a.lever and a.lever == b.lever:
        return True
    return b.id in a.related or a.id in b.related


def _pickable(r: ScoredUseCase) -> bool:
    return r.case.ai_act_class != "high"


def _core_overlap(case: UseCase, process: str) -> int:
    """Stems of the firm's process name found in the case's own process names and title (not its keywords):
    among cases that all touch the top process, the one built for it wins."""
    core = set(analyze(" ".join(case.processes + [case.title])))
    return sum(1 for s in set(analyze(process)) if s in core or any(stems_meet(s, v) or stems_meet(v, s) for v in core))


def first_pick(ranked: list[ScoredUseCase], intake=None) -> tuple[ScoredUseCase | None, str | None]:
    """The best pickable case for the top-priority process; `reason` says why the top process is not served
    first (None if it is, or if the intake names no process)."""
    pool = [r for r in ranked if _pickable(r)]
    if not pool:
        return None, None
    top = top_process(intake) if intake is not None else None
    if top is None:
        return pool[0], None
    serving = [r for r in pool if r.breakdown.matched_process == top and r.breakdown.relevance >= MIN_PROCESS_RELEVANCE]
    if serving:
        return max(serving, key=lambda r: (r.breakdown.total * (1 + 0.15 * _core_overlap(r.case, top)), r.case.id)), None
    held = [r for r in ranked if not _pickable(r) and r.breakdown.matched_process == top]
    return pool[0], ("high_risk" if held else "no_case")


def pick(ranked: list[ScoredUseCase], intake=None) -> list[ScoredUseCase]:
    """1–2 cases; the first serves the biggest pain, the second is another lever and a real contender.

    High-risk systems (AI Act Annex III, e.g. applicant screening) are never a first pilot: their duties,
    Art. 22 GDPR and co-determination make them a poor start for a small firm. `held_back` names them."""
    first, _ = first_pick(ranked, intake)
    if first is None:
        return []
    for other in ranked:
        if other is first or not _pickable(other):
            continue
        if other.breakdown.total < SECOND_PICK_MIN_SHARE * first.breakdown.total:
            break
        if same_lever(first.case, other.case):
            continue
        same_process = (first.breakdown.matched_process is not None
                        and other.breakdown.matched_process == first.breakdown.matched_process)
        if same_process and other.breakdown.keywords <= first.breakdown.keywords / 2:
            continue
        return [first, other]
    return [first]


def fits_pains(r: ScoredUseCase) -> bool:
    """A case speaks to the firm's pains: a keyword hit or one of its processes."""
    return bool(r.breakdown.matched_keywords) or r.breakdown.matched_process is not None


def not_now(ranked: list[ScoredUseCase], picks: list[ScoredUseCase], limit: int = NOT_NOW_MAX) -> list[ScoredUseCase]:
    """Cases worth naming as deliberately deferred: eligible, fitting the pains, not a variant of a pick nor of
    each other, and not high risk (those get their own note)."""
    out: list[ScoredUseCase] = []
    for r in ranked:
        if len(out) >= limit:
            break
        if r in picks or not _pickable(r) or not fits_pains(r) or r.breakdown.industry_factor == SEGMENT_OTHER:
            continue  # a case written for another segment of the industry is no "not now" for this firm
        if any(same_lever(r.case, p.case) for p in picks + out):
            continue
        out.append(r)
    return out


def held_back(ranked: list[ScoredUseCase], picks: list[ScoredUseCase], top: int = 3) -> list[ScoredUseCase]:
    """High-risk cases that would have ranked among the top few: the firm asked for them, so say why not."""
    return [r for r in ranked[:top] if r.case.ai_act_class == "high" and r not in picks and fits_pains(r)]

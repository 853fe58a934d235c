"""Retrieval and answer evaluation: the same questions through bm25-only, dense-only and hybrid, side by side.

recall@k is capped recall: the share of a question's expected documents found in the top k, divided by
min(expected, k), so a question with two expected documents can still reach 1.0 at k=1. Every leg is searched
the way the product searches: a question naming a state, a city or a postcode is scoped to that state.

Question sets: the project's own (`evals/retrieval_questions.yaml`, "old") and the held-out v2 set written by
someone else (`evals/questions_v2/{dev,test}.yaml`). Tuning happens on dev only; test is reported, never tuned on.
The answer-level checks run the real answerer: does it abstain on the unanswerable questions, does it answer the
answerable ones, and does the answer *text* name what a correct answer must name.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.config import PROJECT_ROOT
from assistant.knowledge.retrieval import HybridRetriever, scoped

DEFAULT_QUESTIONS = PROJECT_ROOT / "evals" / "retrieval_questions.yaml"
QUESTION_SETS = {
    "old": DEFAULT_QUESTIONS,
    "dev": PROJECT_ROOT / "evals" / "questions_v2" / "dev.yaml",
    "test": PROJECT_ROOT / "evals" / "questions_v2" / "test.yaml",
}
METRICS = ["recall@1", "recall@3", "recall@5", "mrr@10", "ndcg@10"]
REPORTED_TAGS = ("city", "postcode", "english", "paraphrase", "narrative", "typo")


class EvalQuestion(BaseModel):
    question: str
    expected: list[str] = []
    unanswerable: bool = False
    answer_must_name: list[str] = []
    lang: str = "de"
    tags: list[str] = []

    @property
    def answerable(self) -> bool:
        return bool(self.expected) and not self.unanswerable


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[EvalQuestion]:
    path = QUESTION_SETS.get(str(path), path)
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [EvalQuestion(**item) for item in data]


def score_ranking(ranking: list[str], expected: list[str]) -> dict[str, float]:
    relevant = set(expected)
    out: dict[str, float] = {}
    for k in (1, 3, 5):
        out[f"recall@{k}"] = len(relevant & set(ranking[:k])) / min(len(relevant), k)
    first = next((i for i, d in enumerate(ranking[:10]) if d in relevant), None)
    out["mrr@10"] = 0.0 if first is None else 1.0 / (first + 1)
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranking[:10]) if d in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    out["ndcg@10"] = dcg / ideal if ideal else 0.0
    return out


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    n = max(len(rows), 1)
    return {key: round(sum(r[key] for r in rows) / n, 4) for key in METRICS}


def per_question(retriever: HybridRetriever, questions: list[EvalQuestion], mode: str = "hybrid",
                 **kwargs) -> list[tuple[EvalQuestion, dict[str, float], list[str]]]:
    rows = []
    for q in questions:
        if not q.answerable:
            continue
        hits = retriever.search_docs(q.question, k=10, mode=mode, filters=scoped(q.question), **kwargs)
        ranking = [h.chunk.doc_id for h in hits]
        rows.append((q, score_ranking(ranking, q.expected), ranking))
    return rows


def evaluate(retriever: HybridRetriever, questions: list[EvalQuestion], mode: str = "hybrid",
             **kwargs) -> dict[str, float]:
    return _mean([scores for _, scores, _ in per_question(retriever, questions, mode, **kwargs)])


def compare(retriever: HybridRetriever, questions: list[EvalQuestion]) -> dict[str, dict[str, float]]:
    return {mode: evaluate(retriever, questions, mode=mode) for mode in ("bm25", "dense", "hybrid")}


def by_tag(retriever: HybridRetriever, questions: list[EvalQuestion],
           tags: tuple[str, ...] = REPORTED_TAGS) -> dict[str, dict[str, float]]:
    """Hybrid recall@5 and MRR@10 per tag, and for the untagged rest, so city/English can be compared."""
    rows = per_question(retriever, questions)
    out = {}
    for tag in tags:
        tagged = [s for q, s, _ in rows if tag in q.tags]
        if tagged:
            out[tag] = {"n": len(tagged), **{k: v for k, v in _mean(tagged).items() if k in ("recall@5", "mrr@10")}}
    out["all"] = {"n": len(rows), **{k: v for k, v in _mean([s for _, s, _ in rows]).items()
                                     if k in ("recall@5", "mrr@10")}}
    return out


def answer_checks(answerer, questions: list[EvalQuestion]) -> dict:
    """Abstention precision/recall (positive = "not in the knowledge base") and whether the answer text names
    the expected programme or document (`answer_must_name`, case-insensitive substrings)."""
    tp = fp = fn = answered = named = must = 0
    misses: list[dict] = []
    for q in questions:
        answer = answerer.ask(q.question, lang=q.lang if q.lang in ("de", "en") else None)
        abstained = not answer.grounded
        if q.unanswerable:
            tp += abstained
            fn += not abstained
            if not abstained:
                misses.append({"question": q.question, "problem": "answered although unanswerable"})
            continue
        fp += abstained
        answered += not abstained
        if q.answer_must_name:
            must += 1
            text = answer.answer.lower()
            missing = [n for n in q.answer_must_name if n.lower() not in text]
            named += not missing
            if missing:
                misses.append({"question": q.question, "problem": "not named: " + ", ".join(missing)})
        if abstained:
            misses.append({"question": q.question, "problem": "abstained although answerable"})
    n_unans = sum(1 for q in questions if q.unanswerable)
    n_ans = len(questions) - n_unans
    return {
        "abstention_precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "abstention_recall": round(tp / n_unans, 4) if n_unans else 1.0,
        "answered_rate": round(answered / n_ans, 4) if n_ans else 1.0,
        "names_expected": round(named / must, 4) if must else 1.0,
        "questions": len(questions), "unanswerable": n_unans, "misses": misses,
    }


def tune(retriever: HybridRetriever, questions: list[EvalQuestion]) -> list[dict]:
    """Grid over both fusions; sorted best first by recall@5, then MRR, then nDCG."""
    rows = []
    for alpha in [round(a * 0.1, 1) for a in range(0, 11)]:
        rows.append({"fusion": "convex", "param": alpha,
                     **evaluate(retriever, questions, fusion="convex", alpha=alpha)})
    configured = retriever.settings.rrf_k
    try:
        for k in (5, 20, 60):
            retriever.settings.rrf_k = k
            rows.append({"fusion": "rrf", "param": k, **evaluate(retriever, questions, fusion="rrf")})
    finally:
        retriever.settings.rrf_k = configured
    return sorted(rows, key=lambda r: (-r["recall@5"], -r["mrr@10"], -r["ndcg@10"]))


def calibrate_grounding(answerer, questions: list[EvalQuestion], min_answered: float = 0.95) -> dict:
    """Grounding rule coverage + w·dense + n·salient-noun share ≥ t on the passage answered from (see
    `grounding_score`): the (w, n, t) that makes most unanswerable questions abstain while at least
    `min_answered` of the answerable ones are answered. The passages are the answerer's own (`relevant_hits`)
    and the salient-noun gate of `is_grounded` is applied as in the product, so the rule is calibrated as it is
    used. Run it on dev only."""
    points = []
    for q in questions:
        hits = answerer.relevant_hits(q.question, 5, None)
        if not hits:
            points.append((0.0, 0.0, 0.0, True, q.unanswerable))
            continue
        gated = answerer.salient_gate(q.question, hits)
        share = answerer.retriever.salient_coverage(q.question, hits[0])[0]
        points.append((hits[0].coverage, hits[0].dense or 0.0, share, gated, q.unanswerable))
    n_a = max(sum(not p[-1] for p in points), 1)
    n_u = max(sum(p[-1] for p in points), 1)

    def score(p: tuple, w: float, n: float) -> float:
        return -1.0 if p[3] else p[0] + w * p[1] + n * p[2]

    def rates(w: float, n: float, t: float) -> tuple[float, float]:
        answered = sum(score(p, w, n) >= t for p in points if not p[-1]) / n_a
        abstained = sum(score(p, w, n) < t for p in points if p[-1]) / n_u
        return answered, abstained

    best = {"weight": 0.0, "noun_weight": 0.0, "threshold": 0.0, "answered": 1.0, "abstained": 0.0}
    for w in [x / 10 for x in range(0, 21)]:
        for n in [x / 10 for x in range(0, 16)]:
            for t in sorted({round(score(p, w, n), 3) for p in points}):
                answered, abstained = rates(w, n, t)
                if answered >= min_answered and (abstained, answered) > (best["abstained"], best["answered"]):
                    best = {"weight": w, "noun_weight": n, "threshold": t, "answered": round(answered, 4),
                            "abstained": round(abstained, 4)}
    s = answerer.settings
    answered, abstained = rates(s.ground_dense_weight, s.ground_noun_weight, s.ground_min_score)
    return {"best": best, "current": {"weight": s.ground_dense_weight, "noun_weight": s.ground_noun_weight,
                                      "threshold": s.ground_min_score, "answered": round(answered, 4),
                                      "abstained": round(abstained, 4)},
            "unanswerable": n_u, "questions": len(questions)}

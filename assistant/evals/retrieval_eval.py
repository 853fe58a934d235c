"""Retrieval evaluation: the same questions through bm25-only, dense-only and hybrid, side by side.

recall@k is capped recall: the share of a question's expected documents found in the top k, divided by
min(expected, k), so a question with two expected documents can still reach 1.0 at k=1.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.config import PROJECT_ROOT
from assistant.knowledge.retrieval import HybridRetriever

DEFAULT_QUESTIONS = PROJECT_ROOT / "evals" / "retrieval_questions.yaml"
METRICS = ["recall@1", "recall@3", "recall@5", "mrr@10", "ndcg@10"]


class EvalQuestion(BaseModel):
    question: str
    expected: list[str] = []
    unanswerable: bool = False


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[EvalQuestion]:
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


def evaluate(retriever: HybridRetriever, questions: list[EvalQuestion], mode: str = "hybrid",
             **kwargs) -> dict[str, float]:
    answerable = [q for q in questions if q.expected and not q.unanswerable]
    totals = dict.fromkeys(METRICS, 0.0)
    for q in answerable:
        ranking = [h.chunk.doc_id for h in retriever.search_docs(q.question, k=10, mode=mode, **kwargs)]
        for key, value in score_ranking(ranking, q.expected).items():
            totals[key] += value
    n = max(len(answerable), 1)
    return {key: round(value / n, 4) for key, value in totals.items()}


def compare(retriever: HybridRetriever, questions: list[EvalQuestion]) -> dict[str, dict[str, float]]:
    return {mode: evaluate(retriever, questions, mode=mode) for mode in ("bm25", "dense", "hybrid")}


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


def calibrate_grounding(retriever: HybridRetriever, questions: list[EvalQuestion]) -> dict:
    """Best coverage threshold separating answerable from unanswerable questions (accuracy, ties → lower)."""
    points = []
    for q in questions:
        hits = retriever.search(q.question, k=1)
        points.append((hits[0].coverage if hits else 0.0, not q.unanswerable))
    best = (0.0, -1.0)
    for t in sorted({round(p[0], 3) for p in points} | {0.0}):
        acc = sum((cov >= t) == answerable for cov, answerable in points) / max(len(points), 1)
        if acc > best[1]:
            best = (t, acc)
    current = retriever.settings.ground_min_coverage
    acc_now = sum((cov >= current) == ans for cov, ans in points) / max(len(points), 1)
    return {"best_threshold": best[0], "best_accuracy": round(best[1], 4),
            "current_threshold": current, "current_accuracy": round(acc_now, 4),
            "unanswerable": sum(1 for q in questions if q.unanswerable), "questions": len(questions)}

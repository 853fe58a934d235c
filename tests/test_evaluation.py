from assistant.evaluation import score_ranking


def test_capped_recall_mrr_and_ndcg():
    scores = score_ranking(["x", "a", "y", "b"], ["a", "b"])
    assert scores["recall@1"] == 0.0
    assert scores["recall@3"] == 0.5
    assert scores["recall@5"] == 1.0
    assert scores["mrr@10"] == 0.5
    assert 0.0 < scores["ndcg@10"] < 1.0


def test_perfect_ranking_scores_one():
    scores = score_ranking(["a", "b", "c"], ["a", "b"])
    assert scores == {"recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0}

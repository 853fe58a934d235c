from assistant.evals.retrieval_eval import score_ranking


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


def test_cli_eval_retrieval_json_shape(ingested, tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from assistant import cli, config

    questions = tmp_path / "q.yaml"
    questions.write_text(
        "- {question: 'Wer legt die Richtung der KI-Strategie fest?', expected: [t_strategie]}\n"
        "- {question: 'Wann ist eine Folgenabschätzung Pflicht?', expected: [t_datenschutz]}\n"
        "- {question: 'Wie spielt Schalke?', expected: [], unanswerable: true}\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(ingested.settings.data_dir))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(ingested.settings.kb_dir))
    config.reset_settings()
    result = CliRunner().invoke(cli.app, ["eval", "retrieval", "--json", "--questions", str(questions)])
    config.reset_settings()
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"bm25", "dense", "hybrid"}
    for row in data.values():
        assert set(row) == {"recall@1", "recall@3", "recall@5", "mrr@10", "ndcg@10"}
    assert data["hybrid"]["recall@5"] == 1.0

"""Hybrid retrieval and extractive answers on a real index."""

from __future__ import annotations

import json
import re

import pytest

from assistant.contracts import errors
from assistant.knowledge.retrieval import Filters, IndexNotReady


def test_hybrid_finds_the_right_document(ingested):
    hits = ingested.retriever.search_docs("Wer verantwortet die KI-Strategie, die Geschäftsführung?", k=3)
    assert hits[0].chunk.doc_id == "t_strategie"


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_every_leg_ranks_pdf_page(ingested, mode):
    hits = ingested.retriever.search_docs("Sensordaten Maschinen Ausfälle vermeiden", k=2, mode=mode)
    assert hits[0].chunk.source == "knowledge_base/handbuch.pdf" and hits[0].chunk.page == 2


@pytest.mark.parametrize("fusion", ["rrf", "convex"])
def test_both_fusions_work(ingested, fusion):
    hits = ingested.retriever.search_docs("Datenschutz-Folgenabschätzung Gesundheitsdaten", k=2, fusion=fusion)
    assert hits[0].chunk.doc_id == "t_datenschutz"


def test_filters_by_type_and_region(ingested):
    only_funding = ingested.retriever.search("Beratung Digitalisierung", k=5, filters=Filters(doc_types=["funding"]))
    assert only_funding and {h.chunk.doc_type for h in only_funding} == {"funding"}
    bavaria = ingested.retriever.search("Zuschuss Beratung Digitalisierung", k=10, filters=Filters(regions=["BY"]))
    assert "t_foerderung_sachsen" not in {h.chunk.doc_id for h in bavaria}
    saxony = ingested.retriever.search("Zuschuss Beratung Digitalisierung", k=10, filters=Filters(regions=["SN"]))
    assert "t_foerderung_sachsen" in {h.chunk.doc_id for h in saxony}


def test_umlaut_free_query_still_matches(ingested):
    hits = ingested.retriever.search_docs("Foerderung Beratung Sachsen", k=1, mode="bm25")
    assert hits[0].chunk.doc_id == "t_foerderung_sachsen"


def test_empty_index_says_what_to_do(engine):
    with pytest.raises(IndexNotReady, match="assistant ingest"):
        engine.retriever.search("irgendwas")


def test_grounded_answer_cites_its_sources(ingested):
    answer = ingested.answerer.ask("Welche Förderung gibt es für Beratung zur Digitalisierung in Sachsen?")
    assert answer.grounded
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert cited == set(range(1, len(answer.sources) + 1))
    assert answer.sources[0].id == "t_foerderung_sachsen"
    assert "Zuschüsse für Beratung" in answer.answer
    assert errors("ask", json.loads(answer.model_dump_json())) == []


def test_pdf_answer_carries_page(ingested):
    answer = ingested.answerer.ask("Wie lange dauert ein Pilotprojekt?")
    assert answer.grounded and answer.sources[0].page == 1
    assert "acht bis zwölf Wochen" in answer.answer


def test_unrelated_question_is_not_grounded(ingested):
    answer = ingested.answerer.ask("Wann spielt der FC Bayern gegen Dortmund?")
    assert not answer.grounded and answer.sources == []
    assert "nichts" in answer.answer
    assert errors("ask", json.loads(answer.model_dump_json())) == []


def test_cli_ask_json_matches_contract(ingested, monkeypatch):
    from typer.testing import CliRunner

    from assistant import cli, config

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(ingested.settings.data_dir))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(ingested.settings.kb_dir))
    config.reset_settings()
    result = CliRunner().invoke(cli.app, ["ask", "Was verantwortet die IT-Abteilung?", "--json", "--k", "3"])
    config.reset_settings()
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert errors("ask", data) == []
    assert data["grounded"] and data["sources"][0]["source"] == "knowledge_base/guidance/strategie.md"


def _fresh_retriever(settings):
    """A retriever as a restarted process has it: new store connection, nothing in memory."""
    from assistant.knowledge.index_store import IndexStore
    from assistant.knowledge.retrieval import HybridRetriever

    return HybridRetriever(settings, IndexStore(settings))


def test_bm25_index_is_saved_and_loaded_after_a_restart(ingested, monkeypatch):
    from assistant.knowledge import retrieval

    question = "Zuschuss Beratung Digitalisierung Sachsen"
    before = [(h.chunk.chunk_id, round(h.lexical, 5), round(h.coverage, 5))
              for h in ingested.retriever.search(question, k=5, mode="bm25")]
    folder = ingested.retriever.lexical_folder(ingested.store.generation())
    assert (folder / "lexical.json").exists()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("BM25 was rebuilt although a saved index of this generation exists")

    monkeypatch.setattr(retrieval._Lexical, "build", classmethod(no_rebuild))
    after = [(h.chunk.chunk_id, round(h.lexical, 5), round(h.coverage, 5))
             for h in _fresh_retriever(ingested.settings).search(question, k=5, mode="bm25")]
    assert after == before and before


def test_saved_bm25_index_is_not_used_for_another_generation(ingested):
    kb = ingested.settings.kb_dir
    old = ingested.retriever.lexical_folder(ingested.store.generation())
    (kb / "guidance" / "neu.md").write_text(
        "---\nid: t_neu\ntitle: Lagerlogistik\ndoc_type: guidance\n---\n\n# Lagerlogistik\n\n"
        "Kommissionierroboter im Hochregallager sparen Laufwege.\n", encoding="utf-8")
    assert ingested.ingestor.run().ok
    retriever = _fresh_retriever(ingested.settings)
    hits = retriever.search_docs("Kommissionierroboter Hochregallager", k=1, mode="bm25")
    assert hits and hits[0].chunk.doc_id == "t_neu"
    new = retriever.lexical_folder(ingested.store.generation())
    assert new != old and (new / "lexical.json").exists() and not old.exists()


def test_recreated_index_never_loads_its_predecessors_bm25(ingested):
    """Same generation number, different manifest: the index id in the key keeps them apart."""
    import shutil

    generation = ingested.store.generation()
    ingested.retriever.lexical()
    ingested.store.close()
    ingested.settings.db_path.unlink()
    shutil.rmtree(ingested.settings.chroma_dir)
    retriever = _fresh_retriever(ingested.settings)
    retriever.store.set_meta("generation", str(generation))
    assert retriever.store.generation() == generation
    with pytest.raises(IndexNotReady):
        retriever.search("Zuschuss Beratung Digitalisierung Sachsen")


def _cli(monkeypatch, settings, args, **env):
    from typer.testing import CliRunner

    from assistant import cli, config

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(settings.kb_dir))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config.reset_settings()
    try:
        return CliRunner().invoke(cli.app, args)
    finally:
        config.reset_settings()


def test_ask_with_chroma_server_down_is_one_clear_line(ingested, monkeypatch):
    """The manifest is there (the lexical leg could run) but the vector server is not: no traceback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    result = _cli(monkeypatch, ingested.settings, ["ask", "Wie lange dauert ein Pilotprojekt?"],
                  CHROMA_HOST="127.0.0.1", CHROMA_PORT=port)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Chroma-Server" in lines[0] and f"127.0.0.1:{port}" in lines[0]
    assert "Traceback" not in result.output


def test_ingest_reports_how_many_orphan_vectors_it_removed(ingested, monkeypatch):
    import numpy as np

    from assistant.models import Chunk

    dim = len(ingested.retriever.embedder.encode_query("Test"))
    strays = [Chunk(chunk_id=f"stray{i}", doc_id="weg", title="Weg", doc_type="guidance", source="weg.md",
                    region="DE", text="Übrig geblieben") for i in range(3)]
    ingested.store.add_vectors(strays, np.ones((3, dim), dtype=np.float32) / np.sqrt(dim))
    result = _cli(monkeypatch, ingested.settings, ["ingest", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "3 verwaiste Vektoren" in result.output
    assert not {"stray0", "stray1", "stray2"} & ingested.store.vector_ids()
    again = _cli(monkeypatch, ingested.settings, ["ingest", "--quiet"])
    assert "verwaiste" not in again.output

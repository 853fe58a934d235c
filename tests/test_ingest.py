"""Ingestion on real files, a real Chroma in a temp dir and the real embedding model."""

from __future__ import annotations

import shutil

import pytest

from conftest import make_broken_pdf, make_encrypted_pdf, make_image_pdf, make_pdf


def snapshot(engine) -> tuple[dict, set[str], int]:
    """What the index holds: manifest, chunk ids in SQLite, and vectors in Chroma."""
    store = engine.store
    return (
        {s: r["sha256"] for s, r in store.files().items()},
        {c.chunk_id for c in store.all_chunks()},
        store.collection.count(),
    )


def test_ingest_markdown_and_pdf_with_pages(ingested):
    store = ingested.store
    assert set(store.files()) == {
        "knowledge_base/guidance/strategie.md", "knowledge_base/guidance/datenschutz.md",
        "knowledge_base/funding/sachsen.md", "knowledge_base/handbuch.pdf",
    }
    chunks = store.all_chunks()
    assert store.collection.count() == len(chunks)
    pdf_chunks = [c for c in chunks if c.source.endswith(".pdf")]
    assert {c.page for c in pdf_chunks} == {1, 2}
    assert any("Sensordaten" in c.text and c.page == 2 for c in pdf_chunks)
    md = [c for c in chunks if c.doc_id == "t_strategie"]
    assert all("Warum Chefsache" in (c.section or "") for c in md if "Geschäftsführung legt" in c.text)
    assert all(c.title == "KI-Strategie als Führungsaufgabe" for c in md)
    assert {c.region for c in chunks if c.doc_id == "t_foerderung_sachsen"} == {"SN"}


def test_reingest_unchanged_skips_everything(ingested):
    before = snapshot(ingested)
    report = ingested.ingestor.run()
    assert report.count("unchanged") == 4 and report.count("added") == 0
    assert snapshot(ingested) == before


def test_changed_file_is_replaced_and_deleted_file_removed(ingested, kb_dir):
    old_ids = set(ingested.store.chunk_ids_of("t_datenschutz"))
    path = kb_dir / "guidance" / "datenschutz.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Pflicht", "verpflichtend und zu dokumentieren"),
                    encoding="utf-8")
    (kb_dir / "funding" / "sachsen.md").unlink()
    report = ingested.ingestor.run()
    statuses = {r.source: r.status for r in report.results}
    assert statuses["knowledge_base/guidance/datenschutz.md"] == "updated"
    assert statuses["knowledge_base/funding/sachsen.md"] == "removed"
    new_ids = set(ingested.store.chunk_ids_of("t_datenschutz"))
    assert new_ids and new_ids != old_ids
    texts = " ".join(c.text for c in ingested.store.all_chunks())
    assert "verpflichtend und zu dokumentieren" in texts
    assert "Digitalisierungszuschuss" not in texts
    chroma_ids = set(ingested.store.collection.get()["ids"])
    assert chroma_ids == {c.chunk_id for c in ingested.store.all_chunks()}


@pytest.mark.parametrize("kind, reason", [
    ("broken", "beschädigt"),
    ("encrypted", "passwortgeschützt"),
    ("image_only", "keinen Text"),
    ("not_pdf", "kein PDF"),
    ("too_big", "zu groß"),
])
def test_bad_files_fail_clearly_and_leave_index_as_it_was(ingested, kb_dir, tmp_path, kind, reason):
    before = snapshot(ingested)
    good = kb_dir / "handbuch.pdf"
    bad = tmp_path / f"{kind}.pdf"
    if kind == "broken":
        make_broken_pdf(bad, good)
    elif kind == "encrypted":
        make_encrypted_pdf(bad, good)
    elif kind == "image_only":
        make_image_pdf(bad)
    elif kind == "not_pdf":
        bad.write_text("Das ist eine Textdatei, kein PDF.", encoding="utf-8")
    else:
        make_pdf(bad, ["Groß " * 400] * 30)
        ingested.settings.max_file_mb = 0.001
    report = ingested.ingestor.run([bad])
    assert not report.ok
    [failure] = report.failed
    assert bad.name in failure.error and reason in failure.error
    assert snapshot(ingested) == before


def test_corrupted_update_of_indexed_file_keeps_old_version(ingested, kb_dir, tmp_path):
    before = snapshot(ingested)
    backup = shutil.copy(kb_dir / "handbuch.pdf", tmp_path / "backup.pdf")
    make_broken_pdf(kb_dir / "handbuch.pdf", backup)
    report = ingested.ingestor.run()
    assert [r.source for r in report.failed] == ["knowledge_base/handbuch.pdf"]
    assert snapshot(ingested) == before


def test_duplicate_document_id_is_refused(ingested, kb_dir):
    before = snapshot(ingested)
    copy = kb_dir / "guidance" / "kopie.md"
    copy.write_text((kb_dir / "guidance" / "strategie.md").read_text(encoding="utf-8"), encoding="utf-8")
    report = ingested.ingestor.run()
    [failure] = report.failed
    assert "t_strategie" in failure.error and "vergeben" in failure.error
    assert snapshot(ingested) == before


def test_cli_ingest_reports_failure_with_exit_code(settings, kb_dir, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant import cli, config

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(kb_dir))
    config.reset_settings()
    make_image_pdf(kb_dir / "scan.pdf")
    result = CliRunner().invoke(cli.app, ["ingest", "--quiet"])
    config.reset_settings()
    assert result.exit_code == 1
    assert "scan.pdf" in result.output and "OCR" in result.output
    assert "Neu: 4" in result.output

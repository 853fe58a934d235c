"""Saved consultations (real SQLite in a temp dir) and the PDF/DOCX/Markdown brief (read back with pypdf and
python-docx): umlauts, euro signs, as-of dates and the advisor's edits must survive every round trip."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.consult.pipeline import Consultant, ConsultResult
from assistant.i18n.formatting import day
from assistant.intake import parse_intake
from assistant.report import (
    brief_blocks,
    export_docx,
    export_markdown,
    export_pdf,
    file_stem,
    shorten,
    split_sentences,
    when,
)
from assistant.consultations import (
    DB_NAME,
    ConsultationStore,
    StorageError,
    apply_edits,
    clean_step,
    default_title,
    is_consultation_export,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT_ROOT / "evals" / "personas" / "example_handwerk.json"


def example_intake_dict() -> dict:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["company"]["name"] = "Müller & Söhne Haustechnik GmbH"  # umlauts and an ampersand in the title
    return data


@pytest.fixture(scope="module")
def result() -> ConsultResult:
    """A real consultation (keyword matching, no index needed) for a firm with umlauts in its name."""
    settings = Settings(data_dir=PROJECT_ROOT / ".data-unused", kb_dir=PROJECT_ROOT / "knowledge_base")
    intake = parse_intake(example_intake_dict(), "de")
    return Consultant(settings).consult(intake, date=dt.date(2026, 3, 2), lang="de")


@pytest.fixture(scope="module")
def result_en() -> ConsultResult:
    settings = Settings(data_dir=PROJECT_ROOT / ".data-unused", kb_dir=PROJECT_ROOT / "knowledge_base")
    intake = parse_intake(example_intake_dict(), "en")
    return Consultant(settings).consult(intake, date=dt.date(2026, 3, 2), lang="en")


@pytest.fixture
def store(tmp_path: Path) -> ConsultationStore:
    return ConsultationStore(tmp_path / "data")


def pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def flat(text: str) -> str:
    """PDF text extraction breaks lines wherever the layout did; compare with whitespace collapsed."""
    return " ".join(text.split())


# --- storage ----------------------------------------------------------------------------------------------------
def test_create_list_get_update(store: ConsultationStore, result: ConsultResult) -> None:
    intake = example_intake_dict()
    rec = store.create("Müller & Söhne", intake={"company": {"name": "Müller"}})
    assert rec.result is None and not rec.has_result and rec.edits == {}
    updated = store.update(rec.id, intake=intake, result=result.contract_json())
    assert updated.has_result
    assert updated.intake["company"]["name"] == "Müller & Söhne Haustechnik GmbH"
    assert ConsultResult.model_validate(updated.result).use_cases[0].title == result.use_cases[0].title
    assert [r.id for r in store.list()] == [rec.id]
    assert store.exists(rec.id) and not store.exists("nope") and not store.exists(None)
    with pytest.raises(ValueError):
        store.update(rec.id, colour="blue")
    with pytest.raises(StorageError):
        store.get("does-not-exist")


def test_update_without_change_keeps_timestamp_and_order(store: ConsultationStore) -> None:
    first = store.create("Erste")
    time.sleep(1.1)
    second = store.create("Zweite")
    assert [r.title for r in store.list()] == ["Zweite", "Erste"]
    same = store.update(first.id, title="Erste")
    assert same.updated == first.updated, "saving unchanged data must not reorder the list"
    time.sleep(1.1)
    store.update(first.id, edits={"company_summary": "Neu"})
    assert [r.title for r in store.list()] == ["Erste", "Zweite"]
    assert second.id in {r.id for r in store.list()}


def test_survives_restart(tmp_path: Path, result: ConsultResult) -> None:
    """A new store on the same folder (= the app after a restart) sees everything, byte for byte."""
    data_dir = tmp_path / "data"
    one = ConsultationStore(data_dir)
    rec = one.create("Bäckerei Groß", intake=example_intake_dict(), result=result.contract_json(),
                     edits={"mandate": {"owner": "Frau Öztürk"}})
    one.close()
    again = ConsultationStore(data_dir)
    got = again.get(rec.id)
    assert got.title == "Bäckerei Groß"
    assert got.edits == {"mandate": {"owner": "Frau Öztürk"}}
    assert got.result == result.contract_json()
    assert (data_dir / DB_NAME).exists()
    cols = [r[1] for r in sqlite3.connect(data_dir / DB_NAME).execute("PRAGMA table_info(consultations)")]
    assert cols == ["id", "title", "created", "updated", "intake", "result", "edits", "owner", "step_status", "follows"]


def test_duplicate_and_delete(store: ConsultationStore, result: ConsultResult) -> None:
    rec = store.create("Original", intake={"a": 1}, result=result.contract_json(), edits={"company_summary": "x"})
    copy = store.duplicate(rec.id)
    assert copy.id != rec.id and copy.title == "Original (Kopie)"
    assert (copy.intake, copy.result, copy.edits) == (rec.intake, rec.result, rec.edits)
    assert store.delete(rec.id) is True
    assert store.delete(rec.id) is False
    assert [r.id for r in store.list()] == [copy.id]


def test_export_import_round_trip(store: ConsultationStore, result: ConsultResult) -> None:
    rec = store.create("Export € Test", intake=example_intake_dict(), result=result.contract_json(),
                       edits={"next_steps": [{"what": "Pilot starten", "who": "Frau Weiß", "by": "2026-04-01"}]})
    exported = store.export_json(rec.id)
    assert is_consultation_export(exported) and exported["version"] == 1
    text = json.dumps(exported, ensure_ascii=False)
    imported = store.import_json(json.loads(text))
    assert imported.id != rec.id
    assert (imported.title, imported.intake, imported.result, imported.edits) == (
        rec.title, rec.intake, rec.result, rec.edits)
    assert len(store.list()) == 2


@pytest.mark.parametrize("bad", [
    {"company": {"name": "bare intake"}},
    [],
    {"format": "ki-sprechstunde/consultation", "version": 99, "title": "neu"},
    {"format": "ki-sprechstunde/consultation", "version": 1, "title": "kaputt", "result": {"mode": "offline"}},
    {"format": "ki-sprechstunde/consultation", "version": 1, "title": "kaputt", "intake": "text"},
])
def test_import_rejects_what_is_not_a_consultation(store: ConsultationStore, bad) -> None:
    with pytest.raises(StorageError):
        store.import_json(bad)
    assert store.list() == []


def test_one_store_shared_by_many_sessions(store: ConsultationStore) -> None:
    """The UI shares one store between the threads of all browser sessions."""
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> str:
        rec = store.create(f"Sitzung {n}", intake={"n": n})
        for i in range(5):
            store.update(rec.id, edits={"company_summary": f"Stand {i}"})
            store.list()
        return rec.id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(work, range(16)))
    assert len(set(ids)) == 16 and len(store.list()) == 16
    assert all(store.get(i).edits == {"company_summary": "Stand 4"} for i in ids)


def test_default_title() -> None:
    assert default_title({"company": {"name": "  Huber GmbH "}}) == "Huber GmbH"
    assert default_title({}, today=dt.date(2026, 1, 5)) == "Beratung vom 05.01.2026"
    assert default_title(None, today=dt.date(2026, 1, 5), lang="en") == "Consultation of 05.01.2026"


# --- edits ------------------------------------------------------------------------------------------------------
def test_apply_edits_changes_only_editable_fields(result: ConsultResult) -> None:
    uc = result.use_cases[0]
    edits = {
        "company_summary": "Kurzfassung für die Geschäftsführung.",
        "mandate": {"owner": "Inhaber Jürgen Huber", "budget_eur": 20000, "objectives": ["nicht erlaubt"]},
        "use_cases": {uc.id: {"title": "Angebote in 2 Tagen", "why_this": "Weil es weh tut.", "score": 99,
                              "effort": "L"}, "unknown_case": {"title": "x"}},
        "next_steps": [{"what": "Pilot benennen", "who": "Frau Öztürk", "by": dt.date(2026, 3, 16)},
                       {"what": "", "who": "leer", "by": None},
                       {"what": "Daten sammeln", "who": float("nan"), "by": float("nan")}],
        "warnings": ["ignored"],
    }
    edited = apply_edits(result.contract_json(), edits)
    assert edited.company_summary == "Kurzfassung für die Geschäftsführung."
    assert edited.mandate.owner == "Inhaber Jürgen Huber" and edited.mandate.budget_eur == 20000
    assert edited.mandate.objectives == result.mandate.objectives
    assert edited.use_cases[0].title == "Angebote in 2 Tagen" and edited.use_cases[0].why_this == "Weil es weh tut."
    assert edited.use_cases[0].score == uc.score and edited.use_cases[0].effort == uc.effort
    assert [s.model_dump() for s in edited.next_steps] == [
        {"what": "Pilot benennen", "who": "Frau Öztürk", "by": "2026-03-16", "done_when": ""},
        {"what": "Daten sammeln", "who": "", "by": "", "done_when": ""}]
    assert edited.warnings == result.warnings
    assert apply_edits(result.contract_json(), None) == ConsultResult.model_validate(result.contract_json())


def test_clean_step_handles_table_editor_values() -> None:
    assert clean_step({"what": " Schulung ", "who": None, "by": dt.datetime(2026, 5, 1, 12)}) == {
        "what": "Schulung", "who": "", "by": "2026-05-01", "done_when": ""}


# --- export -----------------------------------------------------------------------------------------------------
def test_pdf_has_umlauts_euro_and_content(result: ConsultResult) -> None:
    data = export_pdf(result)
    assert data.startswith(b"%PDF")
    text, pages = pdf_text(data)
    body = flat(text)
    assert pages <= 3, f"the prep sheet must stay on three pages, got {pages}"
    assert "Müller & Söhne Haustechnik GmbH" in body
    for word in ("Strategiesitzung", "Hebel mit der größten Wirkung", "Mandat der Geschäftsführung",
                 "Nächste Schritte", "Förderung", "Quellen", "€"):
        assert word in body, word
    for uc in result.use_cases:
        assert flat(uc.title) in body
    for step in result.next_steps[:3]:
        assert day(step.by, "de") in body, "German dates in a German brief"
    for f in result.funding:
        assert day(f.as_of, "de") in body, "every funding match carries its as-of date"
    assert "ä" in body and "ö" in body and "ü" in body and "ß" in body


def test_pdf_uses_edits(result: ConsultResult) -> None:
    edited = apply_edits(result.contract_json(), {"mandate": {"owner": "Geschäftsführerin Ärztin Dr. Weiß"},
                                                  "use_cases": {result.use_cases[0].id: {"title": "Größter Hebel"}}})
    body = flat(pdf_text(export_pdf(edited))[0])
    assert "Geschäftsführerin Ärztin Dr. Weiß" in body
    assert "Größter Hebel" in body


def test_pdf_without_dejavu_falls_back_to_helvetica(result: ConsultResult, monkeypatch) -> None:
    """Helvetica's WinAnsi encoding still carries äöüß and €; only arrows are replaced."""
    from assistant.report import pdf

    monkeypatch.setattr(pdf, "pdf_fonts", lambda: ("Helvetica", "Helvetica-Bold"))
    body = flat(pdf_text(pdf.export_pdf(result))[0])
    assert "Müller & Söhne" in body and "€" in body and "größten" in body
    assert "→" not in body


def test_docx_round_trip(result: ConsultResult) -> None:
    from docx import Document

    data = export_docx(result)
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "KI-Sprechstunde – Ergebnis für die Strategiesitzung"
    assert "Use Cases" in headings and "Nächste Schritte" in headings and "Förderung" in headings
    text = docx_text(data)
    assert "Müller & Söhne Haustechnik GmbH" in text and "€" in text
    steps_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Was")
    assert len(steps_table.rows) == len(result.next_steps) + 1
    assert steps_table.rows[1].cells[1].text == result.next_steps[0].who
    funding_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Programm")
    assert funding_table.rows[1].cells[2].text == day(result.funding[0].as_of, "de")


def test_markdown_renders_the_same_blocks_in_german(result: ConsultResult) -> None:
    """Markdown is the third renderer of the report blocks: same headings and labels as PDF/DOCX, German
    words and German dates in a German brief (it used to print "Programm"/"S." and ISO dates on its own)."""
    text = export_markdown(result)
    headings = [b.text for b in brief_blocks(result, "full") if b.kind in {"title", "h2", "h3"}]
    assert [line.lstrip("# ") for line in text.splitlines() if line.startswith("#")] == headings
    assert headings == [b.text for b in brief_blocks(result) if b.kind in {"title", "h2", "h3"}]
    assert "| Programm | Status | Stand | Förderung | Quelle |" in text
    assert day(result.consultation_date, "de") in text and result.consultation_date not in text
    for step in result.next_steps:
        assert f"| {day(step.by, 'de')} |" in text
    assert "€" in text and "\u00a0€" in text


def test_markdown_keeps_the_full_texts(result: ConsultResult) -> None:
    text = export_markdown(result)
    for uc in result.use_cases:
        assert " ".join(uc.problem.split()) in text and all(k.name in text for k in uc.kpis)
    for f in result.funding:
        assert f"]({f.source_url})" in text
    brief = " ".join(b.text for b in brief_blocks(result))
    assert len(text) > len(brief)


def test_english_markdown(result_en: ConsultResult) -> None:
    text = export_markdown(result_en)
    assert "## Next steps" in text and "| Programme | Status | As of |" in text
    assert "| Programm |" not in text and ", S. " not in text
    assert day(result_en.consultation_date, "en") in text


def test_english_export(result_en: ConsultResult) -> None:
    body = flat(pdf_text(export_pdf(result_en))[0])
    assert "Leadership mandate" in body and "Next steps" in body and "Page 1" in body
    assert "Mandate" in docx_text(export_docx(result_en)) or "mandate" in docx_text(export_docx(result_en))


def test_brief_blocks_follow_the_result_order(result: ConsultResult) -> None:
    kinds = [(b.kind, b.text) for b in brief_blocks(result) if b.kind in {"title", "h2"}]
    names = [text for _, text in kinds]
    assert names.index("Hebel mit der größten Wirkung") < names.index("Use Cases") < names.index(
        "Mandat der Geschäftsführung") < names.index("Nächste Schritte") < names.index("Förderung")


def test_shorten_keeps_whole_sentences_and_abbreviations() -> None:
    text = ("Eine Standardleistung (z. B. Heizungswartung) wird erprobt. Max. 25 Mio. € je Vorhaben sind möglich. "
            "Der dritte Satz ist zu viel.")
    assert split_sentences(text) == ["Eine Standardleistung (z. B. Heizungswartung) wird erprobt.",
                                     "Max. 25 Mio. € je Vorhaben sind möglich.", "Der dritte Satz ist zu viel."]
    assert shorten(text, 100) == "Eine Standardleistung (z. B. Heizungswartung) wird erprobt. Max. 25 Mio. € je " \
                                 "Vorhaben sind möglich."
    assert shorten("kurz", 100) == "kurz"


def test_dates_in_the_brief_follow_the_language() -> None:
    assert when("2026-03-02", "de") == "02.03.2026" and when("2026-03-02", "en") == "2 Mar 2026"
    assert when("nach Absprache", "de") == "nach Absprache" and when(None, "de") == ""


def test_file_stem_is_safe() -> None:
    assert file_stem("Müller & Söhne / Bad:Heizung", "2026-03-02") == "KI-Sprechstunde_Müller_Söhne_Bad_Heizung_2026-03-02"
    assert file_stem("  ", "2026-03-02") == "KI-Sprechstunde_Beratung_2026-03-02"

"""The Streamlit app, page by page, through `streamlit.testing.v1.AppTest` against a real index.

The shipped knowledge base is ingested once per session (conftest `real_engine`); every test works on its own
copy of that data directory, so consultations, uploads and deletions of one test never leak into another.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.config import reset_settings
from assistant.consult.pipeline import ConsultResult
from assistant.consultations import ConsultationStore

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
EXAMPLE = ROOT / "evals" / "personas" / "example_handwerk.json"
PAGES = {
    "ui/pages/beratung.py": ("Beratung", "Consultation"),
    "ui/pages/fragen.py": ("Fragen an die Wissensbasis", "Questions to the knowledge base"),
    "ui/pages/foerderfinder.py": ("Förderfinder", "Funding finder"),
    "ui/pages/wissensbasis.py": ("Wissensbasis", "Knowledge base"),
    "ui/pages/meine_beratungen.py": ("Meine Beratungen", "My consultations"),
    "ui/pages/einstellungen.py": ("Einstellungen & Status", "Settings & status"),
    "ui/pages/auswertung.py": ("Auswertung", "Analysis"),
}
TIMEOUT = 240


@pytest.fixture(scope="session")
def indexed_dir(real_engine) -> Path:
    return Path(real_engine.settings.data_dir)


def _use_data_dir(path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(path))
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.delenv("ASSISTANT_OLLAMA_HOST", raising=False)
    reset_settings()
    return path


@pytest.fixture
def data_dir(tmp_path: Path, indexed_dir: Path, monkeypatch):
    """A private copy of the ingested index (no consultations, no uploads)."""
    target = tmp_path / "data"
    shutil.copytree(indexed_dir, target, ignore=shutil.ignore_patterns("consultations.sqlite*", "uploads"))
    yield _use_data_dir(target, monkeypatch)
    reset_settings()


@pytest.fixture
def empty_dir(tmp_path: Path, monkeypatch):
    yield _use_data_dir(tmp_path / "empty", monkeypatch)
    reset_settings()


def start() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def by_key(elements, key: str):
    found = [e for e in elements if getattr(e, "key", None) == key]
    assert found, f"no element with key {key!r}"
    return found[0]


def click(at: AppTest, key: str) -> AppTest:
    by_key(at.button, key).click()
    at.run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def case_titles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if re.match(r"#### \d\. ", m.value)]


def import_example(at: AppTest, data: dict | None = None) -> AppTest:
    """The advisor's fast path: upload a filled questionnaire and evaluate it."""
    raw = json.dumps(data or json.loads(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False).encode()
    by_key(at.file_uploader, "consult::upload::0").upload("fragebogen.json", raw, "application/json")
    at.run()
    return click(at, "consult::import")


def the_store(data_dir: Path) -> ConsultationStore:
    return ConsultationStore(data_dir)


# --- every page ----------------------------------------------------------------------------------------------------
def test_every_page_renders_in_german_without_errors(data_dir: Path) -> None:
    at = start()
    for page, (title_de, _) in PAGES.items():
        goto(at, page)
        assert texts(at.title) == [title_de], page
        assert not at.error, (page, texts(at.error))
    sidebar = " ".join(texts(at.sidebar.markdown) + texts(at.sidebar.caption))
    assert "Offline-Modus" in sidebar and "Keine Beratung geöffnet" in sidebar


def test_english_switch_changes_every_page(data_dir: Path) -> None:
    at = start()
    at.segmented_control(key="app::lang").set_value("en").run()
    assert not at.exception
    for page, (_, title_en) in PAGES.items():
        goto(at, page)
        assert texts(at.title) == [title_en], page
    goto(at, "ui/pages/einstellungen.py")
    at.radio(key="set::lang").set_value("de").run()
    assert texts(at.title) == ["Einstellungen & Status"]


def test_pages_without_index_explain_what_to_do(empty_dir: Path) -> None:
    at = start()
    goto(at, "ui/pages/fragen.py")
    assert any("noch nicht eingelesen" in w for w in texts(at.warning))
    assert not at.chat_input, "no chat box that could only fail"
    goto(at, "ui/pages/wissensbasis.py")
    assert any("Noch keine Dokumente" in i for i in texts(at.info))
    goto(at, "ui/pages/meine_beratungen.py")
    assert any("Noch keine Beratungen" in i for i in texts(at.info))


# --- Beratung --------------------------------------------------------------------------------------------------------
def _fill_step(at: AppTest, values: dict) -> None:
    for key, value in values.items():
        widget_key = f"w::de::{key}"
        for kind in ("text_input", "text_area", "number_input", "selectbox", "radio", "pills"):
            found = [e for e in getattr(at, kind) if e.key == widget_key]
            if found:
                found[0].set_value(value)
                break
        else:
            raise AssertionError(f"no widget for {key}")
    at.run()
    assert not at.exception, at.exception


def test_questionnaire_step_by_step_to_result(data_dir: Path) -> None:
    at = start()
    click(at, "consult::start_form")
    assert at.get("progress")[0].proto.text.startswith("Schritt 1 von 5")
    # moving on with empty required fields: messages appear next to the fields, the step stays
    click(at, "q::next")
    errors = " ".join(texts(at.error))
    assert "Pflichtfeld fehlt: Branche" in errors and "Bundesland" in errors and "Beschäftigten" in errors
    assert at.get("progress")[0].proto.text.startswith("Schritt 1 von 5")
    _fill_step(at, {"company.name": "Bäckerei Groß & Söhne", "company.industry": "handel",
                    "company.employees": 42, "company.state": "SN", "respondent_role": "managing_director"})
    assert not at.error, "fixed fields lose their message at once"
    click(at, "q::next")
    assert at.get("progress")[0].proto.text.startswith("Schritt 2 von 5")
    _fill_step(at, {"goals": ["efficiency", "quality"], "time_horizon_months": 6})
    click(at, "q::next")
    _fill_step(at, {"pain_points": "Bestellungen der Filialen kommen per Fax und Telefon und werden abgetippt. "
                                  "Abends bleibt zu viel Ware übrig, die Prognose machen wir nach Gefühl."})
    at.session_state["w::processes::de"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"name": "Filialbestellungen abtippen", "hours_per_month": 30, "pain": 4}, {}]}
    at.run()
    click(at, "q::next")
    _fill_step(at, {"data.sources": ["paper", "email", "erp"], "data.quality": "medium", "it_maturity": 2})
    click(at, "q::next")
    assert at.get("progress")[0].proto.text.startswith("Schritt 5 von 5")
    _fill_step(at, {"ai_experience": "none", "budget_eur": "ca. 12.000 €"})
    assert "Verstanden als: 12.000\u00a0€" in texts(at.caption), "the understood amount is shown before saving"
    click(at, "q::create")
    assert not at.error, texts(at.error)
    titles = case_titles(at)
    assert 1 <= len(titles) <= 2
    subheaders = texts(at.subheader)
    for heading in ("Hebel mit der größten Wirkung", "Empfohlene Use Cases", "Mandat der Geschäftsführung",
                    "Nächste Schritte", "Passende Förderprogramme"):
        assert heading in subheaders
    assert "Bäckerei Groß & Söhne" in subheaders
    labels = [d.label for d in at.get("download_button")]
    assert {"PDF herunterladen", "Word (DOCX)", "Markdown", "Sicherung (JSON)"} <= set(labels)
    tabs = [t.label for t in at.tabs]
    assert tabs.count("Daten & Kennzahlen") == len(titles) and "Pilot & Risiken" in tabs
    saved = the_store(data_dir).list()
    assert len(saved) == 1 and saved[0].title == "Bäckerei Groß & Söhne" and saved[0].has_result
    assert saved[0].intake["company"]["state"] == "SN"
    assert saved[0].intake["budget_eur"] == 12000, "'ca. 12.000 €' is twelve thousand euros, not 12"
    assert saved[0].intake["processes"] == [{"name": "Filialbestellungen abtippen", "hours_per_month": 30.0,
                                             "pain": 4}], "empty table rows are dropped, pain stays a whole number"


def test_amounts_are_read_as_people_type_them(data_dir: Path) -> None:
    """"20.000 €" in the revenue field is stored as 20000 (it used to become 20); text that is no amount is
    named at once and stopped by the validator, nothing is guessed."""
    at = start()
    click(at, "consult::start_form")
    _fill_step(at, {"company.name": "Betrag GmbH", "company.annual_revenue_eur": "20.000 €"})
    assert "Verstanden als: 20.000\u00a0€" in texts(at.caption)
    assert at.session_state["answers"]["company.annual_revenue_eur"] == 20000
    _fill_step(at, {"company.annual_revenue_eur": "zwanzig"})
    assert any("„zwanzig“ ist kein Betrag" in c for c in texts(at.caption))
    assert at.session_state["answers"]["company.annual_revenue_eur"] == "zwanzig"
    _fill_step(at, {"company.industry": "handel", "company.employees": 5, "company.state": "SN"})
    click(at, "q::next")
    assert any("muss ein Betrag in Euro sein" in e for e in texts(at.error)), texts(at.error)
    assert at.get("progress")[0].proto.text.startswith("Schritt 1 von 5")


def test_answers_are_saved_while_typing_and_kept_when_stepping_back(data_dir: Path) -> None:
    at = start()
    click(at, "consult::start_form")
    _fill_step(at, {"company.name": "Zwischenstand GmbH", "company.employees": 7})
    saved = the_store(data_dir).list()
    assert len(saved) == 1 and saved[0].intake["company"]["name"] == "Zwischenstand GmbH"
    assert not saved[0].has_result
    _fill_step(at, {"company.industry": "bau", "company.state": "BE"})
    click(at, "q::next")
    click(at, "q::back")
    assert at.text_input(key="w::de::company.name").value == "Zwischenstand GmbH"
    assert at.selectbox(key="w::de::company.industry").value == "bau"


def test_import_filled_intake_goes_straight_to_result(data_dir: Path) -> None:
    at = import_example(start())
    titles = case_titles(at)
    assert titles and not at.error
    assert any("Huber Haustechnik" in m.value for m in at.markdown)
    result = ConsultResult.model_validate(the_store(data_dir).list()[0].result)
    assert [f"#### {i}. {uc.title}" for i, uc in enumerate(result.use_cases, 1)] == titles
    funding_md = " ".join(m.value for m in at.markdown if "-badge[" in m.value)
    for f in result.funding:
        assert f.name in funding_md and f.source_url in funding_md


def test_import_incomplete_intake_shows_field_errors(data_dir: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del data["company"]["industry"]
    data["it_maturity"] = 9
    at = import_example(start(), data)
    assert any("noch nicht vollständig (2 Hinweise)" in e for e in texts(at.error))
    errors = " ".join(texts(at.error))
    assert "Branche" in errors
    assert at.get("progress")[0].proto.text.startswith("Schritt 1 von 5"), "opens the first step with a problem"
    assert at.text_input(key="w::de::company.name").value == "Huber Haustechnik GmbH", "answers are kept"
    _fill_step(at, {"company.industry": "handwerk"})
    for _ in range(3):
        click(at, "q::next")
    assert at.get("progress")[0].proto.text.startswith("Schritt 4 von 5")
    assert any("IT-Reife" in e for e in texts(at.error)), "the out-of-range maturity is named at its field"


def test_broken_json_upload_is_a_friendly_message(data_dir: Path) -> None:
    at = start()
    by_key(at.file_uploader, "consult::upload::0").upload("kaputt.json", b"{ nicht json", "application/json")
    at.run()
    click(at, "consult::import")
    assert any("kein lesbarer Fragebogen" in e for e in texts(at.error))
    assert not at.exception


def test_edits_in_place_are_saved_and_survive_reopen(data_dir: Path) -> None:
    at = import_example(start())
    at.toggle(key="ed::editing").set_value(True).run()
    at.text_input(key="ed::owner").set_value("Inhaber Jürgen Huber").run()
    uc_key = next(e.key for e in at.text_input if e.key.startswith("ed::uc::") and e.key.endswith("::title"))
    at.text_input(key=uc_key).set_value("Angebote in zwei Tagen statt zwei Wochen").run()
    assert not at.exception
    rec = the_store(data_dir).list()[0]
    assert rec.edits["mandate"] == {"owner": "Inhaber Jürgen Huber"}
    assert list(rec.edits["use_cases"].values()) == [{"title": "Angebote in zwei Tagen statt zwei Wochen"}]
    at.toggle(key="ed::editing").set_value(False).run()
    assert "#### 1. Angebote in zwei Tagen statt zwei Wochen" == case_titles(at)[0]
    assert any("Inhaber Jürgen Huber" in m.value for m in at.markdown)
    # a new session (restart) opens the saved consultation with the edits
    fresh = start()
    goto(fresh, "ui/pages/meine_beratungen.py")
    click(fresh, f"saved::open::{rec.id}")
    assert texts(fresh.title) == ["Beratung"]
    goto(fresh, "ui/pages/beratung.py")  # AppTest stays on its last switch_page() target unless told
    assert any("Angebote in zwei Tagen" in t for t in case_titles(fresh))
    click(fresh, "res::discard")
    assert not fresh.error, texts(fresh.error) + [c.value for e in fresh.expander for c in e.get("code")]
    assert the_store(data_dir).get(rec.id).edits == {}


def test_next_steps_table_edits_are_saved(data_dir: Path) -> None:
    at = import_example(start())
    editor = next(d for d in at.data_editor if str(d.key).startswith("ed::steps::"))
    first_who = editor.value.iloc[0]["who"]
    at.session_state[editor.key] = {"edited_rows": {0: {"who": "Frau Öztürk (Büro)"}}, "added_rows": [],
                                    "deleted_rows": []}
    at.run()
    assert not at.exception
    steps = the_store(data_dir).list()[0].edits["next_steps"]
    assert steps[0]["who"] == "Frau Öztürk (Büro)" and first_who != "Frau Öztürk (Büro)"


# --- Fragen ----------------------------------------------------------------------------------------------------------
def assistant_messages(at: AppTest):
    return [m for m in at.chat_message if m.name == "assistant"]


def test_chat_answers_with_sources_and_offline_label(data_dir: Path) -> None:
    at = goto(start(), "ui/pages/fragen.py")
    assert any("Offline-Modus" in i for i in texts(at.info))
    at.chat_input[0].set_value("Was muss ich beim Datenschutz mit KI beachten?").run()
    assert not at.exception
    reply = assistant_messages(at)[-1]
    assert re.search(r"\[1\]", reply.markdown[0].value)
    sources = [e for e in at.expander if e.label.startswith("Quellen (")]
    assert sources, "every answer shows its sources"
    src_md = " ".join(m.value for m in sources[-1].markdown)
    assert "[1]" in src_md and ".md" in src_md
    assert sources[-1].caption, "with an excerpt"
    # follow-up keeps the history
    at.chat_input[0].set_value("Wie lange dauert ein Pilotprojekt?").run()
    assert len(assistant_messages(at)) == 2
    click(at, "chat::clear")
    assert not at.chat_message


def test_chat_example_button_asks_the_question(data_dir: Path) -> None:
    at = goto(start(), "ui/pages/fragen.py")
    click(at, "chat::chat.ex_pilot")
    assert [m.markdown[0].value for m in at.chat_message if m.name == "user"] == ["Wie lange dauert ein KI-Pilotprojekt?"]
    assert assistant_messages(at)


def test_chat_uses_the_current_consultation(data_dir: Path) -> None:
    at = import_example(start())
    result = ConsultResult.model_validate(the_store(data_dir).list()[0].result)
    goto(at, "ui/pages/fragen.py")
    assert any("aktuelle Beratung wird als Kontext" in c for c in texts(at.caption))
    at.chat_input[0].set_value("Warum dieser Use Case?").run()
    reply = assistant_messages(at)[-1]
    assert "Aus Ihrer aktuellen Beratung" in reply.markdown[0].value
    assert result.use_cases[0].why_this in reply.markdown[0].value
    at.chat_input[0].set_value("Welche Förderprogramme gibt es für uns?").run()
    reply = assistant_messages(at)[-1]
    assert any("Bayern" in c.value for c in reply.caption), "funding questions are scoped to the firm's state"


def test_chat_in_ollama_mode_streams_the_model_answer(data_dir: Path, server, monkeypatch) -> None:
    """With a (fake) local Ollama the model writes the answer from the same sources; a reply without valid
    citations falls back to the quoted knowledge-base answer, and the page says so."""
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    reset_settings()
    server.reply = "Wichtig ist ein Vertrag zur Auftragsverarbeitung mit dem Anbieter [1]."
    at = goto(start(), "ui/pages/fragen.py")
    assert any("Lokales Sprachmodell aktiv" in s for s in texts(at.success))
    assert not any("Offline-Modus" in i for i in texts(at.info))
    at.chat_input[0].set_value("Was muss ich beim Datenschutz mit KI beachten?").run()
    reply = assistant_messages(at)[-1]
    assert "Auftragsverarbeitung mit dem Anbieter [1]" in " ".join(m.value for m in reply.markdown)
    assert any(r.path == "/api/chat" for r in server.requests)
    server.reply = "Eine Antwort ganz ohne Quellenangabe."
    at.chat_input[0].set_value("Wie lange dauert ein Pilotprojekt?").run()
    reply = assistant_messages(at)[-1]
    assert any("wörtlich aus der Wissensbasis" in c.value for c in reply.caption)


# --- Förderfinder -----------------------------------------------------------------------------------------------------
def test_funding_finder_filters_and_ended_programmes(data_dir: Path) -> None:
    at = goto(start(), "ui/pages/foerderfinder.py")
    table = at.dataframe[0].value
    assert len(table) > 0 and not table["ended"].any(), "ended programmes are hidden by default"
    assert table["as_of"].str.match(r"\d\d\.\d\d\.\d{4}").all() and table["source"].str.startswith("http").all()
    nationwide = len(table)
    at.selectbox(key="ff::state::de").set_value("SN").run()
    saxony = at.dataframe[0].value
    assert len(saxony) > nationwide and saxony["level"].str.contains("Sachsen").any()
    at.multiselect(key="ff::status::de").set_value(["open", "unknown", "ended"]).run()
    with_ended = at.dataframe[0].value
    ended = with_ended[with_ended["ended"]]
    assert len(ended) > 0 and ended["status"].str.startswith("beendet seit").all()
    assert any("beendet (grau" in m.value for m in at.markdown)
    at.multiselect(key="ff::topics::de").set_value(["loan"]).run()
    loans = at.dataframe[0].value
    assert 0 < len(loans) < len(with_ended) and loans["topics"].str.contains("Kredit").all()


def test_funding_finder_prefills_from_consultation(data_dir: Path) -> None:
    at = import_example(start())
    goto(at, "ui/pages/foerderfinder.py")
    assert at.selectbox(key="ff::state::de").value == "BY"
    assert at.number_input(key="ff::employees::de").value == 18
    assert any("vorausgefüllt" in i for i in texts(at.info))


# --- Wissensbasis ------------------------------------------------------------------------------------------------------
def test_knowledge_base_upload_list_delete(data_dir: Path, tmp_path: Path) -> None:
    from conftest import make_broken_pdf, make_pdf

    page_text = "Unser Handbuch\nDie Wartung der Anlage Zylinderkopf erfolgt quartalsweise durch das Team Nord."
    good_pdf = make_pdf(tmp_path / "handbuch.pdf", [page_text])
    broken = make_broken_pdf(tmp_path / "kaputt.pdf", good_pdf)
    md = "# Hausregeln KI\n\nWir nutzen den Sprachassistenten Quasselstrippe nur mit anonymisierten Daten.\n"
    at = goto(start(), "ui/pages/wissensbasis.py")
    before = int(at.metric[0].value)
    uploader = by_key(at.file_uploader, "kb::uploader0")
    uploader.upload("Hausregeln KI.md", md.encode(), "text/markdown")
    uploader.upload("handbuch.pdf", good_pdf.read_bytes(), "application/pdf")
    uploader.upload("kaputt.pdf", broken.read_bytes(), "application/pdf")
    at.run()
    click(at, "kb::upload")
    successes, errors = " ".join(texts(at.success)), " ".join(texts(at.error))
    assert "Hausregeln KI.md: eingelesen" in successes and "handbuch.pdf: eingelesen" in successes
    assert "kaputt.pdf konnte nicht eingelesen werden" in errors and "Alle anderen Dokumente sind unverändert" in errors
    assert int(at.metric[0].value) == before + 2
    docs = at.dataframe[0].value
    assert {"uploads/Hausregeln KI.md", "uploads/handbuch.pdf"} <= set(docs["source"])
    assert (data_dir / "uploads" / "Hausregeln KI.md").exists()
    assert not (data_dir / "uploads" / "kaputt.pdf").exists(), "a file that failed is not kept"
    assert "kaputt.pdf: " not in errors, "the file is named once, with the reason"
    # the chat finds the uploaded content
    goto(at, "ui/pages/fragen.py")
    at.chat_input[0].set_value("Wie nutzen wir den Sprachassistenten Quasselstrippe?").run()
    assert "Hausregeln KI" in " ".join(m.value for e in at.expander for m in e.markdown)
    # delete one upload: gone from index and disk, the rest stays
    goto(at, "ui/pages/wissensbasis.py")
    at.selectbox(key="kb::delete_pick").set_value("uploads/Hausregeln KI.md").run()
    click(at, "kb::delete")
    assert any("wurde entfernt" in s for s in texts(at.success))
    assert "uploads/Hausregeln KI.md" not in set(at.dataframe[0].value["source"])
    assert not (data_dir / "uploads" / "Hausregeln KI.md").exists()
    assert int(at.metric[0].value) == before + 1


def test_knowledge_base_reindex_reports_counts(data_dir: Path) -> None:
    at = goto(start(), "ui/pages/wissensbasis.py")
    click(at, "kb::reindex")
    assert any(s.startswith("Fertig: 0 neu, 0 geändert") for s in texts(at.success)), texts(at.success)


# --- Meine Beratungen ---------------------------------------------------------------------------------------------------
def _seed(data_dir: Path) -> tuple[str, str]:
    at = import_example(start())
    assert case_titles(at)
    store = the_store(data_dir)
    draft = store.create("Entwurf Müller", intake={"company": {"name": "Entwurf Müller"}})
    return store.list()[-1].id if store.list()[-1].id != draft.id else store.list()[0].id, draft.id


def test_saved_consultations_duplicate_rename_delete(data_dir: Path) -> None:
    full_id, draft_id = _seed(data_dir)
    at = goto(start(), "ui/pages/meine_beratungen.py")
    body = " ".join(m.value for m in at.markdown)
    assert "Huber Haustechnik GmbH" in body and "Entwurf Müller" in body
    assert "Ergebnis liegt vor" in body and "Entwurf]" in body
    click(at, f"saved::dup::{full_id}")
    assert any("Kopie" in s for s in texts(at.success))
    assert len(the_store(data_dir).list()) == 3
    at.text_input(key=f"saved::title::{draft_id}").set_value("Schreinerei Müller").run()
    click(at, f"saved::rename::{draft_id}")
    assert the_store(data_dir).get(draft_id).title == "Schreinerei Müller"
    click(at, f"saved::del::{draft_id}")
    assert any("endgültig löschen" in w for w in texts(at.warning))
    click(at, f"saved::no::{draft_id}")
    assert the_store(data_dir).exists(draft_id)
    click(at, f"saved::del::{draft_id}")
    click(at, f"saved::yes::{draft_id}")
    assert not the_store(data_dir).exists(draft_id)
    assert any("gelöscht" in s for s in texts(at.success))
    at.text_input(key="saved::search").set_value("kopie").run()
    assert any("1 von 2 Beratungen" in c for c in texts(at.caption))


def test_saved_consultation_export_import_and_open(data_dir: Path) -> None:
    full_id, _ = _seed(data_dir)
    exported = the_store(data_dir).export_json(full_id)
    at = goto(start(), "ui/pages/meine_beratungen.py")
    assert by_key(at.get("download_button"), f"saved::export::{full_id}").label == "Export (JSON)"
    by_key(at.file_uploader, "saved::import::0").upload("beratung.json", json.dumps(exported).encode(),
                                                        "application/json")
    at.run()
    assert any("importiert" in s for s in texts(at.success))
    assert len(the_store(data_dir).list()) == 3
    # a bare questionnaire is pointed to the Beratung page instead of failing silently
    by_key(at.file_uploader, "saved::import::1").upload("fragebogen.json", EXAMPLE.read_bytes(), "application/json")
    at.run()
    assert any("kein Export" in e for e in texts(at.error))
    new_id = next(r.id for r in the_store(data_dir).list() if r.id != full_id and r.has_result)
    click(at, f"saved::open::{new_id}")
    assert texts(at.title) == ["Beratung"] and case_titles(at)
    assert any(new_id == k for k in [at.session_state["cid"]])


def test_consultations_survive_a_restart(data_dir: Path) -> None:
    import streamlit as st

    import_example(start())
    st.cache_resource.clear()  # as after a process restart: new engine, new database connection
    at = start()
    assert any("Zuletzt bearbeitet: „Huber Haustechnik GmbH“" in i for i in texts(at.info))
    click(at, "consult::resume")
    assert case_titles(at), "the saved result is back on screen"
    goto(at, "ui/pages/meine_beratungen.py")
    assert any("Huber Haustechnik GmbH" in m.value for m in at.markdown)
    goto(at, "ui/pages/einstellungen.py")
    assert [m.value for m in at.metric][2] == "1"


def test_new_consultation_button_resets_the_screen(data_dir: Path) -> None:
    at = import_example(start())
    click(at, "res::new")
    assert any("Willkommen" in m.value for m in at.markdown)
    assert len(the_store(data_dir).list()) == 1, "the old one stays saved"


# --- texts -------------------------------------------------------------------------------------------------------------
def _used_keys() -> set[str]:
    """Keys passed to t() literally, plus key-like string constants handed around (action names, conditional
    keys such as `"kb.deleted" if removed else "kb.delete_missing"`)."""
    keys: set[str] = set()
    for path in [APP, *sorted((ROOT / "ui").rglob("*.py"))]:
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"[a-z]+\.[a-z_]*[a-z]", node.value):
                keys.add(node.value)
    return keys


def test_analysis_page_shows_statistics_with_small_groups_suppressed(data_dir: Path) -> None:
    import json

    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    answers.pop("_eval", None)
    from assistant.config import get_settings
    from assistant.consult.pipeline import Consultant
    from assistant.intake import parse_intake

    result = Consultant(get_settings()).consult(parse_intake(answers)).contract_json()
    store = ConsultationStore(data_dir)
    for i in range(6):
        store.create(f"B{i}", intake=answers, result=result)
    at = goto(start(), "ui/pages/auswertung.py")
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "6 gespeicherte Beratungen" in text
    assert any(b.label == "Als CSV herunterladen" for b in at.get("download_button"))


def test_all_ui_texts_exist_in_both_languages() -> None:
    """Every key the UI uses is in the catalogue (area `ui`), and the catalogue has no text nobody shows.
    Parity of keys and placeholders between German and English is tests/test_i18n.py's job."""
    from ui.i18n import keys

    texts = keys()
    dynamic = ({f"status.{s}" for s in ("open", "unknown", "ended")} | {f"effort.{e}" for e in "SML"}
               | {f"kb.file_{s}" for s in ("added", "updated")}
               | {f"kb.type_{d}" for d in ("guidance", "funding", "use_case", "upload")}
               | {f"nav.{p}" for p in ("consult", "chat", "funding", "kb", "saved", "settings")})
    used = _used_keys() | dynamic
    from assistant import i18n

    # keys the UI passes to msg() directly live in their own catalogue areas (auth, kb), not in area `ui`
    missing = sorted(k for k in used if k not in texts and not i18n.has(k) and not k.startswith("server.")
                     and not k.endswith((".py", ".md", ".json", ".png")))
    assert not missing, missing
    unused = sorted(k for k in texts if k not in used and not k.startswith(("app.", "mode.short")))
    assert not unused, f"texts nobody shows: {unused}"


def test_budget_typed_as_20000_euro_shows_20000_euro_in_the_result(data_dir: Path) -> None:
    """A new user types "20.000 €": the questionnaire shows it back, the result shows 20.000 € (not 20 €) in the
    budget figure and the budget part, and the result groups plan, budget and session part in tabs."""
    at = start()
    click(at, "consult::start_form")
    _fill_step(at, {"company.name": "Tischlerei Budget", "company.industry": "handwerk", "company.employees": 9,
                    "company.state": "BW", "respondent_role": "owner"})
    click(at, "q::next")
    _fill_step(at, {"goals": ["efficiency"], "time_horizon_months": 6})
    click(at, "q::next")
    _fill_step(at, {"pain_points": "Angebote schreiben dauert abends zwei Stunden, Anfragen kommen per Mail und Telefon."})
    click(at, "q::next")
    _fill_step(at, {"data.sources": ["email", "office_files"], "it_maturity": 2})
    click(at, "q::next")
    _fill_step(at, {"ai_experience": "none", "budget_eur": "20.000 €"})
    assert "Verstanden als: 20.000\u00a0€" in texts(at.caption)
    click(at, "q::create")
    assert not at.error, texts(at.error)
    budget = next(m for m in at.metric if m.label == "Budget")
    assert budget.value == "20.000\u00a0€", budget.value
    body = " ".join(texts(at.markdown))
    assert "Budget laut Fragebogen: 20.000\u00a0€" in body
    assert not re.search(r"(?<![\d.])20\u00a0€", body), "never read as 20 €"
    assert {"Überblick", "Use Cases", "Plan", "Budget & Förderung", "Für die Sitzung"} <= {t.label for t in at.tabs}
    steps = the_store(data_dir).list()[0]
    assert steps.intake["budget_eur"] == 20000
    result = ConsultResult.model_validate(steps.result)
    first = result.next_steps[0]
    assert any(m.startswith(f"**{first.by[8:10]}.{first.by[5:7]}.{first.by[:4]}**") and first.what in m
               for m in texts(at.markdown)), "each step is a stacked line: date and who first, then what"

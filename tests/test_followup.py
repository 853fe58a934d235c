"""Follow-up: step status in a real SQLite store (also one created by the old code), the follow-up consultation,
the T0/T1 comparison, its place in the PDF/DOCX/Markdown exports (read back with pypdf / python-docx), and the
app (AppTest against the real index): status edit and the "Folgetermin" button."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from assistant.config import Settings, reset_settings
from assistant.consult.pipeline import Consultant, ConsultResult
from assistant.consultations import ConsultationStore, StorageError
from assistant.followup import (
    FollowUpError,
    ReportContext,
    chain,
    clean_statuses,
    compare,
    comparison_for,
    create_follow_up,
    report_context,
    set_step_status,
    update_statuses,
)
from assistant.intake import parse_intake
from assistant.report import export_docx, export_markdown, export_pdf
from assistant.stats import compute

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "evals" / "personas" / "example_handwerk.json"
T0_DATE, T1_DATE = dt.date(2026, 3, 2), dt.date(2026, 9, 14)


def t0_intake() -> dict:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("_eval", None)
    return data


def t1_intake() -> dict:
    """Half a year later: staff trained, a pilot running, data cleaner; quotes and the phone are no longer the
    pain (solved in the meantime), so the recommendation moves on."""
    data = copy.deepcopy(t0_intake())
    data.update(it_maturity=3, ai_experience="piloting", staff_skills="trained", staff_attitude="open")
    data["data"]["quality"] = "medium"
    data["processes"] = [p for p in data["processes"] if not p["name"].startswith(("Angebote", "Telefon"))]
    data["pain_points"] = "\n".join(part for part in data["pain_points"].split("\n")
                                    if not part.startswith(("Angebote", "Das Telefon")))
    return data


@pytest.fixture(scope="module")
def consultant() -> Consultant:
    return Consultant(Settings(data_dir=ROOT / ".data-unused", kb_dir=ROOT / "knowledge_base"))


def run(consultant: Consultant, answers: dict, day: dt.date, lang: str = "de") -> ConsultResult:
    return consultant.consult(parse_intake(answers, lang), date=day, lang=lang)


@pytest.fixture
def pair(tmp_path: Path, consultant: Consultant):
    """T0 saved with two of its steps handled, T1 created as its follow-up and evaluated."""
    store = ConsultationStore(tmp_path / "data")
    first = store.create("Huber Haustechnik GmbH", intake=t0_intake(),
                         result=run(consultant, t0_intake(), T0_DATE).contract_json())
    steps = first.result["next_steps"]
    set_step_status(store, first.id, steps[0]["what"], "done")
    set_step_status(store, first.id, steps[1]["what"], "postponed", "15.10.2026")
    follow = create_follow_up(store, first.id, "de", today=T1_DATE)
    result = run(consultant, t1_intake(), T1_DATE)
    store.update(follow.id, intake=t1_intake(), result=result.contract_json())
    return store, store.get(first.id), store.get(follow.id), result


# --- storage -------------------------------------------------------------------------------------------------
def test_database_of_the_old_code_is_migrated_without_loss(tmp_path: Path):
    """The schema as the previous release wrote it (with `owner`, without follow-up columns)."""
    db = sqlite3.connect(tmp_path / "consultations.sqlite")
    db.executescript("""CREATE TABLE consultations (id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL,
        updated TEXT NOT NULL, intake TEXT, result TEXT, edits TEXT NOT NULL DEFAULT '{}', owner TEXT);
        INSERT INTO consultations VALUES ('old1', 'Alte Beratung', '2026-01-01 10:00:00', '2026-01-01 10:00:00',
        '{"company": {"name": "Alt GmbH"}}', NULL, '{"company_summary": "bleibt"}', 'anna');""")
    db.close()
    store = ConsultationStore(tmp_path)
    [old] = store.list()
    assert (old.title, old.owner, old.edits, old.step_status, old.follows) == (
        "Alte Beratung", "anna", {"company_summary": "bleibt"}, {}, None)
    follow = create_follow_up(store, "old1", today=T1_DATE)
    assert follow.follows == "old1" and follow.intake == {"company": {"name": "Alt GmbH"}}
    assert follow.title == "Alt GmbH – Folgetermin 14.09.2026"
    store.close()
    again = ConsultationStore(tmp_path)  # reopening does not migrate twice
    assert again.get(follow.id).follows == "old1" and len(again.list()) == 2


def test_status_is_saved_and_bad_input_loses_nothing(tmp_path: Path, consultant: Consultant):
    store = ConsultationStore(tmp_path)
    rec = store.create("Huber", intake=t0_intake(), result=run(consultant, t0_intake(), T0_DATE).contract_json())
    first, second, third = (s["what"] for s in rec.result["next_steps"][:3])
    set_step_status(store, rec.id, first, "done")
    rec, refused = update_statuses(store, rec.id, [
        {"what": second, "status": "postponed", "new_date": dt.date(2026, 11, 2)},
        {"what": first, "status": "vielleicht"},  # unknown status: the stored "done" stays
        {"what": third, "status": "postponed", "new_date": "irgendwann"},  # unreadable date: stays open
    ])
    assert [(what, exc.key) for what, exc in refused] == [(first, "bad_status"), (third, "bad_date")]
    assert "irgendwann" in refused[1][1].message("de") and "TT.MM.JJJJ" in refused[1][1].message("de")
    assert "DD.MM.YYYY" in refused[1][1].message("en")
    fresh = ConsultationStore(tmp_path).get(rec.id)  # what is on disk
    states = {k: v["status"] for k, v in fresh.step_status.items()}
    assert list(states.values()) == ["done", "postponed"] and len(states) == 2
    assert fresh.step_status[" ".join(second.split()).casefold()]["new_date"] == "2026-11-02"
    with pytest.raises(FollowUpError):
        set_step_status(store, rec.id, first, "open", new_date="32.13.2026")
    assert ConsultationStore(tmp_path).get(rec.id).step_status == fresh.step_status
    set_step_status(store, rec.id, first, "open")  # back to the default: not stored at all
    assert len(store.get(rec.id).step_status) == 1
    # the status survives "discard edits" (edits are reset, the status is not)
    store.update(rec.id, edits={})
    assert len(store.get(rec.id).step_status) == 1


def test_export_import_keeps_status_and_drops_a_dangling_link(pair, tmp_path: Path):
    store, first, follow, _ = pair
    other = ConsultationStore(tmp_path / "other")
    copied = other.import_json(store.export_json(follow.id))
    assert copied.follows is None  # the previous one is not in this store
    back = store.import_json(store.export_json(follow.id))
    assert back.follows == first.id
    assert other.import_json(store.export_json(first.id)).step_status == first.step_status
    assert clean_statuses({"x": {"status": "vielleicht"}, "y": {"status": "done"}, "": {"status": "done"},
                           "z": "kaputt"}) == {"y": {"status": "done", "new_date": None}}
    broken = store.export_json(first.id) | {"step_status": ["kein", "dict"]}
    with pytest.raises(StorageError):
        store.import_json(broken)


def test_an_advisor_cannot_follow_up_a_colleagues_consultation(tmp_path: Path):
    store = ConsultationStore(tmp_path)
    ben = store.scoped("ben").create("Metallbau Ben", intake={"company": {"name": "Metallbau"}})
    with pytest.raises(StorageError):
        create_follow_up(store.scoped("anna"), ben.id)
    mine = create_follow_up(store.scoped("ben"), ben.id)
    assert mine.owner == "ben" and mine.follows == ben.id


# --- comparison ----------------------------------------------------------------------------------------------
def test_follow_up_comparison_shows_progress(pair):
    store, first, follow, result = pair
    assert follow.follows == first.id and follow.title.startswith("Huber Haustechnik GmbH – Folgetermin")
    comp = comparison_for(store, follow.id)
    assert comp is not None and comp.previous_date == "2026-03-02" and comp.current_date == "2026-09-14"
    dims = {d.id: d for d in comp.dimensions}
    assert len(dims) == 6
    before = {d.id: d.score for d in ConsultResult.model_validate(first.result).maturity.dimensions}
    after = {d.id: d.score for d in result.maturity.dimensions}
    for key, change in dims.items():
        assert (change.before, change.after, change.delta) == (before[key], after[key], after[key] - before[key])
    assert dims["human_centric"].delta > 0 and dims["automation_ai"].delta > 0  # trained staff, pilot running
    assert (comp.count("done"), comp.count("postponed")) == (1, 1)
    assert comp.count("open") == len(first.result["next_steps"]) - 2
    old_ids = {u["id"] for u in first.result["use_cases"]}
    new_ids = {u.id for u in result.use_cases}
    assert {c.id for c in comp.new_cases} == new_ids - old_ids
    assert {c.id for c in comp.dropped_cases} == old_ids - new_ids
    assert comp.new_cases or comp.dropped_cases, "the intake changed enough to change the recommendation"
    assert [r.id for r in chain(store, follow.id)] == [follow.id, first.id]


def test_comparison_uses_the_advisors_edits(pair):
    store, first, _, result = pair
    new_ids = {u.id for u in result.use_cases}
    case = next(u["id"] for u in first.result["use_cases"] if u["id"] not in new_ids)
    store.update(first.id, edits={"use_cases": {case: {"title": "Werkstatt-Anfragen ohne Rückruf"}}})
    comp = compare(store.get(first.id), result)
    assert {c.id: c.title for c in comp.dropped_cases}[case] == "Werkstatt-Anfragen ohne Rückruf"


def test_no_comparison_without_a_previous_result(tmp_path: Path, consultant: Consultant):
    store = ConsultationStore(tmp_path)
    draft = store.create("Entwurf", intake=t0_intake())
    follow = create_follow_up(store, draft.id)
    result = run(consultant, t0_intake(), T1_DATE)
    assert comparison_for(store, follow.id, result) is None
    store.delete(draft.id)
    assert comparison_for(store, follow.id, result) is None
    assert report_context(store, follow.id, result) is None  # nothing to add to the export


def test_statistics_count_a_firm_once(pair):
    store, *_ = pair
    stats = compute(store.list(), "de")
    assert (stats.consultations, stats.superseded) == (1, 1)


# --- exports -------------------------------------------------------------------------------------------------
def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_exports_contain_the_comparison_and_the_status(pair):
    store, first, follow, result = pair
    ctx = report_context(store, follow.id, result)
    assert ctx is not None and ctx.comparison is not None
    ctx = ReportContext.model_validate_json(ctx.model_dump_json())  # as the result page's render cache passes it
    step = first.result["next_steps"][1]["what"]
    pdf = _pdf_text(export_pdf(result, follow_up=ctx))
    assert "Fortschritt seit dem Termin vom 02.03.2026" in pdf
    assert "Vorher (02.03.2026)" in pdf and "Jetzt (14.09.2026)" in pdf
    assert "1 von" in pdf and "erledigt, 1 verschoben" in pdf and "verschoben auf 15.10.2026" in pdf
    dim = ctx.comparison.dimensions[2]
    sign = "+" if dim.delta > 0 else ("±" if dim.delta == 0 else "−")
    assert f"{dim.name} {dim.before} {dim.after} {sign}" in pdf
    from pypdf import PdfReader

    images = sum(len(p.images) for p in PdfReader(io.BytesIO(export_pdf(result, follow_up=ctx))).pages)
    assert images == 2  # the brief's radar and the T0/T1 radar
    plain = _pdf_text(export_pdf(result))
    assert "Fortschritt seit" not in plain  # the same result without the follow-up context
    md = export_markdown(result, follow_up=ctx)
    assert "## Fortschritt seit dem Termin vom 02.03.2026" in md and step[:30] in md
    assert "**Neu hinzugekommene Use Cases:**" in md
    from docx import Document

    doc = Document(io.BytesIO(export_docx(result, follow_up=ctx)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Fortschritt seit dem Termin vom 02.03.2026" in text and "verschoben auf 15.10.2026" in text


def test_own_step_status_appears_in_the_steps_table(tmp_path: Path, consultant: Consultant):
    store = ConsultationStore(tmp_path)
    result = run(consultant, t0_intake(), T0_DATE)
    rec = store.create("Huber", intake=t0_intake(), result=result.contract_json())
    assert report_context(store, rec.id, result) is None  # all open: the brief stays as it was
    set_step_status(store, rec.id, result.next_steps[0].what, "done")
    ctx = report_context(store, rec.id, result)
    md = export_markdown(result, follow_up=ctx)
    row = next(line for line in md.splitlines() if line.startswith(f"| {result.next_steps[0].what[:20]}"))
    assert row.rstrip().endswith("| erledigt |")
    assert "| offen |" in md and "Fortschritt seit" not in md


def test_english_export_of_the_comparison(pair, consultant: Consultant):
    store, _, follow, _ = pair
    result_en = run(consultant, t1_intake(), T1_DATE, "en")
    ctx = report_context(store, follow.id, result_en)
    md = export_markdown(result_en, follow_up=ctx)
    assert "## Progress since the consultation of 2 Mar 2026" in md and "postponed to 15 Oct 2026" in md


# --- the app -------------------------------------------------------------------------------------------------
@pytest.fixture
def app_dir(tmp_path: Path, real_engine, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(real_engine.settings.data_dir, target,
                    ignore=shutil.ignore_patterns("consultations.sqlite*", "uploads"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(target))
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.delenv("ASSISTANT_AUTH_ENABLED", raising=False)
    reset_settings()
    yield target
    reset_settings()


def _open_result(at, cid: str):
    at.switch_page("ui/pages/meine_beratungen.py").run()
    at.button(key=f"saved::open::{cid}").click().run()
    at.switch_page("ui/pages/beratung.py").run()
    assert not at.exception, at.exception
    return at


def test_app_status_edit_and_follow_up_button(app_dir: Path, consultant: Consultant):
    from streamlit.testing.v1 import AppTest

    store = ConsultationStore(app_dir)
    result = run(consultant, t0_intake(), T0_DATE)
    rec = store.create("Huber Haustechnik GmbH", intake=t0_intake(), result=result.contract_json())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    _open_result(at, rec.id)
    editor = next(d for d in at.data_editor if str(d.key).startswith(f"fu::steps::{rec.id}::"))
    assert list(editor.value["status"]) == ["open"] * len(result.next_steps)
    at.session_state[editor.key] = {"edited_rows": {0: {"status": "done"},
                                                    1: {"status": "postponed", "new_date": "2026-10-15"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    saved = ConsultationStore(app_dir).get(rec.id).step_status
    assert sorted(v["status"] for v in saved.values()) == ["done", "postponed"]
    assert any("1 erledigt, 1 verschoben" in c.value for c in at.caption)
    # Folgetermin from the result: a new consultation of the same firm, prefilled, linked
    at.button(key="fu::create").click().run()
    assert not at.exception, at.exception
    follow = next(r for r in ConsultationStore(app_dir).list() if r.id != rec.id)
    assert follow.follows == rec.id and follow.intake == rec.intake and follow.result is None
    assert at.session_state["cid"] == follow.id
    assert any("Folgetermin" in s.value for s in at.success)
    # the follow-up is evaluated (as the advisor would after updating the answers) and shows the comparison
    ConsultationStore(app_dir).update(follow.id, intake=t1_intake(),
                                      result=run(consultant, t1_intake(), T1_DATE).contract_json())
    _open_result(at, follow.id)
    assert any("Was hat sich seit dem 02.03.2026 verändert?" in h.value for h in at.subheader)
    assert [m.value for m in at.metric if m.label == "Schritte erledigt"] == [f"1/{len(result.next_steps)}"]
    assert any(str(d.key).startswith(f"fu::prev::{rec.id}::") for d in at.data_editor)
    # Meine Beratungen: the card says whose follow-up it is and offers the next one
    at.switch_page("ui/pages/meine_beratungen.py").run()
    assert any("Folgetermin zu „Huber Haustechnik GmbH“ vom 02.03.2026" in c.value for c in at.caption)
    assert {f"saved::follow::{rec.id}", f"saved::follow::{follow.id}"} <= {b.key for b in at.button}

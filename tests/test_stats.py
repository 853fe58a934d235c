"""Needs statistics over ≥ 30 real consultations: counts, suppression of small groups, nothing identifying."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.consult.pipeline import Consultant
from assistant.consultations import ConsultationStore
from assistant.intake import parse_intake
from assistant.stats import MIN_GROUP, compute, to_csv

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = sorted((ROOT / "evals" / "personas").glob("*.json"))
STATES = ["SN", "SN", "SN", "SN", "SN", "SN", "BY", "BY", "BY", "BY", "BY", "HB"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """34 consultations: every persona twice, most moved to Saxony or Bavaria so some groups reach five."""
    data = tmp_path_factory.mktemp("stats")
    settings = Settings(data_dir=data, kb_dir=ROOT / "knowledge_base")
    consultant = Consultant(settings)  # keyword matching: no index needed for statistics
    store = ConsultationStore(data)
    for i, path in enumerate(PERSONAS * 2):
        answers = json.loads(path.read_text(encoding="utf-8"))
        answers.pop("_eval", None)
        answers = copy.deepcopy(answers)
        answers["company"]["state"] = STATES[i % len(STATES)]
        answers["company"]["name"] = f"Geheime Firma Nummer {i}"
        result = consultant.consult(parse_intake(answers), date=dt.date(2026, 12, 2))
        store.create(f"Beratung {i}", intake=answers, result=result.contract_json())
    return store


def test_counts_add_up_and_small_groups_are_suppressed(store):
    stats = compute(store.list(), "de", ROOT / "knowledge_base")
    assert stats.consultations == len(PERSONAS) * 2 >= 30 and stats.with_result == stats.consultations
    states = {row.key: row for row in stats.by_state}
    assert states["SN"].count is not None and states["SN"].count >= MIN_GROUP
    assert states["HB"].count is None and states["HB"].shown == "< 5"
    for rows in stats.tables().values():
        assert all(r.count is None or r.count >= MIN_GROUP for r in rows)
    assert sum(r.count or 0 for r in stats.by_size) <= stats.consultations
    assert stats.chosen_use_cases and stats.pain_themes and stats.funding_topics


def test_nothing_identifying_leaves_the_consultations(store):
    stats = compute(store.list(), "de", ROOT / "knowledge_base")
    text = json.dumps(stats.model_dump(), ensure_ascii=False) + to_csv(stats, "de")
    assert "Geheime Firma" not in text
    own_words = {row.label for rows in stats.tables().values() for row in rows}  # our vocabulary, not the firm's
    for rec in store.list():
        assert rec.intake["pain_points"][:40] not in text
        for proc in rec.intake.get("processes") or []:
            if proc["name"] not in own_words:
                assert f'"{proc["name"]}"' not in text


def test_csv_and_english_labels(store):
    stats = compute(store.list(), "en", ROOT / "knowledge_base")
    rows = list(csv.reader(io.StringIO(to_csv(stats, "en"))))
    assert rows[0] == ["Table", "Key", "Label", "Count"]
    assert any(r[0] == "Federal states" and r[2] == "Saxony" for r in rows)
    assert any(r[3] == "< 5" for r in rows)


def test_cli_prints_json_and_csv(store, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.config import reset_settings

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(store.path.parent))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(ROOT / "knowledge_base"))
    reset_settings()
    try:
        res = CliRunner().invoke(app, ["stats", "--json"])
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["consultations"] == len(PERSONAS) * 2
        res = CliRunner().invoke(app, ["stats", "--csv", "--json"])
        assert res.exit_code == 2
    finally:
        reset_settings()


def test_follow_ups_count_a_firm_once(store):
    """A follow-up appointment is the same firm again: the statistics count its latest consultation only."""
    from assistant.followup import create_follow_up

    base = compute(store.list(), "de", ROOT / "knowledge_base")
    first = store.list()[0]
    follow = create_follow_up(store, first.id)
    store.update(follow.id, result=first.result)
    try:
        again = compute(store.list(), "de", ROOT / "knowledge_base")
        assert (again.consultations, again.superseded) == (base.consultations, 1)
        assert again.by_industry == base.by_industry and again.maturity_dimensions == base.maturity_dimensions
    finally:
        store.delete(follow.id)


# --- the Auswertung page with team login ---------------------------------------------------------------------
PASSWORDS = {"anna": "anna-geheim-123", "chef": "chef-geheim-456"}


@pytest.fixture
def team_dir(tmp_path: Path, real_engine, monkeypatch):
    """Anna has six consultations with a result, Ben one; a shared team database with login on."""
    import shutil

    from assistant.config import reset_settings
    from assistant.users import UserStore

    target = tmp_path / "data"
    shutil.copytree(real_engine.settings.data_dir, target,
                    ignore=shutil.ignore_patterns("consultations.sqlite*", "uploads"))
    users = UserStore(target / "users.yaml")
    users.add("anna", PASSWORDS["anna"], role="advisor", name="Anna Berger")
    users.add("chef", PASSWORDS["chef"], role="admin", name="Chefin")
    answers = json.loads(PERSONAS[0].read_text(encoding="utf-8"))
    answers.pop("_eval", None)
    result = Consultant(Settings(data_dir=target, kb_dir=ROOT / "knowledge_base")).consult(
        parse_intake(answers), date=dt.date(2026, 12, 2)).contract_json()
    team = ConsultationStore(target)
    for i in range(6):
        team.create(f"Anna {i}", intake=answers, result=result, owner="anna")
    team.create("Ben 0", intake=answers, result=result, owner="ben")
    team.close()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(target))
    monkeypatch.setenv("ASSISTANT_AUTH_ENABLED", "1")
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    reset_settings()
    yield target
    reset_settings()


def _analysis_as(username: str) -> str:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(PASSWORDS[username])
    at.button[0].click().run()
    at.switch_page("ui/pages/auswertung.py").run()
    assert not at.exception, at.exception
    return " ".join(c.value for c in at.caption)


def test_analysis_counts_the_advisors_own_and_the_admin_sees_all(team_dir: Path):
    anna = _analysis_as("anna")
    assert "6 gespeicherte Beratungen" in anna and "Ihre eigenen Beratungen (Anna Berger)" in anna
    chef = _analysis_as("chef")
    assert "7 gespeicherte Beratungen" in chef and "des ganzen Teams" in chef

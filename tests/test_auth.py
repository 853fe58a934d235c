"""Team deployment: users and roles, consultations per advisor, the login screen and the address guard.

The store-level tests run on a real SQLite file; the app tests drive the real app with `AppTest` against the
shipped index (conftest `real_engine`), with users written by the real `assistant users` commands.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from assistant.config import reset_settings
from assistant.consultations import ConsultationStore, StorageError
from assistant.users import UserError, UserStore, check_password

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PASSWORDS = {"anna": "anna-geheim-123", "chef": "chef-geheim-456", "ben": "ben-geheim-789"}


# --- store level -------------------------------------------------------------------------------------------------
def test_an_advisor_sees_only_their_own_consultations(tmp_path: Path):
    store = ConsultationStore(tmp_path)
    anna, ben = store.scoped("anna"), store.scoped("ben")
    admin = store.scoped("chef", admin=True)
    a = anna.create("Bäckerei Anna")
    b = ben.create("Metallbau Ben")
    assert [r.title for r in anna.list()] == ["Bäckerei Anna"]
    assert [r.title for r in ben.list()] == ["Metallbau Ben"]
    assert {r.title for r in admin.list()} == {"Bäckerei Anna", "Metallbau Ben"}
    assert not anna.exists(b.id) and anna.exists(a.id)
    for action in (lambda: anna.get(b.id), lambda: anna.update(b.id, title="x"), lambda: anna.export_json(b.id),
                   lambda: anna.duplicate(b.id)):
        with pytest.raises(StorageError):
            action()
    assert anna.delete(b.id) is False and store.exists(b.id)
    copy = anna.duplicate(a.id)
    assert copy.owner == "anna"
    imported = ben.import_json(store.export_json(a.id))
    assert imported.owner == "ben" and len(ben.list()) == 2
    assert len(store.list()) == 4  # without login (no scope) everything is visible, as before


def test_existing_consultations_are_migrated_and_unowned(tmp_path: Path):
    db = sqlite3.connect(tmp_path / "consultations.sqlite")
    db.executescript("""CREATE TABLE consultations (id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL,
        updated TEXT NOT NULL, intake TEXT, result TEXT, edits TEXT NOT NULL DEFAULT '{}');
        INSERT INTO consultations VALUES ('old1', 'Alte Beratung', '2026-01-01 10:00:00', '2026-01-01 10:00:00',
        NULL, NULL, '{}');""")
    db.close()
    store = ConsultationStore(tmp_path)
    [old] = store.list()
    assert old.title == "Alte Beratung" and old.owner is None
    assert store.scoped("anna").list() == []
    assert [r.id for r in store.scoped("chef", admin=True).list()] == ["old1"]
    store.scoped("anna").create("Neu")
    assert len(ConsultationStore(tmp_path).list()) == 2  # reopening does not migrate twice


def test_users_file_holds_bcrypt_hashes_and_checks_input(tmp_path: Path):
    users = UserStore(tmp_path / "users.yaml")
    users.add("anna", PASSWORDS["anna"], role="advisor", name="Anna Berger")
    users.add("chef", PASSWORDS["chef"], role="admin")
    text = (tmp_path / "users.yaml").read_text(encoding="utf-8")
    assert PASSWORDS["anna"] not in text and "$2b$" in text
    assert oct((tmp_path / "users.yaml").stat().st_mode & 0o777) == "0o600"
    entry = users.load()["credentials"]["usernames"]["anna"]
    assert check_password(PASSWORDS["anna"], entry["password"]) and not check_password("falsch", entry["password"])
    assert [(u.username, u.role) for u in users.users()] == [("anna", "advisor"), ("chef", "admin")]
    with pytest.raises(UserError, match="zu kurz"):
        users.add("kurt", "kurz")
    with pytest.raises(UserError, match="Rolle"):
        users.add("kurt", "lang-genug-123", role="gott")
    with pytest.raises(UserError, match="Benutzername"):
        users.add("../x", "lang-genug-123")
    assert users.remove("anna") and not users.remove("anna")


def test_users_cli_add_list_remove(tmp_path: Path, monkeypatch):
    from assistant.cli_users import users_app

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    reset_settings()
    runner = CliRunner()
    try:
        added = runner.invoke(users_app, ["add", "anna", "--role", "admin"],
                              input=f"{PASSWORDS['anna']}\n{PASSWORDS['anna']}\n")
        assert added.exit_code == 0, added.output
        assert "anna" in added.output and "ASSISTANT_AUTH_ENABLED" in added.output
        listed = runner.invoke(users_app, ["list"])
        assert "anna" in listed.output and "Administration" in listed.output
        bad = runner.invoke(users_app, ["add", "ben", "--password", "kurz"])
        assert bad.exit_code == 2 and "zu kurz" in bad.output
        assert runner.invoke(users_app, ["remove", "anna"]).exit_code == 0
        assert runner.invoke(users_app, ["remove", "anna"]).exit_code == 1
    finally:
        reset_settings()


# --- the app -----------------------------------------------------------------------------------------------------
@pytest.fixture
def team_dir(tmp_path: Path, real_engine, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(real_engine.settings.data_dir, target,
                    ignore=shutil.ignore_patterns("consultations.sqlite*", "uploads"))
    users = UserStore(target / "users.yaml")
    users.add("anna", PASSWORDS["anna"], role="advisor", name="Anna Berger")
    users.add("ben", PASSWORDS["ben"], role="advisor", name="Ben Kraus")
    users.add("chef", PASSWORDS["chef"], role="admin", name="Chefin")
    store = ConsultationStore(target)
    store.create("Bäckerei von Anna", owner="anna")
    store.create("Metallbau von Ben", owner="ben")
    store.close()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(target))
    monkeypatch.setenv("ASSISTANT_AUTH_ENABLED", "1")
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    reset_settings()
    yield target
    reset_settings()


def login(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    assert any("Anmelden" in t.value for t in at.title)
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_login_is_required_and_advisor_sees_only_own(team_dir: Path):
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    assert not any("Meine Beratungen" in t.value for t in at.title)  # nothing but the login form
    at = login("anna", PASSWORDS["anna"])
    at.switch_page("ui/pages/meine_beratungen.py").run()
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Bäckerei von Anna" in shown and "Metallbau von Ben" not in shown
    assert any("Anna Berger" in c.value for c in at.sidebar.caption)
    at.switch_page("ui/pages/wissensbasis.py").run()
    assert any("Administration vorbehalten" in i.value for i in at.info)
    assert not [b for b in at.button if b.key in {"kb::upload", "kb::reindex", "kb::delete"}]


def test_admin_sees_all_and_may_change_the_knowledge_base(team_dir: Path):
    at = login("chef", PASSWORDS["chef"])
    at.switch_page("ui/pages/meine_beratungen.py").run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Bäckerei von Anna" in shown and "Metallbau von Ben" in shown
    assert any("anna" in c.value for c in at.caption)
    at.switch_page("ui/pages/wissensbasis.py").run()
    assert {"kb::upload", "kb::reindex"} <= {b.key for b in at.button}


def test_wrong_password_is_refused(team_dir: Path):
    at = login("anna", "falsches-passwort")
    assert any("falsch" in e.value for e in at.error)
    assert not any("Meine Beratungen" in t.value for t in at.title)


def test_app_refuses_a_network_address_without_login(tmp_path: Path, monkeypatch):
    from streamlit import config

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("ASSISTANT_AUTH_ENABLED", raising=False)
    reset_settings()
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(APP), default_timeout=240)
        at.run()
        assert not at.exception, at.exception
        assert any("0.0.0.0" in e.value and "Anmeldung" in e.value for e in at.error)
        assert not at.title  # no page rendered
        monkeypatch.setenv("ASSISTANT_AUTH_ENABLED", "1")
        reset_settings()
        at = AppTest.from_file(str(APP), default_timeout=240)
        at.run()
        assert any("keine Benutzer" in e.value for e in at.error)  # login on: the guard passes, login takes over
    finally:
        config.set_option("server.address", before)
        reset_settings()


def test_settings_page_really_asks_the_ollama_server(tmp_path: Path, real_engine, server, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(real_engine.settings.data_dir, target, ignore=shutil.ignore_patterns("consultations.sqlite*"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(target))
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    monkeypatch.delenv("ASSISTANT_AUTH_ENABLED", raising=False)
    reset_settings()
    try:
        at = AppTest.from_file(str(APP), default_timeout=240)
        at.run()
        at.switch_page("ui/pages/einstellungen.py").run()
        assert not at.exception, at.exception
        assert any("Ollama antwortet" in s.value for s in at.success)
        assert server.requests_to("/api/tags")
        server.models = ["mistral:7b"]
        at.button(key="set::check").click().run()
        assert any("Offline-Modus" in w.value and "ollama pull" in w.value for w in at.warning)
    finally:
        reset_settings()

"""Saved consultations ("Meine Beratungen"): one SQLite file in the data directory, kept across restarts.

A consultation is stored as three JSON documents: the intake (the questionnaire answers, also while they are
still incomplete, so nothing typed is lost), the engine's result, and the advisor's edits. Edits are kept apart
from the result so the original recommendation stays reproducible and the advisor can undo all changes at once;
`apply_edits` overlays them for display and export.

Follow-up (assistant/followup.py) adds two columns: `step_status`, what became of each agreed next step (kept
apart from the edits, because "discard edits" must not forget that a step was done), and `follows`, the id of
the consultation a follow-up appointment continues.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.i18n import msg

EXPORT_FORMAT = "ki-sprechstunde/consultation"
EXPORT_VERSION = 1
DB_NAME = "consultations.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS consultations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    intake TEXT,
    result TEXT,
    edits TEXT NOT NULL DEFAULT '{}',
    owner TEXT,
    step_status TEXT NOT NULL DEFAULT '{}',
    follows TEXT
);
CREATE INDEX IF NOT EXISTS consultations_updated ON consultations(updated);
"""
_COLUMNS = "id, title, created, updated, intake, result, edits, owner, step_status, follows"


class StorageError(ValueError):
    """A consultation that cannot be found or an import file that is not a consultation.

    Carries a catalogue key (area `consultations`) so each caller can show it in the reader's language;
    `str()` is the German text for logs and the CLI."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(self.message("de"))

    def message(self, lang: str = "de") -> str:
        return msg(f"consultations.{self.key}", lang, **self.values)


class Consultation(BaseModel):
    """One saved consultation. `intake` may be a partial draft; `result` is None until the engine has run."""

    id: str
    title: str
    created: str
    updated: str
    intake: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    edits: dict[str, Any] = Field(default_factory=dict)
    owner: str | None = None
    """The advisor who created it (team login); None for consultations from before login existed."""
    step_status: dict[str, Any] = Field(default_factory=dict)
    """What became of the next steps: normalised step text -> {"status", "new_date"} (assistant/followup.py)."""
    follows: str | None = None
    """The consultation this one follows up (Folgetermin), or None for a first consultation."""

    @property
    def has_result(self) -> bool:
        return bool(self.result)


def _now() -> str:
    """Second precision in local time: what a user reads in the list, and sortable as text."""
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class ConsultationStore:
    """CRUD over the consultations table; every write commits at once so a crash loses nothing."""

    def __init__(self, data_dir: Path):
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()  # one connection, shared by the UI's session threads
        with self._tx() as db:
            db.executescript(_SCHEMA)
            self._migrate(db)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Databases from before the team login get the `owner` column; their rows stay unowned (NULL), which
        only admins see, so no advisor suddenly sees a colleague's clients. Databases from before follow-up get
        `step_status` (every step open) and `follows` (a first consultation)."""
        columns = {r[1] for r in db.execute("PRAGMA table_info(consultations)")}
        if "owner" not in columns:
            db.execute("ALTER TABLE consultations ADD COLUMN owner TEXT")
        if "step_status" not in columns:
            db.execute("ALTER TABLE consultations ADD COLUMN step_status TEXT NOT NULL DEFAULT '{}'")
        if "follows" not in columns:
            db.execute("ALTER TABLE consultations ADD COLUMN follows TEXT")
        db.execute("CREATE INDEX IF NOT EXISTS consultations_owner ON consultations(owner)")

    def scoped(self, owner: str | None, admin: bool = False) -> "ScopedConsultations | ConsultationStore":
        """The consultations one user may see and change: without login (owner None) or for an admin all of
        them, for an advisor only their own."""
        if owner is None:
            return self
        return ScopedConsultations(self, owner, admin)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def _query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _row(self, row: sqlite3.Row) -> Consultation:
        return Consultation(id=row["id"], title=row["title"], created=row["created"], updated=row["updated"],
                            intake=_load(row["intake"]), result=_load(row["result"]),
                            edits=_load(row["edits"]) or {}, owner=row["owner"],
                            step_status=_load(row["step_status"]) or {}, follows=row["follows"])

    # --- reading -------------------------------------------------------------------------------------------
    def list(self, owner: str | None = None) -> list[Consultation]:
        """Most recently changed first: the one the advisor worked on last is on top. With `owner`, only theirs."""
        if owner is not None:
            rows = self._query("SELECT * FROM consultations WHERE owner=? ORDER BY updated DESC, created DESC",
                               (owner,))
        else:
            rows = self._query("SELECT * FROM consultations ORDER BY updated DESC, created DESC")
        return [self._row(r) for r in rows]

    def get(self, cid: str) -> Consultation:
        rows = self._query("SELECT * FROM consultations WHERE id=?", (cid,))
        if not rows:
            raise StorageError("not_found", cid=cid)
        return self._row(rows[0])

    def exists(self, cid: str | None) -> bool:
        return bool(cid) and bool(self._query("SELECT 1 FROM consultations WHERE id=?", (cid,)))

    # --- writing -------------------------------------------------------------------------------------------
    def create(self, title: str, intake: dict | None = None, result: dict | None = None,
               edits: dict | None = None, owner: str | None = None, step_status: dict | None = None,
               follows: str | None = None) -> Consultation:
        now = _now()
        cid = uuid.uuid4().hex[:12]
        with self._tx() as db:
            db.execute(f"INSERT INTO consultations ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (cid, title, now, now, _dump(intake), _dump(result), _dump(edits or {}), owner,
                        _dump(step_status or {}), follows))
        return self.get(cid)

    def update(self, cid: str, **fields: Any) -> Consultation:
        """Change some of title, intake, result, edits, step_status; `updated` moves only when something really
        changed."""
        allowed = {"title", "intake", "result", "edits", "step_status"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        current = self.get(cid)
        changes = {k: v for k, v in fields.items() if getattr(current, k) != v}
        if not changes:
            return current
        sets = ", ".join(f"{k}=?" for k in changes)
        values = [v if k == "title" else _dump(v or {} if k in ("edits", "step_status") else v)
                  for k, v in changes.items()]
        with self._tx() as db:
            db.execute(f"UPDATE consultations SET {sets}, updated=? WHERE id=?", (*values, _now(), cid))
        return self.get(cid)

    def duplicate(self, cid: str, suffix: str = " (Kopie)", owner: str | None = None) -> Consultation:
        src = self.get(cid)
        return self.create(src.title + suffix, intake=src.intake, result=src.result, edits=src.edits,
                           owner=owner if owner is not None else src.owner, step_status=src.step_status,
                           follows=src.follows)

    def delete(self, cid: str) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM consultations WHERE id=?", (cid,)).rowcount > 0

    # --- exchange ------------------------------------------------------------------------------------------
    def export_json(self, cid: str) -> dict:
        """A self-describing document, so an import can tell a saved consultation from a bare intake."""
        c = self.get(cid)
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "title": c.title, "created": c.created,
                "updated": c.updated, "intake": c.intake, "result": c.result, "edits": c.edits,
                "step_status": c.step_status, "follows": c.follows}

    def import_json(self, data: Any, title: str | None = None, owner: str | None = None) -> Consultation:
        """Import an exported consultation as a new entry (never overwrites one that exists).

        Step statuses come along (only well-formed entries); the link to a previous consultation is kept only
        when that consultation is in this store, since an id from another installation points nowhere."""
        if not is_consultation_export(data):
            raise StorageError("not_export")
        if int(data.get("version", 0)) > EXPORT_VERSION:
            raise StorageError("newer_version")
        for key in ("intake", "result", "edits", "step_status"):
            if data.get(key) is not None and not isinstance(data[key], dict):
                raise StorageError("field_broken", field=key)
        if data.get("result"):
            from assistant.consult.pipeline import ConsultResult

            try:
                ConsultResult.model_validate(data["result"])
            except ValueError as exc:
                raise StorageError("result_broken") from exc
        from assistant.followup import clean_statuses

        follows = data.get("follows") if isinstance(data.get("follows"), str) else None
        return self.create(title or str(data.get("title") or "Import"), intake=data.get("intake"),
                           result=data.get("result"), edits=data.get("edits") or {}, owner=owner,
                           step_status=clean_statuses(data.get("step_status")),
                           follows=follows if self.exists(follows) else None)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class ScopedConsultations:
    """The store as one logged-in user sees it: same methods, but an advisor reaches only their own
    consultations (another one's id behaves as if it did not exist), and everything they create is theirs."""

    def __init__(self, store: ConsultationStore, owner: str, admin: bool = False):
        self.store, self.owner, self.admin = store, owner, admin
        self.path = store.path

    def _visible(self, rec: Consultation) -> bool:
        return self.admin or rec.owner == self.owner

    def list(self) -> list[Consultation]:
        return self.store.list() if self.admin else self.store.list(owner=self.owner)

    def get(self, cid: str) -> Consultation:
        rec = self.store.get(cid)
        if not self._visible(rec):
            raise StorageError("not_found", cid=cid)
        return rec

    def exists(self, cid: str | None) -> bool:
        return self.store.exists(cid) and self._visible(self.store.get(cid))  # type: ignore[arg-type]

    def create(self, title: str, intake: dict | None = None, result: dict | None = None,
               edits: dict | None = None, step_status: dict | None = None,
               follows: str | None = None) -> Consultation:
        return self.store.create(title, intake=intake, result=result, edits=edits, owner=self.owner,
                                 step_status=step_status, follows=follows)

    def update(self, cid: str, **fields: Any) -> Consultation:
        self.get(cid)
        return self.store.update(cid, **fields)

    def duplicate(self, cid: str, suffix: str = " (Kopie)") -> Consultation:
        self.get(cid)
        return self.store.duplicate(cid, suffix=suffix, owner=self.owner)

    def delete(self, cid: str) -> bool:
        if not self.exists(cid):
            return False
        return self.store.delete(cid)

    def export_json(self, cid: str) -> dict:
        self.get(cid)
        return self.store.export_json(cid)

    def import_json(self, data: Any, title: str | None = None) -> Consultation:
        return self.store.import_json(data, title=title, owner=self.owner)


def is_consultation_export(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == EXPORT_FORMAT


# --- edits --------------------------------------------------------------------------------------------------
EDITABLE_CASE_FIELDS = ("title", "problem", "solution", "why_this", "expected_value")
EDITABLE_MANDATE_FIELDS = ("owner", "budget_eur")


def apply_edits(result: dict, edits: dict | None):
    """The result as the advisor shaped it: edited summary, mandate fields, use-case texts and next steps.

    Only the fields the UI lets the advisor change are taken over, so a stale or foreign edit cannot break the
    result's structure; the outcome is validated as a `ConsultResult`.
    """
    from assistant.consult.pipeline import ConsultResult

    data = json.loads(json.dumps(result))
    edits = edits or {}
    if isinstance(edits.get("company_summary"), str):
        data["company_summary"] = edits["company_summary"]
    for key in EDITABLE_MANDATE_FIELDS:
        if key in (edits.get("mandate") or {}):
            data["mandate"][key] = edits["mandate"][key]
    for case in data.get("use_cases", []):
        for key, value in ((edits.get("use_cases") or {}).get(case["id"]) or {}).items():
            if key in EDITABLE_CASE_FIELDS and isinstance(value, str):
                case[key] = value
    if isinstance(edits.get("next_steps"), list):
        steps = [clean_step(s) for s in edits["next_steps"] if isinstance(s, dict)]
        data["next_steps"] = [s for s in steps if s["what"]]
    return ConsultResult.model_validate(data)


def clean_step(step: dict) -> dict:
    """A next-steps row from the table editor: empty cells become empty strings, dates ISO text."""
    def text(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):  # None or NaN from pandas
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        return str(value).strip()

    return {"what": text(step.get("what")), "who": text(step.get("who")), "by": text(step.get("by")),
            "done_when": text(step.get("done_when"))}


def default_title(intake: dict | None, today: dt.date | None = None, lang: str = "de") -> str:
    """The company name when known, else the date: what an advisor recognises in the list."""
    name = ((intake or {}).get("company") or {}).get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    day = (today or dt.date.today()).strftime("%d.%m.%Y")
    return msg("consultations.default_title", lang, day=day)

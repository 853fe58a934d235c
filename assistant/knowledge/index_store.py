"""The index: Chroma holds vectors, SQLite holds the manifest of files and the chunk texts for BM25.

SQLite is the record of what is indexed; a file's rows change in one transaction, after its vectors are in
Chroma, so a failure half-way never leaves the manifest pointing at missing data.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from assistant.config import Settings, disable_telemetry
from assistant.i18n import msg
from assistant.models import Chunk


class IndexUnavailable(RuntimeError):
    """The vector store cannot be reached (e.g. the Chroma server is down); the message says what to check."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, title TEXT NOT NULL,
    doc_type TEXT NOT NULL, n_chunks INTEGER NOT NULL, ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL,
    doc_type TEXT NOT NULL, source TEXT NOT NULL, section TEXT, page INTEGER, region TEXT NOT NULL,
    text TEXT NOT NULL, trusted INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _locked(method):
    """One SQLite connection serves every UI session's thread; calls on it take turns."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class FileRecord(dict):
    """A row of the manifest (source, doc_id, sha256, title, doc_type, n_chunks, ingested_at)."""


class IndexStore:
    """Vectors in Chroma, manifest and chunk texts in SQLite."""

    def __init__(self, settings: Settings):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(settings.db_path), check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._collection = None

    def _migrate(self) -> None:
        """Indexes written before `trusted` existed get the column; their uploads are re-ingested anyway
        (PIPELINE_VERSION changed), until then rows from uploads/ count as untrusted."""
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(chunks)")}
        if "trusted" not in columns:
            with self._db:
                self._db.execute("ALTER TABLE chunks ADD COLUMN trusted INTEGER NOT NULL DEFAULT 1")
                self._db.execute("UPDATE chunks SET trusted=0 WHERE source LIKE 'uploads/%' OR doc_type='upload'")

    # --- Chroma -------------------------------------------------------------------------------------------
    def _client(self):
        disable_telemetry()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        if self.settings.chroma_host:
            return chromadb.HttpClient(
                host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
            )
        return chromadb.PersistentClient(path=str(self.settings.chroma_dir), settings=chroma_settings)

    @property
    def collection(self):
        """Created without an embedding function: Chroma's default would try to download a model."""
        if self._collection is None:
            self._collection = self._client().get_or_create_collection(
                name=self.settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._collection

    def check_available(self) -> None:
        """Raise IndexUnavailable with a clear message when Chroma (embedded or server) cannot be used."""
        try:
            self.collection.count()
        except Exception as exc:  # noqa: BLE001 - any client/transport error means: not usable
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: Exception) -> IndexUnavailable:
        self._collection = None
        return IndexUnavailable(msg("ingest.index_unavailable", self.settings.lang,
                                    error=f"{exc.__class__.__name__}: {str(exc)[:200]}",
                                    host=self.settings.chroma_host or "-", port=self.settings.chroma_port))

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A search-time Chroma call: a transport error (server down) becomes IndexUnavailable, so `ask` and
        the chat say what to check instead of showing a traceback."""
        try:
            yield
        except IndexUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises many transport and server error types
            raise self._unavailable(exc) from exc

    def vectors_of(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (for exact dense scores of lexical-only candidates)."""
        with self._reading():
            got = self.collection.get(ids=chunk_ids, include=["embeddings"])
        return {cid: np.asarray(emb, dtype=np.float32) for cid, emb in zip(got["ids"], got["embeddings"])}

    def vector_ids(self) -> set[str]:
        """Every id Chroma holds, fetched in pages so a large index does not arrive in one response."""
        ids: set[str] = set()
        step, offset = 5000, 0
        while True:
            part = self.collection.get(include=[], limit=step, offset=offset)["ids"]
            ids.update(part)
            if len(part) < step:
                return ids
            offset += step

    @_locked
    def remove_orphans(self) -> int:
        """Delete vectors that no manifest row points to (left by a crash between the manifest commit and
        the deletion of a file's old vectors, or by a writer that died half-way). Returns how many."""
        known = {r[0] for r in self._db.execute("SELECT chunk_id FROM chunks")}
        orphans = sorted(self.vector_ids() - known)
        self.delete_vectors(orphans)
        return len(orphans)

    def add_vectors(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        step = 2000
        for start in range(0, len(chunks), step):
            part = chunks[start:start + step]
            self.collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[start:start + step].tolist(),
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )

    def delete_vectors(self, chunk_ids: list[str]) -> None:
        step = 2000
        for start in range(0, len(chunk_ids), step):
            self.collection.delete(ids=chunk_ids[start:start + step])

    def query_vectors(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        with self._reading():
            result = self.collection.query(
                query_embeddings=[vector.tolist()], n_results=n, where=where or None, include=["distances"]
            )
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    # --- SQLite manifest ----------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db:
            yield self._db

    @_locked
    def files(self) -> dict[str, FileRecord]:
        rows = self._db.execute("SELECT * FROM files ORDER BY source").fetchall()
        return {row["source"]: FileRecord(dict(row)) for row in rows}

    @_locked
    def chunk_ids_of(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=? ORDER BY seq", (doc_id,))]

    @_locked
    def replace_file(self, source: str, sha256: str, doc_id: str, title: str, doc_type: str,
                     chunks: list[Chunk], old_doc_id: str | None) -> None:
        """Swap a file's manifest rows in one transaction."""
        with self.transaction() as db:
            for stale in {old_doc_id, doc_id} - {None}:
                db.execute("DELETE FROM chunks WHERE doc_id=?", (stale,))
            db.execute("DELETE FROM files WHERE source=?", (source,))
            db.execute(
                "INSERT INTO files VALUES (?,?,?,?,?,?,?)",
                (source, doc_id, sha256, title, doc_type, len(chunks), time.time()),
            )
            db.executemany(
                "INSERT INTO chunks (chunk_id, doc_id, seq, title, doc_type, source, section, page, region, text,"
                " trusted) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(c.chunk_id, c.doc_id, i, c.title, c.doc_type, c.source, c.section, c.page, c.region, c.text,
                  int(c.trusted)) for i, c in enumerate(chunks)],
            )
            self._bump(db)

    @_locked
    def remove_file(self, source: str) -> None:
        record = self.files().get(source)
        if record is None:
            return
        ids = self.chunk_ids_of(record["doc_id"])
        self.delete_vectors(ids)
        with self.transaction() as db:
            db.execute("DELETE FROM chunks WHERE doc_id=?", (record["doc_id"],))
            db.execute("DELETE FROM files WHERE source=?", (source,))
            self._bump(db)

    def _bump(self, db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    @_locked
    def generation(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @_locked
    def index_uid(self) -> str:
        """A random id given to this manifest when first asked: with the generation it keys saved derived
        data (the BM25 index), so a deleted and re-created index never meets the files of its predecessor."""
        uid = self.get_meta("uid")
        if uid is None:
            uid = uuid.uuid4().hex[:12]
            self.set_meta("uid", uid)
        return uid

    @_locked
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @_locked
    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                       (key, value))

    @_locked
    def all_chunks(self) -> list[Chunk]:
        rows = self._db.execute("SELECT * FROM chunks ORDER BY doc_id, seq").fetchall()
        return [_row_to_chunk(r) for r in rows]

    @_locked
    def chunks_by_id(self, ids: list[str]) -> dict[str, Chunk]:
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for r in self._db.execute(f"SELECT * FROM chunks WHERE chunk_id IN ({marks})", part):
                found[r["chunk_id"]] = _row_to_chunk(r)
        return found

    @_locked
    def count_chunks(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    @_locked
    def reset(self) -> None:
        """Drop everything (used when the embedding model changes: old vectors are meaningless)."""
        try:
            self._client().delete_collection(self.settings.collection)
        except Exception:
            pass
        self._collection = None
        with self.transaction() as db:
            db.execute("DELETE FROM chunks")
            db.execute("DELETE FROM files")
            self._bump(db)

    def close(self) -> None:
        self._db.close()


def _row_to_chunk(r: sqlite3.Row) -> Chunk:
    return Chunk(
        chunk_id=r["chunk_id"], doc_id=r["doc_id"], title=r["title"], doc_type=r["doc_type"], source=r["source"],
        section=r["section"], page=r["page"], region=r["region"], text=r["text"], trusted=bool(r["trusted"]),
    )

"""Incremental ingestion: unchanged files are skipped by content hash, changed ones replaced, deleted ones removed.

Each file is all-or-nothing: it is loaded, chunked and embedded completely before the index is touched, and its
new vectors are in place before the old ones go. A file that fails leaves the index exactly as it was, and any
exception while handling one file is that file's failure: the run goes on with the next one.

One writer at a time per data directory (a file lock), and every run starts by deleting vectors that no manifest
row points to, so a crash at any point is repaired by the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Literal

from filelock import FileLock, Timeout
from pydantic import BaseModel

from assistant.config import Settings
from assistant.i18n import msg
from assistant.knowledge.chunking import chunk_document, index_text
from assistant.knowledge.index_store import IndexStore, IndexUnavailable
from assistant.knowledge.loaders import SUPPORTED_SUFFIXES, IngestError, LoadLimits, load_document

Status = Literal["added", "updated", "unchanged", "removed", "failed", "skipped"]
Progress = Callable[[int, int, str], None]
IGNORED_NAMES = {"README.md", "FORMAT.md"}
PIPELINE_VERSION = 3  # bump when loading or chunking changes what a file turns into
MAX_NAME_BYTES = 255  # longest file name (in bytes) common Linux file systems accept
PAGE_PROGRESS_EVERY_S = 0.5


class FileResult(BaseModel):
    source: str
    status: Status
    chunks: int = 0
    doc_id: str | None = None
    error: str | None = None


class IngestReport(BaseModel):
    results: list[FileResult] = []
    orphans_removed: int = 0

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)


def source_for(path: Path, settings: Settings) -> str:
    """A stable, portable name for a file: relative inside the knowledge base or the upload folder."""
    path = path.resolve()
    kb = settings.kb_dir.resolve()
    uploads = (settings.data_dir / "uploads").resolve()
    if path.is_relative_to(kb):
        return f"{kb.name}/{path.relative_to(kb).as_posix()}"
    if path.is_relative_to(uploads):
        return f"uploads/{path.relative_to(uploads).as_posix()}"
    return str(path)


def path_for(source: str, settings: Settings) -> Path:
    kb = settings.kb_dir.resolve()
    if source.startswith(f"{kb.name}/"):
        return kb.parent / source
    if source.startswith("uploads/"):
        return settings.data_dir.resolve() / source
    return Path(source)


def discover(paths: list[Path], broken: list[Path] | None = None) -> list[Path]:
    """Files to ingest below the given paths, in a stable order.

    Symbolic links that loop or point nowhere are collected in `broken` (when given) so they can be reported
    instead of vanishing silently.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in p.relative_to(path).parts):
                    continue
                if p.is_symlink() and not _resolves(p):
                    if broken is not None:
                        broken.append(p)
                    continue
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in IGNORED_NAMES:
                    found.append(p)
        else:
            found.append(path)
    return found


def _resolves(path: Path) -> bool:
    try:
        path.resolve(strict=True)
        return True
    except (OSError, RuntimeError):  # ELOOP, ENOENT; RuntimeError is 3.11's "Symlink loop"
        return False


def safe_upload_name(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """The user's file name, recognisable but harmless: no folders, no odd characters, at most 255 bytes.

    A longer name is shortened and gets a short hash of the original, so two long names that share their start
    do not overwrite each other.
    """
    stem, dot, suffix = Path(name.replace("\\", "/")).name.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix.lower())[:10]
    stem = re.sub(r"[^\w\-äöüÄÖÜß ]+", "_", stem).strip(" ._") or "dokument"
    tail = f".{suffix}" if suffix else ""
    if len((stem + tail).encode("utf-8")) <= max_bytes:
        return stem + tail
    tag = "_" + hashlib.sha1(name.encode("utf-8", "replace")).hexdigest()[:8]
    budget = max_bytes - len((tag + tail).encode("utf-8"))
    short = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" ._")
    return short + tag + tail


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Ingestor:
    """Brings the index in line with the files on disk."""

    def __init__(self, settings: Settings, store: IndexStore | None = None):
        self.settings = settings
        self.store = store or IndexStore(settings)
        self._embedder = None

    @property
    def pipeline_key(self) -> str:
        """Part of each file's fingerprint: a new loader/chunker version or chunk size re-ingests everything."""
        return f"p{PIPELINE_VERSION}-{self.settings.chunk_size}-{self.settings.chunk_overlap}"

    @property
    def embedder(self):
        """Loaded only when something must be embedded: a re-ingest of an unchanged corpus stays fast."""
        if self._embedder is None:
            from assistant.knowledge.embeddings import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    def _model_changed(self) -> bool:
        stored = self.store.get_meta("embed_model")
        return stored is not None and stored != self.settings.embed_model

    def limits(self, source: str) -> LoadLimits:
        s = self.settings
        return LoadLimits(max_bytes=int(s.max_file_mb * 1e6), max_pages=s.max_pages, max_chars=s.max_chars_per_file,
                          max_field_chars=s.max_field_chars, lang=s.lang, trusted=self.is_curated(source))

    def is_curated(self, source: str) -> bool:
        """Only files inside the curated knowledge base are trusted; uploads and outside paths are not."""
        return source.startswith(f"{self.settings.kb_dir.resolve().name}/")

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One writer per data directory. A second ingest waits `ingest_lock_timeout_s`, then says who holds it."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock_path = self.settings.data_dir / "ingest.lock"
        owner_path = self.settings.data_dir / "ingest.lock.owner"
        lock = FileLock(str(lock_path), timeout=self.settings.ingest_lock_timeout_s)
        try:
            lock.acquire()
        except Timeout:
            raise IngestLocked(msg("ingest.locked", self.settings.lang, holder=_lock_holder(owner_path, self.settings),
                                   seconds=f"{self.settings.ingest_lock_timeout_s:g}")) from None
        try:
            owner_path.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                              "since": time.time()}), encoding="utf-8")
            yield
        finally:
            owner_path.unlink(missing_ok=True)
            lock.release()

    def run(self, paths: list[Path] | None = None, progress: Progress | None = None) -> IngestReport:
        """Bring the index in line with `paths`. Problems that stop the whole run (lock held, index unreachable)
        come back as one failed result with the reason, never as an exception."""
        report = IngestReport()
        try:
            with self.writer_lock():
                self.store.check_available()
                report.orphans_removed = self.store.remove_orphans()
                self._run(paths, progress, report)
        except (IngestLocked, IndexUnavailable) as exc:
            report.results.append(FileResult(source=str(self.settings.data_dir), status="failed", error=str(exc)))
        return report

    def _run(self, paths: list[Path] | None, progress: Progress | None, report: IngestReport) -> None:
        lang = self.settings.lang
        roots = [Path(p) for p in (paths or [self.settings.kb_dir])]
        missing = [p for p in roots if not p.exists() and not p.is_symlink()]
        for path in missing:
            report.results.append(FileResult(source=str(path), status="failed",
                                             error=f"{path.name}: {msg('ingest.path_not_found', lang)}"))
        roots = [p for p in roots if p.exists() or p.is_symlink()]
        broken: list[Path] = []
        files = discover(roots, broken)
        for link in broken + [p for p in files if p.is_symlink() and not _resolves(p)]:
            report.results.append(FileResult(source=str(link), status="failed",
                                             error=f"{link.name}: {msg('ingest.symlink_broken', lang)}"))
        files = [p for p in files if not (p.is_symlink() and not _resolves(p))]
        if self._model_changed():
            # Vectors of another model are meaningless: rebuild with every file still on disk.
            known = [path_for(s, self.settings) for s in self.store.files()]
            self.store.reset()
            files = list(dict.fromkeys(files + [p for p in known if p.exists()]))
        manifest = self.store.files()
        seen: set[str] = set()
        total = len(files)
        for done, path in enumerate(files, start=1):
            source = source_for(path, self.settings)
            seen.add(source)
            on_page = self._page_progress(progress, done, total, source)
            try:
                result = self._ingest_file(path, source, manifest, on_page)
            except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the others
                result = FileResult(source=source, status="failed",
                                    error=f"{path.name}: {msg('ingest.unexpected', lang, error=_brief(exc))}")
            report.results.append(result)
            manifest = self.store.files() if result.status in {"added", "updated"} else manifest
            if progress:
                progress(done, total, source)
        report.results.extend(self._remove_deleted(roots, seen))
        if report.count("added") or report.count("updated"):
            self.store.set_meta("embed_model", self.settings.embed_model)

    def _page_progress(self, progress: Progress | None, done: int, total: int, source: str):
        """Per-page progress inside one large PDF, through the same callback (the file counter stays put)."""
        if progress is None:
            return None
        last = [0.0]
        name = Path(source).name

        def on_page(page: int, pages: int) -> None:
            now = time.monotonic()
            if pages > 1 and (now - last[0] >= PAGE_PROGRESS_EVERY_S or page == pages):
                last[0] = now
                progress(done - 1, total, msg("ingest.page_progress", self.settings.lang, name=name,
                                              page=page, pages=pages))
        return on_page

    def _ingest_file(self, path: Path, source: str, manifest: dict, on_page=None) -> FileResult:
        lang = self.settings.lang
        try:
            sha = f"{file_hash(path)}:{self.pipeline_key}"
        except OSError as exc:
            return FileResult(source=source, status="failed",
                              error=f"{path.name}: {msg('ingest.unreadable', lang, error=exc.strerror)}")
        old = manifest.get(source)
        if old is not None and old["sha256"] == sha:
            return FileResult(source=source, status="unchanged", chunks=old["n_chunks"], doc_id=old["doc_id"])
        try:
            doc = load_document(path, source, int(self.settings.max_file_mb * 1e6), self.limits(source), on_page)
            if doc is None:
                return FileResult(source=source, status="skipped")
            owner = next((s for s, rec in manifest.items() if rec["doc_id"] == doc.doc_id and s != source), None)
            if owner is not None:
                raise IngestError(path, msg("ingest.id_taken", lang, doc_id=doc.doc_id, owner=owner))
            chunks = chunk_document(doc, self.settings.chunk_size, self.settings.chunk_overlap)
            if not chunks:
                raise IngestError(path, msg("ingest.no_chunks", lang))
            if len(chunks) > self.settings.max_chunks_per_file:
                raise IngestError(path, msg("ingest.too_many_chunks", lang, chunks=len(chunks),
                                            limit=self.settings.max_chunks_per_file))
            vectors = self.embedder.encode([index_text(c) for c in chunks])
        except IngestError as exc:
            return FileResult(source=source, status="failed", error=str(exc))
        old_ids = self.store.chunk_ids_of(old["doc_id"]) if old else []
        new_ids = {c.chunk_id for c in chunks}
        try:
            self.store.add_vectors(chunks, vectors)
            self.store.replace_file(source, sha, doc.doc_id, doc.title, doc.doc_type, chunks,
                                    old["doc_id"] if old else None)
        except Exception as exc:  # noqa: BLE001 - Chroma or SQLite refused: undo this file's new vectors
            self.store.delete_vectors([i for i in new_ids if i not in set(old_ids)])
            return FileResult(source=source, status="failed",
                              error=f"{path.name}: {msg('ingest.index_error', lang, error=_brief(exc))}")
        self.store.delete_vectors([i for i in old_ids if i not in new_ids])
        return FileResult(source=source, status="updated" if old else "added", chunks=len(chunks),
                          doc_id=doc.doc_id)

    def _remove_deleted(self, roots: list[Path], seen: set[str]) -> list[FileResult]:
        """Files that were indexed below an ingested folder and are gone now leave the index too."""
        results = []
        dirs = [r.resolve() for r in roots if r.is_dir()]
        for source in self.store.files():
            if source in seen:
                continue
            path = path_for(source, self.settings).resolve()
            if any(path.is_relative_to(d) for d in dirs) and not path.exists():
                self.store.remove_file(source)
                results.append(FileResult(source=source, status="removed"))
        return results

    def remove(self, source: str) -> bool:
        """Delete one document from the index (the UI's delete button), under the writer lock."""
        with self.writer_lock():
            if source not in self.store.files():
                return False
            self.store.remove_file(source)
            return True


class IngestLocked(RuntimeError):
    """Another process holds the data directory's writer lock; the message names it."""


def _lock_holder(owner_path: Path, settings: Settings) -> str:
    try:
        info = json.loads(owner_path.read_text(encoding="utf-8"))
        since = dt.datetime.fromtimestamp(float(info["since"]))
        from assistant.i18n.formatting import day

        return msg("ingest.lock_holder", settings.lang, pid=info["pid"], host=info["host"],
                   since=f"{day(since.date(), settings.lang)} {since:%H:%M:%S}")
    except (OSError, ValueError, KeyError, TypeError):
        return msg("ingest.lock_holder_unknown", settings.lang)


def _brief(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    return f"{exc.__class__.__name__}: {text[:200]}" if text else exc.__class__.__name__

"""Incremental ingestion: unchanged files are skipped by content hash, changed ones replaced, deleted ones removed.

Each file is all-or-nothing: it is loaded, chunked and embedded completely before the index is touched, and its
new vectors are in place before the old ones go. A file that fails leaves the index exactly as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel

from assistant.knowledge.chunking import chunk_document, index_text
from assistant.config import Settings
from assistant.knowledge.loaders import SUPPORTED_SUFFIXES, IngestError, load_document
from assistant.knowledge.index_store import IndexStore

Status = Literal["added", "updated", "unchanged", "removed", "failed", "skipped"]
Progress = Callable[[int, int, str], None]
IGNORED_NAMES = {"README.md", "FORMAT.md"}
PIPELINE_VERSION = 2  # bump when loading or chunking changes what a file turns into


class FileResult(BaseModel):
    source: str
    status: Status
    chunks: int = 0
    doc_id: str | None = None
    error: str | None = None


class IngestReport(BaseModel):
    results: list[FileResult] = []

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


def discover(paths: list[Path]) -> list[Path]:
    """Files to ingest below the given paths, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in IGNORED_NAMES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


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

    def run(self, paths: list[Path] | None = None, progress: Progress | None = None) -> IngestReport:
        roots = [Path(p) for p in (paths or [self.settings.kb_dir])]
        report = IngestReport()
        missing = [p for p in roots if not p.exists()]
        for path in missing:
            report.results.append(FileResult(source=str(path), status="failed", error="Pfad nicht gefunden."))
        roots = [p for p in roots if p.exists()]
        files = discover(roots)
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
            report.results.append(self._ingest_file(path, source, manifest))
            manifest = self.store.files() if report.results[-1].status in {"added", "updated"} else manifest
            if progress:
                progress(done, total, source)
        report.results.extend(self._remove_deleted(roots, seen))
        if report.count("added") or report.count("updated"):
            self.store.set_meta("embed_model", self.settings.embed_model)
        return report

    def _ingest_file(self, path: Path, source: str, manifest: dict) -> FileResult:
        try:
            sha = f"{file_hash(path)}:{self.pipeline_key}"
        except OSError as exc:
            return FileResult(source=source, status="failed", error=f"{path.name}: nicht lesbar ({exc.strerror}).")
        old = manifest.get(source)
        if old is not None and old["sha256"] == sha:
            return FileResult(source=source, status="unchanged", chunks=old["n_chunks"], doc_id=old["doc_id"])
        try:
            doc = load_document(path, source, int(self.settings.max_file_mb * 1e6))
            if doc is None:
                return FileResult(source=source, status="skipped")
            owner = next((s for s, rec in manifest.items() if rec["doc_id"] == doc.doc_id and s != source), None)
            if owner is not None:
                raise IngestError(path, f"Die ID '{doc.doc_id}' ist schon vergeben (an {owner}).")
            chunks = chunk_document(doc, self.settings.chunk_size, self.settings.chunk_overlap)
            if not chunks:
                raise IngestError(path, "Kein verwertbarer Text gefunden.")
            vectors = self.embedder.encode([index_text(c) for c in chunks])
        except IngestError as exc:
            return FileResult(source=source, status="failed", error=str(exc))
        old_ids = self.store.chunk_ids_of(old["doc_id"]) if old else []
        new_ids = {c.chunk_id for c in chunks}
        try:
            self.store.add_vectors(chunks, vectors)
        except Exception as exc:
            self.store.delete_vectors([i for i in new_ids if i not in set(old_ids)])
            return FileResult(source=source, status="failed", error=f"{path.name}: Index-Fehler ({exc}).")
        self.store.replace_file(source, sha, doc.doc_id, doc.title, doc.doc_type, chunks,
                                old["doc_id"] if old else None)
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
        """Delete one document from the index (the UI's delete button)."""
        if source not in self.store.files():
            return False
        self.store.remove_file(source)
        return True

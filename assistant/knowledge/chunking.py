"""Heading-aware chunking: a chunk never spans two PDF pages, and its citation names the section it is from."""

from __future__ import annotations

import hashlib

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from assistant.knowledge.loaders import clean_text
from assistant.models import Chunk, Document, Section

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


def _units(doc: Document) -> list[Section]:
    """Split Markdown sections at headings; PDF pages and use-case fields are units already."""
    splitter = MarkdownHeaderTextSplitter(headers_to_split_on=_HEADERS, strip_headers=True)
    units: list[Section] = []
    for sec in doc.sections:
        if sec.page is not None or sec.section is not None:
            units.append(sec)
            continue
        for part in splitter.split_text(sec.text):
            heads = [part.metadata[k] for k in ("h2", "h3") if part.metadata.get(k)]
            label = " › ".join(heads) or part.metadata.get("h1") or None
            if part.page_content.strip():
                units.append(Section(text=part.page_content.strip(), section=label))
    return units


def _pack(units: list[Section], size: int) -> list[Section]:
    """Merge small neighbouring units of the same page so chunks are neither tiny nor cut mid-thought."""
    packed: list[Section] = []
    for unit in units:
        last = packed[-1] if packed else None
        if (
            last is not None
            and last.page == unit.page
            and len(last.text) + len(unit.text) + 2 <= size
            and len(unit.text) < size // 2
        ):
            labels = [lbl for lbl in (last.section, unit.section) if lbl]
            merged_label = ", ".join(dict.fromkeys(labels)) or None
            packed[-1] = Section(text=f"{last.text}\n\n{unit.text}", section=merged_label, page=last.page)
        else:
            packed.append(unit)
    return packed


def chunk_document(doc: Document, size: int = 900, overlap: int = 150) -> list[Chunk]:
    """Chunks with ids derived from content, so an unchanged file maps to the same ids."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=min(overlap, size // 2), separators=["\n\n", "\n", ". ", " ", ""]
    )
    chunks: list[Chunk] = []
    for unit in _pack(_units(doc), size):
        for piece in splitter.split_text(clean_text(unit.text)):
            piece = piece.strip()
            if len(piece) < 20:
                continue
            key = f"{doc.doc_id}|{unit.page}|{unit.section}|{piece}"
            digest = hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:12]
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.doc_id}#{len(chunks)}-{digest}",
                    doc_id=doc.doc_id, title=doc.title, doc_type=doc.doc_type, source=doc.source,
                    section=unit.section, page=unit.page, region=doc.region, text=piece,
                    trusted=doc.trusted,
                )
            )
    return chunks


def index_text(chunk: Chunk) -> str:
    """What both retrieval legs see: title and section give a passage its context."""
    head = chunk.title if not chunk.section else f"{chunk.title} – {chunk.section}"
    return f"{head}\n{chunk.text}"

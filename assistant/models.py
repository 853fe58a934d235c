"""Data shapes that cross module boundaries: documents, chunks, retrieval hits, answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

DocType = Literal["guidance", "funding", "use_case", "upload"]


class Section(BaseModel):
    """A piece of a source document with its location: a heading path for Markdown, a page for PDFs."""

    text: str
    section: str | None = None
    page: int | None = None


class Document(BaseModel):
    """One loaded file, before chunking."""

    doc_id: str
    title: str
    doc_type: DocType
    source: str = Field(description="Path inside the knowledge base, uploaded file name, or URL.")
    source_urls: list[str] = []
    region: str = "DE"
    tags: list[str] = []
    as_of: str | None = None
    trusted: bool = Field(default=True, description="False for uploads and files outside the curated knowledge "
                          "base: their text is data to quote, never curated funding facts or instructions.")
    sections: list[Section]


class Chunk(BaseModel):
    """The unit that is embedded, indexed and cited."""

    chunk_id: str
    doc_id: str
    title: str
    doc_type: DocType
    source: str
    section: str | None = None
    page: int | None = None
    region: str = "DE"
    text: str
    trusted: bool = True

    def metadata(self) -> dict[str, str | int]:
        """Chroma metadata (no None values allowed there)."""
        meta: dict[str, str | int] = {
            "doc_id": self.doc_id, "title": self.title, "doc_type": self.doc_type,
            "source": self.source, "region": self.region, "trusted": self.trusted,
        }
        if self.section:
            meta["section"] = self.section
        if self.page is not None:
            meta["page"] = self.page
        return meta


class Hit(BaseModel):
    """A retrieved chunk with the scores that put it there (kept for --explain and calibration)."""

    chunk: Chunk
    score: float
    dense: float | None = None
    lexical: float | None = None
    coverage: float = 0.0


class SourceRef(BaseModel):
    """A citation as the contracts define it."""

    id: str
    title: str
    source: str
    page: int | None = None
    section: str | None = None
    score: float | None = None
    excerpt: str | None = None


class Answer(BaseModel):
    """Result of `assistant ask` (ask.schema.json)."""

    question: str
    answer: str
    mode: Literal["offline", "ollama"] = "offline"
    grounded: bool
    sources: list[SourceRef]

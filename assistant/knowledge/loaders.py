"""Turn files into `Document`s: Markdown with front matter, PDFs page by page, use-case YAML.

Every refusal is an `IngestError` whose message names the file and says in plain words what is wrong, so a user
who uploads a scanned or protected PDF knows what to do next. Loading is defensive because uploads are hostile
input: text is sanitised (lone surrogates, NUL bytes), YAML anchors/aliases are refused (a 375-byte "billion
laughs" front matter expands to hundreds of MB), front-matter fields are type-checked and length-capped, and
pages/characters are capped before the tokenizer ever sees the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.i18n import msg
from assistant.models import Document, Section

SUPPORTED_SUFFIXES = {".md", ".markdown", ".pdf", ".yaml", ".yml"}
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?", re.DOTALL)
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_SURROGATES = re.compile("[\ud800-\udfff]")
MAX_LIST_ITEMS = 100

PageCallback = Callable[[int, int], None]


class LoadLimits(BaseModel):
    """What one file may cost; defaults match the settings' defaults."""

    max_bytes: int = 25_000_000
    max_pages: int = 2000
    max_chars: int = 3_000_000
    max_field_chars: int = 2000
    lang: str = "de"
    trusted: bool = True


class IngestError(Exception):
    """A file that cannot be ingested; the index keeps what it had."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


class AliasRefused(yaml.YAMLError):
    """A YAML anchor or alias: refused before anything is expanded."""


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases at compose time, so nested aliases never expand."""

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise AliasRefused(f"anchor/alias at line {event.start_mark.line + 1}")
        return super().compose_node(parent, index)


def strict_yaml(text: str):
    """`yaml.safe_load` without anchors and aliases (raises AliasRefused, a YAMLError)."""
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - SafeLoader subclass


def clean_text(text: str) -> str:
    """Text that every later step can encode: lone surrogates become U+FFFD, NUL bytes go."""
    return _SURROGATES.sub("\ufffd", text).replace("\x00", "")


def slugify(name: str) -> str:
    from assistant.knowledge.german_analysis import fold

    return _SLUG_RE.sub("_", fold(name)).strip("_") or "dokument"


def path_id(prefix: str, source: str) -> str:
    """An id from the file's place, not only its name: `a/bericht.pdf` and `b/bericht.pdf` differ."""
    stem = Path(source).stem
    return f"{prefix}{slugify(stem)}_{hashlib.sha1(source.encode('utf-8', 'replace')).hexdigest()[:8]}"


def load_document(path: Path, source: str, max_bytes: int, limits: LoadLimits | None = None,
                  on_page: PageCallback | None = None) -> Document | None:
    """Load one file. Returns None for YAML data files that are not use cases (e.g. programmes.yaml)."""
    limits = (limits or LoadLimits()).model_copy(update={"max_bytes": max_bytes})
    lang = limits.lang
    if not path.is_file():
        raise IngestError(path, msg("ingest.not_found", lang))
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(path, msg("ingest.too_big", lang, size=f"{size / 1e6:.1f}", limit=f"{max_bytes / 1e6:.0f}"))
    if size == 0:
        raise IngestError(path, msg("ingest.empty", lang))
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(path, source, limits, on_page)
    if suffix in {".md", ".markdown"}:
        return load_markdown(path, source, limits)
    if suffix in {".yaml", ".yml"}:
        return load_use_case(path, source, limits)
    raise IngestError(path, msg("ingest.unsupported_type", lang, suffix=suffix or msg("ingest.no_suffix", lang)))


def _read_text(path: Path, lang: str) -> str:
    try:
        return clean_text(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError(path, msg("ingest.not_utf8", lang)) from exc


def _found(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _text_field(path: Path, meta: dict, key: str, limits: LoadLimits) -> str | None:
    """A scalar field as text; dates (as_of) are scalars too. Lists/mappings are a type error."""
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list, bool)):
        raise IngestError(path, msg("ingest.field_type", limits.lang, field=key,
                                    expected=msg("ingest.expected_text", limits.lang), found=_found(value)))
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else clean_text(str(value))
    return _capped(path, key, text, limits)


def _list_field(path: Path, meta: dict, key: str, limits: LoadLimits, allow_text: bool) -> list[str]:
    """A list of texts (or one text where `allow_text`); `tags: 5` gets a message, not a TypeError."""
    value = meta.get(key)
    if value is None:
        return []
    if isinstance(value, str) and allow_text:
        value = [value]
    expected = "ingest.expected_text_or_list" if allow_text else "ingest.expected_list"
    if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
        raise IngestError(path, msg("ingest.field_type", limits.lang, field=key,
                                    expected=msg(expected, limits.lang), found=_found(value)))
    if len(value) > MAX_LIST_ITEMS:
        raise IngestError(path, msg("ingest.list_too_long", limits.lang, field=key, count=len(value),
                                    limit=MAX_LIST_ITEMS))
    return [_capped(path, key, clean_text(str(v)), limits) for v in value]


def _capped(path: Path, key: str, text: str, limits: LoadLimits) -> str:
    if len(text) > limits.max_field_chars:
        raise IngestError(path, msg("ingest.field_too_long", limits.lang, field=key, length=len(text),
                                    limit=limits.max_field_chars))
    return text


def _front_matter(path: Path, raw: str, limits: LoadLimits) -> dict:
    try:
        meta = strict_yaml(raw)
    except AliasRefused as exc:
        raise IngestError(path, msg("ingest.front_matter_alias", limits.lang)) from exc
    except yaml.YAMLError as exc:
        raise IngestError(path, msg("ingest.front_matter_yaml", limits.lang, error=exc.__class__.__name__)) from exc
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise IngestError(path, msg("ingest.front_matter_mapping", limits.lang))
    return meta


def load_markdown(path: Path, source: str, limits: LoadLimits | None = None) -> Document:
    limits = limits or LoadLimits()
    text = _read_text(path, limits.lang)
    meta: dict = {}
    match = _FRONT_MATTER_RE.match(text)
    if match:
        meta = _front_matter(path, match.group(1), limits)
        text = text[match.end():]
    if not text.strip():
        raise IngestError(path, msg("ingest.no_text", limits.lang))
    if len(text) > limits.max_chars:
        raise IngestError(path, msg("ingest.too_many_chars", limits.lang, limit=limits.max_chars))
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    title = _text_field(path, meta, "title", limits) or (heading.group(1).strip()[:limits.max_field_chars]
                                                          if heading else path.stem)
    doc_type = _text_field(path, meta, "type", limits) or "upload"
    if doc_type not in {"guidance", "funding", "use_case", "upload"}:
        raise IngestError(path, msg("ingest.unknown_type", limits.lang, doc_type=doc_type))
    if not limits.trusted:
        doc_type = "upload"  # an upload cannot make itself curated funding data by declaring `type: funding`
    urls = _list_field(path, meta, "source_urls", limits, allow_text=True) or \
        _list_field(path, meta, "source_url", limits, allow_text=True)
    doc_id = _text_field(path, meta, "id", limits)
    return Document(
        doc_id=doc_id if doc_id and limits.trusted else (f"upload_{slugify(doc_id)}" if doc_id
                                                         else path_id("" if limits.trusted else "upload_", source)),
        title=title,
        doc_type=doc_type,
        source=source,
        source_urls=urls,
        region=_text_field(path, meta, "region", limits) or "DE",
        tags=_list_field(path, meta, "tags", limits, allow_text=False),
        as_of=_text_field(path, meta, "as_of", limits),
        trusted=limits.trusted,
        sections=[Section(text=text)],
    )


def load_pdf(path: Path, source: str, limits: LoadLimits | None = None,
             on_page: PageCallback | None = None) -> Document:
    """One section per page, so every chunk keeps the page it came from (1-based, as printed)."""
    from pypdf import PdfReader

    limits = limits or LoadLimits()
    lang = limits.lang
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise IngestError(path, msg("ingest.pdf_not_pdf", lang))
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError(path, msg("ingest.pdf_encrypted", lang))
        n_pages = len(reader.pages)
        if n_pages > limits.max_pages:
            raise IngestError(path, msg("ingest.too_many_pages", lang, pages=n_pages, limit=limits.max_pages))
        pages: list[tuple[int, str]] = []
        chars = 0
        for i, page in enumerate(reader.pages):
            text = clean_text(page.extract_text() or "")
            chars += len(text)
            if chars > limits.max_chars:
                raise IngestError(path, msg("ingest.too_many_chars", lang, limit=limits.max_chars))
            pages.append((i + 1, text))
            if on_page:
                on_page(i + 1, n_pages)
        title = (reader.metadata.title if reader.metadata else None) or path.stem
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise IngestError(path, msg("ingest.pdf_broken", lang, error=exc.__class__.__name__)) from exc
    sections = [Section(text=text, page=number) for number, text in pages if text.strip()]
    if not sections:
        raise IngestError(path, msg("ingest.pdf_no_text", lang))
    return Document(
        doc_id=path_id("pdf_", source), title=clean_text(str(title))[:limits.max_field_chars], doc_type="upload",
        source=source, trusted=limits.trusted, sections=sections,
    )


_USE_CASE_SECTIONS = [
    ("problem", "Problem"), ("solution", "Lösung"), ("processes", "Prozesse"), ("keywords", "Stichworte"),
    ("data_sources", "Benötigte Daten"), ("kpis", "Kennzahlen"), ("risks", "Risiken"), ("pilot", "Pilot"),
    ("tools", "Werkzeuge"),
]


def _flatten(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_flatten(v)}" for v in value.values() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_flatten(v) for v in value)
    return str(value)


def load_use_case(path: Path, source: str, limits: LoadLimits | None = None) -> Document | None:
    """A catalogue entry becomes a small document whose sections are its fields, so answers can cite them."""
    limits = limits or LoadLimits()
    try:
        data = strict_yaml(_read_text(path, limits.lang))
    except AliasRefused as exc:
        raise IngestError(path, msg("ingest.yaml_alias", limits.lang)) from exc
    except yaml.YAMLError as exc:
        raise IngestError(path, msg("ingest.yaml_invalid", limits.lang, error=exc.__class__.__name__)) from exc
    if not isinstance(data, dict) or data.get("type") != "use_case":
        return None
    if not data.get("id") or not data.get("title"):
        raise IngestError(path, msg("ingest.use_case_no_id", limits.lang))
    sections = [Section(text=f"{data['title']}. {_flatten(data.get('industries', []))}", section="Überblick")]
    for key, label in _USE_CASE_SECTIONS:
        if data.get(key):
            sections.append(Section(text=f"{label}: {_flatten(data[key])}", section=label))
    band = data.get("cost_band_eur")
    if data.get("effort") and isinstance(band, list) and len(band) == 2:
        sections.append(Section(
            text=msg("ingest.use_case_cost", "de", effort=data["effort"], low=f"{band[0]:,}".replace(",", "."),
                     high=f"{band[1]:,}".replace(",", "."), maturity=data.get("min_it_maturity", "?")),
            section="Aufwand und Kosten"))
    return Document(
        doc_id=str(data["id"]), title=str(data["title"]), doc_type="use_case", source=source,
        source_urls=[s["url"] for s in data.get("sources") or [] if isinstance(s, dict) and s.get("url")],
        tags=[str(t) for t in data.get("industries") or []], trusted=limits.trusted, sections=sections,
    )

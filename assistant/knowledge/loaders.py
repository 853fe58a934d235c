"""Turn files into `Document`s: Markdown with front matter, PDFs page by page, use-case YAML.

Every refusal is an `IngestError` whose message names the file and says in plain words what is wrong,
so a user who uploads a scanned or protected PDF knows what to do next.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.models import Document, Section

SUPPORTED_SUFFIXES = {".md", ".markdown", ".pdf", ".yaml", ".yml"}
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?", re.DOTALL)
_SLUG_RE = re.compile(r"[^a-z0-9]+")


class IngestError(Exception):
    """A file that cannot be ingested; the index keeps what it had."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


def slugify(name: str) -> str:
    from assistant.knowledge.german_analysis import fold

    return _SLUG_RE.sub("_", fold(name)).strip("_") or "dokument"


def load_document(path: Path, source: str, max_bytes: int) -> Document | None:
    """Load one file. Returns None for YAML data files that are not use cases (e.g. programmes.yaml)."""
    if not path.is_file():
        raise IngestError(path, "Datei nicht gefunden.")
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(path, f"Datei ist zu groß ({size / 1e6:.1f} MB, erlaubt sind {max_bytes / 1e6:.0f} MB).")
    if size == 0:
        raise IngestError(path, "Datei ist leer.")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(path, source)
    if suffix in {".md", ".markdown"}:
        return load_markdown(path, source)
    if suffix in {".yaml", ".yml"}:
        return load_use_case(path, source)
    raise IngestError(path, f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt (nur PDF, Markdown, YAML).")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(path, "Datei ist kein UTF-8-Text.") from exc


def load_markdown(path: Path, source: str) -> Document:
    text = _read_text(path)
    meta: dict = {}
    match = _FRONT_MATTER_RE.match(text)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise IngestError(path, f"Front Matter ist kein gültiges YAML ({exc.__class__.__name__}).") from exc
        if not isinstance(meta, dict):
            raise IngestError(path, "Front Matter muss eine Zuordnung (Schlüssel: Wert) sein.")
        text = text[match.end():]
    if not text.strip():
        raise IngestError(path, "Dokument enthält keinen Text.")
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    title = str(meta.get("title") or (heading.group(1).strip() if heading else path.stem))
    doc_type = meta.get("type", "upload")
    if doc_type not in {"guidance", "funding", "use_case", "upload"}:
        raise IngestError(path, f"Unbekannter Typ '{doc_type}' (erlaubt: guidance, funding, use_case).")
    urls = meta.get("source_urls") or meta.get("source_url") or []
    if isinstance(urls, str):
        urls = [urls]
    return Document(
        doc_id=str(meta.get("id") or slugify(path.stem)),
        title=title,
        doc_type=doc_type,
        source=source,
        source_urls=[str(u) for u in urls],
        region=str(meta.get("region") or "DE"),
        tags=[str(t) for t in meta.get("tags") or []],
        as_of=str(meta["as_of"]) if meta.get("as_of") else None,
        sections=[Section(text=text)],
    )


def load_pdf(path: Path, source: str) -> Document:
    """One section per page, so every chunk keeps the page it came from (1-based, as printed)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise IngestError(path, "Datei ist kein PDF (PDF-Kennung fehlt).")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError(path, "PDF ist passwortgeschützt. Bitte ungeschützt speichern und erneut hochladen.")
        pages = [(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
        title = (reader.metadata.title if reader.metadata else None) or path.stem
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(path, f"PDF ist beschädigt und nicht lesbar ({exc.__class__.__name__}).") from exc
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise IngestError(path, f"PDF ist beschädigt und nicht lesbar ({exc.__class__.__name__}).") from exc
    sections = [Section(text=text, page=number) for number, text in pages if text.strip()]
    if not sections:
        raise IngestError(path, "PDF enthält keinen Text (nur Bilder/Scan?). Bitte zuerst per OCR durchsuchbar machen.")
    return Document(
        doc_id="pdf_" + slugify(path.stem), title=str(title), doc_type="upload", source=source, sections=sections,
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


def load_use_case(path: Path, source: str) -> Document | None:
    """A catalogue entry becomes a small document whose sections are its fields, so answers can cite them."""
    try:
        data = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as exc:
        raise IngestError(path, f"YAML ist ungültig ({exc.__class__.__name__}).") from exc
    if not isinstance(data, dict) or data.get("type") != "use_case":
        return None
    if not data.get("id") or not data.get("title"):
        raise IngestError(path, "Use Case ohne 'id' oder 'title'.")
    sections = [Section(text=f"{data['title']}. {_flatten(data.get('industries', []))}", section="Überblick")]
    for key, label in _USE_CASE_SECTIONS:
        if data.get(key):
            sections.append(Section(text=f"{label}: {_flatten(data[key])}", section=label))
    band = data.get("cost_band_eur")
    if data.get("effort") and isinstance(band, list) and len(band) == 2:
        sections.append(Section(
            text=f"Aufwand und Kosten: Aufwand {data['effort']} (S/M/L); grobe Kosten {band[0]:,}–{band[1]:,} € für "
                 f"Pilot und erstes Jahr (Schätzung, kein Angebot); mindestens IT-Reife "
                 f"{data.get('min_it_maturity', '?')} von 5.".replace(",", "."),
            section="Aufwand und Kosten"))
    return Document(
        doc_id=str(data["id"]), title=str(data["title"]), doc_type="use_case", source=source,
        source_urls=[s["url"] for s in data.get("sources") or [] if isinstance(s, dict) and s.get("url")],
        tags=[str(t) for t in data.get("industries") or []], sections=sections,
    )

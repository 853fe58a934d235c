"""Shared fixtures: a real Chroma index in a temp dir, the real embedding model, real PDFs made here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.config import Settings, disable_telemetry  # noqa: E402

disable_telemetry()
PROJECT_ROOT = Path(__file__).resolve().parent.parent

GUIDE = """---
id: t_strategie
title: KI-Strategie als Führungsaufgabe
type: guidance
tags: [strategie]
region: DE
as_of: 2026-11-21
source_urls: [https://example.org/strategie]
---
# KI-Strategie als Führungsaufgabe

## Warum Chefsache
Die Geschäftsführung legt Richtung, Fokus und Rahmen der KI-Strategie fest. Die IT-Abteilung verantwortet
Sicherheit, Stabilität und Integration, aber nicht die Auswahl der Geschäftsprobleme.

## Fokus
Zwei bis drei Bereiche mit dem größten Hebel werden ausgewählt, statt überall ein bisschen KI einzuführen.
"""

FUNDING = """---
id: t_foerderung_sachsen
title: Digitalisierungszuschuss Sachsen (Testprogramm)
type: funding
region: SN
as_of: 2025-01-01
source_urls: [https://example.org/sachsen]
---
# Digitalisierungszuschuss Sachsen

## Was wird gefördert
Zuschüsse für Beratung zur Digitalisierung und für Software in kleinen Unternehmen in Sachsen.
Gefördert werden externe Beratungsleistungen und Schulungen der Beschäftigten.
"""

DATENSCHUTZ = """---
id: t_datenschutz
title: Datenschutz bei KI
type: guidance
region: DE
---
# Datenschutz bei KI

## Folgenabschätzung
Bei Gesundheitsdaten ist eine Datenschutz-Folgenabschätzung nach Artikel 35 DSGVO in der Regel Pflicht.
Auftragsverarbeitungsverträge regeln die Nutzung externer Cloud-Dienste.
"""


def make_pdf(path: Path, pages: list[str], title: str = "Testdokument") -> Path:
    """A real PDF with a text layer, one string per page."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.setTitle(title)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def make_raw_pdf(path: Path, content: bytes, cmap: bytes | None = None) -> Path:
    """A hand-built one-page PDF with Helvetica, optionally with a ToUnicode CMap (to plant odd text)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica" + (b" /ToUnicode 6 0 R >>" if cmap else b" >>")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
    ]
    if cmap:
        objs.append(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_surrogate_pdf(path: Path) -> Path:
    """A PDF whose extracted text holds a lone surrogate (U+D800), as some broken CMaps produce."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <01> <D800> <02> <0041> endbfchar "
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    content = (b"BT /F1 12 Tf 50 700 Td (Wartungsplan fuer Maschinen mit Sensordaten und Ersatzteilen) Tj "
               b"0 -20 Td <0102010202> Tj ET")
    return make_raw_pdf(path, content, cmap)


def make_image_pdf(path: Path) -> Path:
    """A PDF with only graphics (like a scan): no text layer."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(20):
        c.rect(50 + i * 10, 400, 8, 100 + i * 5, fill=1)
    c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password="geheim", owner_password="geheim")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_broken_pdf(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3] + b"\x00garbage" * 10)
    return path


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    kb = tmp_path / "knowledge_base"
    (kb / "guidance").mkdir(parents=True)
    (kb / "funding").mkdir()
    (kb / "guidance" / "strategie.md").write_text(GUIDE, encoding="utf-8")
    (kb / "guidance" / "datenschutz.md").write_text(DATENSCHUTZ, encoding="utf-8")
    (kb / "funding" / "sachsen.md").write_text(FUNDING, encoding="utf-8")
    make_pdf(kb / "handbuch.pdf", [
        "Handbuch Pilotprojekt\nEin Pilotprojekt dauert acht bis zwölf Wochen und hat klare Erfolgskriterien.",
        "Seite zwei\nVorausschauende Wartung nutzt Sensordaten von Maschinen, um Ausfälle zu vermeiden.",
    ], title="Handbuch Pilot")
    return kb


@pytest.fixture
def settings(tmp_path: Path, kb_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", kb_dir=kb_dir)


@pytest.fixture
def engine(settings: Settings):
    from assistant.engine import Engine

    return Engine(settings)


@pytest.fixture
def ingested(engine):
    report = engine.ingestor.run()
    assert report.ok, report.failed
    return engine


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory):
    """The shipped knowledge base, ingested once per test session into a temp dir."""
    from assistant.engine import Engine

    settings = Settings(data_dir=tmp_path_factory.mktemp("real_kb"), kb_dir=PROJECT_ROOT / "knowledge_base")
    eng = Engine(settings)
    report = eng.ingestor.run()
    assert report.ok, report.failed
    return eng


@pytest.fixture
def server():
    """A fake Ollama on loopback with the default model installed (tests/fake_ollama.py)."""
    from fake_ollama import FakeOllama

    with FakeOllama(models=["llama3.1:8b"]) as fake:
        yield fake


def online_engine(base, server, timeout_s: float):
    """The same index and knowledge base as `base`, with OLLAMA_HOST pointing at the fake server."""
    from assistant.engine import Engine

    settings = Settings(data_dir=base.settings.data_dir, kb_dir=base.settings.kb_dir, ollama_host=server.url,
                        llm_model="llama3.1:8b", llm_timeout_s=timeout_s)
    return Engine(settings)

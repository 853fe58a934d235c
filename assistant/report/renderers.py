"""Export of a consultation as the brief for the strategy session: PDF, DOCX and Markdown.

All three formats are rendered from one list of blocks (`brief_blocks`), so what a managing director reads on
paper is the same content in the same order as on screen; the labels come from `report.HEAD`, the Markdown is
`report.to_markdown` itself. PDF text uses DejaVu Sans when installed (every character, incl. „“ → €), else
reportlab's Helvetica, whose WinAnsi encoding covers äöüß € „“ – but not arrows, which are then replaced.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from assistant.consult.pipeline import ConsultResult
from assistant.report.blocks import HEAD, to_markdown

BRIEF_KPIS = 3
BRIEF_FUNDING = 4  # rows in the table; further matches are listed in one line so the brief stays on 2 pages
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
MORE = {
    "de": {"company": "Unternehmen", "cost": "Kosten Pilot + 1. Jahr", "programme": "Programm",
           "amount": "Förderung", "link": "Quelle", "page": "Seite", "of": "von", "footer": "KI-Sprechstunde – vertraulich",
           "ended_on": "beendet am", "deadline": "Frist", "not_given": "–", "funder": "Förderstelle",
           "more_funding": "Weitere passende Programme"},
    "en": {"company": "Company", "cost": "Cost pilot + year 1", "programme": "Programme", "amount": "Funding",
           "link": "Source", "page": "Page", "of": "of", "footer": "KI-Sprechstunde – confidential",
           "ended_on": "ended on", "deadline": "deadline", "not_given": "–", "funder": "Funder",
           "more_funding": "Further matching programmes"},
}
Kind = Literal["title", "meta", "h2", "h3", "p", "small", "labelled", "bullets", "numbered", "table"]


@dataclass
class Block:
    """One piece of the brief; renderers only decide typography, never content."""

    kind: Kind
    text: str = ""
    label: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def day(value: str | None, lang: str) -> str:
    """ISO dates as a German reader writes them (28.11.2026); English keeps ISO. Free text stays as typed."""
    import datetime as dt

    if not value:
        return ""
    try:
        parsed = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return parsed.strftime("%d.%m.%Y") if lang == "de" else parsed.isoformat()


def euro(value: float) -> str:
    """German grouping (12.500 €) in both languages: the brief is about German funding and budgets."""
    return f"{value:,.0f} €".replace(",", ".")


def _where(src, lang: str) -> str:
    if src.page:
        return f"S. {src.page}" if lang == "de" else f"p. {src.page}"
    return src.section or ""


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"(])")
_ABBREVIATIONS = {"z.", "b.", "bzw.", "ca.", "max.", "min.", "mind.", "nr.", "abs.", "art.", "u.", "a.", "d.", "h.",
                  "e.", "v.", "gem.", "ggf.", "inkl.", "zzgl.", "mio.", "mrd.", "tsd.", "vgl.", "s.", "st.", "dr."}


def split_sentences(text: str) -> list[str]:
    """Sentences of German prose, not broken after abbreviations such as „z. B.“ or „max.“."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if parts and parts[-1].rsplit(" ", 1)[-1].lstrip("(„\"").lower() in _ABBREVIATIONS:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


def shorten(text: str, limit: int = 330) -> str:
    """Whole sentences up to about `limit` characters: the brief must fit on two pages, and a cut-off
    sentence reads worse than a shorter paragraph. The screen and the Markdown keep the full text."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    out = ""
    for sentence in split_sentences(text):
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if len(out) <= limit * 1.4 else out[: limit - 1].rsplit(" ", 1)[0] + " …"


def first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else ""


def first_clause(text: str) -> str:
    """"Daten: Keine Kundendaten in freie KI-Dienste; erlaubte Werkzeuge …" -> the part before the first ";"."""
    head = first_sentence(text).split("; ", 1)[0].rstrip(".")
    return head + "."


def _case_blocks(n: int, uc, h: dict, m: dict) -> list[Block]:
    kpis = [f"{k.name}: " + (f"{k.baseline} → " if k.baseline else "") + k.target for k in uc.kpis[:BRIEF_KPIS]]
    cost = f"{euro(uc.cost_band_eur[0])} – {euro(uc.cost_band_eur[1])}"
    return [
        Block("h3", f"{n}. {uc.title}"),
        Block("labelled", shorten(uc.problem, 260), label=h["problem"]),
        Block("labelled", shorten(uc.solution, 340), label=h["solution"]),
        Block("labelled", uc.why_this, label=h["why"]),
        Block("labelled", ", ".join(uc.data_needed), label=h["data"]),
        Block("labelled", f"{uc.effort} · {m['cost']}: {cost}", label=h["effort"]),
        Block("labelled", uc.expected_value, label=h["value"]),
        Block("labelled", "; ".join(kpis), label=h["kpis"]),
        Block("labelled", f"{uc.pilot.scope} ({uc.pilot.duration_weeks} {h['weeks']}). {h['success']}: "
              + "; ".join(uc.pilot.success_criteria[:2]), label=h["pilot"]),
        Block("labelled", " ".join(first_sentence(r) for r in uc.risks[:2]), label=h["risks"]),
    ]


def _mandate_blocks(result: ConsultResult, h: dict) -> list[Block]:
    md, lang = result.mandate, result.language
    out = [Block("h2", h["mandate"]), Block("labelled", md.owner, label=h["owner"]),
           Block("labelled", "; ".join(md.objectives), label=h["objectives"]),
           Block("labelled", "; ".join(f for f in md.focus if not f.startswith("Use Case:")) or "; ".join(md.focus),
                 label=h["focus"]),
           Block("labelled", " ".join(first_clause(g) for g in md.guardrails), label=h["guardrails"]),
           Block("labelled", " ".join(first_clause(r) for r in md.it_role), label=h["it_role"])]
    if md.budget_eur is not None:
        out.append(Block("labelled", euro(md.budget_eur), label=h["budget"]))
    out.append(Block("labelled", "; ".join(f"{day(d.when, lang)}: {d.decision}" for d in md.decision_points),
                     label=h["decisions"]))
    return out


def _funding_block(result: ConsultResult, h: dict, m: dict) -> list[Block]:
    lang = result.language
    if not result.funding:
        return []
    rows, links = [], []
    for f in result.funding[:BRIEF_FUNDING]:
        status = h.get(f.status, f.status)
        if f.ended_on:
            status += f" ({m['ended_on']} {day(f.ended_on, lang)})"
        elif f.deadline:
            status += f" ({m['deadline']} {day(f.deadline, lang)})"
        amount = shorten(f.rate_or_amount, 110) if f.rate_or_amount else m["not_given"]
        rows.append([f.name, status, day(f.as_of, lang), amount, domain(f.source_url)])
        links.append(f.source_url)
    out = [Block("h2", h["funding"]),
           Block("table", header=[m["programme"], h["status"], h["as_of"], m["amount"], m["link"]], rows=rows,
                 widths=[0.31, 0.13, 0.10, 0.30, 0.16], links=links)]
    if len(result.funding) > BRIEF_FUNDING:
        rest = ", ".join(f"{f.name} ({h.get(f.status, f.status)}, {h['as_of']} {day(f.as_of, lang)})"
                         for f in result.funding[BRIEF_FUNDING:])
        out.append(Block("small", f"{m['more_funding']}: {rest}"))
    return out


def domain(url: str) -> str:
    """The funder's site as printed text (the PDF cell links the full address)."""
    from urllib.parse import urlparse

    host = urlparse(url).netloc or url
    return host.removeprefix("www.")


def brief_blocks(result: ConsultResult) -> list[Block]:
    """The brief as content blocks, in reading order."""
    lang = result.language if result.language in HEAD else "de"
    h, m = HEAD[lang], MORE[lang]
    mode = h["mode_offline"] if result.mode == "offline" else h["mode_ollama"]
    out = [Block("title", h["title"]), Block("meta", f"{h['date']} {day(result.consultation_date, lang)}. {mode}"),
           Block("p", result.company_summary),
           Block("labelled", f"{result.maturity.level}/5 – {result.maturity.label}. " + " ".join(result.maturity.notes),
                 label=h["maturity"]),
           Block("h2", h["levers"]),
           Block("numbered", items=[f"<b>{escape(a.area)}</b> – {escape(shorten(a.why, 190))}"
                                    for a in result.leverage_areas]),
           Block("h2", h["cases"])]
    for n, uc in enumerate(result.use_cases, start=1):
        out += _case_blocks(n, uc, h, m)
    out += _mandate_blocks(result, h)
    out += [Block("h2", h["steps"]),
            Block("table", header=[h["what"], h["who"], h["by"]],
                  rows=[[s.what, s.who, day(s.by, lang)] for s in result.next_steps], widths=[0.56, 0.31, 0.13])]
    out += _funding_block(result, h, m)
    if result.warnings:
        out += [Block("h2", h["warnings"]), Block("bullets", items=[escape(w) for w in result.warnings])]
    sources = [f"[{n}] {s.title}" + (f" ({Path(s.source).name}, {_where(s, lang)})" if s.page else "")
               for n, s in enumerate(result.sources, start=1)]
    if sources:
        out += [Block("h2", h["sources"]), Block("small", "  ".join(sources))]
    return out


def export_markdown(result: ConsultResult) -> str:
    return to_markdown(result)


# --- PDF ------------------------------------------------------------------------------------------------------
def pdf_fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans once if it is installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans", "DejaVuSans-Bold"
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            from reportlab.lib.fonts import addMapping

            addMapping("DejaVuSans", 0, 0, "DejaVuSans")
            addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
            addMapping("DejaVuSans", 0, 1, "DejaVuSans")
            addMapping("DejaVuSans", 1, 1, "DejaVuSans-Bold")
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _winansi_safe(text: str) -> str:
    """Helvetica (WinAnsi) has äöüß € „“ – … but no arrows or warning signs."""
    return text.replace("→", "->").replace("⚠", "!").replace("≥", ">=").replace("≤", "<=")


def _styles(regular: str, bold: str) -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=regular, fontSize=8.0, leading=9.6, spaceAfter=1.4)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=18, spaceAfter=3,
                                textColor=colors.HexColor("#1F3A5F")),
        "meta": ParagraphStyle("meta", parent=base, fontSize=7.6, textColor=colors.HexColor("#555555"), spaceAfter=5),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=11, leading=13, spaceBefore=4.5,
                             spaceAfter=3, textColor=colors.HexColor("#1F3A5F")),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=9.6, leading=11.5, spaceBefore=3, spaceAfter=1.5),
        "p": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.6, leading=9.2, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName=bold, fontSize=7.6, leading=9.2, spaceAfter=0),
    }


def _pdf_table(block: Block, styles: dict, width: float, fix):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    def cell(text: str, style: str = "cell", link: str | None = None) -> Paragraph:
        body = escape(fix(text))
        if link:
            body = f'<link href="{escape(link)}" color="#1F5FA8">{body}</link>'
        return Paragraph(body, styles[style])

    data = [[cell(h, "cellhead") for h in block.header]]
    for i, row in enumerate(block.rows):
        link = block.links[i] if i < len(block.links) else None
        data.append([cell(v, link=link if (link and j == len(row) - 1) else None) for j, v in enumerate(row)])
    table = Table(data, colWidths=[w * width for w in block.widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF5")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _pdf_flowables(blocks: list[Block], styles: dict, width: float, fix) -> list:
    from reportlab.platypus import ListFlowable, ListItem, Paragraph

    out = []
    for b in blocks:
        if b.kind in {"title", "meta", "h2", "h3", "p", "small"}:
            out.append(Paragraph(escape(fix(b.text)), styles["meta" if b.kind == "small" else b.kind]))
        elif b.kind == "labelled":
            out.append(Paragraph(f"<b>{escape(fix(b.label))}:</b> {escape(fix(b.text))}", styles["p"]))
        elif b.kind in {"bullets", "numbered"}:
            items = [ListItem(Paragraph(fix(i), styles["p"]), leftIndent=12) for i in b.items]
            kind = "bullet" if b.kind == "bullets" else "1"
            out.append(ListFlowable(items, bulletType=kind, start="•" if kind == "bullet" else 1,
                                    bulletFormat=None if kind == "bullet" else "%s.",
                                    bulletFontName=styles["p"].fontName, bulletFontSize=8, leftIndent=12))
        elif b.kind == "table":
            out.append(_pdf_table(b, styles, width, fix))
    return out


def export_pdf(result: ConsultResult) -> bytes:
    """A4 brief with page numbers; returns the PDF bytes (for a download button or a file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    regular, bold = pdf_fonts()
    fix = (lambda s: s) if regular == "DejaVuSans" else _winansi_safe
    m = MORE[result.language if result.language in MORE else "de"]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=13 * mm, rightMargin=13 * mm, topMargin=11 * mm,
                            bottomMargin=13 * mm, title=HEAD[result.language]["title"], author="KI-Sprechstunde",
                            subject=result.company_summary[:120])

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawString(13 * mm, 7 * mm, fix(m["footer"]))
        canvas.drawRightString(A4[0] - 13 * mm, 7 * mm, f"{m['page']} {document.page}")
        canvas.restoreState()

    doc.build(_pdf_flowables(brief_blocks(result), _styles(regular, bold), doc.width, fix),
              onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# --- DOCX -----------------------------------------------------------------------------------------------------
def _strip_markup(text: str) -> str:
    """Blocks carry tiny inline markup (<b>, escaped entities) for the PDF; Word gets plain text."""
    from xml.sax.saxutils import unescape

    return unescape(text.replace("<b>", "").replace("</b>", ""))


def _docx_table(doc, block: Block) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, block.header):
        cell.text = text
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for par in cell.paragraphs:
                for run in par.runs:
                    run.font.size = Pt(8)


def export_docx(result: ConsultResult) -> bytes:
    """An editable Word version of the same brief (advisors often adapt wording before sending)."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(1.8)
        section.top_margin = section.bottom_margin = Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9.5)
    for b in brief_blocks(result):
        if b.kind == "title":
            doc.add_heading(b.text, level=0)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=1)
        elif b.kind == "h3":
            doc.add_heading(b.text, level=2)
        elif b.kind == "meta":
            doc.add_paragraph().add_run(b.text).italic = True
        elif b.kind == "small":
            doc.add_paragraph().add_run(b.text).font.size = Pt(8)
        elif b.kind == "p":
            doc.add_paragraph(b.text)
        elif b.kind == "labelled":
            par = doc.add_paragraph()
            par.add_run(f"{b.label}: ").bold = True
            par.add_run(b.text)
        elif b.kind in {"bullets", "numbered"}:
            style = "List Bullet" if b.kind == "bullets" else "List Number"
            for item in b.items:
                doc.add_paragraph(_strip_markup(item), style=style)
        elif b.kind == "table":
            _docx_table(doc, b)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def file_stem(title: str, date: str) -> str:
    """A download file name without characters that trip up Windows or mail clients."""
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in title.strip())
    keep = "_".join(part for part in keep.split("_") if part)[:60] or "Beratung"
    return f"KI-Sprechstunde_{keep}_{date}"

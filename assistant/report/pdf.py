"""The brief as an A4 PDF (two pages), rendered from the report blocks.

Text uses DejaVu Sans when installed (every character, incl. „“ → €), else reportlab's Helvetica, whose WinAnsi
encoding covers äöüß € „“ – but not arrows, which are then replaced.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from assistant.consult.pipeline import ConsultResult
from assistant.i18n import msg
from assistant.report.blocks import Block, brief_blocks

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


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


def _item(block: Block, index: int, text: str, fix) -> str:
    lead = block.lead(index)
    body = escape(fix(text))
    return f"<b>{escape(fix(lead))}</b> – {body}" if lead else body


def _pdf_flowables(blocks: list[Block], styles: dict, width: float, fix) -> list:
    from reportlab.platypus import ListFlowable, ListItem, Paragraph

    out = []
    for b in blocks:
        if b.kind in {"title", "meta", "h2", "h3", "p", "small"}:
            out.append(Paragraph(escape(fix(b.text)), styles["meta" if b.kind == "small" else b.kind]))
        elif b.kind == "labelled":
            out.append(Paragraph(f"<b>{escape(fix(b.label))}:</b> {escape(fix(b.text))}", styles["p"]))
        elif b.kind in {"bullets", "numbered"}:
            items = [ListItem(Paragraph(_item(b, i, text, fix), styles["p"]), leftIndent=12)
                     for i, text in enumerate(b.items)]
            kind = "bullet" if b.kind == "bullets" else "1"
            out.append(ListFlowable(items, bulletType=kind, start="•" if kind == "bullet" else 1,
                                    bulletFormat=None if kind == "bullet" else "%s.",
                                    bulletFontName=styles["p"].fontName, bulletFontSize=8, leftIndent=12))
        elif b.kind == "table":
            out.append(_pdf_table(b, styles, width, fix))
        elif b.kind == "image":
            out.append(_radar_flowable(b, styles, fix))
    return out


def _radar_flowable(block: Block, styles: dict, fix):
    """The radar beside its caption, so the brief keeps its two pages."""
    import io

    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, Table, TableStyle

    image = Image(io.BytesIO(block.image), width=5.0 * cm, height=5.0 * cm)
    table = Table([[image, Paragraph(escape(fix(block.text)), styles["meta"])]], colWidths=[5.4 * cm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def export_pdf(result: ConsultResult, peer: dict[str, float] | None = None, follow_up=None) -> bytes:
    """A4 brief with page numbers; returns the PDF bytes (for a download button or a file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    regular, bold = pdf_fonts()
    fix = (lambda s: s) if regular == "DejaVuSans" else _winansi_safe
    lang = result.language
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=13 * mm, rightMargin=13 * mm, topMargin=11 * mm,
                            bottomMargin=13 * mm, title=msg("report.title", lang), author="KI-Sprechstunde",
                            subject=result.company_summary[:120])

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawString(13 * mm, 7 * mm, fix(msg("report.footer", lang)))
        canvas.drawRightString(A4[0] - 13 * mm, 7 * mm, msg("report.page_footer", lang, page=document.page))
        canvas.restoreState()

    doc.build(_pdf_flowables(brief_blocks(result, peer=peer, follow_up=follow_up), _styles(regular, bold), doc.width,
                             fix),
              onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()

"""The brief as an editable Word file, rendered from the report blocks (advisors often adapt wording)."""

from __future__ import annotations

import io

from assistant.consult.pipeline import ConsultResult
from assistant.report.blocks import Block, brief_blocks


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


def export_docx(result: ConsultResult, peer: dict[str, float] | None = None, follow_up=None) -> bytes:
    """An editable Word version of the same brief."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(1.8)
        section.top_margin = section.bottom_margin = Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9.5)
    for b in brief_blocks(result, peer=peer, follow_up=follow_up):
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
            for i, item in enumerate(b.items):
                par = doc.add_paragraph(style=style)
                if b.lead(i):
                    par.add_run(b.lead(i)).bold = True
                    par.add_run(" – ")
                par.add_run(item)
        elif b.kind == "table":
            _docx_table(doc, b)
        elif b.kind == "image":
            doc.add_picture(io.BytesIO(b.image), width=Cm(6))
            doc.add_paragraph(b.text).runs[0].font.size = Pt(8)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

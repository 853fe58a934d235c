"""The questionnaire as a fillable PDF form, and reading a filled one back into an intake.

Why a PDF form: the client fills the questionnaire in before the consultation hour, usually without our app and
often on a phone or in a browser's PDF viewer. Nobody fills in JSON, and a printed Markdown form must be typed in
again by the advisor. The form is generated from the same questionnaire file as every other form, so a question
added there appears here too; field names are the intake keys (`company.employees`, `goals.speed`,
`processes.2.hours_per_month`), which makes reading the answers back a matter of walking the same questionnaire.

Values arrive as text whatever the viewer: numbers are read the way people type them ("20.000 €", "ca. 20",
"20 T€", "1,5", through `assistant.intake.amounts`); text that is no number stays text so that intake validation
names the field and says why.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from assistant.i18n import msg
from assistant.intake import Question, load_questionnaire

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN
PROCESS_ROWS = 5
OFF_VALUES = {"", "/Off", "Off", None}


class FormError(ValueError):
    """The file is no readable questionnaire form (the message names the file and the reason)."""


# ---------------------------------------------------------------------------------------------------- writing

def _fonts() -> tuple[str, str]:
    from assistant.report.pdf import pdf_fonts

    return pdf_fonts()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if stringWidth(trial, font, size) <= width:
            line = trial
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


class _Writer:
    """A cursor over A4 pages: text flows down, a new page starts when the next block would not fit."""

    def __init__(self, lang: str):
        self.lang = lang
        self.buffer = io.BytesIO()
        self.c = canvas.Canvas(self.buffer, pagesize=A4)
        self.font, self.bold = _fonts()
        self.page = 1
        self.y = PAGE_H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 10:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = PAGE_H - MARGIN

    def footer(self) -> None:
        self.c.setFont(self.font, 8)
        self.c.drawRightString(PAGE_W - MARGIN, MARGIN / 2, msg("pdf_form.page", self.lang, n=self.page))

    def text(self, text: str, size: float = 9.5, bold: bool = False, gap: float = 2) -> None:
        font = self.bold if bold else self.font
        lines = _wrap(text, font, size, WIDTH)
        self.need(len(lines) * (size + 2.5) + gap)
        self.c.setFont(font, size)
        for line in lines:
            self.y -= size + 2.5
            self.c.drawString(MARGIN, self.y, line)
        self.y -= gap

    def field(self, kind: str, name: str, height: float = 18, width: float = WIDTH, x: float = MARGIN,
              tooltip: str = "", options: list[str] | None = None, advance: bool = True) -> None:
        self.need(height + 4)
        form = self.c.acroForm
        common = dict(name=name, tooltip=tooltip or name, x=x, y=self.y - height, width=width, height=height,
                      borderWidth=0.6, borderColor=None, fillColor=None, forceBorder=True, fontSize=9)
        common = {k: v for k, v in common.items() if v is not None}
        if kind == "textarea":
            form.textfield(fieldFlags="multiline", maxlen=5000, **common)
        elif kind == "choice":
            form.choice(options=options or [], value=(options or [""])[0], **common)
        else:
            form.textfield(maxlen=200, **common)
        if advance:
            self.y -= height + 6

    def checkbox(self, name: str, label: str, x: float) -> None:
        self.c.acroForm.checkbox(name=name, tooltip=label, x=x, y=self.y - 11, size=10, borderWidth=0.6,
                                 fieldFlags="", forceBorder=True)
        self.c.setFont(self.font, 9)
        self.c.drawString(x + 14, self.y - 9, label)

    def finish(self) -> bytes:
        self.footer()
        self.c.save()
        return self.buffer.getvalue()


def _field_text(text: str) -> str:
    """Form field appearances are Latin-1 only (PDF standard fonts): dashes and quotes become ASCII."""
    text = text.replace("–", "-").replace("—", "-").replace("„", '"').replace("“", '"').replace("”", '"')
    return text.encode("latin-1", "replace").decode("latin-1")


def _placeholder(lang: str) -> str:
    """First entry of every drop-down: viewers cannot show an empty choice, and it reads back as 'no answer'."""
    return _field_text(f"- {msg('pdf_form.choose', lang)} -")


def _option_text(q: Question, value: Any, label: str) -> str:
    return _field_text(f"{value} - {label}" if q.type == "slider" else label)


def _question(w: _Writer, q: Question) -> None:
    lang = w.lang
    star = " *" if q.required else ""
    w.text(q.label.get(lang) + star, size=10.5, bold=True, gap=0)
    w.text(q.help.get(lang), size=8.5, gap=3)
    if q.type in {"select", "slider"}:
        labels = [_placeholder(lang)] + [_option_text(q, o.value, o.label.get(lang)) for o in q.options]
        w.field("choice", q.key, options=labels, width=min(WIDTH, 110 * mm), tooltip=msg("pdf_form.choose", lang))
    elif q.type == "multiselect":
        w.text(msg("pdf_form.tick", lang), size=8, gap=1)
        col_w = WIDTH / 2
        for i, opt in enumerate(q.options):
            if i % 2 == 0:
                w.need(16)
            w.checkbox(f"{q.key}.{opt.value}", opt.label.get(lang), MARGIN + (i % 2) * col_w)
            if i % 2 == 1 or i == len(q.options) - 1:
                w.y -= 16
        w.y -= 4
    elif q.type == "processes":
        _process_table(w, q)
    elif q.type == "textarea":
        w.field("textarea", q.key, height=60)
    else:
        w.field("text", q.key, width=WIDTH if q.type == "text" else 60 * mm)


def _process_table(w: _Writer, q: Question) -> None:
    lang = w.lang
    widths = [0.46, 0.18, 0.18, 0.18]
    w.need(14)
    x = MARGIN
    w.c.setFont(w.bold, 7)
    for col, share in zip(q.columns, widths):
        w.c.drawString(x, w.y - 9, col.label.get(lang))
        x += share * WIDTH
    w.y -= 13
    for row in range(1, PROCESS_ROWS + 1):
        w.need(22)
        x = MARGIN
        for col, share in zip(q.columns, widths):
            name = f"{q.key}.{row}.{col.key}"
            if col.type == "slider":
                w.field("choice", name, width=share * WIDTH - 4, x=x, advance=False,
                        options=[_placeholder(lang)] + [str(o.value) for o in col.options], tooltip=msg("pdf_form.row", lang, n=row))
            else:
                w.field("text", name, width=share * WIDTH - 4, x=x, advance=False,
                        tooltip=msg("pdf_form.row", lang, n=row))
            x += share * WIDTH
        w.y -= 24


def blank_form_pdf(lang: str = "de") -> bytes:
    """The whole questionnaire as a fillable PDF (AcroForm), in `lang`."""
    qn = load_questionnaire()
    w = _Writer(lang)
    w.text(qn.title.get(lang), size=15, bold=True, gap=4)
    w.text(qn.intro.get(lang), size=9, gap=2)
    w.text(msg("pdf_form.fill_hint", lang), size=8.5, gap=8)
    for section in qn.sections:
        w.need(40)
        w.y -= 4
        w.text(section.title.get(lang), size=12.5, bold=True, gap=2)
        if section.intro:
            w.text(section.intro.get(lang), size=8.5, gap=4)
        for q in section.questions:
            _question(w, q)
            w.y -= 2
    return w.finish()


# ---------------------------------------------------------------------------------------------------- reading

def _amount(text: str, lang: str) -> float | None:
    """A number as people type it (the intake's one amount parser); None when the text is no number."""
    from assistant.intake.amounts import AmountError, parse_amount

    try:
        return parse_amount(text, lang)
    except AmountError:
        return None


def _field_values(data: bytes, name: str, lang: str) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    except (PyPdfError, ValueError, OSError, KeyError, TypeError) as exc:
        raise FormError(msg("pdf_form.unreadable", lang, name=name, reason=str(exc) or type(exc).__name__)) from None
    if not fields:
        raise FormError(msg("pdf_form.not_a_form", lang, name=name))
    return {key: f.get("/V") for key, f in fields.items()}


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text in OFF_VALUES or text in {_placeholder("de"), _placeholder("en")}:
        return ""
    return text


def _number_or_text(text: str, integer: bool, lang: str) -> Any:
    if not text:
        return None
    value = _amount(text, lang)
    if value is None:
        return text  # validation says "keine Zahl" and names the field
    return int(round(value)) if integer else value


def _choice_value(q: Question, text: str, lang: str) -> Any:
    if not text:
        return None
    for opt in q.options:
        shown = {_option_text(q, opt.value, opt.label.get(code)) for code in ("de", "en")}
        if text in shown | {str(opt.value), opt.label.get("de"), opt.label.get("en")}:
            return opt.value
    if q.type == "slider":
        number = _amount(text, lang)
        return int(number) if number is not None else text
    return text


def _set(doc: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    for part in parts[:-1]:
        doc = doc.setdefault(part, {})
    doc[parts[-1]] = value


def read_form_pdf(data: bytes, name: str = "Fragebogen.pdf", lang: str = "de") -> dict[str, Any]:
    """The raw intake dict of a filled form; validate it with `parse_intake` (which names every bad field)."""
    values = _field_values(data, name, lang)
    doc: dict[str, Any] = {}
    for q in load_questionnaire().questions():
        if q.type == "multiselect":
            chosen = [o.value for o in q.options if _clean(values.get(f"{q.key}.{o.value}"))]
            if chosen:
                _set(doc, q.key, chosen)
        elif q.type == "processes":
            rows = []
            for row in range(1, PROCESS_ROWS + 1):
                cells = {}
                for col in q.columns:
                    text = _clean(values.get(f"{q.key}.{row}.{col.key}"))
                    if col.type in {"int", "number", "slider"}:
                        cells[col.key] = _number_or_text(text, col.integer, lang)
                    else:
                        cells[col.key] = text or None
                if any(v not in (None, "") for v in cells.values()):
                    rows.append({k: v for k, v in cells.items() if v is not None})
            if rows:
                _set(doc, q.key, rows)
        else:
            text = _clean(values.get(q.key))
            if q.type in {"select", "slider"}:
                value = _choice_value(q, text, lang)
            elif q.type in {"int", "number", "amount"}:
                value = _number_or_text(text, q.integer, lang)
            else:
                value = text or None
            if value is not None:
                _set(doc, q.key, value)
    return doc


# ---------------------------------------------------------------------------------------------------- pre-filling

def _get(doc: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def _shown_number(value: Any, lang: str) -> str:
    """Numbers without thousands separators ("1400000", "12,5"): unambiguous when read back in either language."""
    from babel.numbers import format_decimal

    from assistant.i18n.formatting import locale

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value, format="0.##", locale=locale("de"))
    return str(value)


def form_values(answers: dict[str, Any], lang: str = "de") -> tuple[dict[str, str], set[str]]:
    """Field values (text and choices) and the names of ticked checkboxes for an intake's answers."""
    texts: dict[str, str] = {}
    ticks: set[str] = set()
    for q in load_questionnaire().questions():
        value = _get(answers, q.key)
        if value in (None, "", []):
            continue
        if q.type == "multiselect":
            ticks |= {f"{q.key}.{v}" for v in value}
        elif q.type == "processes":
            for row, proc in enumerate(value[:PROCESS_ROWS], start=1):
                for col in q.columns:
                    cell = proc.get(col.key)
                    if cell not in (None, ""):
                        texts[f"{q.key}.{row}.{col.key}"] = _shown_number(cell, lang)
        elif q.type in {"select", "slider"}:
            opt = next((o for o in q.options if o.value == value), None)
            if opt is not None:
                texts[q.key] = _option_text(q, opt.value, opt.label.get(lang))
        elif q.type in {"int", "number", "amount"}:
            texts[q.key] = _shown_number(value, lang)
        else:
            texts[q.key] = _field_text(str(value))
    return texts, ticks


def prefilled_form_pdf(answers: dict[str, Any], lang: str = "de") -> bytes:
    """The form with answers already entered (e.g. last time's answers for a follow-up consultation)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_form_pdf(lang))))
    texts, ticks = form_values(answers, lang)
    for page in writer.pages:
        writer.update_page_form_field_values(page, texts, auto_regenerate=False)
        for annot in page.get("/Annots", []) or []:
            field = annot.get_object()
            if field.get("/T") in ticks:
                on = next((k for k in field["/AP"]["/N"].keys() if k != "/Off"), "/Yes")
                field[NameObject("/V")] = NameObject(on)
                field[NameObject("/AS")] = NameObject(on)
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""The questionnaire on paper and in files: the blank JSON template, the printable Markdown form, and the short
summary of a filled intake for the advisor's preparation. All three are built from the one questionnaire file;
the connecting words come from the catalogue (`intake.form.*`), numbers and euros from `i18n.formatting`.
"""

from __future__ import annotations

from typing import Any

from assistant.i18n import formatting, msg
from assistant.intake.errors import example
from assistant.intake.models import Intake, Process
from assistant.intake.questionnaire import Option, Question, load_questionnaire

_LINE = "_" * 60


def _form(name: str, lang: str, **values: object) -> str:
    return msg(f"intake.form.{name}", lang, **values)


def _placeholder(question: Question) -> object:
    """Empty but well-typed, so the template shows the expected shape of every answer."""
    if question.type in {"text", "textarea"}:
        return ""
    if question.type == "multiselect":
        return []
    if question.type == "processes":
        return [{column.key: _placeholder(column) for column in question.columns}]
    return None


def _set_path(doc: dict[str, Any], key: str, value: object) -> None:
    *parents, leaf = key.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[leaf] = value


def _bounds(question: Question, lang: str) -> str:
    """The allowed range in words ("Ganze Zahl von 1 bis 5", "Höchstens 200 Zeichen"), or ""."""
    prefix = "int_" if question.integer else ""
    low = formatting.smart_number(question.min, lang) if question.min is not None else None
    high = formatting.smart_number(question.max, lang) if question.max is not None else None
    if low is not None and high is not None:
        return _form(prefix + "range", lang, min=low, max=high)
    if low is not None:
        return _form(prefix + "at_least", lang, min=low)
    if question.max_length:
        return _form("max_chars", lang, max=formatting.number(question.max_length, lang))
    return ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _option_text(option: Option, lang: str) -> str:
    extra = f" ({option.help.get(lang)})" if option.help else ""
    return f"{option.label.get(lang)}{extra}"


def _column_text(column: Question, lang: str) -> str:
    notes = [_form("required" if column.required else "optional", lang), _bounds(column, lang)]
    return f"{column.key} = {column.label.get(lang)} ({', '.join(n for n in notes if n)})"


def _help_text(question: Question, lang: str) -> str:
    """One self-explanatory line per field: label, required or not, the question, the allowed answers."""
    status = _form("required" if question.required else "optional", lang)
    parts = [f"{question.label.get(lang)} ({status}). {question.help.get(lang)}"]
    bounds = _bounds(question, lang)
    if bounds and question.type != "slider":
        parts.append(_capital(bounds) + ".")
    if question.options:
        lead = (_form("some_of", lang, example=example(question)) if question.type == "multiselect"
                else _form("one_of", lang))
        parts.append(lead + ": " + "; ".join(f"{o.value} = {_option_text(o, lang)}" for o in question.options)
                     + ".")
    if question.columns:
        parts.append(_form("columns", lang) + ": " + "; ".join(_column_text(c, lang) for c in question.columns) + ".")
    return " ".join(parts)


def blank_intake_json(lang: str = "de") -> dict[str, Any]:
    """The template an advisor sends before the session: every field present and empty, plus `_help`.

    parse_intake rejects it with field errors until the required answers are filled in; the `_info` and
    `_help` keys may stay in the returned file, parsing ignores them.
    """
    questionnaire = load_questionnaire()
    doc: dict[str, Any] = {"_info": _form("info", lang)}
    for question in questionnaire.questions():
        _set_path(doc, question.key, _placeholder(question))
    doc["_help"] = {q.key: _help_text(q, lang) for q in questionnaire.questions()}
    return doc


def _markdown_answer_area(question: Question, lang: str) -> list[str]:
    """Checkboxes, a table or lines to write on, depending on the kind of answer."""
    if question.options:
        hint = _form("pick_many" if question.type == "multiselect" else "pick_one", lang)
        numbered = question.type == "slider"
        boxes = [f"- [ ] {f'{o.value}: ' if numbered else ''}{o.label.get(lang)}"
                 + (f" – {o.help.get(lang)}" if o.help else "") for o in question.options]
        return [f"_{hint}_", "", *boxes]
    if question.type == "processes":
        header = "| " + " | ".join(c.label.get(lang) for c in question.columns) + " |"
        rule = "|" + "|".join("---" for _ in question.columns) + "|"
        rows = ["|" + "|".join("          " for _ in question.columns) + "|" for _ in range(5)]
        notes = [f"- **{c.label.get(lang)}:** {c.help.get(lang)}" for c in question.columns]
        return [header, rule, *rows, "", *notes]
    bounds = _bounds(question, lang)
    lines = [f"_{_capital(bounds)}_", ""] if bounds else []
    if question.type == "textarea":
        return lines + [_LINE, "", _LINE, "", _LINE, "", _LINE]
    return lines + [f"{_form('answer', lang)}: {_LINE}"]


def blank_intake_markdown(lang: str = "de") -> str:
    """A printable questionnaire: sections, numbered questions, help texts, checkboxes and lines to write on."""
    questionnaire = load_questionnaire()
    out = [f"# {questionnaire.title.get(lang)}", "", questionnaire.intro.get(lang), "",
           f"_{_form('required_note', lang)}_", ""]
    number = 0
    for index, section in enumerate(questionnaire.sections, start=1):
        out += [f"## {index}. {section.title.get(lang)}", ""]
        if section.intro:
            out += [f"_{section.intro.get(lang)}_", ""]
        for question in section.questions:
            number += 1
            star = " *" if question.required else ""
            out += [f"**{number}. {question.label.get(lang)}**{star}", "", question.help.get(lang), ""]
            out += _markdown_answer_area(question, lang) + [""]
    out += ["---", "", _form("thanks", lang), ""]
    return "\n".join(out)


# --- summary of a filled intake -------------------------------------------------------------------------------
def _get(intake: Intake, key: str) -> object:
    value: object = intake
    for part in key.split("."):
        value = getattr(value, part, None)
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def answer_text(question: Question, value: object, lang: str) -> str:
    """An answer in words: labels instead of codes, numbers with digit grouping, euros as money."""
    labels = question.option_labels(lang)
    if question.type == "multiselect":
        return ", ".join(labels.get(v, str(v)) for v in value) or "–"  # type: ignore[union-attr]
    if question.type == "slider" and question.max is not None:
        return f"{value}/{formatting.smart_number(question.max, lang)} – {labels.get(value, '')}".rstrip(" –")
    if question.options:
        return labels.get(value, str(value))
    if isinstance(value, (int, float)):
        return formatting.money(value, lang) if question.amount else formatting.smart_number(value, lang)
    return str(value)


def _process_table(question: Question, processes: list[Process], lang: str) -> list[str]:
    header = "| " + " | ".join(c.label.get(lang) for c in question.columns) + " |"
    rule = "|" + "|".join("---" for _ in question.columns) + "|"
    rows = []
    for proc in processes:
        cells = [getattr(proc, c.key, None) for c in question.columns]
        rows.append("| " + " | ".join("–" if v is None else _cell(
            v if isinstance(v, str) else formatting.smart_number(v, lang)) for v in cells) + " |")
    return [header, rule, *rows]


def intake_to_markdown(intake: Intake, lang: str = "de") -> str:
    """A short summary for the advisor's preparation: facts as a list, free texts quoted, processes as a table."""
    questionnaire = load_questionnaire()
    name = intake.company.name or _form("unnamed", lang)
    facts: list[str] = []
    blocks: list[str] = []
    for question in questionnaire.questions():
        value = _get(intake, question.key)
        if question.key == "company.name" or value is None or value == []:
            continue
        label = question.label.get(lang)
        if question.type == "textarea":
            lines = [line.strip() for line in str(value).strip().splitlines() if line.strip()]
            quoted = "\n>\n".join(f"> {line}" for line in lines)  # keep the writer's paragraphs apart
            blocks += [f"**{label}**", "", quoted, ""]
        elif question.type == "processes":
            blocks += [f"**{label}**", "", *_process_table(question, value, lang), ""]  # type: ignore[arg-type]
        else:
            facts.append(f"- **{label}:** {answer_text(question, value, lang)}")
    return "\n".join([f"## {_form('summary', lang)}: {name}", "", *facts, "", *blocks]).rstrip() + "\n"

"""Errors in plain language: every problem of a questionnaire as one sentence naming the field and what is wrong.

Pydantic's English messages are translated into the catalogue texts `intake.error.*` (German by default), with
the field's questionnaire label, its key and, for a mistyped choice, the option the user probably meant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from assistant.i18n import formatting, msg
from assistant.intake.models import is_blank
from assistant.intake.questionnaire import Option, Question, load_questionnaire
from assistant.knowledge.states import detect_state

ROOT_FIELD = "(root)"
FILE_FIELD = "(file)"


@dataclass(frozen=True)
class FieldError:
    """One problem: `field` is the dotted path ("company.employees", "processes.0.pain", "(root)", "(file)")."""

    field: str
    message: str
    code: str = ""


class IntakeError(ValueError):
    """A questionnaire that cannot be used, with every problem listed so it can be fixed in one pass."""

    def __init__(self, field_errors: list[FieldError], lang: str = "de") -> None:
        self.field_errors = field_errors
        head = msg("intake.errors", lang, n=len(field_errors))
        super().__init__("\n".join([head] + [f"- {fe.field}: {fe.message}" for fe in field_errors]))


_KINDS: dict[str, str] = {
    "missing": "missing", "string_blank": "missing", "literal_error": "choice", "enum": "choice",
    "greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "less_than": "lt",
    "int_parsing": "number", "int_type": "number", "float_parsing": "number", "float_type": "number",
    "number_type": "number_text", "amount_text": "amount", "int_from_float": "fraction", "finite_number": "finite",
    "string_type": "text", "string_too_short": "text_short", "string_too_long": "text_long",
    "too_short": "too_few", "too_long": "too_many", "list_type": "list",
    "model_type": "object", "dict_type": "object", "model_attributes_type": "object",
    "list_not_unique": "duplicates",
}
_LIMIT_CTX = ("ge", "le", "gt", "lt", "min_length", "max_length")


def error_text(name: str, lang: str, **values: object) -> str:
    """One catalogue sentence `intake.error.<name>`."""
    return msg(f"intake.error.{name}", lang, **values)


def show(value: object) -> str:
    """A given value as the user typed it, short enough for one line."""
    shown = f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def kind_of(value: object, lang: str) -> str:
    """What was given instead of an object, in words ("eine Liste", "a text")."""
    kinds = {list: "list", str: "text", int: "number", float: "number"}
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    kind = kinds.get(type(value))
    return msg(f"intake.kind.{kind}", lang) if kind else type(value).__name__


@dataclass(frozen=True)
class _Where:
    path: str
    key: str
    label: str
    question: Question | None


def _locate(loc: tuple[str | int, ...], lang: str) -> _Where:
    """Field path, the key to show, and the questionnaire label for a pydantic error location."""
    path = ".".join(str(p) for p in loc) or ROOT_FIELD
    questionnaire = load_questionnaire()
    if len(loc) >= 2 and loc[0] == "processes" and isinstance(loc[1], int):
        table = questionnaire.question("processes")
        row = f"{table.row_label.get(lang) if table.row_label else table.label.get(lang)} {loc[1] + 1}"
        column = table.column(str(loc[2])) if len(loc) >= 3 else None
        label = f"{row} – {column.label.get(lang)}" if column else row
        return _Where(path, path, label, column)
    key = ".".join(str(p) for p in loc if not isinstance(p, int))
    if not key:
        return _Where(path, path, msg("intake.noun.root", lang), None)
    return _Where(path, key, questionnaire.label(key, lang), questionnaire.find(key))


def _suggestion(question: Question, given: object) -> Option | None:
    """The option the user probably meant: a label typed instead of the code ("Sachsen", "Saxony", "NRW")."""
    if not isinstance(given, str):
        return None
    needle = given.strip().casefold()
    for option in question.options:
        if needle in {str(option.value).casefold(), option.label.de.casefold(), option.label.en.casefold()}:
            return option
    if question.key == "company.state":
        code = detect_state(given)
        return next((o for o in question.options if o.value == code), None)
    return None


def example(question: Question | None) -> str:
    values = [o.value for o in question.options[:2]] if question and question.options else []
    return json.dumps(values, ensure_ascii=False) if values else "[ … ]"


def _choice_message(where: _Where, given: object, lang: str) -> str:
    question = where.question
    allowed = ", ".join(str(o.value) for o in question.options) if question else "?"
    message = error_text("choice", lang, input=show(given), label=where.label, key=where.key, allowed=allowed)
    option = _suggestion(question, given) if question else None
    if option is not None:
        message += error_text("suggest", lang, value=option.value, value_label=option.label.get(lang))
    return message


def _field_error(err: Mapping[str, Any], lang: str) -> FieldError:
    """One pydantic error as a sentence that names the field by its questionnaire label and key."""
    where = _locate(tuple(err["loc"]), lang)
    code, given, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    kind = _KINDS.get(code, "other")
    if kind == "missing" or is_blank(given):
        multi = where.question is not None and where.question.type in {"multiselect", "processes"}
        kind = "missing_choice" if multi and given == [] else "missing"
    if kind == "choice":
        return FieldError(where.path, _choice_message(where, given, lang), code)
    limit = next((ctx[name] for name in _LIMIT_CTX if name in ctx), "")
    integer = where.question is not None and where.question.integer
    values = {
        "label": where.label, "key": where.key, "input": show(given), "detail": err.get("msg", ""),
        "limit": formatting.smart_number(limit, lang) if isinstance(limit, (int, float)) else limit,
        "actual": len(given) if isinstance(given, (str, list)) else "",
        "noun": msg("intake.noun.integer" if integer else "intake.noun.a_number", lang),
        "duplicates": ctx.get("duplicates", ""), "example": example(where.question),
    }
    if kind == "number_text" and isinstance(given, bool):
        kind = "number"
    return FieldError(where.path, error_text(kind, lang, **values), code)


def translate(exc: ValidationError, lang: str) -> IntakeError:
    return IntakeError([_field_error(err, lang) for err in exc.errors()], lang)

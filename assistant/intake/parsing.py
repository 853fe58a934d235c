"""From a dict, JSON text or file to a validated `Intake`, or an `IntakeError` that lists every problem."""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.intake.errors import FILE_FIELD, ROOT_FIELD, FieldError, IntakeError, error_text, kind_of, translate
from assistant.intake.models import Intake

TEMPLATE_KEYS = frozenset({"_info", "_help"})
"""Annotations of the blank JSON template; they are instructions, not answers, so parsing drops them."""


def _decode(data: str | bytes, lang: str) -> object:
    """JSON text to Python, with the position of a syntax error in words an office user can act on."""
    if isinstance(data, bytes):
        # Windows editors save "Unicode" as UTF-16 with a byte order mark; everything else should be UTF-8.
        encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
        try:
            data = data.decode(encoding)
        except UnicodeDecodeError as exc:
            message = error_text("encoding", lang, position=exc.start)
            raise IntakeError([FieldError(ROOT_FIELD, message, "encoding")], lang) from exc
    from assistant.safe_json import JsonTooDeep, safe_json_loads

    try:
        return safe_json_loads(data, lang=lang)
    except JsonTooDeep as exc:  # 100,000 nested brackets would otherwise end in a RecursionError traceback
        raise IntakeError([FieldError(ROOT_FIELD, str(exc), "json_too_deep")], lang) from None
    except json.JSONDecodeError as exc:
        message = error_text("json", lang, line=exc.lineno, column=exc.colno)
        raise IntakeError([FieldError(ROOT_FIELD, message, "json_invalid")], lang) from exc


def parse_intake(data: Mapping[str, Any] | str | bytes, lang: str = "de") -> Intake:
    """A validated intake from a dict or JSON text; IntakeError lists every problem in `lang`."""
    raw = _decode(data, lang) if isinstance(data, (str, bytes)) else data
    if not isinstance(raw, Mapping):
        message = error_text("root_object", lang, kind=kind_of(raw, lang))
        raise IntakeError([FieldError(ROOT_FIELD, message, "model_type")], lang)
    answers = {k: v for k, v in raw.items() if k not in TEMPLATE_KEYS}
    try:
        return Intake.model_validate(answers)
    except ValidationError as exc:
        raise translate(exc, lang) from None


def load_intake(path: str | Path, lang: str = "de") -> Intake:
    """A validated intake from a JSON file; a missing or unreadable file is an IntakeError too."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        message = error_text("file_missing", lang, path=path)
        raise IntakeError([FieldError(FILE_FIELD, message, "file_missing")], lang) from None
    except OSError as exc:
        message = error_text("file_unreadable", lang, path=path, reason=exc.strerror or exc.__class__.__name__)
        raise IntakeError([FieldError(FILE_FIELD, message, "file_unreadable")], lang) from None
    return parse_intake(raw, lang)

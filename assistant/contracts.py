"""Validation against the JSON Schemas in ../shared/contracts (copied into assistant/schemas)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from jsonschema import Draft202012Validator, FormatChecker


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """`name` is one of ask, consult, funding, intake."""
    schema = json.loads(resources.files("assistant").joinpath(f"schemas/{name}.schema.json").read_text("utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(name: str, instance: object) -> list[str]:
    """Readable messages, one per violation, with the JSON path of the field."""
    out = []
    for err in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path) or "(root)"
        out.append(f"{path}: {err.message}")
    return out

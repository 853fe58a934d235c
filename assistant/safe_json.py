"""JSON from untrusted files without RecursionError: nesting depth is checked before `json.loads` runs.

Python's json parser recurses once per `[` or `{`; 100,000 nested brackets end in a RecursionError traceback.
A linear pre-scan (strings skipped, escapes honoured) refuses such input with a clear `JsonTooDeep`, which is a
`ValueError`, so callers that already turn `json.JSONDecodeError` into a field message can treat it alike.
"""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.i18n import msg

DEFAULT_MAX_DEPTH = 64
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(ValueError):
    """The document nests deeper than allowed; `depth` is where the scan stopped."""

    def __init__(self, depth: int, max_depth: int, lang: str = "de"):
        self.depth = depth
        self.max_depth = max_depth
        super().__init__(msg("ingest.json_too_deep", lang, max_depth=max_depth))


def json_depth(text: str, stop_at: int | None = None) -> int:
    """Deepest bracket nesting outside strings (stops early once `stop_at` is exceeded)."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest > stop_at:
                    return deepest
        elif token in "]}":
            depth = max(0, depth - 1)
    return deepest


def safe_json_loads(text: str | bytes, max_depth: int = DEFAULT_MAX_DEPTH, lang: str = "de") -> Any:
    """`json.loads`, but refuses documents nested deeper than `max_depth` with JsonTooDeep."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")
    depth = json_depth(text, stop_at=max_depth)
    if depth > max_depth:
        raise JsonTooDeep(depth, max_depth, lang)
    return json.loads(text)

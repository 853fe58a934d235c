"""The one message catalogue: every user-facing text of core, CLI and UI, in German (source) and English.

Texts live in `de/<area>.yaml` and `en/<area>.yaml`; a key is `<area>.<dotted path>` (e.g. `cli.bad_lang` is the
entry `bad_lang` in `de/cli.yaml`), so searching the key's last part finds the sentence. Placeholders are named
(`{field}`) and filled by `msg()`. Areas are separate files only so that people working on different parts of
the product do not edit the same file; `tests/test_i18n.py` checks that both languages have the same keys with
the same placeholders.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.yaml_io import load_trusted

Lang = Literal["de", "en"]
LANGS: tuple[str, ...] = ("de", "en")
DEFAULT_LANG: Lang = "de"
CATALOGUE_DIR = Path(__file__).resolve().parent


class MissingText(KeyError):
    """A key that is not in the catalogue: a programming error, raised loudly so tests catch it."""


def _flatten(prefix: str, node: Any, out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = node


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, Any]:
    """All texts of one language as a flat dict `area.key -> text` (lists stay lists)."""
    if lang not in LANGS:
        raise MissingText(f"language {lang!r}")
    out: dict[str, Any] = {}
    for path in sorted((CATALOGUE_DIR / lang).glob("*.yaml")):
        data = load_trusted(path.read_text(encoding="utf-8")) or {}
        _flatten(path.stem, data, out)
    return out


def normalise_lang(lang: str | None) -> Lang:
    return "en" if lang == "en" else "de"


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(normalise_lang(lang))


def raw(key: str, lang: str = DEFAULT_LANG) -> Any:
    """The unformatted entry (a string, or a list/dict for structured texts)."""
    texts = catalogue(normalise_lang(lang))
    if key not in texts:
        raise MissingText(key)
    return texts[key]


def msg(key: str, lang: str | None = DEFAULT_LANG, /, **values: Any) -> str:
    """The text for `key` in `lang` with its named placeholders filled in."""
    text = raw(key, normalise_lang(lang))
    if not isinstance(text, str):
        raise MissingText(f"{key} is not a single text")
    return text.format(**values) if values or "{" in text else text


def placeholders(text: str) -> set[str]:
    """Named placeholders of one catalogue text (used by the parity test)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}

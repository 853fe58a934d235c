"""Fixed texts of the offline engine (assistant/data/consult_texts.yaml), loaded once."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from assistant.yaml_io import load_trusted


@lru_cache(maxsize=1)
def texts() -> dict:
    raw = resources.files("assistant").joinpath("data/consult_texts.yaml").read_text(encoding="utf-8")
    return load_trusted(raw)


def label(group: str, key: object, lang: str) -> str:
    """A label such as an industry or goal in the given language (the key itself if unknown)."""
    return str(texts()[group][lang].get(key, key))

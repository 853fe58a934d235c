"""Cue patterns (regular expressions over German and English words) kept as data in assistant/data/chat_cues.yaml,
so the rules that read questions and passages can be reviewed and extended without touching code."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from assistant.yaml_io import load_trusted


@lru_cache(maxsize=1)
def _cues() -> dict[str, str]:
    raw = resources.files("assistant").joinpath("data/chat_cues.yaml").read_text(encoding="utf-8")
    return load_trusted(raw)


def cue(name: str) -> str:
    return _cues()[name]

"""Marker words per industry (data/markers.yaml): the check that a text shown to one firm contains no other
industry's words. Used by the catalogue content test and by the consult eval on rendered sheets."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.yaml_io import load_trusted


@lru_cache(maxsize=1)
def markers() -> list[dict]:
    raw = resources.files("assistant.consult").joinpath("data/markers.yaml").read_text(encoding="utf-8")
    out = []
    for m in load_trusted(raw)["markers"]:
        out.append({**m, "rx": re.compile(r"(?<![\wäöüß])(" + m["word"] + ")", re.IGNORECASE)})
    return out


def marker_hits(text: str, industries: list[str], segments: list[str] | None = None) -> list[str]:
    """Marker words in `text` that do not belong to a firm of these industries (and, where a marker is narrowed
    to segments, these segments). Firms without a recognised segment are only checked at industry level."""
    segments = segments or []
    found: list[str] = []
    for m in markers():
        if "segments" in m:
            if not segments or not set(m["industries"]) & set(industries) or set(segments) & set(m["segments"]):
                continue
        elif set(m["industries"]) & set(industries):
            continue
        found += [hit.group(1) for hit in m["rx"].finditer(text)]
    return sorted(set(found))

"""One place per vocabulary: states, industries, goals, data sources, funding topics — read from the questionnaire.

The questionnaire file (`assistant/data/questionnaire.yaml`) is the single source of the allowed values and their
German and English names; the intake models, the catalogue, the funding data and the CLI take their types from
here, so a value added to the questionnaire is known everywhere and a typo is a validation error everywhere.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from assistant.yaml_io import load_trusted


@lru_cache(maxsize=1)
def _questionnaire() -> dict[str, Any]:
    raw = resources.files("assistant").joinpath("data/questionnaire.yaml").read_text(encoding="utf-8")
    return load_trusted(raw)


def _options(key: str) -> list[dict]:
    data = _questionnaire()
    if key in data.get("vocabularies", {}):
        return data["vocabularies"][key]
    for section in data["sections"]:
        for question in section["questions"]:
            if question["key"] == key:
                return question["options"]
    raise KeyError(key)


def values(key: str) -> tuple:
    """Allowed values of a questionnaire field or vocabulary, in questionnaire order."""
    return tuple(o["value"] for o in _options(key))


def labels(key: str, lang: str = "de") -> dict[Any, str]:
    lang = "en" if lang == "en" else "de"
    return {o["value"]: o["label"][lang] for o in _options(key)}


def label(key: str, value: Any, lang: str = "de") -> str:
    """Name of one value (`label("company.state", "SN", "en") == "Saxony"`); the value itself if unknown."""
    return str(labels(key, lang).get(value, value))


STATES: tuple[str, ...] = values("company.state")
INDUSTRIES: tuple[str, ...] = values("company.industry")
GOALS: tuple[str, ...] = values("goals")
DATA_SOURCES: tuple[str, ...] = values("data.sources")
FUNDING_TOPICS: tuple[str, ...] = values("funding_topics")


def state_name(code: str, lang: str = "de") -> str:
    return label("company.state", code, lang)


def state_names(lang: str = "de") -> dict[str, str]:
    return labels("company.state", lang)


StateCode = Literal[STATES]  # type: ignore[valid-type]
Industry = Literal[INDUSTRIES]  # type: ignore[valid-type]
Goal = Literal[GOALS]  # type: ignore[valid-type]
DataSource = Literal[DATA_SOURCES]  # type: ignore[valid-type]
CatalogueDataSource = Literal[tuple(v for v in DATA_SOURCES if v != "none")]  # type: ignore[valid-type]
FundingTopic = Literal[FUNDING_TOPICS]  # type: ignore[valid-type]

"""The questionnaire definition (assistant/data/questionnaire.yaml): sections, questions, help texts and options.

The ONE questionnaire, used by the CLI, the UI, the JSON template, the printed form and the error messages. Its
texts are data in German and English; the allowed values of the shared vocabularies (states, industries, goals,
data sources) are read from the same file by `assistant.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from assistant.yaml_io import load_trusted
from pydantic import BaseModel, ConfigDict

from assistant.i18n import normalise_lang


class _Definition(BaseModel):
    """Strict and immutable: a typo in the YAML should fail loudly, and the cached copy is shared."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(_Definition):
    """A text of the questionnaire file in German (default audience) and English."""

    de: str
    en: str

    def get(self, lang: str | None) -> str:
        return getattr(self, normalise_lang(lang))


class Option(_Definition):
    value: str | int
    label: LocalText
    help: LocalText | None = None


QuestionType = Literal["text", "textarea", "int", "number", "amount", "select", "multiselect", "processes", "slider"]


class Question(_Definition):
    """One question; `key` is the dotted path of the intake field it fills (columns: the key inside a row)."""

    key: str
    type: QuestionType
    required: bool = False
    label: LocalText
    help: LocalText
    options: list[Option] = []
    min: int | float | None = None
    max: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    row_label: LocalText | None = None
    columns: list[Question] = []

    @property
    def integer(self) -> bool:
        return self.type in {"int", "slider"}

    @property
    def amount(self) -> bool:
        """An amount in euros: typed as people write it ("20.000 €", "20 T€"), stored as a number."""
        return self.type == "amount"

    def option_labels(self, lang: str = "de") -> dict[Any, str]:
        return {opt.value: opt.label.get(lang) for opt in self.options}

    def column(self, key: str) -> Question | None:
        return next((col for col in self.columns if col.key == key), None)


class Section(_Definition):
    id: str
    title: LocalText
    intro: LocalText | None = None
    questions: list[Question]


class Questionnaire(_Definition):
    version: int
    title: LocalText
    intro: LocalText
    groups: dict[str, LocalText] = {}
    vocabularies: dict[str, list[dict]] = {}
    sections: list[Section]

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def find(self, key: str) -> Question | None:
        return next((q for q in self.questions() if q.key == key), None)

    def question(self, key: str) -> Question:
        found = self.find(key)
        if found is None:
            raise KeyError(f"questionnaire has no question '{key}'")
        return found

    def label(self, key: str, lang: str = "de") -> str:
        """Label of a question or of a nested object (company, data); the key itself if neither exists."""
        found = self.find(key)
        if found is not None:
            return found.label.get(lang)
        group = self.groups.get(key)
        return group.get(lang) if group else key


@lru_cache(maxsize=1)
def load_questionnaire() -> Questionnaire:
    """The shipped questionnaire, parsed and checked once per process."""
    raw = resources.files("assistant").joinpath("data/questionnaire.yaml").read_text(encoding="utf-8")
    return Questionnaire.model_validate(load_trusted(raw))


def option_label(key: str, value: object, lang: str = "de") -> str:
    """Label of one answer option (e.g. `option_label("goals", "speed")`); the value itself if unknown."""
    return str(load_questionnaire().question(key).option_labels(lang).get(value, value))

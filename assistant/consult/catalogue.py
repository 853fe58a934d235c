"""The use-case catalogue (knowledge_base/use_cases/*.yaml) as validated, typed entries."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.i18n import msg
from assistant.yaml_io import load_trusted

Industry = Literal["handwerk", "produktion", "handel", "dienstleistung", "logistik", "gesundheit", "bau", "it",
                   "gastgewerbe", "landwirtschaft", "sonstige"]
Goal = Literal["revenue", "margin", "efficiency", "quality", "speed", "customer_experience",
               "employer_attractiveness", "risk_reduction", "new_business_model"]
DataSource = Literal["erp", "crm", "email", "office_files", "paper", "documents", "photos", "machine_sensors",
                     "webshop", "accounting", "scheduling", "phone"]


class Kpi(BaseModel):
    name: str
    baseline: str | None = None
    target: str


class Risk(BaseModel):
    kind: Literal["gdpr", "ai_act", "bias", "acceptance", "security", "quality"]
    text: str


class Pilot(BaseModel):
    scope: str
    weeks: int = Field(ge=1, le=52)
    success_criteria: list[str] = Field(min_length=1)


class Tool(BaseModel):
    name: str
    kind: Literal["open_source", "commercial", "service"]
    note: str | None = None


class SourceNote(BaseModel):
    title: str
    url: str | None = None
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _well_formed(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError(msg("catalogue.bad_url", url=url))
        return url


ValueKind = Literal["time_saved", "waste_reduced", "downtime_avoided", "conversion", "revenue", "error_rate", "energy",
                    "risk"]


class ValueModel(BaseModel):
    """How a case creates value, in the lever's own unit (format v2, knowledge_base/FORMAT.md)."""

    kind: ValueKind
    unit: str
    baseline: str
    assumption: str
    low: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)
    applies_to: Literal["hours", "volume", "revenue", "cost", "none"] = "none"


class Variant(BaseModel):
    """Industry- or segment-specific wording that replaces the base text."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    problem: str | None = None
    solution: str | None = None
    example: str | None = None
    pilot_scope: str | None = None


class EnglishValueModel(BaseModel):
    unit: str
    baseline: str
    assumption: str


class EnglishTexts(BaseModel):
    """The English version of every German text of a case (lists in the same order)."""

    model_config = ConfigDict(extra="forbid")

    title: str
    problem: str
    solution: str
    example: str | None = None
    pilot_scope: str
    success_criteria: list[str]
    kpis: list[Kpi]
    risks: list[str]
    value_model: EnglishValueModel | None = None
    variants: dict[str, Variant] = {}


class UseCase(BaseModel):
    """One catalogue entry; `source` is filled in by the loader (path inside the knowledge base)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["use_case"]
    id: str = Field(pattern=r"^uc_[a-z0-9_]+$")
    title: str
    industries: list[Industry] = Field(min_length=1)
    processes: list[str] = Field(min_length=1)
    keywords: list[str] = Field(min_length=3)
    goals: list[Goal] = Field(min_length=1)
    problem: str
    solution: str
    data_sources: list[DataSource] = Field(min_length=1)
    min_it_maturity: int = Field(ge=1, le=5)
    effort: Literal["S", "M", "L"]
    cost_band_eur: tuple[int, int]
    kpis: list[Kpi] = Field(min_length=1)
    risks: list[Risk] = Field(min_length=1)
    ai_act_class: Literal["minimal", "limited", "high", "prohibited"]
    personal_data: bool
    health_data: bool
    hr_use: bool
    pilot: Pilot
    tools: list[Tool] = Field(min_length=1)
    sources: list[SourceNote] = Field(min_length=1)
    # format v2 (optional while the catalogue is migrated; the content tests require them afterwards)
    segments: list[str] = []
    lever: str | None = None
    related: list[str] = []
    automated_decision: bool = False
    role: Literal["deployer", "provider"] = "deployer"
    example: str | None = None
    value_model: ValueModel | None = None
    variants: dict[str, Variant] = {}
    en: EnglishTexts | None = None
    source: str = ""

    @field_validator("cost_band_eur")
    @classmethod
    def _ordered(cls, band: tuple[int, int]) -> tuple[int, int]:
        if band[0] > band[1] or band[0] < 0:
            raise ValueError(msg("catalogue.bad_band"))
        return band


class CatalogueError(ValueError):
    pass


def load_use_case_file(path: Path, kb_dir: Path) -> UseCase:
    data = load_trusted(path.read_text(encoding="utf-8"))
    try:
        case = UseCase(**data, source=f"{kb_dir.name}/{path.relative_to(kb_dir).as_posix()}")
    except Exception as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc
    if case.id != path.stem:
        raise CatalogueError(msg("catalogue.id_mismatch", file=path.name, id=case.id))
    return case


@lru_cache(maxsize=4)
def load_catalogue(kb_dir: Path) -> tuple[UseCase, ...]:
    """All use cases, sorted by id; cached per knowledge-base folder."""
    folder = kb_dir / "use_cases"
    cases = [load_use_case_file(p, kb_dir) for p in sorted(folder.glob("*.yaml"))]
    ids = [c.id for c in cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise CatalogueError(f"Doppelte Use-Case-IDs: {sorted(dupes)}")
    return tuple(cases)

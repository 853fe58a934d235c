"""The intake models: a filled questionnaire as typed data (they mirror assistant/schemas/intake.schema.json).

The allowed values of states, industries, goals and data sources come from `assistant.vocabulary`, the other
choices from the questionnaire file, so there is no second list to keep in step. Optional answers left empty in
the template mean "not answered"; amounts in euros may be typed as people write them (see `amounts.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from assistant import vocabulary
from assistant.intake.amounts import AmountError, parse_amount
from assistant.vocabulary import DataSource, Goal, Industry, StateCode

RespondentRole = Literal[vocabulary.values("respondent_role")]  # type: ignore[valid-type]
DataQuality = Literal[vocabulary.values("data.quality")]  # type: ignore[valid-type]
AiExperience = Literal[vocabulary.values("ai_experience")]  # type: ignore[valid-type]
StaffAttitude = Literal[vocabulary.values("staff_attitude")]  # type: ignore[valid-type]
StaffSkills = Literal[vocabulary.values("staff_skills")]  # type: ignore[valid-type]
GreenDigital = Literal[vocabulary.values("green_digital")]  # type: ignore[valid-type]

__all__ = ["AiExperience", "Company", "DataInfo", "DataQuality", "DataSource", "Goal", "Industry", "Intake",
           "GreenDigital", "Process", "RespondentRole", "StaffAttitude", "StaffSkills", "StateCode"]


def _blank_to_none(value: object) -> object:
    """An optional answer left empty ("" in the template) means 'not answered', as if the key were absent."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _number_not_text(value: object) -> object:
    """Numbers must be JSON numbers. "1.200" means 1200 to a German reader but 1.2 to Python, so text is
    refused rather than guessed; true/false are refused because they are not quantities."""
    if isinstance(value, (str, bool)):
        raise PydanticCustomError("number_type", "Input should be a number, not text or true/false")
    return value


def _amount(value: object) -> object:
    """Euros may be text as people type them ("20.000 €", "20 T€"); what is not an amount is refused."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "Input should be a number, not true/false")
    if isinstance(value, str):
        try:
            return parse_amount(value)
        except AmountError:
            raise PydanticCustomError("amount_text", "Input should be an amount in euros") from None
    return value


def _not_blank(value: str) -> str:
    """Whitespace alone satisfies minLength but answers nothing."""
    if not value.strip():
        raise PydanticCustomError("string_blank", "Input should not be blank")
    return value


def _unique(values: list[Any]) -> list[Any]:
    """The schema says uniqueItems; a repeated goal or source is a slip worth pointing out, not merging."""
    seen: list[Any] = []
    repeated: list[Any] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.append(value)
    if repeated:
        raise PydanticCustomError("list_not_unique", "List items should be unique, repeated: {duplicates}",
                                  {"duplicates": ", ".join(str(v) for v in repeated)})
    return values


def is_blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _drop_empty_rows(value: object) -> object:
    """The template ships with one empty process row to show the table's shape; an unused row is no answer."""
    if value is None:
        return []
    if isinstance(value, list):
        return [row for row in value if not (isinstance(row, Mapping) and all(map(is_blank, row.values())))]
    return value


Blank = BeforeValidator(_blank_to_none)
Int = Annotated[int, BeforeValidator(_number_not_text)]
Num = Annotated[float, BeforeValidator(_number_not_text)]
Euros = Annotated[float, BeforeValidator(_amount), Field(ge=0)]


class _Open(BaseModel):
    """Extra fields are allowed everywhere, as in the schema (additionalProperties is not restricted)."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class Company(_Open):
    name: Annotated[Annotated[str, Field(max_length=200)] | None, Blank] = None
    industry: Industry
    employees: Annotated[Int, Field(ge=1, le=100_000)]
    state: StateCode
    annual_revenue_eur: Annotated[Euros | None, Blank] = None


class Process(_Open):
    name: Annotated[str, Field(max_length=200), AfterValidator(_not_blank)]
    hours_per_month: Annotated[Annotated[Num, Field(ge=0)] | None, Blank] = None
    volume_per_month: Annotated[Annotated[Num, Field(ge=0)] | None, Blank] = None
    pain: Annotated[Annotated[Int, Field(ge=1, le=5)] | None, Blank] = None


class DataInfo(_Open):
    sources: Annotated[list[DataSource], AfterValidator(_unique)]
    quality: Annotated[DataQuality | None, Blank] = None


class Intake(_Open):
    """A filled questionnaire. Optional answers are None when not given; `to_dict` leaves them out."""

    company: Company
    respondent_role: Annotated[RespondentRole | None, Blank] = None
    goals: Annotated[list[Goal], Field(min_length=1), AfterValidator(_unique)]
    pain_points: Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_not_blank)]
    processes: Annotated[list[Process], BeforeValidator(_drop_empty_rows)] = []
    data: DataInfo
    it_maturity: Annotated[Int, Field(ge=1, le=5)]
    ai_experience: AiExperience
    budget_eur: Annotated[Euros | None, Blank] = None
    time_horizon_months: Annotated[Annotated[Int, Field(ge=1, le=60)] | None, Blank] = None
    staff_attitude: Annotated[StaffAttitude | None, Blank] = None
    staff_skills: Annotated[StaffSkills | None, Blank] = None
    green_digital: Annotated[GreenDigital | None, Blank] = None
    constraints: Annotated[Annotated[str, Field(max_length=5000)] | None, Blank] = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and valid against intake.schema.json: the schema has no nulls, so unanswered is absent."""
        return self.model_dump(mode="json", exclude_none=True)

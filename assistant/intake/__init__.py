"""The consultation intake: the questionnaire a firm fills in before its one-hour consultation.

Why before the session: an hour is too short for fact-finding. When industry, goals, pain points, processes and
data are known in advance, the advisor can bring use cases that fit the firm and spend the hour on them.

Two sources of truth, kept in step by tests/test_intake.py:
- assistant/schemas/intake.schema.json, the contract: the pydantic models below mirror it field by field.
- assistant/data/questionnaire.yaml, the ONE questionnaire: labels, help texts and options used by the CLI,
  the UI, the JSON template, the printed form and the German error messages.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from assistant.knowledge.states import detect_state

ROOT_FIELD = "(root)"
FILE_FIELD = "(file)"
TEMPLATE_KEYS = frozenset({"_info", "_help"})
"""Annotations of the blank JSON template; they are instructions, not answers, so parsing drops them."""


# --------------------------------------------------------------------------------------------------------------
# The questionnaire definition (assistant/data/questionnaire.yaml)
# --------------------------------------------------------------------------------------------------------------

class _Definition(BaseModel):
    """Strict and immutable: a typo in the YAML should fail loudly, and the cached copy is shared."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(_Definition):
    """A text in German (default audience) and English."""

    de: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.de


class Option(_Definition):
    value: str | int
    label: LocalText
    help: LocalText | None = None


QuestionType = Literal["text", "textarea", "int", "number", "select", "multiselect", "processes", "slider"]


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
    return Questionnaire.model_validate(yaml.safe_load(raw))


def option_label(key: str, value: object, lang: str = "de") -> str:
    """Label of one answer option (e.g. `option_label("goals", "speed")`); the value itself if unknown."""
    return str(load_questionnaire().question(key).option_labels(lang).get(value, value))


def _labels(key: str) -> dict[Any, str]:
    return load_questionnaire().question(key).option_labels("de")


STATE_NAMES: dict[str, str] = _labels("company.state")
INDUSTRY_LABELS: dict[str, str] = _labels("company.industry")
RESPONDENT_ROLE_LABELS: dict[str, str] = _labels("respondent_role")
GOAL_LABELS: dict[str, str] = _labels("goals")
DATA_SOURCE_LABELS: dict[str, str] = _labels("data.sources")
DATA_QUALITY_LABELS: dict[str, str] = _labels("data.quality")
IT_MATURITY_LABELS: dict[int, str] = _labels("it_maturity")
AI_EXPERIENCE_LABELS: dict[str, str] = _labels("ai_experience")
STAFF_ATTITUDE_LABELS: dict[str, str] = _labels("staff_attitude")


# --------------------------------------------------------------------------------------------------------------
# The intake models (mirror assistant/schemas/intake.schema.json)
# --------------------------------------------------------------------------------------------------------------

Industry = Literal["handwerk", "produktion", "handel", "dienstleistung", "logistik", "gesundheit", "bau", "it",
                   "gastgewerbe", "landwirtschaft", "sonstige"]
StateCode = Literal["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"]
RespondentRole = Literal["managing_director", "owner", "it_lead", "department_lead", "advisor", "other"]
Goal = Literal["revenue", "margin", "efficiency", "quality", "speed", "customer_experience",
               "employer_attractiveness", "risk_reduction", "new_business_model"]
DataSource = Literal["erp", "crm", "email", "office_files", "paper", "documents", "photos", "machine_sensors",
                     "webshop", "accounting", "scheduling", "phone", "none"]
DataQuality = Literal["low", "medium", "high"]
AiExperience = Literal["none", "experimenting", "piloting", "productive"]
StaffAttitude = Literal["sceptical", "neutral", "open"]


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


def _is_blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _drop_empty_rows(value: object) -> object:
    """The template ships with one empty process row to show the table's shape; an unused row is no answer."""
    if value is None:
        return []
    if isinstance(value, list):
        return [row for row in value if not (isinstance(row, Mapping) and all(map(_is_blank, row.values())))]
    return value


Blank = BeforeValidator(_blank_to_none)
Int = Annotated[int, BeforeValidator(_number_not_text)]
Num = Annotated[float, BeforeValidator(_number_not_text)]


class _Open(BaseModel):
    """Extra fields are allowed everywhere, as in the schema (additionalProperties is not restricted)."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class Company(_Open):
    name: Annotated[Annotated[str, Field(max_length=200)] | None, Blank] = None
    industry: Industry
    employees: Annotated[Int, Field(ge=1, le=100_000)]
    state: StateCode
    annual_revenue_eur: Annotated[Annotated[Num, Field(ge=0)] | None, Blank] = None


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
    budget_eur: Annotated[Annotated[Num, Field(ge=0)] | None, Blank] = None
    time_horizon_months: Annotated[Annotated[Int, Field(ge=1, le=60)] | None, Blank] = None
    staff_attitude: Annotated[StaffAttitude | None, Blank] = None
    constraints: Annotated[Annotated[str, Field(max_length=5000)] | None, Blank] = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and valid against intake.schema.json: the schema has no nulls, so unanswered is absent."""
        return self.model_dump(mode="json", exclude_none=True)


# --------------------------------------------------------------------------------------------------------------
# Errors in plain language
# --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldError:
    """One problem: `field` is the dotted path ("company.employees", "processes.0.pain", "(root)", "(file)")."""

    field: str
    message: str
    code: str = ""


class IntakeError(ValueError):
    """A questionnaire that cannot be used, with every problem listed so it can be fixed in one pass."""

    def __init__(self, field_errors: list[FieldError], lang: str = "de") -> None:
        self.field_errors = field_errors
        head = (f"Der Fragebogen enthält {len(field_errors)} Fehler:" if _lang(lang) == "de"
                else f"The questionnaire has {len(field_errors)} error(s):")
        super().__init__("\n".join([head] + [f"- {fe.field}: {fe.message}" for fe in field_errors]))


_MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        "missing": "Pflichtfeld fehlt: {label} ({key}).",
        "missing_choice": "Pflichtfeld fehlt: {label} ({key}) – bitte mindestens eine Option wählen.",
        "choice": "{input} ist kein gültiger Wert für {label} ({key}). Erlaubt: {allowed}.",
        "suggest": " Meinten Sie '{value}' ({value_label})?",
        "ge": "{label} ({key}) muss mindestens {limit} sein (angegeben: {input}).",
        "le": "{label} ({key}) darf höchstens {limit} sein (angegeben: {input}).",
        "gt": "{label} ({key}) muss größer als {limit} sein (angegeben: {input}).",
        "lt": "{label} ({key}) muss kleiner als {limit} sein (angegeben: {input}).",
        "number": "{label} ({key}) muss {noun} sein (angegeben: {input}).",
        "number_text": "{label} ({key}) muss {noun} sein, ohne Anführungszeichen und ohne Tausenderpunkt, "
                       "z. B. 1200 (angegeben: {input}).",
        "fraction": "{label} ({key}) muss eine ganze Zahl ohne Nachkommastellen sein (angegeben: {input}).",
        "finite": "{label} ({key}) muss eine endliche Zahl sein (angegeben: {input}).",
        "text": "{label} ({key}) muss ein Text in Anführungszeichen sein (angegeben: {input}).",
        "text_short": "{label} ({key}) muss mindestens {limit} Zeichen lang sein.",
        "text_long": "{label} ({key}) ist zu lang: höchstens {limit} Zeichen erlaubt, angegeben sind {actual}.",
        "too_few": "{label} ({key}): bitte mindestens {limit} Einträge angeben.",
        "too_many": "{label} ({key}): höchstens {limit} Einträge erlaubt.",
        "list": "{label} ({key}) muss eine Liste in eckigen Klammern sein, z. B. {example} (angegeben: {input}).",
        "object": "{label} ({key}) muss ein Objekt mit Unterfeldern in geschweiften Klammern sein "
                  "(angegeben: {input}).",
        "duplicates": "{label} ({key}) enthält doppelte Einträge: {duplicates}. Bitte jede Option nur einmal "
                      "angeben.",
        "other": "{label} ({key}) ist ungültig: {detail}",
        "root_object": "Der Fragebogen muss ein JSON-Objekt in geschweiften Klammern sein (angegeben: {kind}).",
        "json": "Der Fragebogen ist kein gültiges JSON: Fehler in Zeile {line}, Spalte {column}. Häufige "
                "Ursachen: fehlendes Komma, fehlendes Anführungszeichen oder eine nicht geschlossene Klammer.",
        "encoding": "Der Fragebogen ist nicht als UTF-8-Text lesbar (Byte {position}). Bitte als UTF-8 speichern.",
        "file_missing": "Datei nicht gefunden: {path}",
        "file_unreadable": "Datei kann nicht gelesen werden: {path} ({reason})",
        "integer": "eine ganze Zahl",
        "a_number": "eine Zahl",
        "root": "Fragebogen",
    },
    "en": {
        "missing": "Required field missing: {label} ({key}).",
        "missing_choice": "Required field missing: {label} ({key}) – please choose at least one option.",
        "choice": "{input} is not a valid value for {label} ({key}). Allowed: {allowed}.",
        "suggest": " Did you mean '{value}' ({value_label})?",
        "ge": "{label} ({key}) must be at least {limit} (given: {input}).",
        "le": "{label} ({key}) must be at most {limit} (given: {input}).",
        "gt": "{label} ({key}) must be greater than {limit} (given: {input}).",
        "lt": "{label} ({key}) must be less than {limit} (given: {input}).",
        "number": "{label} ({key}) must be {noun} (given: {input}).",
        "number_text": "{label} ({key}) must be {noun} without quotes or thousands separators, e.g. 1200 "
                       "(given: {input}).",
        "fraction": "{label} ({key}) must be a whole number without decimals (given: {input}).",
        "finite": "{label} ({key}) must be a finite number (given: {input}).",
        "text": "{label} ({key}) must be a text in quotes (given: {input}).",
        "text_short": "{label} ({key}) must be at least {limit} characters long.",
        "text_long": "{label} ({key}) is too long: at most {limit} characters allowed, {actual} given.",
        "too_few": "{label} ({key}): please give at least {limit} entries.",
        "too_many": "{label} ({key}): at most {limit} entries allowed.",
        "list": "{label} ({key}) must be a list in square brackets, e.g. {example} (given: {input}).",
        "object": "{label} ({key}) must be an object with sub-fields in curly braces (given: {input}).",
        "duplicates": "{label} ({key}) contains repeated entries: {duplicates}. Please give each option once.",
        "other": "{label} ({key}) is invalid: {detail}",
        "root_object": "The questionnaire must be a JSON object in curly braces (given: {kind}).",
        "json": "The questionnaire is not valid JSON: error in line {line}, column {column} ({detail}). Common "
                "causes: a missing comma, a missing quote or an unclosed bracket.",
        "encoding": "The questionnaire is not readable as UTF-8 text (byte {position}). Please save it as UTF-8.",
        "file_missing": "File not found: {path}",
        "file_unreadable": "File cannot be read: {path} ({reason})",
        "integer": "a whole number",
        "a_number": "a number",
        "root": "questionnaire",
    },
}

_KINDS: dict[str, str] = {
    "missing": "missing", "string_blank": "missing", "literal_error": "choice", "enum": "choice",
    "greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "less_than": "lt",
    "int_parsing": "number", "int_type": "number", "float_parsing": "number", "float_type": "number",
    "number_type": "number_text", "int_from_float": "fraction", "finite_number": "finite",
    "string_type": "text", "string_too_short": "text_short", "string_too_long": "text_long",
    "too_short": "too_few", "too_long": "too_many", "list_type": "list",
    "model_type": "object", "dict_type": "object", "model_attributes_type": "object",
    "list_not_unique": "duplicates",
}
_LIMIT_CTX = ("ge", "le", "gt", "lt", "min_length", "max_length")


def _lang(lang: str) -> str:
    """German is the default audience; anything but "en" gets German rather than an error on a printout."""
    return "en" if lang == "en" else "de"


def _text(name: str, lang: str, **values: object) -> str:
    return _MESSAGES[_lang(lang)][name].format(**values)


def _show(value: object) -> str:
    """A given value as the user typed it, short enough for one line."""
    shown = f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _number(value: float, lang: str) -> str:
    """German or English digit grouping: 100.000 / 100,000; decimals only where there are any."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,")) if _lang(lang) == "de" else text


@dataclass(frozen=True)
class _Where:
    path: str
    key: str
    label: str
    question: Question | None


def _locate(loc: tuple[str | int, ...], lang: str) -> _Where:
    """Field path, the key to show, and the questionnaire label for a pydantic error location."""
    path = ".".join(str(p) for p in loc) or ROOT_FIELD
    questionnaire = load_questionnaire()
    if len(loc) >= 2 and loc[0] == "processes" and isinstance(loc[1], int):
        table = questionnaire.question("processes")
        row = f"{table.row_label.get(lang) if table.row_label else table.label.get(lang)} {loc[1] + 1}"
        column = table.column(str(loc[2])) if len(loc) >= 3 else None
        label = f"{row} – {column.label.get(lang)}" if column else row
        return _Where(path, path, label, column)
    key = ".".join(str(p) for p in loc if not isinstance(p, int))
    if not key:
        return _Where(path, path, _text("root", lang), None)
    return _Where(path, key, questionnaire.label(key, lang), questionnaire.find(key))


def _suggestion(question: Question, given: object) -> Option | None:
    """The option the user probably meant: a label typed instead of the code ("Sachsen", "Saxony", "NRW")."""
    if not isinstance(given, str):
        return None
    needle = given.strip().casefold()
    for option in question.options:
        if needle in {str(option.value).casefold(), option.label.de.casefold(), option.label.en.casefold()}:
            return option
    if question.key == "company.state":
        code = detect_state(given)
        return next((o for o in question.options if o.value == code), None)
    return None


def _example(question: Question | None) -> str:
    values = [o.value for o in question.options[:2]] if question and question.options else []
    return json.dumps(values, ensure_ascii=False) if values else "[ … ]"


def _choice_message(where: _Where, given: object, lang: str) -> str:
    question = where.question
    allowed = ", ".join(str(o.value) for o in question.options) if question else "?"
    message = _text("choice", lang, input=_show(given), label=where.label, key=where.key, allowed=allowed)
    option = _suggestion(question, given) if question else None
    if option is not None:
        message += _text("suggest", lang, value=option.value, value_label=option.label.get(lang))
    return message


def _field_error(err: Mapping[str, Any], lang: str) -> FieldError:
    """One pydantic error as a sentence that names the field by its questionnaire label and key."""
    where = _locate(tuple(err["loc"]), lang)
    code, given, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    kind = _KINDS.get(code, "other")
    if kind == "missing" or _is_blank(given):
        multi = where.question is not None and where.question.type in {"multiselect", "processes"}
        kind = "missing_choice" if multi and given == [] else "missing"
    if kind == "choice":
        return FieldError(where.path, _choice_message(where, given, lang), code)
    limit = next((ctx[name] for name in _LIMIT_CTX if name in ctx), "")
    integer = where.question is not None and where.question.integer
    values = {
        "label": where.label, "key": where.key, "input": _show(given), "detail": err.get("msg", ""),
        "limit": _number(limit, lang) if isinstance(limit, (int, float)) else limit,
        "actual": len(given) if isinstance(given, (str, list)) else "",
        "noun": _text("integer" if integer else "a_number", lang), "duplicates": ctx.get("duplicates", ""),
        "example": _example(where.question),
    }
    if kind == "number_text" and isinstance(given, bool):
        kind = "number"
    return FieldError(where.path, _text(kind, lang, **values), code)


def _translate(exc: ValidationError, lang: str) -> IntakeError:
    return IntakeError([_field_error(err, lang) for err in exc.errors()], lang)


# --------------------------------------------------------------------------------------------------------------
# Parsing and loading
# --------------------------------------------------------------------------------------------------------------

def _decode(data: str | bytes, lang: str) -> object:
    """JSON text to Python, with the position of a syntax error in words an office user can act on."""
    if isinstance(data, bytes):
        # Windows editors save "Unicode" as UTF-16 with a byte order mark; everything else should be UTF-8.
        encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
        try:
            data = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise IntakeError([FieldError(ROOT_FIELD, _text("encoding", lang, position=exc.start), "encoding")],
                              lang) from exc
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        message = _text("json", lang, line=exc.lineno, column=exc.colno, detail=exc.msg)
        raise IntakeError([FieldError(ROOT_FIELD, message, "json_invalid")], lang) from exc


def _kind_of(value: object, lang: str) -> str:
    """What was given instead of an object, in words ("eine Liste", "a text")."""
    de = _lang(lang) == "de"
    kinds = {list: "eine Liste" if de else "a list", str: "ein Text" if de else "a text", type(None): "null",
             bool: "true/false", int: "eine Zahl" if de else "a number", float: "eine Zahl" if de else "a number"}
    return kinds.get(type(value), type(value).__name__)


def parse_intake(data: Mapping[str, Any] | str | bytes, lang: str = "de") -> Intake:
    """A validated intake from a dict or JSON text; IntakeError lists every problem in `lang`."""
    raw = _decode(data, lang) if isinstance(data, (str, bytes)) else data
    if not isinstance(raw, Mapping):
        message = _text("root_object", lang, kind=_kind_of(raw, lang))
        raise IntakeError([FieldError(ROOT_FIELD, message, "model_type")], lang)
    answers = {k: v for k, v in raw.items() if k not in TEMPLATE_KEYS}
    try:
        return Intake.model_validate(answers)
    except ValidationError as exc:
        raise _translate(exc, lang) from None


def load_intake(path: str | Path, lang: str = "de") -> Intake:
    """A validated intake from a JSON file; a missing or unreadable file is an IntakeError too."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IntakeError([FieldError(FILE_FIELD, _text("file_missing", lang, path=path), "file_missing")],
                          lang) from None
    except OSError as exc:
        message = _text("file_unreadable", lang, path=path, reason=exc.strerror or exc.__class__.__name__)
        raise IntakeError([FieldError(FILE_FIELD, message, "file_unreadable")], lang) from None
    return parse_intake(raw, lang)


# --------------------------------------------------------------------------------------------------------------
# The blank questionnaire: JSON template and printable Markdown
# --------------------------------------------------------------------------------------------------------------

_FORM: dict[str, dict[str, str]] = {
    "de": {
        "info": "Leerer Fragebogen der KI-Sprechstunde. Bitte die Felder ausfüllen und die Datei vor dem Termin "
                "zurücksenden. Erklärungen zu jeder Frage stehen unter \"_help\"; Pflichtfelder sind dort markiert. "
                "Nicht beantwortete freiwillige Felder einfach leer (\"\" oder null) lassen.",
        "required": "Pflichtfeld",
        "optional": "freiwillig",
        "one_of": "Genau einen Wert eintragen",
        "some_of": "Liste von Werten, z. B. {example}",
        "range": "Zahl von {min} bis {max}",
        "int_range": "ganze Zahl von {min} bis {max}",
        "at_least": "Zahl ab {min}",
        "int_at_least": "ganze Zahl ab {min}",
        "max_chars": "höchstens {max} Zeichen",
        "columns": "Eine Zeile je Ablauf mit den Feldern",
        "pick_one": "Bitte eine Option ankreuzen.",
        "pick_many": "Mehrfachauswahl möglich.",
        "answer": "Antwort",
        "required_note": "* Pflichtfrage",
        "thanks": "Vielen Dank! Bitte senden Sie den ausgefüllten Fragebogen vor dem Termin an Ihre Beraterin "
                  "oder Ihren Berater zurück.",
        "summary": "Fragebogen",
        "unnamed": "Unternehmen ohne Namen",
        "per_month": "pro Monat",
    },
    "en": {
        "info": "Blank questionnaire of the AI consultation hour. Please fill in the fields and send the file back "
                "before the appointment. Every question is explained under \"_help\", where required fields are "
                "marked. Leave optional fields you do not answer empty (\"\" or null).",
        "required": "required",
        "optional": "optional",
        "one_of": "Enter exactly one value",
        "some_of": "List of values, e.g. {example}",
        "range": "number from {min} to {max}",
        "int_range": "whole number from {min} to {max}",
        "at_least": "number from {min}",
        "int_at_least": "whole number from {min}",
        "max_chars": "at most {max} characters",
        "columns": "One row per process with the fields",
        "pick_one": "Please tick one option.",
        "pick_many": "Several answers possible.",
        "answer": "Answer",
        "required_note": "* required question",
        "thanks": "Thank you! Please send the completed questionnaire back to your advisor before the appointment.",
        "summary": "Questionnaire",
        "unnamed": "Unnamed company",
        "per_month": "per month",
    },
}


def _form(name: str, lang: str, **values: object) -> str:
    return _FORM[_lang(lang)][name].format(**values)


def _placeholder(question: Question) -> object:
    """Empty but well-typed, so the template shows the expected shape of every answer."""
    if question.type in {"text", "textarea"}:
        return ""
    if question.type == "multiselect":
        return []
    if question.type == "processes":
        return [{column.key: _placeholder(column) for column in question.columns}]
    return None


def _set_path(doc: dict[str, Any], key: str, value: object) -> None:
    *parents, leaf = key.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[leaf] = value


def _bounds(question: Question, lang: str) -> str:
    """The allowed range in words ("Ganze Zahl von 1 bis 5", "Höchstens 200 Zeichen"), or ""."""
    prefix = "int_" if question.integer else ""
    low = _number(question.min, lang) if question.min is not None else None
    high = _number(question.max, lang) if question.max is not None else None
    if low is not None and high is not None:
        return _form(prefix + "range", lang, min=low, max=high)
    if low is not None:
        return _form(prefix + "at_least", lang, min=low)
    if question.max_length:
        return _form("max_chars", lang, max=_number(question.max_length, lang))
    return ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _option_text(option: Option, lang: str) -> str:
    extra = f" ({option.help.get(lang)})" if option.help else ""
    return f"{option.label.get(lang)}{extra}"


def _column_text(column: Question, lang: str) -> str:
    notes = [_form("required" if column.required else "optional", lang), _bounds(column, lang)]
    return f"{column.key} = {column.label.get(lang)} ({', '.join(n for n in notes if n)})"


def _help_text(question: Question, lang: str) -> str:
    """One self-explanatory line per field: label, required or not, the question, the allowed answers."""
    status = _form("required" if question.required else "optional", lang)
    parts = [f"{question.label.get(lang)} ({status}). {question.help.get(lang)}"]
    bounds = _bounds(question, lang)
    if bounds and question.type != "slider":
        parts.append(_capital(bounds) + ".")
    if question.options:
        lead = (_form("some_of", lang, example=_example(question)) if question.type == "multiselect"
                else _form("one_of", lang))
        parts.append(lead + ": " + "; ".join(f"{o.value} = {_option_text(o, lang)}" for o in question.options)
                     + ".")
    if question.columns:
        parts.append(_form("columns", lang) + ": " + "; ".join(_column_text(c, lang) for c in question.columns) + ".")
    return " ".join(parts)


def blank_intake_json(lang: str = "de") -> dict[str, Any]:
    """The template an advisor sends before the session: every field present and empty, plus `_help`.

    parse_intake rejects it with field errors until the required answers are filled in; the `_info` and
    `_help` keys may stay in the returned file, parsing ignores them.
    """
    questionnaire = load_questionnaire()
    doc: dict[str, Any] = {"_info": _form("info", lang)}
    for question in questionnaire.questions():
        _set_path(doc, question.key, _placeholder(question))
    doc["_help"] = {q.key: _help_text(q, lang) for q in questionnaire.questions()}
    return doc


_LINE = "_" * 60


def _markdown_answer_area(question: Question, lang: str) -> list[str]:
    """Checkboxes, a table or lines to write on, depending on the kind of answer."""
    if question.options:
        hint = _form("pick_many" if question.type == "multiselect" else "pick_one", lang)
        numbered = question.type == "slider"
        boxes = [f"- [ ] {f'{o.value}: ' if numbered else ''}{o.label.get(lang)}"
                 + (f" – {o.help.get(lang)}" if o.help else "") for o in question.options]
        return [f"_{hint}_", "", *boxes]
    if question.type == "processes":
        header = "| " + " | ".join(c.label.get(lang) for c in question.columns) + " |"
        rule = "|" + "|".join("---" for _ in question.columns) + "|"
        rows = ["|" + "|".join("          " for _ in question.columns) + "|" for _ in range(5)]
        notes = [f"- **{c.label.get(lang)}:** {c.help.get(lang)}" for c in question.columns]
        return [header, rule, *rows, "", *notes]
    bounds = _bounds(question, lang)
    lines = [f"_{_capital(bounds)}_", ""] if bounds else []
    if question.type == "textarea":
        return lines + [_LINE, "", _LINE, "", _LINE, "", _LINE]
    return lines + [f"{_form('answer', lang)}: {_LINE}"]


def blank_intake_markdown(lang: str = "de") -> str:
    """A printable questionnaire: sections, numbered questions, help texts, checkboxes and lines to write on."""
    questionnaire = load_questionnaire()
    out = [f"# {questionnaire.title.get(lang)}", "", questionnaire.intro.get(lang), "",
           f"_{_form('required_note', lang)}_", ""]
    number = 0
    for index, section in enumerate(questionnaire.sections, start=1):
        out += [f"## {index}. {section.title.get(lang)}", ""]
        if section.intro:
            out += [f"_{section.intro.get(lang)}_", ""]
        for question in section.questions:
            number += 1
            star = " *" if question.required else ""
            out += [f"**{number}. {question.label.get(lang)}**{star}", "", question.help.get(lang), ""]
            out += _markdown_answer_area(question, lang) + [""]
    out += ["---", "", _form("thanks", lang), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------------------
# Summary of a filled intake
# --------------------------------------------------------------------------------------------------------------

def _get(intake: Intake, key: str) -> object:
    value: object = intake
    for part in key.split("."):
        value = getattr(value, part, None)
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _answer_text(question: Question, value: object, lang: str) -> str:
    """An answer in words: labels instead of codes, numbers with digit grouping, euros marked."""
    labels = question.option_labels(lang)
    if question.type == "multiselect":
        return ", ".join(labels.get(v, str(v)) for v in value) or "–"  # type: ignore[union-attr]
    if question.type == "slider" and question.max is not None:
        return f"{value}/{_number(question.max, lang)} – {labels.get(value, '')}".rstrip(" –")
    if question.options:
        return labels.get(value, str(value))
    if isinstance(value, (int, float)):
        if not question.key.endswith("_eur"):
            return _number(value, lang)
        return f"{_number(value, lang)} €" if _lang(lang) == "de" else f"€{_number(value, lang)}"
    return str(value)


def _process_table(question: Question, processes: list[Process], lang: str) -> list[str]:
    header = "| " + " | ".join(c.label.get(lang) for c in question.columns) + " |"
    rule = "|" + "|".join("---" for _ in question.columns) + "|"
    rows = []
    for proc in processes:
        cells = [getattr(proc, c.key, None) for c in question.columns]
        rows.append("| " + " | ".join("–" if v is None else _cell(
            v if isinstance(v, str) else _number(v, lang)) for v in cells) + " |")
    return [header, rule, *rows]


def intake_to_markdown(intake: Intake, lang: str = "de") -> str:
    """A short summary for the advisor's preparation: facts as a list, free texts quoted, processes as a table."""
    questionnaire = load_questionnaire()
    name = intake.company.name or _form("unnamed", lang)
    facts: list[str] = []
    blocks: list[str] = []
    for question in questionnaire.questions():
        value = _get(intake, question.key)
        if question.key == "company.name" or value is None or value == []:
            continue
        label = question.label.get(lang)
        if question.type == "textarea":
            lines = [line.strip() for line in str(value).strip().splitlines() if line.strip()]
            quoted = "\n>\n".join(f"> {line}" for line in lines)  # keep the writer's paragraphs apart
            blocks += [f"**{label}**", "", quoted, ""]
        elif question.type == "processes":
            blocks += [f"**{label}**", "", *_process_table(question, value, lang), ""]  # type: ignore[arg-type]
        else:
            facts.append(f"- **{label}:** {_answer_text(question, value, lang)}")
    return "\n".join([f"## {_form('summary', lang)}: {name}", "", *facts, "", *blocks]).rstrip() + "\n"

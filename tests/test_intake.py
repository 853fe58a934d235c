"""The intake: models, questionnaire and schema stay in step; errors are plain German (or English); the blank
template and the printed form come from the one questionnaire definition."""

from __future__ import annotations

import codecs
import copy
import json
import typing
from pathlib import Path
from typing import Any

import pytest

from assistant import contracts
from assistant import vocabulary
from assistant.intake import (
    Intake,
    IntakeError,
    Process,
    blank_intake_json,
    blank_intake_markdown,
    intake_to_markdown,
    load_intake,
    load_questionnaire,
    option_label,
    parse_intake,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "assistant" / "schemas" / "intake.schema.json").read_text(encoding="utf-8"))
EXAMPLE_PATH = ROOT / "evals" / "personas" / "example_handwerk.json"
PYDANTIC_ENGLISH = ("Input should", "Field required", "String should", "List should", "Value error")


@pytest.fixture
def example() -> dict[str, Any]:
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


def questions_with_columns():
    """(full key, question) for every question and every column of the processes table."""
    for question in load_questionnaire().questions():
        yield question.key, question
        for column in question.columns:
            yield f"{question.key}.{column.key}", column


def schema_node(key: str) -> dict[str, Any]:
    """The schema of a dotted questionnaire key; processes columns live under items."""
    node = SCHEMA
    for part in key.split("."):
        if node.get("type") == "array":
            node = node["items"]
        node = node["properties"][part]
    return node


def schema_required(key: str) -> bool:
    *parents, leaf = key.split(".")
    node = SCHEMA
    for part in parents:
        node = node["properties"][part]
        if node.get("type") == "array":
            node = node["items"]
    return leaf in node.get("required", [])


def schema_leaves(node: dict[str, Any] = SCHEMA, prefix: str = "") -> set[str]:
    """Every answerable field: nested objects are expanded, arrays of objects are one table question."""
    keys = set()
    for name, child in node.get("properties", {}).items():
        key = f"{prefix}{name}"
        keys |= schema_leaves(child, key + ".") if child.get("type") == "object" else {key}
    return keys


def schema_enums(node: dict[str, Any] = SCHEMA, prefix: str = "") -> dict[str, list[Any]]:
    found = {}
    for name, child in node.get("properties", {}).items():
        key = f"{prefix}{name}"
        if "enum" in child:
            found[key] = child["enum"]
        if "enum" in child.get("items", {}):
            found[key] = child["items"]["enum"]
        found |= schema_enums(child, key + ".")
        found |= schema_enums(child.get("items", {}), key + ".")
    return found


def model_field_annotation(key: str) -> Any:
    """Walk the pydantic models along a dotted key; fails if a part is not a field."""
    cls: Any = Intake
    parts = key.split(".")
    for part in parts[:-1]:
        cls = Process if part == "processes" else cls.model_fields[part].annotation
    assert parts[-1] in cls.model_fields, f"{key}: no field {parts[-1]} on {cls.__name__}"
    return cls.model_fields[parts[-1]].annotation


def literal_values(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    values: set[Any] = set()
    for arg in typing.get_args(annotation):
        values |= literal_values(arg)
    return values


def set_path(doc: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    *parents, leaf = key.split(".")
    node = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[leaf] = value
    return doc


def get_path(doc: dict[str, Any], key: str) -> Any:
    node: Any = doc
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def errors_for(data: Any, lang: str = "de") -> dict[str, str]:
    with pytest.raises(IntakeError) as info:
        parse_intake(data, lang=lang)
    assert info.value.field_errors, "IntakeError without field errors"
    return {fe.field: fe.message for fe in info.value.field_errors}


# --- the example and the contract ----------------------------------------------------------------------------

def test_example_validates_with_pydantic_and_jsonschema(example):
    assert contracts.errors("intake", example) == []
    intake = load_intake(EXAMPLE_PATH)
    assert intake.company.industry == "handwerk" and intake.company.state == "BY"
    assert intake.company.employees == 18 and intake.it_maturity == 2
    assert len(intake.processes) >= 3 and all(p.hours_per_month and p.pain for p in intake.processes)
    assert contracts.errors("intake", intake.to_dict()) == []
    assert parse_intake(intake.to_dict()) == intake


def test_extra_fields_are_allowed_everywhere(example):
    example["crm_note"] = "aus dem Erstgespräch"
    example["company"]["website"] = "https://example.org"
    example["data"]["systems"] = ["Excel"]
    example["processes"][0]["owner"] = "Büro"
    intake = parse_intake(example)
    assert contracts.errors("intake", example) == []
    assert intake.to_dict()["company"]["website"] == "https://example.org"
    assert intake.to_dict()["processes"][0]["owner"] == "Büro"


# --- questionnaire ↔ schema ↔ models -------------------------------------------------------------------------

def test_every_questionnaire_key_is_a_real_intake_field():
    for key, _question in questions_with_columns():
        schema_node(key)  # KeyError if the schema has no such field
        model_field_annotation(key)


def test_questionnaire_covers_every_schema_field_once():
    keys = [q.key for q in load_questionnaire().questions()]
    assert len(keys) == len(set(keys)), "duplicate question keys"
    assert set(keys) == schema_leaves()
    table = load_questionnaire().question("processes")
    assert {c.key for c in table.columns} == set(SCHEMA["properties"]["processes"]["items"]["properties"])


def test_required_flags_match_the_schema():
    for key, question in questions_with_columns():
        assert question.required == schema_required(key), key


def test_every_schema_enum_has_all_its_values_as_options_and_literals():
    enums = schema_enums()
    assert {"company.industry", "company.state", "goals", "data.sources", "data.quality", "respondent_role",
            "ai_experience", "staff_attitude"} <= set(enums)
    for key, values in enums.items():
        question = load_questionnaire().question(key)
        options = [o.value for o in question.options]
        assert len(options) == len(set(options)), key
        assert set(options) == set(values), f"{key}: questionnaire options differ from schema enum"
        assert literal_values(model_field_annotation(key)) == set(values), f"{key}: Literal differs from schema"
        assert all(o.label.de and o.label.en for o in question.options), key


def test_sliders_have_one_labelled_option_per_level():
    for key, question in questions_with_columns():
        if question.type == "slider":
            assert [o.value for o in question.options] == list(range(int(question.min), int(question.max) + 1)), key


def test_questionnaire_bounds_match_the_schema():
    pairs = {"min": "minimum", "max": "maximum", "min_length": "minLength", "max_length": "maxLength",
             "min_items": "minItems"}
    for key, question in questions_with_columns():
        node = schema_node(key)
        for ours, theirs in pairs.items():
            assert getattr(question, ours) == node.get(theirs), f"{key}.{ours}"


@pytest.mark.parametrize("key", [k for k, q in questions_with_columns() if q.min is not None or q.max is not None])
def test_models_enforce_the_numeric_bounds(example, key):
    question = dict(questions_with_columns())[key]
    path = key.replace("processes.", "processes.0.")
    for value, ok in [(question.min, True), (question.max, True),
                      (question.min - 1 if question.min is not None else None, False),
                      (question.max + 1 if question.max is not None else None, False)]:
        if value is None:
            continue
        data = set_path(copy.deepcopy(example), path, value)
        assert (contracts.errors("intake", data) == []) == ok, f"schema {key}={value}"
        if ok:
            parse_intake(data)
        else:
            assert path in errors_for(data), f"{key}={value} accepted"


@pytest.mark.parametrize("key", [k for k, q in questions_with_columns() if q.max_length])
def test_models_enforce_the_text_lengths(example, key):
    question = dict(questions_with_columns())[key]
    path = key.replace("processes.", "processes.0.")
    parse_intake(set_path(copy.deepcopy(example), path, "x" * question.max_length))
    too_long = set_path(copy.deepcopy(example), path, "x" * (question.max_length + 1))
    assert contracts.errors("intake", too_long)
    assert "höchstens" in errors_for(too_long)[path]


def test_labels_come_from_the_questionnaire():
    """One vocabulary: the intake's Literals and the vocabulary module read the same questionnaire options."""
    assert vocabulary.state_name("SN") == "Sachsen" and len(vocabulary.STATES) == 16
    assert vocabulary.label("company.industry", "handwerk") == "Handwerk"
    assert vocabulary.label("data.sources", "office_files") == "Office-Dateien (Excel, Word)"
    assert set(vocabulary.GOALS) == set(SCHEMA["properties"]["goals"]["items"]["enum"])
    assert set(typing.get_args(vocabulary.StateCode)) == set(SCHEMA["properties"]["company"]["properties"]["state"]["enum"])
    assert set(vocabulary.labels("it_maturity")) == {1, 2, 3, 4, 5}
    assert option_label("company.state", "BY", "en") == "Bavaria"
    assert option_label("goals", "unknown") == "unknown"
    assert load_questionnaire() is load_questionnaire()


def test_section_titles_are_the_agreed_ones():
    titles = [s.title.de for s in load_questionnaire().sections]
    assert titles == ["Unternehmen", "Ziele", "Schmerzpunkte & Prozesse", "Daten & IT", "KI-Erfahrung & Rahmen"]


# --- error messages -------------------------------------------------------------------------------------------

def test_wrong_state_names_the_field_lists_codes_and_suggests(example):
    example["company"]["state"] = "Saxony"
    message = errors_for(example)["company.state"]
    assert "'Saxony' ist kein gültiger Wert für Bundesland (company.state)" in message
    assert "Erlaubt: BW, BY," in message and "Meinten Sie 'SN' (Sachsen)?" in message


def test_employees_zero(example):
    example["company"]["employees"] = 0
    message = errors_for(example)["company.employees"]
    assert message.startswith("Anzahl der Beschäftigten (company.employees) muss mindestens 1 sein")


def test_missing_pain_points(example):
    del example["pain_points"]
    assert errors_for(example) == {"pain_points": "Pflichtfeld fehlt: Schmerzpunkte (pain_points)."}


def test_blank_pain_points_count_as_missing(example):
    example["pain_points"] = "  \n "
    assert errors_for(example)["pain_points"].startswith("Pflichtfeld fehlt: Schmerzpunkte")


def test_unknown_goal(example):
    example["goals"] = ["efficiency", "wachstum"]
    message = errors_for(example)["goals.1"]
    assert "'wachstum' ist kein gültiger Wert für Ziele (goals)" in message and "new_business_model" in message


def test_duplicate_data_source(example):
    example["data"]["sources"] = ["paper", "office_files", "office_files"]
    assert contracts.errors("intake", example)  # the schema says uniqueItems too
    message = errors_for(example)["data.sources"]
    assert "Datenquellen (data.sources) enthält doppelte Einträge: office_files" in message


def test_duplicate_goal(example):
    example["goals"] = ["speed", "speed"]
    assert "doppelte Einträge: speed" in errors_for(example)["goals"]


def test_empty_goals_are_a_missing_choice(example):
    example["goals"] = []
    assert errors_for(example)["goals"].startswith("Pflichtfeld fehlt: Ziele (goals) – bitte mindestens")


def test_process_errors_name_the_row_and_column(example):
    example["processes"][1]["pain"] = 9
    example["processes"][2]["name"] = ""
    errs = errors_for(example)
    assert errs["processes.1.pain"].startswith("Ablauf 2 – Belastung 1–5 (processes.1.pain) darf höchstens 5 sein")
    assert errs["processes.2.name"] == "Pflichtfeld fehlt: Ablauf 3 – Bezeichnung (processes.2.name)."


def test_numbers_given_as_text_are_refused_not_guessed(example):
    example["processes"][0]["hours_per_month"] = "1.200"  # 1200 to a German reader, 1.2 to Python
    example["it_maturity"] = True
    errs = errors_for(example)
    assert "ohne Tausenderpunkt" in errs["processes.0.hours_per_month"]
    assert errs["it_maturity"].startswith("IT-Reife (it_maturity) muss eine ganze Zahl sein")
    example = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
    example["company"]["employees"] = 18.5
    assert "ganze Zahl" in errors_for(example)["company.employees"]


@pytest.mark.parametrize("typed, euros", [("20.000 €", 20000), ("20 T€", 20000), ("20k", 20000), ("20000", 20000),
                                          ("ca. 20.000", 20000), ("1,5 Mio. €", 1_500_000), ("€20,000", 20000),
                                          ("12.500,50 €", 12500.5), ("20.000,-", 20000), (20000, 20000)])
def test_amounts_in_euros_are_read_as_people_type_them(example, typed, euros):
    """Budget and revenue are the numbers people write with separators, € and T€; "20.000 €" was stored as 20."""
    example["budget_eur"] = typed
    example["company"]["annual_revenue_eur"] = typed
    intake = parse_intake(example)
    assert intake.budget_eur == euros and intake.company.annual_revenue_eur == euros
    assert contracts.errors("intake", intake.to_dict()) == [], "stored as a JSON number, valid against the contract"


@pytest.mark.parametrize("typed", ["zwanzig", "20 Äpfel", "20 € pro Monat", "-5 €", True])
def test_text_that_is_no_amount_is_refused_with_the_field(example, typed):
    example["budget_eur"] = typed
    message = errors_for(example)["budget_eur"]
    assert message.startswith("Budget in Euro (budget_eur)")
    assert "Betrag in Euro" in message or "mindestens 0" in message or "Zahl" in message, message


def test_many_problems_are_reported_at_once_and_all_in_german(example):
    example["company"] = {"industry": "Sanitär", "employees": "viele", "state": None}
    example["goals"] = "efficiency"
    example["data"] = {"sources": ["fax"], "quality": "super"}
    example["budget_eur"] = -5
    example["time_horizon_months"] = 120
    example["processes"] = ["Angebote"]
    example["constraints"] = "x" * 5001
    errs = errors_for(example)
    assert set(errs) == {"company.industry", "company.employees", "company.state", "goals", "data.sources.0",
                         "data.quality", "budget_eur", "time_horizon_months", "processes.0", "constraints"}
    assert errs["company.state"] == "Pflichtfeld fehlt: Bundesland (company.state)."
    for field, message in errs.items():
        assert not any(s in message for s in PYDANTIC_ENGLISH), (field, message)
        assert "(" + field.rsplit(".0", 1)[0] in message or field in message, (field, message)


def test_english_messages(example):
    example["company"]["state"] = "Saxony"
    example["company"]["employees"] = 0
    example["goals"] = ["efficiency", "growth"]
    example["data"]["sources"] = ["email", "email"]
    del example["pain_points"]
    errs = errors_for(example, lang="en")
    assert "'Saxony' is not a valid value for Federal state (company.state)" in errs["company.state"]
    assert "Did you mean 'SN' (Saxony)?" in errs["company.state"]
    assert errs["company.employees"].startswith("Number of employees (company.employees) must be at least 1")
    assert errs["pain_points"] == "Required field missing: Pain points (pain_points)."
    assert "'growth' is not a valid value for Goals (goals)" in errs["goals.1"]
    assert "repeated entries: email" in errs["data.sources"]
    with pytest.raises(IntakeError) as info:
        parse_intake(example, lang="en")
    assert str(info.value).startswith("The questionnaire has 5 error(s):")


def test_error_summary_lists_every_field(example):
    del example["pain_points"]
    example["it_maturity"] = 0
    with pytest.raises(IntakeError) as info:
        parse_intake(example)
    text = str(info.value)
    assert text.startswith("Der Fragebogen enthält 2 Fehler:")
    assert "- pain_points: Pflichtfeld fehlt" in text and "- it_maturity: IT-Reife" in text
    assert isinstance(info.value, ValueError)


# --- JSON text, files ------------------------------------------------------------------------------------------

def test_json_text_and_bytes_are_accepted(example):
    text = json.dumps(example, ensure_ascii=False)
    assert parse_intake(text) == parse_intake(example)
    assert parse_intake(text.encode("utf-8")) == parse_intake(example)
    assert parse_intake(codecs.BOM_UTF8 + text.encode("utf-8")) == parse_intake(example)
    assert parse_intake(text.encode("utf-16")) == parse_intake(example)  # Notepad's "Unicode"


def test_invalid_json_is_a_clear_error():
    errs = errors_for('{\n  "company": {"industry": "bau",}\n}')
    assert "kein gültiges JSON" in errs["(root)"] and "Zeile 2" in errs["(root)"]
    assert "not valid JSON" in errors_for("{", lang="en")["(root)"]
    assert "JSON-Objekt" in errors_for("[1, 2]")["(root)"]
    assert "JSON-Objekt" in errors_for([1, 2])["(root)"]
    assert "UTF-8" in errors_for(b"\xff\x00\xfe{")["(root)"]


def test_load_intake_file_errors(tmp_path):
    with pytest.raises(IntakeError) as info:
        load_intake(tmp_path / "fehlt.json")
    assert info.value.field_errors[0].field == "(file)"
    assert "Datei nicht gefunden" in info.value.field_errors[0].message
    broken = tmp_path / "kaputt.json"
    broken.write_text("Branche: Handwerk", encoding="utf-8")
    with pytest.raises(IntakeError) as info:
        load_intake(broken)
    assert "kein gültiges JSON" in info.value.field_errors[0].message
    with pytest.raises(IntakeError) as info:
        load_intake(tmp_path, lang="en")
    assert "cannot be read" in info.value.field_errors[0].message


# --- blank template --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["de", "en"])
def test_blank_json_has_every_field_and_help(lang):
    blank = blank_intake_json(lang)
    json.dumps(blank)  # serialisable
    for question in load_questionnaire().questions():
        get_path(blank, question.key)  # KeyError if a field is missing
        assert question.label.get(lang) in blank["_help"][question.key]
        assert question.help.get(lang) in blank["_help"][question.key]
    assert set(blank["_help"]) == {q.key for q in load_questionnaire().questions()}
    assert "Handwerk" in blank["_help"]["company.industry"] or "Skilled trades" in blank["_help"]["company.industry"]
    assert "SN = " in blank["_help"]["company.state"]
    assert blank["_info"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_blank_json_is_rejected_with_field_errors_not_a_crash(lang):
    errs = errors_for(blank_intake_json(lang), lang=lang)
    required = {key for key, q in questions_with_columns() if q.required and not key.startswith("processes.")}
    required -= {"data.sources"}  # an empty list of sources is a valid answer
    assert set(errs) == required
    start = "Pflichtfeld fehlt" if lang == "de" else "Required field missing"
    assert all(message.startswith(start) for message in errs.values())


def test_blank_json_filled_in_round_trips(example):
    filled = blank_intake_json("de")
    for question in load_questionnaire().questions():
        set_path(filled, question.key, copy.deepcopy(get_path(example, question.key)))
    filled = json.loads(json.dumps(filled, ensure_ascii=False))  # as sent back by mail
    intake = parse_intake(filled)
    assert intake == parse_intake(example)
    out = intake.to_dict()
    assert "_help" not in out and "_info" not in out
    assert contracts.errors("intake", out) == []
    assert parse_intake(json.dumps(out)) == intake


def test_blank_json_with_only_required_answers_is_valid():
    filled = blank_intake_json("de")
    answers = {"company.industry": "bau", "company.employees": 7, "company.state": "SN", "goals": ["efficiency"],
               "pain_points": "Aufmaß und Nachträge auf Papier.", "data.sources": [], "it_maturity": 1,
               "ai_experience": "none"}
    for key, value in answers.items():
        set_path(filled, key, value)
    intake = parse_intake(filled)
    assert intake.processes == [] and intake.budget_eur is None and intake.company.name is None
    assert contracts.errors("intake", intake.to_dict()) == []  # no nulls left from the template
    half_row = set_path(copy.deepcopy(filled), "processes.0.hours_per_month", 10)
    assert "processes.0.name" in errors_for(half_row)


# --- markdown --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["de", "en"])
def test_blank_markdown_contains_every_section_question_and_option(lang):
    text = blank_intake_markdown(lang)
    questionnaire = load_questionnaire()
    assert text.startswith(f"# {questionnaire.title.get(lang)}")
    for number, section in enumerate(questionnaire.sections, start=1):
        assert f"## {number}. {section.title.get(lang)}" in text
    for number, question in enumerate(questionnaire.questions(), start=1):
        assert f"**{number}. {question.label.get(lang)}**" in text
        assert question.help.get(lang) in text
        for option in question.options:
            assert f"- [ ] {option.label.get(lang)}" in text or f"- [ ] {option.value}: {option.label.get(lang)}" \
                in text, option
        for column in question.columns:
            assert column.label.get(lang) in text
    assert "Office-Dateien (Excel, Word)" in text or lang == "en"
    assert "Welche Abläufe kosten Sie am meisten Zeit?" in text or lang == "en"
    assert "____" in text


def test_intake_summary(example):
    intake = parse_intake(example)
    text = intake_to_markdown(intake)
    for expected in ["Huber Haustechnik GmbH", "Handwerk", "Bayern", "**Anzahl der Beschäftigten:** 18",
                     "2/5 – Digitale Grundlagen", "2.600.000\u00a0€", "| Angebote erstellen", "> Angebote schreiben"]:
        assert expected in text, expected
    english = intake_to_markdown(intake, "en")
    assert "Bavaria" in english and "€2,600,000" in english and "Skilled trades" in english
    del example["company"]["name"]
    assert "Unternehmen ohne Namen" in intake_to_markdown(parse_intake(example))


# --- command line ----------------------------------------------------------------------------------------------

def test_cli_intake_blank_and_check(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["intake", "--blank", "--format", "json"])
    assert result.exit_code == 0 and "_help" in json.loads(result.output)
    result = runner.invoke(app, ["intake", "--blank", "--format", "md"])
    assert result.exit_code == 0 and "## 1. Unternehmen" in result.output
    result = runner.invoke(app, ["intake", "--check", str(EXAMPLE_PATH)])
    assert result.exit_code == 0 and "gültig" in result.output
    blank = tmp_path / "leer.json"
    blank.write_text(json.dumps(blank_intake_json("de"), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["intake", "--check", str(blank)])
    assert result.exit_code == 2

"""The real command line (Typer's CliRunner on the real app, real consultations, real contracts): every bad value
ends with exit code 2 and ONE German line naming the option and what is allowed; the output formats are the ones
asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import contracts
from assistant.cli import app
from assistant.i18n import formatting

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "evals" / "personas" / "example_handwerk.json"


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Invoke the CLI as `assistant …` would (standalone, so exit codes are real), offline, on the shipped KB."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(ROOT / "knowledge_base"))
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    from assistant.config import reset_settings

    reset_settings()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    reset_settings()


BAD_CALLS = [
    (["ask", "Förderung?", "--lang", "fr"], "'fr' ist kein gültiger Wert für --lang. Erlaubt: de, en."),
    (["funding", "--lang", "fr"], "'fr' ist kein gültiger Wert für --lang. Erlaubt: de, en."),
    (["intake", "--blank", "--lang", "fr"], "'fr' ist kein gültiger Wert für --lang. Erlaubt: de, en."),
    (["consult", "--intake", str(EXAMPLE), "--lang", "fr"], "'fr' ist kein gültiger Wert für --lang."),
    (["intake", "--blank", "--format", "docx"], "'docx' ist kein gültiger Wert für --format. Erlaubt: json, md"),
    (["funding", "--topic", "foo"], "'foo' ist kein gültiger Wert für --topic. Erlaubt: consulting, investment"),
    (["funding", "--state", "Saxony"], "'Saxony' ist kein Bundesland-Kürzel für --state. Erlaubt: BW, BY"),
    (["funding", "--date", "2026-13-01"], "'2026-13-01' ist kein gültiges Datum für --date."),
    (["consult", "--intake", str(EXAMPLE), "--date", "morgen"], "'morgen' ist kein gültiges Datum für --date."),
    (["funding", "--employees", "viele"], "'viele' ist keine ganze Zahl für --employees."),
    (["funding", "--employees", "0"], "--employees muss mindestens 1 sein (angegeben: 0)."),
    (["ask", "Förderung?", "--k", "50"], "--k muss zwischen 1 und 20 liegen (angegeben: 50)."),
    (["ask", "Förderung?", "--type", "pdf"], "'pdf' ist kein gültiger Wert für --type."),
    (["consult"], "--intake fehlt"),
    (["funding", "--nope"], "Unbekannte Option --nope"),
    (["consult", "--intake", str(EXAMPLE), "--json", "--markdown"], "--json und --markdown schließen sich aus"),
    (["intake"], "Bitte --blank oder --check DATEI angeben."),
]


@pytest.mark.parametrize("args, expected", BAD_CALLS, ids=[" ".join(a[:3]) for a, _ in BAD_CALLS])
def test_bad_values_exit_2_with_one_german_line(run, args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Fehler: ") and expected in lines[0], lines[0]
    assert "Traceback" not in result.output and "Invalid value" not in result.output


def test_state_is_case_insensitive_and_funding_json_follows_the_contract(run):
    result = run("funding", "--state", "sn", "--topic", "consulting", "--date", "2026-03-02", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data and contracts.errors("funding", data) == []
    assert all(m["status"] != "ended" for m in data)


def test_funding_text_shows_german_dates(run):
    result = run("funding", "--state", "SN", "--date", "2026-03-02")
    assert result.exit_code == 0, result.output
    assert "· Stand " in result.output and "[offen]" in result.output


def test_consult_markdown_is_the_brief_and_the_default_is_an_overview(run):
    markdown = run("consult", "--intake", str(EXAMPLE), "--date", "2026-03-02", "--markdown")
    assert markdown.exit_code == 0, markdown.output
    assert markdown.output.startswith("# KI-Sprechstunde – Ergebnis für die Strategiesitzung")
    assert "## Nächste Schritte" in markdown.output and "| Was | Wer | Bis |" in markdown.output
    assert "*Beratung vom 02.03.2026." in markdown.output and "2026-03-02" not in markdown.output

    overview = run("consult", "--intake", str(EXAMPLE), "--date", "2026-03-02")
    assert overview.exit_code == 0, overview.output
    assert "## " not in overview.output and "--markdown" in overview.output
    assert "bis 09.03.2026:" in overview.output
    assert overview.output != markdown.output

    english = run("consult", "--intake", str(EXAMPLE), "--date", "2026-03-02", "--markdown", "--lang", "en")
    assert "## Next steps" in english.output and "2 Mar 2026" in english.output


def test_consult_json_follows_the_contract_with_iso_dates(run):
    result = run("consult", "--intake", str(EXAMPLE), "--date", "2026-03-02", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert contracts.errors("consult", data) == []
    assert data["consultation_date"] == "2026-03-02", "JSON keeps ISO dates"


def test_intake_blank_in_both_formats_and_check(run, tmp_path):
    template = run("intake", "--blank", "--format", "json", "--lang", "en")
    assert template.exit_code == 0 and "_help" in json.loads(template.output)
    assert run("intake", "--blank", "--format", "markdown").output.startswith("# ")
    assert run("intake", "--check", str(EXAMPLE), "--lang", "en").output.strip() == "Questionnaire is valid."
    broken = tmp_path / "kaputt.json"
    broken.write_text('{"company": {"industry": "Sanitär"}', encoding="utf-8")
    result = run("intake", "--check", str(broken))
    assert result.exit_code == 2 and "kein gültiges JSON" in result.output


def test_amounts_in_the_overview_are_german_money(run):
    data = json.loads(run("consult", "--intake", str(EXAMPLE), "--date", "2026-03-02", "--json").output)
    overview = run("consult", "--intake", str(EXAMPLE), "--date", "2026-03-02").output
    for case in data["use_cases"]:
        low, high = case["cost_band_eur"]
        assert formatting.money_range(low, high, "de") in overview, "e.g. 5.000–25.000 €"

"""Consultation in Ollama mode against the fake server: accepted texts, and every per-field fallback."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from assistant.contracts import errors
from assistant.intake import parse_intake
from conftest import online_engine

PERSONA = Path(__file__).resolve().parent.parent / "evals" / "personas" / "hochbau_bb.json"
DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def intake():
    return parse_intake(json.loads(PERSONA.read_text(encoding="utf-8")))


@pytest.fixture
def online(real_engine, server):
    return online_engine(real_engine, server, timeout_s=2.0)


def offline_result(real_engine, intake):
    return real_engine.consultant.consult(intake, date=DAY)


def model_reply(offline, summary: str, problem: str | None = None) -> str:
    cases = [{"id": u.id, "problem": problem or f"Bei Ihnen: {u.problem}", "solution": f"Konkret: {u.solution}",
              "why_this": f"Weil: {u.why_this}"} for u in offline.use_cases]
    return json.dumps({"company_summary": summary, "use_cases": cases}, ensure_ascii=False)


def test_model_texts_are_used_when_they_stay_within_the_facts(real_engine, online, server, intake):
    offline = offline_result(real_engine, intake)
    server.reply = model_reply(offline, "Ein Hochbauunternehmen mit viel Papier auf der Baustelle.")
    result = online.consultant.consult(intake, date=DAY)
    assert result.mode == "ollama"
    assert result.company_summary == "Ein Hochbauunternehmen mit viel Papier auf der Baustelle."
    assert all(u.problem.startswith("Bei Ihnen:") for u in result.use_cases)
    assert [u.id for u in result.use_cases] == [u.id for u in offline.use_cases]
    assert errors("consult", result.contract_json()) == []
    prompt = server.last_chat.body["messages"][0]["content"]
    assert "Erfinde keine Zahlen" in prompt and offline.use_cases[0].id in prompt
    assert server.last_chat.body.get("format") == "json"


def test_invented_figure_or_programme_falls_back_per_field(real_engine, online, server, intake):
    offline = offline_result(real_engine, intake)
    server.reply = model_reply(offline, "Mit go-digital gibt es 99.999 € Zuschuss.",
                               problem="Sie verlieren 87 Stunden pro Woche.")
    result = online.consultant.consult(intake, date=DAY)
    assert result.company_summary == offline.company_summary
    assert all(u.problem == o.problem for u, o in zip(result.use_cases, offline.use_cases))
    assert all(u.solution.startswith("Konkret:") for u in result.use_cases)
    assert result.mode == "ollama"
    assert any("company_summary" in w and "verworfen" in w for w in result.warnings)


@pytest.mark.parametrize("setup", ["malformed_json", "wrong_shape", "model_missing", "timeout", "http_garbage",
                                   "slow_drip"])
def test_failures_keep_the_offline_result(real_engine, online, server, intake, setup):
    offline = offline_result(real_engine, intake)
    server.reply = "Das ist kein JSON."
    if setup == "wrong_shape":
        server.reply = json.dumps({"summary": "falsches Format"})
    elif setup == "model_missing":
        server.models = ["mistral:7b"]
    elif setup == "timeout":
        server.delay_s = 3.5
    elif setup == "http_garbage":
        server.malformed = "truncated"
    elif setup == "slow_drip":  # 1 byte per 0.2 s: a per-read timeout never fires, the answer budget must
        server.drip_s = 0.2
    started = time.monotonic()
    result = online.consultant.consult(intake, date=DAY)
    assert time.monotonic() - started < 2.0 + 8  # the reply alone would take > 60 s
    assert result.mode == "offline"
    assert result.company_summary == offline.company_summary
    assert [u.model_dump() for u in result.use_cases] == [u.model_dump() for u in offline.use_cases]
    assert any("Sprachmodell nicht genutzt" in w for w in result.warnings)
    assert errors("consult", result.contract_json()) == []


@pytest.mark.parametrize("summary", [
    "Mit dem Digital-Bonus Brandenburg sparen Sie die Hälfte.",
    "Sie sparen neunzig Prozent der Zeit auf der Baustelle.",
    "Mehr dazu: ![Logo](http://127.0.0.1:9/leak?q=geheim)",
])
def test_invented_programme_number_word_or_image_falls_back(real_engine, online, server, intake, summary):
    offline = offline_result(real_engine, intake)
    server.reply = model_reply(offline, summary)
    result = online.consultant.consult(intake, date=DAY)
    assert result.company_summary == offline.company_summary
    assert any("company_summary" in w and "verworfen" in w for w in result.warnings)
    assert all(u.solution.startswith("Konkret:") for u in result.use_cases)

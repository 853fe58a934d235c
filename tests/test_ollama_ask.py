"""Ask in Ollama mode: the real `ollama` client over real HTTP against a fake server, with every fallback."""

from __future__ import annotations

import json

import pytest

from assistant.contracts import errors
from assistant.config import Settings
from assistant.engine import Engine
from conftest import online_engine

QUESTION = "Wer verantwortet die KI-Strategie, die Geschäftsführung?"


@pytest.fixture
def kb_dir(kb_dir):
    """The test corpus plus the real structured programme data, so invented programme names are recognised."""
    import shutil

    from conftest import PROJECT_ROOT

    shutil.copy(PROJECT_ROOT / "knowledge_base" / "funding" / "programmes.yaml", kb_dir / "funding" / "programmes.yaml")
    return kb_dir


@pytest.fixture
def online(ingested, server):
    return online_engine(ingested, server, timeout_s=1.0)


def test_model_answer_with_citations_is_used(online, server):
    server.reply = "Die Geschäftsführung legt Richtung, Fokus und Rahmen fest [1]."
    answer = online.answerer.ask(QUESTION)
    assert answer.mode == "ollama" and answer.grounded
    assert answer.answer.startswith("Die Geschäftsführung legt")
    assert len(answer.sources) == 1 and answer.sources[0].id == "t_strategie"
    assert errors("ask", json.loads(answer.model_dump_json())) == []
    sent = server.last_chat.body["messages"][0]["content"]
    assert QUESTION in sent and "[1]" in sent and "Geschäftsführung legt Richtung" in sent


def test_citation_numbers_are_renumbered_to_the_cited_sources(online, server):
    def reply(messages):
        return "Die Bereiche mit dem größten Hebel werden ausgewählt [2]. Details siehe [2]."

    server.reply = reply
    answer = online.answerer.ask(QUESTION, k=3)
    assert answer.mode == "ollama" and "[1]" in answer.answer and "[2]" not in answer.answer
    assert len(answer.sources) == 1


@pytest.mark.parametrize("setup", ["no_citation", "unknown_citation", "model_missing", "timeout", "malformed"])
def test_every_failure_falls_back_to_the_offline_answer(online, server, setup):
    server.reply = "Antwort ohne jede Quellenangabe."
    if setup == "unknown_citation":
        server.reply = "Das steht in Quelle [9]."
    elif setup == "model_missing":
        server.models = ["mistral:7b"]
    elif setup == "timeout":
        server.delay_s = 2.5
    elif setup == "malformed":
        server.malformed = "json"
    answer = online.answerer.ask(QUESTION)
    assert answer.mode == "offline" and answer.grounded
    assert "[1]" in answer.answer and answer.sources
    assert errors("ask", json.loads(answer.model_dump_json())) == []


def test_unreachable_server_falls_back(ingested):
    from fake_ollama import closed_port_url

    settings = Settings(data_dir=ingested.settings.data_dir, kb_dir=ingested.settings.kb_dir,
                        ollama_host=closed_port_url(), llm_timeout_s=1.0)
    answer = Engine(settings).answerer.ask(QUESTION)
    assert answer.mode == "offline" and answer.grounded


def test_streaming_yields_pieces_and_a_checked_answer(online, server):
    server.reply = "Die Geschäftsführung entscheidet über die Richtung der KI-Strategie [1]."
    pieces, final = online.answerer.stream(QUESTION)
    received = list(pieces)
    assert "".join(received).strip() == server.reply
    assert final().mode == "ollama"


def test_streaming_without_citations_appends_offline_answer(online, server):
    server.reply = "Einfach machen."
    pieces, final = online.answerer.stream(QUESTION)
    text = "".join(pieces)
    assert "Laut Wissensbasis" in text and "verworfen" in text
    assert final().mode == "offline"


@pytest.mark.parametrize("reply, why", [
    ("Beantragen Sie das Programm Digital Jetzt, es zahlt viel [1].", "programme not in the passages"),
    ("Die Geschäftsführung bekommt 90 % Förderung für die Strategie [1].", "number not in the passages"),
    ("Die Geschäftsführung bekommt neunzig Prozent Zuschuss [1].", "spelled-out number"),
    ("Die Geschäftsführung legt Richtung fest, siehe https://evil.example/x [1].", "external link"),
])
def test_unsupported_model_text_falls_back_with_a_notice(online, server, reply, why):
    server.reply = reply
    answer = online.answerer.ask(QUESTION)
    assert answer.mode == "offline", why
    assert "verworfen" in answer.answer and "Laut Wissensbasis" in answer.answer
    assert "evil.example" not in answer.answer and "90 %" not in answer.answer
    assert errors("ask", json.loads(answer.model_dump_json())) == []


def test_markdown_image_and_links_are_stripped_from_model_text(online, server):
    server.reply = ("Die Geschäftsführung legt Richtung, Fokus und Rahmen fest [1]. "
                    "![x](http://127.0.0.1:9/leak?q=geheim) [mehr](http://127.0.0.1:9/leak)")
    answer = online.answerer.ask(QUESTION)
    assert "leak" not in answer.answer and "![" not in answer.answer and "](" not in answer.answer


def test_stream_shows_only_sentences_that_passed(online, server):
    server.reply = ("Die Geschäftsführung legt Richtung, Fokus und Rahmen fest [1]. "
                    "Außerdem gibt es 90 % Zuschuss über Digital Jetzt [1]. Noch ein Satz [1].")
    pieces, final = online.answerer.stream(QUESTION)
    text = "".join(pieces)
    assert text.startswith("Die Geschäftsführung legt Richtung")
    assert "90 %" not in text and "Digital Jetzt" not in text and "Noch ein Satz" not in text
    assert "verworfen" in text and final().mode == "offline"

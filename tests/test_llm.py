"""The LLM layer against a fake Ollama server over real HTTP: the real `ollama` client, never a mock.

What matters for the product is the fallback contract: every way Ollama can fail ends in `LLMUnavailable`
or `LLMOutputInvalid` with a German message, quickly, and never as a raw httpx/ollama/json exception.
"""

from __future__ import annotations

import string
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_ollama import FakeOllama, closed_port_url
from pydantic import BaseModel

from assistant.config import PROJECT_ROOT, Settings
from assistant.writing.ollama_client import (
    LLMOutputInvalid,
    LLMStatus,
    LLMUnavailable,
    OllamaClient,
    load_prompt,
    model_installed,
    parse_json_reply,
)

pytestmark = pytest.mark.timeout(15)

MODEL = "llama3.1:8b"
MESSAGES = [
    {"role": "system", "content": "Du bist eine hilfreiche Beraterin."},
    {"role": "user", "content": "Was kostet ein KI-Pilotprojekt?"},
]


class Summary(BaseModel):
    company_summary: str
    score: int


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllama]:
    """A running fake Ollama with MODEL installed; tests change its attributes to change its behaviour."""
    with FakeOllama(models=[MODEL]) as server:
        yield server


def make_writer(host: str, tmp_path: Path, model: str = MODEL, timeout_s: float = 5.0,
                **kwargs: float) -> OllamaClient:
    settings = Settings(ollama_host=host, llm_model=model, llm_timeout_s=timeout_s, data_dir=tmp_path)
    return OllamaClient(settings, **kwargs)


@pytest.fixture
def writer(fake_ollama: FakeOllama, tmp_path: Path) -> OllamaClient:
    return make_writer(fake_ollama.url, tmp_path)


# -- status ------------------------------------------------------------------------------------------------


def test_status_reachable_with_model(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    status = writer.status()
    assert isinstance(status, LLMStatus)
    assert status.reachable and status.model_available
    assert status.models == [MODEL]
    assert MODEL in status.message
    assert writer.available()
    assert fake_ollama.requests_to("/api/tags")


def test_status_model_missing_names_model_and_pull_command(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    fake_ollama.models = ["mistral:7b"]
    status = make_writer(fake_ollama.url, tmp_path).status()
    assert status.reachable and not status.model_available
    assert status.models == ["mistral:7b"]
    assert f"ollama pull {MODEL}" in status.message
    assert "mistral:7b" in status.message


def test_untagged_model_name_means_latest(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    fake_ollama.models = ["llama3:latest"]
    assert make_writer(fake_ollama.url, tmp_path, model="llama3").available()
    assert model_installed("llama3", ["llama3:latest"])
    assert not model_installed("llama3", ["llama3:70b"])
    assert not model_installed("llama3:70b", ["llama3:latest"])


def test_status_without_server_is_fast_and_does_not_raise(tmp_path: Path) -> None:
    writer = make_writer(closed_port_url(), tmp_path)
    started = time.monotonic()
    status = writer.status()
    assert time.monotonic() - started < 3
    assert not status.reachable and not status.model_available
    assert "nicht erreichbar" in status.message
    assert not writer.available()


def test_status_of_hanging_server_times_out_quickly(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    fake_ollama.delay_s = 2.0
    writer = make_writer(fake_ollama.url, tmp_path, status_timeout_s=0.3)
    started = time.monotonic()
    status = writer.status()
    assert time.monotonic() - started < 1.5
    assert not status.reachable
    assert "antwortet nicht" in status.message


def test_offline_mode_never_touches_the_network(tmp_path: Path) -> None:
    writer = make_writer("", tmp_path)
    status = writer.status()
    assert not status.reachable and "Offline-Modus" in status.message
    with pytest.raises(LLMUnavailable) as err:
        writer.chat(MESSAGES)
    assert err.value.reason == "offline"
    with pytest.raises(LLMUnavailable):
        list(writer.stream(MESSAGES))


def test_empty_model_name_is_reported_not_sent(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    writer = make_writer(fake_ollama.url, tmp_path, model="")
    assert "Kein Sprachmodell" in writer.status().message
    with pytest.raises(LLMUnavailable) as err:
        writer.chat(MESSAGES)
    assert err.value.reason == "model_missing"
    assert fake_ollama.requests == []


# -- chat / stream -----------------------------------------------------------------------------------------


def test_chat_returns_reply_and_sends_the_messages(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "Ein Pilot kostet meist 10.000 bis 30.000 Euro."
    assert writer.chat(MESSAGES) == "Ein Pilot kostet meist 10.000 bis 30.000 Euro."
    body = fake_ollama.last_chat.body
    assert body["model"] == MODEL
    assert body["stream"] is False
    assert "format" not in body
    assert [(m["role"], m["content"]) for m in body["messages"]] == [(m["role"], m["content"]) for m in MESSAGES]


def test_chat_json_mode_requests_json_format(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = '{"ok": true}'
    writer.chat(MESSAGES, json_mode=True)
    assert fake_ollama.last_chat.body["format"] == "json"


def test_reply_callable_sees_the_prompt(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = lambda messages: f"Echo: {messages[-1]['content']}"
    assert writer.chat(MESSAGES) == "Echo: Was kostet ein KI-Pilotprojekt?"


def test_stream_yields_pieces_that_make_the_reply(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "Erstens klein anfangen, zweitens messen, drittens ausweiten."
    pieces = list(writer.stream(MESSAGES))
    assert len(pieces) > 3
    assert "".join(pieces) == fake_ollama.reply
    assert fake_ollama.last_chat.body["stream"] is True


def test_empty_reply_is_invalid_output(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "  "
    with pytest.raises(LLMOutputInvalid, match="leere Antwort"):
        writer.chat(MESSAGES)


@pytest.mark.parametrize("streaming", [False, True])
def test_unknown_model_is_unavailable_with_pull_hint(fake_ollama: FakeOllama, tmp_path: Path,
                                                     streaming: bool) -> None:
    writer = make_writer(fake_ollama.url, tmp_path, model="qwen2.5:7b")
    with pytest.raises(LLMUnavailable) as err:
        writer.chat(MESSAGES) if not streaming else list(writer.stream(MESSAGES))
    assert err.value.reason == "model_missing"
    assert "ollama pull qwen2.5:7b" in str(err.value)


@pytest.mark.parametrize("streaming", [False, True])
def test_no_server_is_unavailable(tmp_path: Path, streaming: bool) -> None:
    writer = make_writer(closed_port_url(), tmp_path)
    with pytest.raises(LLMUnavailable) as err:
        writer.chat(MESSAGES) if not streaming else list(writer.stream(MESSAGES))
    assert err.value.reason == "unreachable"
    assert "nicht erreichbar" in str(err.value)


@pytest.mark.parametrize("streaming", [False, True])
def test_slow_model_times_out(fake_ollama: FakeOllama, tmp_path: Path, streaming: bool) -> None:
    fake_ollama.delay_s = 2.0
    writer = make_writer(fake_ollama.url, tmp_path, timeout_s=0.4)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable) as err:
        writer.chat(MESSAGES) if not streaming else list(writer.stream(MESSAGES))
    assert time.monotonic() - started < 0.4 + 2
    assert err.value.reason == "timeout"
    assert "Zeitüberschreitung" in str(err.value)


@pytest.mark.parametrize(("mode", "reason"), [("json", "bad_response"), ("truncated", "unreachable")])
def test_malformed_body_is_unavailable(writer: OllamaClient, fake_ollama: FakeOllama, mode: str,
                                       reason: str) -> None:
    fake_ollama.malformed = mode
    with pytest.raises(LLMUnavailable) as err:
        writer.chat(MESSAGES)
    assert err.value.reason == reason
    assert "Ollama-Server" in str(err.value)


@pytest.mark.parametrize("mode", ["json", "truncated"])
def test_stream_breaking_midway_is_unavailable(writer: OllamaClient, fake_ollama: FakeOllama, mode: str) -> None:
    fake_ollama.reply = "Erster Teil, zweiter Teil, dritter Teil."
    fake_ollama.malformed = mode
    pieces = writer.stream(MESSAGES)
    assert next(pieces) == "Erster "
    with pytest.raises(LLMUnavailable) as err:
        next(pieces)
    assert err.value.reason in ("bad_response", "unreachable")


def test_status_with_malformed_tags_reports_bad_answer(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.malformed = True
    status = writer.status()
    assert status.reachable and not status.model_available
    assert "ungültige Antwort" in status.message


# -- JSON output -------------------------------------------------------------------------------------------


def test_chat_json_returns_validated_model(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = '{"company_summary": "Tischlerei mit 12 Beschäftigten.", "score": 3}'
    result = writer.chat_json(MESSAGES, Summary)
    assert result == Summary(company_summary="Tischlerei mit 12 Beschäftigten.", score=3)
    assert fake_ollama.last_chat.body["format"] == "json"


def test_chat_json_accepts_fenced_block(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = 'Hier ist das Ergebnis:\n```json\n{"company_summary": "Bäckerei.", "score": 1}\n```\n'
    assert writer.chat_json(MESSAGES, Summary).company_summary == "Bäckerei."


def test_chat_json_rejects_invalid_json(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = "Gerne! Die Zusammenfassung lautet: Tischlerei."
    with pytest.raises(LLMOutputInvalid, match="kein gültiges JSON") as err:
        writer.chat_json(MESSAGES, Summary)
    assert err.value.raw == fake_ollama.reply


def test_chat_json_rejects_wrong_shape(writer: OllamaClient, fake_ollama: FakeOllama) -> None:
    fake_ollama.reply = '{"company_summary": "Tischlerei.", "score": "hoch"}'
    with pytest.raises(LLMOutputInvalid, match="Summary") as err:
        writer.chat_json(MESSAGES, Summary)
    assert "score" in str(err.value)


def test_parse_json_reply_reports_missing_fields() -> None:
    with pytest.raises(LLMOutputInvalid, match="company_summary"):
        parse_json_reply('{"score": 2}', Summary)


# -- prompts -----------------------------------------------------------------------------------------------


def test_load_prompt_fills_placeholders(tmp_path: Path) -> None:
    (tmp_path / "greet.md").write_text("Hallo {name}, Thema: {topic}. JSON: {{\"a\": 1}}", encoding="utf-8")
    text = load_prompt("greet", directory=tmp_path, name="Frau Weber", topic="Förderung", unused="x")
    assert text == 'Hallo Frau Weber, Thema: Förderung. JSON: {"a": 1}'


def test_load_prompt_missing_value_names_placeholder(tmp_path: Path) -> None:
    (tmp_path / "greet.md").write_text("Hallo {name}, Thema: {topic}.", encoding="utf-8")
    with pytest.raises(KeyError, match="topic"):
        load_prompt("greet", directory=tmp_path, name="Frau Weber")


def test_load_prompt_rejects_unknown_or_odd_names(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_prompt("gibt_es_nicht", directory=tmp_path)
    with pytest.raises(ValueError):
        load_prompt("../secrets", directory=tmp_path)


def test_shipped_prompts_are_valid_templates() -> None:
    """Whatever prompts/ holds must fill without format errors (e.g. undoubled JSON braces)."""
    files = sorted((PROJECT_ROOT / "prompts").glob("*.md"))
    if not files:
        pytest.skip("no prompt files yet")
    for path in files:
        fields = {f for _, f, _, _ in string.Formatter().parse(path.read_text(encoding="utf-8")) if f}
        text = load_prompt(path.stem, **{f: f"<{f}>" for f in fields})
        assert all(f"<{f}>" in text for f in fields)


# -- LangChain ---------------------------------------------------------------------------------------------


def test_langchain_chat_ollama_talks_to_the_same_server(fake_ollama: FakeOllama) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_ollama import ChatOllama

    fake_ollama.reply = "Drei Schritte: Ziel, Daten, Pilot."
    llm = ChatOllama(base_url=fake_ollama.url, model=MODEL, validate_model_on_init=True)
    prompt = [SystemMessage("Antworte knapp."), HumanMessage("Wie starte ich mit KI?")]

    answer = llm.invoke(prompt)
    assert answer.content == fake_ollama.reply
    sent = fake_ollama.last_chat.body["messages"]
    assert [(m["role"], m["content"]) for m in sent] == [("system", "Antworte knapp."),
                                                         ("user", "Wie starte ich mit KI?")]

    chunks = [chunk.content for chunk in llm.stream(prompt)]
    assert len([c for c in chunks if c]) > 3
    assert "".join(chunks) == fake_ollama.reply


# -- one deadline per answer -----------------------------------------------------------------------------------

@pytest.mark.parametrize("streaming", [False, True])
def test_slow_drip_server_is_cut_at_the_total_deadline(fake_ollama: FakeOllama, tmp_path: Path,
                                                       streaming: bool) -> None:
    """1 byte per 0.2 s never trips a per-read timeout; before the fix this answer took minutes."""
    fake_ollama.drip_s = 0.2
    fake_ollama.reply = "Ein Pilotprojekt kostet je nach Umfang unterschiedlich viel, sagt das Modell."
    writer = make_writer(fake_ollama.url, tmp_path, timeout_s=1.5)
    started = time.monotonic()
    received: list[str] = []
    with pytest.raises(LLMUnavailable) as err:
        if streaming:
            for piece in writer.stream(MESSAGES):
                received.append(piece)
        else:
            writer.chat(MESSAGES)
    elapsed = time.monotonic() - started
    assert err.value.reason == "timeout" and "Gesamtbudget" in str(err.value)
    assert elapsed < 1.5 + 3  # the body alone needs > 60 s at this rate
    assert "".join(received) != fake_ollama.reply


def test_drip_mode_delivers_the_whole_reply_when_the_budget_suffices(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    fake_ollama.drip_s = 0.0005
    fake_ollama.reply = "Kurz."
    writer = make_writer(fake_ollama.url, tmp_path, timeout_s=10)
    assert "".join(writer.stream(MESSAGES)) == "Kurz."
    assert writer.chat(MESSAGES) == "Kurz."


def test_closing_a_stream_early_stops_the_worker(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    import threading

    fake_ollama.reply = "eins zwei drei vier fünf sechs sieben acht"
    writer = make_writer(fake_ollama.url, tmp_path, timeout_s=5)
    stream = writer.stream(MESSAGES)
    assert next(stream)
    stream.close()
    deadline = time.monotonic() + 3
    while any(t.name == "ollama-call" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "ollama-call" for t in threading.enumerate())


def test_probe_asks_the_server(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    from assistant.writing.ollama_client import probe

    settings = Settings(ollama_host=fake_ollama.url, llm_model=MODEL, data_dir=tmp_path)
    status = probe(settings)
    assert status.mode == "ollama" and status.model_available and fake_ollama.requests_to("/api/tags")
    fake_ollama.models = ["mistral:7b"]
    assert probe(settings).mode == "offline"
    assert "ollama pull" in probe(settings).message
    down = probe(Settings(ollama_host=closed_port_url(), llm_model=MODEL, data_dir=tmp_path))
    assert down.mode == "offline" and not down.reachable and "nicht erreichbar" in down.message
    offline = probe(Settings(ollama_host="", data_dir=tmp_path))
    assert offline.mode == "offline" and "Offline" in offline.message


def test_status_and_errors_follow_the_configured_language(tmp_path: Path) -> None:
    from assistant.writing.ollama_client import probe

    """Messages come from the catalogue: an English setup reads English, with the same facts in them."""
    down = probe(Settings(ollama_host=closed_port_url(), llm_model=MODEL, data_dir=tmp_path, lang="en"))
    assert "cannot be reached" in down.message and "nicht" not in down.message
    offline = probe(Settings(ollama_host="", data_dir=tmp_path, lang="en"))
    assert offline.message.startswith("Offline mode")
    with pytest.raises(LLMOutputInvalid, match="not valid JSON.*line 1"):
        parse_json_reply("{kaputt", Summary, lang="en")
    with pytest.raises(LLMOutputInvalid, match="kein gültiges JSON.*Zeile 1"):
        parse_json_reply("{kaputt", Summary, lang="de")


def test_index_not_ready_speaks_the_configured_language(tmp_path: Path) -> None:
    from assistant.engine import Engine
    from assistant.knowledge.retrieval import IndexNotReady

    for lang, words in (("en", "index is empty"), ("de", "Index ist leer")):
        engine = Engine(Settings(data_dir=tmp_path / lang, kb_dir=tmp_path / "kb", lang=lang))
        with pytest.raises(IndexNotReady, match=words):
            engine.retriever.search("Förderung")

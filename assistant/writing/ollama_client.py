"""Optional text writing with a local Ollama model; every failure becomes one of two typed exceptions.

The assistant works offline by default. Only when `OLLAMA_HOST` answers and the configured model is
installed does an LLM write text, and callers must always be able to fall back to the offline text. So this
module never lets `httpx`, `ollama` or `json` exceptions escape: connection problems, missing models and
timeouts become `LLMUnavailable`, replies that cannot be used become `LLMOutputInvalid` (both are
`LLMError`). Messages come from the catalogue (area `writing`) in the configured language.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import httpx
import ollama
from pydantic import BaseModel, ValidationError

from assistant.config import PROJECT_ROOT, Settings, get_settings
from assistant.i18n import msg

STATUS_TIMEOUT_S = 2.0
"""A status check must not stall the UI: if Ollama does not answer `/api/tags` in this time, it is down."""

CONNECT_TIMEOUT_S = 5.0
"""Connecting is cheap even for a busy server; waiting the full answer timeout for it only delays fallback."""

PROMPTS_DIR = PROJECT_ROOT / "prompts"

ChatMessage = Mapping[str, Any]
"""`{"role": "system" | "user" | "assistant", "content": str}`, as the Ollama chat API takes it."""
ModelT = TypeVar("ModelT", bound=BaseModel)
UnavailableReason = Literal["offline", "unreachable", "model_missing", "timeout", "server_error", "bad_response"]

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_PROMPT_NAME = re.compile(r"[A-Za-z0-9_\-]+")


class LLMError(Exception):
    """Anything that stops the LLM from delivering usable text; callers fall back to the offline text."""


class LLMUnavailable(LLMError):
    """No answer could be obtained: no server, server unreachable, model not installed, timeout, ...

    `reason` lets callers (and tests) tell the cases apart without parsing the German message.
    """

    def __init__(self, message: str, reason: UnavailableReason) -> None:
        super().__init__(message)
        self.message = message
        self.reason: UnavailableReason = reason


class LLMOutputInvalid(LLMError):
    """The model answered, but the answer is unusable (empty, not JSON, or not matching the schema).

    `raw` keeps the model's text so it can be logged; it is never shown as if it were valid.
    """

    def __init__(self, message: str, raw: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw


class LLMStatus(BaseModel):
    """What the UI shows about the LLM: can we write with it, and if not, why not."""

    reachable: bool
    model_available: bool
    models: list[str] = []
    message: str
    mode: Literal["offline", "ollama"] = "offline"
    """What would write text right now: "ollama" only when the server answered and has the model."""
    host: str = ""
    model: str = ""


class _Cancelled(Exception):
    """The caller gave up (deadline passed or the stream was closed): the worker stops reading."""


class _DeadlineStream(httpx.SyncByteStream):
    """Response body that stops at the answer's deadline, also when bytes keep trickling in (1 byte/s)."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float, cancel: threading.Event) -> None:
        self._inner, self._deadline, self._cancel = inner, deadline, cancel

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if self._cancel.is_set() or time.monotonic() > self._deadline:
                raise httpx.ReadTimeout("answer deadline passed")
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _DeadlineTransport(httpx.BaseTransport):
    """httpx transport whose timeouts are what is left of one answer's budget, not a fresh budget per read."""

    def __init__(self, deadline: float, cancel: threading.Event) -> None:
        self._inner = httpx.HTTPTransport()
        self._deadline, self._cancel = deadline, cancel

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0 or self._cancel.is_set():
            raise httpx.ReadTimeout("answer deadline passed", request=request)
        request.extensions["timeout"] = {"connect": min(remaining, CONNECT_TIMEOUT_S), "read": remaining,
                                         "write": remaining, "pool": remaining}
        response = self._inner.handle_request(request)
        response.stream = _DeadlineStream(response.stream, self._deadline, self._cancel)
        return response

    def close(self) -> None:
        self._inner.close()


class OllamaClient:
    """Writes text with the Ollama model from the settings, through the official `ollama` client."""

    def __init__(self, settings: Settings | None = None, *, status_timeout_s: float = STATUS_TIMEOUT_S) -> None:
        settings = settings or get_settings()
        self.host: str = settings.ollama_host.strip()
        self.model: str = settings.llm_model
        self.timeout_s: float = settings.llm_timeout_s
        self.status_timeout_s = status_timeout_s
        self.lang: str = settings.lang

    # -- availability ----------------------------------------------------------------------------------------

    def status(self) -> LLMStatus:
        """Ask the server which models it has; returns within about `status_timeout_s` and never raises."""
        if problem := self._config_problem():
            return LLMStatus(reachable=False, model_available=False, message=problem.message)
        try:
            with self._client(httpx.Timeout(self.status_timeout_s)) as client:
                models = [m.model for m in client.list().models if m.model]
        except Exception as exc:  # noqa: BLE001 - a status check reports, it does not fail
            return self._status_from_error(exc)
        if model_installed(self.model, models):
            return LLMStatus(reachable=True, model_available=True, models=models,
                             message=msg("writing.ollama_ready", self.lang, model=self.model, host=self.host))
        return LLMStatus(reachable=True, model_available=False, models=models,
                         message=_model_missing_message(self.model, models, self.lang))

    def available(self) -> bool:
        """True when text can be written now: server answers and the configured model is installed."""
        return self.status().model_available

    def _status_from_error(self, exc: Exception) -> LLMStatus:
        """`reachable` means: something Ollama-like answered, so the fix is on the server, not the network."""
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            message = msg("writing.ollama_status_timeout", self.lang, host=self.host,
                          seconds=_seconds(self.status_timeout_s))
            return LLMStatus(reachable=False, model_available=False, message=message)
        if isinstance(exc, ollama.ResponseError):
            message = msg("writing.ollama_not_ollama", self.lang, host=self.host, status=exc.status_code,
                          error=exc.error)
            return LLMStatus(reachable=True, model_available=False, message=message)
        error = self._unavailable(exc)
        return LLMStatus(reachable=error.reason == "bad_response", model_available=False, message=error.message)

    # -- writing ---------------------------------------------------------------------------------------------

    def chat(self, messages: Sequence[ChatMessage], json_mode: bool = False) -> str:
        """The whole reply at once, within `timeout_s` in total. Raises LLMUnavailable, or LLMOutputInvalid for
        an empty reply."""
        self._require_host()

        def produce(put: Callable[[str], None], client: ollama.Client) -> None:
            response = client.chat(model=self.model, messages=list(messages), stream=False,
                                   format="json" if json_mode else None)
            put(response.message.content or "")

        text = "".join(self._within_deadline(produce))
        if not text.strip():
            raise LLMOutputInvalid(msg("writing.reply_empty", self.lang), raw=text)
        return text

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        """Reply pieces as the model produces them. Errors (also mid-stream) raise LLMUnavailable.

        `timeout_s` is one budget for the whole answer, from the first call to the last piece (a server that
        sends one byte per second would otherwise keep a "streaming" answer alive for minutes). Pieces already
        yielded before an error stay with the caller, who decides whether to keep them.
        """
        self._require_host()

        def produce(put: Callable[[str], None], client: ollama.Client) -> None:
            for part in client.chat(model=self.model, messages=list(messages), stream=True):
                if part.message.content:
                    put(part.message.content)

        yield from self._within_deadline(produce)

    def _within_deadline(self, produce: Callable[[Callable[[str], None], ollama.Client], None]) -> Iterator[str]:
        """Run one Ollama call in a worker thread and hand its pieces over until the deadline.

        The caller never waits past the deadline, whatever the server does (also with headers trickling in);
        the worker's transport stops reading at the same deadline, or at once when the caller gives up.
        """
        deadline = time.monotonic() + self.timeout_s
        cancel = threading.Event()
        pieces: queue.Queue = queue.Queue()

        def put(piece: str) -> None:
            if cancel.is_set():
                raise _Cancelled
            pieces.put(("piece", piece))

        def worker() -> None:
            try:
                with ollama.Client(host=self.host, timeout=self._answer_timeout(),
                                   transport=_DeadlineTransport(deadline, cancel)) as client:
                    produce(put, client)
                pieces.put(("done", None))
            except _Cancelled:
                pass
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, mapped there
                pieces.put(("error", exc))

        threading.Thread(target=worker, name="ollama-call", daemon=True).start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    kind, value = pieces.get(timeout=max(remaining, 0.0)) if remaining > 0 else pieces.get_nowait()
                except queue.Empty:
                    raise self._deadline_passed() from None
                if kind == "done":
                    return
                if kind == "error":
                    if isinstance(value, httpx.TimeoutException) and time.monotonic() >= deadline - 0.05:
                        raise self._deadline_passed() from value
                    raise self._unavailable(value) from value
                yield value
        finally:
            cancel.set()

    def _deadline_passed(self) -> LLMUnavailable:
        return LLMUnavailable(msg("writing.deadline", self.lang, model=self.model,
                                  seconds=_seconds(self.timeout_s)), "timeout")

    def chat_json(self, messages: Sequence[ChatMessage], model_cls: type[ModelT]) -> ModelT:
        """A reply in JSON mode, parsed and validated; LLMOutputInvalid says what was wrong with it."""
        return parse_json_reply(self.chat(messages, json_mode=True), model_cls, lang=self.lang)

    # -- plumbing --------------------------------------------------------------------------------------------

    def _client(self, timeout: httpx.Timeout) -> ollama.Client:
        return ollama.Client(host=self.host, timeout=timeout)

    def _answer_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout_s, connect=min(self.timeout_s, CONNECT_TIMEOUT_S))

    def _require_host(self) -> None:
        if problem := self._config_problem():
            raise problem

    def _config_problem(self) -> LLMUnavailable | None:
        """Settings that make any call pointless. Without a host the `ollama` client would silently try
        127.0.0.1:11434 (or $OLLAMA_HOST); offline must mean no network at all."""
        if not self.host:
            return LLMUnavailable(_offline_message(self.lang), "offline")
        if not self.model.strip():
            return LLMUnavailable(msg("writing.ollama_no_model_set", self.lang), "model_missing")
        return None

    def _unavailable(self, exc: Exception) -> LLMUnavailable:
        """Map client, transport and decoding errors to one message each (catalogue area `writing`)."""
        host, model, lang = self.host, self.model, self.lang
        # The client turns httpx.ConnectError into ConnectionError, but only for non-streaming calls.
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, ConnectionError)):
            return LLMUnavailable(msg("writing.ollama_unreachable", lang, host=host), "unreachable")
        if isinstance(exc, httpx.TimeoutException):
            return LLMUnavailable(msg("writing.ollama_timeout", lang, model=model, seconds=_seconds(self.timeout_s)),
                                  "timeout")
        if isinstance(exc, ollama.ResponseError) and exc.status_code == 404 and "model" in str(exc.error).lower():
            return LLMUnavailable(_model_missing_message(model, None, lang), "model_missing")
        if isinstance(exc, ollama.ResponseError):
            code = f" (HTTP {exc.status_code})" if exc.status_code > 0 else ""
            return LLMUnavailable(msg("writing.ollama_server_error", lang, code=code, error=exc.error), "server_error")
        if isinstance(exc, httpx.TransportError):
            return LLMUnavailable(msg("writing.ollama_interrupted", lang, host=host, error=type(exc).__name__),
                                  "unreachable")
        if isinstance(exc, (json.JSONDecodeError, ValidationError, KeyError, TypeError, ValueError)):
            return LLMUnavailable(msg("writing.ollama_bad_response", lang, host=host, error=type(exc).__name__),
                                  "bad_response")
        return LLMUnavailable(msg("writing.ollama_unexpected", lang, error=f"{type(exc).__name__}: {exc}"),
                              "server_error")


# -- helpers shared with callers -----------------------------------------------------------------------------


def probe(settings: Settings | None = None, *, timeout_s: float = STATUS_TIMEOUT_S) -> LLMStatus:
    """Really ask the configured server (not just read OLLAMA_HOST): what would write text now, and why.

    Used by `assistant status` and the settings page. Never raises; returns within about `timeout_s`.
    """
    settings = settings or get_settings()
    client = OllamaClient(settings, status_timeout_s=timeout_s)
    status = client.status()
    return status.model_copy(update={"mode": "ollama" if status.model_available else "offline",
                                     "host": client.host, "model": client.model})



def model_installed(wanted: str, installed: Sequence[str]) -> bool:
    """Ollama's naming rule: `llama3` means `llama3:latest`; `llama3:70b` does not satisfy `llama3`."""
    full = wanted if ":" in wanted else f"{wanted}:latest"
    return any(name in (wanted, full) for name in installed)


def parse_json_reply(text: str, model_cls: type[ModelT], *, lang: str | None = None) -> ModelT:
    """Parse a model reply as JSON (also inside a ```json fence) and validate it against `model_cls`."""
    lang = lang or _lang()
    payload = _strip_fence(text)
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise LLMOutputInvalid(msg("writing.reply_not_json", lang, error=exc.msg, line=exc.lineno,
                                   column=exc.colno), raw=text) from exc
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        raise LLMOutputInvalid(msg("writing.reply_wrong_format", lang, schema=model_cls.__name__,
                                   errors=_validation_summary(exc, lang)), raw=text) from exc


def load_prompt(name: str, /, *, directory: Path | str | None = None, **values: Any) -> str:
    """Read `prompts/<name>.md` and fill its `{placeholders}`.

    Prompt texts live in files so they can be reviewed and changed without touching code. `name` is
    positional-only, so a placeholder may itself be called `name`; only `directory` is reserved. Literal
    braces in a prompt must be doubled (`{{` / `}}`), as with `str.format`.
    """
    if not _PROMPT_NAME.fullmatch(name):
        raise ValueError(msg("writing.prompt_bad_name", _lang(), name=repr(name)))
    path = Path(directory or PROMPTS_DIR) / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(msg("writing.prompt_missing", _lang(), path=path))
    template = path.read_text(encoding="utf-8")
    try:
        return template.format_map(values)
    except KeyError as exc:
        raise KeyError(msg("writing.prompt_missing_value", _lang(), name=name, placeholder=exc.args[0])) from None


# -- messages ------------------------------------------------------------------------------------------------


def _lang() -> str:
    """Language for messages raised outside a client (prompt files, JSON replies): the configured one."""
    return get_settings().lang


def _offline_message(lang: str) -> str:
    return msg("writing.ollama_offline", lang)


def _model_missing_message(model: str, installed: Sequence[str] | None, lang: str) -> str:
    message = msg("writing.ollama_model_missing", lang, model=model)
    if installed is not None:
        names = ", ".join(installed) if installed else msg("writing.ollama_no_models", lang)
        message += msg("writing.ollama_installed", lang, models=names)
    return message + "."


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _strip_fence(text: str) -> str:
    """Models often wrap JSON in ```json fences despite JSON mode; take the fenced part if there is one."""
    match = _FENCE.search(text)
    return (match.group(1) if match else text).strip()


def _validation_summary(exc: ValidationError, lang: str, limit: int = 3) -> str:
    """The first few validation errors as `field: problem`, short enough for a log line."""
    root = msg("writing.reply_root", lang)
    parts = [f"{'.'.join(str(p) for p in err['loc']) or root}: {err['msg']}" for err in exc.errors()[:limit]]
    more = exc.error_count() - limit
    return "; ".join(parts) + (msg("writing.reply_more_errors", lang, n=more) if more > 0 else "")

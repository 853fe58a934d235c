"""A fake Ollama server on loopback, so tests drive the real `ollama` client over real HTTP.

No Ollama runs on the test machines, and mocking the client object would hide exactly the bugs that matter
(wire format, status codes, streaming, timeouts). This server speaks the subset of the Ollama REST API that
`ollama` 0.6 and `langchain_ollama` use, with the same JSON shapes and status codes as the real server:

- ``GET  /api/version``  -> ``{"version": ...}``
- ``GET  /api/tags``     -> the configured models
- ``GET  /api/ps``       -> no loaded models
- ``POST /api/show``     -> model details, 404 ``{"error": "model 'x' not found"}`` for unknown models
- ``POST /api/chat``     -> NDJSON chunks over chunked encoding when ``stream`` is true (the default, as in
  Ollama), one JSON object otherwise; 404 for unknown models, 400 without a model.

Behaviour is set per test through plain attributes, read on every request, so a test may change them while
the server runs: ``models``, ``reply`` (str or ``callable(messages) -> str``), ``delay_s``, ``malformed`` and
``drip_s`` (slow-drip mode: every byte of a response body is sent on its own, ``drip_s`` seconds apart, the way
a stalled proxy or an overloaded server trickles data; a per-read timeout never fires).
Every request is recorded in ``requests``.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self

Reply = str | Callable[[list[dict[str, Any]]], str]
Malformed = Literal["json", "truncated"]

DEFAULT_MODELS = ("llama3.1:8b",)
DEFAULT_REPLY = "Das ist eine Antwort vom Sprachmodell."


@dataclass
class RecordedRequest:
    """One request as the server received it; `body` is the parsed JSON, or None if there was none."""

    method: str
    path: str
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def split_pieces(text: str) -> list[str]:
    """Word-sized pieces that concatenate back to `text`, like tokens arriving one by one."""
    return re.findall(r"\S+\s*|\s+", text) or [text]


def resolve_model(name: str, installed: Sequence[str]) -> str | None:
    """Ollama's own rule: a name without a tag means ``<name>:latest``."""
    wanted = name if ":" in name else f"{name}:latest"
    for model in installed:
        if model in (name, wanted):
            return model
    return None


def closed_port_url() -> str:
    """URL of a loopback port that nobody listens on (bound, then released), for "no server" tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _details(model: str) -> dict[str, Any]:
    family = model.split(":")[0].rstrip("0123456789.") or "llama"
    return {
        "parent_model": "",
        "format": "gguf",
        "family": family,
        "families": [family],
        "parameter_size": "8.0B",
        "quantization_level": "Q4_K_M",
    }


def _tag_entry(model: str) -> dict[str, Any]:
    return {
        "name": model,
        "model": model,
        "modified_at": _now(),
        "size": 4_920_753_328,
        "digest": sha256(model.encode()).hexdigest(),
        "details": _details(model),
    }


class FakeOllama:
    """The fake server. Start with ``with FakeOllama(...) as server:`` or ``start()`` / ``stop()``."""

    def __init__(
        self,
        models: Sequence[str] = DEFAULT_MODELS,
        reply: Reply = DEFAULT_REPLY,
        delay_s: float = 0.0,
        malformed: Malformed | bool | None = None,
        version: str = "0.12.6",
        drip_s: float = 0.0,
    ) -> None:
        self.models: list[str] = list(models)
        self.reply: Reply = reply
        self.delay_s = delay_s
        self.drip_s = drip_s
        self.malformed: Malformed | bool | None = malformed
        self.version = version
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral loopback port and serve in a daemon thread."""
        handler = type("BoundHandler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._stopping.clear()
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-ollama", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; handlers still sleeping in `delay_s` are woken so nothing lingers."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeOllama is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- inspection ------------------------------------------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Recorded requests for one endpoint, e.g. ``requests_to("/api/chat")``."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    @property
    def last_chat(self) -> RecordedRequest:
        """The most recent ``/api/chat`` request (AssertionError if there was none)."""
        chats = self.requests_to("/api/chat")
        assert chats, "no /api/chat request was received"
        return chats[-1]

    # -- behaviour -------------------------------------------------------------------------------------------

    def wait(self) -> None:
        """Sleep `delay_s`, but wake at once when the server stops."""
        if self.delay_s > 0:
            self._stopping.wait(self.delay_s)

    def reply_for(self, messages: list[dict[str, Any]]) -> str:
        return self.reply(messages) if callable(self.reply) else self.reply

    @property
    def malformed_mode(self) -> Malformed | None:
        return "json" if self.malformed is True else (self.malformed or None)


class _Handler(BaseHTTPRequestHandler):
    """Routes one request; the bound subclass carries the `fake` whose settings apply."""

    fake: FakeOllama
    protocol_version = "HTTP/1.1"
    server_version = "FakeOllama"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output stays readable."""

    # -- entry points ----------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        self.fake.record(RecordedRequest(method, path, body, dict(self.headers.items())))
        self.fake.wait()
        if self.fake._stopping.is_set():
            self.close_connection = True
            return
        routes: dict[tuple[str, str], Callable[[Any], None]] = {
            ("GET", "/api/version"): self._version,
            ("GET", "/api/tags"): self._tags,
            ("GET", "/api/ps"): self._ps,
            ("POST", "/api/show"): self._show,
            ("POST", "/api/chat"): self._chat,
        }
        if method == "HEAD" and path == "/":
            self._send_text(200, "")
            return
        if method == "GET" and path == "/":
            self._send_text(200, "Ollama is running")
            return
        route = routes.get((method, path))
        if route is None:
            self._send_text(404, "404 page not found")
            return
        try:
            route(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (timeout test); nothing left to answer.
            self.close_connection = True

    # -- endpoints -------------------------------------------------------------------------------------------

    def _version(self, _body: Any) -> None:
        self._send_json(200, {"version": self.fake.version})

    def _tags(self, _body: Any) -> None:
        self._send_json(200, {"models": [_tag_entry(m) for m in self.fake.models]})

    def _ps(self, _body: Any) -> None:
        self._send_json(200, {"models": []})

    def _show(self, body: Any) -> None:
        name = self._model_name(body)
        if name is None:
            return
        model = resolve_model(name, self.fake.models)
        if model is None:
            self._send_json(404, {"error": f"model '{name}' not found"})
            return
        self._send_json(200, {
            "license": "",
            "modelfile": f"FROM {model}\n",
            "parameters": "stop \"<|eot_id|>\"",
            "template": "{{ .Prompt }}",
            "details": _details(model),
            "model_info": {"general.architecture": _details(model)["family"], "general.parameter_count": 8_030_261_248},
            "capabilities": ["completion"],
            "modified_at": _now(),
        })

    def _chat(self, body: Any) -> None:
        name = self._model_name(body)
        if name is None:
            return
        model = resolve_model(name, self.fake.models)
        if model is None:
            self._send_json(404, {"error": f'model "{name}" not found, try pulling it first'})
            return
        messages = list(body.get("messages") or [])
        text = self.fake.reply_for(messages)
        if body.get("stream", True):
            self._send_stream(model, text)
        else:
            self._send_json(200, {**_chat_chunk(model, text, done=True), **_final_stats(text)})

    def _model_name(self, body: Any) -> str | None:
        """The requested model; answers 400 like Ollama when there is none."""
        name = body.get("model") if isinstance(body, dict) else None
        if not name:
            self._send_json(400, {"error": "model is required"})
            return None
        return str(name)

    # -- wire ------------------------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_text(self, status: int, text: str) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_json(self, status: int, obj: Any) -> None:
        """One JSON body; `malformed` turns successful bodies into invalid JSON or a cut-off body."""
        payload = json.dumps(obj, ensure_ascii=False).encode()
        mode = self.fake.malformed_mode if status == 200 else None
        if mode == "json":
            payload = payload[: max(1, len(payload) // 2)] + b"<<kein JSON>>"
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        if mode == "truncated":
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_WR)
            return
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self._write(payload)

    def _write(self, data: bytes) -> None:
        """Write a body part; in slow-drip mode byte by byte, stopping when the server stops."""
        if self.fake.drip_s <= 0:
            self.wfile.write(data)
            return
        for i in range(len(data)):
            if self.fake._stopping.wait(self.fake.drip_s):
                raise ConnectionResetError("fake server stopping")
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()

    def _send_stream(self, model: str, text: str) -> None:
        """NDJSON over chunked encoding, one piece per line, a final `done` line with the statistics.

        With `malformed`, the first piece arrives intact and then the stream breaks (an invalid line, or
        the connection closes without the terminating chunk), so mid-stream failures can be tested.
        """
        mode = self.fake.malformed_mode
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for index, line in enumerate(_stream_lines(model, text)):
            if mode and index == 1:
                if mode == "json":
                    self._write_chunk(b'{"model": "' + model.encode() + b'", "message": {"content": \n')
                    self._write_chunk(b"")
                else:
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_WR)
                return
            self._write_chunk(line)
            # A tiny pause makes pieces arrive as separate reads, as with a real model.
            time.sleep(0.001)
        self._write_chunk(b"")

    def _write_chunk(self, data: bytes) -> None:
        if self.fake.drip_s > 0 and data:
            for i in range(len(data)):  # one chunk per byte: the client sees progress every drip_s
                self._write(f"1\r\n".encode() + data[i:i + 1] + b"\r\n")
            return
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _chat_chunk(model: str, content: str, *, done: bool) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "model": model,
        "created_at": _now(),
        "message": {"role": "assistant", "content": content},
        "done": done,
    }
    if done:
        chunk["done_reason"] = "stop"
    return chunk


def _final_stats(text: str) -> dict[str, Any]:
    tokens = len(split_pieces(text))
    return {
        "total_duration": 1_200_000_000,
        "load_duration": 50_000_000,
        "prompt_eval_count": 42,
        "prompt_eval_duration": 100_000_000,
        "eval_count": tokens,
        "eval_duration": 1_000_000_000,
    }


def _stream_lines(model: str, text: str) -> Iterator[bytes]:
    for piece in split_pieces(text):
        yield json.dumps(_chat_chunk(model, piece, done=False), ensure_ascii=False).encode() + b"\n"
    final = {**_chat_chunk(model, "", done=True), **_final_stats(text)}
    yield json.dumps(final, ensure_ascii=False).encode() + b"\n"

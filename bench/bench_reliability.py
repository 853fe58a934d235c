"""Reliability figures (printed, not asserted): alias-bomb refusal, and the LLM deadline against a 1 byte/s server.

    .venv/bin/python bench/bench_reliability.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bomb() -> None:
    from test_reliability import BOMB

    from assistant.knowledge.loaders import IngestError, load_document

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bombe.md"
        path.write_text(BOMB, encoding="utf-8")
        before, started = rss_mb(), time.perf_counter()
        try:
            load_document(path, "uploads/bombe.md", 10**7)
            outcome = "loaded (!)"
        except IngestError as exc:
            outcome = f"refused: {exc.reason[:60]}…"
        print(f"alias bomb ({len(BOMB.encode())} bytes): {outcome} in {(time.perf_counter() - started) * 1000:.1f} ms, "
              f"peak RSS +{rss_mb() - before:.0f} MB")


def drip(timeout_s: float = 5.0) -> None:
    from fake_ollama import FakeOllama

    from assistant.config import Settings
    from assistant.writing.ollama_client import LLMUnavailable, OllamaClient

    reply = "Ein Pilotprojekt dauert acht bis zwölf Wochen [1]. " * 7  # ~375 bytes, as in the probe
    with FakeOllama(reply=reply, drip_s=1.0) as server, tempfile.TemporaryDirectory() as tmp:
        client = OllamaClient(Settings(ollama_host=server.url, llm_timeout_s=timeout_s, data_dir=Path(tmp)))
        for label, call in (("chat", lambda: client.chat([{"role": "user", "content": "x"}])),
                            ("stream", lambda: list(client.stream([{"role": "user", "content": "x"}])))):
            started = time.perf_counter()
            try:
                call()
                outcome = "answered"
            except LLMUnavailable as exc:
                outcome = exc.reason
            print(f"1 byte/s server, {label}, ASSISTANT_LLM_TIMEOUT_S={timeout_s:g}: {outcome} after "
                  f"{time.perf_counter() - started:.1f} s (reply needs ~{len(reply.encode()) + 200} s)")


if __name__ == "__main__":
    bomb()
    drip()

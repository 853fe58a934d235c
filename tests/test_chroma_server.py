"""The CHROMA_HOST path: a shared index on a real Chroma server (`chroma run` from the chromadb package).

The server is started by the test on 127.0.0.1 with a bounded wait for its heartbeat; a second test points the
CLI at a port where nothing listens and expects a clear message instead of a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fake_ollama import closed_port_url
from typer.testing import CliRunner

from assistant.config import Settings, reset_settings

CHROMA = Path(sys.executable).parent / "chroma"
START_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.fail(f"chroma CLI missing at {CHROMA} (it ships with the chromadb package)")
    port = int(closed_port_url().rsplit(":", 1)[1])
    path = tmp_path_factory.mktemp("chroma_server")
    log = (path / "server.log").open("wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path / "db"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {(path / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"chroma server did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_ingest_and_ask_against_a_chroma_server(chroma_server, tmp_path, kb_dir):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.engine import Engine

    settings = Settings(data_dir=tmp_path / "data", kb_dir=kb_dir, chroma_host="127.0.0.1", chroma_port=chroma_server)
    engine = Engine(settings)
    report = engine.ingestor.run()
    assert report.ok, report.failed
    assert not (settings.data_dir / "chroma").exists()  # vectors went to the server, not the local folder
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server,
                                 settings=ChromaSettings(anonymized_telemetry=False))
    remote = client.get_collection(settings.collection)
    assert remote.count() == engine.store.count_chunks() > 0
    answer = engine.answerer.ask("Wie lange dauert ein Pilotprojekt?")
    assert answer.grounded and any(s.source.endswith("handbuch.pdf") for s in answer.sources)
    # a second writer on another machine would share it: a fresh engine sees the same vectors, nothing to redo
    again = Engine(settings).ingestor.run()
    assert again.count("unchanged") == 4 and again.orphans_removed == 0


def test_server_down_gives_a_clear_message_not_a_traceback(tmp_path, kb_dir, monkeypatch):
    from assistant import cli

    port = closed_port_url().rsplit(":", 1)[1]
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KB_DIR", str(kb_dir))
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", port)
    reset_settings()
    try:
        result = CliRunner().invoke(cli.app, ["ingest", "--quiet"])
    finally:
        reset_settings()
    assert result.exit_code == 1
    assert "Chroma-Server" in result.output and f"127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)

"""The app as a real `streamlit run` on a free loopback port, shared by the browser tests and the app benchmark.

Both need the same start-up (no usage statistics, no file watcher, no Ollama from the caller's environment), the
same health wait and the same clean stop, so a change to how the app is started is made once.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90, poll_s: float = 0.5) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(poll_s)
    raise TimeoutError("streamlit did not become healthy")


@contextmanager
def streamlit_app(data_dir: Path, output: IO | int = subprocess.DEVNULL, timeout_s: float = 90,
                  poll_s: float = 0.5) -> Iterator[str]:
    """Start the app over `data_dir`, yield its URL once healthy, stop it afterwards (kill if it hangs)."""
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("OLLAMA_HOST", None)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout_s, poll_s)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()

"""First answer in the app after start (printed figures, not a test).

Starts `streamlit run app.py` as a fresh process over an ingested index (default `.data`, or ASSISTANT_DATA_DIR),
opens the chat page ("Fragen") in the system Chromium and asks one question. Prints: server start until healthy,
page ready, and question sent until the answer's source list shows, plus a second question (warm). Median of
`--runs` fresh server starts. Needs Playwright and /usr/bin/chromium (`make browser`).
Run: `.venv/bin/python bench/bench_app_first_answer.py [--runs 3]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Welche Förderung gibt es für Beratung zur Digitalisierung?"
SECOND = "Muss ich Kunden sagen, dass sie mit einem Bot sprechen?"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("streamlit did not become healthy")


def ask(page, question: str, n_before: int) -> float:
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    page.get_by_text("Quellen (").nth(n_before).wait_for()
    return time.perf_counter() - t0


def one_run(data_dir: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    env.pop("OLLAMA_HOST", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        healthy(url, proc)
        t_healthy = time.perf_counter() - t0
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            context = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium",
                                                           args=CHROMIUM_ARGS, locale="de-DE")
            page = context.new_page()
            page.set_default_timeout(180_000)
            page.goto(url + "/fragen")
            page.locator('[data-testid="stChatInputTextArea"]').wait_for()
            t_page = time.perf_counter() - t0
            first = ask(page, QUESTION, 0)
            second = ask(page, SECOND, 1)
            context.close()
        return {"healthy": t_healthy, "page": t_page, "first": first, "total": t_page + first, "second": second}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data_dir = Path(os.environ.get("ASSISTANT_DATA_DIR", ROOT / ".data"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; data: {data_dir}")
    runs = [one_run(data_dir) for _ in range(args.runs)]
    for key, label in (("healthy", "server healthy after start"), ("page", "chat page ready after start"),
                       ("first", "first answer (question sent -> sources shown)"),
                       ("total", "start -> first answer"), ("second", "second answer (warm)")):
        values = [r[key] for r in runs]
        print(f"{label:48} median {statistics.median(values):6.2f} s  (runs: "
              + ", ".join(f"{v:.2f}" for v in values) + ")")


if __name__ == "__main__":
    main()

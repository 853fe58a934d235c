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
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from streamlit_server import streamlit_app  # noqa: E402 - shared with the browser tests

QUESTION = "Welche Förderung gibt es für Beratung zur Digitalisierung?"
SECOND = "Muss ich Kunden sagen, dass sie mit einem Bot sprechen?"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def ask(page, question: str, n_before: int) -> float:
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    page.get_by_text("Quellen (").nth(n_before).wait_for()
    return time.perf_counter() - t0


def one_run(data_dir: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    with streamlit_app(data_dir, timeout_s=120, poll_s=0.1) as url:
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

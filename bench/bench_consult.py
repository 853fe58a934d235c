"""Offline consultation latency per persona, after models and index are loaded (target < 1 s).

Uses ASSISTANT_DATA_DIR if it holds an index, else ingests the knowledge base into a temp dir first.
Run: `.venv/bin/python bench/bench_consult.py`.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings, disable_telemetry  # noqa: E402
from assistant.evals.consult_eval import load_personas  # noqa: E402
from assistant.engine import Engine  # noqa: E402
from assistant.intake import parse_intake  # noqa: E402


def main() -> None:
    disable_telemetry()
    settings = Settings()
    if not settings.db_path.exists():
        settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench_consult_")))
    engine = Engine(settings)
    t0 = time.perf_counter()
    engine.ingestor.run()
    ingest_s = time.perf_counter() - t0
    personas = [(name, parse_intake(data)) for name, data in load_personas()]
    engine.consultant.consult(personas[0][1], date=dt.date(2026, 11, 23))  # warm-up: model, BM25, catalogue
    times = {}
    for name, intake in personas:
        t0 = time.perf_counter()
        engine.consultant.consult(intake, date=dt.date(2026, 11, 23))
        times[name] = time.perf_counter() - t0
    values = sorted(times.values())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"index ready in {ingest_s:.1f} s; {len(values)} personas")
    print(f"consult (offline, warm): median {statistics.median(values) * 1000:.0f} ms, "
          f"max {values[-1] * 1000:.0f} ms (target < 1000 ms)")


if __name__ == "__main__":
    main()

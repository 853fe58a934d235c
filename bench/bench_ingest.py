"""Ingest benchmarks (printed figures, not tests).

(a) full ingest of the knowledge base vs. raw `model.encode` of the same chunks (target ≤ 1.2×),
(b) re-ingest of the unchanged corpus, in-process and as the CLI command (target < 2 s).
Run: `.venv/bin/python bench/bench_ingest.py` (or `make bench`).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.knowledge.chunking import chunk_document, index_text  # noqa: E402
from assistant.config import Settings, disable_telemetry  # noqa: E402
from assistant.knowledge.embeddings import get_embedder  # noqa: E402
from assistant.knowledge.ingest import Ingestor, discover, source_for  # noqa: E402
from assistant.knowledge.loaders import load_document  # noqa: E402


def main() -> None:
    disable_telemetry()
    data = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    settings = Settings(data_dir=data)
    embedder = get_embedder(settings)  # model load is not part of either figure
    embedder.encode(["Aufwärmen"])

    files = discover([settings.kb_dir])
    docs = [load_document(p, source_for(p, settings), 10**9) for p in files]
    chunks = [c for d in docs if d for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]
    texts = [index_text(c) for c in chunks]
    t0 = time.perf_counter()
    embedder.encode(texts)
    encode_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = Ingestor(settings).run()
    ingest_s = time.perf_counter() - t0
    assert report.ok, report.failed

    t0 = time.perf_counter()
    again = Ingestor(settings).run()
    reingest_s = time.perf_counter() - t0
    assert again.count("unchanged") == len(report.results) - again.count("skipped")

    env = dict(os.environ, ASSISTANT_DATA_DIR=str(data))
    cli = Path(sys.executable).parent / "assistant"
    t0 = time.perf_counter()
    subprocess.run([str(cli), "ingest", "--quiet"], env=env, check=True, capture_output=True)
    reingest_cli_s = time.perf_counter() - t0

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"corpus: {len(files)} files, {len(chunks)} chunks")
    print(f"(a) raw model.encode:         {encode_s:7.2f} s")
    print(f"    full ingest:              {ingest_s:7.2f} s   ratio {ingest_s / encode_s:.2f}x (target <= 1.2x)")
    print(f"(b) re-ingest unchanged:      {reingest_s:7.2f} s   (in-process, target < 2 s)")
    print(f"    re-ingest via CLI:        {reingest_cli_s:7.2f} s   (incl. interpreter and library imports)")


if __name__ == "__main__":
    main()

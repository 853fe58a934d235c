"""Retrieval latency with synthetic corpora of 1k, 10k and 100k chunks (printed figures, not tests).

Chunks are built from the knowledge base's own vocabulary and get random unit vectors (encoding 100k chunks
would take half an hour on 2 cores and is not what is measured); queries are encoded for real, so the figures
include query embedding, Chroma HNSW search, BM25 over the whole corpus and fusion.
Targets: p95 < 100 ms at 10k, < 300 ms at 100k. Run: `.venv/bin/python bench/bench_retrieval.py [1000 10000 100000]`.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings, disable_telemetry  # noqa: E402
from assistant.models import Chunk  # noqa: E402
from assistant.knowledge.retrieval import HybridRetriever  # noqa: E402
from assistant.knowledge.index_store import IndexStore  # noqa: E402

QUERIES = [
    "Welche Förderung gibt es für Beratung zur Digitalisierung?", "Brauche ich eine Datenschutz-Folgenabschätzung?",
    "Wie starte ich ein KI-Pilotprojekt?", "Was muss der Betriebsrat wissen?", "Angebote schneller schreiben",
    "Rechnungen automatisch erfassen", "Wer verantwortet die KI-Strategie?", "Hochrisiko KI Bewerber",
    "Zuschuss Sachsen Software", "Kosten und Nutzen berechnen",
]


def vocabulary(kb: Path) -> list[str]:
    words: list[str] = []
    for path in kb.rglob("*.md"):
        words.extend(w for w in path.read_text(encoding="utf-8").split() if w.isalpha() and len(w) > 3)
    return words or ["Digitalisierung", "Förderung", "Beratung"]


def build(n: int, words: list[str], settings: Settings) -> IndexStore:
    rng = random.Random(n)
    np_rng = np.random.default_rng(n)
    store = IndexStore(settings)
    step = 5000
    for start in range(0, n, step):
        chunks = [
            Chunk(chunk_id=f"syn{i}", doc_id=f"doc{i // 8}", title=f"Dokument {i // 8}", doc_type="guidance",
                  source=f"synthetic/{i // 8}.md", section="Abschnitt", region=rng.choice(["DE", "BY", "SN", "NW"]),
                  text=" ".join(rng.choices(words, k=120)))
            for i in range(start, min(n, start + step))
        ]
        vecs = np_rng.normal(size=(len(chunks), 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.add_vectors(chunks, vecs)
        with store.transaction() as db:
            db.executemany("INSERT INTO chunks (chunk_id, doc_id, seq, title, doc_type, source, section, page, region,"
                           " text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           [(c.chunk_id, c.doc_id, 0, c.title, c.doc_type, c.source, c.section, c.page, c.region,
                             c.text) for c in chunks])
            store._bump(db)
    store.set_meta("embed_model", settings.embed_model)
    return store


def main(sizes: list[int], reuse: Path | None = None) -> None:
    """`--reuse DIR` measures an index an earlier run built (its folder is printed), skipping the build."""
    disable_telemetry()
    words = vocabulary(Path(__file__).resolve().parent.parent / "knowledge_base")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'chunks':>8} {'build s':>8} {'bm25 s':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for n in sizes:
        settings = Settings(data_dir=reuse or Path(tempfile.mkdtemp(prefix=f"bench_ret_{n}_")))
        t0 = time.perf_counter()
        store = IndexStore(settings) if reuse else build(n, words, settings)
        build_s = time.perf_counter() - t0
        n = store.count_chunks()
        print(f"# index folder: {settings.data_dir}", flush=True)
        retriever = HybridRetriever(settings, store)
        t0 = time.perf_counter()
        retriever.lexical()
        bm25_s = time.perf_counter() - t0
        retriever.search(QUERIES[0], k=5)  # warm-up: model load, HNSW load
        times = []
        for _ in range(5):
            for q in QUERIES:
                t0 = time.perf_counter()
                retriever.search(q, k=5)
                times.append((time.perf_counter() - t0) * 1000)
        p50, p95 = np.percentile(times, [50, 95])
        print(f"{n:>8} {build_s:>8.1f} {bm25_s:>7.1f} {p50:>7.1f} {p95:>7.1f} {max(times):>7.1f}", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--reuse" in args:
        main([0], reuse=Path(args[args.index("--reuse") + 1]))
    else:
        main([int(a) for a in args] or [1000, 10000, 100000])

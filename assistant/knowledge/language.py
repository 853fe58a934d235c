"""Is a question English, and which German search terms does it stand for?

The knowledge base is German. The dense leg (multilingual USE) bridges languages by itself; BM25 does not, so an
English question gets German search terms from a small domain glossary (assistant/data/query_glossary_en_de.yaml)
added to its lexical query. The answer language follows the question when the caller does not set one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.yaml_io import load_trusted

_EN = {"the", "is", "are", "can", "which", "what", "how", "we", "our", "my", "for", "there", "does", "do", "with",
       "get", "any", "a", "an", "of", "to", "in", "when", "who", "should", "it", "this", "that", "still", "you",
       "i", "and", "or", "from", "be", "have", "has", "us", "your", "apply", "about", "need"}
_DE = {"der", "die", "das", "und", "ist", "wir", "ich", "für", "gibt", "es", "ein", "eine", "mit", "wie", "was",
       "kann", "können", "unser", "unsere", "noch", "auf", "bei", "den", "dem", "zu", "nicht", "sich", "welche",
       "sind", "muss", "haben", "wer", "man", "oder", "auch", "im", "vom", "zum", "zur"}
_WORD = re.compile(r"[a-zäöüß&'-]+")


def is_english(text: str) -> bool:
    words = _WORD.findall(text.lower())
    en = sum(w in _EN for w in words)
    de = sum(w in _DE for w in words)
    return en >= 2 and en > 2 * de


@lru_cache(maxsize=1)
def _glossary() -> dict[str, str]:
    raw = resources.files("assistant").joinpath("data/query_glossary_en_de.yaml").read_text(encoding="utf-8")
    return {str(k).lower(): str(v) for k, v in (load_trusted(raw) or {}).items()}


def german_terms(text: str) -> str:
    """German search terms for the English phrases in `text` (longest phrases first, each once)."""
    rest = f" {text.lower()} "
    terms = []
    for phrase, german in sorted(_glossary().items(), key=lambda kv: -len(kv[0])):
        pattern = rf"(?<![\w-]){re.escape(phrase)}(?![\w-])"
        if re.search(pattern, rest):
            terms.append(german)
            rest = re.sub(pattern, " ", rest)
    return " ".join(terms)


def lexical_query(text: str) -> str:
    """The text BM25 searches with: the question itself, plus German terms when it is English."""
    return f"{text} {german_terms(text)}" if is_english(text) else text


_NAME = re.compile(r"(?<=[a-z,;:] )([A-ZÄÖÜ][\w-]+(?: [A-ZÄÖÜ][\w-]+)*)")


def drop_english_stopwords(text: str) -> str:
    """"for", "in", "is" also occur in the German corpus (English titles, quotes): they must not count as the
    question's terms."""
    return " ".join(w for w in text.split() if w.lower().strip("?,.!:;") not in _EN)


def english_names(text: str) -> list[str]:
    """Capitalised names inside an English sentence ("EIC Accelerator", "Lisbon") that the glossary does not
    translate: they name the topic, so a German passage must contain them to count as covering the question."""
    glossary = _glossary()
    return [m for m in _NAME.findall(text) if m.lower() not in glossary]

"""German lexical analysis for BM25: an English tokenizer on German text misses most matches.

Lower-casing, umlaut/ß folding (so "Förderung", "Foerderung" and "Forderung" typed without umlauts meet),
German Snowball stemming and stop words. Compounds are not split; the dense leg and stemming cover part of it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import Stemmer

_TOKEN_RE = re.compile(r"[0-9a-zäöüß]+", re.IGNORECASE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Folded German stop words, including question words that carry no topic."""
    text = resources.files("assistant").joinpath("data/german_stopwords.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for w in text.split())


def fold(text: str) -> str:
    """Lower-case and fold umlauts and ß (ae/oe/ue spellings are folded too)."""
    text = text.lower().translate(_FOLD)
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def analyze(text: str) -> list[str]:
    """Tokens for the lexical index and for queries: folded, stop words removed, stemmed."""
    stops = stopwords()
    words = [fold(w) for w in _TOKEN_RE.findall(text)]
    words = [w for w in words if len(w) > 1 and w not in stops]
    return _stemmer().stemWords(words)

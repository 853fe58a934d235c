"""Amounts in euros as people type them: "20.000 €", "20 T€", "20k", "ca. 20.000", "1,5 Mio." -> 20000.0 / 1.5e6.

Why not refuse text as for other numbers: a budget or a revenue is the one number office users write with
thousands separators, currency signs and abbreviations, and the old form stored "20.000 €" as 20. Everything
but digits and separators must be a known currency word, hedge ("ca.") or scale ("T€", "Mio."); anything else
is an error, never a guess. Babel parses the digits in the user's language; a separator followed by exactly
three digits is always a thousands separator (nobody writes euros with three decimals).
"""

from __future__ import annotations

import re

from babel.numbers import NumberFormatError, parse_decimal

from assistant.i18n import formatting

_HEDGES = re.compile(r"^(ca\.?|circa|zirka|etwa|rund|ungefähr|approx\.?|about|around|~|≈)\s*", re.IGNORECASE)
_CURRENCY = re.compile(r"(€|eur(o|os)?\b)", re.IGNORECASE)
_SCALES = [(re.compile(r"(mio\.?|millionen|million|mn|m)$", re.IGNORECASE), 1_000_000),
           (re.compile(r"(tsd\.?|tausend|thousand|t|k)$", re.IGNORECASE), 1_000)]
_GROUPED = re.compile(r"\d{1,3}([.,'’ ])\d{3}(\1\d{3})*")


class AmountError(ValueError):
    """The text is not an amount in euros."""


def parse_amount(text: str, lang: str | None = "de") -> float:
    """The amount in euros a person meant; AmountError if the text is not one."""
    s = " ".join(str(text).replace("\u00a0", " ").split())
    s = _HEDGES.sub("", s)
    s = _CURRENCY.sub("", s).strip()
    factor = 1
    for pattern, scale in _SCALES:
        match = pattern.search(s)
        if match and s[: match.start()].strip():
            factor, s = scale, s[: match.start()].strip()
            s = _CURRENCY.sub("", s).strip()
            break
    negative = s.startswith("-")
    s = s.lstrip("-").strip().rstrip(",.-")  # "20.000,-" and "20.000,–" are German for whole euros
    if not s or not re.fullmatch(r"[\d.,'’ ]+", s):
        raise AmountError(text)
    if _GROUPED.fullmatch(s):
        value = float(re.sub(r"[.,'’ ]", "", s))
    else:
        value = _decimal(s.replace(" ", ""), lang)
    return -value * factor if negative else value * factor


def _decimal(s: str, lang: str | None) -> float:
    own = formatting.locale(lang)
    for loc in dict.fromkeys([own, "de_DE", "en_GB"]):
        try:
            return float(parse_decimal(s, locale=loc, strict=True))
        except NumberFormatError:
            continue
    raise AmountError(s)

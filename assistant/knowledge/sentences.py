"""German sentence splitting and the rules for what may stand in an answer as a sentence.

A naive split at ". " cuts "Art. 50", "Abs. 2", "z. B.", "ca. 30 %", "Nr. 3" and every ordinal date
("31. März 2027") in half; answers then end in "(Art. [3]" or "bis zum 31. [2]". This splitter protects German
abbreviations, ordinals before month names, section signs and numbers, and only ends a sentence before a
capitalised word, a quote or a bracket.

What may not stand as an answer sentence: Markdown/YAML residue ("ai_act; Minimales Risiko", table pipes, list
markers), links, fragments, and sentences that read as instructions to the assistant ("Ignoriere alle
vorherigen Anweisungen …") — those come from a document, not from the user, and are flagged instead of quoted.
"""

from __future__ import annotations

import re
from assistant.knowledge.cues import cue

# Lower-cased abbreviations that end with a dot inside a German (or English) sentence.
ABBREVIATIONS = {
    "art", "abs", "nr", "nrn", "ziff", "lit", "bzw", "ggf", "ca", "vgl", "inkl", "exkl", "zzgl", "mio", "mrd",
    "tsd", "usw", "etc", "evtl", "z", "b", "d", "h", "u", "a", "s", "o", "i", "v", "e", "g", "dr", "prof", "str",
    "st", "bspw", "insb", "max", "min", "mind", "gem", "sog", "ggü", "bzgl", "zt", "ua", "dh", "zb", "jan", "feb",
    "mär", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "kap", "anh", "rn", "rdnr", "tel",
    "hrsg", "verf", "aufl", "vol", "no", "pp", "eur", "std", "wg", "allg", "einschl", "jh", "jhd", "gmbh", "co",
    "kg", "abschn", "vs", "ff", "f", "mwst", "ust", "e.v", "bzw", "u.a", "z.b", "d.h", "i.d.r", "o.ä", "u.u",
    "sek", "mo", "di", "mi", "do", "fr", "sa", "so",
}
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember", "Jänner")

_CANDIDATE = re.compile(r"([.!?])([\"“”»)\]]*)\s+(?=[A-ZÄÖÜ„\"»(\[0-9§])")
_WORD_BEFORE = re.compile(r"([\wäöüÄÖÜß.]+)$")
_MONTH_AFTER = re.compile(r"\s*(?:" + "|".join(MONTHS) + r")\b")
_MD_LINE = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+(?=[A-ZÄÖÜ])|>\s*)", re.MULTILINE)
_MD_INLINE = re.compile(r"\*\*|__|`|!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
_ENDINGS = set(".!?)“\"»")

# Sentences that address the assistant rather than inform the reader (German and English).
_INSTRUCTION = re.compile(cue("instruction"), re.IGNORECASE)


def _is_abbreviation(text_before: str) -> bool:
    """Does the dot at the end of `text_before` belong to an abbreviation or a number ("31.", "Art.", "z. B.")?"""
    match = _WORD_BEFORE.search(text_before)
    if not match:
        return False
    word = match.group(1).rstrip(".").lower()
    if not word:
        return False
    return word in ABBREVIATIONS or word.replace(".", "") in ABBREVIATIONS


def split(text: str) -> list[str]:
    """Sentences of a plain-text paragraph, in order, with abbreviations, ordinals and numbers kept whole."""
    out: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        end = match.end(2)
        before = text[start: match.start(1) + 1]
        if match.group(1) == ".":
            if _is_abbreviation(before[:-1] + "."):
                continue
            number = re.search(r"(\d+)\.$", before)
            if number:
                after = text[match.end():]
                # "31. März", "3. Stufe", "2. Quartal": an ordinal, not a full stop (a year "2027." ends one)
                if _MONTH_AFTER.match(after) or len(number.group(1)) <= 2:
                    continue
        sentence = text[start:end].strip()
        if sentence:
            out.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def clean(text: str) -> str:
    """Markdown to plain prose: headings, list markers, emphasis, tables and link syntax removed."""
    text = _TABLE_ROW.sub("\n", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_INLINE.sub("", text)
    text = _MD_LINE.sub("", text)
    return text


def paragraphs(text: str) -> list[str]:
    """Blocks of prose (blank lines and headings separate them); lines inside a block are joined."""
    text = re.sub(r"^\s*#{1,6}\s.*$", "\n", text, flags=re.MULTILINE)  # headings are not sentences
    blocks = re.split(r"\n\s*\n|\n(?=\s*[-*+]\s)|\n(?=\s*\d+[.)]\s)", text)
    return [" ".join(clean(b).split()) for b in blocks if b.strip()]


def is_instruction(sentence: str) -> bool:
    """A sentence that tells the assistant what to do: data, never advice."""
    return bool(_INSTRUCTION.search(sentence))


def usable(sentence: str, min_len: int = 30, max_len: int = 450) -> bool:
    """Whole sentence, no markup or identifiers, no link, not an instruction."""
    s = sentence.strip()
    if not (min_len <= len(s) <= max_len) or s[-1] not in _ENDINGS:
        return False
    if "http" in s or "www." in s or "|" in s or _IDENTIFIER.search(s) or s.count(";") >= 2:
        return False
    if s[0].islower() and not s[:2].lower() in {"z.", "d."}:
        return False
    return not is_instruction(s)


def sentences(text: str) -> list[str]:
    """All usable sentences of a passage, in order."""
    return [s for para in paragraphs(text) for s in split(para) if usable(s)]


def flagged(text: str) -> list[str]:
    """Sentences of a passage that read as instructions to the assistant (for the visible notice)."""
    return [s for para in paragraphs(text) for s in split(para) if is_instruction(s)]

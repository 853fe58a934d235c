"""The one formatter per kind of value (money, numbers, percentages, dates), all through Babel.

A person never reads an ISO date: German output shows `02.12.2026`, English `2 Dec 2026`. JSON keeps ISO dates.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

LOCALES = {"de": "de_DE", "en": "en_GB"}
DAY_FORMAT = {"de": "dd.MM.yyyy", "en": "d MMM yyyy"}
SHORT_DAY_FORMAT = {"de": "dd.MM.", "en": "d MMM"}
MONTH_FORMAT = {"de": "MMMM yyyy", "en": "MMMM yyyy"}


def locale(lang: str | None) -> str:
    return LOCALES.get(lang or "de", "de_DE")


def _lang(lang: str | None) -> str:
    return "en" if lang == "en" else "de"


def money(value: float | int, lang: str | None = "de", cents: bool = False) -> str:
    """`12.500 €` / `€12,500`; whole euros unless `cents`."""
    pattern = None if cents else ("#,##0\u00a0¤" if _lang(lang) == "de" else "¤#,##0")
    return format_currency(value, "EUR", format=pattern, locale=locale(lang), currency_digits=cents)


def money_range(low: float | int, high: float | int, lang: str | None = "de") -> str:
    """`3.000–8.000 €` / `€3,000–8,000`."""
    if _lang(lang) == "de":
        return f"{number(low, lang)}–{number(high, lang)}\u00a0€"
    return f"€{number(low, lang)}–{number(high, lang)}"


def number(value: float | int, lang: str | None = "de", decimals: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale(lang))


def smart_number(value: float | int, lang: str | None = "de") -> str:
    """Whole numbers without decimals, others with one (`12`, `12,5`)."""
    return number(value, lang, 0 if float(value).is_integer() else 1)


def percent(share: float, lang: str | None = "de") -> str:
    """A share 0..1 as `30 %` / `30%`."""
    return format_percent(share, format="#,##0\u00a0%" if _lang(lang) == "de" else "#,##0%", locale=locale(lang))


def _as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def day(value: dt.date | str, lang: str | None = "de") -> str:
    """`02.12.2026` / `2 Dec 2026`."""
    return format_date(_as_date(value), DAY_FORMAT[_lang(lang)], locale=locale(lang))


def short_day(value: dt.date | str, lang: str | None = "de") -> str:
    """`02.12.` / `2 Dec` (tables where the year is clear)."""
    return format_date(_as_date(value), SHORT_DAY_FORMAT[_lang(lang)], locale=locale(lang))


def month_year(value: dt.date | str, lang: str | None = "de") -> str:
    """`Juli 2025` / `July 2025` (status ages)."""
    return format_date(_as_date(value), MONTH_FORMAT[_lang(lang)], locale=locale(lang))


# --- ui/struct: a moment (saved at, indexed at) -----------------------------------------------------------------
DAY_TIME_FORMAT = {"de": "dd.MM.yyyy, HH:mm", "en": "d MMM yyyy, HH:mm"}


def day_time(value: dt.datetime | str, lang: str | None = "de") -> str:
    """`02.12.2026, 14:05` / `2 Dec 2026, 14:05` (when a consultation was saved)."""
    from babel.dates import format_datetime

    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, DAY_TIME_FORMAT[_lang(lang)], locale=locale(lang))

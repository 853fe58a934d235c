"""Free, neutral help near a firm: Mittelstand-Digital Zentren, EDIHs, state AI offers and chambers.

The data (knowledge_base/contacts/contacts.yaml) carries the facts of the fact sheet with status dates. Many of
these offers run on project funding, so a contact whose newest evidence is older than a year, or whose funding
period has passed, is returned with `may_have_ended` set: the product says so instead of sending a managing
director to an office that may be closed.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from assistant.yaml_io import load_trusted
from pydantic import BaseModel

ContactKind = Literal["mittelstand_digital_zentrum", "edih", "state_ai_offer", "chamber"]
STALE_AFTER_DAYS = 365
# Order in which a consultant names them: the regional centre first, then the state's hub and AI offers,
# thematic centres that fit the industry, and the chambers as the always-available first contact.
KIND_ORDER = {"mittelstand_digital_zentrum": 0, "edih": 1, "state_ai_offer": 2, "chamber": 3}


class Contact(BaseModel):
    id: str
    name: str
    kind: ContactKind
    states: list[str]
    nationwide: bool = False
    city: str | None = None
    url: str | None = None
    industries: list[str] = []
    project_funded: bool = False
    status_as_of: str | None = None
    confidence: Literal["high", "medium", "low"] = "medium"
    ends_on: dt.date | None = None
    description: dict[str, str]
    source: str = ""
    may_have_ended: bool = False

    def focus(self, lang: str = "de") -> str:
        return self.description.get("en" if lang == "en" else "de") or self.description["de"]

    def evidence_text(self, lang: str) -> str:
        """The status date as a person reads it: "2021-07" -> "Juli 2021", a year stays, a full date as a day."""
        from assistant.i18n import formatting as fmt

        value = self.status_as_of
        if not value:
            return ""
        if len(value) == 7:
            return fmt.month_year(f"{value}-01", lang)
        if len(value) >= 10:
            return fmt.day(value, lang)
        return value

    def evidence_date(self) -> dt.date | None:
        """The status date as a day (a year alone counts as its last day, a month as its first)."""
        if not self.status_as_of:
            return None
        text = self.status_as_of
        try:
            if len(text) == 4:
                return dt.date(int(text), 12, 31)
            if len(text) == 7:
                return dt.date(int(text[:4]), int(text[5:7]), 1)
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


class ContactsFile(BaseModel):
    as_of: dt.date
    contacts: list[Contact]


@lru_cache(maxsize=4)
def load_contacts(kb_dir: Path) -> tuple[Contact, ...]:
    path = kb_dir / "contacts" / "contacts.yaml"
    if not path.exists():
        return ()
    data = ContactsFile.model_validate(load_trusted(path.read_text(encoding="utf-8")))
    return tuple(data.contacts)


def _may_have_ended(contact: Contact, today: dt.date) -> bool:
    if contact.ends_on is not None and contact.ends_on < today:
        return True
    if not contact.project_funded:
        return False
    seen = contact.evidence_date()
    return seen is None or (today - seen).days > STALE_AFTER_DAYS


def contacts_for(kb_dir: Path, state: str, industry: str | None = None, today: dt.date | None = None,
                 limit: int | None = None) -> list[Contact]:
    """Contacts for a firm in `state`: the state's own offers first, then nationwide ones that fit the industry,
    each flagged when it may have ended. Nationwide centres without an industry fit are left out (they would
    crowd out the regional ones); the chambers always stay as the first point of contact."""
    today = today or dt.date.today()
    chosen = []
    for c in load_contacts(kb_dir.resolve()):
        if state not in c.states:
            continue
        fits_industry = bool(industry and industry in c.industries)
        if c.nationwide and c.kind != "chamber" and not fits_industry and c.kind != "state_ai_offer":
            continue
        if c.industries and not c.nationwide and industry and industry not in c.industries and c.kind == "state_ai_offer":
            continue
        chosen.append(c.model_copy(update={"may_have_ended": _may_have_ended(c, today)}))
    chosen.sort(key=lambda c: (c.nationwide and c.kind != "chamber", KIND_ORDER[c.kind], c.may_have_ended,
                               {"high": 0, "medium": 1, "low": 2}[c.confidence]))
    return chosen[:limit] if limit else chosen

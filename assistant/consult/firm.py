"""What the matcher knows about a firm beyond the questionnaire's fields: its segment and its own constraints.

Why a separate step: the questionnaire asks for an industry, but a plumber, a bakery and a hairdresser all answer
"Handwerk", and the free texts (constraints, staff attitude) carry what a consultant reads first — no in-house
IT, data that must stay in Germany, a busy season, a sceptical team, software already in use. The rules are data
(`data/firm_rules.yaml`), matched against the firm's own words; nothing here reads the eval labels.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.yaml_io import load_trusted
from pydantic import BaseModel


_WORD_START = r"(?<![a-zäöüß])"  # "stall" is a barn, not the middle of "Installation"


@lru_cache(maxsize=1)
def rules() -> dict:
    raw = resources.files("assistant.consult").joinpath("data/firm_rules.yaml").read_text(encoding="utf-8")
    return load_trusted(raw)


class FirmProfile(BaseModel):
    """The firm as the matcher sees it. `industries` is the stated industry plus, for "sonstige", the industry
    of a recognised segment; `evidence` keeps the firm's own phrase behind each constraint."""

    industry: str
    industries: list[str]
    segments: list[str] = []
    constraints: list[str] = []
    evidence: dict[str, str] = {}


def firm_text(intake) -> str:
    """Everything the firm wrote about itself, lower-cased."""
    parts = [getattr(intake.company, "name", None) or "", intake.pain_points,
             " ".join(p.name for p in intake.processes or []), getattr(intake, "constraints", None) or ""]
    return " ".join(parts).lower()


def detect_segments(intake) -> list[str]:
    """Segments whose words occur in the firm's texts, strongest first (own industry first, then hit count)."""
    text = firm_text(intake)
    name = (getattr(intake.company, "name", None) or "").lower()
    scored = []
    for key, spec in rules()["segments"].items():
        in_name = any(re.search(p, name) for p in spec["patterns"])  # names are compounds: "Blitzkurier"
        hits = sum(1 for p in spec["patterns"] if re.search(_WORD_START + p, text)) + int(in_name)
        if not hits:
            continue
        own = spec["industry"] == intake.company.industry
        if not own and intake.company.industry != "sonstige":
            continue
        scored.append((-(2 if in_name else 0) - hits, key))
    ranked = sorted(scored)
    # a second segment only with real evidence (two words or the name), not one stray word
    return [key for i, (score, key) in enumerate(ranked[:2]) if i == 0 or score <= -2]


def _sentence_with(text: str, pattern: str) -> str | None:
    """The firm's own sentence that contains a match (shortened), so the sheet quotes the firm, not a rule."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if re.search(pattern, sentence.lower()):
            sentence = sentence.strip()
            return sentence if len(sentence) <= 140 else sentence[:137].rsplit(" ", 1)[0] + " …"
    return None


def detect_constraints(intake, segments: list[str]) -> tuple[list[str], dict[str, str]]:
    """Constraint ids that the firm's texts or fields trigger, with the phrase that triggered each."""
    constraints_text = getattr(intake, "constraints", None) or ""
    text = f"{constraints_text} {intake.pain_points}"
    low = text.lower()
    found: list[str] = []
    evidence: dict[str, str] = {}
    for cid, spec in rules()["constraints"].items():
        scope = constraints_text.lower() if cid == "existing_software" else low  # software in the pains is a complaint
        hit = next((p for p in spec.get("patterns", []) if re.search(p, scope)), None)
        fired = hit is not None
        if cid == "no_inhouse_it":
            if intake.company.industry in spec["not_industries"]:
                fired = False
            elif intake.it_maturity <= spec["max_it_maturity"]:
                fired = True
        if cid == "sceptical_staff" and getattr(intake, "staff_attitude", None) in spec["attitude"]:
            fired = True
        if cid == "tiny_budget":
            budget = getattr(intake, "budget_eur", None)
            if budget is not None and budget <= spec["max_budget_eur"]:
                fired = True
        if cid == "works_council" and any(re.search(p, low) for p in spec["absent_patterns"]):
            fired = False
        if cid == "health_data" and intake.company.industry in spec["industries"]:
            fired = True
        if cid == "professional_secrecy" and set(segments) & set(spec["segments"]):
            fired = True
        if fired:
            found.append(cid)
            if hit is not None:
                quote = _sentence_with(constraints_text, hit) or _sentence_with(intake.pain_points, hit)
                if quote:
                    evidence[cid] = quote
    return found, evidence


def profile(intake) -> FirmProfile:
    segments = detect_segments(intake)
    industries = [intake.company.industry]
    if intake.company.industry == "sonstige":
        for seg in segments:
            ind = rules()["segments"][seg]["industry"]
            if ind not in industries:
                industries.append(ind)
    constraints, evidence = detect_constraints(intake, segments)
    return FirmProfile(industry=intake.company.industry, industries=industries, segments=segments,
                       constraints=constraints, evidence=evidence)

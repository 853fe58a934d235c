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

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_URL_RE = re.compile(r"https?://\S+|www\.\S+")


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


def unsupported(text: str, facts: str, programme_names: list[str]) -> str | None:
    """Why a model text cannot be trusted (None if it can): a number, link or programme not in the facts."""
    extra_numbers = _numbers(text) - _numbers(facts)
    if extra_numbers:
        return f"Zahl(en) ohne Beleg in den Eingaben: {', '.join(sorted(extra_numbers)[:5])}"
    for url in _URL_RE.findall(text):
        if url.rstrip(".,)") not in facts:
            return f"Link ohne Beleg: {url}"
    for name in programme_names:
        if name.lower() in text.lower() and name.lower() not in facts.lower():
            return f"Förderprogramm nicht in den Eingaben: {name}"
    if not text.strip():
        return "leerer Text"
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
        prompt = load_prompt("consult_refine", language_name="Deutsch" if de else "English",
                             intake_json=intake_json, facts_json=facts_json)
        try:
            refined = self.llm.chat_json([{"role": "user", "content": prompt}], Refinement)
        except (LLMUnavailable, LLMOutputInvalid) as exc:
            note = (f"Sprachmodell nicht genutzt ({exc}); Texte aus dem Offline-Modus." if de else
                    f"Language model not used ({exc}); texts from offline mode.")
            return result.model_copy(update={"warnings": result.warnings + [note]})
        return self._merge(result, refined, intake_json + facts_json, de)

    def _merge(self, result, refined: Refinement, facts: str, de: bool):
        names = programme_keywords(self.settings)
        warnings = list(result.warnings)
        used = False
        update: dict = {}

        def accept(field: str, text: str) -> bool:
            reason = unsupported(text, facts, names)
            if reason:
                warnings.append((f"Modelltext für {field} verworfen ({reason}); Offline-Text verwendet." if de else
                                 f"Model text for {field} discarded ({reason}); offline text used."))
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
                warnings.append((f"Modell lieferte keinen Text für {case.id}; Offline-Text verwendet." if de else
                                 f"Model returned no text for {case.id}; offline text used."))
            else:
                for field in ("problem", "solution", "why_this"):
                    if accept(f"{case.id}.{field}", getattr(new, field)):
                        changes[field] = getattr(new, field)
            used = used or bool(changes)
            cases.append(case.model_copy(update=changes))
        update.update(use_cases=cases, warnings=warnings, mode="ollama" if used else result.mode)
        return result.model_copy(update=update)

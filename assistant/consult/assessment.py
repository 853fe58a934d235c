"""Reading the intake: digital maturity (1–5) and the 3–5 leverage areas with the biggest lever.

Both are transparent rules over the intake, so an advisor can explain every result to the client.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.yaml_io import load_trusted
from pydantic import BaseModel

from assistant.consult.maturity_dimensions import Dimension
from assistant.consult.texts import texts
from assistant.i18n import formatting as fmt
from assistant.i18n import msg
from assistant.knowledge.german_analysis import analyze, fold

class Maturity(BaseModel):
    level: int
    label: str
    notes: list[str]
    self_assessed: int | None = None
    capped_by: list[str] = []
    dimensions: list[Dimension] = []  # the six DMA dimensions, 0–100 each (assistant/consult/maturity_dimensions.py)


class LeverageArea(BaseModel):
    id: str
    area: str
    why: str
    score: float


@lru_cache(maxsize=1)
def maturity_rules() -> dict:
    text = resources.files("assistant.consult").joinpath("data/maturity_rules.yaml").read_text(encoding="utf-8")
    return load_trusted(text)


def _cap_fires(rule: dict, intake, text: str, digital: set[str]) -> bool:
    sources = set(intake.data.sources)
    cfg = maturity_rules()
    if rule.get("no_digital") and digital:
        return False
    if "sources_all" in rule and not set(rule["sources_all"]) <= sources:
        return False
    if "max_digital" in rule and len(digital) > rule["max_digital"]:
        return False
    if "pattern" in rule and not re.search(rule["pattern"], text):
        return False
    if rule.get("no_system") and sources & set(cfg["system_sources"]):
        return False
    return True


def assess_maturity(intake, lang: str = "de") -> Maturity:
    """Self-assessed IT maturity, corrected by what the data and AI experience show, then capped by what the
    answers reveal (orders by fax, paper lists, no business system): a firm that takes orders by fax is not
    "integrated and AI-ready", whatever it ticked. Every correction and cap is stated as a reason."""
    m = "plan.maturity."
    level = float(intake.it_maturity)
    notes = [msg(m + "self", lang, level=intake.it_maturity)]
    sources = set(intake.data.sources)
    digital = sources & set(maturity_rules()["digital_sources"])
    quality = getattr(intake.data, "quality", None)
    if intake.ai_experience in {"piloting", "productive"}:
        level += 0.5
        notes.append(msg(m + "ai_used", lang))
    if quality == "low":
        level -= 0.5
        notes.append(msg(m + "quality_low", lang))
    elif quality == "high" and {"erp", "crm"} & sources:
        level += 0.5
        notes.append(msg(m + "quality_high", lang))
    final = int(min(5, max(1, round(level + 1e-9))))
    text = f"{intake.pain_points} {getattr(intake, 'constraints', None) or ''}".lower()
    fired = [r for r in maturity_rules()["caps"] if _cap_fires(r, intake, text, digital)]
    capped_by: list[str] = []
    if fired:
        cap = min(r["cap"] for r in fired)
        if final > cap:
            reasons = [r for r in fired if r["cap"] == cap]
            capped_by = [r["id"] for r in reasons]
            notes.append(msg(m + "capped", lang, level=cap, reason=" ".join(msg(m + f"cap_{r['id']}", lang)
                                                                           for r in reasons)))
            final = cap
    return Maturity(level=final, label=texts()["maturity_labels"][lang][final], notes=notes,
                    self_assessed=intake.it_maturity, capped_by=capped_by)


def _process_weight(proc) -> float:
    hours = proc.hours_per_month or 0.0
    pain = proc.pain or 3
    return (1.0 + hours / 10.0) * pain


def _pain_words(pain_points: str) -> dict[str, str]:
    """Stem -> the word as the firm wrote it, so a reason quotes the firm ("Fahrer"), never a stem ("fahrer")."""
    out: dict[str, str] = {}
    for word in re.findall(r"[A-Za-zÄÖÜäöüß-]{3,}", pain_points):
        for stem in analyze(word)[:1] + [fold(word)]:
            out.setdefault(stem, word)
    return out


def leverage_areas(intake, lang: str = "de", matched_area_ids: list[str] | None = None) -> list[LeverageArea]:
    """Areas scored by pain-point words, process hours × pain, and the areas of the best use cases."""
    m = "plan.levers."
    words = _pain_words(intake.pain_points)
    results: list[LeverageArea] = []
    for area in texts()["leverage_areas"]:
        stems = {analyze(w)[0] if analyze(w) else w for w in area["words"]}
        score = 0.0
        reasons: list[str] = []
        hits = []
        for w in area["words"]:
            stem = analyze(w)[0] if analyze(w) else None
            if stem and stem in words and words[stem] not in hits:
                hits.append(words[stem])
        if hits:
            score += 2.0 * len(hits)
            reasons.append(msg(m + "pain", lang, words=", ".join(msg("common.quoted", lang, text=h)
                                                                for h in hits[:4])))
        for proc in intake.processes or []:
            proc_tokens = set(analyze(proc.name))
            if proc_tokens & stems or any(w in fold(proc.name) for w in area["words"]):
                score += _process_weight(proc)
                reasons.append(process_phrase(proc, lang))
        if matched_area_ids and area["id"] in matched_area_ids:
            score += 3.0
            reasons.append(msg(m + "catalogue", lang))
        if score > 0:
            text = "; ".join(reasons)
            results.append(LeverageArea(id=area["id"], area=area[lang], why=text[0].upper() + text[1:] + ".",
                                        score=score))
    results.sort(key=lambda a: -a.score)
    results = results[:5]
    raw_quality = getattr(intake.data, "quality", None)
    quality = msg(m + f"quality_{raw_quality or 'none'}", lang)
    for fb in texts()["fallback_areas"]:
        if len(results) >= 3:
            break
        key = f"why_unknown_{lang}" if not raw_quality and f"why_unknown_{lang}" in fb else f"why_{lang}"
        why = fb[key].format(quality=quality,
                                       experience=msg(m + f"experience_{intake.ai_experience}", lang))
        results.append(LeverageArea(id=fb["id"], area=fb[lang], why=why, score=0.0))
    return results


def area_of(words_text: str) -> str | None:
    """The leverage area a use case belongs to, by its process and keyword vocabulary."""
    tokens = set(analyze(words_text)) | {fold(w) for w in words_text.split()}
    best, best_hits = None, 0
    for area in texts()["leverage_areas"]:
        hits = sum(1 for w in area["words"] if (analyze(w)[:1] and analyze(w)[0] in tokens) or w in tokens)
        if hits > best_hits:
            best, best_hits = area["id"], hits
    return best


def process_phrase(proc, lang: str) -> str:
    """"der Prozess „Angebote“ (40 h im Monat, Schmerz 4/5)": a process as the firm sized it, with what it gave."""
    m = "plan.levers."
    if proc.hours_per_month and proc.pain:
        return msg(m + "process_full", lang, process=proc.name, hours=fmt.smart_number(proc.hours_per_month, lang),
                   pain=proc.pain)
    if proc.hours_per_month:
        return msg(m + "process_hours", lang, process=proc.name, hours=fmt.smart_number(proc.hours_per_month, lang))
    return msg(m + "process", lang, process=proc.name)


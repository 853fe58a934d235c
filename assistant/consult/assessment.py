"""Reading the intake: digital maturity (1–5) and the 3–5 leverage areas with the biggest lever.

Both are transparent rules over the intake, so an advisor can explain every result to the client.
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant.consult.maturity_dimensions import Dimension

from assistant.knowledge.german_analysis import analyze, fold
from assistant.consult.texts import label, texts

DIGITAL_SOURCES = {"erp", "crm", "email", "office_files", "documents", "photos", "machine_sensors", "webshop",
                   "accounting", "scheduling"}


QUALITY_LABELS = {"de": {"low": "niedrig", "medium": "mittel", "high": "hoch"},
                  "en": {"low": "low", "medium": "medium", "high": "high"}}
EXPERIENCE_LABELS = {"de": {"none": "keine", "experimenting": "erste Versuche", "piloting": "Pilotprojekte",
                            "productive": "im Einsatz"},
                     "en": {"none": "none", "experimenting": "experimenting", "piloting": "piloting",
                            "productive": "in production"}}


class Maturity(BaseModel):
    level: int
    label: str
    notes: list[str]
    dimensions: list[Dimension] = []  # the six DMA dimensions, 0–100 each (assistant/consult/maturity_dimensions.py)


class LeverageArea(BaseModel):
    id: str
    area: str
    why: str
    score: float


def assess_maturity(intake, lang: str = "de") -> Maturity:
    """Self-assessed IT maturity, corrected by what the data and AI experience actually show."""
    de = lang == "de"
    level = float(intake.it_maturity)
    notes = [f"Selbsteinschätzung IT-Reife: {intake.it_maturity}/5." if de
             else f"Self-assessed IT maturity: {intake.it_maturity}/5."]
    sources = set(intake.data.sources)
    digital = sources & DIGITAL_SOURCES
    quality = getattr(intake.data, "quality", None)
    if intake.ai_experience in {"piloting", "productive"}:
        level += 0.5
        notes.append("KI wird bereits erprobt oder genutzt." if de else "AI is already being piloted or used.")
    if quality == "low":
        level -= 0.5
        notes.append("Datenqualität nach eigener Angabe niedrig." if de else "Data quality self-rated low.")
    elif quality == "high" and {"erp", "crm"} & sources:
        level += 0.5
        notes.append("Strukturierte Daten in ERP/CRM mit guter Qualität." if de else
                     "Structured ERP/CRM data of good quality.")
    if "paper" in sources and len(digital) <= 1:
        level -= 0.5
        notes.append("Viele Abläufe laufen noch auf Papier." if de else "Many processes still run on paper.")
    if not digital:
        level = min(level, 1.5)
        notes.append("Keine digitalen Datenquellen angegeben." if de else "No digital data sources given.")
    final = int(min(5, max(1, round(level + 1e-9))))
    return Maturity(level=final, label=texts()["maturity_labels"][lang][final], notes=notes)


def _process_weight(proc) -> float:
    hours = proc.hours_per_month or 0.0
    pain = proc.pain or 3
    return (1.0 + hours / 10.0) * pain


def leverage_areas(intake, lang: str = "de", matched_area_ids: list[str] | None = None) -> list[LeverageArea]:
    """Areas scored by pain-point words, process hours × pain, and the areas of the best use cases."""
    de = lang == "de"
    pain_tokens = set(analyze(intake.pain_points)) | {fold(w) for w in intake.pain_points.split()}
    results: list[LeverageArea] = []
    for area in texts()["leverage_areas"]:
        stems = {analyze(w)[0] if analyze(w) else w for w in area["words"]}
        score = 0.0
        reasons: list[str] = []
        hits = sorted({w for w in area["words"] if (analyze(w)[:1] and analyze(w)[0] in pain_tokens)})
        if hits:
            score += 2.0 * len(hits)
            reasons.append(("Schmerzpunkte nennen: " if de else "Pain points mention: ") + ", ".join(hits))
        for proc in intake.processes or []:
            proc_tokens = set(analyze(proc.name))
            if proc_tokens & stems or any(w in fold(proc.name) for w in area["words"]):
                score += _process_weight(proc)
                detail = f"„{proc.name}“"
                if proc.hours_per_month:
                    detail += f" ({proc.hours_per_month:g} h/Monat" if de else f" ({proc.hours_per_month:g} h/month"
                    detail += f", Schmerz {proc.pain}/5)" if (proc.pain and de) else (
                        f", pain {proc.pain}/5)" if proc.pain else ")")
                reasons.append(("Prozess " if de else "Process ") + detail)
        if matched_area_ids and area["id"] in matched_area_ids:
            score += 3.0
            reasons.append("passende Use Cases im Katalog" if de else "fitting use cases in the catalogue")
        if score > 0:
            results.append(LeverageArea(id=area["id"], area=area[lang], why="; ".join(reasons) + ".", score=score))
    results.sort(key=lambda a: -a.score)
    results = results[:5]
    raw_quality = getattr(intake.data, "quality", None)
    quality = (QUALITY_LABELS[lang].get(raw_quality) if raw_quality else None) or (
        "nicht angegeben" if de else "not given")
    for fb in texts()["fallback_areas"]:
        if len(results) >= 3:
            break
        why = fb[f"why_{lang}"].format(quality=quality,
                                       experience=EXPERIENCE_LABELS[lang].get(intake.ai_experience, "?"))
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

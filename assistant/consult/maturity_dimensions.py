"""Maturity in the six dimensions of the EDIH Digital Maturity Assessment (EU/JRC), scored 0–100 from the intake.

Why these six: the EDIH network measures firms in them before and after support (T0, T1), so a consultation that
reports the same dimensions can be compared with that network's figures and with the firm's own follow-up.
Each score is built from answers the firm gave, never from free text, and states its reasons; an unanswered
question gives a cautious middle value and says so instead of guessing.
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant import vocabulary
from assistant.i18n import msg

DIMENSIONS = ("digital_business_strategy", "digital_readiness", "human_centric", "data_management",
              "automation_ai", "green_digital")
SYSTEMS = ("erp", "crm", "accounting", "scheduling", "webshop", "machine_sensors")
DIGITAL = {"erp", "crm", "email", "office_files", "documents", "photos", "machine_sensors", "webshop",
           "accounting", "scheduling"}


class Dimension(BaseModel):
    id: str
    name: str
    score: int
    reason: str


def _clamp(value: float) -> int:
    return int(max(0, min(100, round(value))))


def _join(parts: list[str], lang: str) -> str:
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:] + "." if text else msg("maturity_dims.no_answers", lang)


def _labels(key: str, values, lang: str) -> str:
    return ", ".join(vocabulary.label(key, v, lang) for v in values)


def strategy(intake, lang: str) -> Dimension:
    score, why = 20.0, []
    if len(intake.goals) >= 2:
        score += 15
        why.append(msg("maturity_dims.goals", lang, n=len(intake.goals)))
    if intake.respondent_role in {"managing_director", "owner"}:
        score += 15
        why.append(msg("maturity_dims.leadership", lang))
    if intake.budget_eur:
        score += 15 + (10 if intake.budget_eur >= 10_000 else 0)
        why.append(msg("maturity_dims.budget", lang))
    else:
        why.append(msg("maturity_dims.no_budget", lang))
    if intake.time_horizon_months:
        score += 10
        why.append(msg("maturity_dims.horizon", lang, months=intake.time_horizon_months))
    if intake.ai_experience in {"piloting", "productive"}:
        score += 15
        why.append(msg("maturity_dims.ai_in_use", lang))
    return Dimension(id="digital_business_strategy", name=msg("maturity_dims.name.digital_business_strategy", lang),
                     score=_clamp(score), reason=_join(why, lang))


def paper_bound(intake) -> bool:
    """Paper (or fax) carries the work: a paper source with at most one digital one, or fax in the pains."""
    sources = set(intake.data.sources)
    text = (intake.pain_points or "").lower()
    return ("paper" in sources and len(sources & DIGITAL) <= 1) or "fax" in text


def readiness(intake, lang: str) -> Dimension:
    systems = [s for s in SYSTEMS if s in intake.data.sources]
    score = intake.it_maturity * 15 + min(25, 5 * len(systems))
    why = [msg("maturity_dims.it_maturity", lang, level=intake.it_maturity)]
    why.append(msg("maturity_dims.systems", lang, systems=_labels("data.sources", systems, lang)) if systems
               else msg("maturity_dims.no_systems", lang))
    if paper_bound(intake):
        score = min(score, 40)
        why.append(msg("maturity_dims.paper_cap", lang))
    return Dimension(id="digital_readiness", name=msg("maturity_dims.name.digital_readiness", lang),
                     score=_clamp(score), reason=_join(why, lang))


def human(intake, lang: str) -> Dimension:
    base = {"sceptical": 20, "neutral": 45, "open": 70}
    score = base.get(intake.staff_attitude, 40)
    why = [msg("maturity_dims.attitude", lang, attitude=vocabulary.label("staff_attitude", intake.staff_attitude, lang))
           if intake.staff_attitude else msg("maturity_dims.attitude_unknown", lang)]
    skills = getattr(intake, "staff_skills", None)
    score += {"none": 0, "some": 15, "trained": 30}.get(skills, 5)
    why.append(msg("maturity_dims.skills", lang, skills=vocabulary.label("staff_skills", skills, lang)) if skills
               else msg("maturity_dims.skills_unknown", lang))
    return Dimension(id="human_centric", name=msg("maturity_dims.name.human_centric", lang),
                     score=_clamp(score), reason=_join(why, lang))


def data_management(intake, lang: str) -> Dimension:
    sources = set(intake.data.sources)
    quality = intake.data.quality
    score = {"low": 20, "medium": 50, "high": 75}.get(quality, 35)
    why = [msg("maturity_dims.quality", lang, quality=vocabulary.label("data.quality", quality, lang)) if quality
           else msg("maturity_dims.quality_unknown", lang)]
    digital = sources & DIGITAL
    score += min(20, 4 * len(digital))
    if "paper" in sources:
        score -= 10
        why.append(msg("maturity_dims.paper", lang))
    if "none" in sources or not digital:
        score = min(score, 15)
        why.append(msg("maturity_dims.no_digital_data", lang))
    return Dimension(id="data_management", name=msg("maturity_dims.name.data_management", lang),
                     score=_clamp(score), reason=_join(why, lang))


def automation(intake, lang: str) -> Dimension:
    score = {"none": 10, "experimenting": 35, "piloting": 60, "productive": 80}[intake.ai_experience]
    why = [msg("maturity_dims.ai_experience", lang, experience=vocabulary.label("ai_experience", intake.ai_experience, lang))]
    if "machine_sensors" in intake.data.sources:
        score += 10
        why.append(msg("maturity_dims.sensors", lang))
    if intake.it_maturity >= 4:
        score += 10
        why.append(msg("maturity_dims.integrated", lang))
    return Dimension(id="automation_ai", name=msg("maturity_dims.name.automation_ai", lang),
                     score=_clamp(score), reason=_join(why, lang))


def green(intake, lang: str) -> Dimension:
    answer = getattr(intake, "green_digital", None)
    score = {"none": 15, "some": 50, "systematic": 85}.get(answer, 30)
    why = [msg("maturity_dims.green", lang, answer=vocabulary.label("green_digital", answer, lang)) if answer
           else msg("maturity_dims.green_unknown", lang)]
    return Dimension(id="green_digital", name=msg("maturity_dims.name.green_digital", lang),
                     score=_clamp(score), reason=_join(why, lang))


def dimensions(intake, lang: str = "de") -> list[Dimension]:
    """The six DMA dimensions in the DMA's order."""
    return [strategy(intake, lang), readiness(intake, lang), human(intake, lang), data_management(intake, lang),
            automation(intake, lang), green(intake, lang)]

"""The compliance line of a use case, from the firm's facts rather than the catalogue's wording alone.

Why per firm: Art. 9 GDPR belongs on the sheet of a care service, not of a plumber whose case happens to mention
health; Art. 22 only where the system itself decides about people; co-determination only where employee data is
processed; and regulated professions get their own guardrail (§ 203 StGB, §§ 60–63 VVG). Texts are in
`assistant/i18n/{de,en}/compliance.yaml`; AI Act dates follow ../shared/facts/frameworks.md.
"""

from __future__ import annotations

from assistant.consult.catalogue import UseCase
from assistant.consult.firm import FirmProfile
from assistant.i18n import msg

PROFESSION_SEGMENTS = ("steuerberatung", "rechtsberatung", "versicherungsmakler")


def processes_health_data(case: UseCase, firm: FirmProfile) -> bool:
    """Art. 9 applies when the firm itself handles health data with this case: a health-sector firm on a case
    that touches health data, or a firm that said it holds health data (e.g. a broker's BU/PKV files) on a case
    that processes personal data."""
    if case.health_data and "gesundheit" in firm.industries:
        return True
    return "health_data" in firm.constraints and case.personal_data


def parts(case: UseCase, firm: FirmProfile, lang: str) -> list[str]:
    c = "compliance."
    out = [msg(c + f"role.{case.role}", lang), msg(c + f"ai_act.{case.ai_act_class}", lang)]
    gdpr = [msg(c + ("gdpr.personal" if case.personal_data else "gdpr.none"), lang)]
    if processes_health_data(case, firm):
        gdpr.append(msg(c + "gdpr.art9", lang))
    if case.automated_decision:
        gdpr.append(msg(c + "gdpr.art22", lang))
    if case.hr_use:
        gdpr.append(msg(c + ("gdpr.employees_council" if "works_council" in firm.constraints else "gdpr.employees"),
                        lang))
    out.append("; ".join(gdpr))
    profession = next((s for s in firm.segments if s in PROFESSION_SEGMENTS), None)
    if profession is not None:
        out.append(msg(c + f"profession.{profession}", lang))
    elif "gesundheit" in firm.industries and case.personal_data:
        out.append(msg(c + "profession.gesundheit", lang))
    return out


def compliance_line(case: UseCase, firm: FirmProfile, lang: str) -> str:
    """One labelled line: role · AI Act class with its date · GDPR points · professional guardrail."""
    return msg("compliance.label", lang) + ": " + msg("compliance.join", lang).join(parts(case, firm, lang)) + "."

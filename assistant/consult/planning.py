"""The leadership mandate and the next-steps plan ("who does what by when"), dated from the consultation day.

The owner is always a leadership role: AI strategy settles direction, focus and frame of the business, so it is
not delegated to IT; IT's role is security, stability, integration and feasibility.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from assistant.consult.matching import ScoredUseCase
from assistant.consult.texts import label, texts


class DecisionPoint(BaseModel):
    when: str
    decision: str


class Mandate(BaseModel):
    owner: str
    objectives: list[str]
    focus: list[str]
    guardrails: list[str]
    it_role: list[str]
    budget_eur: float | None
    decision_points: list[DecisionPoint]


class NextStep(BaseModel):
    what: str
    who: str
    by: str


def owner_role(intake, lang: str) -> str:
    owners = texts()["owner"][lang]
    role = owners.get(getattr(intake, "respondent_role", None) or "", owners["default"])
    name = getattr(intake.company, "name", None)
    return f"{role} ({name})" if name else role


def _guardrails(picks: list[ScoredUseCase], intake, lang: str) -> list[str]:
    de = lang == "de"
    rails = [
        "Daten: Keine Kunden-, Personal- oder Geschäftsgeheimnisse in frei zugängliche KI-Dienste; erlaubte "
        "Werkzeuge und Datenklassen stehen in einer kurzen Nutzungsrichtlinie." if de else
        "Data: no customer, staff or confidential data in public AI services; a short usage policy lists the "
        "permitted tools and data classes.",
        "Verantwortung: KI liefert Entwürfe und Vorschläge, entschieden und freigegeben wird von Menschen." if de else
        "Responsibility: AI drafts and suggests; people decide and release.",
        "Sicherheit: Zugriffe nur mit persönlichen Konten und Mehr-Faktor-Anmeldung; IT prüft jeden neuen Dienst." if de
        else "Security: personal accounts with multi-factor login only; IT reviews every new service.",
        "Kommunikation: Belegschaft (und Betriebsrat, falls vorhanden) wird vor dem Pilot informiert; nach "
        "§ 87 Abs. 1 Nr. 6 BetrVG ist KI-Software regelmäßig mitbestimmungspflichtig." if de else
        "Communication: staff (and the works council, if any) are informed before the pilot; AI software "
        "regularly requires co-determination under § 87(1) no. 6 BetrVG.",
    ]
    cases = [p.case for p in picks]
    if any(c.personal_data for c in cases):
        rails.append("DSGVO: Rechtsgrundlage festhalten; mit externen KI-/Cloud-Anbietern einen "
                     "Auftragsverarbeitungsvertrag (Art. 28) schließen, Unterauftragnehmer und Drittlandtransfer prüfen."
                     if de else "GDPR: record the legal basis; sign a processing agreement (Art. 28) with external "
                     "AI/cloud providers, check sub-processors and third-country transfers.")
    if any(c.health_data for c in cases):
        rails.append("Gesundheitsdaten (Art. 9 DSGVO): vor dem Pilot eine Datenschutz-Folgenabschätzung (Art. 35) "
                     "durchführen." if de else "Health data (GDPR Art. 9): carry out a data protection impact "
                     "assessment (Art. 35) before the pilot.")
    if any(c.hr_use for c in cases):
        rails.append("Beschäftigtendaten: keine Bewertung von Leistung oder Verhalten einzelner Personen durch die KI "
                     "(sonst Hochrisiko nach KI-VO Anhang III); Zweck und Daten mit Betriebsrat bzw. Belegschaft "
                     "festhalten." if de else "Employee data: the AI does not rate individual performance or "
                     "behaviour (that would be high risk under AI Act Annex III); agree purpose and data with the "
                     "works council or staff.")
    if any(c.ai_act_class == "high" for c in cases):
        rails.append("Hochrisiko nach KI-VO Anhang III (Personal/HR): Pflichten gelten nach dem Digital Omnibus ab "
                     "02.12.2027 (laut Sekundärquellen, in EUR-Lex prüfen); menschliche Letztentscheidung nach "
                     "Art. 22 DSGVO sicherstellen." if de else
                     "High risk under AI Act Annex III (HR): duties apply from 02.12.2027 after the Digital Omnibus "
                     "(per secondary sources, check EUR-Lex); ensure a human final decision (GDPR Art. 22).")
    if any(c.ai_act_class == "limited" for c in cases):
        rails.append("Transparenz (KI-VO Art. 50, ab 02.08.2026): Kundinnen und Kunden erkennen, dass sie mit "
                     "einer KI kommunizieren." if de else
                     "Transparency (AI Act Art. 50, from 02.08.2026): customers can tell they are talking to an AI.")
    return rails


def build_mandate(picks: list[ScoredUseCase], areas: list, not_now: list[str], intake, start: dt.date,
                  lang: str = "de") -> Mandate:
    de = lang == "de"
    objectives = []
    for p in picks:
        kpi = p.case.kpis[0]
        objectives.append(f"{p.case.title}: {kpi.name} – Ziel {kpi.target}" if de else
                          f"{p.case.title}: {kpi.name} – target {kpi.target}")
    objectives.append("Alle Beteiligten kennen Nutzen, Grenzen und Regeln der eingesetzten KI (Schulung vor Pilotstart)."
                      if de else "Everyone involved knows the benefits, limits and rules of the AI used "
                      "(training before the pilot).")
    focus = [f"Use Case: {p.case.title}" for p in picks]
    focus += [("Hebel: " if de else "Lever: ") + a.area for a in areas[:3]]
    if not_now:
        focus.append(("Bewusst nicht jetzt: " if de else "Explicitly not now: ") + "; ".join(not_now))
    it_role = [
        "Sicherheit: Zugänge, Rechte, Datensicherung und Prüfung der Anbieter." if de else
        "Security: access, rights, backups and vendor checks.",
        "Stabilität: Betrieb der Werkzeuge und Updates." if de else "Stability: running the tools and updates.",
        "Integration: Anbindung an vorhandene Systeme (" + ", ".join(
            label("data_sources", s, lang) for s in intake.data.sources[:4]) + ")." if de else
        "Integration: connecting existing systems (" + ", ".join(
            label("data_sources", s, lang) for s in intake.data.sources[:4]) + ").",
        "Machbarkeit: technische Einschätzung vor jeder Entscheidung – entscheiden tut die Geschäftsführung." if de
        else "Feasibility: technical assessment before each decision – leadership decides.",
    ]
    weeks = max((p.case.pilot.weeks for p in picks), default=8)
    pilot_start = start + dt.timedelta(days=42)
    decisions = [
        DecisionPoint(when=(start + dt.timedelta(days=14)).isoformat(),
                      decision="Freigabe von Pilot, Budget und Pilotverantwortlicher/m" if de else
                      "Approve pilot, budget and pilot owner"),
        DecisionPoint(when=(pilot_start + dt.timedelta(weeks=weeks)).isoformat(),
                      decision="Go/No-Go nach dem Pilot anhand der vereinbarten Kennzahlen" if de else
                      "Go/no-go after the pilot against the agreed KPIs"),
        DecisionPoint(when=(pilot_start + dt.timedelta(weeks=weeks) + dt.timedelta(days=90)).isoformat(),
                      decision="Überprüfung: ausrollen, anpassen oder beenden; nächsten Hebel wählen" if de else
                      "Review: roll out, adapt or stop; choose the next lever"),
    ]
    return Mandate(owner=owner_role(intake, lang), objectives=objectives, focus=focus,
                   guardrails=_guardrails(picks, intake, lang), it_role=it_role,
                   budget_eur=getattr(intake, "budget_eur", None), decision_points=decisions)


def next_steps(picks: list[ScoredUseCase], intake, start: dt.date, has_funding: bool, lang: str = "de") -> list[NextStep]:
    """Sequenced so that data exists before the pilot and funding is applied for before the project starts."""
    de = lang == "de"
    roles = texts()["roles"][lang]
    lead = owner_role(intake, lang)
    first = picks[0].case if picks else None
    steps: list[tuple[int, str, str]] = []
    steps.append((7, roles["lead"] if not lead else lead,
                  "Pilotverantwortliche/n benennen und Zeitbudget freigeben" if de else
                  "Name the pilot owner and free up their time"))
    gaps = [p for p in picks if p.breakdown.data_gap]
    for p in gaps:
        missing = ", ".join(label("data_sources", s, lang) for s in p.breakdown.missing_data)
        steps.append((21, roles["pilot_owner"],
                      f"Daten für „{p.case.title}“ beschaffen und digital erfassen: {missing}" if de else
                      f"Obtain and capture the data for '{p.case.title}': {missing}"))
    steps.append((21, roles["it"],
                  "Datenlage prüfen und vorbereiten: Quellen, Qualität, Zugriffe, Ausgangswerte der Kennzahlen messen"
                  if de else "Check and prepare the data: sources, quality, access; measure KPI baselines"))
    steps.append((14, lead, "Belegschaft und ggf. Betriebsrat über Ziel, Pilot und Regeln informieren" if de else
                  "Inform staff and, if any, the works council about goal, pilot and rules"))
    if has_funding:
        steps.append((28, roles["office"],
                      "Förderung beantragen – vor Vorhabenbeginn, Status und Konditionen bei der Förderstelle prüfen"
                      if de else "Apply for funding – before the project starts; check status and terms with the funder"))
    if any(p.case.personal_data for p in picks):
        steps.append((35, roles["dpo"], "Datenschutz klären: Rechtsgrundlage, Auftragsverarbeitung"
                      + (", Datenschutz-Folgenabschätzung" if any(p.case.health_data or p.case.hr_use for p in picks)
                         else "") if de else "Settle data protection: legal basis, processing agreement"
                      + (", DPIA" if any(p.case.health_data or p.case.hr_use for p in picks) else "")))
    weeks = first.pilot.weeks if first else 8
    steps.append((42, roles["pilot_owner"],
                  (f"Pilot „{first.title}“ starten ({weeks} Wochen): {first.pilot.scope}" if de else
                   f"Start pilot '{first.title}' ({weeks} weeks): {first.pilot.scope}") if first else
                  ("Pilot starten" if de else "Start the pilot")))
    steps.append((42 + 7 * weeks, lead,
                  "Pilot gegen die Kennzahlen auswerten und Go/No-Go entscheiden" if de else
                  "Review the pilot against the KPIs and decide go/no-go"))
    steps.sort(key=lambda s: s[0])
    return [NextStep(what=what, who=who, by=(start + dt.timedelta(days=days)).isoformat())
            for days, who, what in steps]

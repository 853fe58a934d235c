"""The one-page brief for the strategy session, as Markdown (PDF and DOCX are rendered from the same parts)."""

from __future__ import annotations

from assistant.consult.pipeline import ConsultResult

HEAD = {
    "de": {"title": "KI-Sprechstunde – Ergebnis für die Strategiesitzung", "date": "Beratung vom",
           "maturity": "Digitaler Reifegrad", "levers": "Hebel mit der größten Wirkung", "cases": "Use Cases",
           "problem": "Problem", "solution": "Lösung", "data": "Benötigte Daten", "kpis": "Kennzahlen",
           "effort": "Aufwand", "value": "Erwarteter Nutzen", "risks": "Risiken", "pilot": "Pilot",
           "weeks": "Wochen", "why": "Warum dieser Use Case", "mandate": "Mandat der Geschäftsführung",
           "owner": "Verantwortlich", "objectives": "Ziele", "focus": "Fokus", "guardrails": "Leitplanken",
           "it_role": "Rolle der IT", "budget": "Budget", "decisions": "Entscheidungspunkte",
           "steps": "Nächste Schritte", "what": "Was", "who": "Wer", "by": "Bis", "funding": "Förderung",
           "status": "Status", "as_of": "Stand", "sources": "Quellen", "warnings": "Hinweise",
           "mode_offline": "Erstellt im Offline-Modus (ohne Sprachmodell, nachvollziehbare Regeln und Katalog).",
           "mode_ollama": "Texte mit einem lokalen Sprachmodell (Ollama) verfeinert; Fakten aus Katalog und Fragebogen.",
           "open": "offen", "unknown": "unklar – vor Antrag prüfen", "ended": "beendet", "success": "Erfolgskriterien"},
    "en": {"title": "KI-Sprechstunde – result for the strategy session", "date": "Consultation of",
           "maturity": "Digital maturity", "levers": "Biggest levers", "cases": "Use cases",
           "problem": "Problem", "solution": "Solution", "data": "Data needed", "kpis": "KPIs",
           "effort": "Effort", "value": "Expected value", "risks": "Risks", "pilot": "Pilot", "weeks": "weeks",
           "why": "Why this use case", "mandate": "Leadership mandate", "owner": "Owner", "objectives": "Objectives",
           "focus": "Focus", "guardrails": "Guardrails", "it_role": "Role of IT", "budget": "Budget",
           "decisions": "Decision points", "steps": "Next steps", "what": "What", "who": "Who", "by": "By",
           "funding": "Funding", "status": "Status", "as_of": "As of", "sources": "Sources", "warnings": "Notes",
           "mode_offline": "Produced in offline mode (no language model; transparent rules and catalogue).",
           "mode_ollama": "Texts refined by a local language model (Ollama); facts from catalogue and questionnaire.",
           "open": "open", "unknown": "unclear – check before applying", "ended": "ended", "success": "Success criteria"},
}


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def to_markdown(result: ConsultResult) -> str:
    h = HEAD[result.language]
    out = [f"# {h['title']}", "", f"*{h['date']} {result.consultation_date}. "
           + (h["mode_offline"] if result.mode == "offline" else h["mode_ollama"]) + "*", "",
           result.company_summary, "",
           f"**{h['maturity']}:** {result.maturity.level}/5 – {result.maturity.label}. "
           + " ".join(result.maturity.notes), "", f"## {h['levers']}"]
    out += [f"{i}. **{a.area}** – {a.why}" for i, a in enumerate(result.leverage_areas, start=1)]
    out += ["", f"## {h['cases']}"]
    for i, uc in enumerate(result.use_cases, start=1):
        out += [f"### {i}. {uc.title}", f"**{h['problem']}:** {uc.problem}", "", f"**{h['solution']}:** {uc.solution}",
                "", f"**{h['why']}:** {uc.why_this}", "", f"**{h['data']}:** " + ", ".join(uc.data_needed),
                f"**{h['effort']}:** {uc.effort} ({uc.cost_band_eur[0]:,}–{uc.cost_band_eur[1]:,} €)".replace(",", "."),
                f"**{h['value']}:** {uc.expected_value}", "", f"**{h['kpis']}:**"]
        out += [f"- {k.name}: " + (f"{k.baseline} → " if k.baseline else "") + k.target for k in uc.kpis]
        out += [f"**{h['pilot']} ({uc.pilot.duration_weeks} {h['weeks']}):** {uc.pilot.scope}",
                f"{h['success']}: " + "; ".join(uc.pilot.success_criteria), "", f"**{h['risks']}:**"]
        out += [f"- {r}" for r in uc.risks]
        out.append("")
    m = result.mandate
    out += [f"## {h['mandate']}", f"**{h['owner']}:** {m.owner}", "", f"**{h['objectives']}:**"]
    out += [f"- {o}" for o in m.objectives]
    out += [f"**{h['focus']}:**"] + [f"- {f}" for f in m.focus]
    out += [f"**{h['guardrails']}:**"] + [f"- {g}" for g in m.guardrails]
    out += [f"**{h['it_role']}:**"] + [f"- {r}" for r in m.it_role]
    if m.budget_eur is not None:
        out.append(f"**{h['budget']}:** {m.budget_eur:,.0f} €".replace(",", "."))
    out += [f"**{h['decisions']}:**"] + [f"- {d.when}: {d.decision}" for d in m.decision_points]
    out += ["", f"## {h['steps']}", f"| {h['what']} | {h['who']} | {h['by']} |", "|---|---|---|"]
    out += [f"| {_cell(s.what)} | {_cell(s.who)} | {s.by} |" for s in result.next_steps]
    if result.funding:
        out += ["", f"## {h['funding']}", f"| Programm | {h['status']} | {h['as_of']} | |", "|---|---|---|---|"]
        out += [f"| [{_cell(f.name)}]({f.source_url}) | {h[f.status]} | {f.as_of} | {_cell(f.why)} |"
                for f in result.funding]
    if result.warnings:
        out += ["", f"## {h['warnings']}"] + [f"- ⚠ {w}" for w in result.warnings]
    out += ["", f"## {h['sources']}"]
    for n, s in enumerate(result.sources, start=1):
        where = f", S. {s.page}" if s.page else (f", {s.section}" if s.section else "")
        out.append(f"{n}. {s.title} – `{s.source}`{where}")
    return "\n".join(out) + "\n"

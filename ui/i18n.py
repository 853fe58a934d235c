"""Every text of the user interface, German and English, in one place.

German is the default (the users are German SMEs); English is a switch in the sidebar. Pages call `t(key, **values)`;
a missing key shows the key itself rather than crashing, and tests/test_app.py checks that every key used in `ui/`
exists here in both languages. Texts that come from the knowledge base or the questionnaire file are data, not UI
texts, and are translated there.
"""

from __future__ import annotations

LANGS = {"de": "Deutsch", "en": "English"}
DEFAULT_LANG = "de"

TEXTS: dict[str, dict[str, str]] = {
    # --- app shell -------------------------------------------------------------------------------------------
    "app.title": {"de": "KI-Sprechstunde", "en": "KI-Sprechstunde"},
    "app.tagline": {"de": "Lokale KI-Beratung für den Mittelstand", "en": "Local AI consultation for SMEs"},
    "app.lang": {"de": "Sprache", "en": "Language"},
    "app.current": {"de": "Aktuelle Beratung", "en": "Current consultation"},
    "app.none_open": {"de": "Keine Beratung geöffnet", "en": "No consultation open"},
    "app.privacy": {"de": ":material/lock: Alle Daten bleiben auf diesem Rechner.", "en": ":material/lock: All data stays on this computer."},
    "app.group_consult": {"de": "Beratung", "en": "Consultation"},
    "app.group_tools": {"de": "Werkzeuge", "en": "Tools"},
    "nav.consult": {"de": "Beratung", "en": "Consultation"},
    "nav.chat": {"de": "Fragen", "en": "Questions"},
    "nav.funding": {"de": "Förderfinder", "en": "Funding finder"},
    "nav.kb": {"de": "Wissensbasis", "en": "Knowledge base"},
    "nav.saved": {"de": "Meine Beratungen", "en": "My consultations"},
    "nav.settings": {"de": "Einstellungen & Status", "en": "Settings & status"},
    "mode.offline": {"de": "Offline-Modus: Antworten stammen wörtlich aus der Wissensbasis (kein Sprachmodell).",
                     "en": "Offline mode: answers are quoted from the knowledge base (no language model)."},
    "mode.ollama": {"de": "Lokales Sprachmodell aktiv ({model}); Fakten und Quellen aus der Wissensbasis.",
                    "en": "Local language model active ({model}); facts and sources from the knowledge base."},
    "mode.short_offline": {"de": "Offline-Modus", "en": "Offline mode"},
    "mode.short_ollama": {"de": "Sprachmodell: {model}", "en": "Language model: {model}"},
    "index.missing": {"de": "Die Wissensbasis ist noch nicht eingelesen. Bitte unter „Wissensbasis“ auf "
                            "„Alles neu einlesen“ klicken (dauert etwa eine Minute).",
                      "en": "The knowledge base has not been indexed yet. Please click “Re-index everything” "
                            "under “Knowledge base” (takes about a minute)."},
    "index.goto_kb": {"de": "Zur Wissensbasis", "en": "Go to the knowledge base"},
    "error.action": {"de": "Das hat leider nicht geklappt: {action}. Ihre bisherigen Eingaben sind gespeichert. "
                           "Bitte versuchen Sie es noch einmal; bleibt der Fehler, hilft die Technik mit den "
                           "Details unten weiter.",
                     "en": "Sorry, that did not work: {action}. Your entries so far are saved. Please try again; "
                           "if the error persists, the details below help technical support."},
    "error.details": {"de": "Technische Details", "en": "Technical details"},
    "action.ask": {"de": "Frage beantworten", "en": "answering the question"},
    "action.check_ollama": {"de": "Sprachmodell prüfen", "en": "checking the language model"},
    "action.consult": {"de": "Beratung erstellen", "en": "creating the consultation"},
    "action.delete": {"de": "Beratung löschen", "en": "deleting the consultation"},
    "action.delete_doc": {"de": "Dokument löschen", "en": "deleting the document"},
    "action.duplicate": {"de": "Beratung duplizieren", "en": "duplicating the consultation"},
    "action.export": {"de": "Export erstellen", "en": "creating the export"},
    "action.funding": {"de": "Förderprogramme suchen", "en": "searching funding programmes"},
    "action.import_intake": {"de": "Fragebogen importieren", "en": "importing the questionnaire"},
    "action.list": {"de": "Beratungen laden", "en": "loading consultations"},
    "action.list_docs": {"de": "Dokumente auflisten", "en": "listing documents"},
    "action.open": {"de": "Beratung öffnen", "en": "opening the consultation"},
    "action.reindex": {"de": "Wissensbasis neu einlesen", "en": "re-indexing the knowledge base"},
    "action.rename": {"de": "Beratung umbenennen", "en": "renaming the consultation"},
    "action.show_consult": {"de": "Beratung anzeigen", "en": "showing the consultation"},
    "action.status": {"de": "Status lesen", "en": "reading the status"},
    "action.upload": {"de": "Dokumente hochladen", "en": "uploading documents"},
    "status.open": {"de": "antragsoffen", "en": "open"},
    "status.unknown": {"de": "Status unklar", "en": "status unclear"},
    "status.ended": {"de": "beendet", "en": "ended"},
    "effort.S": {"de": "klein", "en": "small"},
    "effort.M": {"de": "mittel", "en": "medium"},
    "effort.L": {"de": "groß", "en": "large"},

    # --- Beratung ------------------------------------------------------------------------------------------------
    "consult.title": {"de": "Beratung", "en": "Consultation"},
    "consult.welcome": {
        "de": "Willkommen zur **KI-Sprechstunde**. In drei Schritten zum Ergebnis für Ihre Strategiesitzung: "
              "Fragebogen ausfüllen (ca. 10 Minuten) → passende KI-Anwendungsfälle, Mandat und nächste Schritte "
              "ansehen und anpassen → als PDF oder Word mitnehmen. Alles wird automatisch gespeichert.",
        "en": "Welcome to the **KI-Sprechstunde**. Three steps to the result for your strategy session: fill in the "
              "questionnaire (about 10 minutes) → review and adapt fitting AI use cases, the mandate and next "
              "steps → take it along as PDF or Word. Everything is saved automatically."},
    "consult.resume_text": {"de": "Zuletzt bearbeitet: „{title}“ ({when}).", "en": "Last edited: “{title}” ({when})."},
    "consult.resume": {"de": "Fortsetzen", "en": "Continue"},
    "consult.start_form_title": {"de": "Fragebogen ausfüllen", "en": "Fill in the questionnaire"},
    "consult.start_form_text": {"de": "Schritt für Schritt durch fünf kurze Abschnitte – gemeinsam im Gespräch "
                                      "oder vorab allein.",
                                "en": "Step by step through five short sections – together in the session or "
                                      "alone beforehand."},
    "consult.start_form": {"de": "Fragebogen starten", "en": "Start questionnaire"},
    "consult.load_example": {"de": "Beispiel laden (Handwerksbetrieb)", "en": "Load example (craft business)"},
    "consult.start_import_title": {"de": "Ausgefüllten Fragebogen importieren", "en": "Import a filled questionnaire"},
    "consult.start_import_text": {"de": "Die JSON-Datei, die Ihr Kunde zurückgeschickt hat (oder ein Export aus "
                                        "„Meine Beratungen“). Ist alles vollständig, sehen Sie sofort das Ergebnis.",
                                  "en": "The JSON file your client sent back (or an export from “My "
                                        "consultations”). If it is complete, you see the result right away."},
    "consult.import_label": {"de": "Fragebogen (JSON)", "en": "Questionnaire (JSON)"},
    "consult.import_button": {"de": "Importieren und auswerten", "en": "Import and evaluate"},
    "consult.import_invalid": {"de": "Der Fragebogen ist noch nicht vollständig ({n} Hinweise). Die Angaben "
                                     "wurden übernommen – bitte ergänzen Sie die markierten Felder.",
                               "en": "The questionnaire is not complete yet ({n} issues). The answers were "
                                     "taken over – please complete the marked fields."},
    "consult.import_unreadable": {"de": "Die Datei ist kein lesbarer Fragebogen. Bitte die JSON-Vorlage "
                                        "verwenden (unten herunterladen).",
                                  "en": "The file is not a readable questionnaire. Please use the JSON template "
                                        "(download below)."},
    "consult.imported_export": {"de": "Beratung „{title}“ importiert und geöffnet.",
                                "en": "Consultation “{title}” imported and opened."},
    "consult.blank_title": {"de": "Leeren Fragebogen zum Versand vor dem Termin",
                            "en": "Blank questionnaire to send before the appointment"},
    "consult.blank_text": {"de": "Als JSON zum Ausfüllen am Rechner (danach hier importieren) oder als "
                                 "Markdown zum Ausdrucken.",
                           "en": "As JSON to fill in on a computer (then import it here) or as Markdown to print."},
    "consult.blank_json": {"de": "Vorlage (JSON)", "en": "Template (JSON)"},
    "consult.blank_md": {"de": "Zum Ausdrucken (Markdown)", "en": "For printing (Markdown)"},
    "consult.blank_file": {"de": "KI-Sprechstunde_Fragebogen", "en": "KI-Sprechstunde_questionnaire"},
    "consult.running": {"de": "Beratung wird erstellt …", "en": "Creating the consultation …"},
    "consult.step_read": {"de": "Fragebogen gelesen und Reifegrad eingeschätzt.",
                          "en": "Questionnaire read and maturity assessed."},
    "consult.step_match": {"de": "Passende Anwendungsfälle im Katalog gesucht und bewertet …",
                           "en": "Searching and scoring fitting use cases in the catalogue …"},
    "consult.step_funding": {"de": "Förderprogramme geprüft: {n} passende gefunden.",
                             "en": "Funding programmes checked: {n} matching found."},
    "consult.done": {"de": "Beratung erstellt", "en": "Consultation created"},
    "consult.new": {"de": "Neue Beratung", "en": "New consultation"},
    "consult.saved": {"de": ":material/check_circle: Automatisch gespeichert als „{title}“ ({when}) – zu finden unter „Meine Beratungen“.",
                      "en": ":material/check_circle: Saved automatically as “{title}” ({when}) – find it under “My consultations”."},
    "consult.offline_note": {"de": "Offline-Modus: Empfehlungen aus nachvollziehbaren Regeln und dem kuratierten "
                                   "Use-Case-Katalog, ohne Sprachmodell.",
                             "en": "Offline mode: recommendations from transparent rules and the curated use-case "
                                   "catalogue, without a language model."},
    "consult.ollama_note": {"de": "Texte werden mit dem lokalen Sprachmodell {model} verfeinert; Fakten, Zahlen "
                                  "und Förderprogramme stammen aus Katalog und Fragebogen.",
                            "en": "Texts are refined with the local language model {model}; facts, figures and "
                                  "funding programmes come from the catalogue and the questionnaire."},

    # --- questionnaire ---------------------------------------------------------------------------------------------
    "q.choose": {"de": "Bitte wählen …", "en": "Please choose …"},
    "q.number_placeholder": {"de": "Zahl eingeben", "en": "Enter a number"},
    "q.text_placeholder": {"de": "In eigenen Worten …", "en": "In your own words …"},
    "q.progress": {"de": "Schritt {n} von {total}: {title}", "en": "Step {n} of {total}: {title}"},
    "q.back": {"de": "Zurück", "en": "Back"},
    "q.next": {"de": "Weiter", "en": "Next"},
    "q.create": {"de": "Beratung erstellen", "en": "Create consultation"},
    "q.recreate": {"de": "Beratung neu erstellen", "en": "Re-create consultation"},
    "q.fix_errors": {"de": "Es fehlen noch Angaben ({n}). Die Felder sind rot markiert.",
                     "en": "Some answers are still missing ({n}). The fields are marked in red."},
    "q.has_result": {"de": "Für diese Beratung gibt es schon ein Ergebnis. Nach Änderungen am Fragebogen "
                           "„Beratung neu erstellen“ wählen – Ihre Textänderungen am Ergebnis werden dabei ersetzt.",
                     "en": "This consultation already has a result. After changing the questionnaire choose "
                           "“Re-create consultation” – your text edits of the result are then replaced."},
    "q.to_result": {"de": "Zum Ergebnis", "en": "Go to result"},

    # --- result --------------------------------------------------------------------------------------------------
    "res.edit_form": {"de": "Fragebogen bearbeiten", "en": "Edit questionnaire"},
    "res.ask": {"de": "Rückfrage stellen", "en": "Ask a question"},
    "res.other_lang": {"de": "Das Ergebnis wurde in einer anderen Sprache erstellt. Für eine deutsche Fassung "
                             "unter „Fragebogen bearbeiten“ die Beratung neu erstellen.",
                       "en": "The result was created in another language. For an English version, re-create "
                             "the consultation under “Edit questionnaire”."},
    "res.dl_pdf": {"de": "PDF herunterladen", "en": "Download PDF"},
    "res.dl_docx": {"de": "Word (DOCX)", "en": "Word (DOCX)"},
    "res.dl_md": {"de": "Markdown", "en": "Markdown"},
    "res.dl_json": {"de": "Sicherung (JSON)", "en": "Backup (JSON)"},
    "res.edit_toggle": {"de": "Texte bearbeiten", "en": "Edit texts"},
    "res.edit_help": {"de": "Zusammenfassung, Verantwortliche, Budget und die Texte der Use Cases anpassen. "
                            "Änderungen werden sofort gespeichert und in PDF und Word übernommen.",
                      "en": "Adapt the summary, owner, budget and the use-case texts. Changes are saved at "
                            "once and used in PDF and Word."},
    "res.discard": {"de": "Alle Änderungen verwerfen", "en": "Discard all edits"},
    "res.summary": {"de": "Zusammenfassung", "en": "Summary"},
    "res.maturity": {"de": "Digitaler Reifegrad", "en": "Digital maturity"},
    "res.n_cases": {"de": "Empfohlene Use Cases", "en": "Recommended use cases"},
    "res.n_funding": {"de": "Passende Förderungen", "en": "Matching funding"},
    "res.budget": {"de": "Budget", "en": "Budget"},
    "res.levers": {"de": "Hebel mit der größten Wirkung", "en": "Biggest levers"},
    "res.cases": {"de": "Empfohlene Use Cases", "en": "Recommended use cases"},
    "res.case_title": {"de": "Titel", "en": "Title"},
    "res.effort": {"de": "Aufwand", "en": "Effort"},
    "res.cost": {"de": "Kosten Pilot + 1. Jahr", "en": "Cost pilot + year 1"},
    "res.tab_overview": {"de": "Überblick", "en": "Overview"},
    "res.tab_data": {"de": "Daten & Kennzahlen", "en": "Data & KPIs"},
    "res.tab_pilot": {"de": "Pilot & Risiken", "en": "Pilot & risks"},
    "res.tab_sources": {"de": "Quellen", "en": "Sources"},
    "res.problem": {"de": "Problem", "en": "Problem"},
    "res.solution": {"de": "Lösung", "en": "Solution"},
    "res.why": {"de": "Warum dieser Use Case", "en": "Why this use case"},
    "res.value": {"de": "Erwarteter Nutzen", "en": "Expected value"},
    "res.data": {"de": "Benötigte Daten", "en": "Data needed"},
    "res.kpis": {"de": "Kennzahlen", "en": "KPIs"},
    "res.kpi": {"de": "Kennzahl", "en": "KPI"},
    "res.baseline": {"de": "Ausgangswert", "en": "Baseline"},
    "res.target": {"de": "Ziel", "en": "Target"},
    "res.tools": {"de": "Werkzeuge (Beispiele)", "en": "Tools (examples)"},
    "res.pilot": {"de": "Pilot", "en": "Pilot"},
    "res.weeks": {"de": "{n} Wochen", "en": "{n} weeks"},
    "res.success": {"de": "Erfolgskriterien", "en": "Success criteria"},
    "res.risks": {"de": "Risiken", "en": "Risks"},
    "res.mandate": {"de": "Mandat der Geschäftsführung", "en": "Leadership mandate"},
    "res.mandate_intro": {"de": "KI-Strategie ist Chefsache: Die Geschäftsführung setzt Richtung, Fokus und Rahmen; "
                                "die IT sorgt für Sicherheit, Stabilität und Integration.",
                          "en": "AI strategy is a leadership task: management sets direction, focus and frame; IT "
                                "takes care of security, stability and integration."},
    "res.owner": {"de": "Verantwortlich", "en": "Owner"},
    "res.objectives": {"de": "Ziele", "en": "Objectives"},
    "res.focus": {"de": "Fokus", "en": "Focus"},
    "res.guardrails": {"de": "Leitplanken", "en": "Guardrails"},
    "res.it_role": {"de": "Rolle der IT", "en": "Role of IT"},
    "res.decisions": {"de": "Entscheidungspunkte", "en": "Decision points"},
    "res.when": {"de": "Wann", "en": "When"},
    "res.decision": {"de": "Entscheidung", "en": "Decision"},
    "res.steps": {"de": "Nächste Schritte", "en": "Next steps"},
    "res.steps_help": {"de": "Direkt in der Tabelle bearbeiten: Namen eintragen, Termine anpassen, Zeilen "
                             "hinzufügen oder löschen. Wird automatisch gespeichert.",
                       "en": "Edit directly in the table: enter names, adjust dates, add or delete rows. Saved "
                             "automatically."},
    "res.what": {"de": "Was", "en": "What"},
    "res.who": {"de": "Wer", "en": "Who"},
    "res.by": {"de": "Bis", "en": "By"},
    "res.funding": {"de": "Passende Förderprogramme", "en": "Matching funding programmes"},
    "res.no_funding": {"de": "Keine passenden Förderprogramme gefunden. Der Förderfinder zeigt alle Programme.",
                       "en": "No matching funding programmes found. The funding finder shows all programmes."},
    "res.more_funding": {"de": "Alle Programme im Förderfinder ansehen", "en": "See all programmes in the funding finder"},
    "res.sources": {"de": "Quellen ({n})", "en": "Sources ({n})"},

    # --- Fragen ----------------------------------------------------------------------------------------------------
    "chat.title": {"de": "Fragen an die Wissensbasis", "en": "Questions to the knowledge base"},
    "chat.context_on": {"de": "Die aktuelle Beratung wird als Kontext genutzt (z. B. Ihr Bundesland bei "
                              "Förderfragen, die Begründung bei „Warum dieser Use Case?“).",
                        "en": "The current consultation is used as context (e.g. your federal state for funding "
                              "questions, the reasoning for “Why this use case?”)."},
    "chat.empty": {"de": "Stellen Sie eine Frage in eigenen Worten – jede Antwort nennt ihre Quellen.",
                   "en": "Ask a question in your own words – every answer names its sources."},
    "chat.placeholder": {"de": "Ihre Frage, z. B. „Was muss ich beim Datenschutz beachten?“",
                         "en": "Your question, e.g. “What do I need to consider for data protection?”"},
    "chat.thinking": {"de": "Suche in der Wissensbasis …", "en": "Searching the knowledge base …"},
    "chat.sources": {"de": "Quellen ({n})", "en": "Sources ({n})"},
    "chat.page": {"de": "S. {page}", "en": "p. {page}"},
    "chat.note_from_result": {"de": "Antwort aus Ihrer aktuellen Beratung (Begründung der Auswahl).",
                              "en": "Answer from your current consultation (reasoning of the selection)."},
    "chat.note_state": {"de": "Bezogen auf {state} (aus der aktuellen Beratung) sowie bundesweite Angebote.",
                        "en": "Scoped to {state} (from the current consultation) plus nationwide offers."},
    "chat.note_ungrounded": {"de": "Keine belastbare Quelle gefunden – daher keine Antwort geraten.",
                             "en": "No reliable source found – so no answer was guessed."},
    "chat.note_fallback": {"de": "Keine überprüfbare Antwort des Sprachmodells – stattdessen wörtlich aus der "
                                 "Wissensbasis zitiert.",
                           "en": "No verifiable answer from the language model – quoted from the knowledge base "
                                 "instead."},
    "chat.clear": {"de": "Verlauf löschen", "en": "Clear history"},
    "chat.hint_consult": {"de": "Tipp: Mit einer Beratung im Hintergrund werden Antworten auf Ihr Unternehmen "
                                "bezogen.",
                          "en": "Tip: with a consultation in the background, answers refer to your company."},
    "chat.ex_why": {"de": "Warum dieser Use Case?", "en": "Why this use case?"},
    "chat.ex_funding": {"de": "Welche Förderung gibt es für Digitalisierungsberatung?",
                        "en": "Which funding is there for digitalisation consulting?"},
    "chat.ex_privacy": {"de": "Was muss ich beim Datenschutz mit KI beachten?",
                        "en": "What do I need to consider for data protection with AI?"},
    "chat.ex_pilot": {"de": "Wie lange dauert ein KI-Pilotprojekt?", "en": "How long does an AI pilot take?"},

    # --- Förderfinder ----------------------------------------------------------------------------------------------
    "ff.title": {"de": "Förderfinder", "en": "Funding finder"},
    "ff.intro": {"de": "Förderprogramme für Digitalisierung und KI – gefiltert nach Bundesland, Größe, Thema und "
                       "Status. Jede Zeile nennt den Stand der Angaben und die Quelle.",
                 "en": "Funding programmes for digitalisation and AI – filtered by federal state, size, topic and "
                       "status. Every row gives the as-of date of the information and its source."},
    "ff.prefilled": {"de": "Filter aus der aktuellen Beratung vorausgefüllt.",
                     "en": "Filters pre-filled from the current consultation."},
    "ff.state": {"de": "Bundesland", "en": "Federal state"},
    "ff.state_none": {"de": "Nur bundesweite und EU-Programme", "en": "Nationwide and EU programmes only"},
    "ff.state_help": {"de": "Landesprogramme erscheinen nur für das gewählte Bundesland; bundesweite immer.",
                      "en": "State programmes appear only for the chosen state; nationwide ones always."},
    "ff.employees": {"de": "Beschäftigte", "en": "Employees"},
    "ff.employees_help": {"de": "Köpfe, nicht Vollzeitstellen. Leer lassen = keine Größenprüfung.",
                          "en": "Heads, not full-time equivalents. Leave empty = no size check."},
    "ff.turnover": {"de": "Jahresumsatz (€)", "en": "Annual revenue (€)"},
    "ff.turnover_help": {"de": "Freiwillig; manche Programme haben Umsatzgrenzen.",
                         "en": "Optional; some programmes have revenue limits."},
    "ff.any": {"de": "beliebig", "en": "any"},
    "ff.topics": {"de": "Thema", "en": "Topic"},
    "ff.all_topics": {"de": "Alle Themen", "en": "All topics"},
    "ff.status": {"de": "Status", "en": "Status"},
    "ff.status_help": {"de": "Beendete Programme sind ausgeblendet; zum Nachschlagen „beendet“ hinzufügen – sie "
                             "erscheinen dann grau mit Enddatum und Nachfolger.",
                       "en": "Ended programmes are hidden; add “ended” to look them up – they then appear grey "
                             "with end date and successor."},
    "ff.level_federal": {"de": "Bund", "en": "Federal"},
    "ff.level_eu": {"de": "EU", "en": "EU"},
    "ff.ended_since": {"de": "beendet seit {date}", "en": "ended since {date}"},
    "ff.deadline": {"de": "Frist {date}", "en": "deadline {date}"},
    "ff.none": {"de": "Keine Programme passen zu diesen Filtern. Tipp: Thema leeren oder Größe weglassen.",
                "en": "No programmes match these filters. Tip: clear the topic or leave out the size."},
    "ff.count": {"de": "**{n} Programme** gefunden.", "en": "**{n} programmes** found."},
    "ff.count_ended": {"de": "Davon {n} beendet (grau, nur zur Information).",
                       "en": "{n} of them ended (grey, for information only)."},
    "ff.col_programme": {"de": "Programm", "en": "Programme"},
    "ff.col_status": {"de": "Status", "en": "Status"},
    "ff.col_as_of": {"de": "Stand", "en": "As of"},
    "ff.col_as_of_help": {"de": "Datum des letzten Belegs für den Status", "en": "Date of the latest evidence"},
    "ff.col_level": {"de": "Ebene", "en": "Level"},
    "ff.col_amount": {"de": "Förderung", "en": "Funding"},
    "ff.col_topics": {"de": "Themen", "en": "Topics"},
    "ff.col_funder": {"de": "Förderstelle", "en": "Funder"},
    "ff.col_why": {"de": "Warum passend / Hinweise", "en": "Why it fits / notes"},
    "ff.col_source": {"de": "Quelle", "en": "Source"},
    "ff.open_source": {"de": "öffnen", "en": "open"},
    "ff.disclaimer": {"de": "Förderbedingungen ändern sich häufig. Vor einem Antrag den aktuellen Stand bei der "
                            "Förderstelle prüfen und den Antrag vor Vorhabenbeginn stellen.",
                      "en": "Funding terms change often. Check the current status with the funder before applying, "
                            "and apply before the project starts."},

    # --- Wissensbasis ------------------------------------------------------------------------------------------------
    "kb.title": {"de": "Wissensbasis", "en": "Knowledge base"},
    "kb.intro": {"de": "Die Dokumente, aus denen Antworten und Empfehlungen stammen. Eigene Leitfäden, "
                       "Förderrichtlinien oder Handbücher hinzufügen – sie bleiben auf diesem Rechner.",
                 "en": "The documents answers and recommendations come from. Add your own guides, funding rules or "
                       "manuals – they stay on this computer."},
    "kb.upload_title": {"de": "Dokumente hinzufügen", "en": "Add documents"},
    "kb.upload_help": {"de": "PDF (mit Textebene, keine reinen Scans) oder Markdown, bis {mb} MB je Datei. Eine "
                             "Datei mit gleichem Namen ersetzt die vorherige Fassung.",
                       "en": "PDF (with a text layer, not pure scans) or Markdown, up to {mb} MB per file. A file "
                             "with the same name replaces the previous version."},
    "kb.upload_label": {"de": "Dateien auswählen", "en": "Choose files"},
    "kb.upload_button": {"de": "Hochladen und einlesen", "en": "Upload and index"},
    "kb.indexing_start": {"de": "Lese ein …", "en": "Indexing …"},
    "kb.indexing": {"de": "Lese ein: {done} von {total} – {name}", "en": "Indexing {done} of {total} – {name}"},
    "kb.file_added": {"de": "{name}: eingelesen ({chunks} Abschnitte).", "en": "{name}: indexed ({chunks} chunks)."},
    "kb.file_updated": {"de": "{name}: aktualisiert ({chunks} Abschnitte).",
                        "en": "{name}: updated ({chunks} chunks)."},
    "kb.file_unchanged": {"de": "{name}: unverändert, war schon eingelesen.",
                          "en": "{name}: unchanged, already indexed."},
    "kb.file_removed": {"de": "{name}: aus dem Index entfernt (Datei nicht mehr vorhanden).",
                        "en": "{name}: removed from the index (file no longer present)."},
    "kb.file_skipped": {"de": "{name}: übersprungen (keine Inhalte für die Suche).",
                        "en": "{name}: skipped (nothing to search in)."},
    "kb.file_failed": {"de": "{name} konnte nicht eingelesen werden: {error} Alle anderen Dokumente sind "
                             "unverändert.",
                       "en": "{name} could not be indexed: {error} All other documents are unchanged."},
    "kb.docs_title": {"de": "Eingelesene Dokumente", "en": "Indexed documents"},
    "kb.empty": {"de": "Noch keine Dokumente eingelesen.", "en": "No documents indexed yet."},
    "kb.metric_docs": {"de": "Dokumente", "en": "Documents"},
    "kb.metric_chunks": {"de": "Abschnitte", "en": "Chunks"},
    "kb.metric_uploads": {"de": "Eigene Dokumente", "en": "Own documents"},
    "kb.only_uploads": {"de": "Nur eigene Dokumente zeigen", "en": "Show own documents only"},
    "kb.col_title": {"de": "Titel", "en": "Title"},
    "kb.col_source": {"de": "Datei", "en": "File"},
    "kb.col_type": {"de": "Art", "en": "Type"},
    "kb.col_chunks": {"de": "Abschnitte", "en": "Chunks"},
    "kb.col_indexed": {"de": "Eingelesen", "en": "Indexed"},
    "kb.type_guidance": {"de": "Leitfaden", "en": "Guide"},
    "kb.type_funding": {"de": "Förderprogramm", "en": "Funding programme"},
    "kb.type_use_case": {"de": "Use Case", "en": "Use case"},
    "kb.type_upload": {"de": "Eigenes Dokument", "en": "Own document"},
    "kb.delete_title": {"de": "Dokument entfernen", "en": "Remove a document"},
    "kb.delete_pick": {"de": "Dokument", "en": "Document"},
    "kb.delete_placeholder": {"de": "Dokument auswählen …", "en": "Choose a document …"},
    "kb.delete_curated_note": {"de": "Dies ist ein Dokument der mitgelieferten Wissensbasis: Es wird nur aus "
                                     "dem Index entfernt und kommt mit „Alles neu einlesen“ zurück.",
                               "en": "This is a document of the shipped knowledge base: it is only removed from "
                                     "the index and returns with “Re-index everything”."},
    "kb.delete_button": {"de": "Entfernen", "en": "Remove"},
    "kb.deleted": {"de": "„{name}“ wurde entfernt.", "en": "“{name}” was removed."},
    "kb.delete_missing": {"de": "„{name}“ war nicht (mehr) im Index.", "en": "“{name}” was not in the index."},
    "kb.reindex_title": {"de": "Neu einlesen", "en": "Re-index"},
    "kb.reindex_help": {"de": "Liest die mitgelieferte Wissensbasis und Ihre eigenen Dokumente ein. Unveränderte "
                              "Dateien werden übersprungen; beim ersten Mal dauert es etwa eine Minute.",
                        "en": "Indexes the shipped knowledge base and your own documents. Unchanged files are "
                              "skipped; the first run takes about a minute."},
    "kb.reindex_button": {"de": "Alles neu einlesen", "en": "Re-index everything"},
    "kb.reindex_running": {"de": "Lese die Wissensbasis ein …", "en": "Indexing the knowledge base …"},
    "kb.reindex_done": {"de": "Fertig: {added} neu, {updated} geändert, {unchanged} unverändert, {removed} "
                              "entfernt, {failed} fehlgeschlagen.",
                        "en": "Done: {added} new, {updated} changed, {unchanged} unchanged, {removed} removed, "
                              "{failed} failed."},

    # --- Meine Beratungen ------------------------------------------------------------------------------------------
    "saved.title": {"de": "Meine Beratungen", "en": "My consultations"},
    "saved.intro": {"de": "Jede Beratung wird beim Ausfüllen automatisch gespeichert – auch nach einem Neustart "
                          "ist alles da.",
                    "en": "Every consultation is saved automatically while you work – it is all still there "
                          "after a restart."},
    "saved.new": {"de": "Neue Beratung", "en": "New consultation"},
    "saved.empty": {"de": "Noch keine Beratungen gespeichert. Starten Sie unter „Beratung“.",
                    "en": "No consultations saved yet. Start under “Consultation”."},
    "saved.search": {"de": "Suchen", "en": "Search"},
    "saved.search_placeholder": {"de": "Firmenname oder Titel …", "en": "Company name or title …"},
    "saved.count": {"de": "{n} von {total} Beratungen", "en": "{n} of {total} consultations"},
    "saved.dates": {"de": "Angelegt {created} · zuletzt geändert {updated}",
                    "en": "Created {created} · last changed {updated}"},
    "saved.status_result": {"de": "Ergebnis liegt vor", "en": "Result available"},
    "saved.status_draft": {"de": "Entwurf", "en": "Draft"},
    "saved.cases": {"de": "Use Cases: {titles}", "en": "Use cases: {titles}"},
    "saved.draft_note": {"de": "Fragebogen noch nicht abgeschlossen.", "en": "Questionnaire not finished yet."},
    "saved.open": {"de": "Öffnen", "en": "Open"},
    "saved.duplicate": {"de": "Duplizieren", "en": "Duplicate"},
    "saved.copy_suffix": {"de": " (Kopie)", "en": " (copy)"},
    "saved.duplicated": {"de": "Kopie „{title}“ angelegt.", "en": "Copy “{title}” created."},
    "saved.rename": {"de": "Umbenennen", "en": "Rename"},
    "saved.new_title": {"de": "Neuer Titel", "en": "New title"},
    "saved.rename_save": {"de": "Speichern", "en": "Save"},
    "saved.title_empty": {"de": "Bitte einen Titel eingeben.", "en": "Please enter a title."},
    "saved.export": {"de": "Export (JSON)", "en": "Export (JSON)"},
    "saved.delete": {"de": "Löschen", "en": "Delete"},
    "saved.confirm_delete": {"de": "„{title}“ endgültig löschen? Das lässt sich nicht rückgängig machen.",
                             "en": "Delete “{title}” permanently? This cannot be undone."},
    "saved.delete_yes": {"de": "Ja, löschen", "en": "Yes, delete"},
    "saved.delete_no": {"de": "Abbrechen", "en": "Cancel"},
    "saved.deleted": {"de": "„{title}“ wurde gelöscht.", "en": "“{title}” was deleted."},
    "saved.import_title": {"de": "Beratung importieren", "en": "Import a consultation"},
    "saved.import_help": {"de": "Eine mit „Export (JSON)“ gesicherte Beratung, z. B. von einem anderen Rechner. "
                                "Sie wird als neue Beratung angelegt; nichts wird überschrieben.",
                          "en": "A consultation saved with “Export (JSON)”, e.g. from another computer. It is "
                                "added as a new consultation; nothing is overwritten."},
    "saved.import_label": {"de": "Datei (JSON)", "en": "File (JSON)"},
    "saved.import_not_json": {"de": "Die Datei ist keine gültige JSON-Datei.", "en": "The file is not valid JSON."},
    "saved.import_not_export": {"de": "Das ist kein Export aus „Meine Beratungen“. Einen ausgefüllten Fragebogen "
                                      "bitte unter „Beratung“ importieren.",
                                "en": "This is not an export from “My consultations”. Please import a filled "
                                      "questionnaire under “Consultation”."},
    "saved.import_use_consult": {"de": "Zur Beratung", "en": "Go to consultation"},
    "saved.import_failed": {"de": "Import nicht möglich: {reason}", "en": "Import not possible: {reason}"},
    "saved.imported": {"de": "„{title}“ importiert.", "en": "“{title}” imported."},

    # --- Einstellungen ---------------------------------------------------------------------------------------------
    "set.title": {"de": "Einstellungen & Status", "en": "Settings & status"},
    "set.lang_title": {"de": "Sprache", "en": "Language"},
    "set.lang_label": {"de": "Sprache der Oberfläche und neuer Ergebnisse",
                       "en": "Language of the interface and of new results"},
    "set.mode_title": {"de": "Betriebsart", "en": "Mode"},
    "set.mode_offline": {"de": "**Offline-Modus.** Antworten sind wörtliche Zitate aus der Wissensbasis, "
                               "Empfehlungen folgen nachvollziehbaren Regeln. Es wird kein Sprachmodell genutzt "
                               "und nichts verlässt diesen Rechner.",
                         "en": "**Offline mode.** Answers are quotes from the knowledge base, recommendations "
                               "follow transparent rules. No language model is used and nothing leaves this "
                               "computer."},
    "set.mode_offline_how": {"de": "Für formulierte Texte ein lokales Ollama-Modell einbinden: Umgebungsvariable "
                                   "`OLLAMA_HOST` (z. B. `http://127.0.0.1:11434`) setzen und die App neu starten.",
                             "en": "To get written-out texts, connect a local Ollama model: set the environment "
                                   "variable `OLLAMA_HOST` (e.g. `http://127.0.0.1:11434`) and restart the app."},
    "set.mode_ollama": {"de": "**Lokales Sprachmodell:** {model} auf {host}. Fällt es aus, arbeitet die App "
                              "automatisch offline weiter.",
                        "en": "**Local language model:** {model} on {host}. If it fails, the app carries on "
                              "offline automatically."},
    "set.check_ollama": {"de": "Verbindung prüfen", "en": "Check connection"},
    "set.index_title": {"de": "Wissensbasis und Speicher", "en": "Knowledge base and storage"},
    "set.docs": {"de": "Dokumente", "en": "Documents"},
    "set.chunks": {"de": "Abschnitte", "en": "Chunks"},
    "set.consultations": {"de": "Gespeicherte Beratungen", "en": "Saved consultations"},
    "set.privacy_title": {"de": "Datenschutz", "en": "Privacy"},
    "set.privacy_text": {"de": "Die KI-Sprechstunde läuft vollständig auf diesem Rechner. Es werden keine "
                               "Nutzungsdaten gesendet, keine Modelle nachgeladen und keine Cloud-Dienste "
                               "genutzt.",
                         "en": "The KI-Sprechstunde runs entirely on this computer. No usage data is sent, no "
                               "models are downloaded and no cloud services are used."},
    "set.data_dir": {"de": "Datenordner (Index, Beratungen, Uploads)", "en": "Data folder (index, consultations, "
                                                                              "uploads)"},
    "set.kb_dir": {"de": "Mitgelieferte Wissensbasis", "en": "Shipped knowledge base"},
    "set.embed_model": {"de": "Suchmodell (lokal)", "en": "Search model (local)"},
    "set.telemetry": {"de": "Telemetrie", "en": "Telemetry"},
    "set.telemetry_off": {"de": "aus", "en": "off"},
    "set.key": {"de": "Einstellung", "en": "Setting"},
    "set.value": {"de": "Wert", "en": "Value"},
}


def lang() -> str:
    """The user's language for this session (German unless switched)."""
    try:
        import streamlit as st

        return st.session_state.get("lang", DEFAULT_LANG)
    except Exception:  # noqa: BLE001 - outside a Streamlit run (tests, scripts)
        return DEFAULT_LANG


def set_lang(code: str) -> None:
    import streamlit as st

    st.session_state["lang"] = code if code in LANGS else DEFAULT_LANG


def t(key: str, lang_code: str | None = None, **values: object) -> str:
    """The text for `key` in the current language, with {placeholders} filled."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang_code or lang()) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text

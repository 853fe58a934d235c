"""Command line: `assistant ingest | ask | eval retrieval | status` (and consult/funding/intake, see below)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from assistant.config import disable_telemetry

app = typer.Typer(add_completion=False, no_args_is_help=True, help="KI-Sprechstunde – lokale KI-Beratung für KMU.")
eval_app = typer.Typer(no_args_is_help=True, help="Auswertungen (retrieval, consult).")
app.add_typer(eval_app, name="eval")


def _engine():
    from assistant.engine import Engine

    return Engine()


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"Fehler: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(None, help="Dateien oder Ordner (Standard: knowledge_base/)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Keinen Fortschrittsbalken zeigen."),
) -> None:
    """Wissensbasis indexieren (inkrementell: unveränderte Dateien werden übersprungen)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    engine = _engine()
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]Indexiere"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, disable=quiet, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, source: str) -> None:
            bar.update(task, completed=done, total=total, description=source)

        report = engine.ingestor.run(paths or None, progress=progress)
    counts = {s: report.count(s) for s in ("added", "updated", "unchanged", "removed", "skipped", "failed")}
    typer.echo(
        "Neu: {added}, geändert: {updated}, unverändert: {unchanged}, entfernt: {removed}, "
        "übersprungen: {skipped}, fehlgeschlagen: {failed}".format(**counts)
    )
    typer.echo(f"Index: {engine.store.count_chunks()} Abschnitte aus {len(engine.store.files())} Dokumenten.")
    for result in report.failed:
        typer.echo(f"FEHLER {result.error}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def ask(
    question: str = typer.Argument(..., help="Die Frage, gern umgangssprachlich."),
    as_json: bool = typer.Option(False, "--json", help="Ausgabe als JSON (ask.schema.json)."),
    k: int = typer.Option(5, "--k", min=1, max=20, help="Wie viele Passagen herangezogen werden."),
    doc_type: Optional[list[str]] = typer.Option(None, "--type", help="Filter: guidance, funding, use_case, upload."),
    region: Optional[list[str]] = typer.Option(None, "--region", help="Filter: Bundesland-Kürzel, z. B. SN."),
    lang: Optional[str] = typer.Option(None, "--lang", help="de oder en."),
) -> None:
    """Eine Frage an die Wissensbasis stellen – mit Quellenangaben."""
    from assistant.knowledge.retrieval import Filters, IndexNotReady

    engine = _engine()
    filters = Filters(doc_types=doc_type or None, regions=region or None)
    try:
        answer = engine.answerer.ask(question, k=k, filters=filters, lang=lang)
    except IndexNotReady as exc:
        _fail(str(exc))
    if as_json:
        _print_json(answer.model_dump(exclude_none=False))
        return
    typer.echo(answer.answer)
    if answer.sources:
        typer.echo("\nQuellen:")
        for n, src in enumerate(answer.sources, start=1):
            where = f"S. {src.page}" if src.page else (src.section or "")
            typer.echo(f"[{n}] {src.title} – {src.source}" + (f" ({where})" if where else ""))


@eval_app.command("retrieval")
def eval_retrieval(
    as_json: bool = typer.Option(False, "--json", help="JSON: {bm25: {...}, dense: {...}, hybrid: {...}}."),
    questions: Path = typer.Option(None, "--questions", help="YAML mit Fragen (Standard: evals/retrieval_questions.yaml)."),
    do_tune: bool = typer.Option(False, "--tune", help="Fusion (RRF vs. konvex) und Schwelle kalibrieren."),
) -> None:
    """Retrieval messen: recall@1/3/5, MRR@10, nDCG@10 für bm25, dense und hybrid."""
    from assistant.evals.retrieval_eval import DEFAULT_QUESTIONS, METRICS, calibrate_grounding, compare, load_questions, tune
    from assistant.knowledge.retrieval import IndexNotReady

    engine = _engine()
    qs = load_questions(questions or DEFAULT_QUESTIONS)
    try:
        table = compare(engine.retriever, qs)
    except IndexNotReady as exc:
        _fail(str(exc))
    extra = {}
    if do_tune:
        extra = {"tuning": tune(engine.retriever, qs), "grounding": calibrate_grounding(engine.retriever, qs)}
    if as_json:
        _print_json({**table, **extra})
        return
    n = sum(1 for q in qs if q.expected and not q.unanswerable)
    typer.echo(f"{n} beantwortbare Fragen (+{len(qs) - n} ohne Antwort im Korpus)\n")
    typer.echo(f"{'':8}" + "".join(f"{m:>10}" for m in METRICS))
    for mode, row in table.items():
        typer.echo(f"{mode:8}" + "".join(f"{row[m]:>10.3f}" for m in METRICS))
    if do_tune:
        typer.echo("\nFusion (beste zuerst):")
        for row in extra["tuning"][:8]:
            typer.echo(f"  {row['fusion']:6} {row['param']!s:>5} " + " ".join(f"{row[m]:.3f}" for m in METRICS))
        typer.echo(f"\nGrounding: {extra['grounding']}")


@app.command()
def funding(
    state: Optional[str] = typer.Option(None, "--state", help="Bundesland-Kürzel, z. B. SN."),
    employees: Optional[int] = typer.Option(None, "--employees", min=1, help="Anzahl Beschäftigte."),
    turnover: Optional[float] = typer.Option(None, "--turnover", min=0, help="Jahresumsatz in Euro."),
    topic: Optional[list[str]] = typer.Option(None, "--topic",
                                              help="consulting, investment, training, rnd, loan (mehrfach möglich)."),
    include_ended: bool = typer.Option(False, "--all", help="Auch beendete Programme zeigen (mit Enddatum)."),
    as_json: bool = typer.Option(False, "--json", help="Ausgabe als JSON (funding.schema.json)."),
    date: Optional[str] = typer.Option(None, "--date", help="Stichtag für Fristen (YYYY-MM-DD, Standard: heute)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="de oder en."),
) -> None:
    """Passende Förderprogramme finden (nie beendete, außer mit --all)."""
    import datetime as dt

    from assistant.config import get_settings
    from assistant.consult.funding import FundingQuery, find_funding, load_programmes
    from assistant.intake import STATE_NAMES

    settings = get_settings()
    if state is not None and state.upper() not in STATE_NAMES:
        _fail(f"Unbekanntes Bundesland '{state}'. Erlaubt: {', '.join(STATE_NAMES)}", 2)
    bad = [t for t in topic or [] if t not in {"consulting", "investment", "training", "rnd", "loan"}]
    if bad:
        _fail(f"Unbekanntes Thema {bad}. Erlaubt: consulting, investment, training, rnd, loan", 2)
    try:
        today = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        _fail(f"Datum '{date}' ist kein gültiges Datum (YYYY-MM-DD).", 2)
    query = FundingQuery(state=state.upper() if state else None, employees=employees, turnover_eur=turnover,
                         topics=topic or [], include_ended=include_ended, today=today, lang=lang or settings.lang)
    matches = find_funding(load_programmes(settings.kb_dir.resolve()), query)
    if as_json:
        _print_json([m.model_dump(mode="json") for m in matches])
        return
    if not matches:
        typer.echo("Keine passenden Programme gefunden.")
    for m in matches:
        typer.echo(f"[{m.status}] {m.name} ({m.funder})\n    {m.why}\n    {m.source_url}")


@app.command()
def consult(
    intake_file: Path = typer.Option(..., "--intake", help="Ausgefüllter Fragebogen (JSON)."),
    as_json: bool = typer.Option(False, "--json", help="Ausgabe als JSON (consult.schema.json)."),
    as_markdown: bool = typer.Option(False, "--markdown", help="Ausgabe als einseitiges Briefing (Markdown)."),
    date: Optional[str] = typer.Option(None, "--date", help="Beratungsdatum (YYYY-MM-DD, Standard: heute)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="de oder en."),
    explain: bool = typer.Option(False, "--explain", help="Punktezerlegung der Use-Case-Auswahl zeigen."),
) -> None:
    """Beratung: Fragebogen → 1–2 Use Cases, Mandat, nächste Schritte, Förderung."""
    import datetime as dt

    from assistant.intake import IntakeError, load_intake
    from assistant.report.blocks import to_markdown

    if lang not in (None, "de", "en"):
        _fail("--lang muss de oder en sein.", 2)
    try:
        when = dt.date.fromisoformat(date) if date else None
    except ValueError:
        _fail(f"Datum '{date}' ist kein gültiges Datum (YYYY-MM-DD).", 2)
    try:
        intake = load_intake(intake_file, lang=lang or "de")
    except IntakeError as exc:
        typer.echo(f"Fehler im Fragebogen {intake_file}:", err=True)
        for fe in exc.field_errors:
            typer.echo(f"  - {fe.field}: {fe.message}", err=True)
        raise typer.Exit(2)
    result = _engine().consultant.consult(intake, date=when, lang=lang)
    if as_json:
        _print_json(result.contract_json(explain=explain))
        return
    typer.echo(to_markdown(result))
    if explain:
        for uc in result.use_cases:
            typer.echo(f"\n{uc.id}: " + json.dumps(uc.breakdown.model_dump(), ensure_ascii=False))


@app.command()
def intake(
    blank: bool = typer.Option(False, "--blank", help="Leeren Fragebogen ausgeben (zum Versand vor der Sprechstunde)."),
    fmt: str = typer.Option("json", "--format", help="json oder md."),
    lang: str = typer.Option("de", "--lang", help="de oder en."),
    check: Optional[Path] = typer.Option(None, "--check", help="Ausgefüllten Fragebogen prüfen."),
) -> None:
    """Fragebogen exportieren (--blank) oder prüfen (--check)."""
    from assistant.intake import IntakeError, blank_intake_json, blank_intake_markdown, load_intake

    if check is not None:
        try:
            load_intake(check, lang=lang)
        except IntakeError as exc:
            for fe in exc.field_errors:
                typer.echo(f"  - {fe.field}: {fe.message}", err=True)
            raise typer.Exit(2)
        typer.echo("Fragebogen ist gültig." if lang == "de" else "Questionnaire is valid.")
        return
    if not blank:
        _fail("Bitte --blank oder --check DATEI angeben.", 2)
    if fmt == "json":
        _print_json(blank_intake_json(lang))
    elif fmt in {"md", "markdown"}:
        typer.echo(blank_intake_markdown(lang))
    else:
        _fail("--format muss json oder md sein.", 2)


@eval_app.command("consult")
def eval_consult(
    as_json: bool = typer.Option(False, "--json", help="Ergebnis als JSON."),
    folder: Path = typer.Option(None, "--personas", help="Ordner mit Personas (Standard: evals/personas)."),
) -> None:
    """Beratung messen: Trefferquote akzeptabler Use Cases, Vertragsgültigkeit, Förderfehler."""
    from assistant.evals.consult_eval import PERSONA_DIR, evaluate_all

    report = evaluate_all(_engine().consultant, folder or PERSONA_DIR)
    if as_json:
        _print_json(report)
        return
    typer.echo(f"{'Persona':34} {'Use Cases':60} ok  falsch")
    for row in report["details"]:
        grade = f"{len(row['acceptable'])}/{len(row['picked'])}" if row["graded"] else "–"
        typer.echo(f"{row['persona'][:34]:34} {', '.join(row['picked'])[:60]:60} {grade:4} {len(row['wrong'])}")
    typer.echo(
        f"\nAkzeptable Use Cases: {report['acceptable_rate']:.0%} ({report['use_cases']} empfohlen), "
        f"falsche: {report['wrong_picks']}, schemagültig: {report['schema_valid']}/{report['personas']}, "
        f"beendete Programme: {report['funding_ended']}, fremdes Bundesland: {report['funding_other_state']}"
    )


@app.command()
def status() -> None:
    """Zustand: Index, Modelle, Modus."""
    engine = _engine()
    s = engine.settings
    typer.echo(f"Daten:      {s.data_dir}")
    typer.echo(f"Modell:     {s.embed_model}")
    typer.echo(f"Index:      {engine.store.count_chunks()} Abschnitte, {len(engine.store.files())} Dokumente")
    typer.echo(f"Modus:      {'offline' if s.offline else 'Ollama ' + s.ollama_host + ' (' + s.llm_model + ')'}")


def main() -> None:
    disable_telemetry()
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()

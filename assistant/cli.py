"""Command line: `assistant ingest | ask | consult | funding | intake | eval retrieval | eval consult | status`.

Every option with a fixed set of values is an Enum or a typed parameter whose check fails with ONE German line
from the catalogue (`cli.*`) and exit code 2, the same way for every command; `CliGroup` turns Click's own
usage errors (unknown option, missing value) into such a line too, instead of a box of English text.
Output follows --lang where a command has it; `--json` outputs follow the contracts in assistant/schemas/.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from pydantic_core import PydanticCustomError
from typer._click import exceptions as click_errors  # typer >= 0.29 vendors click: its errors live here
from typer.core import TyperGroup

from assistant import vocabulary
from assistant.config import disable_telemetry
from assistant.i18n import formatting, msg

ERROR_LANG = "de"  # messages about a bad call are German, whatever --lang says (it may be the bad value)


def _h(key: str) -> str:
    return msg(f"cli.help.{key}", ERROR_LANG)


# --- value types: one check per kind of value, one German sentence per failure ---------------------------------
Lang = StrEnum("Lang", {code: code for code in ("de", "en")})
Format = StrEnum("Format", {"json": "json", "md": "md", "markdown": "markdown", "pdf": "pdf"})
Topic = StrEnum("Topic", {topic: topic for topic in vocabulary.FUNDING_TOPICS})
DocType = StrEnum("DocType", {kind: kind for kind in ("guidance", "funding", "use_case", "upload")})

_OWN_MESSAGES: set[str] = set()
"""Sentences our parsers produced; Typer wraps them in BadParameter, and they are shown as they are."""


def _refuse(key: str, **values: object) -> PydanticCustomError:
    text = msg(key, ERROR_LANG, **values)
    _OWN_MESSAGES.add(text)
    return PydanticCustomError("cli_value", text)


def choice(option: str, values: type[StrEnum] | tuple[str, ...], case_sensitive: bool = True,
           refusal: str = "cli.bad_choice"):
    """A parser for one of fixed values; returns the Enum member (or the canonical spelling)."""
    enum = values if isinstance(values, type) else None
    allowed = tuple(v.value for v in values) if enum else tuple(values)

    def parse(value: Any) -> Any:
        text = str(getattr(value, "value", value))
        for known in allowed:
            if text == known or (not case_sensitive and text.casefold() == known.casefold()):
                return enum(known) if enum else known
        raise _refuse(refusal, value=text, option=option, allowed=", ".join(allowed))

    return parse


def iso_date(option: str):
    """A parser for an ISO date (2026-03-02), the one form that is unambiguous in a shell script."""

    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise _refuse("cli.bad_date", value=value, option=option) from None

    return parse


def number(option: str, whole: bool, low: float | None = None, high: float | None = None):
    """A parser for a whole number or a number within bounds."""

    def parse(value: Any) -> float | int:
        try:
            parsed = int(str(value)) if whole else float(str(value))
        except ValueError:
            raise _refuse("cli.bad_whole" if whole else "cli.bad_number", value=value, option=option) from None
        shown = {"option": option, "value": value,
                 "low": formatting.smart_number(low, ERROR_LANG) if low is not None else ""}
        if high is not None and low is not None and not low <= parsed <= high:
            raise _refuse("cli.out_of_range", high=formatting.smart_number(high, ERROR_LANG), **shown)
        if low is not None and parsed < low:
            raise _refuse("cli.too_small", **shown)
        return parsed

    return parse


def _option(param: Any) -> str:
    opts = getattr(param, "opts", None)
    return opts[0] if opts else str(getattr(param, "name", "?"))


def usage_message(exc: click_errors.ClickException) -> str:
    """Click's usage errors in one German sentence; our own parsers already speak German."""
    if isinstance(exc, click_errors.MissingParameter):
        return msg("cli.missing", ERROR_LANG, option=_option(exc.param))
    if isinstance(exc, click_errors.BadParameter) and exc.message in _OWN_MESSAGES:
        return exc.message
    if isinstance(exc, click_errors.NoSuchOption):
        return msg("cli.no_such_option", ERROR_LANG, option=exc.option_name)
    if exc.message.startswith("No such command"):
        name = exc.message.split("'")[1] if "'" in exc.message else exc.message
        return msg("cli.no_such_command", ERROR_LANG, name=name)
    return msg("cli.usage", ERROR_LANG, detail=exc.format_message())


class CliGroup(TyperGroup):
    """Runs the commands and reports any bad call as one German line with exit code 2 (no box of English)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: ANN001
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            sys.exit(2)
        except click_errors.ClickException as exc:
            typer.echo(msg("cli.error", ERROR_LANG, message=usage_message(exc)), err=True)
            sys.exit(2 if isinstance(exc, click_errors.UsageError) else exc.exit_code)
        except typer.Abort:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(cls=CliGroup, add_completion=False, no_args_is_help=True, help=msg("cli.app_help", ERROR_LANG),
                  pretty_exceptions_enable=False)
eval_app = typer.Typer(no_args_is_help=True, help=_h("eval"))
app.add_typer(eval_app, name="eval")

LangOption = Annotated[Optional[Lang], typer.Option("--lang", parser=choice("--lang", Lang), help=_h("lang"),
                                                   metavar="[de|en]")]


def _engine():
    from assistant.engine import Engine

    return Engine()


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str, code: int = 1) -> None:
    typer.echo(msg("cli.error", ERROR_LANG, message=message), err=True)
    raise typer.Exit(code)


def _lang(lang: Lang | None) -> str:
    from assistant.config import get_settings

    return lang.value if lang is not None else get_settings().lang


@app.command(help=_h("ingest"))
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help=_h("ingest_paths"))] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_h("quiet"))] = False,
) -> None:
    """Index the knowledge base; exit 1 names every file that failed (the index keeps its state)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    engine = _engine()
    lang = engine.settings.lang
    console = Console(stderr=True)
    with Progress(TextColumn(f"[bold]{msg('cli.ingest.progress', lang)}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=console, disable=quiet,
                  transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, source: str) -> None:
            bar.update(task, completed=done, total=total, description=source)

        report = engine.ingestor.run(paths or None, progress=progress)
    counts = {s: report.count(s) for s in ("added", "updated", "unchanged", "removed", "skipped", "failed")}
    typer.echo(msg("cli.ingest.summary", lang, **counts))
    if report.orphans_removed:
        typer.echo(msg("ingest.orphans_removed", lang, count=formatting.number(report.orphans_removed, lang)))
    typer.echo(msg("cli.ingest.index", lang, chunks=formatting.number(engine.store.count_chunks(), lang),
                   docs=formatting.number(len(engine.store.files()), lang)))
    for result in report.failed:
        typer.echo(msg("cli.ingest.failed", lang, error=result.error), err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command(help=_h("ask"))
def ask(
    question: Annotated[str, typer.Argument(help=_h("question"))],
    as_json: Annotated[bool, typer.Option("--json", help=_h("ask_json"))] = False,
    k: Annotated[int, typer.Option("--k", parser=number("--k", True, 1, 20), help=_h("k"))] = 5,
    doc_type: Annotated[Optional[list[DocType]], typer.Option("--type", parser=choice("--type", DocType),
                                                              help=_h("type"))] = None,
    region: Annotated[Optional[list[str]], typer.Option("--region", help=_h("region"))] = None,
    lang: LangOption = None,
) -> None:
    """Answer from the knowledge base with numbered sources."""
    from assistant.knowledge.index_store import IndexUnavailable
    from assistant.knowledge.retrieval import Filters, IndexNotReady

    engine = _engine()
    out_lang = lang.value if lang is not None else engine.settings.lang
    filters = Filters(doc_types=[d.value for d in doc_type] if doc_type else None, regions=region or None)
    try:
        answer = engine.answerer.ask(question, k=k, filters=filters, lang=out_lang)
    except IndexNotReady as exc:
        _fail(str(exc))
    except IndexUnavailable as exc:
        _fail(str(exc))
    if as_json:
        _print_json(answer.model_dump(exclude_none=False))
        return
    typer.echo(answer.answer)
    if answer.sources:
        typer.echo("\n" + msg("cli.ask.sources", out_lang))
        for n, src in enumerate(answer.sources, start=1):
            where = msg("cli.ask.page", out_lang, page=src.page) if src.page else (src.section or "")
            typer.echo(f"[{n}] {src.title} – {src.source}" + (f" ({where})" if where else ""))


@eval_app.command("retrieval", help=_h("eval_retrieval"))
def eval_retrieval(
    as_json: Annotated[bool, typer.Option("--json", help=_h("eval_json"))] = False,
    questions: Annotated[Optional[Path], typer.Option("--questions", help=_h("questions"))] = None,
    do_tune: Annotated[bool, typer.Option("--tune", help=_h("tune"))] = False,
) -> None:
    """recall@k, MRR and nDCG per retrieval mode; --tune also compares fusions and calibrates the threshold."""
    from assistant.evals.retrieval_eval import DEFAULT_QUESTIONS, METRICS, calibrate_grounding, compare, load_questions, tune
    from assistant.knowledge.retrieval import IndexNotReady

    engine = _engine()
    lang = engine.settings.lang
    qs = load_questions(questions or DEFAULT_QUESTIONS)
    try:
        table = compare(engine.retriever, qs)
    except IndexNotReady as exc:
        _fail(str(exc))
    extra = {}
    if do_tune:
        extra = {"tuning": tune(engine.retriever, qs), "grounding": calibrate_grounding(engine.answerer, qs)}
    if any(q.tags for q in qs):  # the v2 sets (`--questions dev|test`): per-tag recall and answer-level checks
        from assistant.evals.retrieval_eval import answer_checks, by_tag

        extra["by_tag"] = by_tag(engine.retriever, qs)
        extra["answers"] = answer_checks(engine.answerer, qs)
    if as_json:
        _print_json({**table, **extra})
        return
    n = sum(1 for q in qs if q.expected and not q.unanswerable)
    typer.echo(msg("cli.eval.questions", lang, n=n, unanswerable=len(qs) - n) + "\n")
    typer.echo(f"{'':8}" + "".join(f"{m:>10}" for m in METRICS))
    for mode, row in table.items():
        typer.echo(f"{mode:8}" + "".join(f"{row[m]:>10.3f}" for m in METRICS))
    if do_tune:
        typer.echo("\n" + msg("cli.eval.fusion", lang))
        for row in extra["tuning"][:8]:
            typer.echo(f"  {row['fusion']:6} {row['param']!s:>5} " + " ".join(f"{row[m]:.3f}" for m in METRICS))
        typer.echo("\n" + msg("cli.eval.grounding", lang, value=extra["grounding"]))
    if "by_tag" in extra:
        typer.echo("")
        for tag, row in extra["by_tag"].items():
            typer.echo(f"  {tag:11} n={row['n']:<3} recall@5={row['recall@5']:.3f} mrr@10={row['mrr@10']:.3f}")
        typer.echo("  " + " ".join(f"{k}={v}" for k, v in extra["answers"].items() if k != "misses"))


@app.command(help=_h("funding"))
def funding(
    state: Annotated[Optional[str], typer.Option("--state", parser=choice("--state", vocabulary.STATES, False, "cli.bad_state"),
                                                 help=_h("state"))] = None,
    employees: Annotated[Optional[int], typer.Option("--employees", parser=number("--employees", True, 1),
                                                     help=_h("employees"))] = None,
    turnover: Annotated[Optional[float], typer.Option("--turnover", parser=number("--turnover", False, 0),
                                                      help=_h("turnover"))] = None,
    topic: Annotated[Optional[list[Topic]], typer.Option("--topic", parser=choice("--topic", Topic),
                                                         help=_h("topic"))] = None,
    include_ended: Annotated[bool, typer.Option("--all", help=_h("all"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_h("funding_json"))] = False,
    date: Annotated[Optional[dt.date], typer.Option("--date", parser=iso_date("--date"), metavar="JJJJ-MM-TT",
                                                 help=_h("funding_date"))] = None,
    lang: LangOption = None,
) -> None:
    """Matching programmes; ended ones only with --all, unclear ones with a note to check."""
    from assistant.config import get_settings
    from assistant.consult.funding import FundingQuery, find_funding, load_programmes

    settings = get_settings()
    out_lang = _lang(lang)
    query = FundingQuery(state=state, employees=employees, turnover_eur=turnover,
                         topics=[t.value for t in topic or []], include_ended=include_ended,
                         today=date or dt.date.today(), lang=out_lang)
    matches = find_funding(load_programmes(settings.kb_dir.resolve()), query)
    if as_json:
        _print_json([m.model_dump(mode="json") for m in matches])
        return
    if not matches:
        typer.echo(msg("cli.funding.none", out_lang))
    for m in matches:
        status = msg(f"cli.funding.status.{m.status}", out_lang)
        as_of = msg("cli.funding.as_of", out_lang, date=formatting.day(m.as_of, out_lang))
        typer.echo(f"[{status}] {m.name} ({m.funder}) · {as_of}\n    {m.why}\n    {m.source_url}")


def _consult_overview(result) -> str:
    """The result in a terminal's few lines; the full brief is --markdown."""
    from assistant.report.blocks import when

    lang = result.language
    out = [result.company_summary, "", msg("cli.consult.summary_cases", lang)]
    out += [msg("cli.consult.case_line", lang, n=n, title=uc.title, effort=uc.effort,
                cost=formatting.money_range(*uc.cost_band_eur, lang)) for n, uc in enumerate(result.use_cases, 1)]
    out += ["", msg("cli.consult.summary_steps", lang)]
    out += [msg("cli.consult.step_line", lang, by=when(s.by, lang), what=s.what, who=s.who) for s in result.next_steps]
    if result.funding:
        out += ["", msg("cli.consult.summary_funding", lang)]
        out += [msg("cli.consult.funding_line", lang, name=f.name, status=msg(f"cli.funding.status.{f.status}", lang),
                    as_of=when(f.as_of, lang)) for f in result.funding]
    out += ["", msg("cli.consult.more", lang)]
    return "\n".join(out)


@app.command(help=_h("consult"))
def consult(
    intake_file: Annotated[Path, typer.Option("--intake", help=_h("intake_file"))],
    as_json: Annotated[bool, typer.Option("--json", help=_h("consult_json"))] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help=_h("markdown"))] = False,
    date: Annotated[Optional[dt.date], typer.Option("--date", parser=iso_date("--date"), metavar="JJJJ-MM-TT",
                                                 help=_h("consult_date"))] = None,
    lang: LangOption = None,
    explain: Annotated[bool, typer.Option("--explain", help=_h("explain"))] = False,
) -> None:
    """Questionnaire -> 1-2 use cases, mandate, next steps, funding: JSON, the Markdown brief, or an overview."""
    from assistant.intake import IntakeError, load_intake
    from assistant.report import export_markdown

    if as_json and as_markdown:
        _fail(msg("cli.one_of", ERROR_LANG, first="--json", second="--markdown"), 2)
    out_lang = _lang(lang)
    try:
        intake = load_intake(intake_file, lang=out_lang)
    except IntakeError as exc:
        typer.echo(msg("cli.consult.intake_errors", out_lang, path=intake_file), err=True)
        for fe in exc.field_errors:
            typer.echo(f"  - {fe.field}: {fe.message}", err=True)
        raise typer.Exit(2)
    result = _engine().consultant.consult(intake, date=date, lang=out_lang)
    if as_json:
        _print_json(result.contract_json(explain=explain))
        return
    typer.echo(export_markdown(result) if as_markdown else _consult_overview(result))
    if explain:
        for uc in result.use_cases:
            typer.echo(f"\n{uc.id}: " + json.dumps(uc.breakdown.model_dump(), ensure_ascii=False))


@app.command(help=_h("intake"))
def intake(
    blank: Annotated[bool, typer.Option("--blank", help=_h("blank"))] = False,
    fmt: Annotated[Format, typer.Option("--format", parser=choice("--format", Format), help=_h("format"))] = Format.json,
    lang: LangOption = None,
    check: Annotated[Optional[Path], typer.Option("--check", help=_h("check"))] = None,
    import_pdf: Annotated[Optional[Path], typer.Option("--import", help=_h("import_pdf"))] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help=_h("output"))] = None,
) -> None:
    """Export the blank questionnaire (--blank, also as a fillable PDF), check a filled JSON (--check) or read a
    filled PDF form back (--import; prints the intake JSON). Exit 2 lists every problem."""
    from assistant.intake import IntakeError, blank_intake_json, blank_intake_markdown, load_intake, parse_intake

    out_lang = lang.value if lang is not None else "de"
    if check is not None or import_pdf is not None:
        try:
            if import_pdf is not None:
                answers = _read_pdf_form(import_pdf, out_lang)
                parsed = parse_intake(answers, lang=out_lang)
            else:
                parsed = load_intake(check, lang=out_lang)
        except IntakeError as exc:
            for fe in exc.field_errors:
                typer.echo(f"  - {fe.field}: {fe.message}", err=True)
            raise typer.Exit(2)
        if import_pdf is not None:
            text = json.dumps(parsed.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2)
            if output is not None:
                output.write_text(text + "\n", encoding="utf-8")
            else:
                typer.echo(text)
            return
        typer.echo(msg("cli.intake.valid", out_lang))
        return
    if not blank:
        _fail(msg("cli.need_blank_or_check", ERROR_LANG), 2)
    if Format(fmt) is Format.pdf:
        from assistant.intake.pdf_form import blank_form_pdf

        data = blank_form_pdf(out_lang)
        if output is not None:
            output.write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
        return
    if Format(fmt) is Format.json:
        _print_json(blank_intake_json(out_lang))
    else:
        typer.echo(blank_intake_markdown(out_lang))


def _read_pdf_form(path: Path, lang: str) -> dict:
    """The answers of a filled PDF form; an unreadable file or a PDF without fields exits 2 with its reason."""
    from assistant.intake.pdf_form import FormError, read_form_pdf

    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail(msg("cli.file_unreadable", ERROR_LANG, path=path, reason=exc.strerror or exc), 2)
    try:
        return read_form_pdf(data, name=path.name, lang=lang)
    except FormError as exc:
        _fail(str(exc), 2)


@eval_app.command("consult", help=_h("eval_consult"))
def eval_consult(
    as_json: Annotated[bool, typer.Option("--json", help=_h("eval_consult_json"))] = False,
    folder: Annotated[Optional[Path], typer.Option("--personas", help=_h("personas"))] = None,
    split: Annotated[Optional[str], typer.Option("--split", help=msg("matching.cli_split_help", ERROR_LANG))] = None,
) -> None:
    """Share of acceptable use cases, contract validity and funding errors over the personas."""
    from assistant.evals.consult_eval import PERSONA_DIR, SPLITS, evaluate_all, evaluate_split

    if split is not None and split not in SPLITS:
        _fail(msg("cli.bad_choice", ERROR_LANG, value=split, option="--split", allowed=", ".join(SPLITS)), 2)
    engine = _engine()
    lang = engine.settings.lang
    report = (evaluate_split(engine.consultant, split) if split is not None
              else evaluate_all(engine.consultant, folder or PERSONA_DIR))
    if as_json:
        _print_json(report)
        return
    head = [msg(f"cli.eval.{k}", lang) for k in ("persona", "use_cases", "ok", "wrong")]
    typer.echo(f"{head[0]:34} {head[1]:60} {head[2]:3} {head[3]}")
    for row in report["details"]:
        grade = f"{len(row['acceptable'])}/{len(row['picked'])}" if row["graded"] else "–"
        typer.echo(f"{row['persona'][:34]:34} {', '.join(row['picked'])[:60]:60} {grade:4} {len(row['wrong'])}")
    typer.echo("\n" + msg("cli.eval.consult_summary", lang, rate=formatting.percent(report["acceptable_rate"], lang),
                          n=report["use_cases"], wrong=report["wrong_picks"], valid=report["schema_valid"],
                          personas=report["personas"], ended=report["funding_ended"],
                          other_state=report["funding_other_state"]))


@app.command(help=_h("stats"))
def stats(
    as_json: Annotated[bool, typer.Option("--json", help=_h("stats_json"))] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help=_h("stats_csv"))] = False,
    lang: LangOption = None,
) -> None:
    """Anonymised needs statistics over all saved consultations (groups under five suppressed)."""
    from assistant.config import get_settings
    from assistant.consultations import ConsultationStore
    from assistant.stats import compute, to_csv

    if as_json and as_csv:
        _fail(msg("cli.json_and_csv", ERROR_LANG), 2)
    settings = get_settings()
    out_lang = lang.value if lang is not None else settings.lang
    result = compute(ConsultationStore(settings.data_dir).list(), out_lang, settings.kb_dir)
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    if as_csv:
        typer.echo(to_csv(result, out_lang), nl=False)
        return
    typer.echo(msg("stats.summary", out_lang, n=result.consultations, results=result.with_result, min=result.min_group))
    for name, rows in result.tables().items():
        if rows:
            typer.echo("\n" + msg(f"stats.table.{name}", out_lang))
            for row in rows:
                typer.echo(f"  {row.label[:60]:60} {row.shown:>5}")


@app.command(help=_h("status"))
def status() -> None:
    """Index size, models and mode, to see at a glance what a run will use."""
    engine = _engine()
    s = engine.settings
    typer.echo(msg("cli.status.data", s.lang, value=s.data_dir))
    typer.echo(msg("cli.status.model", s.lang, value=s.embed_model))
    typer.echo(msg("cli.status.index", s.lang, chunks=formatting.number(engine.store.count_chunks(), s.lang),
                   docs=formatting.number(len(engine.store.files()), s.lang)))
    if s.offline:
        typer.echo(msg("cli.status.mode_offline", s.lang))
        return
    from assistant.writing.ollama_client import probe

    llm = probe(s)  # really asks the server: "Ollama" only when it answers and has the model
    if llm.mode == "ollama":
        typer.echo(msg("cli.status.mode_ollama", s.lang, host=s.ollama_host, model=s.llm_model))
    else:
        typer.echo(msg("cli.status.mode_fallback", s.lang, host=s.ollama_host, reason=llm.message))


from assistant.cli_users import users_app  # noqa: E402 - the team-login users, a sub-app of its own

app.add_typer(users_app, name="users")


def main() -> None:
    disable_telemetry()
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()

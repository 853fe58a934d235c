"""Prep-sheet quality over all personas (evals/personas, evals/personas_v2/dev and test), German and English.

Prints the figures of `assistant/evals/sheet_checks.py` per set and language: template share, ISO dates and
internal markers in the Markdown and in the PDF's extracted text, plans past the horizon, distinct plans,
decision-vs-step mismatches, state-programme coverage, cost above budget without warning, and German sentences
in English outputs. Reuses an index in BENCH_DATA_DIR (default /tmp/bench_sheet_quality) or ingests the
knowledge base there first. Run: `.venv/bin/python bench/bench_sheet_quality.py [--no-pdf] [--show N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import PROJECT_ROOT, Settings, disable_telemetry  # noqa: E402
from assistant.evals.consult_eval import EVAL_DATE, load_personas  # noqa: E402
from assistant.evals.sheet_checks import sheet_checks, text_checks  # noqa: E402
from assistant.intake import parse_intake  # noqa: E402

SETS = {"old": PROJECT_ROOT / "evals" / "personas", "dev": PROJECT_ROOT / "evals" / "personas_v2" / "dev",
        "test": PROJECT_ROOT / "evals" / "personas_v2" / "test"}


def pdf_text(result) -> str:
    from pypdf import PdfReader

    from assistant.report import export_pdf

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(export_pdf(result))).pages)


def run_set(engine, folder: Path, lang: str, with_pdf: bool) -> tuple[dict, list]:
    from assistant.report import export_markdown

    rows, pdfs = [], []
    for _, data in load_personas(folder):
        intake = parse_intake(data, lang=lang)
        result = engine.consultant.consult(intake, date=EVAL_DATE, lang=lang)
        rows.append((intake, result, export_markdown(result)))
        if with_pdf:
            pdfs.append(pdf_text(result))
    figures = sheet_checks(rows, kb_dir=engine.settings.kb_dir)
    if with_pdf:
        figures["pdf"] = text_checks(pdfs)
    return figures, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--sets", default="old,dev,test")
    parser.add_argument("--langs", default="de,en")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    disable_telemetry()
    from assistant.engine import Engine

    data_dir = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/bench_sheet_quality"))
    engine = Engine(Settings(data_dir=data_dir, kb_dir=PROJECT_ROOT / "knowledge_base"))
    if not engine.store.count_chunks():
        engine.ingestor.run()
    out = {}
    for name in args.sets.split(","):
        for lang in args.langs.split(","):
            figures, _ = run_set(engine, SETS[name], lang, not args.no_pdf)
            out[f"{name}/{lang}"] = figures
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    keys = ["sheets", "template_share_mean", "template_share_max", "iso_dates_in_markdown",
            "sheets_with_internal_markers", "plans_past_horizon", "distinct_plans", "decision_step_mismatches",
            "state_programme_coverage", "cost_above_budget_without_warning", "english_german_sentences"]
    cols = list(out)
    print("| metric | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for k in keys:
        print(f"| {k} | " + " | ".join(str(out[c][k]) for c in cols) + " |")
    if not args.no_pdf:
        for k in ("iso_dates", "sheets_with_internal_markers"):
            print(f"| pdf_{k} | " + " | ".join(str(out[c]["pdf"][k]) for c in cols) + " |")
    for c in cols:
        extra = {k: out[c][k] for k in ("internal_markers", "cost_above_budget_cases", "english_german_examples")
                 if out[c].get(k)}
        if not args.no_pdf and out[c]["pdf"]["internal_markers"]:
            extra["pdf_markers"] = out[c]["pdf"]["internal_markers"]
        if extra:
            print(f"\n{c}: " + json.dumps(extra, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    t0 = dt.datetime.now()
    main()
    print(f"\n({(dt.datetime.now() - t0).total_seconds():.0f} s)", file=sys.stderr)

"""The fillable PDF questionnaire: generated from the questionnaire file, filled, read back, validated."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.intake import IntakeError, load_questionnaire, parse_intake
from assistant.intake.pdf_form import FormError, blank_form_pdf, prefilled_form_pdf, read_form_pdf

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = sorted((ROOT / "evals" / "personas").glob("*.json"))


def _answers(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("_eval", None)
    return data


def _comparable(intake) -> dict:
    data = intake.model_dump()
    data["goals"] = sorted(data["goals"])
    data["data"]["sources"] = sorted(data["data"]["sources"])
    return data


def _fill(values: dict[str, str]) -> bytes:
    """Fill text fields the way another viewer would: only /V, no appearance regenerated."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_form_pdf("de"))))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_blank_form_has_a_field_for_every_question(lang):
    fields = PdfReader(io.BytesIO(blank_form_pdf(lang))).get_fields()
    for q in load_questionnaire().questions():
        if q.type == "multiselect":
            assert all(f"{q.key}.{o.value}" in fields for o in q.options), q.key
        elif q.type == "processes":
            assert all(f"processes.1.{c.key}" in fields for c in q.columns)
        else:
            assert q.key in fields, q.key


@pytest.mark.parametrize("path", PERSONAS, ids=lambda p: p.stem)
def test_round_trip_gives_the_same_intake(path):
    answers = _answers(path)
    for lang in ("de", "en"):
        back = read_form_pdf(prefilled_form_pdf(answers, lang), lang=lang)
        assert _comparable(parse_intake(back)) == _comparable(parse_intake(answers)), lang


def test_odd_values_from_another_viewer_give_field_messages_not_a_crash():
    pdf = _fill({"company.employees": "ca. 20", "budget_eur": "20.000 €", "company.annual_revenue_eur": "weiß nicht",
                 "pain_points": "", "processes.1.name": "Angebote", "processes.1.hours_per_month": "viele"})
    raw = read_form_pdf(pdf)
    assert raw["company"]["employees"] == 20 and raw["budget_eur"] == 20000
    with pytest.raises(IntakeError) as err:
        parse_intake(raw)
    text = str(err.value)
    assert "Jahresumsatz" in text and "Schmerzpunkte" in text and "Stunden pro Monat" in text
    assert "Traceback" not in text


def test_a_pdf_without_fields_and_a_broken_file_are_refused_by_name(tmp_path):
    from reportlab.pdfgen import canvas

    plain = io.BytesIO()
    c = canvas.Canvas(plain)
    c.drawString(50, 800, "Kein Formular")
    c.save()
    with pytest.raises(FormError, match="kein ausfüllbarer"):
        read_form_pdf(plain.getvalue(), name="brief.pdf")
    with pytest.raises(FormError, match="kaputt.pdf"):
        read_form_pdf(b"%PDF-1.4 nonsense", name="kaputt.pdf")


def test_cli_writes_the_blank_form_and_imports_a_filled_one(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    runner = CliRunner()
    blank = tmp_path / "blank.pdf"
    res = runner.invoke(app, ["intake", "--blank", "--format", "pdf", "--output", str(blank)])
    assert res.exit_code == 0, res.output
    assert PdfReader(str(blank)).get_fields()
    filled = tmp_path / "filled.pdf"
    filled.write_bytes(prefilled_form_pdf(_answers(PERSONAS[0])))
    res = runner.invoke(app, ["intake", "--import", str(filled)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["company"]["name"] == _answers(PERSONAS[0])["company"]["name"]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 garbage")
    res = runner.invoke(app, ["intake", "--import", str(broken)])
    assert res.exit_code == 2 and "broken.pdf" in res.output

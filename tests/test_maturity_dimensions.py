"""Maturity in the six DMA dimensions: scored from the answers, in the JSON, and drawn as the same radar in
PDF and Word."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from assistant.config import Settings
from assistant.consult.maturity_dimensions import DIMENSIONS, dimensions
from assistant.consult.pipeline import Consultant
from assistant.contracts import errors
from assistant.intake import parse_intake
from assistant.report import export_docx, export_pdf
from assistant.stats import MIN_GROUP, peer_average

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "evals" / "personas" / "example_handwerk.json"


def _answers() -> dict:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("_eval", None)
    return data


@pytest.fixture(scope="module")
def result():
    consultant = Consultant(Settings(data_dir=ROOT / ".data-unused", kb_dir=ROOT / "knowledge_base"))
    return consultant.consult(parse_intake(_answers()), date=dt.date(2026, 12, 2))


def test_six_dimensions_with_score_and_reason_in_the_contract_json(result):
    data = result.contract_json()
    assert errors("consult", data) == []
    dims = data["maturity"]["dimensions"]
    assert [d["id"] for d in dims] == list(DIMENSIONS)
    assert all(0 <= d["score"] <= 100 and d["name"] and d["reason"].endswith(".") for d in dims)


def test_paper_and_fax_cap_digital_readiness_whatever_the_self_assessment():
    answers = _answers()
    answers["it_maturity"] = 5
    answers["pain_points"] = "Aufträge kommen per Fax und werden abgetippt."
    answers["data"] = {"sources": ["paper", "phone"], "quality": "low"}
    readiness = dimensions(parse_intake(answers))[1]
    assert readiness.score <= 40 and "Papier oder Fax" in readiness.reason
    answers["data"] = {"sources": ["erp", "crm", "accounting", "scheduling"], "quality": "high"}
    answers["pain_points"] = "Angebote dauern zu lange."
    assert dimensions(parse_intake(answers))[1].score > 60


def test_unanswered_questions_give_a_cautious_value_and_say_so():
    answers = _answers()
    answers.pop("green_digital", None)
    green = dimensions(parse_intake(answers), "en")[5]
    assert green.score == 30 and "not given" in green.reason


def test_the_radar_is_an_image_in_pdf_and_docx_and_the_brief_stays_short(result):
    reader = PdfReader(io.BytesIO(export_pdf(result)))
    assert len(reader.pages) <= 3
    assert sum(len(page.images) for page in reader.pages) == 1
    from docx import Document

    doc = Document(io.BytesIO(export_docx(result)))
    assert len(doc.inline_shapes) == 1


def test_peer_average_needs_five_consultations_of_the_same_industry(result):
    class Rec:
        def __init__(self, i, industry):
            self.id, self.intake = str(i), {"company": {"industry": industry}}
            self.result = copy.deepcopy(result.contract_json())

    records = [Rec(i, "handwerk") for i in range(MIN_GROUP - 1)] + [Rec(99, "bau")]
    assert peer_average(records, "handwerk") is None
    records.append(Rec(100, "handwerk"))
    avg = peer_average(records, "handwerk")
    assert avg is not None and set(avg) == set(DIMENSIONS)

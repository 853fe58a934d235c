"""Content tests of the use-case catalogue (format v2): every text a firm can be shown speaks its industry.

Why: reviewers found a car dealer reading about doctors' emergency numbers and a tax office reading about
building-site photos. The marker table (assistant/consult/data/markers.yaml) names words that only read right
for some industries; the text a firm of industry X (or segment S) is shown — its variant where the case has one,
else the base text — must not contain another industry's markers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.consult.catalogue import load_catalogue
from assistant.consult.firm import FirmProfile, rules
from assistant.consult.markers import marker_hits
from assistant.consult.variants import localise
from assistant.i18n import has

KB = Path(__file__).resolve().parent.parent / "knowledge_base"
CASES = load_catalogue(KB.resolve())


def shown_texts(case) -> str:
    """Every German text of a (localised) case that reaches the sheet."""
    parts = [case.title, case.problem, case.solution, case.example or "", case.pilot.scope,
             *case.pilot.success_criteria, *(f"{k.name} {k.target} {k.baseline or ''}" for k in case.kpis),
             *(r.text for r in case.risks)]
    if case.value_model is not None:
        parts += [case.value_model.unit, case.value_model.baseline, case.value_model.assumption]
    return "\n".join(parts)


def firms_for(case):
    """The firms a case is written for: each listed industry (segment unknown) and each listed segment. Firms of
    another segment of a listed industry are kept out at run time by the matcher (tests/test_matching.py)."""
    segs = rules()["segments"]
    for industry in case.industries:
        yield FirmProfile(industry=industry, industries=[industry], segments=[])
    for seg in case.segments:
        industry = segs[seg]["industry"]
        if industry in case.industries:
            yield FirmProfile(industry=industry, industries=[industry], segments=[seg])


def test_catalogue_has_at_least_90_cases():
    assert len(CASES) >= 90


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_case_has_lever_industries_value_model_and_english(case):
    assert case.lever and has(f"levers.{case.lever}", "de"), case.id
    assert case.industries
    vm = case.value_model
    assert vm is not None and vm.unit and vm.baseline and "Annahme" in vm.assumption
    assert 0 <= vm.low <= vm.high <= 1
    assert case.en is not None and case.en.value_model is not None
    for rel in case.related:
        assert rel in {c.id for c in CASES}, f"{case.id}: unknown related {rel}"


def test_no_text_shown_to_a_firm_has_another_industrys_markers():
    problems = []
    for case in CASES:
        for firm in firms_for(case):
            hits = marker_hits(shown_texts(localise(case, firm)), firm.industries, firm.segments)
            if hits:
                problems.append(f"{case.id} → {firm.industry}/{','.join(firm.segments) or '-'}: {hits}")
    assert not problems, "\n".join(sorted(set(problems))[:60]) + f"\n({len(problems)} in all)"


def test_marker_check_catches_a_foreign_word():
    assert marker_hits("Handyfoto von der Baustelle", ["dienstleistung"]) == ["Baustelle"]
    assert marker_hits("Handyfoto von der Baustelle", ["bau"]) == []
    assert marker_hits("Heizungswartung im Herbst", ["handwerk"], ["tischlerei"]) == ["Heizungswartung"]
    assert marker_hits("Heizungswartung im Herbst", ["handwerk"], ["shk"]) == []

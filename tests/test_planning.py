"""The next-steps plan: working days per state, company break, horizon, funding lead times, gates, owners."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.consult.catalogue import load_catalogue
from assistant.consult.matching import pick, rank_use_cases
from assistant.consult.planning import FundingStep, WorkCalendar, build_mandate, build_plan, busy_months
from assistant.intake import parse_intake

ROOT = Path(__file__).resolve().parent.parent
KB = (ROOT / "knowledge_base").resolve()
PERSONAS = ROOT / "evals" / "personas"
START = dt.date(2026, 11, 23)


def persona(name: str, **changes) -> dict:
    data = json.loads((PERSONAS / f"{name}.json").read_text(encoding="utf-8"))
    data.pop("_eval", None)
    for key, value in changes.items():
        target = data
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return data


def picks_for(data: dict):
    intake = parse_intake(data)
    ranked = rank_use_cases(intake, load_catalogue(KB), None)
    return intake, pick(ranked)


def test_epiphany_is_a_holiday_in_bavaria_but_not_in_berlin():
    assert not WorkCalendar("BY", 2026).is_workday(dt.date(2027, 1, 6))
    assert WorkCalendar("BE", 2026).is_workday(dt.date(2027, 1, 6))
    assert not WorkCalendar("ST", 2026).is_workday(dt.date(2027, 1, 6))
    # Reformation Day (31.10.) is a holiday in Saxony, not in Bavaria
    assert WorkCalendar("BY", 2028).is_workday(dt.date(2028, 10, 31))
    assert not WorkCalendar("SN", 2028).is_workday(dt.date(2028, 10, 31))


def test_company_break_has_no_working_day():
    cal = WorkCalendar("NW", 2026)
    for day in range(24, 32):
        assert not cal.is_workday(dt.date(2026, 12, day))
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert cal.add(dt.date(2026, 12, 23), 1) == dt.date(2027, 1, 4)


@pytest.mark.parametrize("name", ["baeckerei_filialen_sn", "cnc_zulieferer_bw", "example_handwerk", "physiopraxis_be",
                                  "shk_papier_telefon_th", "ostseehotel_mv", "spedition_st"])
def test_no_step_past_the_horizon_none_in_the_break_and_decisions_equal_steps(name):
    intake, picks = picks_for(persona(name))
    plan = build_plan(picks, intake, START, None, "de")
    cal = WorkCalendar(intake.company.state, START.year)
    assert all(s.by <= plan.horizon_end for s in plan.steps)
    assert all(cal.is_workday(s.by) for s in plan.steps), [s.by for s in plan.steps]
    assert all(s.done_when for s in plan.steps)
    mandate = build_mandate(picks, [], [], intake, plan, "de")
    step_dates = {s.by.isoformat() for s in plan.steps}
    assert mandate.decision_points and {d.when for d in mandate.decision_points} <= step_dates


def test_horizon_changes_the_calendar():
    short_intake, picks = picks_for(persona("example_handwerk", time_horizon_months=3))
    long_intake, _ = picks_for(persona("example_handwerk", time_horizon_months=12))
    short = build_plan(picks, short_intake, START, None, "de")
    long = build_plan(picks, long_intake, START, None, "de")
    assert short.horizon_end < long.horizon_end
    assert [s.by for s in short.steps] != [s.by for s in long.steps]
    assert max(s.by for s in short.steps) <= short.horizon_end


def test_funding_approval_precedes_the_pilot_start_by_the_lead_time():
    intake, picks = picks_for(persona("baeckerei_filialen_sn"))
    funding = FundingStep(programme_id="sn_digitalisierung_zuschuss", name="Digitalisierung Sachsen", kind="grant")
    plan = build_plan(picks, intake, START, funding, "de")
    by_id = {s.id: s for s in plan.steps}
    assert plan.waits_for_funding
    apply_day, approval, pilot = by_id["funding_apply"].by, by_id["funding_wait"].by, by_id["pilot_start"].by
    assert (approval - apply_day).days >= 8 * 7
    assert pilot > approval
    without = build_plan(picks, intake, START, None, "de")
    assert {s.id: s for s in without.steps}["pilot_start"].by < pilot


def test_funding_that_does_not_fit_the_horizon_is_not_waited_for():
    intake, picks = picks_for(persona("physiopraxis_be", time_horizon_months=3))
    funding = FundingStep(programme_id="x", name="Lange Bewilligung", kind="call")
    plan = build_plan(picks, intake, START, funding, "de")
    assert not plan.waits_for_funding
    assert all(s.by <= plan.horizon_end for s in plan.steps)
    assert any("Lange Bewilligung" in w for w in plan.warnings)


def test_a_deadline_inside_the_plan_becomes_a_dated_step():
    intake, picks = picks_for(persona("example_handwerk"))
    bafa = FundingStep(programme_id="bund_bafa_unternehmensberatung_kmu", name="BAFA-Beratungsförderung",
                       kind="advice_grant", deadline=dt.date(2026, 12, 31))
    plan = build_plan(picks, intake, START, None, "de", deadlines=[bafa])
    step = next(s for s in plan.steps if s.id == "funding_apply_deadline")
    assert "31.12.2026" in step.what and step.by <= dt.date(2026, 12, 31)


def test_prerequisites_come_before_the_pilot_that_needs_them():
    intake, picks = picks_for(persona("shk_papier_telefon_th"))
    plan = build_plan(picks, intake, START, None, "de")
    by_id = {s.id: s for s in plan.steps}
    assert "it_basics" in by_id or "data_gap" in by_id
    for pre in ("it_basics", "data_gap"):
        if pre in by_id:
            assert by_id[pre].by < by_id["pilot_start"].by


def test_owner_is_the_external_provider_where_there_is_no_it():
    intake, picks = picks_for(persona("shk_papier_telefon_th"))
    plan = build_plan(picks, intake, START, None, "de")
    it_steps = [s for s in plan.steps if s.id == "it_basics"]
    assert it_steps and all(s.who == "externer IT-Dienstleister" for s in it_steps)
    assert not any(s.who.startswith("IT (") for s in plan.steps)


def test_second_use_case_comes_after_the_go_no_go_gate():
    intake, picks = picks_for(persona("cnc_zulieferer_bw"))
    assert len(picks) == 2
    plan = build_plan(picks, intake, START, None, "de")
    by_id = {s.id: s for s in plan.steps}
    gate = by_id.get("gate_with_next") or by_id["gate"]
    second = by_id.get("pilot2_start") or by_id.get("next_prepare")
    assert second is not None and second.by > gate.by and second.case_id == picks[1].case.id


def test_busy_season_from_the_constraints_moves_the_pilot_start():
    data = persona("example_handwerk", constraints="Im Weihnachtsgeschäft und im Januar ist keine Zeit. " * 1)
    assert busy_months(parse_intake(data)) == [11, 12]
    data = persona("example_handwerk", constraints="Von Juni bis August ist Hochsaison, dann geht nichts.")
    intake, picks = picks_for(data)
    start = dt.date(2027, 4, 1)
    plan = build_plan(picks, intake, start, None, "de")
    pilot = next(s for s in plan.steps if s.id == "pilot_start")
    assert pilot.by.month not in (6, 7, 8)


def test_field_pilot_in_agriculture_starts_in_the_growing_season():
    data = persona("milchvieh_ackerbau_ni", pain_points="Düngung und Pflanzenschutz auf den Schlägen planen wir nach "
                   "Gefühl, Trockenstress und Wildschaden sehen wir zu spät. Satellitenbilder nutzen wir nicht.")
    intake = parse_intake(data)
    ranked = rank_use_cases(intake, load_catalogue(KB), None)
    field = next(r for r in ranked if r.case.id == "uc_feldmonitoring_bilder")
    plan = build_plan([field], intake, START, None, "de")
    pilot = next(s for s in plan.steps if s.id == "pilot_start")
    assert pilot.by.month in (3, 4, 5, 6)


def test_english_plan_has_no_german_step():
    intake, picks = picks_for(persona("baeckerei_filialen_sn"))
    plan = build_plan(picks, intake, START, None, "en")
    assert all("„" not in s.what and " und " not in s.what for s in plan.steps)
    assert copy.deepcopy(plan.steps[0].who) == "Managing director"


def test_sheet_checks_count_template_sentences_iso_dates_and_mismatches():
    from assistant.evals.sheet_checks import ISO_DATE, INTERNAL_MARKERS, template_share

    common = "Alle Beteiligten kennen Nutzen und Grenzen der KI."
    sheets = [f"{common} Die Bäckerei Nummer {i} plant ihre Brötchen neu." for i in range(4)]
    assert template_share(sheets) == [0.5, 0.5, 0.5, 0.5]
    assert template_share([f"Ganz eigener Satz Nummer {i} hier." for i in range(4)]) == [0.0] * 4
    assert ISO_DATE.search("bis 2026-12-31 erledigen") and not ISO_DATE.search("bis 31.12.2026 erledigen")
    assert any(rx.search("siehe uc_anfrageannahme_termine") for rx in INTERNAL_MARKERS)

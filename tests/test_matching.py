"""The matcher on the real catalogue and real intakes: strict industries, biggest pain first, one case per lever,
the firm's constraints read from its own words, value in the lever's unit, compliance from the firm's facts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.consult.catalogue import load_catalogue
from assistant.consult.firm import profile
from assistant.consult.markers import marker_hits
from assistant.consult.matching import pick, rank_use_cases, same_lever, stems_meet, top_process
from assistant.consult.pipeline import Consultant
from assistant.intake import parse_intake

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "knowledge_base"
DEV = ROOT / "evals" / "personas_v2" / "dev"
DAY = dt.date(2026, 11, 23)
CATALOGUE = {c.id: c for c in load_catalogue(KB.resolve())}


def raw(name: str) -> dict:
    data = json.loads((DEV / f"{name}.json").read_text(encoding="utf-8"))
    data.pop("_eval", None)  # the engine never sees the labels
    return data


@pytest.fixture(scope="module")
def consultant(tmp_path_factory):
    return Consultant(Settings(data_dir=tmp_path_factory.mktemp("m"), kb_dir=KB))


def consult(consultant, data: dict):
    return consultant.consult(parse_intake(data), date=DAY, lang="de")


def test_compounds_meet_only_in_one_direction():
    assert stems_meet("verordnung", "heilmittelverordnung")
    assert not stems_meet("fruhjahrsdung", "fruhjahr")


@pytest.mark.parametrize("name", sorted(p.stem for p in DEV.glob("*.json")))
def test_picks_deferred_and_sources_fit_the_firms_industry(consultant, name):
    data = raw(name)
    result = consult(consultant, data)
    firm = profile(parse_intake(data))
    shown = [u.id for u in result.use_cases] + [d.id for d in result.not_now] + \
        [s.id for s in result.sources if s.id.startswith("uc_")]
    for cid in shown:
        assert set(CATALOGUE[cid].industries) & set(firm.industries), f"{cid} shown to {firm.industries}"
    if len(result.use_cases) == 2:
        a, b = (CATALOGUE[u.id] for u in result.use_cases)
        assert not same_lever(a, b)
    for d in result.not_now:
        assert d.reason and all(not same_lever(CATALOGUE[d.id], CATALOGUE[u.id]) for u in result.use_cases)
    for u in result.use_cases:
        text = " ".join([u.title, u.problem, u.solution, u.pilot.scope, *u.data_needed])
        assert marker_hits(text, firm.industries, firm.segments) == [], (u.id, text)
        assert "50 € je Stunde" not in u.expected_value and u.compliance.startswith("Recht und Compliance")


def test_first_pick_serves_the_process_with_most_hours_times_pain(consultant):
    data = raw("pflegeheim_ni_1")  # Dienstplanung 50 h × 5, Pflegedokumentation 800 h × 4
    intake = parse_intake(data)
    assert top_process(intake) == "Pflegedokumentation"
    assert consult(consultant, data).use_cases[0].id == "uc_pflegedokumentation_sprache"
    data["processes"][0]["hours_per_month"] = 900  # now the roster costs the most
    intake = parse_intake(data)
    assert top_process(intake) == "Dienstplanung"
    first = pick(rank_use_cases(intake, tuple(CATALOGUE.values())), intake)[0]
    assert CATALOGUE[first.case.id].lever == "dienst_schichtplanung"


def test_without_hours_the_most_painful_first_named_process_leads():
    data = raw("friseur_hh_1")
    assert top_process(parse_intake(data)) == "Termine am Telefon"


def test_strict_industries_never_show_a_case_outside_its_list():
    data = raw("hausverwaltung_sn_1")
    intake = parse_intake(data)
    ranked = rank_use_cases(intake, tuple(CATALOGUE.values()))
    assert ranked and all("dienstleistung" in r.case.industries for r in ranked)
    data["company"]["industry"] = "landwirtschaft"
    other = rank_use_cases(parse_intake(data), tuple(CATALOGUE.values()))
    assert "uc_mieteranliegen_hausverwaltung" not in {r.case.id for r in other}


def test_a_case_written_for_another_segment_stays_away():
    """Both are Handel, but a toy shop must not get the car dealer's lead case."""
    data = raw("einzelhandel_sh_1")
    ids = {r.case.id for r in rank_use_cases(parse_intake(data), tuple(CATALOGUE.values()))}
    assert "uc_leads_autohaus" not in ids and "uc_gebrauchtwagen_inserate" not in ids


def test_constraints_are_read_from_the_firms_own_words(consultant):
    data = raw("cnc_th_1")  # "Server bitte in Deutschland", SAP Business One
    result = consult(consultant, data)
    applied = {c.id: c for c in result.constraints_applied}
    assert {"data_residency", "existing_software"} <= set(applied)
    assert "SAP" in applied["existing_software"].text
    assert any("Deutschland" in w for w in result.warnings)
    data["constraints"] = "Keine besonderen Vorgaben."
    data["staff_attitude"] = "sceptical"
    applied = {c.id for c in consult(consultant, data).constraints_applied}
    assert "data_residency" not in applied and "sceptical_staff" in applied


def test_no_inhouse_it_is_read_from_free_text_not_for_it_firms():
    data = raw("fahrradhandel_mv_1")  # "Keine IT-Leute."
    assert "no_inhouse_it" in profile(parse_intake(data)).constraints
    data["company"]["industry"] = "it"
    assert "no_inhouse_it" not in profile(parse_intake(data)).constraints


def test_value_is_stated_in_the_levers_unit(consultant):
    result = consult(consultant, raw("pflegeheim_ni_1"))
    first = result.use_cases[0]
    assert "Stunden pro Monat" in first.expected_value and "800" in first.expected_value
    assert "Annahme" in first.expected_value
    data = raw("gartenbau_sl_1")
    forecast = next(u for u in consult(consultant, data).use_cases if u.id == "uc_absatzprognose")
    assert forecast.value_kind == "waste_reduced"
    assert "Ausgangswert" in forecast.expected_value and "Stunden" not in forecast.expected_value


def test_variant_text_is_shown_for_the_firms_segment(consultant):
    result = consult(consultant, raw("gartenbau_sl_1"))
    forecast = next(u for u in result.use_cases if u.id == "uc_absatzprognose")
    assert "Gartenbau" in forecast.title and "Filiale" not in forecast.problem


def test_compliance_line_follows_the_firms_facts(consultant):
    care = consult(consultant, raw("pflegeheim_ni_1")).use_cases[0]
    assert "Art. 9" in care.compliance and "Betreiber" in care.compliance
    plumber = consult(consultant, raw("shk_ni_1"))
    assert all("Art. 9" not in u.compliance and "§ 203" not in u.compliance for u in plumber.use_cases)
    broker = consult(consultant, raw("versicherungsmakler_rp_1"))
    assert all("VVG" in u.compliance for u in broker.use_cases)


def test_tax_adviser_gets_professional_secrecy():
    data = copy.deepcopy(raw("hausverwaltung_sn_1"))
    data["company"]["name"] = "Steuerkanzlei Lange"
    data["pain_points"] = "Belege der Mandanten kommen als Fotos und Papier, Vorkontierung dauert."
    firm = profile(parse_intake(data))
    assert "steuerberatung" in firm.segments and "professional_secrecy" in firm.constraints
    from assistant.consult.compliance import compliance_line

    assert "§ 203 StGB" in compliance_line(CATALOGUE["uc_belege_vorkontieren"], firm, "de")

"""Funding on the consultation sheet: at most six, portals apart, loan minimums, unknown state programmes kept."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from assistant.consult.funding import (FundingQuery, deadline_programmes, find_funding, load_programmes, main_link,
                                       plan_programme, select_for_firm)

ROOT = Path(__file__).resolve().parent.parent
KB = (ROOT / "knowledge_base").resolve()
TODAY = dt.date(2026, 11, 23)
PROGRAMMES = load_programmes(KB)
BY_ID = {p.id: p for p in PROGRAMMES}


def select(state: str, employees: int, budget: float | None, lang: str = "de"):
    return select_for_firm(PROGRAMMES, FundingQuery(state=state, employees=employees, today=TODAY, lang=lang), budget)


def test_at_most_six_entries_and_the_portal_is_a_separate_line():
    for state in ("BY", "NW", "SN", "TH", "BW", "HB", "HE", "MV", "NI", "RP"):
        sel = select(state, 20, 20000)
        assert 1 <= len(sel.entries) <= 6
        assert all(e.kind != "portal" for e in sel.entries)
        assert "bund_foerderdatenbank" not in {e.id for e in sel.entries}
        assert sel.research_line and "Förderdatenbank" in sel.research_line


def test_a_loan_only_when_its_minimum_fits_the_budget():
    small = select("BW", 30, 20000)
    assert not [e for e in small.entries if e.kind == "loan" and e.min_project_eur and e.min_project_eur > 20000]
    assert any("25.000" in reason for reason in small.left_out)
    large = select("BW", 30, 80000)
    assert sum(e.kind == "loan" for e in large.entries) == 1


def test_grants_and_free_help_come_before_loans_for_small_budgets():
    sel = select("SN", 20, 15000)
    kinds = [e.kind for e in sel.entries]
    if "loan" in kinds:
        assert all(k != "loan" for k in kinds[: kinds.index("loan")])
        assert kinds.index("loan") == len(kinds) - 1


def test_programmes_for_one_goal_only_reach_firms_with_that_goal():
    """INQA coaching is about work organisation, MID-Digitale Sicherheit about IT security: a firm whose goals are
    efficiency and speed gets neither, and its plan does not wait for a security voucher."""
    query = FundingQuery(state="NW", employees=120, today=TODAY, lang="de")
    plain = {e.id for e in select_for_firm(PROGRAMMES, query, 75000, goals=["efficiency", "speed"]).entries}
    assert "nrw_mid_digitale_sicherheit" not in plain and "bund_inqa_coaching" not in plain
    assert "nrw_mid_digitalisierung" in plain
    secure = select_for_firm(PROGRAMMES, query, 75000, goals=["risk_reduction", "employer_attractiveness"])
    assert {"nrw_mid_digitale_sicherheit", "bund_inqa_coaching"} <= {e.id for e in secure.entries}


def test_state_programmes_with_unknown_status_are_shown_with_their_check_note():
    for state, pid in (("TH", "th_digitalbonus"), ("HB", "hb_digitaler_mittelstand"), ("NW", "nrw_ki_nrw"),
                       ("NI", "ni_digitalbonus_niedersachsen_innovativ")):
        sel = select(state, 20, 20000)
        entry = next(e for e in sel.entries if e.id == pid)
        assert entry.status == "unknown" and entry.check_note and entry.check_note in entry.why


def test_amount_and_status_age_are_in_the_sheet_text():
    entry = next(e for e in select("BY", 18, 15000).entries if e.id == "by_digitalbonus")
    assert "7.500" in entry.why
    assert "Stand Juni 2025 – vor Antrag prüfen" in entry.why
    english = next(e for e in select("BY", 18, 15000, "en").entries if e.id == "by_digitalbonus")
    assert "as of June 2025 – check before applying" in english.why and "Förderung:" not in english.why


def test_main_link_is_the_official_page_and_never_a_third_party_blog():
    for p in PROGRAMMES:
        link, official = main_link(p)
        if p.official_url and p.official_url_confidence in {"high", "medium"}:
            assert link == p.official_url and official
    link, official = main_link(BY_ID["rp_ki4kmu_rlp"])
    assert not official  # only a news page exists: the sheet says so
    entry = next(e for e in select("RP", 20, 20000).entries if e.id == "rp_ki4kmu_rlp")
    assert "Keine offizielle Programmseite" in entry.why


def test_deadline_inside_the_plan_is_returned_for_a_dated_step():
    sel = select("BY", 18, 15000)
    ids = [e.id for e in deadline_programmes(sel, TODAY, dt.date(2027, 5, 1))]
    assert "bund_bafa_unternehmensberatung_kmu" in ids
    assert deadline_programmes(sel, dt.date(2027, 1, 5), dt.date(2027, 5, 1)) == []


def test_plan_programme_is_a_grant_that_needs_approval():
    chosen = plan_programme(select("BY", 18, 15000))
    assert chosen is not None and chosen.id == "by_digitalbonus"
    assert plan_programme(select("HE", 400, 50000)) is None or plan_programme(select("HE", 400, 50000)).kind != "loan"


def test_cli_funding_json_keeps_the_contract():
    schema = json.loads((ROOT / "assistant" / "schemas" / "funding.schema.json").read_text(encoding="utf-8"))
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "funding", "--state", "TH", "--employees", "7",
                          "--json", "--date", "2026-11-23"], capture_output=True, text=True, cwd=ROOT, check=True)
    data = json.loads(out.stdout)
    jsonschema.validate(data, schema)
    assert any(m["id"] == "th_digitalbonus" for m in data)


def test_find_funding_never_returns_ended_without_all():
    assert all(m.status != "ended" for m in find_funding(PROGRAMMES, FundingQuery(state="BE", today=TODAY)))

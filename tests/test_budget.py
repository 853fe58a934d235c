"""Budget reconciliation: pilot, first year, running cost, internal time, funding netted in, warnings and offers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assistant.config import get_settings
from assistant.consult.budget import expected_grant, reconcile
from assistant.consult.catalogue import load_catalogue
from assistant.consult.funding import FundingMatch
from assistant.consult.matching import pick, rank_use_cases
from assistant.consult.pipeline import Consultant
from assistant.consult.planning import short_title
from assistant.intake import parse_intake

ROOT = Path(__file__).resolve().parent.parent
KB = (ROOT / "knowledge_base").resolve()


def intake_from(name: str, **changes):
    data = json.loads((ROOT / "evals" / "personas" / f"{name}.json").read_text(encoding="utf-8"))
    data.pop("_eval", None)
    data.update(changes)
    return parse_intake(data)


def grant(**kw) -> FundingMatch:
    base = dict(id="g", name="Zuschuss X", funder="Land", level="state:BY", status="open", as_of="2026-01-01",
                rate_or_amount=None, source_url="https://example.bayern.de", why="", kind="grant", grant_rate=0.5,
                grant_max_eur=7500)
    base.update(kw)
    return FundingMatch(**base)


def ranked_and_picks(intake):
    ranked = rank_use_cases(intake, load_catalogue(KB), None)
    return ranked, pick(ranked)


def test_expected_grant_uses_rate_cap_and_minimum_and_ignores_unknown_status():
    assert expected_grant(10000, grant()) == 5000
    assert expected_grant(30000, grant()) == 7500
    assert expected_grant(3000, grant(min_project_eur=4000)) == 0
    assert expected_grant(10000, grant(status="unknown")) == 0
    assert expected_grant(10000, None) == 0


def test_cost_band_above_budget_warns_and_offers_scope_cheaper_case_or_funding():
    intake = intake_from("example_handwerk", budget_eur=3000)
    ranked, picks = ranked_and_picks(intake)
    block, warnings = reconcile(picks, ranked, intake, grant(), "de")
    over = [c for c in block.cases if c.first_year_eur[0] > 3000 and c.net_pilot_eur > 3000]
    assert block.status in {"over", "tight"}
    assert warnings and all("3.000" in w for w in warnings)
    assert any(o.startswith("Kleinerer Umfang") for o in block.offers)
    for case in over:
        assert case.status == "over"


def test_budget_that_covers_the_band_fits_without_warning():
    intake = intake_from("example_handwerk", budget_eur=500000)
    ranked, picks = ranked_and_picks(intake)
    block, warnings = reconcile(picks, ranked, intake, None, "de")
    assert block.status == "fits" and warnings == []


def test_pilot_first_year_running_and_internal_time_are_stated():
    intake = intake_from("baeckerei_filialen_sn")
    ranked, picks = ranked_and_picks(intake)
    block, _ = reconcile(picks, ranked, intake, grant(grant_rate=0.6, grant_max_eur=6000), "de")
    case = block.cases[0]
    low, high = picks[0].case.cost_band_eur
    assert case.pilot_eur == low and case.first_year_eur == (low, high)
    assert case.running_eur_per_year > 0 and case.internal_hours > 0 and case.internal_eur == case.internal_hours * 50
    assert case.net_pilot_eur == low - case.funding_eur and case.funding_eur > 0
    assert "Zuschuss" in case.summary


def test_no_budget_means_the_session_asks():
    intake = intake_from("example_handwerk", budget_eur=None)
    ranked, picks = ranked_and_picks(intake)
    block, warnings = reconcile(picks, ranked, intake, None, "de")
    assert block.status == "unknown" and warnings == []
    assert "kein Budget" in block.lines[0]


def test_consultation_warns_for_every_case_above_budget_in_the_result():
    intake = intake_from("physiopraxis_be", budget_eur=2000)
    result = Consultant(get_settings()).consult(intake, date=dt.date(2026, 11, 23), lang="de")
    assert result.budget is not None
    for case in result.use_cases:
        if case.cost_band_eur[0] > 2000:
            # the warning names the case by its short name (the plan texts repeat it)
            assert any(short_title(case.title, "de") in w and "2.000" in w for w in result.warnings), case.title
    data = result.contract_json()
    assert data["budget"]["budget_eur"] == 2000 and data["session"]["questions"]
    assert all("done_when" in s and s["done_when"] for s in data["next_steps"])


def test_short_title_keeps_the_head_of_a_long_catalogue_title():
    assert short_title("Tischlerei – vom Aufmaß zum Angebot mit Varianten in Material, Ausführung und Preis", "de") == \
        "Tischlerei – vom Aufmaß zum Angebot"
    assert short_title("Erfahrungswissen ausscheidender Fachkräfte sichern und per KI-Assistent nutzbar machen", "de") == \
        "Erfahrungswissen ausscheidender Fachkräfte sichern"
    assert short_title("Interne Wissenssuche", "de") == "Interne Wissenssuche"

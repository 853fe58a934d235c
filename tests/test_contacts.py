"""Named free help per state, from the knowledge base's contacts file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.knowledge.contacts import contacts_for, load_contacts
from assistant.vocabulary import STATES

KB = Path(__file__).resolve().parent.parent / "knowledge_base"
TODAY = dt.date(2026, 12, 2)


def test_every_state_has_a_regional_or_state_contact_besides_the_chambers():
    for state in STATES:
        found = contacts_for(KB, state, "handwerk", TODAY)
        assert any(not c.nationwide for c in found), state
        assert any(c.kind == "chamber" for c in found), state


def test_the_regional_centre_comes_first_and_other_states_never_appear():
    found = contacts_for(KB, "SN", "produktion", TODAY)
    assert found[0].name == "Mittelstand-Digital Zentrum Chemnitz"
    assert all("SN" in c.states for c in found)


def test_thematic_centres_only_for_fitting_industries():
    names_craft = [c.name for c in contacts_for(KB, "BY", "handwerk", TODAY)]
    names_it = [c.name for c in contacts_for(KB, "BY", "it", TODAY)]
    assert "Mittelstand-Digital Zentrum Handwerk" in names_craft
    assert "Mittelstand-Digital Zentrum Handwerk" not in names_it


def test_project_funded_offers_with_old_evidence_may_have_ended():
    by_name = {c.name: c for c in contacts_for(KB, "MV", "gastgewerbe", TODAY)}
    assert by_name["Mittelstand-Digital Zentrum Rostock"].may_have_ended  # evidence from March 2023
    chamber = next(c for c in by_name.values() if c.kind == "chamber")
    assert not chamber.may_have_ended


def test_every_contact_has_both_languages_and_no_guessed_url():
    for c in load_contacts(KB.resolve()):
        assert c.focus("de") and c.focus("en") and c.focus("de") != c.focus("en"), c.id
        assert c.url is None or c.url.startswith(("http://", "https://")), c.id

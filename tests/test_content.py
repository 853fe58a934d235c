"""The shipped knowledge base: every file parses and validates, and the facts rules hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from assistant.consult.catalogue import load_catalogue
from assistant.consult.funding import load_programmes

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "knowledge_base"
FACTS = ROOT.parent / "shared" / "facts" / "programmes.yaml"
INTAKE_SCHEMA = json.loads((ROOT / "assistant" / "schemas" / "intake.schema.json").read_text(encoding="utf-8"))
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$")
FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def front_matter(path: Path) -> dict:
    match = FRONT.match(path.read_text(encoding="utf-8"))
    assert match, f"{path.name}: no front matter"
    return yaml.safe_load(match.group(1))


def test_guidance_documents_count_length_and_front_matter():
    docs = sorted((KB / "guidance").glob("*.md"))
    assert len(docs) >= 25
    for path in docs:
        meta = front_matter(path)
        assert meta["id"] == path.stem and meta["type"] == "guidance", path.name
        assert meta["title"] and meta["tags"] and meta["as_of"], path.name
        assert meta["source_urls"], f"{path.name}: sources missing"
        body = FRONT.sub("", path.read_text(encoding="utf-8"))
        words = len(body.split())
        assert 400 <= words <= 1500, f"{path.name}: {words} words"
        assert "## Quellen" in body, path.name


def test_every_fact_sheet_programme_is_in_the_structured_data_with_same_status():
    facts = {p["id"]: p for p in yaml.safe_load(FACTS.read_text(encoding="utf-8"))["programmes"]}
    ours = {p.id: p for p in load_programmes(KB)}
    assert set(ours) == set(facts)
    for pid, prog in ours.items():
        assert prog.status == facts[pid]["status"], pid
        assert prog.status_as_of and prog.source_url, pid
        if prog.status == "ended":
            assert prog.ended_on is not None or prog.status_as_of_note or prog.notes, pid


def test_no_programme_is_marked_open_whose_facts_say_ended():
    facts = {p["id"]: p["status"] for p in yaml.safe_load(FACTS.read_text(encoding="utf-8"))["programmes"]}
    for prog in load_programmes(KB):
        if facts[prog.id] == "ended":
            assert prog.status == "ended"


def test_every_programme_has_a_page_with_matching_status():
    for prog in load_programmes(KB):
        page = KB / "funding" / f"{prog.id}.md"
        assert page.exists(), prog.id
        meta = front_matter(page)
        assert meta["type"] == "funding" and meta["status"] == prog.status and meta["programme_id"] == prog.id
        body = page.read_text(encoding="utf-8")
        assert "## Status" in body and "## Quellen" in body
        if prog.status == "ended":
            assert re.search(r"[Bb]eendet", body), prog.id
        region = meta["region"]
        assert region in {"DE", "EU"} or prog.states == [region], prog.id


def test_use_case_catalogue_counts_and_enums():
    cases = load_catalogue(KB)
    assert len(cases) >= 40
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    industries = INTAKE_SCHEMA["properties"]["company"]["properties"]["industry"]["enum"]
    sources = set(INTAKE_SCHEMA["properties"]["data"]["properties"]["sources"]["items"]["enum"]) - {"none"}
    for industry in industries:
        assert sum(industry in c.industries for c in cases) >= 3, industry
    for case in cases:
        assert set(case.data_sources) <= sources, case.id


def test_all_ids_are_unique_across_the_corpus():
    ids = [front_matter(p)["id"] for p in KB.rglob("*.md") if p.name != "FORMAT.md"]
    ids += [c.id for c in load_catalogue(KB)]
    assert len(ids) == len(set(ids))


def test_links_are_well_formed():
    urls = []
    for path in KB.rglob("*.md"):
        if path.name == "FORMAT.md":
            continue
        urls += [str(u) for u in front_matter(path).get("source_urls") or []]
    urls += [u for p in load_programmes(KB) for u in p.source_url]
    urls += [s.url for c in load_catalogue(KB) for s in c.sources if s.url]
    assert urls
    bad = [u for u in urls if not URL_RE.match(u)]
    assert not bad, bad


def test_eval_questions_point_at_existing_documents():
    questions = yaml.safe_load((ROOT / "evals" / "retrieval_questions.yaml").read_text(encoding="utf-8"))
    assert len(questions) >= 80
    assert any(q.get("unanswerable") for q in questions)
    ids = {front_matter(p)["id"] for p in KB.rglob("*.md") if p.name != "FORMAT.md"}
    ids |= {c.id for c in load_catalogue(KB)}
    for q in questions:
        assert set(q["expected"]) <= ids, q

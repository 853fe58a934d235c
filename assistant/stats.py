"""Needs statistics across saved consultations — anonymised by construction.

Why: the consultation-hour format collects SME needs so that support and funding can be aimed at them
("kontinuierliche Datenerhebung und Auswertung der Bedarfe"). Only values from closed vocabularies leave a
consultation here: industry, state, size band, leverage-area and lever ids, catalogue use-case ids, maturity
scores, funding topics. Company names, free texts (pain points, process names, constraints) and people's names
are never read. Any group smaller than `MIN_GROUP` is suppressed (shown as "< 5"), so no single firm can be
recognised from a count or an average.

A firm seen several times (a follow-up appointment, `follows`) counts once, with its latest consultation:
the statistics describe the firms' needs, not how often the advisor met them.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant import vocabulary
from assistant.i18n import msg

MIN_GROUP = 5
SIZE_BANDS = ((1, 9, "micro"), (10, 49, "small"), (50, 249, "medium"), (250, None, "large"))


class Count(BaseModel):
    key: str
    label: str
    count: int | None  # None = suppressed (fewer than MIN_GROUP)

    @property
    def shown(self) -> str:
        return str(self.count) if self.count is not None else f"< {MIN_GROUP}"


class DimensionStat(BaseModel):
    id: str
    name: str
    n: int | None
    mean: float | None
    median: float | None


class NeedsStats(BaseModel):
    consultations: int
    with_result: int
    superseded: int = 0  # earlier consultations of a firm that has a follow-up (counted once, by the latest)
    min_group: int = MIN_GROUP
    by_industry: list[Count]
    by_state: list[Count]
    by_size: list[Count]
    pain_themes: list[Count]
    levers: list[Count]
    chosen_use_cases: list[Count]
    deferred_use_cases: list[Count]
    maturity_levels: list[Count]
    maturity_dimensions: list[DimensionStat]
    funding_topics: list[Count]

    def tables(self) -> dict[str, list[Count]]:
        return {name: getattr(self, name) for name in ("by_industry", "by_state", "by_size", "pain_themes",
                                                          "levers", "chosen_use_cases", "deferred_use_cases",
                                                          "maturity_levels", "funding_topics")}


def size_band(employees: Any) -> str | None:
    if not isinstance(employees, (int, float)) or isinstance(employees, bool):
        return None
    for low, high, band in SIZE_BANDS:
        if employees >= low and (high is None or employees <= high):
            return band
    return None


def _suppressed(counter: Counter, labels: dict[str, str], top: int | None = None) -> list[Count]:
    """Groups sorted by size; small groups keep their row (so the list shows they exist) without a number."""
    items = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    rows = [Count(key=str(k), label=labels.get(str(k), str(k)), count=v if v >= MIN_GROUP else None)
            for k, v in items]
    return rows[:top] if top else rows


def _catalogue_titles(kb_dir: Path | None, lang: str) -> dict[str, tuple[str, str | None]]:
    """Use-case id → (title in `lang`, lever); empty when no catalogue is at hand."""
    if kb_dir is None:
        return {}
    from assistant.consult.catalogue import load_catalogue

    out = {}
    for case in load_catalogue(kb_dir.resolve()):
        title = case.en.title if lang == "en" and case.en is not None else case.title
        out[case.id] = (title, case.lever)
    return out


def lever_name(lever: str, lang: str = "de") -> str:
    """Readable name of a lever id; the id itself for a lever added to the catalogue but not yet named."""
    from assistant.i18n import has

    return msg(f"levers.{lever}", lang) if has(f"levers.{lever}", lang) else lever.replace("_", " ")


def _deferred_ids(result: dict[str, Any]) -> list[str]:
    """Use cases named under "not now": from the structured field when the result has one."""
    found = []
    for item in result.get("not_now") or []:
        cid = item.get("id") if isinstance(item, dict) else None
        if cid:
            found.append(cid)
    return found


def latest_only(records: Iterable[Any]) -> tuple[list[Any], int]:
    """The records no other record follows up, and how many were left out for that reason."""
    records = list(records)
    followed = {getattr(r, "follows", None) for r in records} - {None}
    kept = [r for r in records if getattr(r, "id", None) not in followed]
    return kept, len(records) - len(kept)


def compute(records: Iterable[Any], lang: str = "de", kb_dir: Path | None = None) -> NeedsStats:
    """Statistics over consultation records (anything with `.intake` and `.result` dicts); a firm with
    follow-ups counts once, by its latest consultation."""
    records, superseded = latest_only(records)
    titles = _catalogue_titles(kb_dir, lang)
    industry, state, size, themes, levers, chosen, deferred, levels, topics = (Counter() for _ in range(9))
    theme_labels: dict[str, str] = {}
    dims: dict[str, list[float]] = {}
    dim_names: dict[str, str] = {}
    with_result = 0
    for rec in records:
        company = (rec.intake or {}).get("company") or {}
        if company.get("industry") in vocabulary.INDUSTRIES:
            industry[company["industry"]] += 1
        if company.get("state") in vocabulary.STATES:
            state[company["state"]] += 1
        band = size_band(company.get("employees"))
        if band:
            size[band] += 1
        result = rec.result or {}
        if not result:
            continue
        with_result += 1
        for area in result.get("leverage_areas") or []:
            if area.get("id"):
                themes[area["id"]] += 1
                theme_labels.setdefault(area["id"], area.get("area") or area["id"])
        picked = [u.get("id") for u in result.get("use_cases") or [] if u.get("id")]
        chosen.update(set(picked))
        levers.update({titles[c][1] for c in picked if c in titles and titles[c][1]})
        deferred.update(set(_deferred_ids(result)))
        maturity = result.get("maturity") or {}
        if maturity.get("level"):
            levels[str(maturity["level"])] += 1
        for dim in maturity.get("dimensions") or []:
            if isinstance(dim.get("score"), (int, float)):
                dims.setdefault(dim["id"], []).append(float(dim["score"]))
                dim_names.setdefault(dim["id"], dim.get("name") or dim["id"])
        topics.update({t for f in result.get("funding") or [] for t in f.get("topics") or []})
    case_labels = {cid: title for cid, (title, _) in titles.items()}
    lever_labels = {lev: lever_name(lev, lang) for lev in levers}
    return NeedsStats(
        consultations=len(records), with_result=with_result, superseded=superseded,
        by_industry=_suppressed(industry, vocabulary.labels("company.industry", lang)),
        by_state=_suppressed(state, vocabulary.state_names(lang)),
        by_size=_suppressed(size, {b: msg(f"stats.size.{b}", lang) for *_, b in SIZE_BANDS}),
        pain_themes=_suppressed(themes, theme_labels, top=10),
        levers=_suppressed(levers, lever_labels, top=10),
        chosen_use_cases=_suppressed(chosen, case_labels, top=10),
        deferred_use_cases=_suppressed(deferred, case_labels, top=10),
        maturity_levels=_suppressed(levels, {str(i): msg("stats.level", lang, level=i) for i in range(1, 6)}),
        maturity_dimensions=[_dimension(d, dim_names[d], scores) for d, scores in sorted(dims.items())],
        funding_topics=_suppressed(topics, vocabulary.labels("funding_topics", lang)),
    )


def _dimension(dim_id: str, name: str, scores: list[float]) -> DimensionStat:
    if len(scores) < MIN_GROUP:
        return DimensionStat(id=dim_id, name=name, n=None, mean=None, median=None)
    return DimensionStat(id=dim_id, name=name, n=len(scores), mean=round(statistics.fmean(scores), 1),
                         median=round(statistics.median(scores), 1))


def to_csv(stats: NeedsStats, lang: str = "de") -> str:
    """One long table (table, key, label, count): what a spreadsheet or a funding report wants."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([msg(f"stats.csv.{c}", lang) for c in ("table", "key", "label", "count")])
    for name, rows in stats.tables().items():
        for row in rows:
            writer.writerow([msg(f"stats.table.{name}", lang), row.key, row.label, row.shown])
    for dim in stats.maturity_dimensions:
        writer.writerow([msg("stats.table.maturity_dimensions", lang), dim.id, dim.name,
                         "" if dim.mean is None else dim.mean])
    return out.getvalue()


def peer_average(records: Iterable[Any], industry: str | None, exclude_id: str | None = None) -> dict[str, float] | None:
    """Mean score per maturity dimension over saved consultations of the same industry; None with fewer than
    `MIN_GROUP` of them (the radar then shows the firm alone, so no small group can be read off it)."""
    scores: dict[str, list[float]] = {}
    n = 0
    records, _ = latest_only(records)
    for rec in records:
        if getattr(rec, "id", None) == exclude_id or not rec.result:
            continue
        if ((rec.intake or {}).get("company") or {}).get("industry") != industry:
            continue
        dims = (rec.result.get("maturity") or {}).get("dimensions") or []
        if not dims:
            continue
        n += 1
        for d in dims:
            scores.setdefault(d["id"], []).append(float(d["score"]))
    if n < MIN_GROUP:
        return None
    return {k: round(statistics.fmean(v), 1) for k, v in scores.items()}

"""Follow-up on screen: the status of the agreed steps, the "Folgetermin" button, and the comparison with the
previous consultation (side by side, radar with both lines).

The result page calls two functions only, `render_comparison(result)` near the top and
`render_step_status(result)` after the next steps; the logic is in `assistant.followup`, the texts in the
catalogue area `followup`. Status changes are written to the store as they happen (like the edits).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from assistant.consultations import StorageError
from assistant.followup import (
    STATUSES,
    FollowUpError,
    comparison_for,
    create_follow_up,
    parse_day,
    report_context,
    tracked_steps,
    update_statuses,
)
from assistant.i18n import msg
from assistant.report.comparison import signed
from ui.common import PAGE_FILES, current_id, fmt_date, open_consultation, store
from ui.i18n import lang

log = logging.getLogger("ki_sprechstunde.ui")


def tx(key: str, **values: object) -> str:
    """A text of the catalogue area `followup` (full key) in the session's language."""
    return msg(key, lang(), **values)


@contextmanager
def guarded() -> Iterator[None]:
    """A failed store write becomes a calm message; the stored state stays as it was."""
    try:
        yield
    except (StorageError, FollowUpError, sqlite3.Error) as exc:
        log.exception("follow-up action failed")
        st.error(tx("followup.ui.failed", reason=exc.message(lang()) if hasattr(exc, "message") else str(exc)))


def _day(value: str | None):
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# --- step status ------------------------------------------------------------------------------------------
def _editor_key(prefix: str, cid: str, steps) -> str:
    """A new key when the steps change (added, reworded), so the editor starts from the stored state again."""
    digest = hashlib.sha1(json.dumps([s.what for s in steps], ensure_ascii=False).encode()).hexdigest()[:10]
    return f"{prefix}::{cid}::{lang()}::{digest}"


def status_editor(cid: str, result, prefix: str = "fu::steps") -> None:
    """A table of the steps with a status and (for postponed) a new date; saved to `cid` on every change.
    Rows the store refuses are named in an error and keep their stored state."""
    rec = store().get(cid)
    steps = tracked_steps(result, rec.step_status)
    if not steps:
        return
    key = _editor_key(prefix, cid, steps)
    base_key = f"{key}::base"
    if base_key not in st.session_state:
        st.session_state[base_key] = pd.DataFrame(
            [{"what": s.what, "status": s.status, "new_date": _day(s.new_date)} for s in steps],
            columns=["what", "status", "new_date"]).astype({"new_date": "datetime64[ns]"})  # empty cells, not "None"
    frame = st.data_editor(st.session_state[base_key], key=key, hide_index=True, width="stretch",
                           num_rows="fixed", column_config={
                               "what": st.column_config.TextColumn(tx("followup.ui.col_what"), disabled=True, width="large"),
                               "status": st.column_config.SelectboxColumn(
                                   tx("followup.ui.col_status"), options=list(STATUSES), required=True,
                                   format_func=lambda v: msg(f"followup.status.{v}", lang())),
                               "new_date": st.column_config.DateColumn(tx("followup.ui.col_new_date"),
                                                                       format=tx("followup.ui.date_format")),
                           })
    rows = frame.to_dict("records")
    if [(r["what"], r["status"], _safe_day(r.get("new_date")) if r["status"] == "postponed" else None)
            for r in rows] == [(s.what, s.status, s.new_date) for s in steps]:
        return
    with guarded():
        rec, refused = update_statuses(store(), cid, [{"what": r["what"], "status": r["status"],
                                                        "new_date": r.get("new_date")} for r in rows])
        for what, exc in refused:
            st.error(tx("followup.ui.refused", step=what, reason=exc.message(lang())))
        now = tracked_steps(result, rec.step_status)
        st.caption(tx("followup.ui.saved", done=_n(now, "done"), postponed=_n(now, "postponed"), open=_n(now, "open")))


def _safe_day(value) -> str | None:
    """The editor's date as ISO text for comparing with the stored state; unreadable counts as a change (the
    store then refuses it with a message)."""
    try:
        return parse_day(value)
    except FollowUpError:
        return "?"


def _n(steps, status: str) -> int:
    return sum(1 for s in steps if s.status == status)


def follow_up_button(cid: str, key: str) -> None:
    """Create the follow-up consultation of the same firm and open its (prefilled) questionnaire."""
    if st.button(tx("followup.ui.button"), key=key, icon=":material/event_repeat:", help=tx("followup.ui.button_help")):
        new = None
        with guarded():
            new = create_follow_up(store(), cid, lang())
            open_consultation(new.id)
            st.session_state["consult::flash"] = tx("followup.ui.created", title=new.title)
        if new is not None:
            st.switch_page(PAGE_FILES["consult"])


def render_step_status(result) -> None:
    """Hook after the next steps: what became of each step, and the button for the follow-up appointment."""
    cid = current_id()
    if not cid or not store().exists(cid):
        return
    with st.container(border=True):
        st.markdown(f"**{tx('followup.ui.steps_title')}**")
        st.caption(tx("followup.ui.steps_help"))
        status_editor(cid, result)
        follow_up_button(cid, key="fu::create")


# --- comparison -------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=16)
def _radar(dims_json: str, language: str, before_json: str, label: str) -> bytes:
    from assistant.report.radar import radar_png

    return radar_png(json.loads(dims_json), language, json.loads(before_json), peer_label=label)


def _side(column, title: str, level, delta, cases: list[tuple[str, str | None]]) -> None:
    """One side of the comparison: level and use cases, each marked new or dropped where it changed."""
    badges = {"new": "green", "dropped": "gray"}
    column.markdown(f"**{title}**")
    column.metric(tx("followup.ui.level"), f"{level}/5" if level is not None else "–",
                  delta=delta if delta else None)
    column.markdown(f"**{tx('followup.ui.cases')}:**")
    lines = [f"- {title_}" + (f" :{badges[mark]}-badge[{tx(f'followup.ui.badge_{mark}')}]" if mark else "")
             for title_, mark in cases]
    column.markdown("\n".join(lines) or "–")


def render_comparison(result) -> None:
    """Hook near the top of the result: for a follow-up, T0 beside T1 and the previous steps' status."""
    cid = current_id()
    if not cid or not store().exists(cid):
        return
    rec = store().get(cid)
    if not rec.follows:
        return
    if not store().exists(rec.follows):
        st.info(tx("followup.ui.previous_missing"))
        return
    previous = store().get(rec.follows)
    if not previous.result:
        st.info(tx("followup.ui.previous_no_result"))
        return
    comp = comparison_for(store(), cid, result)
    before, after = fmt_date(comp.previous_date), fmt_date(comp.current_date)
    with st.container(border=True):
        st.subheader(tx("followup.ui.compare_title", date=before))
        st.caption(tx("followup.ui.follows", title=previous.title, date=before))
        left, right = st.columns(2)
        change = (comp.level_after - comp.level_before) if None not in (comp.level_after, comp.level_before) else 0
        _side(left, tx("followup.ui.before_col", date=before), comp.level_before, None,
              [(c.title, None) for c in comp.kept_cases] + [(c.title, "dropped") for c in comp.dropped_cases])
        _side(right, tx("followup.ui.after_col", date=after), comp.level_after, signed(change) if change else None,
              [(c.title, None) for c in comp.kept_cases] + [(c.title, "new") for c in comp.new_cases])
        dims = [d.model_dump() for d in result.maturity.dimensions]
        c1, c2 = st.columns([2, 3])
        if dims and comp.before_scores:
            c1.image(_radar(json.dumps(dims), lang(), json.dumps(comp.before_scores),
                            msg("followup.report.radar_before", lang(), date=before)))
        c2.dataframe(pd.DataFrame([{msg("followup.report.dimension", lang()): d.name,
                                    tx("followup.report.before", date=before): d.before,
                                    tx("followup.report.after", date=after): d.after,
                                    tx("followup.report.delta"): signed(d.delta)} for d in comp.dimensions]),
                     hide_index=True, width="stretch")
        m1, m2, m3 = st.columns(3)
        m1.metric(tx("followup.ui.steps_metric"), f"{comp.count('done')}/{len(comp.steps)}")
        m2.metric(tx("followup.ui.postponed_metric"), comp.count("postponed"))
        m3.metric(tx("followup.ui.open_metric"), comp.count("open"))
        with st.expander(tx("followup.ui.previous_steps"), icon=":material/checklist:"):
            st.caption(tx("followup.ui.previous_steps_help"))
            from assistant.consultations import apply_edits

            status_editor(previous.id, apply_edits(previous.result, previous.edits), prefix="fu::prev")
        if st.button(tx("followup.ui.open_previous"), key="fu::open_prev", icon=":material/history:"):
            open_consultation(previous.id)
            st.rerun()


def report_json(result) -> str:
    """The follow-up part of the exports (step status, comparison) as JSON, "" when there is none; a text so
    the result page's render cache can key on it."""
    cid = current_id()
    ctx = report_context(store(), cid, result) if cid else None
    return ctx.model_dump_json() if ctx else ""


__all__ = ["FollowUpError", "follow_up_button", "render_comparison", "render_step_status", "report_json",
           "status_editor"]

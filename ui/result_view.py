"""The consultation result on screen: maturity, levers, use-case cards, mandate, next steps, funding, sources —
with in-place editing of the texts an advisor usually adapts (owner, names, dates, wording) before exporting.

Edits are stored apart from the engine's result (see `assistant.consultations.apply_edits`), saved as they happen, and
every export uses the edited version.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.consult.pipeline import ConsultResult
from assistant.report import export_docx, export_markdown, export_pdf, file_stem
from assistant.consultations import apply_edits, clean_step
from ui.common import (PAGE_FILES, autosave, consultation_state, current_id, current_intake, euro, fmt_date,
                       friendly, store)
from ui.followup import render_comparison, render_step_status, report_json
from ui.i18n import lang, t

EFFORT_COLOR = {"S": "green", "M": "orange", "L": "red"}


def original() -> ConsultResult:
    return ConsultResult.model_validate(consultation_state("result"))


def edited() -> ConsultResult:
    return apply_edits(consultation_state("result"), consultation_state("edits"))


def _save_edits(edits: dict) -> None:
    if edits != consultation_state("edits"):
        st.session_state["edits"] = edits
        autosave(edits=edits)


# --- export -------------------------------------------------------------------------------------------------
def _peer(industry: str | None) -> dict[str, float] | None:
    """Industry average of the saved consultations (None below five: no small group is drawn)."""
    from assistant.stats import peer_average

    return peer_average(store().list(), industry, exclude_id=current_id())


@st.cache_data(show_spinner=False, max_entries=8)
def _render(payload: str, kind: str, peer_json: str = "", follow_json: str = "") -> bytes:
    """Rendering a PDF takes a moment; the same edited result renders once, not on every rerun."""
    from assistant.followup import ReportContext

    result = ConsultResult.model_validate_json(payload)
    peer = json.loads(peer_json) if peer_json else None
    follow = ReportContext.model_validate_json(follow_json) if follow_json else None
    if kind == "pdf":
        return export_pdf(result, peer=peer, follow_up=follow)
    if kind == "docx":
        return export_docx(result, peer=peer, follow_up=follow)
    return export_markdown(result, follow_up=follow).encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=16)
def _radar(dims_json: str, language: str, peer_json: str) -> bytes:
    from assistant.report.radar import radar_png

    return radar_png(json.loads(dims_json), language, json.loads(peer_json) if peer_json else None)


def maturity_radar(result: ConsultResult) -> None:
    """The same radar image as in the PDF and Word export, with each dimension's reason beside it."""
    dims = result.maturity.dimensions
    if not dims:
        return
    peer = _peer((current_intake().get("company") or {}).get("industry"))
    peer_json = json.dumps(peer) if peer else ""
    with st.expander(t("res.dimensions"), icon=":material/radar:"):
        c1, c2 = st.columns([2, 3])
        c1.image(_radar(json.dumps([d.model_dump() for d in dims]), lang(), peer_json))
        if peer:
            c1.caption(t("res.peer_shown"))
        for d in dims:
            c2.markdown(f"**{d.name}: {d.score}/100** – {d.reason}")


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export_bar(result: ConsultResult) -> None:
    """PDF for the meeting, Word for rewording, Markdown for notes, JSON as a backup of the whole consultation."""
    cid = current_id()
    title = store().get(cid).title if cid and store().exists(cid) else t("consult.title")
    stem = file_stem(title, result.consultation_date, lang())
    payload = result.model_dump_json()
    peer = _peer((current_intake().get("company") or {}).get("industry"))
    peer_json = json.dumps(peer) if peer else ""
    follow_json = report_json(result)
    c1, c2, c3, c4 = st.columns(4)
    common = {"width": "stretch", "on_click": "ignore"}
    with friendly("action.export"):
        c1.download_button(t("res.dl_pdf"), _render(payload, "pdf", peer_json, follow_json), file_name=f"{stem}.pdf", type="primary",
                           mime="application/pdf", icon=":material/picture_as_pdf:", key="res::dl_pdf", **common)
        c2.download_button(t("res.dl_docx"), _render(payload, "docx", peer_json, follow_json), file_name=f"{stem}.docx", mime=DOCX_MIME,
                           icon=":material/edit_note:", key="res::dl_docx", **common)
        c3.download_button(t("res.dl_md"), _render(payload, "md", "", follow_json), file_name=f"{stem}.md", mime="text/markdown",
                           icon=":material/description:", key="res::dl_md", **common)
        if cid:
            data = json.dumps(store().export_json(cid), ensure_ascii=False, indent=2)
            c4.download_button(t("res.dl_json"), data, file_name=f"{stem}.json", mime="application/json",
                               icon=":material/save:", key="res::dl_json", **common)


# --- sections -----------------------------------------------------------------------------------------------
def _text_edit(label: str, key: str, value: str, area: bool = True) -> str:
    if key not in st.session_state:
        st.session_state[key] = value
    widget = st.text_area if area else st.text_input
    return widget(label, key=key)


def summary(result: ConsultResult, editing: bool, edits: dict) -> None:
    if editing:
        edits["company_summary"] = _text_edit(t("res.summary"), "ed::summary", result.company_summary)
    else:
        st.markdown(result.company_summary)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("res.maturity"), f"{result.maturity.level}/5", help=" ".join(result.maturity.notes))
    c1.caption(result.maturity.label)
    c2.metric(t("res.n_cases"), len(result.use_cases))
    c3.metric(t("res.n_funding"), len(result.funding))
    c4.metric(t("res.budget"), euro(result.mandate.budget_eur) if result.mandate.budget_eur is not None else "–")
    maturity_radar(result)
    for w in result.warnings:
        st.warning(w, icon=":material/warning:")


def levers(result: ConsultResult) -> None:
    st.subheader(t("res.levers"))
    for i, area in enumerate(result.leverage_areas, start=1):
        st.markdown(f"{i}. **{area.area}** – {area.why}")


def _case_overview(uc, editing: bool, edits: dict) -> None:
    fields = {"problem": t("res.problem"), "solution": t("res.solution"), "why_this": t("res.why"),
              "expected_value": t("res.value")}
    mine = edits.setdefault("use_cases", {}).setdefault(uc.id, {})
    if editing:
        mine["title"] = _text_edit(t("res.case_title"), f"ed::uc::{uc.id}::title", uc.title, area=False)
    for key, label in fields.items():
        if editing:
            mine[key] = _text_edit(label, f"ed::uc::{uc.id}::{key}", getattr(uc, key))
        else:
            st.markdown(f"**{label}:** {getattr(uc, key)}")


def _case_details(uc) -> None:
    st.markdown(f"**{t('res.data')}:**")
    st.markdown("\n".join(f"- {d}" for d in uc.data_needed))
    st.markdown(f"**{t('res.kpis')}:**")
    st.dataframe(pd.DataFrame([{t("res.kpi"): k.name, t("res.baseline"): k.baseline or "–", t("res.target"): k.target}
                               for k in uc.kpis]), hide_index=True, width="stretch")
    if uc.tools:
        st.markdown(f"**{t('res.tools')}:** " + ", ".join(uc.tools))


def _case_pilot(uc) -> None:
    st.markdown(f"**{t('res.pilot')} ({t('res.weeks', n=uc.pilot.duration_weeks)}):** {uc.pilot.scope}")
    st.markdown(f"**{t('res.success')}:**")
    st.markdown("\n".join(f"- {c}" for c in uc.pilot.success_criteria))
    st.markdown(f"**{t('res.risks')}:**")
    st.markdown("\n".join(f"- {r}" for r in uc.risks))


def _case_sources(uc) -> None:
    for n, src in enumerate(uc.sources, start=1):
        where = f" · {t('chat.page', page=src.page)}" if src.page else (f" · {src.section}" if src.section else "")
        st.markdown(f"[{n}] **{src.title}** – `{Path(src.source).name}`{where}")
        if src.excerpt:
            st.caption(src.excerpt)


def use_cases(result: ConsultResult, editing: bool, edits: dict) -> None:
    st.subheader(t("res.cases"))
    for i, uc in enumerate(result.use_cases, start=1):
        with st.container(border=True):
            low, high = uc.cost_band_eur
            st.markdown(f"#### {i}. {uc.title}")
            st.markdown(f":{EFFORT_COLOR[uc.effort]}-badge[{t('res.effort')}: {t('effort.' + uc.effort)}] "
                        f":blue-badge[{t('res.cost')}: {euro(low)} – {euro(high)}] "
                        f":gray-badge[{t('res.pilot')}: {t('res.weeks', n=uc.pilot.duration_weeks)}]")
            tabs = st.tabs([t("res.tab_overview"), t("res.tab_data"), t("res.tab_pilot"), t("res.tab_sources")])
            with tabs[0]:
                _case_overview(uc, editing, edits)
            with tabs[1]:
                _case_details(uc)
            with tabs[2]:
                _case_pilot(uc)
            with tabs[3]:
                _case_sources(uc)


def mandate(result: ConsultResult, editing: bool, edits: dict) -> None:
    m = result.mandate
    st.subheader(t("res.mandate"))
    st.caption(t("res.mandate_intro"))
    mine = edits.setdefault("mandate", {})
    if editing:
        mine["owner"] = _text_edit(t("res.owner"), "ed::owner", m.owner, area=False)
        if "ed::budget" not in st.session_state:
            st.session_state["ed::budget"] = float(m.budget_eur) if m.budget_eur is not None else None
        mine["budget_eur"] = st.number_input(t("res.budget"), min_value=0.0, step=1000.0, format="%.0f",
                                             key="ed::budget", placeholder=t("q.number_placeholder"))
    else:
        st.markdown(f"**{t('res.owner')}:** {m.owner}")
    cols = st.columns(2)
    with cols[0]:
        st.markdown(f"**{t('res.objectives')}**\n" + "\n".join(f"- {o}" for o in m.objectives))
        st.markdown(f"**{t('res.focus')}**\n" + "\n".join(f"- {f}" for f in m.focus))
    with cols[1]:
        st.markdown(f"**{t('res.guardrails')}**\n" + "\n".join(f"- {g}" for g in m.guardrails))
        st.markdown(f"**{t('res.it_role')}**\n" + "\n".join(f"- {r}" for r in m.it_role))
    st.markdown(f"**{t('res.decisions')}**")
    st.dataframe(pd.DataFrame([{t("res.when"): fmt_date(d.when), t("res.decision"): d.decision}
                               for d in m.decision_points]), hide_index=True, width="stretch")


def _steps_frame(result: ConsultResult) -> pd.DataFrame:
    def day(value: str):
        try:
            return dt.date.fromisoformat(value[:10])
        except (TypeError, ValueError):
            return None

    return pd.DataFrame([{"what": s.what, "who": s.who, "by": day(s.by), "done_when": s.done_when}
                         for s in result.next_steps], columns=["what", "who", "by", "done_when"])


def step_item(step: dict) -> str:
    """One step as a stacked line a phone shows without sideways scrolling: by when and who first, then what,
    then when it counts as done. A per-step status (follow-up) belongs here."""
    when = fmt_date(step["by"]) if step.get("by") else "–"
    who = step.get("who") or "–"
    line = f"**{when}** · {who}  \n{step['what']}"
    if step.get("done_when"):
        line += f"  \n:gray[{t('res.done_when')}: {step['done_when']}]"
    return line


def next_steps(result: ConsultResult, edits: dict) -> None:
    """Who does what by when, as a list readable on a phone; the table below it is always editable, because that
    is exactly what gets agreed in the session."""
    st.subheader(t("res.steps"))
    listing = st.container()
    gen = st.session_state.get("ed::gen", 0)
    key = f"ed::steps::{lang()}::{gen}"
    if key not in st.session_state or "ed::steps_base" not in st.session_state:
        st.session_state["ed::steps_base"] = _steps_frame(result)
    with st.expander(t("res.steps_edit"), icon=":material/edit:"):
        st.caption(t("res.steps_help"))
        frame = st.data_editor(st.session_state["ed::steps_base"], key=key, num_rows="dynamic", hide_index=True,
                               width="stretch", column_config={
                                   "what": st.column_config.TextColumn(t("res.what"), width="large", required=True),
                                   "who": st.column_config.TextColumn(t("res.who"), width="medium"),
                                   "by": st.column_config.DateColumn(t("res.by"), format=t("res.date_format")),
                                   "done_when": st.column_config.TextColumn(t("res.done_when"), width="medium"),
                               })
    rows = [{"what": r["what"], "who": r["who"], "by": r["by"], "done_when": r.get("done_when")}
            for r in frame.to_dict("records")]
    original_rows = [s.model_dump() for s in original().next_steps]
    cleaned = [clean_step(r) for r in rows]
    cleaned = [r for r in cleaned if r["what"]]
    if cleaned != original_rows:
        edits["next_steps"] = cleaned
    else:
        edits.pop("next_steps", None)
    with listing:
        for row in cleaned:
            st.markdown(step_item(row))


def budget(result: ConsultResult) -> None:
    """Pilot, first year, running cost and internal time against the budget; what to do when it is not enough."""
    b = result.budget
    if b is None or not (b.lines or b.offers):
        return
    st.subheader(t("res.budget_h"))
    st.markdown("\n".join(f"- {line}" for line in b.lines + b.warnings))
    if b.offers:
        st.markdown(f"**{t('res.budget_offers')}**\n" + "\n".join(f"- {o}" for o in b.offers))


def contacts(result: ConsultResult) -> None:
    """Named free help near the firm, with the check note when a project-funded offer may have ended."""
    if not result.contacts:
        return
    st.subheader(t("res.contacts"))
    for c in result.contacts:
        name = f"[{c.name}]({c.url})" if c.url else c.name
        st.markdown(f"**{name}**" + (f" · {c.city}" if c.city else "") + f"  \n{c.focus}")
        if c.note:
            st.caption(c.note)


def session(result: ConsultResult) -> None:
    """The session part: questions to clarify, what to bring, quick wins, make-or-buy, data to collect first."""
    sn = result.session
    if sn is None:
        st.info(t("res.no_session"))
        return
    st.subheader(t("res.session_questions"))
    st.markdown("\n".join(f"{i}. {q}" for i, q in enumerate(sn.questions, start=1)))
    for label, items in ((t("res.session_bring"), sn.bring), (t("res.session_quick_wins"), sn.quick_wins),
                         (t("res.session_make_or_buy"), sn.make_or_buy)):
        if items:
            st.markdown(f"**{label}**\n" + "\n".join(f"- {x}" for x in items))
    if sn.data_tasks:
        st.markdown(f"**{t('res.session_data')}**")
        for d in sn.data_tasks:
            st.markdown(step_item({"what": d.what, "who": d.who, "by": d.by, "done_when": d.baseline}))


def funding(result: ConsultResult) -> None:
    """A short list rather than a wide table: name with link, status, as-of date, amount, and why it fits."""
    st.subheader(t("res.funding"))
    if not result.funding:
        st.info(t("res.no_funding"))
        return
    colors = {"open": "green", "unknown": "orange", "ended": "gray"}
    for f in result.funding:
        text = f.amount or f.rate_or_amount
        amount = f" · {text}" if text else ""
        hint = f.status_note.split(" – ", 1)[1] if " – " in (f.status_note or "") else ""
        st.markdown(f"**[{f.name}]({f.source_url})** :{colors[f.status]}-badge[{t('status.' + f.status)}] "
                    f"· {t('ff.col_as_of')} {fmt_date(f.as_of)}" + (f" – {hint}" if hint else "") + amount)
        st.caption(f.why)
    if result.funding_research:
        st.caption(result.funding_research)
    st.caption(t("ff.disclaimer"))
    st.page_link(PAGE_FILES["funding"], label=t("res.more_funding"), icon=":material/euro:")


def sources(result: ConsultResult) -> None:
    with st.expander(t("res.sources", n=len(result.sources))):
        for n, src in enumerate(result.sources, start=1):
            where = f" · {t('chat.page', page=src.page)}" if src.page else (f" · {src.section}" if src.section else "")
            name = "" if "knowledge_base/" in src.source else f" – `{Path(src.source).name}`"
            st.markdown(f"{n}. **{src.title}**{name}{where if name else ''}")


def _clean_edits(edits: dict, result: ConsultResult) -> dict:
    """Keep only what differs from the engine's result, so 'edited' means edited."""
    out: dict = {}
    if edits.get("company_summary") not in (None, result.company_summary):
        out["company_summary"] = edits["company_summary"]
    mandate_edits = {k: v for k, v in (edits.get("mandate") or {}).items()
                     if v != getattr(result.mandate, k) and not (k == "owner" and not str(v).strip())}
    if mandate_edits:
        out["mandate"] = mandate_edits
    cases = {}
    for uc in result.use_cases:
        mine = {k: v for k, v in ((edits.get("use_cases") or {}).get(uc.id) or {}).items()
                if isinstance(v, str) and v.strip() and v != getattr(uc, k)}
        if mine:
            cases[uc.id] = mine
    if cases:
        out["use_cases"] = cases
    if "next_steps" in edits:
        out["next_steps"] = edits["next_steps"]
    return out


def discard_edits() -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("ed::") and k != "ed::gen"]:
        del st.session_state[key]
    st.session_state["ed::gen"] = st.session_state.get("ed::gen", 0) + 1
    _save_edits({})


def _pending(base: ConsultResult, edits: dict) -> dict:
    """Edits including what was just typed (already in the widget state at the start of this run), so headings
    and figures show the new text now rather than one interaction later."""
    out = copy.deepcopy(edits)
    state = st.session_state
    if "ed::summary" in state:
        out["company_summary"] = state["ed::summary"]
    for field, key in (("owner", "ed::owner"), ("budget_eur", "ed::budget")):
        if key in state:
            out.setdefault("mandate", {})[field] = state[key]
    for uc in base.use_cases:
        for field in ("title", "problem", "solution", "why_this", "expected_value"):
            key = f"ed::uc::{uc.id}::{field}"
            if key in state:
                out.setdefault("use_cases", {}).setdefault(uc.id, {})[field] = state[key]
    return _clean_edits(out, base)


def render_result() -> None:
    """The whole result page; edits made here are saved before anything is exported."""
    base = original()
    bar = st.container()
    editing = st.toggle(t("res.edit_toggle"), key="ed::editing", help=t("res.edit_help"))
    edits: dict = _pending(base, consultation_state("edits")) if editing else copy.deepcopy(
        consultation_state("edits"))
    shown = apply_edits(consultation_state("result"), edits)
    # Grouped so that on a phone every part is one tap away: the use cases are the second tab, not five screens down
    overview, cases, plan, money, prep = st.tabs([t("res.tab_summary"), t("res.tab_cases"), t("res.tab_plan"),
                                                  t("res.tab_money"), t("res.tab_session")])
    with overview:
        summary(shown, editing, edits)
        render_comparison(shown)
        levers(shown)
    with cases:
        use_cases(shown, editing, edits)
    with plan:
        next_steps(shown, edits)
        render_step_status(apply_edits(consultation_state("result"), _clean_edits(edits, base)))
        mandate(shown, editing, edits)
    with money:
        budget(shown)
        funding(shown)
        contacts(shown)
    with prep:
        session(shown)
    sources(shown)
    _save_edits(_clean_edits(edits, base))
    with bar:
        export_bar(edited())
    if consultation_state("edits"):
        c1, _ = st.columns([1, 3])
        if c1.button(t("res.discard"), icon=":material/undo:", key="res::discard"):
            discard_edits()
            st.rerun()

"""Förderfinder: funding programmes filtered by state, size, topic and status, each with as-of date and source.

Ended programmes are hidden by default (nobody should plan with them) and, on request, shown greyed out with
their end date and successor, because advisors are often asked about the programme a client remembers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from assistant import vocabulary
from assistant.consult.funding import FundingQuery, find_funding, load_programmes
from ui.common import current_intake, fmt_date, friendly, settings
from ui.i18n import lang, t

STATUSES = ["open", "unknown", "ended"]
NO_STATE = "-"  # "nationwide only"; a real value, because a None selection would show an empty box
ENDED_STYLE = "color: #9aa0a6; font-style: italic"


def _defaults() -> dict:
    """First visit: filters start from the consultation on screen, so the advisor need not type it again.
    The values live outside the widgets, which are keyed per language (their option labels are translated)."""
    if "ff::values" in st.session_state:
        return st.session_state["ff::values"]
    company = current_intake().get("company") or {}
    employees, revenue = company.get("employees"), company.get("annual_revenue_eur")
    st.session_state["ff::values"] = {
        "state": company.get("state") if company.get("state") in vocabulary.STATES else NO_STATE,
        "employees": int(employees) if isinstance(employees, (int, float)) else None,
        "turnover": float(revenue) if isinstance(revenue, (int, float)) else None,
        "topics": [], "status": ["open", "unknown"], "prefilled": bool(company),
    }
    return st.session_state["ff::values"]


def _key(name: str, values: dict) -> str:
    key = f"ff::{name}::{lang()}"
    if key not in st.session_state:
        st.session_state[key] = values[name]
    return key


def _filters(values: dict) -> FundingQuery:
    lg = lang()  # bound now: format functions may also run outside this script run
    states, topics = vocabulary.state_names(lg), vocabulary.labels("funding_topics", lg)
    c1, c2, c3 = st.columns([1.2, 1, 1])
    values["state"] = c1.selectbox(
        t("ff.state"), options=[NO_STATE, *vocabulary.STATES], key=_key("state", values), help=t("ff.state_help"),
        format_func=lambda c: t("ff.state_none", lg) if c == NO_STATE else states[c]) or NO_STATE
    values["employees"] = c2.number_input(t("ff.employees"), min_value=1, max_value=100000, step=1,
                                          key=_key("employees", values), placeholder=t("ff.any"),
                                          help=t("ff.employees_help"))
    values["turnover"] = c3.number_input(t("ff.turnover"), min_value=0.0, step=100000.0, format="%.0f",
                                         key=_key("turnover", values), placeholder=t("ff.any"),
                                         help=t("ff.turnover_help"))
    c4, c5 = st.columns([1.2, 2])
    values["topics"] = c4.multiselect(t("ff.topics"), options=list(vocabulary.FUNDING_TOPICS),
                                      key=_key("topics", values), format_func=lambda k: topics[k],
                                      placeholder=t("ff.all_topics"))
    values["status"] = c5.multiselect(t("ff.status"), options=STATUSES, key=_key("status", values),
                                      format_func=lambda s: t(f"status.{s}", lg), help=t("ff.status_help"))
    state = values["state"]
    return FundingQuery(state=state if state != NO_STATE else None, employees=values["employees"],
                        turnover_eur=values["turnover"], topics=values["topics"],
                        include_ended="ended" in values["status"], today=dt.date.today(), lang=lang())


def _level(level: str) -> str:
    if level == "federal":
        return t("ff.level_federal")
    if level == "EU":
        return t("ff.level_eu")
    code = level.split(":", 1)[-1]
    return vocabulary.state_name(code, lang())


def _status_text(m) -> str:
    text = t(f"status.{m.status}")
    if m.status == "ended":
        text = t("ff.ended_since", date=fmt_date(m.ended_on or m.as_of))
        if m.successors:
            text += " → " + ", ".join(m.successors)
    elif m.deadline:
        text += " · " + t("ff.deadline", date=fmt_date(m.deadline))
    return text


def _table(matches: list) -> pd.DataFrame:
    rows = [{
        "programme": m.name, "funder": m.funder, "level": _level(m.level), "status": _status_text(m),
        "as_of": fmt_date(m.as_of), "amount": m.rate_or_amount or "–",
        "topics": ", ".join(vocabulary.label("funding_topics", x, lang()) for x in m.topics), "why": m.why,
        "source": m.source_url, "ended": m.status == "ended",
    } for m in matches]
    return pd.DataFrame(rows)


def _show(df: pd.DataFrame) -> None:
    def grey(row: pd.Series) -> list[str]:
        return [ENDED_STYLE if row["ended"] else ""] * len(row)

    st.dataframe(
        df.style.apply(grey, axis=1), hide_index=True, width="stretch", height=min(38 + 35 * len(df), 900),
        column_order=["programme", "status", "as_of", "source", "level", "amount", "topics", "funder", "why"],
        column_config={
            "programme": st.column_config.TextColumn(t("ff.col_programme"), width=280),
            "status": st.column_config.TextColumn(t("ff.col_status"), width=150),
            "as_of": st.column_config.TextColumn(t("ff.col_as_of"), width=95, help=t("ff.col_as_of_help")),
            "level": st.column_config.TextColumn(t("ff.col_level"), width=110),
            "amount": st.column_config.TextColumn(t("ff.col_amount"), width=280),
            "topics": st.column_config.TextColumn(t("ff.col_topics"), width=170),
            "funder": st.column_config.TextColumn(t("ff.col_funder"), width=220),
            "why": st.column_config.TextColumn(t("ff.col_why"), width=520),
            "source": st.column_config.LinkColumn(t("ff.col_source"), display_text=t("ff.open_source"), width=80),
        },
    )


def render() -> None:
    st.title(t("ff.title"))
    st.caption(t("ff.intro"))
    values = _defaults()
    if values["prefilled"]:
        st.info(t("ff.prefilled"), icon=":material/info:")
    query = _filters(values)
    with friendly("action.funding"):
        programmes = load_programmes(settings().kb_dir.resolve())
        chosen = values["status"] or ["open", "unknown"]
        matches = [m for m in find_funding(programmes, query) if m.status in chosen]
        if not matches:
            st.warning(t("ff.none"))
            return
        n_ended = sum(m.status == "ended" for m in matches)
        st.markdown(t("ff.count", n=len(matches)) + (" " + t("ff.count_ended", n=n_ended) if n_ended else ""))
        _show(_table(matches))
        st.caption(t("ff.disclaimer"))


render()

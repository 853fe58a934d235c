"""Auswertung: anonymised needs statistics over all saved consultations, as charts, tables and a CSV download.

The figures come from `assistant.stats`, which reads only closed vocabularies and suppresses groups under five,
so the page can be shown to a funding body or a board without exposing a single client.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assistant.stats import compute, to_csv
from ui.auth import current_user
from ui.common import settings, store
from ui.i18n import lang, t
from assistant.i18n import msg


def _chart(rows, title: str) -> None:
    shown = [r for r in rows if r.count is not None]
    hidden = len(rows) - len(shown)
    st.markdown(f"**{title}**")
    if shown:
        frame = pd.DataFrame({"label": [r.label for r in shown], "count": [r.count for r in shown]})
        chart = alt.Chart(frame).mark_bar().encode(
            x=alt.X("count:Q", title=t("stats.count")), y=alt.Y("label:N", sort="-x", title=None),
            tooltip=["label", "count"])
        st.altair_chart(chart, use_container_width=True)
    if hidden:
        st.caption(t("stats.hidden", n=hidden))
    if not rows:
        st.caption(t("stats.none"))


def _scope_note(stats) -> None:
    """Whose consultations are counted: with team login an advisor sees their own, an admin the whole team's."""
    user = current_user()
    if user is not None:
        st.caption(msg("stats.scope_all" if user.is_admin else "stats.scope_own", lang(), name=user.name))
    if stats.superseded:
        st.caption(msg("stats.superseded", lang(), n=stats.superseded))


def main() -> None:
    st.title(t("nav.stats"))
    records = [r for r in store().list()]
    if not records:
        st.info(msg("stats.empty", lang()))
        return
    stats = compute(records, lang(), settings().kb_dir)
    st.caption(msg("stats.summary", lang(), n=stats.consultations, results=stats.with_result, min=stats.min_group))
    _scope_note(stats)
    st.download_button(t("stats.download"), to_csv(stats, lang()), file_name=t("stats.file") + ".csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:")
    left, right = st.columns(2)
    tables = list(stats.tables().items())
    for i, (name, rows) in enumerate(tables):
        with (left if i % 2 == 0 else right):
            _chart(rows, msg(f"stats.table.{name}", lang()))
    if stats.maturity_dimensions:
        st.markdown(f"**{msg('stats.table.maturity_dimensions', lang())}**")
        st.dataframe(pd.DataFrame([{t("stats.dimension"): d.name, "n": d.n if d.n else f"< {stats.min_group}",
                                    t("stats.mean"): d.mean, t("stats.median"): d.median}
                                   for d in stats.maturity_dimensions]), hide_index=True)


main()

"""KI-Sprechstunde – Streamlit front end. A thin router: pages live in `ui/pages/`, logic in `assistant/`.

Start with `make run` (or `streamlit run app.py`). German by default, English via the sidebar; everything stays
on this computer (telemetry is off here and in .streamlit/config.toml).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.config import disable_telemetry

disable_telemetry()

from ui.auth import guard_listen_address, require_login, sidebar_user
from ui.common import PAGE_FILES, close_sidebar_on_phone, current_id, settings, store
from ui.i18n import LANGS, lang, set_lang, t

PAGE_ICON = str(Path(__file__).resolve().parent / "ui" / "static" / "icon.png")
"""A local file: a ":material/…" page icon makes the browser fetch the favicon from Google on every load."""


def _page(key: str, icon: str, url: str, default: bool = False):
    return st.Page(PAGE_FILES[key], title=t(f"nav.{key}"), icon=icon, url_path=url, default=default)


def _pages() -> dict[str, list]:
    """Page titles follow the language; files and URLs stay fixed so links and tests do not break."""
    return {
        t("app.group_consult"): [_page("consult", ":material/explore:", "beratung", default=True),
                                 _page("chat", ":material/forum:", "fragen"),
                                 _page("saved", ":material/folder_open:", "meine-beratungen")],
        t("app.group_tools"): [_page("funding", ":material/euro:", "foerderfinder"),
                               _page("kb", ":material/library_books:", "wissensbasis"),
                               _page("stats", ":material/bar_chart:", "auswertung"),
                               _page("settings", ":material/settings:", "einstellungen")],
    }


def _sidebar() -> None:
    with st.sidebar:
        st.markdown(f"### :material/forum: {t('app.title')}")
        st.caption(t("app.tagline"))
        st.session_state["app::lang"] = lang()
        st.segmented_control(t("app.lang"), options=list(LANGS), key="app::lang", format_func=lambda c: LANGS[c],
                             on_change=lambda: set_lang(st.session_state.get("app::lang") or lang()))
        cid = current_id()
        title = store().get(cid).title if cid and store().exists(cid) else t("app.none_open")
        st.markdown(f"**{t('app.current')}:**  \n{title}")
        s = settings()
        mode = (":material/lock: " + t("mode.short_offline") if s.offline
                else ":material/smart_toy: " + t("mode.short_ollama", model=s.llm_model))
        st.caption(mode)
        st.caption(t("app.privacy"))
        sidebar_user()


def main() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=PAGE_ICON, layout="wide")
    st.session_state.setdefault("lang", "en" if _default_lang() == "en" else "de")
    guard_listen_address()
    require_login()
    navigation = st.navigation(_pages())
    _sidebar()
    close_sidebar_on_phone(navigation.url_path or "home")
    navigation.run()


def _default_lang() -> str:
    try:
        return settings().lang
    except Exception:  # noqa: BLE001 - a broken setting must not keep the app from starting
        return "de"


main()

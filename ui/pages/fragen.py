"""Fragen: a chat over the knowledge base; every answer shows its sources, and the consultation on screen is
used as context where it helps (the firm's state for funding questions, the result's reasoning for "why")."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.chat import consultation_context, context_for
from ui.common import (
    PAGE_FILES,
    current_intake,
    current_result,
    engine,
    friendly,
    index_missing_notice,
    index_ready,
    mode_badge,
    settings,
)
from ui.i18n import lang, t


def _sources(msg: dict) -> None:
    sources = msg.get("sources") or []
    if not sources:
        return
    with st.expander(t("chat.sources", n=len(sources))):
        for n, src in enumerate(sources, start=1):
            where = t("chat.page", page=src["page"]) if src.get("page") else (src.get("section") or "")
            st.markdown(f"**[{n}] {_safe(src['title'])}**  \n`{Path(src['source']).name}`"
                        + (f" · {_safe(where)}" if where else ""))
            if src.get("excerpt"):
                st.caption(_safe(src["excerpt"]))


def _safe(text: str) -> str:
    """Text from documents is never rendered as images or links (no request to a host named in a file)."""
    from assistant.knowledge.answers import strip_markup

    return strip_markup(text)


def _show(msg: dict) -> None:
    with st.chat_message(msg["role"], avatar=":material/person:" if msg["role"] == "user" else ":material/forum:"):
        st.markdown(_safe(msg["content"]))
        if msg.get("note"):
            st.caption(msg["note"])
        if msg["role"] == "assistant":
            _sources(msg)


def _answer_live(question: str) -> dict:
    """Answer inside the open assistant bubble, streamed when a language model writes it; returns the message
    to keep in the history (with the final, citation-checked text)."""
    result = current_result()
    ctx = context_for(question, current_intake(), result, lang())
    if ctx.direct is not None:
        answer, note = ctx.direct, t("chat.note_from_result")
        st.markdown(answer.answer)
    else:
        from assistant.knowledge.index_store import IndexUnavailable
        from assistant.knowledge.retrieval import Filters, IndexNotReady

        filters = Filters(regions=[ctx.state]) if ctx.state else None
        try:
            with st.spinner(t("chat.thinking")):
                pieces, final = engine().answerer.stream(question, k=5, filters=filters, lang=lang(),
                                                         context=consultation_context(current_intake(), result))
        except (IndexNotReady, IndexUnavailable) as exc:  # empty index or Chroma server down: say what to do
            st.error(str(exc), icon=":material/cloud_off:")
            return {"role": "assistant", "content": str(exc), "note": None, "mode": "offline", "sources": []}
        st.write_stream(pieces)
        answer = final()
        note = t("chat.note_state", state=ctx.extra["state_name"]) if ctx.state else None
        if not settings().offline and answer.mode == "offline" and answer.grounded:
            note = " ".join(filter(None, [note, t("chat.note_fallback")]))
    if not answer.grounded:
        note = t("chat.note_ungrounded")
    msg = {"role": "assistant", "content": answer.answer, "note": note, "mode": answer.mode,
           "sources": [s.model_dump() for s in answer.sources]}
    if note:
        st.caption(note)
    _sources(msg)
    return msg


def _suggestions() -> str | None:
    """Example questions as buttons: a first-time user sees what the chat is for."""
    keys = ["chat.ex_funding", "chat.ex_privacy", "chat.ex_pilot"]
    if current_result() is not None:
        keys.insert(0, "chat.ex_why")
    cols = st.columns(len(keys))
    for col, key in zip(cols, keys):
        if col.button(t(key), key=f"chat::{key}", width="stretch"):
            return t(key)
    return None


def render() -> None:
    st.title(t("chat.title"))
    s = settings()
    (st.info if s.offline else st.success)(mode_badge(), icon=":material/lock:" if s.offline else ":material/smart_toy:")
    if current_result() is not None:
        st.caption(t("chat.context_on"))
    if not index_ready():
        index_missing_notice()
        return
    history: list[dict] = st.session_state.setdefault("chat", [])
    if not history:
        st.markdown(t("chat.empty"))
    for msg in history:
        _show(msg)
    picked = _suggestions() if not history else None
    question = st.chat_input(t("chat.placeholder"), key="chat::input") or picked
    if question:
        user = {"role": "user", "content": question}
        history.append(user)
        _show(user)
        with st.chat_message("assistant", avatar=":material/forum:"), friendly("action.ask"):
            history.append(_answer_live(question))
    if history and st.button(t("chat.clear"), key="chat::clear", icon=":material/delete_sweep:"):
        st.session_state["chat"] = []
        st.rerun()
    if current_result() is None:
        st.page_link(PAGE_FILES["consult"], label=t("chat.hint_consult"), icon=":material/explore:")


render()

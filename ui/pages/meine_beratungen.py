"""Meine Beratungen: every consultation saved so far — open, rename, duplicate, delete, export and import JSON.

Deleting asks once more (it cannot be undone); an import always creates a new entry, so nothing existing is
overwritten by a file from a colleague.
"""

from __future__ import annotations

import json

import streamlit as st

from assistant.consultations import StorageError, is_consultation_export
from ui.common import (
    PAGE_FILES,
    current_id,
    fmt_date,
    fmt_datetime,
    friendly,
    open_consultation,
    reset_consultation,
    store,
)
from assistant.i18n import msg
from assistant.safe_json import safe_json_loads
from ui.auth import current_user
from ui.followup import follow_up_button
from ui.i18n import lang, t


def _open(cid: str) -> None:
    open_consultation(cid)
    st.switch_page(PAGE_FILES["consult"])


def _status(rec) -> str:
    return t("saved.status_result") if rec.has_result else t("saved.status_draft")


def _summary(rec) -> str:
    """What the consultation recommended (or that it is still a draft), so entries are told apart at a glance."""
    renamed = (rec.edits or {}).get("use_cases") or {}
    cases = [(renamed.get(uc.get("id")) or {}).get("title") or uc.get("title", "")
             for uc in (rec.result or {}).get("use_cases", [])]
    if cases:
        return t("saved.cases", titles="; ".join(cases))
    return t("saved.draft_note")


def _follows(column, rec) -> None:
    """A follow-up names the consultation it continues, so a chain of appointments reads as one firm's story."""
    if rec.follows and store().exists(rec.follows):
        previous = store().get(rec.follows)
        date = (previous.result or {}).get("consultation_date") or previous.created
        column.caption(msg("followup.ui.follows", lang(), title=previous.title, date=fmt_date(date)))


def _delete_confirm(rec) -> None:
    st.warning(t("saved.confirm_delete", title=rec.title))
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button(t("saved.delete_yes"), key=f"saved::yes::{rec.id}", type="primary"):
        with friendly("action.delete"):
            store().delete(rec.id)
            if current_id() == rec.id:
                reset_consultation()
            st.session_state.pop("saved::pending_delete", None)
            st.session_state["saved::flash"] = t("saved.deleted", title=rec.title)
            st.rerun()
    if c2.button(t("saved.delete_no"), key=f"saved::no::{rec.id}"):
        st.session_state.pop("saved::pending_delete", None)
        st.rerun()


def _card(rec) -> None:
    """One consultation with its actions; no button without an effect."""
    with st.container(border=True):
        head, badge = st.columns([4, 1])
        marker = " :material/star:" if rec.id == current_id() else ""
        head.markdown(f"**{rec.title}**{marker}")
        head.caption(t("saved.dates", created=fmt_datetime(rec.created), updated=fmt_datetime(rec.updated)))
        head.markdown(_summary(rec))
        user = current_user()
        if user is not None and user.is_admin:  # admins see everyone's: say whose it is
            head.caption(msg("kb.owner", lang(), owner=rec.owner) if rec.owner else msg("kb.owner_none", lang()))
        badge.markdown(f":{'green' if rec.has_result else 'orange'}-badge[{_status(rec)}]")
        _follows(head, rec)
        c1, c2, c3, c4, c5, c6 = st.columns(6)
        if c1.button(t("saved.open"), key=f"saved::open::{rec.id}", type="primary", width="stretch"):
            with friendly("action.open"):
                _open(rec.id)
        if c2.button(t("saved.duplicate"), key=f"saved::dup::{rec.id}", width="stretch"):
            with friendly("action.duplicate"):
                copy = store().duplicate(rec.id, suffix=t("saved.copy_suffix"))
                st.session_state["saved::flash"] = t("saved.duplicated", title=copy.title)
                st.rerun()
        with c3.popover(t("saved.rename"), width="stretch"):
            new = st.text_input(t("saved.new_title"), value=rec.title, key=f"saved::title::{rec.id}")
            if st.button(t("saved.rename_save"), key=f"saved::rename::{rec.id}"):
                with friendly("action.rename"):
                    if new.strip():
                        store().update(rec.id, title=new.strip())
                        st.rerun()
                    st.error(t("saved.title_empty"))
        c4.download_button(t("saved.export"), key=f"saved::export::{rec.id}", width="stretch",
                           data=json.dumps(store().export_json(rec.id), ensure_ascii=False, indent=2),
                           file_name=f"beratung_{rec.id}.json", mime="application/json", on_click="ignore")
        if rec.has_result:
            with c5:
                follow_up_button(rec.id, key=f"saved::follow::{rec.id}")
        if c6.button(t("saved.delete"), key=f"saved::del::{rec.id}", width="stretch"):
            st.session_state["saved::pending_delete"] = rec.id
            st.rerun()
        if st.session_state.get("saved::pending_delete") == rec.id:
            _delete_confirm(rec)


def _import() -> None:
    with st.expander(t("saved.import_title"), icon=":material/upload_file:"):
        st.caption(t("saved.import_help"))
        gen = st.session_state.get("saved::import_gen", 0)
        up = st.file_uploader(t("saved.import_label"), type=["json"], key=f"saved::import::{gen}",
                              max_upload_size=20)
        if up is None:
            return
        try:
            data = safe_json_loads(up.getvalue().decode("utf-8"), lang=lang())
        except ValueError:  # not UTF-8, not JSON, or nested too deep to parse safely
            st.error(t("saved.import_not_json"))
            return
        if not is_consultation_export(data):
            st.error(t("saved.import_not_export"))
            st.page_link(PAGE_FILES["consult"], label=t("saved.import_use_consult"), icon=":material/explore:")
            return
        try:
            rec = store().import_json(data)
        except StorageError as exc:
            st.error(t("saved.import_failed", reason=exc.message(lang())))
            return
        st.session_state["saved::import_gen"] = gen + 1
        st.session_state["saved::flash"] = t("saved.imported", title=rec.title)
        st.rerun()


def render() -> None:
    st.title(t("saved.title"))
    st.caption(t("saved.intro"))
    flash = st.session_state.pop("saved::flash", None)
    if flash:
        st.success(flash)
    c1, _ = st.columns([1, 3])
    if c1.button(t("saved.new"), icon=":material/add:", key="saved::new"):
        reset_consultation()
        st.switch_page(PAGE_FILES["consult"])
    _import()
    with friendly("action.list"):
        records = store().list()
    if not records:
        st.info(t("saved.empty"))
        return
    query = st.text_input(t("saved.search"), key="saved::search", placeholder=t("saved.search_placeholder"))
    shown = [r for r in records if query.strip().lower() in r.title.lower()] if query else records
    st.caption(t("saved.count", n=len(shown), total=len(records)))
    for rec in shown:
        _card(rec)


render()

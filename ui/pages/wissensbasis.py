"""Wissensbasis: upload own PDFs/Markdown, see what is indexed, delete or re-index.

Uploads are saved under `<data_dir>/uploads/` and indexed file by file; a file that fails is named with its reason
and everything else (other uploads, the existing index) stays as it was — the ingestor is all-or-nothing per file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from assistant.i18n import msg
from assistant.knowledge.ingest import safe_upload_name
from ui.auth import current_user
from ui.common import engine, fmt_datetime, friendly, settings
from ui.i18n import lang, t

UPLOAD_TYPES = ["pdf", "md", "markdown"]
DOC_TYPES = ("guidance", "funding", "use_case", "upload")


def uploads_dir() -> Path:
    path = settings().data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str) -> str:
    """Keep the user's file name recognisable but harmless: no folders, no odd characters, at most 255 bytes."""
    return safe_upload_name(name)


def can_edit() -> bool:
    """The knowledge base is shared: without login everyone, with login only admins change it."""
    user = current_user()
    return user is None or user.is_admin


def _progress_callback(bar, label_key: str):
    def progress(done: int, total: int, source: str) -> None:
        bar.progress(done / max(total, 1), text=t(label_key, done=done, total=total, name=Path(source).name))
    return progress


def _report(report, summary_only: bool = False) -> None:
    """One line per file: what worked, and for failures the reason, so the user knows what to fix.
    A full re-index shows only the counts and the failures (a hundred "unchanged" lines help nobody)."""
    if summary_only:
        counts = {s: report.count(s) for s in ("added", "updated", "unchanged", "removed", "failed")}
        (st.warning if report.failed else st.success)(t("kb.reindex_done", **counts))
    if getattr(report, "orphans_removed", 0):
        st.info(msg("kb.orphans_removed", lang(), count=report.orphans_removed), icon=":material/healing:")
    for r in report.results:
        if summary_only and r.status != "failed":
            continue
        name = Path(r.source).name
        if r.status == "failed":
            reason = (r.error or "?").removeprefix(f"{name}: ")
            st.error(t("kb.file_failed", name=name, error=reason), icon=":material/warning:")
        elif r.status in {"added", "updated"}:
            st.success(t(f"kb.file_{r.status}", name=name, chunks=r.chunks), icon=":material/check_circle:")
        elif r.status == "unchanged":
            st.info(t("kb.file_unchanged", name=name), icon=":material/info:")
        elif r.status == "removed":
            st.info(t("kb.file_removed", name=name), icon=":material/delete:")
        elif r.status == "skipped":
            st.info(t("kb.file_skipped", name=name), icon=":material/info:")


def _undo_failed(report, previous: dict[str, bytes | None]) -> None:
    """A file that could not be indexed does not stay in the upload folder (it would fail again on every
    re-index); if it replaced an older version, that version comes back — the index still holds it."""
    for r in report.failed:
        path = uploads_dir() / Path(r.source).name
        if path.name not in previous:
            continue
        if previous[path.name] is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(previous[path.name])


def _upload_section() -> None:
    st.subheader(t("kb.upload_title"))
    st.caption(t("kb.upload_help", mb=f"{settings().max_file_mb:g}"))
    st.caption(msg("kb.untrusted_note", lang()))
    files = st.file_uploader(t("kb.upload_label"), type=UPLOAD_TYPES, accept_multiple_files=True,
                             key=f"kb::uploader{st.session_state.get('kb::gen', 0)}",
                             max_upload_size=max(1, int(settings().max_file_mb)))
    if st.button(t("kb.upload_button"), type="primary", disabled=not files, key="kb::upload"):
        with friendly("action.upload"):
            previous = {}
            paths = []
            for f in files:
                path = uploads_dir() / safe_name(f.name)
                previous[path.name] = path.read_bytes() if path.exists() else None
                path.write_bytes(f.getvalue())
                paths.append(path)
            bar = st.progress(0.0, text=t("kb.indexing_start"))
            report = engine().ingestor.run(paths, progress=_progress_callback(bar, "kb.indexing"))
            bar.empty()
            _undo_failed(report, previous)
            st.session_state["kb::last_report"] = (report, False)
            st.session_state["kb::gen"] = st.session_state.get("kb::gen", 0) + 1
            st.rerun()


def _documents_frame(files: dict) -> pd.DataFrame:
    rows = [{"title": rec["title"], "source": src, "type": t(f"kb.type_{rec['doc_type']}")
             if rec["doc_type"] in DOC_TYPES else rec["doc_type"], "chunks": int(rec["n_chunks"]),
             "indexed": fmt_datetime(dt.datetime.fromtimestamp(rec["ingested_at"]).isoformat(timespec="minutes"))}
            for src, rec in files.items()]
    return pd.DataFrame(rows, columns=["title", "source", "type", "chunks", "indexed"])


def _documents_section(files: dict) -> None:
    st.subheader(t("kb.docs_title"))
    if not files:
        st.info(t("kb.empty"))
        return
    n_uploads = sum(1 for s in files if s.startswith("uploads/"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("kb.metric_docs"), len(files))
    c2.metric(t("kb.metric_chunks"), sum(int(r["n_chunks"]) for r in files.values()))
    c3.metric(t("kb.metric_uploads"), n_uploads)
    only_uploads = st.toggle(t("kb.only_uploads"), key="kb::only_uploads", disabled=n_uploads == 0)
    shown = {s: r for s, r in files.items() if s.startswith("uploads/")} if only_uploads else files
    st.dataframe(_documents_frame(shown), hide_index=True, width="stretch", column_config={
        "title": st.column_config.TextColumn(t("kb.col_title"), width=430),
        "source": st.column_config.TextColumn(t("kb.col_source"), width=330),
        "type": st.column_config.TextColumn(t("kb.col_type"), width=140),
        "chunks": st.column_config.NumberColumn(t("kb.col_chunks"), width=100),
        "indexed": st.column_config.TextColumn(t("kb.col_indexed"), width=140),
    })


def _delete_section(files: dict) -> None:
    st.subheader(t("kb.delete_title"))
    if not files:
        return
    options = sorted(files, key=lambda s: (not s.startswith("uploads/"), s))
    source = st.selectbox(t("kb.delete_pick"), options=options, index=None, key="kb::delete_pick",
                          format_func=lambda s: f"{files[s]['title']} ({s})", placeholder=t("kb.delete_placeholder"))
    if source and not source.startswith("uploads/"):
        st.caption(t("kb.delete_curated_note"))
    if st.button(t("kb.delete_button"), disabled=source is None, key="kb::delete"):
        with friendly("action.delete_doc"):
            removed = engine().ingestor.remove(source)
            if source.startswith("uploads/"):
                (settings().data_dir / source).unlink(missing_ok=True)
            st.session_state["kb::flash"] = ("success" if removed else "warning",
                                            t("kb.deleted" if removed else "kb.delete_missing", name=source))
            st.session_state.pop("kb::delete_pick", None)
            st.rerun()


def _reindex_section() -> None:
    st.subheader(t("kb.reindex_title"))
    st.caption(t("kb.reindex_help"))
    if st.button(t("kb.reindex_button"), key="kb::reindex"):
        with friendly("action.reindex"):
            roots = [settings().kb_dir, uploads_dir()]
            with st.status(t("kb.reindex_running"), expanded=True) as status:
                bar = st.progress(0.0)
                report = engine().ingestor.run(roots, progress=_progress_callback(bar, "kb.indexing"))
                status.update(state="error" if report.failed else "complete")
            st.session_state["kb::last_report"] = (report, True)
            st.rerun()


def render() -> None:
    st.title(t("kb.title"))
    st.caption(t("kb.intro"))
    flash = st.session_state.pop("kb::flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    last = st.session_state.pop("kb::last_report", None)
    if last is not None:
        _report(*last)
    editable = can_edit()
    if editable:
        _upload_section()
    else:
        st.info(msg("kb.admin_only", lang()), icon=":material/lock:")
    st.divider()
    with friendly("action.list_docs"):
        files = engine().store.files()
        _documents_section(files)
        if editable:
            st.divider()
            _delete_section(files)
    if editable:
        st.divider()
        _reindex_section()


render()

"""Beratung: from the questionnaire (typed in step by step, or imported as a filled JSON) to the result.

Three views of one consultation: start (how to begin), form (one questionnaire section per step) and result.
Everything is saved automatically to "Meine Beratungen" as the user goes.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from assistant.intake import blank_intake_json, blank_intake_markdown, load_questionnaire
from assistant.consultations import is_consultation_export
from ui import questionnaire as form
from ui.common import (
    PAGE_FILES,
    autosave,
    consultation_state,
    current_id,
    engine,
    flatten,
    fmt_datetime,
    friendly,
    open_consultation,
    reset_consultation,
    settings,
    store,
)
from ui.i18n import lang, t
from ui.result_view import render_result

EXAMPLE_INTAKE = Path(__file__).resolve().parents[2] / "evals" / "personas" / "example_handwerk.json"


def _go(view: str, step: int | None = None) -> None:
    st.session_state["consult_view"] = view
    if step is not None:
        st.session_state["step"] = step


# --- running the consultation -------------------------------------------------------------------------------
def run_consultation(intake) -> None:
    """Engine call with visible progress; the result is saved before it is shown (by the rerun that follows)."""
    with st.status(t("consult.running"), expanded=True) as status:
        st.write(t("consult.step_read"))
        st.write(t("consult.step_match"))
        result = engine().consultant.consult(intake, lang=lang())
        st.write(t("consult.step_funding", n=len(result.funding)))
        status.update(label=t("consult.done"), state="complete", expanded=False)
    data = result.contract_json()
    st.session_state["result"] = data
    st.session_state["edits"] = {}
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("ed::") and k != "ed::gen"]:
        del st.session_state[key]
    st.session_state["ed::gen"] = st.session_state.get("ed::gen", 0) + 1
    autosave(intake=intake.to_dict(), result=data, edits={})
    _go("result")


# --- start -----------------------------------------------------------------------------------------------------
def _load_answers(data: dict) -> None:
    reset_consultation()
    st.session_state["answers"] = flatten({k: v for k, v in data.items() if not k.startswith("_")})


def _import_intake(raw: bytes) -> None:
    """A filled questionnaire (or an exported consultation): valid → straight to the result; invalid → the form,
    with every problem shown next to its field."""
    if raw[:5] == b"%PDF-":
        from assistant.intake.pdf_form import FormError, read_form_pdf

        try:
            data = read_form_pdf(raw, name=t("consult.blank_file") + ".pdf", lang=lang())
        except FormError as exc:
            st.error(str(exc))
            return
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if is_consultation_export(data):
        rec = store().import_json(data)
        open_consultation(rec.id)
        st.session_state["consult::flash"] = t("consult.imported_export", title=rec.title)
        st.rerun()
    from assistant.intake import IntakeError, parse_intake

    try:
        intake = parse_intake(raw, lang())
    except IntakeError as exc:
        if isinstance(data, dict):
            _load_answers(data)
            autosave(intake=form.draft())
            _, errors, _ = form.validate(form.draft())
            first = min((form.section_of(k) for k in errors), default=0)
            _go("form", first)
            st.session_state["field_errors"] = errors
            st.session_state["consult::flash_error"] = t("consult.import_invalid", n=len(exc.field_errors))
            st.rerun()
        st.error(t("consult.import_unreadable"))
        for fe in exc.field_errors:
            st.caption(fe.message)
        return
    _load_answers(intake.to_dict())
    run_consultation(intake)
    st.rerun()


def _resume() -> None:
    """After a restart the session is new, but the work is not lost: offer the last consultation."""
    records = store().list()
    if not records:
        return
    last = records[0]
    c1, c2 = st.columns([3, 1])
    c1.info(t("consult.resume_text", title=last.title, when=fmt_datetime(last.updated)), icon=":material/history:")
    if c2.button(t("consult.resume"), key="consult::resume", width="stretch"):
        open_consultation(last.id)
        st.rerun()


def _start() -> None:
    st.markdown(t("consult.welcome"))
    _resume()
    c1, c2 = st.columns(2)
    with c1.container(border=True):
        st.markdown(f"#### :material/edit_note: {t('consult.start_form_title')}")
        st.caption(t("consult.start_form_text"))
        if st.button(t("consult.start_form"), type="primary", key="consult::start_form"):
            reset_consultation()
            _go("form", 0)
            st.rerun()
        if EXAMPLE_INTAKE.exists() and st.button(t("consult.load_example"), key="consult::example"):
            _load_answers(json.loads(EXAMPLE_INTAKE.read_text(encoding="utf-8")))
            autosave(intake=form.draft())
            _go("form", 0)
            st.rerun()
    with c2.container(border=True):
        st.markdown(f"#### :material/upload_file: {t('consult.start_import_title')}")
        st.caption(t("consult.start_import_text"))
        gen = st.session_state.get("consult::upload_gen", 0)
        up = st.file_uploader(t("consult.import_label"), type=["json", "pdf"], key=f"consult::upload::{gen}",
                              max_upload_size=5)
        if up is not None and st.button(t("consult.import_button"), type="primary", key="consult::import"):
            st.session_state["consult::upload_gen"] = gen + 1
            with friendly("action.import_intake"):
                _import_intake(up.getvalue())
    with st.expander(t("consult.blank_title"), icon=":material/forward_to_inbox:"):
        st.caption(t("consult.blank_text"))
        from assistant.intake.pdf_form import blank_form_pdf

        b0, b1, b2 = st.columns(3)
        b0.download_button(t("consult.blank_pdf"), blank_form_pdf(lang()), file_name=t("consult.blank_file") + ".pdf",
                           mime="application/pdf", key="consult::blank_pdf", on_click="ignore", width="stretch",
                           type="primary")
        template = json.dumps(blank_intake_json(lang()), ensure_ascii=False, indent=2)
        b1.download_button(t("consult.blank_json"), template, file_name=t("consult.blank_file") + ".json",
                           mime="application/json", key="consult::blank_json", on_click="ignore", width="stretch")
        b2.download_button(t("consult.blank_md"), blank_intake_markdown(lang()),
                           file_name=t("consult.blank_file") + ".md", mime="text/markdown",
                           key="consult::blank_md", on_click="ignore", width="stretch")


# --- form --------------------------------------------------------------------------------------------------------
def _nav(step: int, last: int) -> None:
    """Back / next / create. Moving on checks the current section; creating checks everything."""
    c1, c2, c3 = st.columns([1, 1, 2])
    if step > 0 and c1.button(t("q.back"), icon=":material/arrow_back:", key="q::back", width="stretch"):
        _go("form", step - 1)
        st.rerun()
    if step < last:
        if c2.button(t("q.next"), icon=":material/arrow_forward:", type="primary", key="q::next", width="stretch"):
            _, errors, _ = form.validate(form.draft())
            here = {k: v for k, v in errors.items() if form.section_of(k) == step}
            elsewhere = {k: v for k, v in consultation_state("field_errors").items() if form.section_of(k) != step}
            st.session_state["field_errors"] = {**elsewhere, **here}
            if not here:
                _go("form", step + 1)
            st.rerun()
        return
    label = t("q.recreate") if consultation_state("result") else t("q.create")
    if c3.button(label, icon=":material/auto_awesome:", type="primary", key="q::create", width="stretch"):
        intake, errors, loose = form.validate(form.draft())
        if intake is None:
            st.session_state["field_errors"] = errors
            st.session_state["consult::flash_error"] = t("q.fix_errors", n=len(errors) + len(loose))
            _go("form", min((form.section_of(k) for k in errors), default=step))
            st.rerun()
        with friendly("action.consult"):
            run_consultation(intake)
            st.rerun()


def _form() -> None:
    sections = load_questionnaire().sections
    step = min(consultation_state("step"), len(sections) - 1)
    if consultation_state("result"):
        c1, c2 = st.columns([3, 1])
        c1.info(t("q.has_result"), icon=":material/info:")
        if c2.button(t("q.to_result"), key="q::to_result", width="stretch"):
            _go("result")
            st.rerun()
    elif current_id() and st.button(t("consult.new"), icon=":material/add:", key="q::new", type="tertiary"):
        reset_consultation()
        st.rerun()
    st.progress((step + 1) / len(sections),
                text=t("q.progress", n=step + 1, total=len(sections), title=sections[step].title.get(lang())))
    st.subheader(sections[step].title.get(lang()))
    slots = form.section(step)
    st.session_state["field_errors"] = form.show_errors(slots, consultation_state("field_errors"))
    _nav(step, len(sections) - 1)
    if form.draft() != {"company": {}, "data": {}} or current_id():
        autosave(intake=form.draft())


# --- result ------------------------------------------------------------------------------------------------------
def _result_header() -> None:
    cid = current_id()
    if cid and store().exists(cid):
        st.subheader(store().get(cid).title)
    c1, c2, c3 = st.columns(3)
    if c1.button(t("res.edit_form"), icon=":material/edit_note:", key="res::edit_form", width="stretch"):
        _go("form", 0)
        st.rerun()
    if c2.button(t("res.ask"), icon=":material/forum:", key="res::ask", width="stretch"):
        st.switch_page(PAGE_FILES["chat"])
    if c3.button(t("consult.new"), icon=":material/add:", key="res::new", width="stretch"):
        reset_consultation()
        st.rerun()
    result_lang = (consultation_state("result") or {}).get("language", lang())
    if result_lang != lang():
        st.info(t("res.other_lang"), icon=":material/translate:")


def _saved_note() -> None:
    cid = current_id()
    if cid and store().exists(cid):
        rec = store().get(cid)
        st.caption(t("consult.saved", title=rec.title, when=fmt_datetime(rec.updated)))


def render() -> None:
    st.title(t("consult.title"))
    st.caption(t("consult.offline_note") if settings().offline else t("consult.ollama_note",
                                                                        model=settings().llm_model))
    for key, show in (("consult::flash", st.success), ("consult::flash_error", st.error)):
        message = st.session_state.pop(key, None)
        if message:
            show(message)
    view = consultation_state("consult_view")
    if view == "result" and not consultation_state("result"):
        view = "form"
    with friendly("action.show_consult"):
        if view == "start":
            _start()
        elif view == "form":
            _form()
        else:
            _result_header()
            render_result()
        _saved_note()


render()

"""The questionnaire as a step-by-step form, built from assistant/data/questionnaire.yaml (the one definition).

Answers live in `st.session_state["answers"]` (dotted keys) rather than in the widgets: Streamlit forgets the state
of widgets that are not on screen, and a user who steps back must find every answer where they left it.
Validation is the core's `parse_intake`; its field errors are shown next to the field they belong to.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from assistant.i18n import formatting
from assistant.intake import AmountError, IntakeError, Question, load_questionnaire, parse_amount, parse_intake
from ui.common import consultation_state, nest
from ui.i18n import lang, t

RADIO_MAX_OPTIONS = 5  # up to this many options a radio (all visible, with captions) beats a dropdown
PROCESS_COLUMNS = ["name", "hours_per_month", "volume_per_month", "pain"]


def draft() -> dict:
    """The answers as an intake dict; company and data are always objects so errors name the exact field."""
    data = nest(consultation_state("answers"))
    data.setdefault("company", {})
    data.setdefault("data", {})
    return data


def validate(data: dict) -> tuple[Any, dict[str, str], list[str]]:
    """(intake or None, {question key: message}, messages without a field) from the core validator."""
    try:
        return parse_intake(data, lang()), {}, []
    except IntakeError as exc:
        by_key: dict[str, str] = {}
        loose: list[str] = []
        keys = {q.key for q in load_questionnaire().questions()}
        for fe in exc.field_errors:
            key = question_key(fe.field, keys)
            if key is None:
                loose.append(fe.message)
                continue
            message = fe.message.replace(f" ({fe.field})", "").replace(f" ({key})", "")  # shown at the field
            by_key[key] = f"{by_key[key]}  \n{message}" if key in by_key else message
        return None, by_key, loose


def question_key(field: str, keys: set[str]) -> str | None:
    """The question an error path belongs to: "processes.0.pain" -> "processes", "company.state" itself."""
    parts = field.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in keys:
            return candidate
    return None


def section_of(key: str) -> int:
    for i, section in enumerate(load_questionnaire().sections):
        if any(q.key == key for q in section.questions):
            return i
    return 0


# --- widgets ------------------------------------------------------------------------------------------------
def _label(q: Question) -> str:
    return q.label.get(lang()) + (" *" if q.required else "")


def _init(key: str, value: Any) -> None:
    """Give a widget its saved answer when it (re)appears; afterwards the widget owns the value."""
    if key not in st.session_state:
        st.session_state[key] = value


def _options(q: Question) -> tuple[list, dict, list[str] | None]:
    labels = q.option_labels(lang())
    values = [o.value for o in q.options]
    captions = [o.help.get(lang()) if o.help else "" for o in q.options]
    return values, labels, captions if any(captions) else None


def _choice(q: Question, key: str, value: Any) -> Any:
    values, labels, captions = _options(q)
    _init(key, value if value in values else None)
    if q.type == "slider" or len(values) <= RADIO_MAX_OPTIONS:
        fmt = (lambda v: f"{v} – {labels[v]}") if q.type == "slider" else (lambda v: labels[v])
        return st.radio(_label(q), values, key=key, format_func=fmt, captions=captions,
                        label_visibility="collapsed", horizontal=False)
    return st.selectbox(_label(q), values, key=key, format_func=lambda v: labels[v],
                        placeholder=t("q.choose"), label_visibility="collapsed")


def _multi(q: Question, key: str, value: Any) -> list:
    values, labels, _ = _options(q)
    _init(key, [v for v in (value or []) if v in values])
    return st.pills(_label(q), values, key=key, selection_mode="multi", format_func=lambda v: labels[v],
                    label_visibility="collapsed") or []


def _number(q: Question, key: str, value: Any) -> Any:
    integer = q.type == "int"
    low = q.min if q.min is not None else None
    high = q.max if q.max is not None else None
    if integer:
        _init(key, int(value) if isinstance(value, (int, float)) else None)
        return st.number_input(_label(q), min_value=int(low) if low is not None else None,
                               max_value=int(high) if high is not None else None, step=1, key=key,
                               placeholder=t("q.number_placeholder"), label_visibility="collapsed")
    _init(key, float(value) if isinstance(value, (int, float)) else None)
    return st.number_input(_label(q), min_value=float(low) if low is not None else None,
                           max_value=float(high) if high is not None else None, step=1.0, format="%.0f",
                           key=key, placeholder=t("q.number_placeholder"), label_visibility="collapsed")


def amount_answer(text: str | None) -> float | str | None:
    """What an amount field stores: the number people meant ("20.000 €" -> 20000.0), None when empty, and the
    text itself when it is no amount, so the core's validator names the problem at the field."""
    if text is None or not str(text).strip():
        return None
    try:
        return parse_amount(text, lang())
    except AmountError:
        return str(text).strip()


def _amount(q: Question, key: str, value: Any) -> float | str | None:
    """Euros as people type them, with the understood amount shown back before anything is saved."""
    _init(key, formatting.number(value, lang()) if isinstance(value, (int, float)) else (value or ""))
    text = st.text_input(_label(q), key=key, placeholder=t("q.amount_placeholder"), label_visibility="collapsed")
    answer = amount_answer(text)
    if isinstance(answer, float):
        st.caption(t("q.amount_parsed", amount=formatting.money(answer, lang())))
    elif answer is not None:
        st.caption(t("q.amount_unreadable", text=answer))
    return answer


def _text(q: Question, key: str, value: Any) -> str:
    _init(key, value if isinstance(value, str) else "")
    if q.type == "textarea":
        return st.text_area(_label(q), key=key, max_chars=q.max_length, height=140,
                            label_visibility="collapsed", placeholder=t("q.text_placeholder"))
    return st.text_input(_label(q), key=key, max_chars=q.max_length, label_visibility="collapsed")


def _process_frame(rows: list[dict] | None) -> pd.DataFrame:
    frame = pd.DataFrame(rows or [], columns=PROCESS_COLUMNS)
    frame["name"] = frame["name"].astype("string")
    for col in PROCESS_COLUMNS[1:]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    return frame


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value


def process_rows(frame: pd.DataFrame) -> list[dict]:
    """Table rows as intake processes; empty rows are dropped, whole numbers stay whole (pain must be int)."""
    rows = []
    for record in frame.to_dict("records"):
        row = {k: _clean(record.get(k)) for k in PROCESS_COLUMNS}
        if all(v is None for v in row.values()):
            continue
        if row["pain"] is not None:
            row["pain"] = int(row["pain"]) if float(row["pain"]).is_integer() else row["pain"]
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def _processes(q: Question, value: Any) -> list[dict]:
    key = f"w::processes::{lang()}"
    if key not in st.session_state or "proc_base" not in st.session_state:
        st.session_state["proc_base"] = _process_frame(value if isinstance(value, list) else [])
    cols = {c.key: c for c in q.columns}

    def col_label(k: str) -> str:
        return cols[k].label.get(lang())

    frame = st.data_editor(
        st.session_state["proc_base"], key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "name": st.column_config.TextColumn(col_label("name"), help=cols["name"].help.get(lang()),
                                                max_chars=cols["name"].max_length, width="large"),
            "hours_per_month": st.column_config.NumberColumn(col_label("hours_per_month"), min_value=0, step=1,
                                                             help=cols["hours_per_month"].help.get(lang())),
            "volume_per_month": st.column_config.NumberColumn(col_label("volume_per_month"), min_value=0, step=1,
                                                              help=cols["volume_per_month"].help.get(lang())),
            "pain": st.column_config.NumberColumn(col_label("pain"), min_value=1, max_value=5, step=1,
                                                  help=cols["pain"].help.get(lang())),
        },
    )
    return process_rows(frame)


def widget_key(question_key: str) -> str:
    """Option labels are translated and Streamlit stores choices by label, so each language gets its own
    widgets; they are filled from the saved answers, so switching language mid-form loses nothing."""
    return f"w::{lang()}::{question_key}"


def question(q: Question):
    """One question: label, the question itself as visible text, the input, and a slot for its error right
    below (filled after all answers are read, so a fixed field loses its message in the same run)."""
    answers = consultation_state("answers")
    value = answers.get(q.key)
    key = widget_key(q.key)
    st.markdown(f"**{q.label.get(lang())}**" + (" :red[*]" if q.required else ""))
    st.caption(q.help.get(lang()))
    if q.type in {"select", "slider"}:
        answers[q.key] = _choice(q, key, value)
    elif q.type == "multiselect":
        answers[q.key] = _multi(q, key, value)
    elif q.type == "amount":
        answers[q.key] = _amount(q, key, value)
    elif q.type in {"int", "number"}:
        answers[q.key] = _number(q, key, value)
    elif q.type == "processes":
        answers[q.key] = _processes(q, value)
    else:
        answers[q.key] = _text(q, key, value)
    return st.empty()


def section(index: int) -> dict:
    """Render one section; returns the error slot of each question."""
    sec = load_questionnaire().sections[index]
    if sec.intro:
        st.info(sec.intro.get(lang()), icon=":material/lightbulb:")
    slots = {}
    for q in sec.questions:
        with st.container(border=True):
            slots[q.key] = question(q)
    return slots


def show_errors(slots: dict, flagged: dict[str, str]) -> dict[str, str]:
    """Errors the user was already told about, re-checked against the current answers, shown in their slots."""
    if not flagged:
        return {}
    _, errors, _ = validate(draft())
    still = {k: v for k, v in errors.items() if k in flagged}
    for key, message in still.items():
        if key in slots:
            slots[key].error(message, icon=":material/warning:")
    return still

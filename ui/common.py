"""What every page shares: the cached engine and consultation store, per-user session state, friendly errors.

The UI never holds business logic: pages call `assistant` and render. Heavy objects (index, embedding model)
live once per process in `st.cache_resource`; everything about one user's work (language, current consultation,
chat) lives in `st.session_state`, and consultations are written to SQLite as the user goes.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from assistant.config import Settings, disable_telemetry
from assistant.i18n import formatting
from ui.i18n import lang, t

disable_telemetry()
log = logging.getLogger("ki_sprechstunde.ui")

PAGE_FILES = {
    "consult": "ui/pages/beratung.py",
    "chat": "ui/pages/fragen.py",
    "funding": "ui/pages/foerderfinder.py",
    "kb": "ui/pages/wissensbasis.py",
    "saved": "ui/pages/meine_beratungen.py",
    "settings": "ui/pages/einstellungen.py",
    "stats": "ui/pages/auswertung.py",
}


def _env_key() -> tuple[tuple[str, str], ...]:
    """Settings come from the environment; a changed environment (tests, restart) means another engine."""
    return tuple(sorted((k, v) for k, v in os.environ.items()
                        if k.startswith(("ASSISTANT_", "OLLAMA_", "CHROMA_"))))


@st.cache_resource(show_spinner=False)
def _engine_for(env: tuple):
    """Cached per environment (the argument is part of the cache key, so it must not start with "_")."""
    from assistant.engine import Engine

    return Engine(Settings())


def engine():
    """The one Engine of this process (index, retriever, answerer, consultant), loaded on first use."""
    return _engine_for(_env_key())


def settings() -> Settings:
    return engine().settings


@st.cache_resource(show_spinner=False)
def _store_for(data_dir: str):
    from assistant.consultations import ConsultationStore

    return ConsultationStore(data_dir)


def store():
    """Saved consultations (SQLite in the data directory), as the signed-in user may see them."""
    from ui.auth import current_user

    user = current_user()
    base = _store_for(str(settings().data_dir))
    return base.scoped(user.username, user.is_admin) if user else base


# --- friendly errors -------------------------------------------------------------------------------------------
@contextmanager
def friendly(action_key: str) -> Iterator[None]:
    """Run one user action; an unexpected error becomes a calm message (details folded away), not a stack trace.

    Streamlit's own control-flow exceptions (rerun, stop, page switch) must pass through untouched.
    """
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    try:
        yield
    except ScriptControlException:
        raise
    except Exception as exc:
        log.exception("UI action failed: %s", action_key)
        st.error(t("error.action", action=t(action_key)))
        with st.expander(t("error.details")):
            st.code("".join(traceback.format_exception_only(type(exc), exc)).strip(), language=None)


def index_ready() -> bool:
    """True when something is indexed; pages that search say what to do otherwise instead of failing."""
    try:
        return engine().store.count_chunks() > 0
    except Exception:
        log.exception("index check failed")
        return False


def index_missing_notice() -> None:
    st.warning(t("index.missing"))
    st.page_link(PAGE_FILES["kb"], label=t("index.goto_kb"), icon=":material/library_books:")


def mode_badge() -> str:
    """Offline or Ollama, shown on every page that writes text, so nobody mistakes citations for AI prose."""
    s = settings()
    return t("mode.offline") if s.offline else t("mode.ollama", model=s.llm_model)


# --- the current consultation ------------------------------------------------------------------------------------
def current_id() -> str | None:
    return st.session_state.get("cid")


def reset_consultation() -> None:
    """Forget the consultation on screen (it stays saved) and every widget that showed it."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(("w::", "ed::"))]:
        del st.session_state[key]
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("ff::")]:
        del st.session_state[key]  # the funding finder pre-fills from the consultation on screen
    for key in ("cid", "answers", "result", "edits", "step", "field_errors", "proc_base", "consult_view"):
        st.session_state.pop(key, None)


def open_consultation(cid: str) -> None:
    """Load a saved consultation into the session (answers, result, edits) for the Beratung page."""
    rec = store().get(cid)
    reset_consultation()
    st.session_state["cid"] = rec.id
    st.session_state["answers"] = flatten(rec.intake or {})
    st.session_state["result"] = rec.result
    st.session_state["edits"] = rec.edits or {}
    st.session_state["consult_view"] = "result" if rec.result else "form"


def consultation_state(key: str) -> Any:
    """The one place that knows the session defaults of a consultation."""
    defaults = {"answers": {}, "result": None, "edits": {}, "step": 0, "field_errors": {}, "consult_view": "start"}
    if key not in st.session_state:
        st.session_state[key] = defaults[key]
    return st.session_state[key]


def current_intake() -> dict:
    return nest(consultation_state("answers"))


def current_result():
    """The result with the advisor's edits applied, or None."""
    from assistant.consultations import apply_edits

    raw = consultation_state("result")
    if not raw:
        return None
    return apply_edits(raw, consultation_state("edits"))


def autosave(**fields: Any) -> None:
    """Save the current consultation now; the first save creates it. Failures are shown, never swallowed."""
    from assistant.consultations import default_title

    intake = fields.get("intake", current_intake())
    cid = current_id()
    st_ = store()
    if cid is None or not st_.exists(cid):
        title = default_title(intake, lang=lang())
        rec = st_.create(title, intake=intake, result=fields.get("result"), edits=fields.get("edits") or {})
        st.session_state["cid"] = rec.id
        return
    rec = st_.get(cid)
    update = dict(fields)
    name = ((intake or {}).get("company") or {}).get("name")
    if name and rec.title != name and _auto_title(rec.title):
        update["title"] = name
    st_.update(cid, **update)


def _auto_title(title: str) -> bool:
    """A title the app made up (date based) may follow the company name; one the user typed is kept."""
    return title.startswith(("Beratung vom", "Consultation of"))


# --- dotted keys <-> nested intake dicts ---------------------------------------------------------------------------
def flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    """{"company": {"name": x}} -> {"company.name": x}; lists (goals, processes) stay values."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def nest(flat: dict[str, Any]) -> dict:
    """The inverse of `flatten`, leaving out unanswered fields so the validator reports them as missing."""
    out: dict = {}
    for path, value in flat.items():
        if value is None or value == "" or value == []:
            continue
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def fmt_date(value: str | None) -> str:
    """A date as the reader writes it (31.01.2026 / 31 Jan 2026); the brief's rule, so screen and PDF agree."""
    from assistant.report.blocks import when

    return when(value, lang())


def fmt_datetime(value: str | None) -> str:
    """When something was saved (31.01.2026, 14:05); text that is not a moment is shown as it is."""
    if not value:
        return ""
    try:
        return formatting.day_time(str(value), lang())
    except ValueError:
        return str(value)


def euro(value: float | None) -> str:
    return "–" if value is None else formatting.money(value, lang())


# Streamlit keeps its sidebar open after a page link was tapped; on a phone it then covers the page just opened.
_CLOSE_SIDEBAR_JS = """<script data-page="{page}">
(() => {{
  if (window.parent.innerWidth > 768) return;
  const doc = window.parent.document;
  const bar = doc.querySelector('[data-testid="stSidebar"]');
  if (!bar || bar.getBoundingClientRect().right <= 10) return;
  const close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button')
    || doc.querySelector('[data-testid="stSidebarHeader"] button');
  if (close) close.click();
}})();
</script>"""


def close_sidebar_on_phone(page: str) -> None:
    """Close the sidebar after navigating on a narrow screen (≤ 768 px, where it overlays the page). The page name
    is part of the snippet so it runs once per navigation, not on every rerun of the same page."""
    st.html(_CLOSE_SIDEBAR_JS.format(page=page), unsafe_allow_javascript=True, width="content")

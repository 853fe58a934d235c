"""The interface's language switch and `t()`, a thin wrapper over the one message catalogue.

The texts themselves are data in `assistant/i18n/{de,en}/ui.yaml` (key `ui.<page>.<name>`): `t("consult.title")`
reads `ui.consult.title`, so searching a key's last part in the YAML finds the sentence on screen. German is the
default (the users are German SMEs); English is a switch in the sidebar. A missing key shows the key itself rather
than crashing the page; tests/test_app.py checks that every key used in `ui/` exists in both languages.
"""

from __future__ import annotations

from assistant import i18n

LANGS = {"de": "Deutsch", "en": "English"}
DEFAULT_LANG = i18n.DEFAULT_LANG
AREA = "ui."


def lang() -> str:
    """The user's language for this session (German unless switched)."""
    try:
        import streamlit as st

        return st.session_state.get("lang", DEFAULT_LANG)
    except Exception:  # noqa: BLE001 - outside a Streamlit run (tests, scripts)
        return DEFAULT_LANG


def set_lang(code: str) -> None:
    import streamlit as st

    st.session_state["lang"] = code if code in LANGS else DEFAULT_LANG


def keys() -> set[str]:
    """Every UI key without its area prefix (as pages pass them to `t`)."""
    return {k[len(AREA):] for k in i18n.catalogue(DEFAULT_LANG) if k.startswith(AREA)}


def t(key: str, lang_code: str | None = None, **values: object) -> str:
    """The text for `key` in the current language, with {placeholders} filled."""
    code = lang_code or lang()
    if not i18n.has(AREA + key, code):
        return key
    return i18n.msg(AREA + key, code, **values) if values else str(i18n.raw(AREA + key, code))

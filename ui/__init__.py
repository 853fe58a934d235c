"""Streamlit front end of the KI-Sprechstunde: one module per page, all texts in `ui.i18n`, core logic in `assistant`."""

"""Streamlit front end (thin): it only calls the `assistant` core. Start with `make run`."""

from __future__ import annotations

import streamlit as st

from assistant.config import disable_telemetry

disable_telemetry()


@st.cache_resource(show_spinner="Lade Wissensbasis und Modell …")
def engine():
    from assistant.engine import Engine

    return Engine()


def main() -> None:
    st.set_page_config(page_title="KI-Sprechstunde", page_icon="💬", layout="wide")
    st.title("KI-Sprechstunde")
    eng = engine()
    mode = "Offline-Modus (ohne KI-Sprachmodell, Antworten aus der Wissensbasis)" if eng.settings.offline \
        else f"Ollama-Modus ({eng.settings.llm_model})"
    st.caption(mode)
    question = st.text_input("Ihre Frage", placeholder="Welche Förderung gibt es für Beratung zur Digitalisierung?")
    if question:
        from assistant.retrieval import IndexNotReady

        try:
            answer = eng.answerer.ask(question)
        except IndexNotReady as exc:
            st.error(str(exc))
            return
        st.markdown(answer.answer)
        if answer.sources:
            with st.expander(f"Quellen ({len(answer.sources)})", expanded=True):
                for n, src in enumerate(answer.sources, start=1):
                    where = f"S. {src.page}" if src.page else (src.section or "")
                    st.markdown(f"**[{n}] {src.title}** – `{src.source}` {where}")
                    st.caption(src.excerpt or "")


main()

"""How a chat question is answered in the context of the consultation on screen (no Streamlit here, so testable).

Two follow-ups need the consultation rather than the index: "Warum dieser Use Case?" is answered from the
result's own `why_this` (the knowledge base cannot know why *this* firm got *this* case), and funding questions
that name no state are scoped to the firm's state — nationwide and EU material stays in, as the retriever's
region filter keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.i18n import msg
from assistant.models import Answer, SourceRef
from assistant.knowledge.states import detect_state
from assistant.vocabulary import state_names
from assistant.knowledge.german_analysis import fold

_WHY = re.compile(r"\b(warum|wieso|weshalb|why)\b", re.IGNORECASE)
_CASE_WORDS = ("use case", "usecase", "use-case", "anwendungsfall", "anwendung", "vorschlag", "empfehlung",
               "dieser fall", "diesen fall", "recommend", "this case")
_FUNDING_WORDS = ("forder", "zuschuss", "zuschusse", "programm", "kredit", "darlehen", "bafa", "kfw", "funding",
                  "grant", "subsid", "loan")


@dataclass
class Context:
    """What the consultation contributes to one question."""

    state: str | None = None
    note: str | None = None
    direct: Answer | None = None
    extra: dict = field(default_factory=dict)


def is_why_question(question: str) -> bool:
    """"Warum dieser Use Case?" and the like: a why that refers to the recommendation itself."""
    q = fold(question)
    return bool(_WHY.search(question)) and any(fold(w) in q for w in _CASE_WORDS)


def is_funding_question(question: str) -> bool:
    q = fold(question)
    return any(w in q for w in _FUNDING_WORDS)


def named_cases(question: str, result) -> list:
    """Use cases whose title words appear in the question (e.g. "Warum Angebotserstellung?")."""
    q = fold(question)
    named = []
    for uc in result.use_cases:
        words = [w for w in re.findall(r"\w+", fold(uc.title)) if len(w) > 5]
        if words and sum(w in q for w in words) >= max(1, len(words) // 3):
            named.append(uc)
    return named


def why_answer(question: str, result, lang: str) -> Answer | None:
    """The consultation's own reasoning for its use cases, cited to their catalogue entries."""
    if result is None or not result.use_cases or not _WHY.search(question):
        return None
    named = named_cases(question, result)
    if not named and not is_why_question(question):
        return None
    cases = named or list(result.use_cases)
    intro = msg("answers.from_consultation", lang)
    lines, sources = [], []
    for n, uc in enumerate(cases, start=1):
        lines.append(f"- **{uc.title}**: {uc.why_this} [{n}]")
        src = next((s for s in uc.sources if s.id == uc.id), None) or SourceRef(id=uc.id, title=uc.title,
                                                                               source=uc.id)
        sources.append(src.model_copy(update={"excerpt": uc.problem[:300]}))
    return Answer(question=question, answer=intro + "\n\n" + "\n".join(lines), grounded=True, sources=sources,
                  mode=result.mode)


def context_for(question: str, intake: dict | None, result, lang: str) -> Context:
    """Decide how the consultation shapes this question (direct answer, state scope, or nothing)."""
    direct = why_answer(question, result, lang)
    if direct is not None:
        return Context(direct=direct)
    state = ((intake or {}).get("company") or {}).get("state")
    names = state_names("de")
    if state in names and is_funding_question(question) and detect_state(question) is None:
        return Context(state=state, extra={"state_name": names[state]})
    return Context()


def consultation_context(intake: dict | None, result) -> str | None:
    """A few lines about the firm for the language model (Ollama mode), so answers can refer to it."""
    if result is None:
        return None
    lines = [result.company_summary]
    lines += [f"Empfohlener Use Case: {uc.title} – {uc.why_this}" for uc in result.use_cases]
    state = ((intake or {}).get("company") or {}).get("state")
    if state in state_names("de"):
        lines.append(f"Bundesland: {state_names('de')[state]}")
    return "\n".join(lines)

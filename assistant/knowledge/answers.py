"""Extractive answers with citations: the offline mode answers only with sentences that stand in the sources.

A sentence is chosen for how many of the question's (IDF-weighted) terms it carries and how well its passage
ranked; each is cited as [n] matching `sources`. When the best passage covers too little of the question the
answer says that the knowledge base has nothing on it, instead of guessing.
"""

from __future__ import annotations

import re

from assistant.config import Settings
from assistant.models import Answer, Hit, SourceRef
from assistant.knowledge.retrieval import Filters, HybridRetriever
from assistant.knowledge.german_analysis import analyze

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„\"(])|\n+")
_MD_NOISE = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*]\s+|^\s*\d+\.\s+|^\|)", re.MULTILINE)

NOTHING_FOUND = {
    "de": "Dazu enthält die Wissensbasis nichts Belastbares. Ich rate deshalb nicht, sondern empfehle, die Frage "
          "an eine Fachstelle (z. B. Kammer, Mittelstand-Digital Zentrum oder Förderberatung) zu richten.",
    "en": "The knowledge base holds nothing reliable on this. Rather than guess, please ask a specialist body "
          "(e.g. the chamber, a Mittelstand-Digital centre or a funding advisor).",
}
REFERENCE_SECTIONS = {"Quellen", "Sources"}
MIN_SHARE_OF_TOP = 0.5
_ENDINGS = set(".!?)“\"")
INTRO = {"de": "Laut Wissensbasis:", "en": "According to the knowledge base (sources in German):"}


def sentences(text: str) -> list[str]:
    clean = _MD_NOISE.sub("", text)
    parts = [p.strip(" |") for p in _SENT_SPLIT.split(clean)]
    return [p for p in parts if 40 <= len(p) <= 450 and p[-1] in _ENDINGS]


def excerpt(text: str, limit: int = 300) -> str:
    flat = " ".join(_MD_NOISE.sub("", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + " …"


def to_source(hit: Hit) -> SourceRef:
    c = hit.chunk
    return SourceRef(id=c.doc_id, title=c.title, source=c.source, page=c.page, section=c.section,
                     score=round(hit.score, 4), excerpt=excerpt(c.text))


class Answerer:
    """Builds `Answer`s from the retriever; the Ollama writer plugs in at `compose` (see writing.py)."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, llm=None):
        self.settings = settings
        self.retriever = retriever
        self.llm = llm

    def is_grounded(self, hits: list[Hit]) -> bool:
        return bool(hits) and hits[0].coverage >= self.settings.ground_min_coverage

    def ask(self, question: str, k: int = 5, filters: Filters | None = None, lang: str | None = None,
            context: str | None = None) -> Answer:
        lang = lang or self.settings.lang
        question = question.strip()
        hits = self.relevant_hits(question, k, filters) if question else []
        if not self.is_grounded(hits):
            return Answer(question=question, answer=NOTHING_FOUND[lang], grounded=False, sources=[])
        offline = self.extract(question, hits, lang)
        if self.llm is None:
            return offline
        return self.compose(question, hits, lang, context, offline)

    def llm_messages(self, question: str, hits: list[Hit], lang: str, context: str | None) -> list[dict]:
        from assistant.writing.ollama_client import load_prompt

        sources = "\n\n".join(f"[{n}] {h.chunk.title} ({h.chunk.source}"
                               + (f", S. {h.chunk.page}" if h.chunk.page else "") + f")\n{h.chunk.text}"
                               for n, h in enumerate(hits, start=1))
        context_block = f"\n## Kontext der laufenden Beratung\n{context}\n" if context else ""
        prompt = load_prompt("ask_answer", language_name="Deutsch" if lang == "de" else "English",
                             context_block=context_block, sources_block=sources, question=question)
        return [{"role": "user", "content": prompt}]

    def compose(self, question: str, hits: list[Hit], lang: str, context: str | None, offline: Answer) -> Answer:
        """The model writes from the same passages; an answer citing no or unknown sources falls back."""
        from assistant.writing.ollama_client import LLMError

        try:
            text = self.llm.chat(self.llm_messages(question, hits, lang, context))
        except LLMError:
            return offline
        return self.checked(question, text, hits, lang) or offline

    def checked(self, question: str, text: str, hits: list[Hit], lang: str) -> Answer | None:
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        if not cited or not cited <= set(range(1, len(hits) + 1)):
            return None
        order = sorted(cited)
        renumber = {old: new for new, old in enumerate(order, start=1)}
        text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]", text)
        return Answer(question=question, answer=text.strip(), mode="ollama", grounded=True,
                      sources=[to_source(hits[n - 1]) for n in order])

    def stream(self, question: str, k: int = 5, filters: Filters | None = None, lang: str | None = None,
               context: str | None = None):
        """For the chat UI: (iterator of text pieces, final Answer getter). Offline answers come in one piece."""
        lang = lang or self.settings.lang
        hits = self.relevant_hits(question, k, filters)
        if not self.is_grounded(hits):
            answer = Answer(question=question, answer=NOTHING_FOUND[lang], grounded=False, sources=[])
            return iter([answer.answer]), lambda: answer
        offline = self.extract(question, hits, lang)
        if self.llm is None:
            return iter([offline.answer]), lambda: offline
        pieces: list[str] = []
        state = {"answer": offline}

        def generate():
            from assistant.writing.ollama_client import LLMError

            try:
                for piece in self.llm.stream(self.llm_messages(question, hits, lang, context)):
                    pieces.append(piece)
                    yield piece
            except LLMError:
                yield "\n\n" + offline.answer
                return
            final = self.checked(question, "".join(pieces), hits, lang)
            if final is None:
                yield "\n\n" + ("(Ohne gültige Quellenangaben – hier die Antwort aus der Wissensbasis:)\n"
                                 if lang == "de" else "(No valid citations – the knowledge-base answer:)\n")
                yield offline.answer
            else:
                state["answer"] = final

        return generate(), lambda: state["answer"]


    def relevant_hits(self, question: str, k: int, filters: Filters | None) -> list[Hit]:
        """The passages both `ask` and `stream` answer from: state-scoped, current programmes first."""
        k = max(k, 1)
        hits = self.retriever.search(question, k=k * 2, filters=self.scope(question, filters))
        return self.prefer_current(hits, question)[:k]

    def scope(self, question: str, filters: Filters | None) -> Filters | None:
        """A question that names one state ("… in Sachsen?") is answered from that state's and nationwide
        material only; an explicit filter wins."""
        from assistant.knowledge.states import detect_state

        state = detect_state(question)
        if state is None or (filters and filters.regions):
            return filters
        return (filters or Filters()).model_copy(update={"regions": [state]})

    def prefer_current(self, hits: list[Hit], question: str) -> list[Hit]:
        """Ended programmes sink below current ones unless the question names them: users ask what they can
        apply for, and an ended page matching a few more words should not lead the answer."""
        try:
            from assistant.consult.funding import load_programmes

            ended = {p.id: p for p in load_programmes(self.settings.kb_dir.resolve()) if p.status == "ended"}
        except (OSError, ValueError):
            return hits
        from assistant.knowledge.german_analysis import fold

        q = fold(question)

        def named(doc_id: str) -> bool:
            words = [w for w in fold(ended[doc_id].name).replace("„", " ").replace("“", " ").split() if len(w) > 4]
            return any(w in q for w in words[:3])

        def key(hit: Hit) -> float:
            penalty = 0.7 if hit.chunk.doc_id in ended and not named(hit.chunk.doc_id) else 1.0
            return -(hit.score * penalty)

        return sorted(hits, key=key)  # stable: equal scores keep the retriever's order

    def extract(self, question: str, hits: list[Hit], lang: str, max_sentences: int = 4) -> Answer:
        lex = self.retriever.lexical()
        q_tokens = set(lex.query_tokens(question)[1])
        weights = lex.term_weights(q_tokens)
        total = sum(weights.values()) or 1.0
        top_score = max(h.score for h in hits) or 1.0
        candidates: list[tuple[float, int, int, str]] = []
        for rank, hit in enumerate(hits):
            if (hit.chunk.section or "").split(" › ")[0] in REFERENCE_SECTIONS:
                continue
            if rank > 0 and hit.score < MIN_SHARE_OF_TOP * top_score:
                continue
            for pos, sent in enumerate(sentences(hit.chunk.text)):
                if "http" in sent:
                    continue
                toks = set(analyze(sent))
                overlap = sum(w for t, w in weights.items() if t in toks) / total
                if overlap <= 0:
                    continue
                prior = 0.35 * (hit.score / top_score) + (0.1 if rank == 0 else 0.0)
                candidates.append((overlap + prior, rank, pos, sent))
        candidates.sort(key=lambda c: -c[0])
        chosen: list[tuple[int, int, str]] = []
        per_hit: dict[int, int] = {}
        for _, rank, pos, sent in candidates:
            if len(chosen) >= max_sentences:
                break
            if per_hit.get(rank, 0) >= 2 or any(_similar(sent, c[2]) for c in chosen):
                continue
            chosen.append((rank, pos, sent))
            per_hit[rank] = per_hit.get(rank, 0) + 1
        if not chosen:  # the best passage is relevant as a whole: cite its opening
            chosen = [(0, 0, excerpt(hits[0].chunk.text, 280))]
        chosen.sort()
        numbers: dict[int, int] = {}
        lines = []
        for rank, _, sent in chosen:
            numbers.setdefault(rank, len(numbers) + 1)
            lines.append(f"{sent} [{numbers[rank]}]")
        sources = [to_source(hits[rank]) for rank in numbers]
        lines += self.status_lines({rank: n for rank, n in numbers.items()}, hits, lang)
        text = INTRO[lang] + "\n\n" + "\n".join(f"- {line}" for line in lines)
        return Answer(question=question, answer=text, grounded=True, sources=sources)


    def status_lines(self, numbers: dict[int, int], hits: list[Hit], lang: str) -> list[str]:
        """Cited funding pages get their status from the structured data, so an ended programme is never
        read as open just because the chosen sentences happen not to say so."""
        try:
            from assistant.consult.funding import load_programmes

            programmes = {p.id: p for p in load_programmes(self.settings.kb_dir.resolve())}
        except (OSError, ValueError):
            return []
        lines, seen = [], set()
        for rank, n in sorted(numbers.items(), key=lambda kv: kv[1]):
            prog = programmes.get(hits[rank].chunk.doc_id)
            if prog is None or prog.id in seen:
                continue
            seen.add(prog.id)
            lines.append(status_sentence(prog, programmes, lang) + f" [{n}]")
        return lines


def status_sentence(prog, programmes: dict, lang: str) -> str:
    de = lang == "de"
    if prog.status == "ended":
        when = (prog.ended_on or prog.status_as_of).isoformat()
        succ = ", ".join(programmes[s].name for s in prog.successor_ids if s in programmes)
        text = (f"Status von {prog.name}: beendet (Antragsphase endete {when})" if de else
                f"Status of {prog.name}: ended (applications closed {when})")
        if succ:
            text += f"; Nachfolger: {succ}" if de else f"; successor: {succ}"
        return text + "."
    if prog.status == "unknown":
        return (f"Status von {prog.name}: unklar (letzter Beleg {prog.status_as_of.isoformat()}) – vor einem Antrag "
                "bei der Förderstelle prüfen." if de else
                f"Status of {prog.name}: unclear (last evidence {prog.status_as_of.isoformat()}) – check with the "
                "funder before applying.")
    return (f"Status von {prog.name}: antragsoffen laut Beleg vom {prog.status_as_of.isoformat()}; Antrag vor "
            "Vorhabenbeginn stellen." if de else
            f"Status of {prog.name}: open per evidence of {prog.status_as_of.isoformat()}; apply before the "
            "project starts.")


def _similar(a: str, b: str) -> bool:
    ta, tb = set(analyze(a)), set(analyze(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8

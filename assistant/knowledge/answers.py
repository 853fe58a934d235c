"""Answers with citations, built by intent from the data that fits the question.

- Funding questions: a short ranked list from the structured programme data (knowledge_base/funding/
  programmes.yaml) with status, amount, deadline, status age and official link, plus the free contacts of the
  state named in the question (directly, by city or by postcode).
- Use-case questions ("Kann KI …", "Gibt es dafür eine Lösung?"): the catalogue card.
- Guidance questions: one coherent passage — whole sentences, in order, from one or two sections of the same
  document — instead of one sentence from each of four documents.

Every line cites its source as [n] matching `sources`. When the best passage covers too little of the question
the answer says that the knowledge base has nothing on it, instead of guessing. Text from documents is data:
sentences that read as instructions to the assistant are never used as answer sentences and are flagged, uploads
are labelled as unverified own files and never treated as curated funding data. In Ollama mode the model's text
must cite known passages and name no number, programme or link that is not in them; Markdown images and links are
stripped, and the stream shows only sentences that passed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from assistant.config import Settings
from assistant.i18n import formatting as fmt
from assistant.i18n import msg
from assistant.knowledge import sentences as sent
from assistant.knowledge.german_analysis import analyze, fold
from assistant.knowledge.intents import classify
from assistant.knowledge.retrieval import Filters, HybridRetriever, scoped
from assistant.models import Answer, Hit, SourceRef

REFERENCE_SECTIONS = {"Quellen", "Sources"}
MAX_PROGRAMMES = 4
MAX_CONTACTS = 3
PASSAGE_SENTENCES = 4
_CITE = re.compile(r"\[(\d+)\]")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
_HTML = re.compile(r"<[^>]+>")


def excerpt(text: str, limit: int = 300) -> str:
    flat = " ".join(sent.clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + " …"


def is_curated(hit_or_source, settings: Settings) -> bool:
    """Curated = a file of the knowledge base; anything under uploads/ or elsewhere is the user's own file."""
    source = hit_or_source.chunk.source if isinstance(hit_or_source, Hit) else str(hit_or_source)
    doc_type = hit_or_source.chunk.doc_type if isinstance(hit_or_source, Hit) else None
    return doc_type != "upload" and source.startswith(f"{settings.kb_dir.resolve().name}/")


def to_source(hit: Hit, settings: Settings | None = None, lang: str = "de") -> SourceRef:
    c = hit.chunk
    title = c.title
    if settings is not None and not is_curated(hit, settings):
        title = f"{title} ({msg('answers.unverified', lang)})"
    return SourceRef(id=c.doc_id, title=title, source=c.source, page=c.page, section=c.section,
                     score=round(hit.score, 4), excerpt=excerpt(c.text))


def strip_markup(text: str) -> str:
    """Model output may carry Markdown images/links or HTML from a poisoned passage: never render them."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    return _HTML.sub("", text)


class _Citations:
    """Numbers sources in the order they are first cited."""

    def __init__(self, settings: Settings, lang: str):
        self.settings, self.lang = settings, lang
        self.refs: list[SourceRef] = []
        self._by_key: dict[str, int] = {}

    def cite(self, hit: Hit) -> int:
        key = hit.chunk.chunk_id
        if key not in self._by_key:
            self.refs.append(to_source(hit, self.settings, self.lang))
            self._by_key[key] = len(self.refs)
        return self._by_key[key]

    def cite_ref(self, key: str, ref: SourceRef) -> int:
        if key not in self._by_key:
            self.refs.append(ref)
            self._by_key[key] = len(self.refs)
        return self._by_key[key]


class Answerer:
    """Builds `Answer`s from the retriever; the Ollama writer plugs in at `compose`."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, llm=None):
        self.settings = settings
        self.retriever = retriever
        self.llm = llm

    # --- entry points -------------------------------------------------------------------------------------
    def language(self, question: str, lang: str | None) -> str:
        """An explicit language wins; otherwise an English question gets an English answer."""
        if lang in ("de", "en"):
            return lang
        from assistant.knowledge.language import is_english

        return "en" if is_english(question) else self.settings.lang

    def is_grounded(self, hits: list[Hit], question: str = "") -> bool:
        """Enough of the question's terms, salient nouns and meaning in the best passage (see
        `grounding_score`); and a focused question whose one specific noun the passage lacks is not answered
        from it ("Wie hoch ist der gesetzliche Mindestlohn …" must not get AI-Act dates). Funding questions are
        exempt from that gate: they are answered from the programme data of the named state, not the passage."""
        if not hits or self.salient_gate(question, hits):
            return False
        share = self.retriever.salient_coverage(question, hits[0])[0] if question else 1.0
        return best_grounding(hits, self.settings, share) >= self.settings.ground_min_score

    def salient_gate(self, question: str, hits: list[Hit]) -> bool:
        """True = abstain: a question with exactly one specific noun, which the passage answered from lacks,
        and which is not a funding question (those are answered from the programme data, not the passage)."""
        if not question or not hits:
            return False
        _, n_salient, rarest_covered = self.retriever.salient_coverage(question, hits[0])
        return n_salient == 1 and not rarest_covered and classify(question, hits) != "funding"

    def nothing_found(self, question: str, lang: str) -> Answer:
        return Answer(question=question, answer=msg("answers.nothing_found", lang), grounded=False, sources=[])

    def ask(self, question: str, k: int = 5, filters: Filters | None = None, lang: str | None = None,
            context: str | None = None) -> Answer:
        question = question.strip()
        lang = self.language(question, lang)
        hits = self.relevant_hits(question, k, filters) if question else []
        if not self.is_grounded(hits, question):
            return self.nothing_found(question, lang)
        offline = self.extract(question, hits, lang, filters)
        if self.llm is None:
            return offline
        return self.compose(question, hits, lang, context, offline)

    def stream(self, question: str, k: int = 5, filters: Filters | None = None, lang: str | None = None,
               context: str | None = None):
        """For the chat UI: (iterator of text pieces, final Answer getter). Offline answers come in one piece;
        model text comes sentence by sentence, each shown only after it passed the checks."""
        question = question.strip()
        lang = self.language(question, lang)
        hits = self.relevant_hits(question, k, filters) if question else []
        if not self.is_grounded(hits, question):
            answer = self.nothing_found(question, lang)
            return iter([answer.answer]), lambda: answer
        offline = self.extract(question, hits, lang, filters)
        if self.llm is None:
            return iter([offline.answer]), lambda: offline
        state = {"answer": offline}

        def generate():
            from assistant.writing.ollama_client import LLMError

            facts = self.facts(question, hits)
            buffer, shown = "", []
            try:
                for piece in self.llm.stream(self.llm_messages(question, hits, lang, context)):
                    buffer += piece
                    done = sent.split(buffer)
                    if len(done) < 2:
                        continue
                    for s in done[:-1]:
                        s = strip_markup(s)
                        reason = self.rejection(s, facts, len(hits), lang, need_citation=False)
                        if reason:
                            yield from self._rejected_stream(shown, reason, offline, lang, state)
                            return
                        shown.append(s)
                        yield s + " "
                    buffer = done[-1]
            except LLMError:
                yield from self._rejected_stream(shown, msg("answers.llm_failed", lang), offline, lang, state)
                return
            final = self.checked(question, " ".join(shown + [buffer]), hits, lang)
            if isinstance(final, str):
                yield from self._rejected_stream(shown, final, offline, lang, state)
                return
            tail = strip_markup(buffer).strip()
            if tail:
                yield tail
            state["answer"] = final

        def _answer():
            return state["answer"]

        return generate(), _answer

    def _rejected_stream(self, shown: list[str], reason: str, offline: Answer, lang: str, state: dict):
        notice = msg("answers.llm_rejected", lang, reason=reason)
        state["answer"] = offline.model_copy(update={"answer": notice + "\n\n" + offline.answer})
        yield ("\n\n" if shown else "") + notice + "\n\n" + offline.answer

    # --- retrieval ----------------------------------------------------------------------------------------
    def relevant_hits(self, question: str, k: int, filters: Filters | None) -> list[Hit]:
        """The passages both `ask` and `stream` answer from: state-scoped, current programmes first."""
        k = max(k, 1)
        hits = self.retriever.search(question, k=k * 2, filters=self.scope(question, filters))
        return self.prefer_current(hits, question)[:k]

    def scope(self, question: str, filters: Filters | None) -> Filters | None:
        return scoped(question, filters)

    def programmes(self) -> dict:
        try:
            from assistant.consult.funding import load_programmes

            return {p.id: p for p in load_programmes(self.settings.kb_dir.resolve())}
        except (OSError, ValueError):
            return {}

    def prefer_current(self, hits: list[Hit], question: str) -> list[Hit]:
        """Ended programmes sink below current ones unless the question names them: users ask what they can
        apply for, and an ended page matching a few more words should not lead the answer."""
        ended = {pid: p for pid, p in self.programmes().items() if p.status == "ended"}
        q = fold(question)

        def named(doc_id: str) -> bool:
            words = [w for w in fold(ended[doc_id].name).replace("„", " ").replace("“", " ").split() if len(w) > 4]
            return any(w in q for w in words[:3])

        def key(hit: Hit) -> float:
            penalty = 0.7 if hit.chunk.doc_id in ended and not named(hit.chunk.doc_id) else 1.0
            return -(hit.score * penalty)

        return sorted(hits, key=key)  # stable: equal scores keep the retriever's order

    # --- offline answers ----------------------------------------------------------------------------------
    def extract(self, question: str, hits: list[Hit], lang: str, filters: Filters | None = None) -> Answer:
        intent = classify(question, hits)
        answer = None
        if intent == "funding":
            answer = self.funding_answer(question, hits, lang, filters)
        elif intent == "use_case":
            answer = self.use_case_answer(question, hits, lang)
        return answer or self.passage_answer(question, hits, lang)

    def _finish(self, question: str, lines: list[str], cites: _Citations, lang: str,
                intro: str | None = None, notes: list[str] | None = None) -> Answer:
        text = (intro or msg("answers.intro", lang)) + "\n\n" + "\n".join(f"- {line}" for line in lines)
        if notes:
            text += "\n\n" + "\n".join(notes)
        return Answer(question=question, answer=text, grounded=True, sources=cites.refs)

    def _quote(self, text: str, lang: str) -> str:
        return msg("answers.quote", lang, text=text)

    def _state(self, question: str, filters: Filters | None) -> str | None:
        scope = scoped(question, filters)
        regions = [r for r in (scope.regions if scope and scope.regions else []) if r not in ("DE", "EU")]
        return regions[0] if len(regions) == 1 else None

    def funding_answer(self, question: str, hits: list[Hit], lang: str, filters: Filters | None) -> Answer | None:
        """Ranked programmes from the structured data: the ones retrieval found first, then what fits the state;
        ended ones only when asked about (with end date and successor), never as a recommendation."""
        from assistant.consult.funding import FundingQuery, find_funding
        from assistant.vocabulary import state_name

        programmes = self.programmes()
        if not programmes:
            return None
        state = self._state(question, filters)
        page_hits: dict[str, Hit] = {}
        for hit in self.retriever.search(question, k=20, filters=scoped(question, filters)) + hits:
            if hit.chunk.doc_id in programmes and is_curated(hit, self.settings):
                page_hits.setdefault(hit.chunk.doc_id, hit)
        ranked = [h.chunk.doc_id for h in self.prefer_current(list(page_hits.values()), question)]
        q = fold(question)
        topics = question_topics(question)
        federal_only = bool(re.search(r"\bbund(es)?|federal|nationwide|bundesweit", q))
        asks_existence = bool(re.search(r"\b(noch|mehr|fruher|wieder|still|anymore|replaced|nachfolg)", q))

        def named(p) -> bool:
            return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", q) for n in programme_handles(p.name))

        def allowed(pid: str, pos: int) -> bool:
            p = programmes[pid]
            if "keine förderung" in p.funding_type.lower():
                return False  # an information service, not a programme
            if p.states and (state is None or state not in p.states) and not named(p):
                return False
            if federal_only and p.states and not named(p):
                return False
            if p.status == "ended":
                return named(p) or (asks_existence and pos < 3)
            return True

        candidates = [pid for pos, pid in enumerate(ranked) if allowed(pid, pos)]
        no_loan = bool(re.search(r"zuschus|grant|subsid|kein(en)? kredit", q)) and "loan" not in topics - {"loan"}
        if no_loan:
            topics = topics - {"loan"}

        def fit(pid: str) -> tuple[bool, bool]:
            p = programmes[pid]
            loan_only = set(p.topics) <= {"loan"} or "kredit" in fold(p.funding_type)
            return (bool(topics) and not set(p.topics) & topics, no_loan and loan_only)

        candidates.sort(key=fit)  # what fits the named topic first; the rest keeps retrieval order
        chosen = candidates[:MAX_PROGRAMMES]
        # Fill up from the structured data: what fits the state and the named topic (federal only if asked).
        query = FundingQuery(state=state, topics=sorted(topics), include_ended=asks_existence, lang=lang)
        extra = [m.id for m in find_funding(tuple(programmes.values()), query)
                 if m.id not in chosen and allowed(m.id, 0) and not (federal_only and programmes[m.id].states)]
        extra.sort(key=fit)
        if state and not any(programmes[pid].states for pid in chosen):
            extra.sort(key=lambda pid: not programmes[pid].states)
        if topics or state:
            chosen = (chosen + extra)[:MAX_PROGRAMMES] if len(chosen) < 3 else chosen
        if not chosen:
            return None
        cites = _Citations(self.settings, lang)
        lines = []
        for pid in chosen:
            hit = self._page_hit(page_hits.get(pid), pid)
            if hit is None:
                continue
            lines.append(self.programme_line(programmes[pid], programmes, lang) + f" [{cites.cite(hit)}]")
        if not lines:
            return None
        lines.append(msg("answers.apply_before", lang) + f" [{cites.cite(self._page_hit(page_hits.get(chosen[0]), chosen[0]))}]")
        lines += self.contact_lines(state, cites, lang)
        intro = (msg("answers.funding_intro_state", lang, state=state_name(state, lang)) if state
                 else msg("answers.funding_intro", lang))
        return self._finish(question, lines, cites, lang, intro=intro, notes=self._flags(hits, cites, lang))

    def _page_hit(self, hit: Hit | None, doc_id: str) -> Hit | None:
        """Cite a programme page by its content, not by its list of references."""
        if hit is not None and (hit.chunk.section or "").split(" › ")[0] not in REFERENCE_SECTIONS:
            return hit
        return self._first_chunk(doc_id) or hit

    def _first_chunk(self, doc_id: str) -> Hit | None:
        ids = self.retriever.store.chunk_ids_of(doc_id)
        chunks = self.retriever.store.chunks_by_id(ids[:1])
        return Hit(chunk=chunks[ids[0]], score=0.0) if ids and ids[0] in chunks else None

    def programme_line(self, p, programmes: dict, lang: str) -> str:
        if p.status == "ended":
            day = fmt.day(p.ended_on or p.status_as_of, lang)
            succ = ", ".join(programmes[s].name for s in p.successor_ids if s in programmes)
            status = (msg("answers.status_ended_successor", lang, day=day, successor=succ) if succ
                      else msg("answers.status_ended", lang, day=day))
        else:
            status = msg(f"answers.status_{p.status}", lang)
        amount = msg("answers.amount", lang, amount=p.rate_or_amount.rstrip(".")) if p.rate_or_amount else ""
        deadline = (msg("answers.deadline", lang, day=fmt.day(p.application_deadline, lang))
                    if p.application_deadline and p.status != "ended" else "")
        # the funder's own page where one is known (never a third-party blog), and the status age with a check hint
        from assistant.consult.funding import main_link, status_note

        url, official = main_link(p)
        as_of = status_note(p, dt.date.today(), lang)
        return msg("answers.programme_line", lang, name=p.name, status=status, amount=amount, deadline=deadline,
                   as_of=as_of[:1].upper() + as_of[1:], url=url,
                   link_label=msg("answers.link_official" if official else "answers.link_source", lang))

    def contact_lines(self, state: str | None, cites: _Citations, lang: str) -> list[str]:
        if not state:
            return []
        try:
            from assistant.knowledge.contacts import contacts_for

            contacts = contacts_for(self.settings.kb_dir, state, limit=MAX_CONTACTS)
        except (ImportError, OSError, ValueError):
            return []
        if not contacts:
            return []
        from assistant.vocabulary import state_name

        kb = self.settings.kb_dir.resolve()
        ref = SourceRef(id="contacts", title=msg("answers.contacts_title", lang),
                        source=f"{kb.name}/contacts/contacts.yaml", section=state_name(state, lang))
        n = cites.cite_ref("contacts", ref)
        lines = [msg("answers.contacts_intro", lang, state=state_name(state, lang)) + f" [{n}]"]
        for c in contacts:
            key = "answers.contact_may_have_ended" if c.status_as_of else "answers.contact_may_have_ended_undated"
            ended = msg(key, lang, as_of=c.evidence_text(lang)) if c.may_have_ended else ""
            city = msg("answers.contact_city", lang, city=c.city) if c.city else ""
            lines.append(msg("answers.contact_line", lang, name=c.name, city=city, focus=c.focus(lang).rstrip("."),
                             ended=ended, url=c.url or "").strip() + f" [{n}]")
        return lines

    def use_case_answer(self, question: str, hits: list[Hit], lang: str) -> Answer | None:
        """The catalogue card of the best use-case hit: situation, solution, data and effort, pilot, one risk."""
        try:
            from assistant.consult.catalogue import load_catalogue

            cards = {c.id: c for c in load_catalogue(self.settings.kb_dir.resolve())}
        except (OSError, ValueError):
            return None
        hit = next((h for h in hits if h.chunk.doc_type == "use_case" and h.chunk.doc_id in cards
                    and is_curated(h, self.settings)), None)
        if hit is None:
            return None
        card = cards[hit.chunk.doc_id]
        en = card.en if lang == "en" and card.en else None
        title = en.title if en else card.title
        problem = _first_sentences(en.problem if en else card.problem, 2)
        solution = _first_sentences(en.solution if en else card.solution, 3)
        from assistant.vocabulary import labels

        data_names = labels("data.sources", lang)
        data = ", ".join(data_names.get(d, d) for d in card.data_sources)
        cost = fmt.money_range(card.cost_band_eur[0], card.cost_band_eur[1], lang)
        risks = en.risks if en else [r.text for r in card.risks]
        risk = next((r for r, kind in zip(risks, [r.kind for r in card.risks]) if kind in ("ai_act", "gdpr")),
                    risks[0] if risks else None)
        cites = _Citations(self.settings, lang)
        n = cites.cite(hit)
        lines = [msg("answers.use_case_intro", lang, title=title) + f" [{n}]",
                 msg("answers.use_case_problem", lang, text=problem) + f" [{n}]",
                 msg("answers.use_case_solution", lang, text=solution) + f" [{n}]",
                 msg("answers.use_case_effort", lang, data=data, effort=msg(f"answers.effort.{card.effort}", lang),
                     cost=cost) + f" [{n}]",
                 msg("answers.use_case_pilot", lang, weeks=card.pilot.weeks,
                     scope=(en.pilot_scope if en else card.pilot.scope).rstrip(".") + ".") + f" [{n}]"]
        if risk:
            lines.append(msg("answers.use_case_risk", lang, text=risk) + f" [{n}]")
        return self._finish(question, lines, cites, lang, intro=title, notes=self._flags(hits, cites, lang))

    def passage_answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        """One coherent passage: the best sentences of the best section, in document order, continued from a
        second section of the same document when the first is short. Sentences are scored by the question's
        terms and by meaning (the dense model), so a paraphrased question still finds the sentence that answers."""
        weights = self._weights(question)
        usable = [h for h in hits[:4] if (h.chunk.section or "").split(" › ")[0] not in REFERENCE_SECTIONS] or hits[:1]
        scored = self._sentence_scores(question, usable, weights)
        top = hits[0].score or 1.0

        def chunk_value(h: Hit) -> float:
            best = sorted((v for v, _ in scored[h.chunk.chunk_id]), reverse=True)[:3]
            guide = 0.1 if h.chunk.doc_type == "guidance" else 0.0
            return sum(best) / 3 + 0.3 * h.score / top + guide

        best = max(usable, key=chunk_value)
        cites = _Citations(self.settings, lang)
        lines = [self._line(s, best, cites, lang) for s in self._pick(scored[best.chunk.chunk_id], PASSAGE_SENTENCES)]
        if len(lines) < 3:
            second = next((h for h in usable if h.chunk.doc_id == best.chunk.doc_id
                           and h.chunk.chunk_id != best.chunk.chunk_id), None)
            if second is not None:
                lines += [self._line(s, second, cites, lang)
                          for s in self._pick(scored[second.chunk.chunk_id], PASSAGE_SENTENCES - len(lines))]
        if not lines:
            lines.append(self._line(excerpt(best.chunk.text, 280), best, cites, lang))
        lines += self.status_lines(cites, [h for h in hits if h.chunk.doc_id == best.chunk.doc_id], lang)
        return self._finish(question, lines, cites, lang, notes=self._flags(hits, cites, lang))

    def _sentence_scores(self, question: str, hits: list[Hit], weights: dict[str, float]
                         ) -> dict[str, list[tuple[float, str]]]:
        per_chunk = {h.chunk.chunk_id: sent.sentences(h.chunk.text) for h in hits}
        flat = [s for found in per_chunk.values() for s in found]
        dense: dict[str, float] = {}
        if flat:
            try:
                embedder = self.retriever.embedder
                q_vec = embedder.encode_query(question)
                vecs = embedder.encode(flat)
                dense = {s: float(v @ q_vec) for s, v in zip(flat, vecs)}
            except Exception:  # no model: lexical scores alone still choose sensibly
                dense = {}
        out = {}
        for cid, found in per_chunk.items():
            out[cid] = [(self._overlap(s, weights) + dense.get(s, 0.0), s) for s in found]
        return out

    @staticmethod
    def _pick(scored: list[tuple[float, str]], n: int) -> list[str]:
        """The n best sentences, kept in their original order (a passage, not a ranking)."""
        if n <= 0:
            return []
        keep = sorted(range(len(scored)), key=lambda i: -scored[i][0])[:n]
        return [scored[i][1] for i in sorted(keep)]

    def _line(self, s: str, hit: Hit, cites: _Citations, lang: str) -> str:
        return f"{self._quote(s, lang)} [{cites.cite(hit)}]"

    def _weights(self, question: str) -> dict[str, float]:
        lex = self.retriever.lexical()
        q_tokens = set(lex.query_tokens(question)[1])
        return lex.term_weights(q_tokens)

    def _overlap(self, s: str, weights: dict[str, float]) -> float:
        total = sum(weights.values()) or 1.0
        toks = set(analyze(s))
        return sum(w for t, w in weights.items() if t in toks) / total

    def _passage_score(self, hit: Hit, weights: dict[str, float]) -> float:
        return sum(self._overlap(s, weights) for s in self._window(hit, weights, PASSAGE_SENTENCES))

    def _window(self, hit: Hit, weights: dict[str, float], size: int) -> list[str]:
        """The consecutive run of `size` sentences of a chunk that carries most of the question's terms."""
        found = sent.sentences(hit.chunk.text)
        if len(found) <= size:
            return found
        scores = [self._overlap(s, weights) for s in found]
        start = max(range(len(found) - size + 1), key=lambda i: (sum(scores[i:i + size]), -i))
        return found[start:start + size]

    def _flags(self, hits: list[Hit], cites: _Citations, lang: str) -> list[str]:
        """A visible note for each passage that tries to instruct the assistant (never followed, never quoted)."""
        notes = []
        for hit in hits:
            for s in sent.flagged(hit.chunk.text)[:1]:
                short = s if len(s) <= 90 else s[:89].rsplit(" ", 1)[0] + " …"
                notes.append(msg("answers.instruction_flagged", lang, text=short) + f" [{cites.cite(hit)}]")
        return notes

    def status_lines(self, cites: _Citations, hits: list[Hit], lang: str) -> list[str]:
        """Cited funding pages get their status from the structured data, so an ended programme is never
        read as open just because the chosen sentences happen not to say so."""
        programmes = self.programmes()
        lines, seen = [], set()
        for hit in hits:
            prog = programmes.get(hit.chunk.doc_id)
            if prog is None or prog.id in seen or not is_curated(hit, self.settings):
                continue
            if hit.chunk.chunk_id not in {c for c in cites._by_key}:
                continue
            seen.add(prog.id)
            lines.append(status_sentence(prog, programmes, lang) + f" [{cites.cite(hit)}]")
        return lines

    # --- Ollama -------------------------------------------------------------------------------------------
    def llm_messages(self, question: str, hits: list[Hit], lang: str, context: str | None) -> list[dict]:
        from assistant.writing.ollama_client import load_prompt

        blocks = []
        for n, h in enumerate(hits, start=1):
            where = f", {msg('answers.page', lang, page=h.chunk.page)}" if h.chunk.page else ""
            label = msg("answers.untrusted_source", lang, n=n)
            unverified = "" if is_curated(h, self.settings) else f" – {msg('answers.unverified', lang)}"
            blocks.append(f"[{n}] {h.chunk.title} ({h.chunk.source}{where}{unverified})\n<<< {label}\n"
                          f"{h.chunk.text}\n>>>")
        context_block = f"\n## {msg('answers.context_heading', lang)}\n{context}\n" if context else ""
        prompt = load_prompt("ask_answer", language_name=msg("answers.language_name", lang),
                             context_block=context_block, sources_block="\n\n".join(blocks), question=question)
        return [{"role": "user", "content": prompt}]

    def facts(self, question: str, hits: list[Hit]) -> str:
        return question + "\n" + "\n".join(f"{h.chunk.title}\n{h.chunk.text}" for h in hits)

    def rejection(self, text: str, facts: str, n_hits: int, lang: str = "de",
                  need_citation: bool = True) -> str | None:
        """Why model text cannot be shown (None if it can): unknown citations, or a number, link or programme
        name that is not in the cited passages (the refiner's `unsupported`, plus number words and instructions)."""
        from assistant.writing.refiner import programme_keywords, unsupported

        cited = {int(n) for n in _CITE.findall(text)}
        if need_citation and not cited:
            return msg("answers.llm_no_citations", lang)
        if not cited <= set(range(1, n_hits + 1)):
            return msg("answers.llm_no_citations", lang)
        plain = _CITE.sub("", text)
        if not plain.strip():
            return None
        try:
            names = programme_keywords(self.settings)
        except (OSError, ValueError):
            names = []
        names = names + [h for p in self.programmes().values() for h in programme_handles(p.name, folded=False)]
        reason = unsupported(plain, facts, names)
        if reason:  # the notice names the kind of problem, never the link itself (it must not become clickable)
            return re.sub(r"https?://\S+|www\.\S+", "…", reason)
        words = _number_words(plain) - _number_words(facts)
        if words:
            return ", ".join(sorted(words))
        if sent.is_instruction(plain):
            return plain[:60]
        return None

    def compose(self, question: str, hits: list[Hit], lang: str, context: str | None, offline: Answer) -> Answer:
        """The model writes from the same passages; anything unchecked falls back with a visible notice."""
        from assistant.writing.ollama_client import LLMError

        try:
            text = self.llm.chat(self.llm_messages(question, hits, lang, context))
        except LLMError:
            notice = msg("answers.llm_rejected", lang, reason=msg("answers.llm_failed", lang))
            return offline.model_copy(update={"answer": notice + "\n\n" + offline.answer})
        final = self.checked(question, text, hits, lang)
        if isinstance(final, Answer):
            return final
        notice = msg("answers.llm_rejected", lang, reason=final)
        return offline.model_copy(update={"answer": notice + "\n\n" + offline.answer})

    def checked(self, question: str, text: str, hits: list[Hit], lang: str) -> Answer | str:
        """The model's answer if it passes every check, else the reason it does not."""
        text = strip_markup(text).strip()
        reason = self.rejection(text, self.facts(question, [hits[n - 1] for n in _cited(text, len(hits))] or hits),
                                len(hits), lang)
        if reason:
            return reason
        order = sorted(_cited(text, len(hits)))
        renumber = {old: new for new, old in enumerate(order, start=1)}
        text = _CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", text)
        return Answer(question=question, answer=text, mode="ollama", grounded=True,
                      sources=[to_source(hits[n - 1], self.settings, lang) for n in order])


_NUMBER_WORDS = ("zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "zwanzig", "dreißig",
                 "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig", "hundert", "tausend", "million",
                 "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
                 "prozent", "percent")
_NUMBER_WORD_RE = re.compile(r"\b\w*(" + "|".join(_NUMBER_WORDS) + r")\w*\b", re.IGNORECASE)


_TOPIC_CUES = {
    "consulting": r"beratung|berater|beraten|coaching|consult|advice|check",
    "investment": r"investi|anschaff|software|hardware|kassensystem|maschine|server|invest|equipment",
    "training": r"schulung|qualifizier|weiterbild|training|kompetenz",
    "rnd": r"forschung|entwickl|fraunhofer|hochschule|r&d|research|machbarkeit",
    "loan": r"kredit|darlehen|loan|finanzier",
}


_GENERIC = {"forderung", "forderprogramm", "programm", "zuschuss", "digitalisierung", "unternehmen", "kmu",
            "beratung", "digital", "landesprogramm", "richtlinie", "darlehen", "kredit"}


def programme_handles(name: str, folded: bool = True) -> list[str]:
    """The short names a user would type for a programme: quoted parts ("go-digital"), bracketed acronyms
    ("DKU", "ZIM") and the head of the name ("Digital Jetzt"); generic words alone never count."""
    parts = re.findall(r"„([^“]+)“", name) + re.findall(r"\(([^)]+)\)", name)
    parts.append(re.split(r"\s+[–(-]\s*|\s+\(", name)[0])
    out = []
    for part in parts:
        f = fold(part).strip()
        if len(f) >= 3 and f not in _GENERIC and not set(f.split()) <= _GENERIC:
            out.append(f if folded else part.strip())
    return out


def question_topics(question: str) -> set[str]:
    """Funding topics the question names ("Beratung" → consulting), to rank fitting programmes first."""
    q = fold(question)
    return {topic for topic, cue in _TOPIC_CUES.items() if re.search(cue, q)}


def _number_words(text: str) -> set[str]:
    """Spelled-out numbers ("neunzig Prozent") escape a digit check; compare them as words."""
    return {m.group(0).lower() for m in _NUMBER_WORD_RE.finditer(text)}


GROUNDING_HITS = 1


def best_grounding(hits: list[Hit], settings: Settings, salient_share: float = 1.0) -> float:
    """The best grounding score among the first passages (today only the first one: the one answered from).
    `salient_share` is the first passage's share of the question's salient nouns."""
    return max((grounding_score(h, settings, salient_share) for h in hits[:GROUNDING_HITS]), default=0.0)


def grounding_score(hit: Hit, settings: Settings, salient_share: float = 1.0) -> float:
    """IDF-weighted term coverage, dense similarity and the share of the question's salient nouns in the
    passage: coverage alone fails on long narrative questions (many context words), dense similarity is high
    for any in-domain question, and the salient nouns say whether the passage is about what was asked."""
    return (hit.coverage + settings.ground_dense_weight * (hit.dense or 0.0)
            + settings.ground_noun_weight * salient_share)


def _cited(text: str, n_hits: int) -> set[int]:
    return {int(n) for n in _CITE.findall(text) if 1 <= int(n) <= n_hits}


def _first_sentences(text: str, n: int) -> str:
    parts = sent.split(" ".join(text.split()))
    return " ".join(parts[:n])


def status_sentence(prog, programmes: dict, lang: str) -> str:
    if prog.status == "ended":
        day = fmt.day(prog.ended_on or prog.status_as_of, lang)
        succ = ", ".join(programmes[s].name for s in prog.successor_ids if s in programmes)
        if succ:
            return msg("answers.status_ended_page_successor", lang, name=prog.name, day=day, successor=succ)
        return msg("answers.status_ended_page", lang, name=prog.name, day=day)
    month = fmt.month_year(prog.status_as_of, lang)
    return msg(f"answers.status_{prog.status}_page", lang, name=prog.name, month=month)


def kb_name(settings: Settings) -> str:
    return Path(settings.kb_dir).resolve().name

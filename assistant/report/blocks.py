"""The consultation brief as content blocks, in reading order: what the managing director reads, independent of
the format. Markdown, PDF and DOCX (`markdown.py`, `pdf.py`, `docx.py`) render these same blocks and only decide
typography, so the three cannot drift apart.

Two lengths of the same blocks: `brief` (PDF and Word, which must fit on two pages: long texts are cut at whole
sentences, three KPIs, four funding rows) and `full` (Markdown, which keeps every text like the screen).
Headings and labels come from the catalogue (`report.*`), amounts and dates from `i18n.formatting`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from assistant.consult.pipeline import ConsultResult
from assistant.i18n import formatting, msg, normalise_lang

BRIEF_KPIS = 2
BRIEF_QUESTIONS = 5
BRIEF_SOURCES = 3
BRIEF_FUNDING = 4  # rows in the table; further matches are listed in one line so the brief stays on 2 pages
Kind = Literal["title", "meta", "h2", "h3", "p", "small", "labelled", "bullets", "numbered", "table", "image"]
Length = Literal["brief", "full"]


@dataclass
class Block:
    """One piece of the brief, plain text only; renderers decide typography (and escaping), never content.

    `leads` are optional bold starts of list items (same length as `items`, "" for none); `links` the target of
    each table row's last cell."""

    kind: Kind
    text: str = ""
    label: str = ""
    items: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    image: bytes = b""  # PNG for kind "image" (the maturity radar); `text` is its caption / alternative text

    def lead(self, index: int) -> str:
        return self.leads[index] if index < len(self.leads) else ""


def when(value: str | None, lang: str) -> str:
    """A date as its reader writes it (02.12.2026 / 2 Dec 2026); free text an advisor typed stays as typed."""
    if not value:
        return ""
    try:
        return formatting.day(str(value), lang)
    except ValueError:
        return str(value)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"(])")
_ABBREVIATIONS = {"z.", "b.", "bzw.", "ca.", "max.", "min.", "mind.", "nr.", "abs.", "art.", "u.", "a.", "d.", "h.",
                  "e.", "v.", "gem.", "ggf.", "inkl.", "zzgl.", "mio.", "mrd.", "tsd.", "vgl.", "s.", "st.", "dr."}


def split_sentences(text: str) -> list[str]:
    """Sentences of German prose, not broken after abbreviations such as „z. B.“ or „max.“."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if parts and parts[-1].rsplit(" ", 1)[-1].lstrip("(„\"").lower() in _ABBREVIATIONS:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


def shorten(text: str, limit: int = 330) -> str:
    """Whole sentences up to about `limit` characters: the brief must fit on two pages, and a cut-off
    sentence reads worse than a shorter paragraph. The screen and the Markdown keep the full text."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    out = ""
    for sentence in split_sentences(text):
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if len(out) <= limit * 1.4 else out[: limit - 1].rsplit(" ", 1)[0] + " …"


def first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else ""


def first_clause(text: str) -> str:
    """"Daten: Keine Kundendaten in freie KI-Dienste; erlaubte Werkzeuge …" -> the part before the first ";"."""
    head = first_sentence(text).split("; ", 1)[0].rstrip(".")
    return head + "."


def domain(url: str) -> str:
    """The funder's site as printed text (the PDF cell links the full address)."""
    host = urlparse(url).netloc or url
    return host.removeprefix("www.")


def programme_name(name: str, limit: int = 70) -> str:
    """A programme's name for a table cell: a long official title keeps its short name before the parenthesis
    (INQA-Coaching (Richtlinie zur Förderung …) -> INQA-Coaching)."""
    if len(name) > limit and " (" in name:
        return name.split(" (", 1)[0]
    return name


class _Writer:
    """Builds the blocks of one result in one language and length."""

    def __init__(self, result: ConsultResult, length: Length, peer: dict[str, float] | None = None,
                 follow_up=None) -> None:
        self.result = result
        self.peer = peer
        self.follow_up = follow_up  # assistant.followup.ReportContext: step status and T0/T1 comparison
        self.lang = normalise_lang(result.language)
        self.brief = length == "brief"

    def t(self, key: str, **values: object) -> str:
        return msg(f"report.{key}", self.lang, **values)

    def cut(self, text: str, limit: int) -> str:
        return shorten(text, limit) if self.brief else text

    def few(self, items: list, n: int) -> list:
        return items[:n] if self.brief else items

    def sentence(self, text: str) -> str:
        return first_sentence(text) if self.brief else text

    def clause(self, text: str) -> str:
        return first_clause(text) if self.brief else text

    def joined(self, parts: list[str], label: str, sep: str = "; ") -> list[Block]:
        """A list as one labelled line in the brief (sentences joined by " ", phrases by "; "), as bullets under
        a label in the full text."""
        if self.brief:
            return [Block("labelled", sep.join(parts), label=label)]
        return [Block("labelled", "", label=label), Block("bullets", items=list(parts))]

    # --- sections -----------------------------------------------------------------------------------------
    def head(self) -> list[Block]:
        r = self.result
        mode = self.t("mode_offline") if r.mode == "offline" else self.t("mode_ollama")
        return [Block("title", self.t("title")),
                Block("meta", f"{self.t('date')} {when(r.consultation_date, self.lang)}. {mode}"),
                Block("p", r.company_summary),
                Block("labelled", f"{r.maturity.level}/5 – {r.maturity.label}. " + " ".join(r.maturity.notes),
                      label=self.t("maturity")),
                *self.dimensions(),
                Block("h2", self.t("levers")),
                Block("numbered", items=[self.cut(a.why, 190) for a in r.leverage_areas],
                      leads=[a.area for a in r.leverage_areas])]

    def dimensions(self) -> list[Block]:
        """The six maturity dimensions: the radar image in PDF and Word, the scores with reasons in Markdown."""
        dims = self.result.maturity.dimensions
        if not dims:
            return []
        line = "; ".join(f"{d.name} {d.score}" for d in dims)
        if self.brief:
            from assistant.report.radar import radar_png

            png = radar_png([d.model_dump() for d in dims], self.lang, peer=self.peer)
            return [Block("image", self.t("radar_caption", scores=line), image=png)]
        return [Block("labelled", "", label=self.t("dimensions")),
                Block("bullets", items=[d.reason for d in dims], leads=[f"{d.name}: {d.score}/100" for d in dims])]

    def case(self, n: int, uc) -> list[Block]:
        kpis = [f"{k.name}: " + (f"{k.baseline} → " if k.baseline else "") + k.target
                for k in self.few(uc.kpis, BRIEF_KPIS)]
        cost = formatting.money_range(uc.cost_band_eur[0], uc.cost_band_eur[1], self.lang)
        pilot = (self.t("pilot_line", scope=uc.pilot.scope, weeks=uc.pilot.duration_weeks) + f" {self.t('success')}: "
                 + "; ".join(self.few(uc.pilot.success_criteria, 2)))
        out = [Block("h3", f"{n}. {uc.title}"),
               Block("labelled", self.cut(uc.problem, 220), label=self.t("problem")),
               Block("labelled", self.cut(uc.solution, 300), label=self.t("solution")),
               Block("labelled", uc.why_this, label=self.t("why")),
               Block("labelled", ", ".join(uc.data_needed), label=self.t("data")),
               Block("labelled", f"{uc.effort} · {self.t('cost')}: {cost}", label=self.t("effort")),
               Block("labelled", uc.expected_value, label=self.t("value"))]
        out += self.joined(kpis, self.t("kpis"))
        out.append(Block("labelled", pilot, label=self.t("pilot")))
        out += self.joined([self.sentence(r) for r in self.few(uc.risks, 2)], self.t("risks"), " ")
        return out

    def mandate(self) -> list[Block]:
        md = self.result.mandate
        focus = [f for f in md.focus if not f.startswith("Use Case:")] if self.brief else md.focus
        out = [Block("h2", self.t("mandate")), Block("labelled", md.owner, label=self.t("owner"))]
        out += self.joined(md.objectives, self.t("objectives"))
        out += self.joined(focus or md.focus, self.t("focus"))
        out += self.joined([self.clause(g) for g in md.guardrails], self.t("guardrails"), " ")
        out += self.joined([self.clause(r) for r in md.it_role], self.t("it_role"), " ")
        if md.budget_eur is not None:
            out.append(Block("labelled", formatting.money(md.budget_eur, self.lang), label=self.t("budget")))
        out += self.joined([f"{when(d.when, self.lang)}: {d.decision}" for d in md.decision_points],
                           self.t("decisions"))
        return out

    def steps(self) -> list[Block]:
        """Who does what by when, and when it counts as done; a follow-up adds each step's status."""
        from assistant.report.comparison import with_status

        return [Block("h2", self.t("steps")),
                with_status(Block("table", header=[self.t("what"), self.t("who"), self.t("by"), self.t("done_when")],
                                  rows=[self.step_row(s) for s in self.result.next_steps],
                                  widths=[0.42, 0.18, 0.12, 0.28]), self.follow_up, self.lang)]

    def step_row(self, step) -> list[str]:
        return [self.cut(step.what, 150), step.who, when(step.by, self.lang), step.done_when or "–"]

    def budget(self) -> list[Block]:
        """Pilot, first year, running cost and internal time against the stated budget, with its warnings and the
        ways out (smaller scope, cheaper case, funding). The brief keeps the warnings and one way out."""
        b = self.result.budget
        if b is None or not (b.lines or b.offers):
            return []
        lines = list(b.warnings) if self.brief and b.warnings else list(b.lines) + list(b.warnings)
        out = [Block("h2", self.t("budget_h")), Block("bullets", items=lines)]
        if b.offers:
            out += self.joined(self.few(list(b.offers), 1), self.t("budget_offers"), " ")
        return out

    def session(self) -> list[Block]:
        """The session part: what to clarify, what to bring, quick wins, make-or-buy, data to collect first."""
        sn = self.result.session
        if sn is None:
            return []
        out = [Block("h2", self.t("session_h"))]
        if sn.questions:
            out += [Block("labelled", "", label=self.t("questions")),
                    Block("numbered", items=self.few(list(sn.questions), BRIEF_QUESTIONS))]
        if sn.bring:
            out += self.joined(list(sn.bring), self.t("bring"))
        if sn.quick_wins:
            out += self.joined(self.few(list(sn.quick_wins), 2), self.t("quick_wins"), " ")
        if sn.make_or_buy:
            # the brief keeps the case-specific line (the first one, check the existing software, stays on screen)
            lines = (sn.make_or_buy[1:2] or sn.make_or_buy[:1]) if self.brief else list(sn.make_or_buy)
            out += self.joined(lines, self.t("make_or_buy"), " ")
        if sn.data_tasks and self.brief:
            out += self.joined([f"{d.what} – {d.baseline} ({d.who}, {when(d.by, self.lang)})"
                                for d in sn.data_tasks[:2]], self.t("data_tasks"), "; ")
        elif sn.data_tasks:
            out.append(Block("labelled", "", label=self.t("data_tasks")))
            out.append(Block("table", header=[self.t("what"), self.t("baseline"), self.t("who"), self.t("by")],
                             rows=[[d.what, d.baseline, d.who, when(d.by, self.lang)] for d in sn.data_tasks],
                             widths=[0.36, 0.34, 0.18, 0.12]))
        return out

    def contacts(self) -> list[Block]:
        """Named free help near the firm, with the check note when a project-funded offer may have ended."""
        found = self.result.contacts
        if not found:
            return []
        items, leads = [], []
        for c in found:
            where = f" ({c.city})" if c.city else ""
            focus = "" if self.brief else c.focus
            text = focus + (f" {c.note}" if c.note else "") + (f" {domain(c.url)}" if c.url else "")
            leads.append(c.name + where)
            items.append(text.strip())
        return [Block("h2", self.t("contacts_h")), Block("bullets", items=items, leads=leads)]

    def status(self, f) -> str:
        return self.t(f"programme_status.{f.status}")

    def as_of(self, f) -> str:
        """The day of the newest evidence, with the funding module's hint when it is older than a year
        ("10.06.2025 – vor Antrag prüfen")."""
        note = f.status_note or ""
        hint = note.split(" – ", 1)[1] if " – " in note else ""
        return when(f.as_of, self.lang) + (f" – {hint}" if hint else "")

    def funding(self) -> list[Block]:
        matches = self.result.funding
        if not matches:
            return []
        rows, links = [], []
        for f in self.few(matches, BRIEF_FUNDING):
            status = self.status(f)
            if f.ended_on:
                status += f" ({self.t('ended_on')} {when(f.ended_on, self.lang)})"
            elif f.deadline:
                status += f" ({self.t('deadline')} {when(f.deadline, self.lang)})"
            if f.check_note:
                status += f" – {f.check_note}"
            text = f.amount or f.rate_or_amount  # `amount` is the English gloss in English mode
            amount = self.cut(text, 90) if text else "–"
            rows.append([programme_name(f.name), status, self.as_of(f), amount, domain(f.source_url)])
            links.append(f.source_url)
        out = [Block("h2", self.t("funding")),
               Block("table", header=[self.t("programme"), self.t("status"), self.t("as_of"), self.t("amount"),
                                      self.t("link")], rows=rows, widths=[0.31, 0.13, 0.10, 0.30, 0.16], links=links)]
        if len(matches) > BRIEF_FUNDING and self.brief:
            rest = ", ".join(f"{f.name} ({self.status(f)}, {self.t('as_of')} {when(f.as_of, self.lang)})"
                             for f in matches[BRIEF_FUNDING:])
            out.append(Block("small", f"{self.t('more_funding')}: {rest}"))
        if self.result.funding_research:
            out.append(Block("small", self.result.funding_research))
        return out

    def where(self, src) -> str:
        if src.page:
            return self.t("page_ref", page=src.page)
        return src.section or ""

    def sources(self) -> list[Block]:
        refs = self.result.sources
        if not refs:
            return []
        if self.brief:  # the catalogue entries of the cases are the cases on the sheet; the brief cites the rest
            refs = ([s for s in refs if "use_cases/" not in s.source] or refs)[:BRIEF_SOURCES]
        items = [self.source_text(s) for s in refs]
        if self.brief:
            text = "  ".join(f"[{n}] {item}" for n, item in enumerate(items, start=1))
            return [Block("h2", self.t("sources")), Block("small", text)]
        return [Block("h2", self.t("sources")), Block("numbered", items=items)]

    def source_text(self, src) -> str:
        """A source as a reader cites it: the title, and for an uploaded document its file name and page. Paths
        inside the knowledge base are internal and stay out of the sheet."""
        if src.source.startswith("knowledge_base/") or "/knowledge_base/" in src.source:
            return src.title
        return f"{src.title} ({Path(src.source).name}" + (f", {self.where(src)})" if src.page else ")")

    def blocks(self) -> list[Block]:
        from assistant.report.comparison import follow_up_blocks

        dims = [d.model_dump() for d in self.result.maturity.dimensions]
        out = self.head() + follow_up_blocks(self.follow_up, self.lang, self.brief, dims)
        out += [Block("h2", self.t("cases"))]
        for n, uc in enumerate(self.result.use_cases, start=1):
            out += self.case(n, uc)
        out += self.budget() + self.mandate() + self.steps() + self.funding() + self.contacts() + self.session()
        shown = set(self.result.budget.warnings) if self.result.budget and self.budget() else set()
        notes = [w for w in self.result.warnings if w not in shown]
        if notes:
            body = Block("p", " · ".join(self.cut(w, 160) for w in notes)) if self.brief else Block("bullets", items=notes)
            out += [Block("h2", self.t("warnings")), body]
        return out + self.sources()


def brief_blocks(result: ConsultResult, length: Length = "brief", peer: dict[str, float] | None = None,
                 follow_up=None) -> list[Block]:
    """The brief as content blocks, in reading order (`full` keeps every text, for Markdown). `peer`: the
    industry average per maturity dimension, drawn into the radar when there are enough saved consultations.
    `follow_up`: an `assistant.followup.ReportContext` (step status, comparison with the previous consultation)."""
    return _Writer(result, length, peer, follow_up).blocks()


def file_stem(title: str, date: str, lang: str = "de") -> str:
    """A download file name without characters that trip up Windows or mail clients."""
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in title.strip())
    keep = "_".join(part for part in keep.split("_") if part)[:60] or msg("report.file_stem_default", lang)
    return f"KI-Sprechstunde_{keep}_{date}"

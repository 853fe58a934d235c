"""The follow-up part of the brief: progress since the previous consultation, and the status of the steps.

Built from `assistant.followup.ReportContext` as ordinary report blocks, so Markdown, PDF and Word render it
with their usual typography. `blocks.py` calls `follow_up_blocks` once (after the head) and `with_status` on the
steps table; everything else about follow-up stays here.
"""

from __future__ import annotations

from assistant.followup import Comparison, ReportContext, status_label
from assistant.i18n import msg
from assistant.report.blocks import Block, when


def _t(key: str, lang: str, **values: object) -> str:
    return msg(f"followup.report.{key}", lang, **values)


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def signed(value: int | None) -> str:
    """+15, −5, ±0: a change reads as a change."""
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{abs(value)}")


def _dimension_rows(c: Comparison) -> list[list[str]]:
    return [[d.name, _score(d.before), _score(d.after), signed(d.delta)] for d in c.dimensions]


def _radar(c: Comparison, lang: str, dims: list[dict]) -> list[Block]:
    """T1 filled, T0 dashed: the same radar as the brief's, with the previous scores as the second line."""
    from assistant.report.radar import radar_png

    if not dims or not c.before_scores:
        return []
    png = radar_png(dims, lang, peer=c.before_scores,
                    peer_label=_t("radar_before", lang, date=when(c.previous_date, lang)))
    return [Block("image", _t("radar_caption", lang, before=when(c.previous_date, lang),
                             after=when(c.current_date, lang)), image=png)]


def _cases(c: Comparison, lang: str) -> list[Block]:
    none = _t("none", lang)
    return [Block("labelled", "; ".join(x.title for x in c.new_cases) or none, label=_t("new_cases", lang)),
            Block("labelled", "; ".join(x.title for x in c.dropped_cases) or none, label=_t("dropped_cases", lang)),
            Block("labelled", "; ".join(x.title for x in c.kept_cases) or none, label=_t("kept_cases", lang))]


def follow_up_blocks(ctx: ReportContext | None, lang: str, brief: bool = True,
                     dims: list[dict] | None = None) -> list[Block]:
    """"Fortschritt seit dem Termin vom …": maturity T0 → T1 per dimension (table, and the two-line radar in
    PDF/Word), the previous steps with their status, new and dropped use cases. Nothing for a first
    consultation. `dims`: the current result's dimensions (dicts) for the radar."""
    if ctx is None or ctx.comparison is None:
        return []
    c = ctx.comparison
    before, after = when(c.previous_date, lang), when(c.current_date, lang)
    out = [Block("h2", _t("heading", lang, date=before)),
           Block("labelled", _t("level_line", lang, before=_score(c.level_before), after=_score(c.level_after)),
                 label=_t("level", lang))]
    if brief:
        out += _radar(c, lang, dims or [])
    if c.dimensions:
        out.append(Block("table", header=[_t("dimension", lang), _t("before", lang, date=before),
                                          _t("after", lang, date=after), _t("delta", lang)],
                         rows=_dimension_rows(c), widths=[0.52, 0.17, 0.17, 0.14]))
    n = len(c.steps)
    out.append(Block("labelled", _t("steps_line", lang, done=c.count("done"), postponed=c.count("postponed"),
                                    open=c.count("open"), n=n), label=_t("steps", lang)))
    listed = [s for s in c.steps if s.status != "open"] if brief else c.steps  # the brief counts the open ones
    if listed:
        out.append(Block("table", header=[msg("report.what", lang), msg("report.who", lang), _t("status", lang)],
                         rows=[[s.what, s.who, status_label(s, lang)] for s in listed], widths=[0.56, 0.22, 0.22]))
    return out + _cases(c, lang)


def with_status(table: Block, ctx: ReportContext | None, lang: str) -> Block:
    """The brief's steps table with a status column, once any step is done or postponed (a fresh consultation
    keeps the plain table). Rows are matched by position: the table is built from the same steps."""
    if ctx is None or not ctx.has_status or len(ctx.steps) != len(table.rows):
        return table
    widths = [w * 0.84 for w in table.widths] + [0.16] if table.widths else []
    return Block("table", header=[*table.header, _t("status", lang)],
                 rows=[[*row, status_label(s, lang)] for row, s in zip(table.rows, ctx.steps)], widths=widths,
                 links=list(table.links))


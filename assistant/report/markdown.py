"""The brief as Markdown: the third renderer of the report blocks (full length, every text as on screen)."""

from __future__ import annotations

from assistant.consult.pipeline import ConsultResult
from assistant.report.blocks import Block, brief_blocks


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def _item(block: Block, index: int, text: str) -> str:
    lead = block.lead(index)
    return f"**{lead}** – {text}" if lead else text


def _table(block: Block) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in block.header) + " |", "|" + "---|" * len(block.header)]
    for i, row in enumerate(block.rows):
        cells = [_cell(v) for v in row]
        if i < len(block.links) and block.links[i]:
            cells[-1] = f"[{cells[-1]}]({block.links[i]})"
        out.append("| " + " | ".join(cells) + " |")
    return out


def render(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "title":
            out += [f"# {b.text}", ""]
        elif b.kind == "h2":
            out += [f"## {b.text}", ""]
        elif b.kind == "h3":
            out += [f"### {b.text}", ""]
        elif b.kind == "meta":
            out += [f"*{b.text}*", ""]
        elif b.kind in {"p", "small"}:
            out += [b.text, ""]
        elif b.kind == "labelled":
            out += [f"**{b.label}:** {b.text}".rstrip(), ""]
        elif b.kind == "bullets":
            out += [f"- {_item(b, i, text)}" for i, text in enumerate(b.items)] + [""]
        elif b.kind == "numbered":
            out += [f"{i}. {_item(b, i - 1, text)}" for i, text in enumerate(b.items, start=1)] + [""]
        elif b.kind == "table":
            out += _table(b) + [""]
        elif b.kind == "image":
            out += [b.text, ""]
    return "\n".join(out).rstrip() + "\n"


def export_markdown(result: ConsultResult, follow_up=None) -> str:
    return render(brief_blocks(result, "full", follow_up=follow_up))

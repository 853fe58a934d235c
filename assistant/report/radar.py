"""The maturity radar: one PNG of the six DMA dimensions, the same image on screen, in the PDF and in the DOCX.

Rendered with matplotlib's Agg backend (no display, no fonts fetched); the optional peer line is the average of
saved consultations of the same industry, shown only when there are enough of them (see assistant.stats).
"""

from __future__ import annotations

import io
import math
import textwrap

from assistant.i18n import msg


def radar_png(dimensions: list[dict], lang: str = "de", peer: dict[str, float] | None = None,
              size_in: float = 4.2, dpi: int = 150, peer_label: str | None = None) -> bytes:
    """`dimensions`: the result's `maturity.dimensions` (dicts with id, name, score). `peer_label` names the
    dashed line when it is not the industry average (follow-up: the previous consultation's scores)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    names = [textwrap.fill(d["name"], 16, break_long_words=False) for d in dimensions]
    scores = [float(d["score"]) for d in dimensions]
    angles = [2 * math.pi * i / len(scores) for i in range(len(scores))]
    fig = plt.figure(figsize=(size_in, size_in), dpi=dpi)
    try:
        ax = fig.add_subplot(111, polar=True)
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(0, 100)
        ax.set_yticks([25, 50, 75, 100])
        ax.set_yticklabels(["25", "50", "75", "100"], fontsize=6, color="#777777")
        ax.set_xticks(angles)
        ax.set_xticklabels(names, fontsize=7)
        loop = angles + angles[:1]
        ax.plot(loop, scores + scores[:1], color="#1f5fa8", linewidth=1.8, label=msg("report.radar_firm", lang))
        ax.fill(loop, scores + scores[:1], color="#1f5fa8", alpha=0.18)
        if peer:
            values = [float(peer.get(d["id"], 0)) for d in dimensions]
            ax.plot(loop, values + values[:1], color="#c0392b", linewidth=1.2, linestyle="--",
                    label=peer_label or msg("report.radar_peer", lang))
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=6, frameon=False, ncol=2)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)

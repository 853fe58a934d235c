"""What kind of question is it: funding, a use case ("Kann KI …"), or guidance?

The answer is built from the data that fits the intent: funding questions from the structured programme data,
use-case questions from the catalogue card, everything else from one coherent passage of the best guide.
Rules, not a model: the cue words are few, and a wrong guess still yields a cited answer from retrieval.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant.knowledge.german_analysis import fold
from assistant.models import Hit
from assistant.knowledge.cues import cue

Intent = Literal["funding", "use_case", "guidance"]

_FUNDING = re.compile(cue("funding"))
_USE_CASE = re.compile(cue("use_case"))


def classify(question: str, hits: list[Hit]) -> Intent:
    q = fold(question)
    top_types = [h.chunk.doc_type for h in hits[:3]]
    if _FUNDING.search(q) and "funding" in top_types + [h.chunk.doc_type for h in hits[3:6]]:
        return "funding"
    if hits and hits[0].chunk.doc_type == "use_case" and (_USE_CASE.search(q) or top_types.count("use_case") >= 2):
        return "use_case"
    return "guidance"

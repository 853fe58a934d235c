"""The text of a case as one firm reads it: the variant for its segment or industry replaces the base text.

Why a copy of the whole case: the plan, the session and the report all read `case.title`, `case.pilot.scope`
and `case.en`; localising the case once, before anything else sees it, keeps every part of the sheet in the
firm's own industry language (a bakery never reads a building-site example).
"""

from __future__ import annotations

from assistant.consult.catalogue import UseCase, Variant
from assistant.consult.firm import FirmProfile


def variant_key(case: UseCase, firm: FirmProfile) -> str | None:
    """The most specific variant the case has for this firm: a segment first, then the industry."""
    for key in [*firm.segments, firm.industry, *firm.industries]:
        if key in case.variants:
            return key
    return None


def _apply(variant: Variant | None, title: str, problem: str, solution: str, example: str | None,
           scope: str) -> dict:
    v = variant or Variant()
    return {"title": v.title or title, "problem": v.problem or problem, "solution": v.solution or solution,
            "example": v.example or example, "scope": v.pilot_scope or scope}


def localise(case: UseCase, firm: FirmProfile) -> UseCase:
    """A copy of `case` whose German and English texts are those of the firm's variant (unchanged if none)."""
    key = variant_key(case, firm)
    if key is None:
        return case
    de = _apply(case.variants.get(key), case.title, case.problem, case.solution, case.example, case.pilot.scope)
    update = {"title": de["title"], "problem": de["problem"], "solution": de["solution"], "example": de["example"],
              "pilot": case.pilot.model_copy(update={"scope": de["scope"]})}
    if case.en is not None:
        en = _apply(case.en.variants.get(key), case.en.title, case.en.problem, case.en.solution, case.en.example,
                    case.en.pilot_scope)
        update["en"] = case.en.model_copy(update={"title": en["title"], "problem": en["problem"],
                                                  "solution": en["solution"], "example": en["example"],
                                                  "pilot_scope": en["scope"]})
    return case.model_copy(update=update)

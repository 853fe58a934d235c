"""Follow-up: what became of the agreed next steps, the follow-up appointment, and what changed since.

Why: a consultation hour is only worth something if the steps agreed in it happen; the EDIH maturity check
measures before (T0) and after support (T1) for the same reason. Three pieces, all pure (no Streamlit):

- step status (`open` / `done` / `postponed` with an optional new date) per next step, stored in the store's
  `step_status` column keyed by the step's normalised text, so a reordered table keeps its statuses and
  "discard edits" (which resets the edits) does not forget that a step was done;
- `create_follow_up`: a new consultation of the same firm, intake copied from the last one, `follows` = its id;
- `compare`: maturity per dimension T0 vs T1, the previous steps with their status, new and dropped use cases.

Bad input (an unknown status, a date nobody can read) never reaches the database: `update_statuses` applies the
valid rows, keeps the stored state of the others and returns a message per refused row.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, field_validator

from assistant.i18n import formatting, msg

Status = Literal["open", "done", "postponed"]
STATUSES: tuple[str, ...] = ("open", "done", "postponed")


class FollowUpError(ValueError):
    """A status or date the store refuses; carries a catalogue key (area `followup`) for the reader's language."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(self.message("de"))

    def message(self, lang: str = "de") -> str:
        return msg(f"followup.{self.key}", lang, **self.values)


def parse_day(value: Any) -> str | None:
    """A date from the table editor, a JSON file or a person: date objects, ISO text or 31.12.2026.
    Empty means "no date"; anything else is refused (FollowUpError), never guessed."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NaTType":
        return None
    if isinstance(value, str) and (not value.strip() or value.strip() in ("NaT", "nan", "None")):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp from st.data_editor
        return value.to_pydatetime().date().isoformat()
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text[:10] if pattern == "%Y-%m-%d" else text, pattern).date().isoformat()
        except ValueError:
            continue
    raise FollowUpError("bad_date", value=text)


class StepState(BaseModel):
    """What became of one next step. `new_date` only means something for a postponed step."""

    status: Status = "open"
    new_date: str | None = None

    @field_validator("new_date", mode="before")
    @classmethod
    def _day(cls, value: Any) -> str | None:
        return parse_day(value)


def step_key(what: str) -> str:
    """The step's identity across reruns and reorderings: its text without case and spacing differences.
    Rewording a step makes it a new step (open again), which is what the advisor means by rewording."""
    return " ".join(str(what).split()).casefold()


def clean_statuses(raw: Any) -> dict[str, dict]:
    """Only well-formed entries of a stored or imported `step_status` map (the rest is dropped)."""
    out: dict[str, dict] = {}
    if not isinstance(raw, dict):
        return out
    for key, value in raw.items():
        try:
            state = StepState.model_validate(value)
        except (ValidationError, FollowUpError, TypeError):
            continue
        if isinstance(key, str) and key.strip():
            out[step_key(key)] = state.model_dump()
    return out


def state_of(step_status: dict | None, what: str) -> StepState:
    raw = (step_status or {}).get(step_key(what))
    try:
        return StepState.model_validate(raw) if raw else StepState()
    except (ValidationError, FollowUpError):
        return StepState()


def _checked(status: Any, new_date: Any) -> StepState:
    if status not in STATUSES:
        raise FollowUpError("bad_status", value=str(status), allowed=", ".join(STATUSES))
    day = parse_day(new_date)
    return StepState(status=status, new_date=day if status == "postponed" else None)


def update_statuses(store, cid: str, rows: list[dict]) -> tuple[Any, list[tuple[str, FollowUpError]]]:
    """Apply rows {"what", "status", "new_date"} in one write; a refused row keeps its stored state and is
    returned as (step text, error) for the caller to show in its language. Returns (record, refused)."""
    rec = store.get(cid)
    current = clean_statuses(rec.step_status)
    errors: list[tuple[str, FollowUpError]] = []
    for row in rows:
        what = str(row.get("what") or "").strip()
        if not what:
            continue
        try:
            state = _checked(row.get("status"), row.get("new_date"))
        except FollowUpError as exc:
            errors.append((what, exc))
            continue
        if state.status == "open" and not state.new_date:
            current.pop(step_key(what), None)  # the default is not stored: a fresh consultation stays "{}"
        else:
            current[step_key(what)] = state.model_dump()
    return store.update(cid, step_status=current), errors


def set_step_status(store, cid: str, what: str, status: str, new_date: Any = None):
    """One step's status; raises FollowUpError (and writes nothing) for a bad status or date."""
    _checked(status, new_date)
    rec, _ = update_statuses(store, cid, [{"what": what, "status": status, "new_date": new_date}])
    return rec


# --- tracked steps ------------------------------------------------------------------------------------------
class TrackedStep(BaseModel):
    what: str
    who: str = ""
    by: str = ""
    done_when: str = ""
    status: Status = "open"
    new_date: str | None = None


def tracked_steps(result, step_status: dict | None) -> list[TrackedStep]:
    """The (edited) result's next steps with what became of each."""
    steps = result.next_steps if hasattr(result, "next_steps") else (result or {}).get("next_steps") or []
    out = []
    for s in steps:
        data = s.model_dump() if hasattr(s, "model_dump") else dict(s)
        state = state_of(step_status, data.get("what", ""))
        out.append(TrackedStep(what=data.get("what", ""), who=data.get("who") or "", by=data.get("by") or "",
                               done_when=data.get("done_when") or "", status=state.status, new_date=state.new_date))
    return out


def status_label(step: TrackedStep | StepState, lang: str) -> str:
    """"erledigt", "offen", "verschoben auf 15.03.2026" – what a reader sees for a status."""
    text = msg(f"followup.status.{step.status}", lang)
    if step.status == "postponed" and step.new_date:
        text = msg("followup.postponed_to", lang, date=formatting.day(step.new_date, lang))
    return text


# --- the follow-up appointment ------------------------------------------------------------------------------
def follow_up_title(previous, lang: str = "de", today: dt.date | None = None) -> str:
    """"Huber GmbH – Folgetermin 02.12.2026": the firm's name (not the previous title, so a chain of follow-ups
    does not grow a suffix per appointment)."""
    name = ((previous.intake or {}).get("company") or {}).get("name")
    base = name.strip() if isinstance(name, str) and name.strip() else previous.title
    return msg("followup.new_title", lang, title=base, day=formatting.day(today or dt.date.today(), lang))


def create_follow_up(store, cid: str, lang: str = "de", today: dt.date | None = None):
    """A new consultation of the same firm: the last intake copied (the advisor updates what changed and runs
    the consultation again), no result yet, `follows` pointing at the previous one."""
    previous = store.get(cid)
    return store.create(follow_up_title(previous, lang, today), intake=copy.deepcopy(previous.intake or {}),
                        follows=previous.id)


def chain(store, cid: str, limit: int = 50) -> list:
    """The consultation and every one it follows, newest first (stops at a missing or invisible link)."""
    out, seen = [], set()
    rec = store.get(cid)
    while rec is not None and rec.id not in seen and len(out) < limit:
        out.append(rec)
        seen.add(rec.id)
        rec = store.get(rec.follows) if rec.follows and store.exists(rec.follows) else None
    return out


# --- comparison ---------------------------------------------------------------------------------------------
class DimensionChange(BaseModel):
    id: str
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


class CaseRef(BaseModel):
    id: str
    title: str


class Comparison(BaseModel):
    """T0 (the previous consultation) against T1 (this one)."""

    previous_id: str
    previous_title: str
    previous_date: str
    current_date: str
    level_before: int | None
    level_after: int | None
    dimensions: list[DimensionChange]
    steps: list[TrackedStep]
    new_cases: list[CaseRef]
    dropped_cases: list[CaseRef]
    kept_cases: list[CaseRef]

    def count(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)

    @property
    def before_scores(self) -> dict[str, float]:
        return {d.id: float(d.before) for d in self.dimensions if d.before is not None}


def _edited(rec_or_result, edits: dict | None = None):
    from assistant.consult.pipeline import ConsultResult
    from assistant.consultations import apply_edits

    if isinstance(rec_or_result, ConsultResult):
        return rec_or_result
    if isinstance(rec_or_result, dict):
        return apply_edits(rec_or_result, edits)
    return apply_edits(rec_or_result.result, rec_or_result.edits)


def compare(previous, current) -> Comparison:
    """`previous`: the stored record (its edits and step statuses count); `current`: a record or an (edited)
    ConsultResult. Use cases are matched by catalogue id, shown with the title the advisor gave them."""
    before = _edited(previous)
    after = _edited(current)
    old_dims = {d.id: d for d in before.maturity.dimensions}
    new_dims = {d.id: d for d in after.maturity.dimensions}
    order = list(new_dims) + [k for k in old_dims if k not in new_dims]
    dims = [DimensionChange(id=k, name=(new_dims.get(k) or old_dims[k]).name,
                            before=old_dims[k].score if k in old_dims else None,
                            after=new_dims[k].score if k in new_dims else None) for k in order]
    old_cases = {u.id: u.title for u in before.use_cases}
    new_cases = {u.id: u.title for u in after.use_cases}
    return Comparison(
        previous_id=previous.id, previous_title=previous.title, previous_date=before.consultation_date,
        current_date=after.consultation_date, level_before=before.maturity.level, level_after=after.maturity.level,
        dimensions=dims, steps=tracked_steps(before, previous.step_status),
        new_cases=[CaseRef(id=k, title=v) for k, v in new_cases.items() if k not in old_cases],
        dropped_cases=[CaseRef(id=k, title=v) for k, v in old_cases.items() if k not in new_cases],
        kept_cases=[CaseRef(id=k, title=v) for k, v in new_cases.items() if k in old_cases])


def comparison_for(store, cid: str | None, current=None) -> Comparison | None:
    """The comparison of consultation `cid` with the one it follows, or None (no link, the previous one is
    gone or not visible to this user, or one side has no result yet)."""
    if not cid or not store.exists(cid):
        return None
    rec = store.get(cid)
    if not rec.follows or not store.exists(rec.follows):
        return None
    previous = store.get(rec.follows)
    if not previous.result or (current is None and not rec.result):
        return None
    return compare(previous, current if current is not None else rec)


class ReportContext(BaseModel):
    """What the exports add for follow-up: this consultation's steps with status, and the comparison."""

    steps: list[TrackedStep] = []
    comparison: Comparison | None = None

    @property
    def has_status(self) -> bool:
        return any(s.status != "open" for s in self.steps)


def report_context(store, cid: str | None, result) -> ReportContext | None:
    """None when there is nothing to add (no saved consultation, every step open, no previous one)."""
    if not cid or not store.exists(cid):
        return None
    rec = store.get(cid)
    ctx = ReportContext(steps=tracked_steps(result, rec.step_status), comparison=comparison_for(store, cid, result))
    return ctx if ctx.has_status or ctx.comparison else None

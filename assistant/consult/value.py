"""The expected value of a case in its lever's own unit (`value_model` in the catalogue), with the firm's numbers.

Why not "hours × share × hourly rate" for everything: a bakery's lever is waste, a machine shop's is downtime, a
dealer's is conversion. Each case states its unit, the share it may move (an assumption, said so) and which
intake number the share applies to. Where that number is missing — or the model applies to none — the sheet
names the baseline to measure instead of a formula nobody can check.
"""

from __future__ import annotations

import re

from assistant.consult.catalogue import UseCase
from assistant.i18n import formatting as fmt
from assistant.i18n import msg

UPWARD_KINDS = {"conversion", "revenue"}
_UP = re.compile(r"\b(mehr|höher\w*|zusätzlich\w*)\b", re.IGNORECASE)
_DOWN = re.compile(r"\b(weniger|senk\w*|vermeid\w*)\b", re.IGNORECASE)


def moves_up(case: UseCase) -> bool:
    """Whether the lever's unit should rise (bookings, revenue) or fall (missed calls, no-shows): the German
    assumption says it ("mehr" / "weniger"); the kind decides when it says neither."""
    text = case.value_model.assumption
    if _DOWN.search(text) and not _UP.search(text):
        return False
    if _UP.search(text) and not _DOWN.search(text):
        return True
    return case.value_model.kind in UPWARD_KINDS


def _texts(case: UseCase, lang: str) -> tuple[str, str, str]:
    vm = case.value_model
    en = case.en.value_model if lang == "en" and case.en is not None else None
    src = en or vm
    return src.unit, src.baseline.strip(), src.assumption.strip()


def _pct(share: float) -> str:
    return f"{share * 100:.0f}" if share * 100 >= 1 else f"{share * 100:.1f}".replace(".", ",")


def process_of(intake, name: str | None):
    return next((p for p in intake.processes or [] if p.name == name), None)


def expected_value(case: UseCase, intake, process_name: str | None, lang: str) -> str:
    """One sentence: the range in the lever's unit from the firm's own number, or the baseline to collect."""
    vm = case.value_model
    if vm is None:
        return msg("matching.value.baseline", lang, unit="–", assumption="", baseline="")
    unit, baseline, assumption = _texts(case, lang)
    proc = process_of(intake, process_name)
    if vm.applies_to == "hours" and proc is not None and proc.hours_per_month:
        h = proc.hours_per_month
        return msg("matching.value.hours", lang, low=fmt.number(h * vm.low, lang), high=fmt.number(h * vm.high, lang),
                   process=proc.name, hours=fmt.smart_number(h, lang), assumption=assumption)
    if vm.applies_to == "volume" and proc is not None and proc.volume_per_month:
        return msg("matching.value.volume", lang, unit=unit, volume=fmt.smart_number(proc.volume_per_month, lang),
                   process=proc.name, assumption=assumption, baseline=baseline)
    revenue = getattr(intake.company, "annual_revenue_eur", None)
    if vm.applies_to == "revenue" and revenue:
        month = revenue / 12
        return msg("matching.value.revenue", lang, low=fmt.money(round(month * vm.low, -1), lang),
                   high=fmt.money(round(month * vm.high, -1), lang), unit=unit, revenue=fmt.money(revenue, lang),
                   assumption=assumption, baseline=baseline)
    return msg("matching.value.baseline", lang, unit=unit, assumption=assumption, baseline=baseline)


def own_numbers_kpi(case: UseCase, intake, process_name: str | None, lang: str) -> tuple[str, str, str] | None:
    """The KPI in the lever's unit: (name, baseline, target). Hours use the firm's own hours; other units get the
    stated share against a baseline measured before the pilot."""
    vm = case.value_model
    if vm is None:
        return None
    unit, _, _ = _texts(case, lang)
    proc = process_of(intake, process_name)
    low, high = _pct(vm.low), _pct(vm.high)
    if vm.kind == "time_saved" and vm.applies_to == "hours" and proc is not None and proc.hours_per_month:
        h = proc.hours_per_month
        return (msg("matching.value.kpi_hours_name", lang, process=proc.name),
                msg("matching.value.kpi_hours_baseline", lang, hours=fmt.smart_number(h, lang)),
                msg("matching.value.kpi_hours_target", lang, target=fmt.number(h * (1 - vm.low), lang),
                    low=low, high=high))
    key = "kpi_unit_target_up" if moves_up(case) else "kpi_unit_target"
    name = unit[:1].upper() + unit[1:]
    return (name, msg("matching.value.kpi_unit_baseline", lang), msg(f"matching.value.{key}", lang, low=low, high=high))

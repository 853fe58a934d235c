"""The consultation intake: the questionnaire a firm fills in before its one-hour consultation.

Why before the session: an hour is too short for fact-finding. When industry, goals, pain points, processes and
data are known in advance, the advisor can bring use cases that fit the firm and spend the hour on them.

The package, in pipeline order:
- `questionnaire` — the ONE questionnaire (assistant/data/questionnaire.yaml): labels, help texts, options.
- `models` — the typed `Intake`, mirroring the contract assistant/schemas/intake.schema.json field by field
  (tests/test_intake.py keeps questionnaire, models and schema in step); `amounts` reads "20.000 €" as 20000.
- `errors` and `parsing` — from JSON to `Intake`, or every problem as a German (or English) sentence.
- `forms` — the blank JSON template, the printable form and the summary of a filled intake.
"""

from assistant.intake.amounts import AmountError, parse_amount
from assistant.intake.errors import FILE_FIELD, ROOT_FIELD, FieldError, IntakeError
from assistant.intake.forms import answer_text, blank_intake_json, blank_intake_markdown, intake_to_markdown
from assistant.intake.models import (
    AiExperience,
    Company,
    DataInfo,
    DataQuality,
    DataSource,
    Goal,
    Industry,
    Intake,
    Process,
    RespondentRole,
    StaffAttitude,
    StateCode,
)
from assistant.intake.parsing import TEMPLATE_KEYS, load_intake, parse_intake
from assistant.intake.questionnaire import LocalText, Option, Question, Questionnaire, Section, load_questionnaire, option_label

__all__ = [
    "FILE_FIELD", "ROOT_FIELD", "TEMPLATE_KEYS", "AiExperience", "AmountError", "Company", "DataInfo", "DataQuality",
    "DataSource", "FieldError", "Goal", "Industry", "Intake", "IntakeError", "LocalText", "Option", "Process",
    "Question", "Questionnaire", "RespondentRole", "Section", "StaffAttitude", "StateCode", "answer_text",
    "blank_intake_json", "blank_intake_markdown", "intake_to_markdown", "load_intake", "load_questionnaire",
    "option_label", "parse_amount", "parse_intake",
]

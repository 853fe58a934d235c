"""Reading the project's own YAML (catalogues, questionnaire, programme data) with libyaml when it is there.

These files are trusted and large; the C loader reads them about ten times faster, which is most of the YAML share
of a fresh `assistant ask`. Untrusted front matter of uploads keeps the alias-free loader in knowledge/loaders.py.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_trusted(text: str) -> Any:
    """`yaml.safe_load` semantics (safe tags only), with the C implementation when PyYAML was built with it."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - CSafeLoader/SafeLoader are the safe loaders

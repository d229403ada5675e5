"""Read and validate the red-flag rules; every failure is a one-line RedFlagRulesError."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import ValidationError

from crampcoach.diary.validation import describe
from crampcoach.safety.errors import RedFlagRulesError
from crampcoach.safety.models import ScreeningRules
from crampcoach.yaml_text import YAMLError, read_yaml

RULES_FILE = "red_flags.yaml"


def parse_rules(text: str, origin: str) -> ScreeningRules:
    """Validate red-flag rules YAML text. ``origin`` names the file in error messages."""
    try:
        data = read_yaml(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RedFlagRulesError(f"{origin}: invalid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise RedFlagRulesError(
            f"{origin}: a red-flag rules file must be a YAML mapping with levels, sources, "
            "questions"
        )
    try:
        return ScreeningRules.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:  # a check across the whole file: no field to name
            message = first["msg"].removeprefix("Value error, ")
            raise RedFlagRulesError(f"{origin}: {message}") from None
        raise RedFlagRulesError(describe(exc, where=origin)) from None


@cache
def load_rules() -> ScreeningRules:
    """The rules shipped in the package (read once; the rules are frozen)."""
    entry = resources.files("crampcoach.safety") / RULES_FILE
    return parse_rules(entry.read_text(encoding="utf-8"), RULES_FILE)

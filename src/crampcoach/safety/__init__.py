"""Red-flag screening: rules as data (`red_flags.yaml`, with sources) and a pure evaluator."""

from crampcoach.safety.errors import RedFlagRulesError, ScreeningError
from crampcoach.safety.loader import load_rules, parse_rules
from crampcoach.safety.models import LEVELS, Level, Question, ScreeningRules
from crampcoach.safety.screening import (
    Finding,
    ScreeningResult,
    screen,
    should_offer_screening,
)

__all__ = [
    "LEVELS",
    "Finding",
    "Level",
    "Question",
    "RedFlagRulesError",
    "ScreeningError",
    "ScreeningResult",
    "ScreeningRules",
    "load_rules",
    "parse_rules",
    "screen",
    "should_offer_screening",
]

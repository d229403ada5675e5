"""The errors of red-flag screening; both are user errors (one line, exit code 2)."""

from __future__ import annotations

from crampcoach.errors import UserError


class ScreeningError(UserError):
    """Answers that do not fit the questions (an unknown question, a wrong kind of answer),
    or a stored screening result that cannot be read back; the message names the question."""


class RedFlagRulesError(UserError):
    """A red-flag rules file that is not valid; the message names the file and the field."""

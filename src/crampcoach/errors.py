"""Errors a user can cause and fix. Interfaces turn them into a one-line message and exit 2."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the person using crampcoach: a clear message, exit code 2, no traceback."""

    exit_code = 2


class RoutineError(UserError):
    """A routine name that does not exist or a routine file that is not valid."""


class NotFoundError(UserError):
    """A record the person asked for does not exist."""


class DiaryError(UserError):
    """A diary entry, a time or a profile value that is not valid; the message names the field."""


class ImportFileError(DiaryError):
    """A diary file that cannot be imported; the message names the line (or record) and field."""

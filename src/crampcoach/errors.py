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
    """A diary entry, a time or a profile value that is not valid.

    `field` names the field at fault (as the diary's models name it: "severity",
    "started_at", "tags"), so a form can show the message beside it; `reason` is the
    message without the field. `str()` gives "field: reason" for one-line output.
    """

    def __init__(
        self,
        reason: str,
        *,
        field: str | None = None,
        where: str = "",
        others: dict[str, str] | None = None,
        path: str | None = None,
    ) -> None:
        self.field = field
        self.reason = reason
        self.where = where
        self.others = others or {}  # further fields at fault (a form shows them all)
        self.path = path or field  # "questions.0.level" inside a document, else the field
        shown = self.path
        named = f"{shown}: {reason}" if shown else reason
        if where:
            named = f"{where}, field {named}" if shown else f"{where}: {reason}"
        super().__init__(named)


class ImportFileError(DiaryError):
    """A diary file that cannot be imported; the message names the line (or record) and field."""

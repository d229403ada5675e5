"""Errors a person can cause when asking for insights or planning a trial."""

from __future__ import annotations

from crampcoach.errors import UserError


class InsightsError(UserError):
    """A range of nights or an option for the insights that cannot be used."""


class TrialError(InsightsError):
    """A trial plan, or a night asked of it, that is not valid; the message says why."""

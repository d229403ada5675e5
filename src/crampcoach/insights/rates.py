"""When a rate may be given: the one minimum of nights behind every "a night" or "a week".

`MIN_RATE_NIGHTS = 14`. Below it crampcoach gives counts as counted ("2 cramps on 2
nights logged so far") and says how many nights a rate needs; at or above it, cramps a
night and a week. The web page, the PDF report and the terminal all ask this module.

Why 14 nights:

- Night-to-night counts are noisy. For a Poisson count the 95% interval of a rate from
  2 cramps over 2 nights runs from 0.12 to 3.6 a night (a thirtyfold range); from 14
  cramps over 14 nights it is 0.55 to 1.7. Below two weeks a rate says more about
  the few nights logged than about the person.
- Two whole weeks hold every weekday twice, so a weekly rate is counted over weeks, not
  stretched from part of one (a weekend with more walking is not multiplied by 7/2).
- It is the minimum the routine comparison asks of each of its groups
  (`rate_ratio.MIN_NIGHTS`): one bar for every rate crampcoach states.

The weekly chart of counts follows the same minimum (`week_chart_reason`): below it
there are only one or two weeks, mostly partial, and the counts are given in words.
"""

from __future__ import annotations

from crampcoach.plurals import count_of

MIN_RATE_NIGHTS = 14  # nights covered before any rate per night or per week is given
DAYS_A_WEEK = 7


def has_rate(nights: int) -> bool:
    """Whether `nights` covered nights are enough for a rate."""
    return nights >= MIN_RATE_NIGHTS


def rates(cramps: int, nights: int) -> tuple[float, float] | tuple[None, None]:
    """(cramps a night, cramps a week), or (None, None) below `MIN_RATE_NIGHTS`."""
    if not has_rate(nights):
        return None, None
    per_night = cramps / nights
    return per_night, per_night * DAYS_A_WEEK


def rate_needs() -> str:
    """The minimum, in words: 'a rate per night or per week needs at least 14 nights'."""
    return f"a rate per night or per week needs at least {count_of(MIN_RATE_NIGHTS, 'night')}"


def week_chart_reason(nights: int) -> str | None:
    """Why there is no chart of weeks yet (None: there is one)."""
    if has_rate(nights):
        return None
    return (
        f"No chart of weeks yet: {count_of(nights, 'night')} logged so far, and a chart of "
        f"cramps per week needs at least {count_of(MIN_RATE_NIGHTS, 'night')} (two whole weeks)."
    )

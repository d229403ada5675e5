"""The bedtime reminder file: valid iCalendar that parses back, repeats daily at the same
wall-clock time in the person's zone (also across DST changes), and refuses bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from crampcoach.errors import UserError
from crampcoach.export.reminder_ical import (
    DEFAULT_TITLE,
    ReminderError,
    parse_clock,
    reminder_calendar,
)

NOW = datetime(2026, 3, 1, 12, 0, 30, 123456, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _occurrences(event, count: int) -> list[datetime]:
    rule = event["RRULE"].to_ical().decode()
    return list(islice(rrulestr(rule, dtstart=event.decoded("DTSTART")), count))


def test_parses_back_with_one_daily_event_and_an_alarm():
    data = reminder_calendar("22:45", "Europe/London", date(2026, 3, 10), now=NOW)
    calendar, event = _event(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//crampcoach//")
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert event["SUMMARY"] == DEFAULT_TITLE
    assert event.decoded("DTSTAMP") == datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 3, 10, 22, 45, tzinfo=LONDON)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTEND") - start == timedelta(minutes=10)
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(0)
    assert alarm["DESCRIPTION"] == DEFAULT_TITLE
    description = str(event["DESCRIPTION"])
    for step in ("Ankle circles", "Toe points", "Toe writing", "Child's pose"):
        assert step in description
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert b"DTSTART;TZID=Europe/London:20260310T224500\r\n" in data
    assert b"RRULE:FREQ=DAILY\r\n" in data


@pytest.mark.parametrize(
    ("first", "offsets"),
    [
        (date(2026, 3, 28), [0, 1, 1]),  # clocks go forward on the night of 28-29 March
        (date(2026, 10, 24), [1, 0, 0]),  # and back on 24-25 October
    ],
)
def test_same_local_time_across_a_dst_change(first, offsets):
    _calendar, event = _event(reminder_calendar("22:45", "Europe/London", first, now=NOW))
    occurrences = _occurrences(event, 3)
    assert [o.date() for o in occurrences] == [first + timedelta(days=n) for n in range(3)]
    for moment, hours in zip(occurrences, offsets, strict=True):
        local = moment.astimezone(LONDON)
        assert (local.hour, local.minute) == (22, 45)
        assert local.utcoffset() == timedelta(hours=hours)
    utc = [o.astimezone(UTC).strftime("%H:%M") for o in occurrences]
    assert utc == [f"{22 - h}:45" for h in offsets]


def test_the_vtimezone_itself_carries_the_dst_rules():
    calendar = Calendar.from_ical(
        reminder_calendar("22:45", "Europe/London", date(2026, 3, 28), now=NOW)
    )
    (zone,) = calendar.walk("VTIMEZONE")
    tz = zone.to_tz(lookup_tzid=False)  # built from the file, not from the zone database
    assert datetime(2026, 3, 28, 22, 45, tzinfo=tz).utcoffset() == timedelta(0)
    assert datetime(2026, 3, 29, 22, 45, tzinfo=tz).utcoffset() == timedelta(hours=1)
    assert datetime(2030, 7, 1, 22, 45, tzinfo=tz).utcoffset() == timedelta(hours=1)
    assert datetime(2030, 12, 1, 22, 45, tzinfo=tz).utcoffset() == timedelta(0)


def test_the_start_defaults_to_today_in_the_persons_zone():
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Auckland
    _calendar, event = _event(reminder_calendar("21:00", "Pacific/Auckland", now=late))
    assert event.decoded("DTSTART") == datetime(
        2026, 3, 2, 21, 0, tzinfo=ZoneInfo("Pacific/Auckland")
    )


def test_the_uid_is_stable_and_can_be_given():
    first = reminder_calendar("22:45", "Europe/London", date(2026, 3, 10), now=NOW)
    again = reminder_calendar("22:45", "Europe/London", date(2026, 3, 10), now=NOW)
    later = reminder_calendar("23:00", "Europe/London", date(2026, 3, 10), now=NOW)
    assert first == again
    uid = str(_event(first)[1]["UID"])
    assert uid.endswith("@crampcoach")
    assert str(_event(later)[1]["UID"]) != uid
    given = reminder_calendar("22:45", "UTC", date(2026, 3, 10), now=NOW, uid="bedtime@example")
    assert str(_event(given)[1]["UID"]) == "bedtime@example"


def test_title_description_and_duration_can_be_chosen():
    data = reminder_calendar(
        "7:05",
        "America/New_York",
        date(2026, 6, 1),
        now=NOW,
        title="  Stretch   before bed ",
        description="Calf stretch, 5 minutes.",
        duration_min=5,
    )
    _calendar, event = _event(data)
    assert event["SUMMARY"] == "Stretch before bed"
    assert event["DESCRIPTION"] == "Calf stretch, 5 minutes."
    assert event.decoded("DTSTART") == datetime(
        2026, 6, 1, 7, 5, tzinfo=ZoneInfo("America/New_York")
    )
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("25:00", "at: '25:00' is not a time of day; use HH:MM from 00:00 to 23:59"),
        ("12:60", "at: '12:60' is not a time of day"),
        ("noon", "at: cannot read 'noon' as a time; use HH:MM, e.g. 22:30"),
        ("", "at: cannot read '' as a time"),
        ("22:30:00", "at: cannot read '22:30:00' as a time"),
        ("-1:30", "at: cannot read '-1:30' as a time"),
    ],
)
def test_bad_times_fail_clearly(at, message):
    with pytest.raises(ReminderError) as caught:
        reminder_calendar(at, "Europe/London", now=NOW)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, UserError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"zone": "Mars/Olympus"}, "zone: unknown time zone 'Mars/Olympus'"),
        ({"zone": ""}, "zone: unknown time zone ''"),
        ({"title": "   "}, "title: give 1 to 200 characters"),
        ({"duration_min": 0}, "duration: 0 minutes; give 1 to 180"),
        ({"uid": "a\nb"}, "uid: must be one line of text"),
    ],
)
def test_other_bad_input_fails_clearly(kwargs, message):
    arguments = {"at": "22:00", "zone": "Europe/London", "now": NOW} | kwargs
    with pytest.raises(ReminderError, match=f"^{message}"):
        reminder_calendar(**arguments)


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        reminder_calendar("22:00", "UTC", now=datetime(2026, 3, 1, 12))


def test_parse_clock():
    assert parse_clock("00:00").isoformat() == "00:00:00"
    assert parse_clock(" 23:59 ").isoformat() == "23:59:00"

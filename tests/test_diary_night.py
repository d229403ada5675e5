"""Which night a cramp belongs to, and reading `--at` times (DST nights included)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crampcoach.diary import night_in_zone, night_of, parse_at
from crampcoach.errors import DiaryError

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("local", "night"),
    [
        (datetime(2026, 11, 5, 2, 0), date(2026, 11, 4)),
        (datetime(2026, 11, 4, 23, 30), date(2026, 11, 4)),
        (datetime(2026, 11, 5, 0, 0), date(2026, 11, 4)),
        (datetime(2026, 11, 5, 11, 59), date(2026, 11, 4)),
        (datetime(2026, 11, 5, 12, 0), date(2026, 11, 5)),
        (datetime(2027, 1, 1, 3, 0), date(2026, 12, 31)),
        (datetime(2028, 3, 1, 1, 0), date(2028, 2, 29)),
    ],
)
def test_night_of(local: datetime, night: date) -> None:
    assert night_of(local) == night
    assert night_of(local.replace(tzinfo=AMS)) == night


def test_spring_forward_night_amsterdam() -> None:
    # 2026-03-29: 02:00 jumps to 03:00; the night of the 28th is an hour short.
    before = datetime(2026, 3, 29, 1, 59, tzinfo=AMS)
    after = before.astimezone(ZoneInfo("UTC")) + timedelta(minutes=1)
    assert after.astimezone(AMS).hour == 3
    assert night_in_zone(before, "Europe/Amsterdam") == date(2026, 3, 28)
    assert night_in_zone(after, "Europe/Amsterdam") == date(2026, 3, 28)
    # noon still ends the night, in local time
    assert night_in_zone(datetime(2026, 3, 29, 10, 0, tzinfo=AMS), "Europe/Amsterdam") == date(
        2026, 3, 28
    )


def test_fall_back_night_amsterdam() -> None:
    # 2026-10-25: 03:00 goes back to 02:00; 02:30 happens twice, both on the night of the 24th.
    first = datetime(2026, 10, 25, 2, 30, tzinfo=AMS)
    second = first.replace(fold=1)
    assert second.astimezone(ZoneInfo("UTC")) - first.astimezone(ZoneInfo("UTC")) == timedelta(
        hours=1
    )
    for moment in (first, second):
        assert night_in_zone(moment.astimezone(ZoneInfo("UTC")), "Europe/Amsterdam") == date(
            2026, 10, 24
        )
    # 11:30 UTC is 12:30 local after the change: the next day's evening-side
    assert night_in_zone(
        datetime(2026, 10, 25, 11, 30, tzinfo=ZoneInfo("UTC")), "Europe/Amsterdam"
    ) == date(2026, 10, 25)


@pytest.mark.parametrize(
    ("utc", "night"),
    [
        (datetime(2026, 3, 8, 6, 59), date(2026, 3, 7)),  # 01:59 EST
        (datetime(2026, 3, 8, 7, 0), date(2026, 3, 7)),  # 03:00 EDT
        (datetime(2026, 3, 8, 15, 59), date(2026, 3, 7)),  # 11:59 EDT
        (datetime(2026, 3, 8, 16, 0), date(2026, 3, 8)),  # noon EDT (11:00 by yesterday's offset)
        (datetime(2026, 11, 1, 5, 30), date(2026, 10, 31)),  # 01:30 EDT
        (datetime(2026, 11, 1, 6, 30), date(2026, 10, 31)),  # 01:30 EST, the second time
        (datetime(2026, 11, 1, 16, 59), date(2026, 10, 31)),  # 11:59 EST
        (datetime(2026, 11, 1, 17, 0), date(2026, 11, 1)),  # noon EST
    ],
)
def test_new_york_dst_nights(utc: datetime, night: date) -> None:
    moment = utc.replace(tzinfo=ZoneInfo("UTC"))
    expected_hour_rule = night_of(moment.astimezone(NY))
    assert night_in_zone(moment, "America/New_York") == night == expected_hour_rule


NOW = datetime(2026, 11, 20, 8, 0, tzinfo=AMS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, datetime(2026, 11, 20, 8, 0, tzinfo=AMS)),
        ("now", datetime(2026, 11, 20, 8, 0, tzinfo=AMS)),
        ("02:40", datetime(2026, 11, 20, 2, 40, tzinfo=AMS)),
        ("2:40", datetime(2026, 11, 20, 2, 40, tzinfo=AMS)),
        ("08:01", datetime(2026, 11, 20, 8, 1, tzinfo=AMS)),  # within the clock skew
        ("23:15", datetime(2026, 11, 19, 23, 15, tzinfo=AMS)),  # the most recent past 23:15
        ("yesterday 03:10", datetime(2026, 11, 19, 3, 10, tzinfo=AMS)),
        ("Yesterday  03:10", datetime(2026, 11, 19, 3, 10, tzinfo=AMS)),
        ("today 01:00", datetime(2026, 11, 20, 1, 0, tzinfo=AMS)),
        ("2026-11-18 02:40", datetime(2026, 11, 18, 2, 40, tzinfo=AMS)),
        ("2026-11-18T02:40", datetime(2026, 11, 18, 2, 40, tzinfo=AMS)),
        ("2026-11-18T01:40:00+00:00", datetime(2026, 11, 18, 2, 40, tzinfo=AMS)),
    ],
)
def test_parse_at(text: str | None, expected: datetime) -> None:
    parsed = parse_at(text, now=NOW, zone="Europe/Amsterdam")
    assert parsed == expected
    assert parsed.tzinfo is not None and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text", ["25:00", "02:61", "soon", "yesterday", "2026-13-01", "2026-11-31 02:00"]
)
def test_parse_at_refuses(text: str) -> None:
    with pytest.raises(DiaryError, match=r"^at: "):
        parse_at(text, now=NOW, zone="Europe/Amsterdam")


def test_parse_at_on_dst_nights() -> None:
    spring = datetime(2026, 3, 29, 9, 0, tzinfo=AMS)
    with pytest.raises(DiaryError, match="did not exist"):
        parse_at("02:30", now=spring, zone="Europe/Amsterdam")
    assert parse_at("03:30", now=spring, zone="Europe/Amsterdam").utcoffset() == timedelta(hours=2)
    autumn = datetime(2026, 10, 25, 9, 0, tzinfo=AMS)
    first = parse_at("02:30", now=autumn, zone="Europe/Amsterdam")
    assert first.utcoffset() == timedelta(hours=2)  # the first 02:30 of the two
    assert parse_at(
        "01:30", now=datetime(2026, 11, 1, 9, 0, tzinfo=NY), zone="America/New_York"
    ).utcoffset() == timedelta(hours=-4)

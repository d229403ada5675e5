"""Issue 16, item 4: charts and rates you can trust.

No rate a night or a week below `rates.MIN_RATE_NIGHTS` nights (the counts instead, and how
many nights a rate needs); weeks counted, never scaled, a partial week marked; charts with
a labelled y-axis of round ticks that fit a 360 px screen; the web page and the PDF giving
the same numbers in the same words; plurals right. The browser part (Debian's chromium,
Playwright) takes the screenshots of Insights with 2 nights and with two years of nights
at 360, 390 px and desktop widths into artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient

from crampcoach.diary.night import night_in_zone
from crampcoach.export.diary_json import write_json
from crampcoach.fixtures.diary import generate_history
from crampcoach.fixtures.planted_history import episodes_for_counts
from crampcoach.insights import summarize_diary
from crampcoach.insights.rates import MIN_RATE_NIGHTS
from crampcoach.insights.report_content import report_content
from crampcoach.insights.trends import weekly_trend
from crampcoach.plurals import count_of, plural_of
from crampcoach.services.diary_files import import_diary
from crampcoach.services.insights import diary_data
from crampcoach.services.storage import open_store, utc_now
from crampcoach.settings import Settings
from crampcoach.web.bar_chart import (
    CHAR_PX,
    MIN_PLOT_PX,
    bar_chart,
    label_every,
    nice_ticks,
)
from unavailable import unavailable, under_ci
from web_client import profiled_client, sqlite_settings

ZONE = "Europe/Amsterdam"
MONDAY = date(2026, 3, 2)
ROOT = Path(__file__).resolve().parents[1]
TWO_NIGHTS = (
    "2 cramps on 2 nights logged so far; a rate per night or per week needs at least 14 nights"
)
A_RATE = re.compile(r"\d a (night|week)\b")  # "0.43 a night", "about 3.0 a week"


def _summary(counts: list[int], first: date = MONDAY):  # type: ignore[no-untyped-def]
    episodes = episodes_for_counts(first, np.array(counts), seed=1)
    last = first + timedelta(days=len(counts) - 1)
    return summarize_diary(episodes, set(), first_night=first, last_night=last)


# --- the core: counts below the minimum, rates from it on ------------------------------


def test_two_nights_give_counts_and_how_many_nights_not_a_rate() -> None:
    s = _summary([1, 1])
    assert (s.nights, s.cramps, s.nights_with_cramps) == (2, 2, 2)
    assert s.cramps_per_night is None and s.cramps_per_week is None
    assert s.headline == TWO_NIGHTS
    assert s.reading[0] == TWO_NIGHTS + "."
    assert not A_RATE.search(s.reading[0])
    assert s.week_chart_reason == (
        "No chart of weeks yet: 2 nights logged so far, and a chart of cramps per week needs "
        "at least 14 nights (two whole weeks)."
    )
    # the week is counted as it is (2 cramps), marked partial, not stretched to 7 nights
    (week,) = s.weeks
    assert (week.start, week.nights, week.cramps, week.partial) == (MONDAY, 2, 2, True)


def test_the_minimum_is_one_constant_and_holds_at_its_edge() -> None:
    assert MIN_RATE_NIGHTS == 14
    below = _summary([1] * (MIN_RATE_NIGHTS - 1))
    assert below.cramps_per_week is None
    assert below.headline == (
        "13 cramps on 13 nights logged so far; a rate per night or per week needs at least "
        "14 nights"
    )
    at = _summary([1] * MIN_RATE_NIGHTS)
    assert at.cramps_per_night == 1.0 and at.cramps_per_week == 7.0
    assert at.headline == "14 cramps on 14 nights: 1.0 a night, about 7.0 a week"
    assert at.week_chart_reason is None
    some = _summary([0, 2, 0, 1] + [0] * 10)
    assert some.headline == "3 cramps on 2 of 14 nights: 0.21 a night, about 1.5 a week"
    quiet = _summary([0, 0])
    assert quiet.headline == (
        "No cramps logged over 2 nights so far; a rate per night or per week needs at least "
        "14 nights"
    )


def test_weeks_are_counted_and_partial_weeks_marked_not_scaled() -> None:
    # Thursday to the Sunday a week later: 4 nights, then a whole week
    s = _summary([1, 0, 2, 0] + [1] * 7 + [3, 0, 0], first=MONDAY + timedelta(days=3))
    assert [(w.nights, w.cramps, w.partial) for w in s.weeks] == [
        (4, 3, True),
        (7, 7, False),
        (3, 3, True),
    ]
    content = report_content(
        episodes_for_counts(
            MONDAY + timedelta(days=3), np.array([1, 0, 2, 0] + [1] * 7 + [3, 0, 0]), seed=1
        ),
        set(),
        first_night=s.first_night,
        last_night=s.last_night,
        profile=None,
        trial=None,
        screening=None,
        screening_taken_at=None,
        made_at=datetime(2026, 4, 1, 9, tzinfo=ZoneInfo("UTC")),
    )
    weekly = content.weekly
    assert weekly is not None
    assert weekly.bar_cramps == (3, 7, 3)  # the PDF's bars: the same counts
    assert weekly.bar_partial == (True, False, True)
    assert weekly.average == s.cramps_per_week == pytest.approx(13 / 14 * 7)


# --- plurals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word", "said"),
    [
        (1, "night", "1 night"),
        (0, "night", "0 nights"),
        (2, "week", "2 weeks"),
        (1, "routine night", "1 routine night"),
        (3, "no-routine night", "3 no-routine nights"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
    ],
)
def test_counted_words(n: int, word: str, said: str) -> None:
    assert count_of(n, word) == said


def test_one_of_everything_is_singular() -> None:
    s = _summary([1])
    assert s.headline.startswith("1 cramp on 1 night logged so far;")
    assert weekly_trend(s.weeks, "severity").reason == (
        "Not enough data for a trend: 1 week with cramps; at least 8 are needed."
    )
    assert plural_of("person") == "persons"  # irregular ones are given: count_of(n, w, plural)
    assert count_of(2, "person", "people") == "2 people"


HAND_PLURAL = re.compile(r"""== 1 else|'s' if|"s" if|[a-z]\(s\)""")  # "night(s)"
MINE = [
    "src/crampcoach/insights/reading.py",
    "src/crampcoach/insights/report_content.py",
    "src/crampcoach/insights/summary.py",
    "src/crampcoach/insights/weekly.py",
    "src/crampcoach/insights/trial_text.py",
    "src/crampcoach/web/routes/insights.py",
    "src/crampcoach/web/routes/trial.py",
    "src/crampcoach/web/templates/insights.html",
    "src/crampcoach/web/templates/trial.html",
    "src/crampcoach/web/templates/_chart.html",
    "src/crampcoach/cli/insights_cmd.py",
    "src/crampcoach/export/report_pdf.py",
]


@pytest.mark.parametrize("path", MINE)
def test_no_plural_is_made_by_hand(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert not HAND_PLURAL.search(text), f"{path}: use crampcoach.plurals.count_of"


# --- chart geometry --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (4, [0, 1, 2, 3, 4]),
        (7, [0, 2, 4, 6, 8]),
        (13, [0, 5, 10, 15]),
        (68, [0, 20, 40, 60, 80]),
        (120, [0, 50, 100, 150]),
    ],
)
def test_a_few_round_ticks(top: int, ticks: list[int]) -> None:
    assert nice_ticks(top) == ticks


def test_the_chart_has_a_labelled_y_axis_and_bars_on_its_scale() -> None:
    chart = bar_chart(
        [0, 3, 7],
        ["a", "b", "c"],
        ["a: 0", "b: 3", "c: 7"],
        rows=["a", "b", "c"],
        axis_label="Cramps",
    )
    assert chart.axis_label == "Cramps"
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6", "8"]
    assert chart.ticks[0].y == chart.base
    per_cramp = (chart.base - chart.ticks[-1].y) / 8
    for bar in chart.bars:
        assert bar.height == pytest.approx(bar.value * per_cramp, abs=0.01)
        assert bar.y + bar.height == pytest.approx(chart.base, abs=0.01)


@pytest.mark.parametrize(("bars", "chars"), [(26, 6), (24, 2), (8, 6), (105, 6), (3, 6)])
def test_labels_fit_side_by_side_on_the_narrowest_plot(bars: int, chars: int) -> None:
    chart = bar_chart(
        list(range(bars)),
        ["x" * chars] * bars,
        ["t"] * bars,
        rows=["r"] * bars,
        axis_label="Cramps",
        min_slots=8,
        newest_labelled=True,
    )
    width = chars * CHAR_PX
    starts = [b.x * MIN_PLOT_PX / 100 for b in chart.bars if b.label]
    assert starts, "no label at all"
    assert all(b - a >= width for a, b in pairwise(starts))
    assert starts[-1] + width <= MIN_PLOT_PX  # the last one does not run off the plot
    assert label_every(26, 6) > 1  # 26 weeks at 240 px: thinned


# --- the web page and the PDF ----------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return sqlite_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return profiled_client(settings, timezone=ZONE)


def _last_nights(count: int) -> list[date]:
    """The `count` nights before tonight (so all of them are over)."""
    tonight = night_in_zone(utc_now(), ZONE)
    return [tonight - timedelta(days=count - i) for i in range(count)]


def _log_at_3am(client: TestClient, night: date) -> None:
    episode = {"leg": "left", "place": "calf", "severity": 6, "minutes": 2}
    episode["started_at"] = f"{night + timedelta(days=1)}T03:10:00"  # before noon: that night
    assert client.post("/api/episodes", json=episode).status_code == 201


def _pdf_text(client: TestClient, tmp_path: Path) -> str:
    answer = client.get("/report.pdf")
    assert answer.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(answer.content)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _page_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


needs_pdftotext = pytest.mark.skipif(
    not os.path.exists("/usr/bin/pdftotext") and not under_ci(),
    reason="needs poppler-utils (pdftotext); bash scripts/test installs it",
)


@needs_pdftotext
def test_two_nights_on_the_page_and_in_the_pdf(client: TestClient, tmp_path: Path) -> None:
    for night in _last_nights(2):
        _log_at_3am(client, night)
    html = client.get("/insights").text
    page = _page_text(html)
    pdf = _pdf_text(client, tmp_path)
    for said in (
        TWO_NIGHTS,
        "No chart of weeks yet: 2 nights logged so far, and a chart of cramps per week needs "
        "at least 14 nights (two whole weeks).",
        f"Nights {_day(_last_nights(2)[0])} to {_day(_last_nights(2)[1])} (2 nights)",
    ):
        assert said in page, said
        assert said in pdf, said
    for text in (page, pdf):
        assert not re.search(r"about [\d.]+ a week|[\d.]+ cramps a night", text)
        assert not re.search(r"\b1 (nights|weeks|cramps)\b", text)
    # the hour chart: a y-axis with its label and round ticks; the numbers in a table
    assert 'class="chart-y"' in html and ">Cramps</text>" in html
    assert re.search(r'text-anchor="end">0</text>.*text-anchor="end">2</text>', html, re.S)
    assert "Show the numbers" in html and "<td>03:00 to 03:59</td><td>2</td>" in html
    # no week chart below the minimum, only its counts
    assert 'id="weeks-caption"' not in html and "<td>2</td>" in html


def _day(d: date) -> str:
    from crampcoach.insights.reading import day

    return day(d)


@needs_pdftotext
def test_half_a_year_on_the_page_and_in_the_pdf(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    nights = _last_nights(200)
    history = generate_history(nights=200, seed=5, end=nights[-1])
    path = tmp_path / "history.json"
    path.write_text(write_json(history), encoding="utf-8")
    store = open_store(settings)
    import_diary(store, path)
    html = client.get("/insights").text
    page = _page_text(html)
    pdf = _pdf_text(client, tmp_path)
    data = diary_data(store)
    s = summarize_diary(
        data.episodes, data.routine_nights, first_night=data.first_night, last_night=data.last_night
    )
    assert s.cramps_per_week is not None
    assert re.fullmatch(
        r"\d+ cramps on \d+ of 200 nights: [\d.]+ a night, about [\d.]+ a week", s.headline
    )
    assert s.headline in page and s.headline in pdf  # the same numbers in the same words
    from crampcoach.insights.reading import number

    assert f"Dashed line: {number(s.cramps_per_week)} a week over the whole period." in pdf
    # the web's weeks are the last 26 of the PDF's, the same counts
    rows = re.findall(r"<tr><td>(Week of [^<]+)</td><td>(\d+)</td></tr>", html)
    assert len(rows) == 26
    assert [int(n) for _, n in rows] == [w.cramps for w in s.weeks[-26:]]
    partial = [("partial" in name) for name, _ in rows]
    assert partial == [w.partial for w in s.weeks[-26:]]
    note = "Outlined bars: weeks the diary covers only in part, counted as they are."
    assert (note in page) == any(partial)  # the last week is partial on some days
    assert ("Outlined bars: weeks the diary covers only in part" in pdf) == any(
        w.partial for w in s.weeks
    )
    assert "the last 26 weeks (of 29; the report for your doctor charts them all)" in page


# --- in a real browser: screenshots, and labels that fit -------------------------------


def _browser_problem() -> str | None:
    from browser import problem

    return problem()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    reason = _browser_problem()
    if reason:
        unavailable(f"browser tests cannot run: {reason}")
    from web_server import crampcoach, running_server, server_env

    root = tmp_path_factory.mktemp("honest")
    nights = [night_in_zone(utc_now(), ZONE) - timedelta(days=d) for d in (2, 1)]
    two, years = root / "two", root / "years"
    for night in nights:
        at = f"{night + timedelta(days=1)} 03:10"
        logged = crampcoach(
            "log", "--at", at, "--leg", "left", "--where", "calf", "--severity", "6",
            "--minutes", "2", env=server_env(two),
        )  # fmt: skip
        assert logged.returncode == 0, logged.stderr
    history = root / "history.json"
    history.write_text(write_json(generate_history(nights=730, end=nights[-1])), encoding="utf-8")
    imported = crampcoach("import", str(history), env=server_env(years))
    assert imported.returncode == 0, imported.stderr
    with running_server(two) as small, running_server(years) as large:
        yield {"2-nights": small.url, "two-years": large.url}


CHART_TEXT = """() => [...document.querySelectorAll('figure.chart')].map(figure => {
  const frame = figure.querySelector('.chart-frame').getBoundingClientRect();
  const labels = [...figure.querySelectorAll('.chart-plot text')].map(t => {
    const r = t.getBoundingClientRect();
    return {left: r.left, right: r.right, height: r.height, text: t.textContent};
  });
  const ticks = [...figure.querySelectorAll('.chart-y text')].map(t => t.textContent);
  return {left: frame.left, right: frame.right, labels, ticks};
})"""
WIDTHS = {"360": 360, "390": 390, "desktop": 1280}


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("diary", ["2-nights", "two-years"])
def test_insights_fit_the_screen_with_readable_labels(
    servers: dict[str, str], browser, diary: str, size: str
) -> None:  # type: ignore[no-untyped-def]
    from browser import open_tab, shoot

    tab = open_tab(browser, viewport={"width": WIDTHS[size], "height": 800})
    try:
        tab.page.goto(servers[diary] + "insights")
        charts = tab.page.evaluate(CHART_TEXT)
        assert len(charts) == (1 if diary == "2-nights" else 2)
        for chart in charts:
            assert chart["ticks"][0] == "Cramps" and chart["ticks"][1] == "0"
            labels = sorted(chart["labels"], key=lambda label: label["left"])
            assert len(labels) >= 3
            for label in labels:
                assert label["height"] >= 10, f"squashed: {label}"  # 11 px text, unscaled
                assert chart["left"] - 1 <= label["left"] and label["right"] <= chart["right"] + 1
            for a, b in pairwise(labels):
                assert a["right"] <= b["left"], f"labels overlap: {a} {b}"
        shoot(tab.page, f"insights-{diary}", size)
        tab.assert_clean()  # no CSP violation, no console error
    finally:
        tab.close()

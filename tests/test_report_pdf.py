"""The report for the doctor: what it says (checked against summarize_diary and the trial
analysis), and the PDF itself (pages, A4, not blank, text extractable, nothing overlapping,
fonts of 8 pt and up, the same bytes every time)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from crampcoach.diary.models import Profile
from crampcoach.export.report_pdf import ALERT, render_report_pdf, report_figures
from crampcoach.fixtures.diary import DEFAULT_END, generate_history
from crampcoach.fixtures.planted_history import planted_trial
from crampcoach.insights import (
    analyse_trial,
    plan_trial,
    preventive_routine_nights,
    summarize_diary,
)
from crampcoach.insights.evidence import COCHRANE_2021, COPPIN_2005, HALLEGRAEFF_2012
from crampcoach.insights.reading import number
from crampcoach.insights.report_content import ReportContent, Section, day, report_content
from crampcoach.safety import screen
from unavailable import unavailable

if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
    unavailable(
        "needs poppler-utils (pdftoppm, pdftotext); bash scripts/test installs it", module=True
    )

MADE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LAST = DEFAULT_END
FIRST = LAST - timedelta(days=729)
A4 = 11.69 / 8.27
TRIAL_START = date(2026, 1, 5)
NO_RED_FLAGS = {
    "swollen-calf": "no",
    "long-cramp": "no",
    "wound-or-toxin": "no",
    "numbness-weakness": "no",
    "how-often": "less-than-weekly",
    "sleep": "no",
    "new-medicine": "no",
    "pregnant": "no",
    "kidney-disease": "no",
    "liver-disease": "no",
}


def _content(**given: object) -> ReportContent:
    args: dict[str, object] = {
        "profile": None,
        "trial": None,
        "screening": None,
        "screening_taken_at": None,
        "made_at": MADE,
    }
    args.update(given)
    return report_content(**args)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    return generate_history(nights=730)


@pytest.fixture(scope="module")
def two_years(history) -> ReportContent:  # type: ignore[no-untyped-def]
    return _content(
        episodes=history.episodes,
        routine_nights=preventive_routine_nights(history.sessions),
        first_night=FIRST,
        last_night=LAST,
        profile=history.profile,
    )


@pytest.fixture(scope="module")
def trial_content() -> tuple[ReportContent, object]:
    plan = plan_trial(TRIAL_START, seed=3, block_days=21, pairs=3)
    planted = planted_trial(plan, seed=3, base_rate=1.2, rate_ratio=0.5, adherence=0.95)
    result = analyse_trial(
        plan, planted.episodes, planted.routine_nights, today=plan.end + timedelta(days=1)
    )
    content = _content(
        episodes=planted.episodes,
        routine_nights=planted.routine_nights,
        first_night=plan.start,
        last_night=plan.end,
        trial=result,
        screening=screen(NO_RED_FLAGS),
        screening_taken_at=datetime(2026, 3, 1, 20, 0, tzinfo=UTC),
    )
    return content, result


def _render(content: ReportContent, tmp_path: Path) -> tuple[str, list[np.ndarray]]:
    """The PDF's text (whitespace collapsed) and its pages as RGB arrays at 50 dpi."""
    from matplotlib.image import imread

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report_pdf(content))
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [imread(str(p)) for p in sorted(tmp_path.glob("page-*.png"))]
    return " ".join(text.split()), pages


def _check_pages(pages: list[np.ndarray], count: tuple[int, ...]) -> None:
    assert len(pages) in count
    for page in pages:
        height, width = page.shape[:2]
        assert (width, height) == (414, 585)  # A4 at 50 dpi, rounded up
        assert height / width == pytest.approx(A4, rel=0.01)
        assert page[..., :3].std() > 0.05  # something is drawn (a blank page has 0)


# --- what the report says ---------------------------------------------------------------


def test_key_figures_are_those_of_summarize_diary(history, two_years) -> None:  # type: ignore[no-untyped-def]
    d = summarize_diary(
        history.episodes,
        preventive_routine_nights(history.sessions),
        first_night=FIRST,
        last_night=LAST,
    )
    assert two_years.insights == d
    facts = {f.label: f.value for f in two_years.facts}
    assert facts["Nights covered"] == "1 Nov 2024 to 31 Oct 2026 (730 nights)"
    assert (
        facts["Cramps logged"]
        == d.headline
        == (
            f"{d.cramps} cramps on {d.nights_with_cramps} of 730 nights: "
            f"{number(d.cramps_per_night or 0)} a night, "
            f"about {number(d.cramps_per_week or 0)} a week"
        )
    )
    assert facts["Medicines"] == "magnesium (self-chosen); amlodipine 5 mg"
    assert facts["Conditions"] == "high blood pressure"
    assert facts["Red-flag screening"] == "not taken"
    assert "Trial of the routine" not in facts
    weekly = two_years.weekly
    assert weekly is not None and weekly.bar_weeks == 1
    assert weekly.bar_cramps == tuple(w.cramps for w in d.weeks)  # as counted, not scaled
    assert weekly.bar_partial == tuple(w.partial for w in d.weeks)
    assert weekly.bar_partial[0] and not any(weekly.bar_partial[1:-1])
    assert two_years.hours == d.hours


def test_long_periods_pool_weeks_into_bars_without_losing_a_cramp() -> None:
    history = generate_history(nights=3650)
    first = LAST - timedelta(days=3649)
    content = _content(
        episodes=history.episodes, routine_nights=set(), first_night=first, last_night=LAST
    )
    weekly = content.weekly
    assert weekly is not None and weekly.bar_weeks == 5  # 522 weeks, at most 110 bars
    assert len(weekly.bar_starts) == 105
    spans = [len(content.insights.weeks[i : i + 5]) for i in range(0, 522, 5)]
    total = sum(r * n for r, n in zip(weekly.bar_cramps, spans, strict=True))
    assert total == pytest.approx(content.insights.cramps, rel=1e-12)


def test_trend_lines_go_through_the_mean_of_the_weekly_points(two_years) -> None:  # type: ignore[no-untyped-def]
    weekly, trend = two_years.weekly, two_years.insights.severity_trend
    line = weekly.severity_line
    assert line is not None and trend.slope_per_week is not None
    points = [(i, v) for i, v in enumerate(weekly.mean_severity) if v is not None]
    weeks = (line.last_week - line.first_week).days / 7
    assert line.last_value - line.first_value == pytest.approx(trend.slope_per_week * weeks)
    xs, ys = zip(*points, strict=True)
    mid = (line.first_value + line.last_value) / 2
    at_mean = mid + trend.slope_per_week * (np.mean(xs) - (xs[0] + xs[-1]) / 2)
    assert at_mean == pytest.approx(np.mean(ys))
    assert line.clear is (trend.direction in ("up", "down"))


def test_every_citation_has_its_source_and_every_source_is_cited(trial_content) -> None:  # type: ignore[no-untyped-def]
    content, _ = trial_content
    cited = {
        int(n) for s in content.sections for line in s.lines for n in re.findall(r"\[(\d+)\]", line)
    }
    assert cited == set(range(1, len(content.sources) + 1))
    assert {HALLEGRAEFF_2012, COPPIN_2005, COCHRANE_2021} <= set(content.sources)


def test_too_little_data_gives_reasons_not_numbers() -> None:
    history = generate_history(nights=20)
    content = _content(
        episodes=history.episodes,
        routine_nights=preventive_routine_nights(history.sessions),
        first_night=LAST - timedelta(days=19),
        last_night=LAST,
    )
    text = " ".join(line for s in content.sections for line in s.lines)
    assert "not enough data for a trend" in text
    assert "No rate ratio: Too few nights to compare" in text
    assert "Rate ratio" not in text
    assert content.weekly is not None and content.weekly.severity_line is None
    assert any(f.label == "Too little data" for f in content.facts)


# --- the PDF ----------------------------------------------------------------------------


def test_two_years_make_a_readable_report(history, two_years, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = two_years.insights
    text, pages = _render(two_years, tmp_path)
    _check_pages(pages, (2,))
    for expected in (
        "Night leg cramps: diary report",
        "Made 1 Nov 2026 09:00 UTC",
        f"({d.nights} nights)",
        f"{d.cramps} cramps on {d.nights_with_cramps} of {d.nights} nights",
        "Pain severity and cramp length",
        "Time of night",
        f"right {d.legs['right']} ",
        f"calf {d.places['calf']} ",
        f"stretching {d.helped['stretching']} ",
        f"was done on {d.adherence.routine_nights} of {d.nights} nights",
        "Observational",
        "Red-flag screening Not taken.",
        "amlodipine 5 mg",
        "high blood pressure",
        "a self-kept diary; not a diagnosis",
        "Page 1 of 2",
        "Page 2 of 2",
        "Stretching before sleep reduces the frequency",  # Hallegraeff 2012, in the sources
    ):
        assert expected in text, expected
    assert "Trial of the routine" not in text


def test_a_trial_shows_effect_interval_p_value_and_caveats(trial_content, tmp_path) -> None:  # type: ignore[no-untyped-def]
    content, result = trial_content
    effect = result.effect
    assert effect.ratio is not None and effect.low is not None and effect.high is not None
    text, pages = _render(content, tmp_path)
    _check_pages(pages, (1, 2))
    assert (
        f"rate ratio {effect.ratio:.2f} (95% interval {effect.low:.2f} to {effect.high:.2f}" in text
    )
    assert f"p = {number(result.test.p_value)}" in text
    assert f"Finished with the night of {day(result.plan.end)}." in text
    assert "Caveats: no blinding; carry-over; regression to the mean;" in text
    assert "Kravitz RL, Duan N" in text  # the N-of-1 design's source
    assert "No answer was one of the listed warning signs." in text
    assert "INTERIM" not in text


def test_an_interim_trial_is_flagged(trial_content) -> None:  # type: ignore[no-untyped-def]
    _, finished = trial_content
    plan = finished.plan
    planted = planted_trial(plan, seed=3, base_rate=1.2, rate_ratio=0.5, adherence=0.95)
    today = plan.start + timedelta(days=60)
    result = analyse_trial(plan, planted.episodes, planted.routine_nights, today=today)
    content = _content(
        episodes=planted.episodes,
        routine_nights=planted.routine_nights,
        first_night=plan.start,
        last_night=today - timedelta(days=1),
        trial=result,
    )
    trial = next(s for s in content.sections if s.title == "Trial of the routine")
    assert f"INTERIM: 60 of {plan.nights} nights done; the result may change." in trial.lines
    assert "the trial is still running" in trial.lines[-1]
    assert next(f for f in content.facts if f.label == "Trial of the routine").value.startswith(
        "interim: "
    )


def test_a_trial_not_started_says_so_without_numbers(trial_content) -> None:  # type: ignore[no-untyped-def]
    plan = trial_content[1].plan
    result = analyse_trial(plan, [], set(), today=plan.start - timedelta(days=1))
    content = _content(
        episodes=[], routine_nights=set(), first_night=FIRST, last_night=plan.start, trial=result
    )
    trial = next(s for s in content.sections if s.title == "Trial of the routine")
    assert trial.lines[1] == "Not started: its first night is 5 Jan 2026."
    assert not any(line.startswith(("Effect", "Randomisation")) for line in trial.lines)
    fact = next(f for f in content.facts if f.label == "Trial of the routine")
    assert fact.value == "not started: no effect estimate yet"
    # on its first night (tonight = its start) it runs, with no number yet
    first = analyse_trial(plan, [], set(), today=plan.start)
    content = _content(
        episodes=[], routine_nights=set(), first_night=FIRST, last_night=plan.start, trial=first
    )
    trial = next(s for s in content.sections if s.title == "Trial of the routine")
    assert trial.lines[1] == (
        "Started with the night of 5 Jan 2026; no night of it is finished yet."
    )
    assert not any(line.startswith(("Effect", "Randomisation")) for line in trial.lines)


def test_an_empty_diary_gives_one_page_saying_so(tmp_path: Path) -> None:
    content = _content(
        episodes=[], routine_nights=set(), first_night=date(2026, 10, 1), last_night=LAST
    )
    assert content.weekly is None and content.hours is None and not content.has_entries
    text, pages = _render(content, tmp_path)
    _check_pages(pages, (1,))
    assert "There are no diary entries for these nights" in text
    assert "(31 nights)" in text
    assert "Page 1 of 1" in text
    assert all(not fig.axes for fig in report_figures(content))  # no empty charts


def test_an_urgent_red_flag_is_shown_in_red_with_its_source(history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = screen({"swollen-calf": "yes", "how-often": "weekly"})
    content = _content(
        episodes=history.episodes,
        routine_nights=set(),
        first_night=FIRST,
        last_night=LAST,
        profile=history.profile,
        screening=result,
        screening_taken_at=datetime(2026, 10, 19, 23, 30, tzinfo=UTC),  # 01:30 in Amsterdam
    )
    text, pages = _render(content, tmp_path)
    _check_pages(pages, (2,))
    assert "Get urgent care today (taken 20 Oct 2026); 2 warning signs in the answers" in text
    assert "Answer: yes. Pain with swelling, redness or warmth in one leg" in text
    dvt = content.sources.index(
        "NHS. Deep vein thrombosis (DVT). nhs.uk, NHS website for England. "
        "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/"
    )
    assert f"[{dvt + 1}] NHS. Deep vein thrombosis (DVT)" in text
    assert "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/" in text
    red = [
        t.get_text() for fig in report_figures(content) for t in fig.texts if t.get_color() == ALERT
    ]
    assert any(line.startswith("Get urgent care today: Is your calf") for line in red)
    assert not any("Mention it at your next appointment" in line for line in red)


def test_the_largest_profile_fits_beside_the_diary(tmp_path: Path) -> None:
    padding = ", and a long description of how and when" * 4
    lines = [f"number {i} taken at night, 10 mg, with $water$ {padding}" for i in range(50)]
    profile = Profile(
        timezone="Europe/Amsterdam",
        medicines=[f"medicine {line}"[:200] for line in lines],
        conditions=[f"condition {line}"[:200] for line in lines],
    )  # the most the bounds allow: 20,000 characters, more than two pages if all shown
    content = _content(
        episodes=[], routine_nights=set(), first_night=FIRST, last_night=LAST, profile=profile
    )
    text, pages = _render(content, tmp_path)
    _check_pages(pages, (1, 2))
    assert "[Cut to two pages" not in text
    assert "medicine number 0 taken at night, 10 mg, with $water$" in text  # no mathtext
    assert "more (all in crampcoach)" in text
    assert "condition number 49" not in text
    assert "Sources [1] Hallegraeff JM" in text  # the sources are kept whole


def test_too_much_text_is_cut_to_two_pages_with_a_note(tmp_path: Path) -> None:
    content = _content(episodes=[], routine_nights=set(), first_night=FIRST, last_night=LAST)
    story = " ".join(f"paragraph {i} of a very long account of the nights" for i in range(40))
    long = Section("A long section", tuple(f"{story} ({i})" for i in range(12)))
    content = replace(content, sections=(*content.sections, long))
    text, pages = _render(content, tmp_path)
    _check_pages(pages, (2,))
    assert "[Cut to two pages: what follows here did not fit and is left out;" in text
    assert "Sources [1] Hallegraeff JM" in text  # the sources are kept whole


def test_the_same_content_gives_the_same_bytes(trial_content) -> None:  # type: ignore[no-untyped-def]
    content, _ = trial_content
    first = render_report_pdf(content)
    assert first.startswith(b"%PDF-") and first.rstrip().endswith(b"%%EOF")
    assert b"/CreationDate" not in first
    assert render_report_pdf(content) == first


def _layout_problems(content: ReportContent) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    problems = []
    for page, fig in enumerate(report_figures(content), start=1):
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        page_box = fig.bbox
        for t in fig.findobj(Text):
            if t.get_visible() and t.get_text() and t.get_fontsize() < 8:
                problems.append(f"page {page}: {t.get_text()!r} at {t.get_fontsize()} pt")
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.texts]
        charts = [ax.get_tightbbox(renderer) for ax in fig.axes]
        for text, box in boxes:
            if not (page_box.x0 <= box.x0 and box.x1 <= page_box.x1 and box.y0 >= 0):
                problems.append(f"page {page}: {text!r} runs off the page")
            if any(_overlap(box, chart) for chart in charts):
                problems.append(f"page {page}: {text!r} overlaps a chart")
        for (a, box_a), (b, box_b) in combinations(boxes, 2):
            if _overlap(box_a, box_b):
                problems.append(f"page {page}: {a!r} overlaps {b!r}")
        for chart_a, chart_b in combinations(charts, 2):
            if _overlap(chart_a, chart_b):
                problems.append(f"page {page}: two charts overlap")
    return problems


def _overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    """More than a pixel of common area (touching edges do not count)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > 1 and height > 1


@pytest.mark.parametrize("case", ["two years", "trial", "empty", "urgent", "cut"])
def test_no_text_overlaps_or_runs_off_and_fonts_are_8_pt_or_more(
    case: str,
    history,
    two_years,
    trial_content,  # type: ignore[no-untyped-def]
) -> None:
    every_flag = screen(
        {key: ("most-nights" if key == "how-often" else "yes") for key in NO_RED_FLAGS}
    )
    contents = {
        "two years": lambda: two_years,
        "trial": lambda: trial_content[0],
        "empty": lambda: _content(
            episodes=[], routine_nights=set(), first_night=LAST, last_night=LAST
        ),
        "urgent": lambda: _content(
            episodes=history.episodes[:40],
            routine_nights=set(),
            first_night=FIRST,
            last_night=FIRST + timedelta(days=60),
            screening=every_flag,
            profile=history.profile,
        ),
        "cut": lambda: _content(
            episodes=history.episodes,
            routine_nights=set(),
            first_night=FIRST,
            last_night=LAST,
            screening=every_flag,
            profile=Profile.model_construct(  # as stored before the bounds
                timezone="UTC",
                bedtime=None,
                medicines=["a" * 400, *(f"medicine {i}" for i in range(60))],
                conditions=[],
            ),
        ),
    }
    assert _layout_problems(contents[case]()) == []


def test_the_layout_check_finds_an_overlap(
    two_years,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The check above can fail: lines set closer than their height are found."""
    import crampcoach.export.report_pdf as report_pdf

    monkeypatch.setattr(report_pdf, "_line_h", lambda size: size * 0.5 / 72)
    assert any("overlaps" in p for p in _layout_problems(two_years))

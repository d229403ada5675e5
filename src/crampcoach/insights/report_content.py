"""What the report for the doctor says: key facts, text per section, and the series for its
charts. Pure: episodes, routine nights, the profile, a trial and the stored red-flag
screening in; one frozen `ReportContent` out. The numbers come from `summarize_diary` and
`analyse_trial`; nothing is recomputed here, only worded.

The words are for a doctor: neutral ("logged", not "you logged"), counts as counted, no
number where the insights give none (their reason instead), and every statement about
medicine or the evidence with its source, numbered [n] in `ReportContent.sources`.
Nothing here diagnoses. What the person typed (medicines, conditions) is bounded here as
the diary's bounds say, whatever an older version or an import stored: long items end in
"…", long lists in "and N more".
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crampcoach.diary.bounds import MAX_ITEM_LENGTH, MAX_LIST_ITEMS
from crampcoach.diary.models import Episode, Profile
from crampcoach.insights.evidence import (
    AHRQ_2014,
    COCHRANE_2021,
    COPPIN_2005,
    HALLEGRAEFF_2012,
    WOODFIELD_2005,
)
from crampcoach.insights.patterns import HourCount
from crampcoach.insights.rate_ratio import RateRatio
from crampcoach.insights.rates import has_rate, rate_needs
from crampcoach.insights.reading import (
    MIN_PEAK_CRAMPS,
    count_of,
    day,
    number,
    peak_hour_reading,
    period_text,
    trend_reading,
)
from crampcoach.insights.summary import DiaryInsights, summarize_diary
from crampcoach.insights.trends import Trend
from crampcoach.insights.trial_analysis import TrialResult
from crampcoach.insights.trial_text import baseline_reading
from crampcoach.insights.weekly import WeekRow
from crampcoach.safety.screening import ScreeningResult

TITLE = "Night leg cramps: diary report"
DISCLAIMER = (
    "crampcoach report: a self-kept diary; not a diagnosis. Figures are what the person "
    "logged at home, not clinical measurements; a night without an entry counts as a night "
    "without cramps."
)
MODEL_NAMES = {"poisson": "Poisson", "quasi-poisson": "quasi-Poisson"}
MAX_BARS = 110  # bars in the chart of cramps per week; a longer period pools weeks
ELLIPSIS = "…"  # ends a clipped text


@dataclass(frozen=True)
class Fact:
    """One row of the key facts at the top of the report."""

    label: str
    value: str
    alert: bool = False  # an urgent red flag: shown so that it stands out


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]  # paragraphs, in order
    alert: bool = False  # the section holds an urgent red flag
    alert_lines: tuple[int, ...] = ()  # which lines are urgent


@dataclass(frozen=True)
class TrendLine:
    """A trend to draw: the fitted slope through the mean of the weekly points it was
    fitted to (a least-squares line passes through that mean), from the first week with
    cramps to the last."""

    first_week: date
    last_week: date
    first_value: float
    last_value: float
    clear: bool  # the interval of the slope excludes 0


@dataclass(frozen=True)
class WeeklySeries:
    """The weekly rows of the insights, as columns for the charts.

    The cramps chart shows cramps as counted in each calendar week, as the web page's
    does; a week the diary covers only in part is marked (`partial`), never scaled up.
    A long period pools weeks into spans of `bar_weeks` and shows each span's cramps
    divided by its weeks (its mean per week); a span holding a partial week is marked."""

    starts: tuple[date, ...]  # the Monday of each week
    cramps: tuple[int, ...]  # as counted in each week
    partial: tuple[bool, ...]  # the week is only partly covered by the diary
    mean_severity: tuple[float | None, ...]  # None in a week without cramps
    mean_duration_s: tuple[float | None, ...]
    severity_line: TrendLine | None  # None when the insights give no trend
    duration_line: TrendLine | None
    bar_weeks: int  # weeks pooled in each bar of the cramps chart: 1 unless the period is long
    bar_starts: tuple[date, ...]  # the first Monday of each bar
    bar_cramps: tuple[float, ...]  # cramps counted in each bar's weeks / its weeks
    bar_partial: tuple[bool, ...]  # the bar holds a partly covered week
    average: float | None  # cramps a week over the whole period; None below the minimum
    chart_reason: str | None  # why there is no chart of weeks (too few nights); None: there is


@dataclass(frozen=True)
class ReportContent:
    title: str
    period: str  # "Nights 1 Nov 2024 to 31 Oct 2026 (730 nights)"
    made: str  # "Made 1 Nov 2026 09:00 UTC"
    made_at: datetime
    insights: DiaryInsights
    has_entries: bool  # at least one cramp logged in the period
    facts: tuple[Fact, ...]
    weekly: WeeklySeries | None  # None when there is nothing to chart
    hours: tuple[HourCount, ...] | None  # cramps per local hour, night order; None as above
    sections: tuple[Section, ...]
    footer: str
    sources: tuple[str, ...]  # cited in the text as [1], [2], ... in this order
    trial: TrialResult | None = None
    screening: ScreeningResult | None = None


@dataclass
class _Citations:
    """Numbers sources in the order they are first cited."""

    sources: list[str] = field(default_factory=list)

    def cite(self, *sources: str) -> str:
        numbers = []
        for source in sources:
            if source not in self.sources:
                self.sources.append(source)
            numbers.append(self.sources.index(source) + 1)
        return "".join(f"[{n}]" for n in numbers)


def _local_day(moment: datetime, zone: str | None) -> str:
    """The day of an aware time in the person's zone (as given when there is none)."""
    if zone and moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(zone))
    return day(moment.date())


def _made(made_at: datetime) -> str:
    zone = made_at.tzname() if made_at.tzinfo else None
    return f"Made {day(made_at.date())} {made_at:%H:%M}" + (f" {zone}" if zone else "")


def _share(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else str(part)


def _counts(name: str, counted: dict[str, int], total: int) -> str:
    return f"{name}: " + ", ".join(f"{k} {_share(v, total)}" for k, v in counted.items()) + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rate(value: float | None) -> str:
    return "none" if value is None else number(value)


def _ratio_words(rr: RateRatio, routine: str, other: str) -> str:
    """'rate ratio 0.62 (95% interval 0.45 to 0.85; ...): fewer ...', or the reason."""
    if rr.ratio is None or rr.low is None or rr.high is None:
        return f"no rate ratio: {rr.reason or 'the model gave no answer.'}"
    verdict = {
        "fewer": f"fewer cramps {routine}",
        "more": f"more cramps {routine}",
    }.get(rr.verdict or "", "no clear difference (the interval includes 1)")
    return (
        f"rate ratio {rr.ratio:.2f} (95% interval {rr.low:.2f} to {rr.high:.2f}; {routine} "
        f"against {other}; {MODEL_NAMES.get(rr.model or '', rr.model)} model): {verdict}."
    )


def _trend_line(weeks: Sequence[WeekRow], trend: Trend, field_name: str) -> TrendLine | None:
    if trend.slope_per_week is None or trend.low is None or trend.high is None:
        return None
    points = [(i, getattr(w, field_name)) for i, w in enumerate(weeks)]
    points = [(i, v) for i, v in points if v is not None]
    mean_x = sum(i for i, _ in points) / len(points)
    mean_y = sum(v for _, v in points) / len(points)
    (first, _), (last, _) = points[0], points[-1]
    return TrendLine(
        first_week=weeks[first].start,
        last_week=weeks[last].start,
        first_value=mean_y + trend.slope_per_week * (first - mean_x),
        last_value=mean_y + trend.slope_per_week * (last - mean_x),
        clear=trend.direction in ("up", "down"),
    )


def _weekly(insights: DiaryInsights) -> WeeklySeries:
    weeks = insights.weeks
    pooled = max(1, math.ceil(len(weeks) / MAX_BARS))
    bars = [weeks[i : i + pooled] for i in range(0, len(weeks), pooled)]
    return WeeklySeries(
        starts=tuple(w.start for w in weeks),
        cramps=tuple(w.cramps for w in weeks),
        partial=tuple(w.partial for w in weeks),
        mean_severity=tuple(w.mean_severity for w in weeks),
        mean_duration_s=tuple(w.mean_duration_s for w in weeks),
        severity_line=_trend_line(weeks, insights.severity_trend, "mean_severity"),
        duration_line=_trend_line(weeks, insights.duration_trend, "mean_duration_s"),
        bar_weeks=pooled,
        bar_starts=tuple(bar[0].start for bar in bars),
        bar_cramps=tuple(sum(w.cramps for w in bar) / len(bar) for bar in bars),
        bar_partial=tuple(any(w.partial for w in bar) for bar in bars),
        average=insights.cramps_per_week,
        chart_reason=insights.week_chart_reason,
    )


def _cramp_sections(d: DiaryInsights) -> list[Section]:
    peak = peak_hour_reading(
        d.peak_hour, next((h.cramps for h in d.hours if h.hour == d.peak_hour), 0), d.cramps
    )
    return [
        Section(
            "Pain severity and cramp length",
            (
                trend_reading(d.severity_trend),
                trend_reading(d.duration_trend),
                "Severity is the person's own 0-10 rating; length is their own estimate. "
                "The charts show the mean of each week with cramps and the trend line "
                "(dashed when there is no clear trend).",
            ),
        ),
        Section(
            "Time of night",
            (f"{peak or _no_peak(d)} Hours are local clock time where the cramp began.",),
        ),
        Section(
            "Legs and places",
            (_counts("Leg", d.legs, d.cramps), _counts("Place", d.places, d.cramps)),
        ),
        Section(
            "What helped",
            (
                _counts("As noted with each cramp", d.helped, d.cramps)
                + " An entry may name several.",
            ),
        ),
    ]


def _no_peak(d: DiaryInsights) -> str:
    if not d.cramps:
        return "No time of night: no cramps were logged."
    return f"No hour stands out yet: none has {MIN_PEAK_CRAMPS} or more cramps."


def _group_rate(cramps: int, nights: int, rate: float | None, group: str) -> str:
    """'0.43 on nights with the routine (14 nights)'; below the minimum the count, '2
    cramps over 2 nights without the routine (no rate)'; 'no nights with the routine'."""
    if not nights:
        return f"no nights {group}"
    if rate is not None and has_rate(nights):
        return f"{_rate(rate)} on nights {group} ({count_of(nights, 'night')})"
    return f"{count_of(cramps, 'cramp')} over {count_of(nights, 'night')} {group} (no rate)"


def _adherence_section(d: DiaryInsights) -> Section:
    rr = d.routine_vs_other
    routine = _group_rate(rr.routine_cramps, rr.routine_nights, rr.routine_rate, "with the routine")
    other = _group_rate(rr.other_cramps, rr.other_nights, rr.other_rate, "without the routine")
    if has_rate(rr.routine_nights) and has_rate(rr.other_nights):
        rates_said = f"Cramps a night: {routine}, {other}."
    else:
        rates_said = (
            f"Cramps logged: {routine}; {other}. No rate is given below the minimum: "
            f"{rate_needs()}."
        )
    lines = [
        f"A preventive routine (bedtime stretches, completed) was done on "
        f"{d.adherence.routine_nights} of {count_of(d.nights, 'night')} "
        f"({d.adherence.share:.0%}).",
        rates_said,
        _capital(_ratio_words(rr, "with the routine", "without")),
    ]
    if rr.ratio is not None:
        caution = "Observational: the person chose when to do the routine, so this is not proof."
        if rr.verdict == "more":
            caution += " Routines are often done on nights when cramps are already bad."
        lines.append(caution)
    return Section("Routine adherence", tuple(lines))


def _short_caveat(caveat: str) -> str:
    """'No blinding: you know ...' -> 'no blinding'."""
    head = re.split(r"[:;]", caveat, maxsplit=1)[0].rstrip(".")
    return head[0].lower() + head[1:]


def _trial_status(t: TrialResult) -> str:
    if t.status == "not started":
        return f"Not started: its first night is {day(t.plan.start)}."
    if t.nights_done == 0:
        return f"Started with the night of {day(t.plan.start)}; no night of it is finished yet."
    if t.interim:
        return f"INTERIM: {t.nights_done} of {t.plan.nights} nights done; the result may change."
    return f"Finished with the night of {day(t.plan.end)}."


def _trial_section(t: TrialResult, cites: _Citations) -> Section:
    plan, test, a = t.plan, t.test, t.adherence
    lines = [
        f"Randomised N-of-1 trial {cites.cite(AHRQ_2014, WOODFIELD_2005)}: "
        f"a {plan.baseline_days}-night baseline, then {count_of(plan.pairs, 'pair')} of "
        f"{plan.block_days}-night blocks, routine or no routine in random order within each "
        f"pair; nights {day(plan.start)} to {day(plan.end)}; the first "
        f"{count_of(t.washout_days, 'night')} of each block left out (washout).",
        _trial_status(t),
    ]
    if t.nights_done > 0:
        lines.append("Effect: " + _ratio_words(t.effect, "in routine blocks", "no-routine blocks"))
        if test.p_value is None:
            lines.append(f"Randomisation test: no p-value. {test.reason or ''}".rstrip())
        else:
            lines.append(
                f"Randomisation test: p = {number(test.p_value)} (two-sided, "
                f"{count_of(test.pairs, 'completed pair')}; the smallest p it can give is "
                f"{number(test.min_p or 0)})."
            )
        followed = []
        if a.routine_nights:
            followed.append(
                f"routine done on {a.routine_done} of {a.routine_nights} routine nights"
            )
        if a.no_routine_nights:
            followed.append(
                f"left out on {a.no_routine_kept} of {a.no_routine_nights} no-routine nights"
            )
        if followed:
            lines.append("Plan followed: " + "; ".join(followed) + ".")
    baseline = baseline_reading(t.baseline_rate, t.baseline_cramps, t.baseline_nights)
    if baseline:
        lines.append(baseline)
    lines.append("Caveats: " + "; ".join(_short_caveat(c) for c in t.caveats) + ".")
    return Section("Trial of the routine", tuple(lines))


def _answer(answer: str) -> str:
    return answer.replace("-", " ")


def _screening_section(
    screening: ScreeningResult | None,
    taken_at: datetime | None,
    zone: str | None,
    cites: _Citations,
) -> Section:
    if screening is None:
        return Section("Red-flag screening", ("Not taken.",))
    when = f"Taken {_local_day(taken_at, zone)}" if taken_at else "Taken (date not recorded)"
    asked = len(screening.answers) + len(screening.unanswered)
    lines = [
        f"{when}, rules version {screening.rules_version}: {len(screening.answers)} of "
        f"{asked} questions answered. Overall: {screening.advice}."
    ]
    if not screening.findings:
        lines.append("No answer was one of the listed warning signs.")
    urgent = []
    for f in screening.findings:
        sources = cites.cite(*(f"{s.citation} {s.url}" for s in f.sources))
        if f.level == "urgent-today":
            urgent.append(len(lines))
        lines.append(f"{f.advice}: {f.question} Answer: {_answer(f.answer)}. {f.reason} {sources}")
    return Section("Red-flag screening", tuple(lines), bool(urgent), tuple(urgent))


def _evidence_section(cites: _Citations) -> Section:
    said = (
        "In a trial of 80 adults over 55, stretching before sleep for six weeks meant about "
        f"1.2 fewer cramps a night than no stretching {cites.cite(HALLEGRAEFF_2012)}; another "
        f"trial found no effect of calf stretching {cites.cite(COPPIN_2005)}; a Cochrane review "
        "rates the evidence for non-drug treatments as low-certainty "
        f"{cites.cite(COCHRANE_2021)}."
    )
    return Section("Evidence for stretching (context, not from this diary)", (said,))


LIST_BUDGET = 600  # characters of medicines (or conditions): some six lines of the report


def clip(text: str, most: int = MAX_ITEM_LENGTH) -> str:
    """A text cut to at most `most` characters, ending in an ellipsis when it was cut."""
    return text if len(text) <= most else text[: most - 1].rstrip() + ELLIPSIS


def _listed(profile: Profile | None, name: str) -> str:
    """A profile's list as one line, bounded whatever the store holds: each item clipped,
    and the list cut to about LIST_BUDGET characters with "and N more (all in
    crampcoach)", so that a long prescription list never pushes the diary's own findings
    off the two pages (the largest list allowed is 50 lines of 200 characters)."""
    if profile is None:
        return "no profile entered"
    items: list[str] = getattr(profile, name)
    if not items:
        return "none entered"
    shown: list[str] = []
    used = 0
    for item in items[:MAX_LIST_ITEMS]:
        text = clip(item)
        if shown and used + len(text) > LIST_BUDGET:
            break
        shown.append(text)
        used += len(text) + 2
    more = len(items) - len(shown)
    return "; ".join(shown) + (f"; and {more} more (all in crampcoach)" if more else "")


def _facts(
    d: DiaryInsights,
    profile: Profile | None,
    trial: TrialResult | None,
    screening: ScreeningResult | None,
    taken_at: datetime | None,
) -> tuple[Fact, ...]:
    cramps = (
        d.headline
        if d.cramps
        else "There are no diary entries for these nights: no cramps were logged."
    )
    facts = [
        Fact(
            "Nights covered",
            f"{day(d.first_night)} to {day(d.last_night)} ({count_of(d.nights, 'night')})",
        ),
        Fact("Cramps logged", cramps),
    ]
    if d.cramps and (d.severity_trend.reason or d.routine_vs_other.reason):
        facts.append(
            Fact(
                "Too little data",
                "some figures need more nights or cramps; each section below says what is missing",
            )
        )
    if screening is None:
        facts.append(Fact("Red-flag screening", "not taken"))
    else:
        zone = profile.timezone if profile else None
        when = f" (taken {_local_day(taken_at, zone)})" if taken_at else ""
        found = count_of(len(screening.findings), "warning sign")
        facts.append(
            Fact(
                "Red-flag screening",
                f"{screening.advice}{when}; {found} in the answers",
                alert=screening.level == "urgent-today",
            )
        )
    if trial is not None:
        effect = trial.effect
        said = (
            f"rate ratio {effect.ratio:.2f} (95% interval {effect.low:.2f} to {effect.high:.2f})"
            if effect.ratio is not None and effect.low is not None and effect.high is not None
            else "no effect estimate yet"
        )
        p = f", p = {number(trial.test.p_value)}" if trial.test.p_value is not None else ""
        status = {"running": "interim", "finished": "finished"}.get(trial.status, trial.status)
        facts.append(Fact("Trial of the routine", f"{status}: {said}{p}"))
    facts.append(Fact("Medicines", _listed(profile, "medicines")))
    facts.append(Fact("Conditions", _listed(profile, "conditions")))
    return tuple(facts)


def report_content(
    episodes: Sequence[Episode],
    routine_nights: Collection[date],
    *,
    first_night: date,
    last_night: date,
    profile: Profile | None,
    trial: TrialResult | None,
    screening: ScreeningResult | None,
    screening_taken_at: datetime | None,
    made_at: datetime,
) -> ReportContent:
    """What the report says about the nights first..last (both included).

    `routine_nights` are the nights with a completed preventive routine
    (`preventive_routine_nights`); `trial` an analysed trial, if any; `screening` the
    latest stored red-flag screening, None when none was taken. InsightsError when the
    last night is before the first.
    """
    d = summarize_diary(episodes, routine_nights, first_night=first_night, last_night=last_night)
    cites = _Citations()
    sections = _cramp_sections(d) if d.cramps else []
    sections.append(_adherence_section(d))
    zone = profile.timezone if profile else None
    sections.append(_screening_section(screening, screening_taken_at, zone, cites))
    if trial is not None:
        sections.append(_trial_section(trial, cites))
    sections.append(_evidence_section(cites))
    return ReportContent(
        title=TITLE,
        period=period_text(first_night, last_night, d.nights),
        made=_made(made_at),
        made_at=made_at,
        insights=d,
        has_entries=d.cramps > 0,
        facts=_facts(d, profile, trial, screening, screening_taken_at),
        weekly=_weekly(d) if d.cramps else None,
        hours=d.hours if d.cramps else None,
        sections=tuple(sections),
        footer=DISCLAIMER,
        sources=tuple(cites.sources),
        trial=trial,
        screening=screening,
    )

"""`crampcoach insights` and `crampcoach trial` (start, show, stop)."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from typing import Any

import typer

from crampcoach.cli.context import parse_night, parse_nights, store_from
from crampcoach.errors import UserError
from crampcoach.insights import DiaryInsights, TrialResult
from crampcoach.insights.reading import period_text
from crampcoach.insights.trial_text import NIGHT_RULE, length_text
from crampcoach.plurals import count_of
from crampcoach.services import trial as trial_service
from crampcoach.services.insights import summarized


def _interactive() -> bool:
    """A person at a terminal who can answer a question."""
    return sys.stdin.isatty()


def _plain(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _print_insights(found: DiaryInsights) -> None:
    print(f"{period_text(found.first_night, found.last_night, found.nights)}\n")
    for line in found.reading:
        print(f"- {line}")
    if found.cramps:
        legs = ", ".join(f"{k} {v}" for k, v in found.legs.items() if v)
        places = ", ".join(f"{k} {v}" for k, v in found.places.items() if v)
        helped = ", ".join(f"{k} {v}" for k, v in found.helped.items() if v) or "nothing noted"
        print(f"\nLegs: {legs}\nPlaces: {places}\nWhat helped: {helped}")
        if found.tags:
            tagged = ", ".join(
                f"{t.tag} on {count_of(t.nights, 'cramp night')}" for t in found.tags
            )
            print(f"Your tags (counts only, not causes): {tagged}")
        print()
        if found.week_chart_reason:
            print(found.week_chart_reason)
        recent = found.weeks[-8:]
        print("Week of     cramps  nights  routine nights   (as counted; * a partial week)")
        for week in recent:
            mark = "*" if week.partial else " "
            print(
                f"{week.start}  {week.cramps:6d}  {week.nights:4d}{mark} "
                f"  {week.routine_nights:d} of {week.nights}"
            )


def _print_trial(result: TrialResult) -> None:
    plan = result.plan
    print(
        f"Trial from {plan.start} to {plan.end} (seed {plan.seed}): {result.status}"
        + (" - interim result" if result.status == "running" else "")
    )
    print(length_text(plan))
    print("\nSchedule:")
    for block in plan.blocks:
        pair = "baseline" if block.pair == 0 else f"pair {block.pair}"
        print(f"  {block.first_night} to {block.last_night}  {pair:9}  {block.arm}")
    print()
    for line in result.reading:
        print(f"- {line}")
    print("\nCaveats:")
    for line in result.caveats:
        print(f"- {line}")


def register(app: typer.Typer) -> None:
    @app.command("insights")
    def insights(
        ctx: typer.Context,
        first: str | None = typer.Option(None, "--from", help="First night, YYYY-MM-DD."),
        last: str | None = typer.Option(None, "--to", help="Last night, YYYY-MM-DD."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object on stdout."),
    ) -> None:
        """What the diary says: cramps a night, trends, patterns, and routine nights against
        the others (an honest rate ratio, or why there is none yet)."""
        store = store_from(ctx)
        start, end = parse_nights(first, last)
        data, found = summarized(store, first=start, last=end)
        if as_json:
            print(json.dumps(_plain(found), indent=2))
        elif data.empty:
            print(
                "No entries yet: log a cramp with `crampcoach log` (or in the web app) and"
                " do the bedtime routine; insights need a few weeks of nights."
            )
        else:
            _print_insights(found)

    trial_app = typer.Typer(
        help="A personal trial (N-of-1): randomised blocks with and without the bedtime routine.",
        no_args_is_help=True,
    )
    app.add_typer(trial_app, name="trial")

    @trial_app.command("start")
    def start(
        ctx: typer.Context,
        first: str | None = typer.Option(None, "--start", help="First night (default tonight)."),
        seed: int | None = typer.Option(None, "--seed", help="Random seed (default: drawn)."),
        baseline: int = typer.Option(14, "--baseline-days", help="Baseline nights (7-14)."),
        block: int = typer.Option(14, "--block-days", help="Nights a block (14-56)."),
        pairs: int = typer.Option(3, "--pairs", help="Pairs of blocks (3-26)."),
    ) -> None:
        """Start a trial: a baseline, then pairs of blocks in random order; the plan is shown
        ahead, and each night's assignment is on the Today page. "Tonight" is the diary's
        night: before noon, the night that began yesterday evening."""
        store = store_from(ctx)
        night = parse_night(first, "--start")
        preview = trial_service.preview_trial(
            store, start=night, baseline_days=baseline, block_days=block, pairs=pairs
        )
        stored = trial_service.start_trial(
            store,
            start=night,
            seed=seed,
            baseline_days=baseline,
            block_days=block,
            pairs=pairs,
        )
        plan = stored.plan
        print(f"Trial started (seed {plan.seed}). {length_text(plan)}")
        if preview.before_noon:
            print(NIGHT_RULE)
        for b in plan.blocks:
            print(f"  {b.first_night} to {b.last_night}  {b.arm}")
        print("Each night, `crampcoach trial show` or the Today page says what tonight is.")

    @trial_app.command("show")
    def show(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="One JSON object on stdout."),
    ) -> None:
        """The trial's schedule, tonight's assignment, and its result so far."""
        store = store_from(ctx)
        result = trial_service.trial_result(store)
        if result is None:
            raise UserError("no trial yet; start one with `crampcoach trial start`")
        if as_json:
            print(json.dumps(_plain(result), indent=2))
            return
        overview = trial_service.trial_overview(store)
        if overview.tonight_text:
            print(overview.tonight_text)
            if overview.before_noon:
                print(NIGHT_RULE)
            print()
        _print_trial(result)

    @trial_app.command("stop")
    def stop(
        ctx: typer.Context,
        yes: bool = typer.Option(False, "--yes", "-y", help="Stop without asking."),
    ) -> None:
        """Stop the running trial early, after saying what that loses and asking (its
        result stays, marked interim); --yes stops without asking."""
        store = store_from(ctx)
        preview = trial_service.stop_preview(store)
        if not yes:
            if not _interactive():
                raise UserError("stopping a trial asks first: add --yes to stop without asking")
            plan = preview.trial.plan
            print(f"The trial runs from {plan.start} to {plan.end}. If you stop it now:")
            for line in preview.lines:
                print(f"- {line}")
            if not typer.confirm("Stop the trial?", default=False):
                print("Not stopped: the trial goes on.")
                return
        stored = trial_service.stop_trial(store)
        print(
            f"Trial stopped (it began {stored.plan.start}); `crampcoach trial show` has the result."
        )

"""`crampcoach insights` and `crampcoach trial` (start, show, stop)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

import typer

from crampcoach.cli.context import parse_night, settings_from
from crampcoach.errors import UserError
from crampcoach.insights import DiaryInsights, TrialResult, summarize_diary
from crampcoach.services import trial as trial_service
from crampcoach.services.insights import diary_data
from crampcoach.services.storage import store_for


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
    print(f"Insights for the nights {found.first_night} to {found.last_night}\n")
    for line in found.reading:
        print(f"- {line}")
    if found.cramps:
        legs = ", ".join(f"{k} {v}" for k, v in found.legs.items() if v)
        places = ", ".join(f"{k} {v}" for k, v in found.places.items() if v)
        helped = ", ".join(f"{k} {v}" for k, v in found.helped.items() if v) or "nothing noted"
        print(f"\nLegs: {legs}\nPlaces: {places}\nWhat helped: {helped}")
        recent = found.weeks[-8:]
        print("\nWeek of      cramps  a week  routine nights")
        for week in recent:
            print(
                f"{week.start}  {week.cramps:6d}  {week.cramps_per_week:6.1f}"
                f"  {week.routine_nights:d} of {week.nights}"
            )


def _print_trial(result: TrialResult) -> None:
    plan = result.plan
    print(
        f"Trial from {plan.start} to {plan.end} (seed {plan.seed}): {result.status}"
        + (" - interim result" if result.status == "running" else "")
    )
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
        store = store_for(settings_from(ctx))
        data = diary_data(store, first=parse_night(first, "--from"), last=parse_night(last, "--to"))
        found = summarize_diary(
            data.episodes,
            data.routine_nights,
            first_night=data.first_night,
            last_night=data.last_night,
        )
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
        ahead, and each night's assignment is on the Today page."""
        store = store_for(settings_from(ctx))
        stored = trial_service.start_trial(
            store,
            start=parse_night(first, "--start"),
            seed=seed,
            baseline_days=baseline,
            block_days=block,
            pairs=pairs,
        )
        plan = stored.plan
        print(f"Trial started: {plan.start} to {plan.end}, {plan.nights} nights, seed {plan.seed}.")
        for b in plan.blocks:
            print(f"  {b.first_night} to {b.last_night}  {b.arm}")
        print("Each night, `crampcoach trial show` or the Today page says what tonight is.")

    @trial_app.command("show")
    def show(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="One JSON object on stdout."),
    ) -> None:
        """The trial's schedule, tonight's assignment, and its result so far."""
        store = store_for(settings_from(ctx))
        result = trial_service.trial_result(store)
        if result is None:
            raise UserError("no trial yet; start one with `crampcoach trial start`")
        if as_json:
            print(json.dumps(_plain(result), indent=2))
            return
        tonight = trial_service.tonight(store)
        if tonight is not None:
            print(f"Tonight ({tonight.night}): {tonight.arm}\n")
        _print_trial(result)

    @trial_app.command("stop")
    def stop(ctx: typer.Context) -> None:
        """Stop the running trial early (its result stays, marked interim)."""
        stored = trial_service.stop_trial(store_for(settings_from(ctx)))
        print(
            f"Trial stopped (it began {stored.plan.start}); `crampcoach trial show` has the result."
        )

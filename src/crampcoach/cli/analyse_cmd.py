"""`crampcoach analyze PATH --exercise NAME`: count and measure an exercise in a video or
a landmark track file."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from crampcoach.cli.progress import frame_progress
from crampcoach.errors import UserError
from crampcoach.motion.registry import EXERCISES
from crampcoach.services.diary_files import shown_path

Exercise = StrEnum("Exercise", {name.replace("-", "_"): name for name in EXERCISES})  # type: ignore[misc]


class SideChoice(StrEnum):
    left = "left"
    right = "right"
    auto = "auto"


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The result for a person to read; one line when the exercise was not seen."""
    exercise = result["exercise"]
    lines = [f"{exercise}: {result['duration_s']:.1f} s analysed"]
    if not result.get("detected", True):
        return [f"{lines[0]}: not detected: {result['reason']}"]
    if "side" in result:
        lines[0] += f", {result['side']} foot"
    if exercise == "ankle-circles":
        c = result["circles"]
        lines.append(
            f"circles: {c['clockwise']} clockwise, {c['counterclockwise']} counterclockwise"
        )
    elif exercise == "toe-points":
        rom = result["range_of_motion_deg"]
        lines.append(f"toe points: {result['reps']}")
        lines.append(
            f"range of motion: {rom['plantarflexion']:.0f} deg pointed, "
            f"{rom['dorsiflexion']:.0f} deg flexed (from neutral)"
        )
    elif exercise == "toe-writing":
        moved = [x for x in result["letters"] if x["moved"]]
        lines.append(f"letters written: {len(moved)} of {len(result['letters'])}")
        for x in result["letters"]:
            if x["moved"]:
                size = f"{x['width_cm']:.0f} x {x['height_cm']:.0f} cm"
                size += " (estimated)" if x["size_estimated"] else ""
                lines.append(f"  {x['letter']}: {x['duration_s']:.1f} s, {size}")
            else:
                lines.append(f"  {x['letter']}: no movement seen")
    elif exercise == "childs-pose":
        lines.append(f"held: {result['hold_s']:.0f} s (longest {result['longest_hold_s']:.0f} s)")
        if result["breaths_per_min"] is not None:
            lines.append(f"breathing: about {result['breaths_per_min']:.0f} breaths a minute")
        else:
            lines.append(f"breathing: not measured ({result['breathing_note']})")
    return lines


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyse(
        path: Path = typer.Argument(..., help="A video file or a landmark track (.jsonl)."),
        exercise: Exercise = typer.Option(..., "--exercise", "-e", help="Which exercise it shows."),
        side: SideChoice = typer.Option(
            SideChoice.auto, "--side", help="The moving foot (auto: found from the motion)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
        plot: Path | None = typer.Option(
            None, "--plot", help="Draw the toe path and the signal with its events (PNG)."
        ),
        letter_every: float | None = typer.Option(
            None,
            "--letter-every",
            min=0.5,
            max=60,
            help="Toe writing: a letter was prompted every N seconds (default: split at pauses).",
        ),
        first_letter_at: float = typer.Option(
            0.0, "--first-letter-at", min=0, help="Toe writing: when A was prompted (seconds)."
        ),
    ) -> None:
        """Count and measure an exercise in a video or a landmark track."""
        from crampcoach.services.motion import analyse_recording, load_recording

        if plot is not None and plot.is_dir():  # before the work, not after it
            raise UserError(f"{shown_path(plot)} is a folder: give a file name for the plot")
        with frame_progress("finding the body") as advance:
            frames = load_recording(path, progress=advance, exercise=exercise.value)
        analysis = analyse_recording(
            frames,
            exercise.value,
            side=None if side is SideChoice.auto else side.value,  # type: ignore[arg-type]
            letter_every_s=letter_every,
            first_letter_s=first_letter_at,
            origin=str(path),
        )
        if plot is not None:
            from crampcoach.export.motion_plot import write_plot

            write_plot(plot, frames, analysis)
        if as_json:
            typer.echo(json.dumps(analysis.result, ensure_ascii=False))
        else:
            for line in summary_lines(analysis.result):
                typer.echo(line)
            if plot is not None:
                typer.echo(f"plot: {plot}")

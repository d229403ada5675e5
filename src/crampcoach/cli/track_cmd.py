"""`crampcoach track VIDEO -o TRACK.jsonl`: a video file's landmarks as a track file."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from crampcoach.cli.context import fail
from crampcoach.cli.progress import frame_progress
from crampcoach.errors import UserError

MIN_SIDE = 128  # smaller frames leave the pose model too little to see


def _check_max_side(value: int) -> int:
    if value != 0 and value < MIN_SIDE:
        raise typer.BadParameter(f"must be 0 (full size) or at least {MIN_SIDE} pixels")
    return value


def register(app: typer.Typer) -> None:
    @app.command("track")
    def track(
        video: Path = typer.Argument(..., help="A video file of the exercise (mp4, avi, mov...)."),
        output: Path = typer.Option(
            ..., "--output", "-o", help="The track file to write (JSON Lines, .jsonl)."
        ),
        max_side: int = typer.Option(
            1280,
            "--max-side",
            min=0,
            callback=_check_max_side,
            help="Scale frames down so the long side is at most N pixels; 0: full size.",
        ),
    ) -> None:
        """Find the body's landmarks in each frame of VIDEO and write them as a track file."""
        try:
            _run(video, output, max_side or None)
        except UserError as exc:  # the same one line as crampcoach's main() gives
            fail(str(exc), exc.exit_code)


def _run(video: Path, output: Path, max_side: int | None) -> None:
    from crampcoach.pose.tracking import track_video, write_track

    if output.exists() and video.exists() and output.resolve() == video.resolve():
        raise UserError(f"{output} is the video itself: choose another file for the track")
    started = time.perf_counter()
    with frame_progress("tracking") as advance:
        frames = track_video(video, progress=advance, max_side=max_side)
        summary = write_track(frames, output)
    seconds = time.perf_counter() - started
    rate = summary.frames / seconds if seconds > 0 else 0.0
    typer.echo(
        f"wrote {output}: {summary.frames} frames, {summary.found} with a person, "
        f"{summary.duration_s:.1f} s of video, tracked in {seconds:.1f} s ({rate:.0f} fps)"
    )

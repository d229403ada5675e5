"""What the terminal coach shows: pure functions from the player's state to Rich renderables."""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crampcoach.session import PlayerState, SessionRecord, Step, Timeline
from crampcoach.terminal.bigtext import big

LONG_CRAMP_S = 600  # NHS: see a doctor if a cramp lasts longer than 10 minutes
WAITING_PROMPT = "Press Enter or n when you are ready to go on."
KEYS_HELP = "space pause/resume · n next · b back · q quit"


def clock_text(seconds: float) -> str:
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def step_title(step: Step) -> str:
    side = f" ({step.leg} leg)" if step.leg else ""
    if step.kind == "rest":
        return step.instruction
    return f"{step.exercise_title}: {step.label}{side}"


def progress_line(fraction: float, width: int = 40) -> Text:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    bar = Text("█" * filled, style="cyan") + Text("░" * (width - filled), style="dim")
    return bar + Text(f" {fraction * 100:3.0f}% of the routine")


def big_figure(state: PlayerState) -> str:
    """The one large thing on screen: rep counter, letter, or countdown."""
    step = state.step
    if step is None:
        return big("0")
    if step.kind == "reps":
        current = min(int(state.count) + 1, int(step.planned))
        return big(f"{current}/{int(step.planned)}")
    if step.kind == "letters" and step.letters:
        position = min(int(state.count), len(step.letters) - 1)
        return big(step.letters[position])
    if step.kind == "confirm":
        return big(clock_text(state.active_s - state.step_entered_s))  # how long it has lasted
    return big(clock_text(state.step_remaining_s))


def render(
    state: PlayerState,
    timeline: Timeline,
    *,
    last_cue: str,
    notice: str | None = None,
    speed: float = 1.0,
    long_cramp: str = "",
) -> RenderableType:
    step = state.step
    header = f"crampcoach · {timeline.routine_title} · {timeline.leg} leg"
    if speed != 1:
        header += f" · {speed:g}x"
    elapsed = clock_text(state.progress * timeline.total_s)
    if step is None:
        return Panel(Text("Finished."), title=header)
    colour = "cyan" if step.kind != "rest" else "green"
    parts: list[RenderableType] = [
        Text(step_title(step), style=f"bold {colour}"),
        Text(step.instruction, style="dim" if step.kind == "rest" else ""),
        Text(""),
        Text(big_figure(state), style=f"bold {colour}", justify="center"),
        Text(""),
        Text(last_cue, style="bold", justify="center"),
    ]
    if (
        long_cramp
        and step.kind == "confirm"
        and state.active_s - state.step_entered_s >= LONG_CRAMP_S
    ):
        parts.append(Text(long_cramp, style="bold red", justify="center"))
    if state.waiting:
        parts.append(
            Text(
                "Press Enter or n when you are ready to go on.",
                style="bold yellow",
                justify="center",
            )
        )
    parts.append(Text(""))
    following = state.next_step
    parts.append(
        Text(f"Next: {step_title(following)}" if following else "Next: the summary", style="italic")
    )
    parts.append(progress_line(state.progress))
    status = Text(KEYS_HELP, style="dim")
    if state.paused:
        status = Text("PAUSED · press space to resume · ", style="bold reverse yellow") + status
    parts.append(status)
    if notice:
        parts.append(Text(notice, style="dim yellow"))
    return Panel(
        Group(*parts),
        title=header,
        subtitle=f"{elapsed} / {clock_text(timeline.total_s)}",
        border_style=colour,
    )


def _amount(value: float, unit: str) -> str:
    if unit == "seconds":
        return f"{value:.0f} s"
    if unit == "confirm":
        return "yes" if value else "no"
    return f"{value:.0f}"


def summary(record: SessionRecord) -> RenderableType:
    """A table of each exercise step, planned against done, and a one-line verdict."""
    table = Table(title=f"{record.routine_title}: what you did", title_justify="left")
    for column in ("Exercise", "Step", "Leg", "Planned", "Done", "Status"):
        table.add_column(column, justify="right" if column in ("Planned", "Done") else "left")
    styles = {"done": "green", "partial": "yellow", "skipped": "red", "not reached": "dim"}
    for step in record.exercise_steps:
        table.add_row(
            step.exercise_id,
            step.label,
            step.leg or "-",
            _amount(step.planned, step.unit),
            _amount(step.done, step.unit),
            Text(step.status, style=styles[step.status]),
        )
    style = "bold green" if record.completed else "bold yellow"
    return Group(table, Text(record.verdict, style=style))

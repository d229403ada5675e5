"""`crampcoach log` and `crampcoach diary` (list, edit, delete, undo)."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from crampcoach.cli.context import parse_night, store_from
from crampcoach.cli.diary_format import nights_table, one_line
from crampcoach.diary.bounds import MAX_NIGHTS, excerpt
from crampcoach.diary.duplicates import LikelyDuplicate
from crampcoach.diary.models import HELPED, LEGS, PLACES
from crampcoach.diary.text import sentence
from crampcoach.diary.when import parse_at, when_words
from crampcoach.errors import UserError
from crampcoach.services import diary
from crampcoach.services.storage import utc_now

LEG_HELP = "left, right or both"
PLACE_HELP = "foot, ankle, calf or thigh"


def _interactive() -> bool:
    return sys.stdin.isatty()


def _expand(answer: str, choices: tuple[str, ...]) -> str:
    """Accept a unique first letter or prefix ("r" for right) as well as the word."""
    word = answer.strip().lower()
    matches = [choice for choice in choices if choice.startswith(word)] if word else []
    return matches[0] if len(matches) == 1 else word


def _list(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _minutes(answer: str) -> float | None:
    """Minutes as typed at the prompt; None for "don't know" (an empty answer)."""
    text = answer.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise UserError(f"minutes: not a number (got {answer.strip()[:20]!r})") from None


def _at(at: str | None, rest: list[str] | None) -> str | None:
    """`--at yesterday 03:10` without quotes arrives as `--at yesterday` plus `03:10`."""
    if rest:
        if at is None:
            raise UserError(f"unexpected argument {excerpt(rest[0])}")
        return " ".join([at, *rest])
    return at


def register(app: typer.Typer) -> None:
    @app.command("log")
    def log(
        ctx: typer.Context,
        leg: str | None = typer.Option(None, "--leg", help=LEG_HELP),
        where: str | None = typer.Option(None, "--where", help=PLACE_HELP),
        severity: int | None = typer.Option(None, "--severity", help="0 (none) to 10 (worst)."),
        minutes: float | None = typer.Option(
            None, "--minutes", help="How long it lasted; leave it out when you do not know."
        ),
        at: str | None = typer.Option(
            None,
            "--at",
            help='When: "now" (default), "02:40", "3am", "yesterday 03:10", "2026-11-20 02:40".',
        ),
        at_rest: list[str] | None = typer.Argument(None, hidden=True, metavar=""),
        woke: bool = typer.Option(True, "--woke/--no-woke", help="Did it wake you?"),
        helped: list[str] | None = typer.Option(None, "--helped", help=", ".join(HELPED)),
        tag: list[str] | None = typer.Option(None, "--tag", help="e.g. 'hard exercise'."),
        pain_after: int | None = typer.Option(None, "--pain-after", help="Pain afterwards, 0-10."),
        notes: str = typer.Option("", "--notes"),
        yes: bool = typer.Option(
            False, "--yes", "-y", help="Save it even if it looks like one already logged."
        ),
    ) -> None:
        """Log a cramp in one line, or answer a few questions."""
        when = _at(at, at_rest)
        missing = [
            flag
            for flag, value in (
                ("--leg", leg),
                ("--where", where),
                ("--severity", severity),
            )
            if value is None
        ]
        if missing and not _interactive():
            raise UserError(f"missing {', '.join(missing)} (or run in a terminal to be asked)")
        if leg is None:
            leg = _expand(typer.prompt(f"Which leg ({LEG_HELP})"), LEGS)
        if where is None:
            where = _expand(typer.prompt(f"Where ({PLACE_HELP})"), PLACES)
        if severity is None:
            severity = typer.prompt("How bad, 0-10", type=int)
        if minutes is None and missing and _interactive():
            answer = typer.prompt("How many minutes (Enter if you do not know)", default="")
            minutes = _minutes(answer)
        store = store_from(ctx)
        zone = diary.user_zone(store)
        entry = {
            "leg": _expand(leg, LEGS),
            "place": _expand(where, PLACES),
            "severity": severity,
            "minutes": minutes,
            "started_at": parse_at(when, now=utc_now(), zone=zone),
            "zone": zone,
            "woke": woke,
            "helped": _list(helped),
            "tags": _list(tag),
            "pain_after": pain_after,
            "notes": notes,
        }
        try:
            logged = diary.log_cramp_once(store, allow_duplicate=yes, **entry)
        except LikelyDuplicate as exc:
            if not _interactive():
                raise UserError(f"{exc}: add --yes") from None
            if not typer.confirm(f"{sentence(exc.reason)}. Save it as another cramp?"):
                raise UserError("not saved: it is the cramp already logged") from None
            logged = diary.log_cramp_once(store, allow_duplicate=True, **entry)
        episode = logged.episode
        when_said = when_words(episode.started_at, now=utc_now(), zone=episode.zone)
        print(f"saved {one_line(episode)} ({when_said})")
        if logged.offer_screening:
            print(
                "That was a severe or long cramp. A few questions can tell whether to see a"
                " doctor: crampcoach screen"
            )

    group = typer.Typer(
        help="The cramp diary: recent nights, edit, delete, undo.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @group.callback()
    def show(
        ctx: typer.Context,
        nights: int = typer.Option(
            30, "--nights", min=1, max=MAX_NIGHTS, help="How many recent nights."
        ),
        date_from: str | None = typer.Option(None, "--from", help="First night, YYYY-MM-DD."),
        date_to: str | None = typer.Option(None, "--to", help="Last night, YYYY-MM-DD."),
        leg: str | None = typer.Option(None, "--leg", help=LEG_HELP),
        where: str | None = typer.Option(None, "--where", help=PLACE_HELP),
        min_severity: int | None = typer.Option(None, "--min-severity"),
        max_severity: int | None = typer.Option(None, "--max-severity"),
    ) -> None:
        """A table of recent nights (the last 30 unless --from/--to say otherwise)."""
        if ctx.invoked_subcommand is not None:
            return
        store = store_from(ctx)
        night_from = parse_night(date_from, "--from")
        where_filter = diary.recent_filter(
            store,
            nights=None if night_from else nights,
            night_from=night_from,
            night_to=parse_night(date_to, "--to"),
            leg=leg,
            place=where,
            min_severity=min_severity,
            max_severity=max_severity,
        )
        found = diary.list_nights(store, where_filter)
        console = Console()
        if not found:
            console.print("No cramps logged for these nights. Log one: crampcoach log")
            return
        console.print(nights_table(found))
        count = sum(len(night.episodes) for night in found)
        cramps = "cramp" if count == 1 else "cramps"
        nights = "night" if len(found) == 1 else "nights"
        console.print(f"\n{count} {cramps} on {len(found)} {nights}.")

    @group.command("edit")
    def edit(
        ctx: typer.Context,
        episode_id: str = typer.Argument(..., metavar="ID"),
        leg: str | None = typer.Option(None, "--leg", help=LEG_HELP),
        where: str | None = typer.Option(None, "--where", help=PLACE_HELP),
        severity: int | None = typer.Option(None, "--severity"),
        minutes: float | None = typer.Option(None, "--minutes"),
        at: str | None = typer.Option(None, "--at"),
        woke: bool | None = typer.Option(None, "--woke/--no-woke"),
        helped: list[str] | None = typer.Option(None, "--helped"),
        tag: list[str] | None = typer.Option(None, "--tag", help="Replaces the tags."),
        pain_after: int | None = typer.Option(None, "--pain-after"),
        notes: str | None = typer.Option(None, "--notes"),
    ) -> None:
        """Change an entry (give the fields to change; in a terminal, asks when none are given)."""
        store = store_from(ctx)
        changes = {
            "leg": leg and _expand(leg, LEGS),
            "place": where and _expand(where, PLACES),
            "severity": severity,
            "woke": woke,
            "helped": _list(helped) if helped is not None else None,
            "tags": _list(tag) if tag is not None else None,
            "pain_after": pain_after,
            "notes": notes,
        }
        if all(v is None for v in (*changes.values(), minutes, at)) and _interactive():
            current = diary.get_episode(store, episode_id)
            print(one_line(current))
            changes["leg"] = _expand(typer.prompt("Leg", default=current.leg), LEGS)
            changes["place"] = _expand(typer.prompt("Where", default=current.place), PLACES)
            changes["severity"] = typer.prompt("Severity", default=current.severity, type=int)
            minutes = typer.prompt("Minutes", default=current.duration_s / 60, type=float)
            changes["notes"] = typer.prompt("Notes", default=current.notes or "-").strip("-")
        started_at = None
        if at is not None:  # read in the entry's own zone
            zone = diary.get_episode(store, episode_id).zone
            started_at = parse_at(at, now=utc_now(), zone=zone)
        episode = diary.edit_episode(
            store, episode_id, started_at=started_at, minutes=minutes, **changes
        )
        print(f"changed {one_line(episode)}")

    @group.command("delete")
    def delete(
        ctx: typer.Context,
        episode_id: str = typer.Argument(..., metavar="ID"),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    ) -> None:
        """Delete an entry (after asking); `crampcoach diary undo` brings it back."""
        store = store_from(ctx)
        episode = diary.get_episode(store, episode_id)
        if not yes:
            if not _interactive():
                raise UserError("deleting asks first: add --yes to delete without asking")
            print(one_line(episode))
            if not typer.confirm("Delete this entry?", default=False):
                print("kept")
                return
        diary.delete_episode(store, episode.id)
        print(f"deleted {episode.id[:8]} (undo with: crampcoach diary undo)")

    @group.command("undo")
    def undo(ctx: typer.Context) -> None:
        """Bring back the most recently deleted entry."""
        episode = diary.undo_delete(store_from(ctx))
        print(f"restored {one_line(episode)}")

    app.add_typer(group, name="diary")

"""`crampcoach profile` and `crampcoach profile set`."""

from __future__ import annotations

import typer

from crampcoach.cli.context import store_from
from crampcoach.safety.countries import country_for_zone
from crampcoach.services import diary
from crampcoach.services.storage import system_zone


def register(app: typer.Typer) -> None:
    profile = typer.Typer(
        help="Your time zone, usual bedtime, medicines and conditions.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @profile.callback()
    def show(ctx: typer.Context) -> None:
        """Show the profile."""
        if ctx.invoked_subcommand is not None:
            return
        current = diary.get_profile(store_from(ctx))
        if current is None:
            print(f"No profile yet (time zone: {system_zone()}, from this computer).")
            print("Set one: crampcoach profile set --timezone Europe/Amsterdam --bedtime 22:30")
            return
        print(f"time zone:  {current.timezone}")
        guessed = country_for_zone(current.timezone)
        shown = current.country or (f"{guessed} (from the time zone)" if guessed else "-")
        print(f"country:    {shown}")
        print(f"bedtime:    {current.bedtime or '-'}")
        print(f"medicines:  {'; '.join(current.medicines) or '-'}")
        print(f"conditions: {'; '.join(current.conditions) or '-'}")

    @profile.command("set")
    def set_(
        ctx: typer.Context,
        timezone: str | None = typer.Option(None, "--timezone", help="e.g. Europe/Amsterdam."),
        country: str | None = typer.Option(
            None,
            "--country",
            help="Where you live, e.g. NL, GB, US (it chooses the numbers in the advice);"
            " empty: from the time zone.",
        ),
        bedtime: str | None = typer.Option(None, "--bedtime", help="HH:MM; empty to clear."),
        medicine: list[str] | None = typer.Option(
            None, "--medicine", help="Repeat for each; replaces the list."
        ),
        condition: list[str] | None = typer.Option(
            None, "--condition", help="Repeat for each; replaces the list."
        ),
        clear_medicines: bool = typer.Option(False, "--clear-medicines"),
        clear_conditions: bool = typer.Option(False, "--clear-conditions"),
    ) -> None:
        """Change the given profile fields."""
        saved = diary.set_profile(
            store_from(ctx),
            timezone=timezone,
            country=country,
            bedtime=bedtime,
            medicines=[] if clear_medicines else medicine,
            conditions=[] if clear_conditions else condition,
        )
        print(f"saved profile (time zone {saved.timezone})")

    app.add_typer(profile, name="profile")

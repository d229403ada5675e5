"""`crampcoach report` (a PDF for the doctor) and `crampcoach remind` (a calendar file)."""

from __future__ import annotations

import typer

from crampcoach.cli.context import parse_nights, store_from, write_output
from crampcoach.services.reminders import reminder_file
from crampcoach.services.report import build_report_pdf


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        ctx: typer.Context,
        first: str | None = typer.Option(None, "--from", help="First night, YYYY-MM-DD."),
        last: str | None = typer.Option(None, "--to", help="Last night, YYYY-MM-DD."),
        output: str = typer.Option(
            "crampcoach-report.pdf", "--output", "-o", help="The PDF to write; - for stdout."
        ),
    ) -> None:
        """One or two pages for your doctor (the whole diary by default): cramps per week,
        severity, time of night, legs and places, what helped, the routine, a trial's
        result, red-flag answers and medicines."""
        store = store_from(ctx)
        start, end = parse_nights(first, last)
        data = build_report_pdf(store, first=start, last=end)
        write_output(output, data, store=store)

    @app.command("remind")
    def remind(
        ctx: typer.Context,
        at: str | None = typer.Option(
            None, "--at", help="HH:MM (default: your bedtime, or 22:00)."
        ),
        output: str = typer.Option(
            "crampcoach-reminder.ics",
            "--output",
            "-o",
            help="The .ics file to write; - for stdout.",
        ),
    ) -> None:
        """A calendar file that reminds you of the bedtime routine every night, with an
        alarm (any calendar app imports it)."""
        store = store_from(ctx)
        write_output(output, reminder_file(store, at=at), store=store)

"""`crampcoach export`, `crampcoach import` and `crampcoach backup`."""

from __future__ import annotations

from pathlib import Path

import typer

from crampcoach.cli.context import store_from, write_output
from crampcoach.diary.bounds import excerpt
from crampcoach.errors import UserError
from crampcoach.services.diary_files import (
    FORMATS,
    backup_diary,
    export_diary,
    import_diary,
)


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        ctx: typer.Context,
        fmt: str | None = typer.Option(
            None,
            "--format",
            "-f",
            help="csv (entries), json (everything) or fhir (a FHIR R4 Bundle); else from -o.",
        ),
        output: str = typer.Option("-", "--output", "-o", help="The file to write; - for stdout."),
    ) -> None:
        """Export the diary as CSV, JSON or a FHIR R4 Bundle."""
        if fmt is None:
            fmt = "csv" if output.lower().endswith(".csv") else "json"
        if fmt not in FORMATS:
            raise UserError(f"format: use csv, json or fhir (got {excerpt(fmt)})")
        store = store_from(ctx)
        write_output(output, export_diary(store, fmt), store=store)  # type: ignore[arg-type]

    @app.command("import")
    def import_(
        ctx: typer.Context,
        file: Path = typer.Argument(..., help="A CSV or JSON diary file."),
    ) -> None:
        """Import a diary file; entries already present are left alone, a bad file is refused."""
        result = import_diary(store_from(ctx), file)
        print(
            f"imported {result.episodes_added} entries ({result.episodes_present} already present)"
            f" and {result.sessions_added} sessions ({result.sessions_present} already present)"
            + ("; profile set" if result.profile_set else "")
        )

    @app.command("backup")
    def backup(
        ctx: typer.Context,
        output: Path = typer.Option(..., "--output", "-o", help="The backup file to write."),
    ) -> None:
        """A consistent copy of the diary (SQLite file; a JSON export for a server database)."""
        kind = backup_diary(store_from(ctx), output)
        print(f"wrote {output} ({'SQLite database' if kind == 'sqlite' else 'JSON export'})")

"""The command starts quickly: nothing heavy at import, commands loaded when they run,
and a database at the newest schema opened without Alembic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from crampcoach.cli.commands import COMMANDS, app
from crampcoach.store.migrate import HEAD, MIGRATIONS

HEAVY = ("sqlalchemy", "numpy", "scipy", "statsmodels", "matplotlib", "mediapipe", "cv2")


def imported_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages imported by a fresh interpreter running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    names = json.loads(done.stdout.strip().splitlines()[-1])
    return {name.split(".")[0] for name in names} | set(names)


def test_importing_the_cli_imports_no_heavy_library() -> None:
    loaded = imported_after("import crampcoach.cli")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "pydantic" not in loaded  # the settings and models come with the commands


def test_help_loads_no_command_module() -> None:
    code = (
        "from crampcoach.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = imported_after(code)
    modules = {f"crampcoach.cli.{entry.module}" for entry in COMMANDS.values()}
    assert not loaded & modules, sorted(loaded & modules)
    assert not loaded & set(HEAVY)


def test_routines_imports_no_database_or_numbers_library() -> None:
    loaded = imported_after(
        "from crampcoach.cli import main\nmain(['routines'])\n".replace(
            "main(['routines'])", "try:\n    main(['routines'])\nexcept SystemExit:\n    pass"
        )
    )
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_is_defined_by_its_module(name: str) -> None:
    group = typer.main.get_command(app)
    with typer.Context(group) as ctx:
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
    assert command is not None, f"{COMMANDS[name].module} defines no {name!r}"
    assert command.name == name


def test_no_module_defines_a_command_missing_from_the_table() -> None:
    defined: set[str] = set()
    for module in {entry.module for entry in COMMANDS.values()}:
        sub = typer.Typer()
        __import__(f"crampcoach.cli.{module}", fromlist=["register"]).register(sub)
        defined |= set(typer.main.get_group(sub).commands)
    assert defined == set(COMMANDS)


def test_head_is_alembics_newest_revision() -> None:
    from alembic.script import ScriptDirectory

    from crampcoach.store.migrate import alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD]
    assert (MIGRATIONS / "versions").is_dir()


def test_a_database_at_head_opens_without_alembic(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "CRAMPCOACH_DATA_DIR": str(tmp_path)}
    env.pop("CRAMPCOACH_DATABASE_URL", None)
    argv = ["log", "--leg", "left", "--where", "calf", "--severity", "4", "--minutes", "1", "--yes"]
    log = (
        "from crampcoach.cli import main\n"
        f"try:\n    main({argv!r})\n"
        "except SystemExit as e:\n    assert not e.code, e.code"
    )
    first = imported_after(log, env)
    assert "alembic" in first  # a new database: migrated
    second = imported_after(log, env)
    assert "alembic" not in second
    assert "sqlalchemy" in second

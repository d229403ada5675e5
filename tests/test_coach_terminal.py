"""The terminal coach end to end: the real `crampcoach` command in a real terminal (tmux).

The tmux tests drive the full-screen display with key presses and read the screen back
with `capture-pane`. Each test runs its own tmux server on its own socket (`tmux -L`), so
a person's own tmux sessions are never touched. Every wait polls the screen against a
deadline; nothing sleeps for long.

The plain-mode tests run the command with stdout as a pipe, as a log or a script would.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import pytest

from unavailable import unavailable

pytestmark = pytest.mark.terminal

POLL_S = 0.05
SCREEN_W, SCREEN_H = 100, 32


def crampcoach_executable() -> str:
    beside = Path(sys.executable).parent / "crampcoach"
    if beside.exists():
        return str(beside)
    found = shutil.which("crampcoach")
    if found is None:
        pytest.fail("the crampcoach command is not installed (pip install -e .)")
    return found


def clean_env(data_dir: Path) -> dict[str, str]:
    """The environment for the command: no personal crampcoach settings, no forced colour
    or width (which would change what Rich thinks the terminal is), no outer tmux."""
    dropped = {
        "FORCE_COLOR",
        "TTY_COMPATIBLE",
        "TTY_INTERACTIVE",
        "COLUMNS",
        "LINES",
        "TMUX",
        "TMUX_PANE",
    }
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("CRAMPCOACH_")
    }
    env["CRAMPCOACH_DATA_DIR"] = str(data_dir)
    return env


# -- tmux ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tmux_path() -> str:
    found = shutil.which("tmux")
    if found is None:
        unavailable("tmux is not installed (apt install tmux); the terminal tests need it")
    return found


class Pane:
    """One crampcoach run in a private tmux server, 100x32, that stays after it exits."""

    def __init__(self, tmux: str, tmp_path: Path, args: list[str]) -> None:
        self.socket = f"cc-test-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self._tmux = tmux
        self._socket_path = ""
        config = tmp_path / "tmux.conf"
        # Only this file is read (never ~/.tmux.conf). status off: the whole 32 rows are the
        # pane. remain-on-exit: the summary and the exit code stay readable after the command
        # ends. /bin/sh: `echo EXIT=$?` means the same whatever the person's login shell.
        config.write_text(
            "set -g status off\nset -g remain-on-exit on\nset -g default-shell /bin/sh\n",
            encoding="utf-8",
        )
        data_dir = tmp_path / "data"
        data_dir.mkdir(exist_ok=True)
        command = shlex.join([crampcoach_executable(), *args]) + "; echo EXIT=$?"
        env = clean_env(data_dir)
        self.tmux(
            "-f", str(config), "new-session", "-d", "-s", "coach",
            "-x", str(SCREEN_W), "-y", str(SCREEN_H),
            "-e", f"CRAMPCOACH_DATA_DIR={data_dir}",
            command,
            env=env,
        )  # fmt: skip
        self._socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [self._tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def screen(self, *, history: bool = False) -> str:
        """What the pane shows; with ``history``, also what has scrolled off the top (when the
        command ends, tmux's "Pane is dead" line scrolls the screen up by one)."""
        extra = ["-S", "-200"] if history else []
        return self.tmux("capture-pane", "-p", *extra, "-t", "coach")

    def type(self, text: str) -> None:
        """Type characters literally (a space is a space)."""
        self.tmux("send-keys", "-t", "coach", "-l", text)

    def press(self, key: str) -> None:
        """Press a named key (Enter, Escape)."""
        self.tmux("send-keys", "-t", "coach", key)

    def wait_until(self, check: Callable[[str], bool], timeout: float, what: str) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while not check(screen):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}; screen:\n{screen}"
                )
            time.sleep(POLL_S)
            screen = self.screen()
        return screen

    def wait_for(self, text: str, timeout: float = 5.0) -> str:
        return self.wait_until(lambda screen: text in screen, timeout, repr(text))

    def wait_for_exit(self, timeout: float = 5.0) -> str:
        """Wait for the command to end (it is run as `crampcoach ...; echo EXIT=$?`) and
        return everything it left on the terminal, scrolled-off lines included."""
        self.wait_until(lambda screen: "EXIT=" in screen, timeout, "the command to exit")
        everything = self.screen(history=True)
        assert "EXIT=0" in everything, everything
        return everything

    def close(self) -> None:
        subprocess.run(
            [self._tmux, "-L", self.socket, "kill-server"],
            capture_output=True,
            timeout=10,
            check=False,
        )
        if self._socket_path:  # the server leaves its socket file behind
            Path(self._socket_path).unlink(missing_ok=True)


@pytest.fixture
def coach(tmux_path: str, tmp_path: Path) -> Iterator[Callable[..., Pane]]:
    panes: list[Pane] = []

    def start(*args: str) -> Pane:
        pane = Pane(tmux_path, tmp_path, ["routine", *args, "--no-voice"])
        panes.append(pane)
        return pane

    yield start
    for pane in panes:
        pane.close()


def current_step(screen: str) -> str:
    """The step title: the first line inside the panel, under the title border."""
    lines = screen.splitlines()
    for number, line in enumerate(lines):
        if "crampcoach ·" in line and number + 1 < len(lines):
            return lines[number + 1].strip().strip("│").strip()
    return ""


def elapsed_clock(screen: str) -> str | None:
    """The routine clock in the panel's bottom border ("0:07" of "0:07 / 4:29")."""
    found = re.search(r"(\d+:\d\d) / \d+:\d\d", screen)
    return found.group(1) if found else None


CLOCKWISE = "Ankle circles: Clockwise circles (right leg)"
COUNTERCLOCKWISE = "Ankle circles: Counterclockwise circles (right leg)"


def test_screen_shows_routine_step_counter_cue_and_keys(coach: Callable[..., Pane]) -> None:
    pane = coach("bedtime", "--speed", "5")
    screen = pane.wait_for("Circle 2 of 10, clockwise")
    assert "crampcoach · Bedtime routine for night ankle cramps · right leg · 5x" in screen
    assert current_step(screen) == CLOCKWISE
    assert "█" in screen  # the block-digit counter
    assert f"Next: {COUNTERCLOCKWISE}" in screen
    assert "of the routine" in screen
    assert "space pause/resume · n next · b back · q quit" in screen
    assert "PAUSED" not in screen


def test_space_pauses_the_clock_and_space_again_resumes(coach: Callable[..., Pane]) -> None:
    pane = coach("bedtime", "--speed", "5")
    pane.wait_for("Circle 2 of 10, clockwise")
    pane.type(" ")
    paused = pane.wait_until(
        lambda s: "PAUSED · press space to resume" in s and elapsed_clock(s) is not None,
        3,
        "PAUSED",
    )
    # At 5x the clock would move 5 routine seconds in this second; paused, nothing moves.
    clock = elapsed_clock(paused)
    watch_until = time.monotonic() + 1.0
    while time.monotonic() < watch_until:
        time.sleep(0.1)
        screen = pane.screen()
        assert screen == paused, f"the screen changed while paused:\n{paused}\n---\n{screen}"
    pane.type(" ")
    moving = pane.wait_until(
        lambda s: "PAUSED" not in s and elapsed_clock(s) not in (None, clock),
        3,
        f"PAUSED to go and the clock to move on from {clock}",
    )
    assert current_step(moving) in (CLOCKWISE, COUNTERCLOCKWISE)


def test_n_skips_to_the_next_step(coach: Callable[..., Pane]) -> None:
    pane = coach("bedtime")
    screen = pane.wait_for("Circle 1 of 10, clockwise")
    assert current_step(screen) == CLOCKWISE
    pane.type("n")
    screen = pane.wait_until(lambda s: current_step(s) == COUNTERCLOCKWISE, 3, "the skip")
    pane.wait_for("Circle 1 of 10, counterclockwise")
    assert "Next: Rest. Next: Toe points." in pane.screen()


def test_b_after_a_skip_goes_back_to_the_previous_step(coach: Callable[..., Pane]) -> None:
    pane = coach("bedtime")
    pane.wait_for("Circle 1 of 10, clockwise")
    pane.type("n")
    pane.wait_until(lambda s: current_step(s) == COUNTERCLOCKWISE, 3, "the skip")
    # Within 2 s of a step's start, back goes to the step before (later it restarts it).
    pane.type("b")
    screen = pane.wait_until(lambda s: current_step(s) == CLOCKWISE, 3, "going back")
    assert "Circle 1 of 10, clockwise" in screen


def test_arrow_and_function_keys_do_nothing(coach: Callable[..., Pane]) -> None:
    # Down arrow sends ESC [ B and F2 sends ESC O Q: their last letters are not "b" or "q".
    pane = coach("bedtime")
    pane.wait_for("Circle 1 of 10, clockwise")
    pane.type("n")
    pane.wait_until(lambda s: current_step(s) == COUNTERCLOCKWISE, 3, "the skip")
    for key in ("Down", "Up", "Left", "Right", "F1", "F2", "F3", "Home", "End", "NPage"):
        pane.press(key)
    pane.type(" ")  # keys are read in order: once this pause shows, all of them were read
    screen = pane.wait_for("PAUSED")
    assert current_step(screen) == COUNTERCLOCKWISE, screen
    assert "EXIT=" not in screen
    pane.type("q")
    assert "Not counted as a routine night" in pane.wait_for_exit()


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("\x1b[B", ""),  # down arrow
        ("\x1bOB", ""),  # down arrow, application mode
        ("\x1bOQ", ""),  # F2
        ("\x1b[6~", ""),  # Page Down
        ("\x1b[1;5B", ""),  # Ctrl+Down
        ("n\x1b[Bq", "nq"),
        ("\x1b", ""),  # a lone Esc
        ("\x1b[1;", ""),  # cut off
        (" ", " "),
        ("\r", "\r"),
    ],
)
def test_special_keys_are_not_read_as_letters(typed: str, read: str) -> None:
    from crampcoach.terminal.keys import without_escapes

    assert without_escapes(typed) == read


def test_q_quits_to_a_summary_of_a_session_ended_early(coach: Callable[..., Pane]) -> None:
    pane = coach("bedtime", "--speed", "5")
    pane.wait_for("Circle 3 of 10, clockwise")
    pane.type("q")
    screen = pane.wait_for_exit()
    assert "Bedtime routine for night ankle cramps: what you did" in screen
    assert "Not counted as a routine night" in screen
    assert re.search(r"│\s*(partial|skipped)\s*│", screen), screen
    assert "not reached" in screen
    assert "Routine done" not in screen
    assert "crampcoach ·" not in screen  # the full screen is gone


def test_cramp_now_waits_for_enter_then_runs_to_the_end(coach: Callable[..., Pane]) -> None:
    pane = coach("cramp-now", "--speed", "50")
    waiting_step = "Stretch and rub the muscle: Until the cramp stops (right leg)"
    screen = pane.wait_for("Press Enter or n", timeout=5)
    assert current_step(screen) == waiting_step
    # Its 30 s (0.6 s here) have passed: an interactive run keeps waiting for the person.
    watch_until = time.monotonic() + 1.0
    while time.monotonic() < watch_until:
        time.sleep(0.1)
        screen = pane.screen()
        assert current_step(screen) == waiting_step
        assert "Press Enter or n" in screen
    pane.press("Enter")
    pane.wait_until(lambda s: current_step(s) != waiting_step, 3, "the confirm to go on")
    # The movements take about 4 s at 50x; then warmth and when to get help, each
    # confirmed by the person.
    for step in ("Warmth for soreness", "When to get help"):
        pane.wait_until(lambda s, step=step: step in current_step(s), 20, step)
        pane.wait_for("Press Enter or n", timeout=5)
        pane.press("Enter")
    screen = pane.wait_for_exit(timeout=20)
    assert "Cramp now: what you did" in screen
    assert "Done in" in screen
    assert "Not counted" not in screen
    for status in ("partial", "skipped", "not reached"):
        assert status not in screen


# -- plain mode (stdout is a pipe) ----------------------------------------------------------


def run_cli(args: list[str], tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    return subprocess.run(
        [crampcoach_executable(), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(data_dir),
        check=False,
    )


def test_no_input_run_prints_every_cue_in_order(tmp_path: Path) -> None:
    result = run_cli(["routine", "bedtime", "--speed", "50", "--no-input", "--no-voice"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    lines = out.splitlines()

    def numbers(pattern: str) -> list[int]:
        return [int(m.group(1)) for line in lines if (m := re.fullmatch(pattern, line))]

    stamp = r"\[\d+:\d\d\]\s+"
    assert numbers(stamp + r"Circle (\d+) of 10, clockwise") == list(range(1, 11))
    assert numbers(stamp + r"Circle (\d+) of 10, counterclockwise") == list(range(1, 11))
    assert numbers(stamp + r"Point (\d+) of 10\b.*") == list(range(1, 11))
    letters = [
        (m.group(1), int(m.group(2)))
        for line in lines
        if (m := re.fullmatch(stamp + r"Letter ([A-Z]) \((\d+) of 26\)", line))
    ]
    assert letters == [(letter, n) for n, letter in enumerate(string.ascii_uppercase, 1)]

    # Everything in the order of the routine, the summary last.
    in_order = [
        "▶ Ankle circles: Clockwise circles (right leg)",
        "Circle 1 of 10, clockwise",
        "Circle 10 of 10, clockwise",
        "▶ Ankle circles: Counterclockwise circles (right leg)",
        "Circle 1 of 10, counterclockwise",
        "Circle 10 of 10, counterclockwise",
        "▶ Toe points: Toe points (right leg)",
        "Point 1 of 10",
        "Point 10 of 10",
        "▶ Toe writing: The alphabet, A to Z (right leg)",
        "Letter A (1 of 26)",
        "Letter Z (26 of 26)",
        "▶ Child's pose (Balasana): Hold and breathe",
        "Breathe in",
        "Bedtime routine for night ankle cramps: what you did",
        "Routine done",
    ]
    position = 0
    for text in in_order:
        found = out.find(text, position)
        assert found >= 0, f"{text!r} missing, or out of order, in:\n{out}"
        position = found + len(text)
    assert "Not counted" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["routine", "nosuch"],
        ["routine", "bedtime", "--leg", "up"],
        ["routine", "bedtime", "--tempo", "-1"],
        ["routine", "bedtime", "--speed", "0"],
        ["routine", "{bad_file}"],
    ],
    ids=["unknown-routine", "bad-leg", "negative-tempo", "zero-speed", "invalid-file"],
)
def test_bad_input_is_one_error_line_and_exit_2(args: list[str], tmp_path: Path) -> None:
    bad_file = tmp_path / "bad-routine.yaml"
    # The built-in bedtime routine with one negative repetition count.
    good = (resources.files("crampcoach.protocol") / "routines" / "bedtime.yaml").read_text(
        encoding="utf-8"
    )
    assert "reps: 10\n" in good
    bad_file.write_text(good.replace("reps: 10\n", "reps: -5\n", 1), encoding="utf-8")
    args = [arg.replace("{bad_file}", str(bad_file)) for arg in args]
    result = run_cli([*args, "--no-input", "--no-voice"], tmp_path, timeout=30)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    error_lines = result.stderr.splitlines()
    assert len(error_lines) == 1, result.stderr
    assert error_lines[0].startswith("crampcoach: error: "), result.stderr
    assert result.stdout == ""
    if args[1] == str(bad_file):
        assert "reps" in error_lines[0], result.stderr  # the message names the bad field

"""The personal N-of-1 trial: the plan (randomised, reproducible, balanced, validated), the
exact randomisation test, and the analysis on hand-made and planted data; its length and
end before it starts, "tonight" by the diary's night rule on the trial page, Today and the
CLI, and stopping only after a confirmation (web and CLI)."""

from __future__ import annotations

import html
import json
import os
import pty
import random
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient

from crampcoach.diary.night import night_in_zone
from crampcoach.errors import UserError
from crampcoach.fixtures.planted_history import episodes_for_counts, planted_trial
from crampcoach.insights import (
    TrialError,
    TrialPlan,
    analyse_trial,
    plan_trial,
    randomisation_test,
)
from crampcoach.insights.trial_text import length_text
from crampcoach.services import trial as trial_service
from crampcoach.services.diary import set_profile
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings
from unavailable import unavailable
from web_client import profiled_client, sqlite_settings

START = date(2026, 1, 5)
Z975 = 1.959963984540054

# --- the plan --------------------------------------------------------------------------


def test_the_plan_is_randomised_from_the_seed_and_reproducible() -> None:
    plan = plan_trial(START, seed=42)
    coin = random.Random(42)
    assert plan.routine_first == tuple(coin.random() < 0.5 for _ in range(3))
    assert plan.routine_first == (False, True, True)
    assert plan == plan_trial(START, seed=42) == TrialPlan(start=START, seed=42)
    assert (plan.baseline_days, plan.block_days, plan.pairs) == (14, 14, 3)
    assert plan.end == date(2026, 4, 12)  # 14 + 6 x 14 = 98 nights
    assert plan.nights == 98
    assert [(b.arm, b.pair, b.first_night, b.last_night) for b in plan.blocks[:3]] == [
        ("baseline", 0, date(2026, 1, 5), date(2026, 1, 18)),
        ("no routine", 1, date(2026, 1, 19), date(2026, 2, 1)),
        ("routine", 1, date(2026, 2, 2), date(2026, 2, 15)),
    ]
    orders = {plan_trial(START, seed=s).routine_first for s in range(64)}
    assert len(orders) == 8  # every order of three pairs comes up


def test_every_pair_has_one_block_of_each_and_every_night_an_assignment() -> None:
    plan = plan_trial(START, seed=7, baseline_days=7, block_days=21, pairs=4)
    schedule = plan.schedule()
    assert len(schedule) == plan.nights == 7 + 2 * 4 * 21
    assert [night for night, _ in schedule] == [
        START + timedelta(days=i) for i in range(plan.nights)
    ]
    assert Counter(arm for _, arm in schedule) == {
        "baseline": 7,
        "routine": 84,
        "no routine": 84,
    }
    for pair in range(1, 5):
        blocks = [b for b in plan.blocks if b.pair == pair]
        assert sorted(b.arm for b in blocks) == ["no routine", "routine"]
        assert all(b.nights == 21 for b in blocks)
        assert (blocks[0].arm == "routine") == plan.routine_first[pair - 1]
    assert all(plan.assignment(night) == arm for night, arm in schedule)
    assert plan.night_number(plan.end) == plan.nights
    assert not plan.covers(plan.end + timedelta(days=1))
    with pytest.raises(TrialError) as err:
        plan.assignment(START - timedelta(days=1))
    assert (
        str(err.value) == "the night of 2026-01-04 is outside the trial (2026-01-05 to 2026-06-28)"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"block_days": 7}, "a block must be at least 14 nights (got 7)"),
        ({"block_days": 57}, "a block must be at most 56 nights (got 57)"),
        ({"baseline_days": 6}, "the baseline must be 7 to 14 nights (got 6)"),
        ({"baseline_days": 15}, "the baseline must be 7 to 14 nights (got 15)"),
        ({"pairs": 2}, "a trial needs at least 3 pairs of blocks (got 2)"),
        ({"pairs": 27}, "a trial has at most 26 pairs of blocks (got 27)"),
        ({"seed": -1}, "the seed must be a whole number from 0 to 9223372036854775807 (got -1)"),
        ({"block_days": 14.5}, "a block must be a whole number (got 14.5)"),
        ({"pairs": True}, "the number of pairs must be a whole number (got True)"),
        (
            {"start": datetime(2026, 1, 5, 22, 0)},
            "the start must be a date, the trial's first night "
            "(got datetime.datetime(2026, 1, 5, 22, 0))",
        ),
    ],
)
def test_plans_outside_the_design_are_refused_plainly(kwargs: dict, message: str) -> None:
    args = {"start": START, "seed": 1} | kwargs
    with pytest.raises(TrialError) as err:
        plan_trial(**args)
    assert str(err.value) == message
    assert isinstance(err.value, UserError) and err.value.exit_code == 2


# --- the randomisation test ------------------------------------------------------------

EQUAL_NIGHTS = np.full((3, 2), 14)


def test_exact_randomisation_p_value_by_hand() -> None:
    # routine minus no-routine cramps per pair: -4, -2, +1; orders of signs: +-4 +-2 +-1,
    # sums 7, 5, 3, 1, -1, -3, -5, -7; observed -5: |sum| >= 5 in 4 of 8 orders
    cramps = np.array([[14, 10], [12, 14], [20, 19]])
    test = randomisation_test(cramps, EQUAL_NIGHTS, [False, True, True], seed=0)
    assert test.exact and test.allocations == 8 and test.pairs == 3
    assert test.statistic == pytest.approx(-5 / 42, abs=1e-15)
    assert test.p_value == 0.5
    assert test.min_p == 0.25
    assert test.can_reach_significance is False
    # every pair favouring the routine: only the order seen and its mirror are as extreme
    favour = randomisation_test(
        np.array([[14, 10], [12, 14], [16, 20]]), EQUAL_NIGHTS, [False, True, True], seed=0
    )
    assert favour.p_value == 0.25
    assert favour.statistic == pytest.approx(-10 / 42, abs=1e-15)


def test_six_pairs_can_reach_005_and_fewer_than_three_cannot_be_tested() -> None:
    cramps = np.array([[2, 8], [3, 9], [10, 4], [1, 7], [11, 2], [3, 12]])
    orders = [True, True, False, True, False, True]  # the routine block always had fewer
    test = randomisation_test(cramps, np.full((6, 2), 14), orders, seed=0)
    assert (test.allocations, test.p_value, test.min_p) == (64, 2 / 64, 2 / 64)
    assert test.can_reach_significance is True
    few = randomisation_test(cramps[:2], np.full((2, 2), 14), orders[:2], seed=0)
    assert (few.p_value, few.statistic, few.min_p) == (None, None, None)
    assert few.reason == (
        "The randomisation test needs at least 3 completed pairs of blocks (2 so far)."
    )


def test_many_pairs_are_sampled_with_the_seed_close_to_the_exact_answer() -> None:
    rng = np.random.default_rng(5)
    cramps = rng.poisson(8, size=(13, 2))
    nights = np.full((13, 2), 11)
    orders = list(rng.random(13) < 0.5)
    sampled = randomisation_test(cramps, nights, orders, seed=3)
    assert not sampled.exact and sampled.allocations == 9999
    assert sampled.min_p == 1 / 10000
    assert sampled == randomisation_test(cramps, nights, orders, seed=3)
    exact = randomisation_test(cramps, nights, orders, seed=3, max_exact=2**13)
    assert exact.exact and exact.allocations == 8192
    assert sampled.p_value is not None and exact.p_value is not None
    assert abs(sampled.p_value - exact.p_value) < 0.02
    assert sampled.statistic == exact.statistic


# --- the analysis ----------------------------------------------------------------------

HAND_PLAN = plan_trial(START, seed=42, baseline_days=7, block_days=14, pairs=3)
# cramps per block: pair 1 (no routine first) 14 then 10, pair 2 12 then 14, pair 3 20 then 19
BLOCK_CRAMPS = [7, 14, 10, 12, 14, 20, 19]  # the baseline first


def _spread(total: int, nights: int) -> list[int]:
    return [total // nights + (i < total % nights) for i in range(nights)]


def _hand_history() -> tuple[list, set[date]]:
    blocks = zip(HAND_PLAN.blocks, BLOCK_CRAMPS, strict=True)
    counts = np.array([c for block, total in blocks for c in _spread(total, block.nights)])
    episodes = episodes_for_counts(START, counts, seed=1)
    done = {night for night, arm in HAND_PLAN.schedule() if arm == "routine"}
    done -= {date(2026, 1, 26), date(2026, 1, 27)}  # two routine nights missed
    done |= {date(2026, 1, 8), date(2026, 2, 25)}  # once in the baseline, once off-plan
    return episodes, done


def test_the_whole_trial_by_hand() -> None:
    episodes, done = _hand_history()
    assert HAND_PLAN.assignment(date(2026, 1, 26)) == "routine"
    assert HAND_PLAN.assignment(date(2026, 2, 25)) == "no routine"
    result = analyse_trial(
        HAND_PLAN, episodes, done, today=HAND_PLAN.end + timedelta(days=1), washout_days=0
    )
    assert (result.status, result.interim, result.nights_done) == ("finished", False, 91)
    # a 7-night baseline is below the minimum for a rate: its count, not a rate
    assert (result.baseline_nights, result.baseline_cramps, result.baseline_rate) == (7, 7, None)
    effect = result.effect
    assert (effect.routine_nights, effect.other_nights) == (42, 42)
    assert (effect.routine_cramps, effect.other_cramps) == (42, 47)
    assert effect.model == "poisson"
    assert effect.ratio == pytest.approx(42 / 47, rel=1e-12)
    half = Z975 * np.sqrt(1 / 42 + 1 / 47)
    assert effect.low == pytest.approx(42 / 47 * np.exp(-half), rel=1e-9)
    assert effect.high == pytest.approx(42 / 47 * np.exp(half), rel=1e-9)
    assert effect.verdict == "no clear difference"
    assert (result.test.p_value, result.test.allocations) == (0.5, 8)
    assert result.test.statistic == pytest.approx(-5 / 42, abs=1e-15)
    a = result.adherence
    assert (a.routine_nights, a.routine_done, a.routine_share) == (42, 40, 40 / 42)
    assert (a.no_routine_nights, a.no_routine_kept, a.no_routine_share) == (42, 41, 41 / 42)
    assert (a.baseline_nights, a.baseline_routine) == (7, 1)
    assert result.reading == (
        "The trial ended with the night of Sun 5 Apr 2026.",
        "No clear difference: in the routine blocks you logged 0.89 times as many cramps a "
        f"night as in the no-routine blocks (95% interval {effect.low:.2f} to "
        f"{effect.high:.2f}); the interval includes 1 (no difference).",
        "Randomisation test: p = 0.50 (two-sided, over all 8 possible orders of 3 pairs). "
        "With 3 pairs it cannot go below 0.25, so it can never reach 0.05 on its own.",
        "You did the routine on 40 of 42 routine nights (95%) and left it out on 41 of 42 "
        "no-routine nights (98%).",
        "Baseline: 7 cramps over 7 nights (a rate per night or per week needs at least 14 nights).",
    )
    assert any("no nights were left out as a washout" in c for c in result.caveats)
    assert any("No blinding" in c for c in result.caveats)
    assert any("Regression to the mean" in c for c in result.caveats)
    assert any("cannot go below p = 0.25" in c for c in result.caveats)


def test_the_washout_leaves_out_the_first_nights_of_each_block() -> None:
    episodes, done = _hand_history()
    result = analyse_trial(HAND_PLAN, episodes, done, today=date(2026, 6, 1), washout_days=3)
    assert (result.effect.routine_nights, result.effect.other_nights) == (33, 33)
    assert result.adherence.routine_nights == 42  # adherence still counts every night
    expected = sum(  # the nights kept: the last 11 of each 14-night block
        sum(_spread(total, 14)[3:]) for total in BLOCK_CRAMPS[1:]
    )
    assert result.effect.routine_cramps + result.effect.other_cramps == expected
    assert any("The first 3 nights of each block are left out" in c for c in result.caveats)
    with pytest.raises(TrialError) as err:
        analyse_trial(HAND_PLAN, episodes, done, today=date(2026, 6, 1), washout_days=8)
    assert str(err.value) == "the washout must be 0 to 7 nights for 14-night blocks (got 8)"


def test_before_and_during_the_trial_there_is_no_number_yet() -> None:
    episodes, done = _hand_history()
    first = analyse_trial(HAND_PLAN, episodes, done, today=START)
    # tonight is its first night: running, though no night is finished yet
    assert (first.status, first.interim, first.nights_done) == ("running", True, 0)
    assert first.effect.ratio is None and first.test.p_value is None
    assert first.baseline_rate is None
    assert first.reading == (
        "The trial has started: tonight, the night of Mon 5 Jan 2026, is its first night; "
        "results come as its nights are done.",
    )
    earlier = analyse_trial(HAND_PLAN, episodes, done, today=START - timedelta(days=3))
    assert earlier.status == "not started"
    assert earlier.reading == (
        "The trial has not started: its first night is the night of Mon 5 Jan 2026.",
    )
    # the night the second block of pair 2 begins: one pair is complete
    today = HAND_PLAN.blocks[4].first_night
    during = analyse_trial(HAND_PLAN, episodes, done, today=today)
    assert (during.status, during.interim, during.nights_done) == ("running", True, 49)
    assert during.effect.ratio is None
    assert during.effect.reason == (
        "Too few nights to compare: 22 in routine blocks and 11 in no-routine blocks; "
        "at least 14 of each are needed."
    )
    assert during.test.pairs == 1 and during.test.p_value is None
    assert during.reading[0] == "49 of 91 nights done: these are interim results and may change."
    assert any("still running" in c for c in during.caveats)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_planted_effect_is_recovered_by_the_trial(seed: int) -> None:
    plan = plan_trial(START, seed=seed, block_days=28, pairs=4)
    history = planted_trial(plan, seed=seed, base_rate=1.5, rate_ratio=0.6, adherence=1.0)
    result = analyse_trial(
        plan, history.episodes, history.routine_nights, today=plan.end + timedelta(days=1)
    )
    effect = result.effect
    assert effect.low is not None and effect.high is not None
    assert effect.low < 0.6 < effect.high
    assert effect.verdict == "fewer"
    assert result.adherence.routine_share == 1.0 == result.adherence.no_routine_share
    assert result.test.min_p == 2 / 16
    assert result.test.statistic is not None and result.test.statistic < 0


def test_poor_adherence_is_a_caveat() -> None:
    plan = plan_trial(START, seed=4)
    history = planted_trial(plan, seed=4, adherence=0.6)
    result = analyse_trial(
        plan, history.episodes, history.routine_nights, today=plan.end + timedelta(days=1)
    )
    assert result.adherence.routine_share is not None and result.adherence.routine_share < 0.8
    assert any("intention to treat" in c for c in result.caveats)


# --- before it starts, tonight early in the morning, and stopping (issue 16, item 5) ------

ZONE = "Europe/Amsterdam"
EARLY = datetime(2026, 3, 5, 6, 0, tzinfo=ZoneInfo(ZONE))  # 06:00 on the 5th: night of the 4th


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return sqlite_settings(tmp_path)


@pytest.fixture
def web(web_settings: Settings) -> TestClient:
    return profiled_client(web_settings, timezone=ZONE)


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get(path).text)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def _early(monkeypatch: pytest.MonkeyPatch) -> None:
    """The trial's services see 06:00 on 5 Mar 2026 as now (the web, Today and the CLI
    all ask them)."""
    monkeypatch.setattr(trial_service, "utc_now", lambda: EARLY.astimezone(UTC))


def test_the_length_and_the_end_are_said_before_starting(web_settings: Settings) -> None:
    store = open_store(web_settings)
    set_profile(store, timezone=ZONE)
    preview = trial_service.preview_trial(store, block_days=21, pairs=4, now=EARLY)
    assert (preview.plan.start, preview.plan.nights) == (date(2026, 3, 4), 14 + 2 * 4 * 21)
    assert preview.plan.end == date(2026, 3, 4) + timedelta(days=181)
    assert preview.text == (
        "It runs 182 nights, from the night of Wed 4 Mar 2026 to the night of Tue 1 Sep "
        "2026: 14 baseline nights, then 4 pairs of 21-night blocks."
    )
    assert preview.before_noon
    # the same words as the plan actually started
    started = trial_service.start_trial(store, seed=1, block_days=21, pairs=4, now=EARLY)
    assert length_text(started.plan) == preview.text


def test_the_start_form_says_how_long_for_each_choice(web: TestClient) -> None:
    page = web.get("/trial").text
    tonight = night_in_zone(datetime.now(UTC), ZONE)
    default = length_text(plan_trial(tonight, 0))
    assert '<p class="trial-length" id="trial-length"' in page and default in page
    lengths = json.loads(html.unescape(re.search(r'data-lengths="([^"]+)"', page).group(1)))  # type: ignore[union-attr]
    assert len(lengths) == 5 * 4  # every block length and number of pairs on the form
    assert lengths["28x5"] == length_text(plan_trial(tonight, 0, block_days=28, pairs=5))
    assert "It runs 294 nights" in lengths["28x5"]
    assert '<script src="/static/trial.js' in page and "<script>" not in page  # CSP: no inline
    assert web.get("/static/trial.js").status_code == 200
    # a refused form keeps the choice and says its length
    token = _csrf(web, "/trial")
    bad = web.post(
        "/trial/start",
        data={"block_days": "21", "pairs": "4", "seed": "x", "csrf_token": token},
    )
    assert bad.status_code == 400
    assert length_text(plan_trial(tonight, 0, block_days=21, pairs=4)) in bad.text


def test_started_early_in_the_morning_tonight_is_night_one_everywhere(
    web: TestClient, monkeypatch: pytest.MonkeyPatch, cli
) -> None:  # type: ignore[no-untyped-def]
    _early(monkeypatch)
    token = _csrf(web, "/trial")
    form = web.get("/trial").text
    assert "from the night of Wed 4 Mar 2026" in form and "before noon, tonight is still" in form
    started = web.post("/trial/start", data={"block_days": "14", "pairs": "3", "csrf_token": token})
    assert started.status_code == 303
    page = web.get("/trial").text
    said = (
        "Tonight, the night of Wed 4 Mar 2026, is night 1 of 98: a baseline night (keep your "
        "usual habits and log any cramps)."
    )
    assert said in page and "not started" not in page
    assert "The trial has started: tonight, the night of Wed 4 Mar 2026, is its first night" in page
    assert "tonight: a baseline night" in page and 'aria-current="date"' in page
    today = web.get("/").text
    assert "Tonight is <strong>a baseline night</strong>" in today
    store = open_store(web.app.state.settings)  # type: ignore[attr-defined]
    overview = trial_service.trial_overview(store)
    assert overview.result is not None and overview.result.status == "running"
    assert overview.tonight == date(2026, 3, 4) and overview.tonight_text == said
    assert trial_service.tonight(store).night == date(2026, 3, 4)  # type: ignore[union-attr]
    # 13:00 the same day: the night of the 5th, night 2
    later = datetime(2026, 3, 5, 13, 0, tzinfo=ZoneInfo(ZONE))
    assert trial_service.trial_overview(store, now=later).tonight_text == (
        "Tonight, the night of Thu 5 Mar 2026, is night 2 of 98: a baseline night (keep your "
        "usual habits and log any cramps)."
    )


def test_the_cli_says_the_same_about_tonight(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _early(monkeypatch)
    assert cli("profile", "set", "--timezone", ZONE).code == 0
    started = cli("trial", "start", "--seed", "3")
    assert started.code == 0, started.err
    assert (
        "It runs 98 nights, from the night of Wed 4 Mar 2026 to the night of Tue 9 Jun 2026: "
        "14 baseline nights, then 3 pairs of 14-night blocks." in started.out
    )
    assert "before noon, tonight is still the night that began yesterday evening" in started.out
    shown = cli("trial", "show")
    assert shown.code == 0, shown.err
    assert shown.out.startswith(
        "Tonight, the night of Wed 4 Mar 2026, is night 1 of 98: a baseline night"
    )
    assert "running - interim result" in shown.out and "not started" not in shown.out


def test_stopping_asks_first_and_says_what_is_lost(web: TestClient, web_settings: Settings) -> None:
    token = _csrf(web, "/trial")
    assert (
        web.post(
            "/trial/start", data={"block_days": "14", "pairs": "3", "csrf_token": token}
        ).status_code
        == 303
    )
    page = web.get("/trial").text
    assert 'href="/trial/stop"' in page and 'action="/trial/stop"' not in page  # a link first
    asked = web.get("/trial/stop")
    assert asked.status_code == 200
    for said in (
        "Stop the trial?",
        "It has run 0 of its 98 nights; the 98 still planned",
        "interim for good: 0 of 3 pairs of blocks complete",
        "A stopped trial cannot be resumed",
        "Your diary entries and routine sessions are kept.",
        'name="confirm" value="yes"',
        "No, keep it running",
    ):
        assert said in asked.text, said
    store = open_store(web_settings)
    # one POST without the confirmation stops nothing: it asks
    once = web.post("/trial/stop", data={"csrf_token": token})
    assert once.status_code == 200 and "Stop the trial?" in once.text
    assert trial_service.latest_trial(store).stopped_at is None  # type: ignore[union-attr]
    wrong = web.post("/trial/stop", data={"csrf_token": token, "confirm": "y"})
    assert wrong.status_code == 200 and "Stop the trial?" in wrong.text
    assert trial_service.latest_trial(store).stopped_at is None  # type: ignore[union-attr]
    stopped = web.post("/trial/stop", data={"csrf_token": token, "confirm": "yes"})
    assert stopped.status_code == 303
    assert trial_service.latest_trial(store).stopped_at is not None  # type: ignore[union-attr]
    none = web.get("/trial/stop")
    assert none.status_code == 409 and "No trial is running." in none.text


def _in_a_terminal(args: list[str], env: dict[str, str], answer: bytes) -> tuple[int, str]:
    """Run the real CLI with a terminal for stdin and stdout; answer its question."""
    main, other = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "crampcoach", *args],
        stdin=other,
        stdout=other,
        stderr=other,
        env=env,
        close_fds=True,
    )
    os.close(other)
    output = b""
    answered = False
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed: the process is done
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"[y/N]" in output:
            os.write(main, answer)
            answered = True
    os.close(main)
    return process.wait(timeout=60), output.decode(errors="replace").replace("\r\n", "\n")


def test_the_cli_asks_before_stopping_unless_yes(cli, cli_env: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert cli("trial", "start", "--seed", "1").code == 0
    refused = cli("trial", "stop")  # no terminal to ask at
    assert refused.code == 2
    assert refused.err.strip() == (
        "crampcoach: error: stopping a trial asks first: add --yes to stop without asking"
    )
    assert cli("trial", "start").code == 2  # still running
    code, said = _in_a_terminal(["trial", "stop"], cli_env, b"n\n")
    assert code == 0, said
    assert "If you stop it now:" in said and "A stopped trial cannot be resumed" in said
    assert "Not stopped: the trial goes on." in said
    assert cli("trial", "start").code == 2  # still running
    code, said = _in_a_terminal(["trial", "stop"], cli_env, b"y\n")
    assert code == 0 and "Trial stopped" in said, said
    assert cli("trial", "stop", "--yes").code == 2  # nothing left to stop
    assert cli("trial", "start", "--seed", "2").code == 0
    assert cli("trial", "stop", "--yes").code == 0


def test_in_a_browser_the_length_follows_the_choice_and_stop_asks(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Debian's chromium (never a downloaded one): static/trial.js updates the length as
    the choices change; stopping goes through the confirmation page. Screenshots at
    360 px go to artifacts/screenshots/."""
    from browser import open_tab, problem, shoot

    reason = problem()
    if reason:
        unavailable(f"browser tests cannot run: {reason}")
    from web_server import running_server

    browser = request.getfixturevalue("browser")
    with running_server(tmp_path / "data") as server:
        tab = open_tab(browser, viewport={"width": 360, "height": 800})
        try:
            page = tab.page
            page.goto(server.url + "trial")
            shown = page.locator("#trial-length")
            assert shown.inner_text().startswith("It runs 98 nights")
            page.select_option("#block_days", "28")
            page.select_option("#pairs", "5")
            lengths = json.loads(shown.get_attribute("data-lengths") or "{}")
            assert shown.inner_text() == lengths["28x5"]
            assert shown.inner_text().startswith("It runs 294 nights")
            shoot(page, "trial-start", "360")
            page.click("#start-trial")
            page.wait_for_url("**/trial")
            assert "Trial started. It runs 294 nights" in page.inner_text("#flash")
            assert page.inner_text("#trial-tonight").startswith("Tonight, the night of ")
            shoot(page, "trial-running", "360")
            page.click("#stop-trial")
            page.wait_for_url("**/trial/stop")
            assert page.inner_text("#confirm-title") == "Stop the trial?"
            shoot(page, "trial-stop-confirm", "360")
            page.click("#keep-trial")
            page.wait_for_url("**/trial")
            assert page.locator("#stop-trial").count() == 1  # still running
            page.click("#stop-trial")
            page.click("#confirm-stop")
            page.wait_for_url("**/trial")
            assert "Trial stopped" in page.inner_text("#flash")
            tab.assert_clean()
        finally:
            tab.close()

"""Insights, the personal trial, the warning-signs check and the reminder in the web app
(in-process, SQLite)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from fastapi.testclient import TestClient

from crampcoach.export.diary_json import write_json
from crampcoach.fixtures.diary import generate_history
from crampcoach.services.diary_files import import_diary
from crampcoach.services.storage import open_store
from crampcoach.services.trial import latest_trial
from crampcoach.settings import Settings
from web_client import profiled_client, sqlite_settings

ZONE = "Europe/Amsterdam"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return sqlite_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return profiled_client(settings, timezone=ZONE, bedtime="22:30")


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get(path).text)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def test_insights_show_the_imported_history(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    history = generate_history(nights=120, seed=5, end=date.today() - timedelta(days=2))
    path = tmp_path / "history.json"
    path.write_text(write_json(history), encoding="utf-8")
    import_diary(open_store(settings), path)
    page = client.get("/insights")
    assert page.status_code == 200
    text = page.text
    cramps = len([e for e in history.episodes if e.deleted_at is None])
    assert re.search(rf"<li>{cramps} cramps on \d+ of \d+ nights: [\d.]+ a night", text)
    assert text.count("<svg") >= 2 and "<rect" in text and "<title>Week of" in text
    assert 'role="img"' in text and "Show the numbers" in text  # the accessible fallback
    assert 'aria-current="page">Insights</a>' in text
    assert "Download a bedtime reminder (.ics)" in text and 'href="/reminder.ics"' in text


def test_an_empty_diary_says_so_without_charts(client: TestClient) -> None:
    page = client.get("/insights")
    assert page.status_code == 200
    assert "No entries yet" in page.text
    assert "<svg" not in page.text


def test_the_reminder_is_a_calendar_file(client: TestClient) -> None:
    answer = client.get("/reminder.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert "attachment" in answer.headers["content-disposition"]
    calendar = icalendar.Calendar.from_ical(answer.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart").strftime("%H:%M") == "22:30"


def test_start_a_trial_then_a_second_is_refused_and_today_shows_tonight(
    client: TestClient, settings: Settings
) -> None:
    assert "Start the trial tonight" in client.get("/trial").text
    token = _csrf(client, "/trial")
    refused = client.post("/trial/start", data={"block_days": "14", "pairs": "3"})
    assert refused.status_code == 403  # no token, no trial
    started = client.post(
        "/trial/start",
        data={"block_days": "21", "pairs": "4", "seed": "42", "csrf_token": token},
    )
    assert started.status_code == 303 and started.headers["location"] == "/trial"
    trial = latest_trial(open_store(settings))
    assert trial is not None and trial.plan.seed == 42 and trial.plan.pairs == 4
    page = client.get("/trial").text
    assert "Trial started" in page
    assert "Baseline" in page and "Pair 4" in page and 'aria-current="date"' in page
    assert "tonight: a baseline night" in page and "Stop the trial" in page

    again = client.post(
        "/trial/start", data={"block_days": "14", "pairs": "3", "csrf_token": token}
    )
    assert again.status_code == 409
    assert "already running" in again.text and "Traceback" not in again.text

    today = client.get("/").text
    assert "Personal trial" in today and "Tonight is <strong>a baseline night</strong>" in today
    assert 'href="/trial"' in today

    asked = client.post("/trial/stop", data={"csrf_token": token})  # not confirmed
    assert asked.status_code == 200 and "Stop the trial?" in asked.text
    assert latest_trial(open_store(settings)).stopped_at is None  # type: ignore[union-attr]
    stopped = client.post("/trial/stop", data={"csrf_token": token, "confirm": "yes"})
    assert stopped.status_code == 303
    assert "Trial stopped" in client.get("/trial").text
    assert "Personal trial" not in client.get("/").text
    twice = client.post("/trial/stop", data={"csrf_token": token, "confirm": "yes"})
    assert twice.status_code == 409 and "No trial is running" in twice.text


def test_a_bad_trial_choice_comes_back_at_its_field(client: TestClient) -> None:
    token = _csrf(client, "/trial")
    answer = client.post(
        "/trial/start",
        data={"block_days": "3", "pairs": "3", "seed": "lucky", "csrf_token": token},
    )
    assert answer.status_code == 400
    assert 'id="block_days-error"' in answer.text and 'id="seed-error"' in answer.text


def test_screening_urgent_answer_shows_the_advice_and_source(client: TestClient) -> None:
    page = client.get("/screening")
    assert page.status_code == 200
    assert 'name="swollen-calf" value="yes"' in page.text and "does not diagnose" in page.text
    token = _csrf(client, "/screening")
    answer = client.post("/screening", data={"swollen-calf": "yes", "csrf_token": token})
    assert answer.status_code == 303
    result = client.get("/screening").text
    assert "Get urgent care today" in result
    assert "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/" in result
    assert "blood clot" in result


def test_screening_bad_answer_is_refused(client: TestClient) -> None:
    token = _csrf(client, "/screening")
    answer = client.post("/screening", data={"swollen-calf": "maybe", "csrf_token": token})
    assert answer.status_code == 400
    assert "expected yes or no" in answer.text
    assert "Get urgent care today" not in answer.text  # nothing stored


def test_the_report_for_the_doctor_is_a_pdf(client: TestClient) -> None:
    assert 'href="/report.pdf"' in client.get("/insights").text
    answer = client.get("/report.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith(b"%PDF")


def test_insights_are_kept_until_the_diary_changes_in_any_process(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crampcoach.services import insights as insights_service
    from crampcoach.store import Store

    worked = []
    original = insights_service.insights_view

    def counted(*args: object, **kwargs: object) -> insights_service.InsightsView:
        worked.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(insights_service, "insights_view", counted)
    episode = {"leg": "left", "place": "calf", "severity": 4, "minutes": 1}
    episode["started_at"] = (date.today() - timedelta(days=3)).isoformat() + "T02:00:00"
    assert client.post("/api/episodes", json=episode).status_code == 201
    first = client.get("/insights").text
    assert client.get("/insights").text == first
    assert len(worked) == 1  # the second page was the kept summary
    again = {**episode, "leg": "right"}  # another cramp (the same leg would be asked about)
    assert client.post("/api/episodes", json=again).status_code == 201
    assert re.search(r"<li>2 cramps on 1 of \d nights logged so far;", client.get("/insights").text)
    assert len(worked) == 2
    other_process = Store(settings.resolved_database_url)  # another connection, as the CLI
    with other_process.write():
        pass
    other_process.close()
    client.get("/insights")
    assert len(worked) == 3


def test_insights_in_the_works_give_the_last_view_instead_of_a_wait(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from crampcoach.services import insights as insights_service

    store = open_store(settings)
    cache = insights_service.InsightsCache()
    old = cache.view(store)
    release, started = threading.Event(), threading.Event()
    original = insights_service.insights_view

    def slow(*args: object, **kwargs: object) -> insights_service.InsightsView:
        started.set()
        release.wait(10)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(insights_service, "insights_view", slow)
    with store.write():
        pass  # the diary changed
    worker = threading.Thread(target=cache.view, args=(store,))
    worker.start()
    assert started.wait(10)
    assert cache.view(store) is old  # given at once, while the new one is worked out
    release.set()
    worker.join(10)
    assert cache.view(store) is not old


def test_insights_show_the_persons_tags_as_counts(client: TestClient) -> None:
    for days, tags in ((3, ["wine"]), (4, ["wine", "late dinner"])):
        started = (date.today() - timedelta(days=days)).isoformat() + "T02:00:00"
        body = {"leg": "left", "place": "calf", "severity": 4, "started_at": started}
        assert client.post("/api/episodes", json={**body, "tags": tags}).status_code == 201
    page = client.get("/insights").text
    assert "Your tags" in page and "Counts only" in page
    assert "<tr><td>wine</td><td>2</td><td>2</td></tr>" in page

"""The diary and settings in the web app: form posts (CSRF, field errors, nothing
half-saved), the /api/episodes and /api/profile JSON API, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from crampcoach.services import diary
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings
from crampcoach.web import create_app
from web_client import local_client

ZONE = "Europe/Amsterdam"


@pytest.fixture
def client(settings: Settings) -> TestClient:
    web = local_client(create_app(settings), follow_redirects=False)
    assert web.put("/api/profile", json={"timezone": ZONE}).status_code == 200
    return web


def _csrf(client: TestClient, path: str = "/diary") -> str:
    page = client.get(path)
    assert page.status_code == 200
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def _an_hour_ago() -> str:
    return (datetime.now(ZoneInfo(ZONE)) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _form(**fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "at": _an_hour_ago(),
        "leg": "left",
        "place": "calf",
        "severity": "6",
        "minutes": "2.5",
        "helped": ["stretching", "walking"],
        "woke": "on",
        "tags": "hot day, <b>bold</b>",
        "notes": "<script>alert(1)</script>",
    }
    values.update(fields)
    return values


def _count(settings: Settings) -> int:
    return len(diary.list_episodes(open_store(settings)))


# -- the diary page ----------------------------------------------------------------------
def test_logging_a_cramp_by_form_saves_it_and_lists_it_escaped(
    client: TestClient, settings: Settings
) -> None:
    token = _csrf(client)
    answer = client.post("/diary", data={**_form(), "csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/diary"
    (episode,) = diary.list_episodes(open_store(settings))
    assert (episode.leg, episode.place, episode.severity, episode.duration_s) == (
        "left",
        "calf",
        6,
        150,
    )
    assert episode.helped == ["stretching", "walking"] and episode.woke is True
    assert sorted(episode.tags) == ["<b>bold</b>", "hot day"]
    page = client.get("/diary").text
    assert "Saved: left calf, severity 6" in page  # the one-time message
    assert f'data-episode-id="{episode.id}"' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page
    assert "Saved: left calf" not in client.get("/diary").text  # shown once only


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("severity", "11", "0 (none) to 10"),
        ("severity", "", "whole number"),
        ("minutes", "-3", "0 to 120"),
        ("minutes", "lots", "minutes"),
        ("at", "yesterday-ish", "as a time"),
        ("leg", "middle", "left, right or both"),
        ("notes", "x" * 5000, "notes"),
    ],
)
def test_a_bad_value_comes_back_at_its_field_and_nothing_is_saved(
    client: TestClient, settings: Settings, field: str, value: str, message: str
) -> None:
    token = _csrf(client)
    answer = client.post("/diary", data={**_form(**{field: value}), "csrf_token": token})
    assert answer.status_code == 422
    page = answer.text
    error = re.search(rf'<p class="field-error" id="{field}-error"[^>]*>([^<]+)</p>', page)
    assert error, f"no message at the field {field}"
    assert message.lower() in error.group(1).lower(), error.group(1)
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', page), "field not marked"
    assert re.search(r'name="tags"[^>]*value="hot day, &lt;b&gt;bold&lt;/b&gt;"', page)  # kept
    assert _count(settings) == 0


def test_a_form_post_without_the_token_is_refused(client: TestClient, settings: Settings) -> None:
    client.get("/diary")
    answer = client.post("/diary", data=_form())
    assert answer.status_code == 403
    assert _count(settings) == 0


def test_edit_delete_and_undo_by_form(client: TestClient, settings: Settings) -> None:
    token = _csrf(client)
    client.post("/diary", data={**_form(), "csrf_token": token})
    (episode,) = diary.list_episodes(open_store(settings))

    edit = client.get(f"/diary/{episode.id}/edit")
    assert edit.status_code == 200 and 'id="save-edit"' in edit.text
    refused = client.post(
        f"/diary/{episode.id}/edit", data={**_form(severity="12"), "csrf_token": token}
    )
    assert refused.status_code == 422
    assert diary.list_episodes(open_store(settings))[0].severity == 6
    changed = client.post(
        f"/diary/{episode.id}/edit", data={**_form(severity="3"), "csrf_token": token}
    )
    assert changed.status_code == 303
    assert diary.list_episodes(open_store(settings))[0].severity == 3

    deleted = client.post(f"/diary/{episode.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert _count(settings) == 0
    page = client.get("/diary").text
    assert 'id="undo-button"' in page
    client.post("/diary/undo", data={"csrf_token": token})
    assert [e.id for e in diary.list_episodes(open_store(settings))] == [episode.id]
    nothing = client.post("/diary/undo", data={"csrf_token": token})
    assert nothing.status_code == 303
    assert "Nothing to undo." in client.get("/diary").text


def test_unknown_entries_are_404_pages(client: TestClient) -> None:
    token = _csrf(client)
    assert client.get("/diary/no-such-id/edit").status_code == 404
    gone = client.post("/diary/no-such-id/delete", data={"csrf_token": token})
    assert gone.status_code == 404
    assert "Traceback" not in gone.text


def test_bad_filters_are_shown_at_the_filter(client: TestClient) -> None:
    answer = client.get("/diary", params={"from": "2026-13-40", "min_severity": "eleven"})
    assert answer.status_code == 422
    assert 'id="filter-from"' in answer.text and "field-error" in answer.text


# -- settings ---------------------------------------------------------------------------
def test_settings_are_saved_together_and_used_by_the_player(client: TestClient) -> None:
    token = _csrf(client, "/settings")
    form = {
        "timezone": ZONE,
        "bedtime": "22:15",
        "medicines": "magnesium\n\namlodipine 5 mg\n",
        "conditions": "",
        "default_leg": "left",
        "tempo_s": "2.5",
        "voice": "on",
        "csrf_token": token,
    }
    assert client.post("/settings", data=form).status_code == 303
    profile = client.get("/api/profile").json()
    assert profile["bedtime"] == "22:15"
    assert profile["medicines"] == ["magnesium", "amlodipine 5 mg"]
    assert profile["effective"] == {"leg": "left", "tempo_s": 2.5, "voice": True}
    player = client.get("/play/bedtime").text
    assert re.search(r'id="player-leg-left"[^>]*checked', player)  # the stored default leg

    bad = client.post("/settings", data={**form, "tempo_s": "0", "bedtime": "25:99"})
    assert bad.status_code == 422
    assert "tempo_s-error" in bad.text
    assert client.get("/api/profile").json()["effective"]["tempo_s"] == 2.5  # unchanged


# -- the JSON API -------------------------------------------------------------------------
def _episode(**fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "started_at": (datetime.now(ZoneInfo(ZONE)) - timedelta(hours=3)).isoformat(),
        "leg": "right",
        "place": "foot",
        "severity": 8,
        "minutes": 4,
        "helped": ["routine"],
        "tags": ["cold room"],
    }
    body.update(fields)
    return body


def test_the_episodes_api_logs_reads_changes_deletes_and_undoes(client: TestClient) -> None:
    made = client.post("/api/episodes", json=_episode())
    assert made.status_code == 201
    episode = made.json()
    assert (episode["leg"], episode["severity"], episode["minutes"]) == ("right", 8, 4)
    assert client.get(f"/api/episodes/{episode['id']}").json() == episode

    changed = client.patch(f"/api/episodes/{episode['id']}", json={"severity": 5})
    assert changed.status_code == 200 and changed.json()["severity"] == 5
    assert changed.json()["leg"] == "right"  # the rest kept

    listed = client.get("/api/episodes", params={"min_severity": 5}).json()
    assert [e["id"] for e in listed] == [episode["id"]]
    assert client.get("/api/episodes", params={"min_severity": 6}).json() == []

    assert client.delete(f"/api/episodes/{episode['id']}").status_code == 200
    assert client.get(f"/api/episodes/{episode['id']}").status_code == 404
    # A bodiless POST looks like a cross-site form: API clients send JSON (or the token).
    assert client.post("/api/episodes/undo").status_code == 403
    assert client.post("/api/episodes/undo", json={}).json()["id"] == episode["id"]
    assert client.post("/api/episodes/undo", json={}).status_code == 404


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"severity": 11}, "severity"),
        ({"leg": "middle"}, "leg"),
        ({"minutes": -1}, "minutes"),
        ({"started_at": "not a time"}, "started_at"),
        ({"zone": "Mars/Olympus"}, "zone"),
        ({"notes": "a\x00b"}, "notes"),
    ],
)
def test_the_api_names_the_bad_field_and_saves_nothing(
    client: TestClient, settings: Settings, fields: dict[str, object], named: str
) -> None:
    answer = client.post("/api/episodes", json=_episode(**fields))
    assert answer.status_code == 422
    assert named in str(answer.json()["detail"])
    assert _count(settings) == 0


def test_a_cramp_in_the_future_is_refused(client: TestClient, settings: Settings) -> None:
    later = (datetime.now(ZoneInfo(ZONE)) + timedelta(days=2)).isoformat()
    answer = client.post("/api/episodes", json=_episode(started_at=later))
    assert answer.status_code == 422
    assert "started_at" in str(answer.json()["detail"]) or "future" in str(answer.json())
    assert _count(settings) == 0


def test_the_profile_api_validates_everything_before_saving(client: TestClient) -> None:
    before = client.get("/api/profile").json()
    answer = client.put("/api/profile", json={"bedtime": "23:00", "tempo_s": 99})
    assert answer.status_code == 422
    assert "tempo_s" in str(answer.json()["detail"])
    assert client.get("/api/profile").json() == before
    saved = client.put("/api/profile", json={"bedtime": "23:00", "default_leg": "right"})
    assert saved.status_code == 200
    assert saved.json()["bedtime"] == "23:00" and saved.json()["effective"]["leg"] == "right"


def test_a_severe_cramp_offers_the_red_flag_questions(client: TestClient) -> None:
    token = _csrf(client)
    client.post("/diary", data={**_form(severity="9"), "csrf_token": token})
    page = client.get("/diary")
    assert 'id="screening-offer"' in page.text and 'href="/screening"' in page.text
    client.post("/diary", data={**_form(severity="4"), "csrf_token": token})
    assert 'id="screening-offer"' not in client.get("/diary").text


# -- issue 16, item 7: logging at 3 a.m. -----------------------------------------------------
def test_minutes_are_optional_and_stored_as_unknown(client: TestClient, settings: Settings) -> None:
    answer = client.post("/api/episodes", json={"leg": "left", "place": "calf", "severity": 6})
    assert answer.status_code == 201, answer.text
    assert answer.json()["minutes"] is None and answer.json()["duration_s"] is None
    token = _csrf(client)
    form = {**_form(minutes=""), "leg": "right", "csrf_token": token}
    assert client.post("/diary", data=form).status_code == 303
    page = client.get("/diary").text
    assert 'class="c-minutes">?' in page  # shown as not known, not as 0


def test_a_likely_duplicate_is_asked_about_in_every_door(
    client: TestClient, settings: Settings
) -> None:
    first = client.post("/api/episodes", json=_episode(leg="left"))
    assert first.status_code == 201
    again = client.post("/api/episodes", json=_episode(leg="left"))
    assert again.status_code == 409 and "already logged" in again.text
    assert _count(settings) == 1
    token = _csrf(client)
    three_hours_ago = datetime.now(ZoneInfo(ZONE)) - timedelta(hours=3, minutes=4)
    at = three_hours_ago.strftime("%Y-%m-%dT%H:%M")  # 4 minutes from the first
    form = {**_form(leg="left", at=at), "csrf_token": token}
    asked = client.post("/diary", data=form)
    assert asked.status_code == 409
    assert 'id="duplicate-notice"' in asked.text and 'name="duplicate_ok"' in asked.text
    assert _count(settings) == 1
    sure = client.post("/diary", data={**form, "duplicate_ok": "1"})
    assert sure.status_code == 303 and _count(settings) == 2
    other_leg = client.post("/api/episodes", json=_episode(leg="right"))
    assert other_leg.status_code == 201  # the other leg: another cramp
    forced = client.post("/api/episodes", json={**_episode(leg="left"), "allow_duplicate": True})
    assert forced.status_code == 201 and _count(settings) == 4

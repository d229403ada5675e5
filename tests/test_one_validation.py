"""Issue 14, item 8: one set of rules for every way a cramp comes in. Hypothesis feeds
the same values to the CLI (`crampcoach log`), the web form (POST /diary) and the JSON API
(POST /api/episodes); all three must accept it, or all three refuse it, and what they
store must be the same entry.

Values are typed as a person means them (a number, a word, a list of tags); the CLI and
the form get their text, the API the JSON value. Text that looks like a number is left
out of the numeric fields, since "5" is a number to a command line and a string in JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcoach.services import diary
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings
from crampcoach.web import create_app
from web_client import local_client

WORDS = st.text(alphabet="abcxyz", min_size=1, max_size=6)  # never a number
TEXT = st.lists(st.sampled_from([*"ab ;Zé\x00💤\t", "x" * 13]), max_size=8).map("".join)
SEVERITY = st.one_of(st.integers(-3, 13), st.booleans(), st.just(5.5), WORDS)
MINUTES = st.one_of(
    st.integers(-2, 130),
    st.floats(-1, 125, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2)),
    st.just(float("nan")),
    st.booleans(),
    WORDS,
)
LEG = st.sampled_from(["left", "right", "both", "middle", "", "LEFT"])
PLACE = st.sampled_from(["foot", "ankle", "calf", "thigh", "knee", ""])
TAG = st.one_of(TEXT, st.just("t" * 41), st.just("t" * 40)).filter(lambda t: "," not in t)
TAGS = st.one_of(
    st.lists(TAG, max_size=23),
    st.integers(19, 22).map(lambda n: [f"tag {i}" for i in range(n)]),  # near the bound
)
NOTES = st.one_of(TEXT, st.just("n" * 4000), st.just("n" * 4001))

Door = Callable[[dict[str, Any]], bool]


def _text(value: Any) -> str:
    return str(value)


@pytest.fixture
def doors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., Any],
) -> dict[str, Door]:
    settings_ = Settings(data_dir=tmp_path / "data")
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(settings_.data_dir))
    monkeypatch.delenv("CRAMPCOACH_DATABASE_URL", raising=False)
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    client = local_client(create_app(settings_), follow_redirects=False)
    page = client.get("/diary").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def cli(values: dict[str, Any]) -> bool:
        args = ["log", "--leg", _text(values["leg"]), "--where", _text(values["place"])]
        args += ["--severity", _text(values["severity"]), "--minutes", _text(values["minutes"])]
        for tag in values["tags"]:
            args += ["--tag", tag]
        args += ["--notes", values["notes"], "--yes"]  # the same cramp thrice: on purpose
        return run_cli(*args).code == 0

    def form(values: dict[str, Any]) -> bool:
        data = {
            "leg": _text(values["leg"]),
            "place": _text(values["place"]),
            "severity": _text(values["severity"]),
            "minutes": _text(values["minutes"]),
            "tags": ", ".join(values["tags"]),
            "notes": values["notes"],
            "woke": "on",
            "duplicate_ok": "1",
            "csrf_token": token,
        }
        answer = client.post("/diary", data=data)
        assert answer.status_code in (303, 422), answer.text[:300]
        return answer.status_code == 303

    def api(values: dict[str, Any]) -> bool:
        body = json.dumps(
            {**values, "allow_duplicate": True}
        )  # NaN as the token Python writes, which JSON does not allow
        headers = {"content-type": "application/json"}
        answer = client.post("/api/episodes", content=body, headers=headers)
        assert answer.status_code in (201, 422), answer.text[:300]
        return answer.status_code == 201

    store = open_store(settings_)
    return {"cli": cli, "form": form, "api": api, "store": lambda _v: store}  # type: ignore[dict-item]


def _entries(doors: dict[str, Door]) -> dict[str, tuple[Any, ...]]:
    store = doors["store"]({})
    return {
        e.id: (e.leg, e.place, e.severity, e.duration_s, tuple(e.tags), e.notes)
        for e in diary.list_episodes(store)
    }


VALID = {"leg": "left", "place": "calf", "severity": 5, "minutes": 2, "tags": [], "notes": ""}
ANY = {"leg": LEG, "place": PLACE, "severity": SEVERITY, "minutes": MINUTES}
ANY.update({"tags": TAGS, "notes": NOTES})


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    """A valid entry with one or two fields drawn from anything (each rule met alone and
    in pairs, rather than drowned among other faults)."""
    values = dict(VALID)
    for name in draw(st.lists(st.sampled_from(sorted(ANY)), min_size=1, max_size=2)):
        values[name] = draw(ANY[name])
    return values


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=entries())
def test_item8_cli_form_and_api_agree_on_every_value(
    doors: dict[str, Door], values: dict[str, Any]
) -> None:
    outcomes = {}
    stored = {}
    for name in ("cli", "form", "api"):
        before = _entries(doors)
        outcomes[name] = doors[name](values)
        new = [entry for key, entry in _entries(doors).items() if key not in before]
        assert len(new) == int(outcomes[name]), f"{name} said one thing and did another"
        stored[name] = new[0] if new else None
    assert len(set(outcomes.values())) == 1, f"the doors disagree on {values!r}: {outcomes}"
    if outcomes["api"]:
        assert stored["cli"] == stored["form"] == stored["api"]

"""Red-flag screening: the rules file says what its sources say, and the evaluator reads it
exactly; bad answers and broken files fail in one clear line."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from crampcoach.diary.models import EpisodeCreate
from crampcoach.errors import UserError
from crampcoach.safety import (
    LEVELS,
    RedFlagRulesError,
    ScreeningError,
    ScreeningResult,
    load_rules,
    parse_rules,
    screen,
    should_offer_screening,
)
from crampcoach.safety.countries import local_help

RULES = load_rules()
NHS = "https://www.nhs.uk/conditions/leg-cramps/"
NHS_DVT = "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/"
AAFP = "https://www.aafp.org/pubs/afp/issues/2012/0815/p350.html"

# Every flag in the file, with its level. A change to the file must change this table too:
# the table is the reviewed record of what each answer means.
EXPECTED_FLAGS = {
    ("swollen-calf", "yes"): "urgent-today",
    ("long-cramp", "yes"): "urgent-today",
    ("wound-or-toxin", "yes"): "urgent-today",
    ("numbness-weakness", "yes"): "see-doctor-soon",
    ("how-often", "most-nights"): "see-doctor-soon",
    ("how-often", "weekly"): "next-appointment",
    ("sleep", "yes"): "see-doctor-soon",
    ("new-medicine", "yes"): "see-doctor-soon",
    ("pregnant", "yes"): "next-appointment",
    ("kidney-disease", "yes"): "see-doctor-soon",
    ("liver-disease", "yes"): "see-doctor-soon",
}
ALL_FLAGS = [
    (question.id, answer, flag.level)
    for question in RULES.questions
    for answer, flag in question.flags.items()
]
QUIET = {q.id: ("less-than-weekly" if q.kind == "choice" else "no") for q in RULES.questions}


def _rules_data() -> dict:
    entry = resources.files("crampcoach.safety") / "red_flags.yaml"
    return yaml.safe_load(entry.read_text(encoding="utf-8"))


def _episode(severity: int, duration_s: int) -> EpisodeCreate:
    return EpisodeCreate(
        started_at=datetime(2026, 11, 20, 2, 40, tzinfo=UTC),
        zone="Europe/Amsterdam",
        duration_s=duration_s,
        leg="left",
        place="calf",
        severity=severity,
    )


# -- the rules file -------------------------------------------------------------------------


def test_the_shipped_file_is_package_data():
    assert (resources.files("crampcoach.safety") / "red_flags.yaml").is_file()
    assert RULES.version >= 1
    assert [level for level in LEVELS] == ["urgent-today", "see-doctor-soon", "next-appointment"]
    assert RULES.levels["urgent-today"].label == "Get urgent care today"
    assert RULES.levels["see-doctor-soon"].label == "See a doctor soon"
    assert RULES.levels["next-appointment"].label == "Mention it at your next appointment"


def test_every_flag_has_a_source_with_a_url():
    for question in RULES.questions:
        for flag in question.flags.values():
            assert flag.sources
            for name in flag.sources:
                assert RULES.sources[name].url.startswith("https://")
    assert {s.url for s in RULES.sources.values()} >= {NHS, NHS_DVT, AAFP}
    assert "Allen RE, Kirby KA" in RULES.sources["aafp-2012"].citation
    assert "2012;86(4):350-355" in RULES.sources["aafp-2012"].citation


def test_the_flags_are_the_reviewed_ones():
    assert {(q, a): level for q, a, level in ALL_FLAGS} == EXPECTED_FLAGS


def test_questions_are_plain_questions_and_reasons_never_diagnose():
    for question in RULES.questions:
        assert question.text.endswith("?"), question.id
        for flag in question.flags.values():
            assert not re.search(r"\byou (have|are suffering from)\b", flag.reason), question.id


def test_the_key_questions_cover_what_the_sources_say():
    calf = RULES.question("swollen-calf")
    assert calf is not None
    for word in ("swollen", "red", "warm", "sore"):
        assert word in calf.text
    assert "DVT" in calf.flags["yes"].reason
    assert "can be a sign of" in calf.flags["yes"].reason
    long = RULES.question("long-cramp")
    assert long is not None and "10 minutes" in long.text
    numb = RULES.question("numbness-weakness")
    assert numb is not None
    for word in ("numbness", "pins and needles", "weakness", "smaller"):
        assert word in numb.text
    medicine = RULES.question("new-medicine")
    assert medicine is not None
    words = " ".join(medicine.details) + medicine.flags["yes"].reason
    for name in (
        "diuretics",
        "statins",
        "iron sucrose",
        "conjugated estrogens",
        "raloxifene",
        "naproxen",
        "teriparatide",
        "long-acting beta-agonists",
    ):
        assert name in words, name
    assert "do not stop" in medicine.flags["yes"].reason
    assert "midwife" in RULES.question("pregnant").flags["yes"].reason
    assert "dialysis team" in RULES.question("kidney-disease").flags["yes"].reason


def test_the_offer_thresholds_are_data():
    assert RULES.offer.min_severity == 8
    assert RULES.offer.longer_than_s == 600


# -- the evaluator ------------------------------------------------------------------------


@pytest.mark.parametrize(("question_id", "answer", "level"), ALL_FLAGS)
def test_each_flagged_answer_gives_its_documented_level(question_id, answer, level):
    result = screen({question_id: answer})
    assert result.level == level
    assert result.advice == RULES.levels[level].label
    assert result.action == local_help(None).fill(RULES.levels[level].action)
    (finding,) = result.findings
    flag = RULES.question(question_id).flags[answer]
    assert finding.question_id == question_id
    assert finding.answer == answer
    assert finding.level == level
    assert finding.reason == local_help(None).fill(flag.reason)
    assert [s.url for s in finding.sources] == [RULES.sources[n].url for n in flag.sources]


def test_a_swollen_red_calf_means_urgent_care_today():
    result = screen({"swollen-calf": True})
    assert result.level == "urgent-today"
    assert result.advice == "Get urgent care today"
    assert "your local emergency number" in result.action  # no country given: no number
    assert "999" not in result.action and "111" not in result.action
    assert result.findings[0].sources[0].url == NHS_DVT


def test_a_long_cramp_and_a_dirty_wound_are_urgent_today():
    assert screen({"long-cramp": "yes"}).level == "urgent-today"
    assert screen({"wound-or-toxin": "yes"}).level == "urgent-today"


def test_numbness_and_nightly_cramps_mean_see_a_doctor_soon():
    assert screen({"numbness-weakness": True}).level == "see-doctor-soon"
    assert screen({"how-often": "most-nights"}).level == "see-doctor-soon"
    assert screen({"sleep": True}).level == "see-doctor-soon"
    assert screen({"pregnant": True}).level == "next-appointment"


def test_all_quiet_answers_give_no_flags():
    result = screen(QUIET)
    assert result.level is None
    assert result.findings == ()
    assert result.unanswered == ()
    assert result.complete
    assert result.advice == RULES.no_flags.label
    assert result.action == RULES.no_flags.action


def test_the_most_urgent_answer_sets_the_level():
    answers = dict(QUIET, pregnant=True, sleep=True, **{"swollen-calf": True})
    result = screen(answers)
    assert result.level == "urgent-today"
    assert [f.question_id for f in result.findings] == ["swollen-calf", "sleep", "pregnant"]
    assert [f.level for f in result.findings] == [
        "urgent-today",
        "see-doctor-soon",
        "next-appointment",
    ]


def test_see_a_doctor_beats_mention_it():
    result = screen({"pregnant": "yes", "how-often": "weekly", "liver-disease": "yes"})
    assert result.level == "see-doctor-soon"
    assert [f.question_id for f in result.findings] == [
        "liver-disease",
        "how-often",
        "pregnant",
    ]


def test_unanswered_questions_are_listed_in_file_order():
    result = screen({"sleep": None, "pregnant": False})
    assert result.answers == {"pregnant": "no"}
    assert result.unanswered == tuple(q.id for q in RULES.questions if q.id != "pregnant")
    assert not result.complete
    assert screen({}).unanswered == tuple(q.id for q in RULES.questions)


@pytest.mark.parametrize(
    ("given", "stored"), [(True, "yes"), (False, "no"), ("yes", "yes"), (" NO ", "no")]
)
def test_yes_no_answers_in_either_form(given, stored):
    assert screen({"sleep": given}).answers == {"sleep": stored}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"calf": True},
            "unknown question 'calf'; the questions are: swollen-calf, long-cramp, ",
        ),
        ({"sleep": "maybe"}, "question 'sleep': expected yes or no (got 'maybe')"),
        ({"sleep": 1}, "question 'sleep': expected yes or no (got 1)"),
        (
            {"how-often": "daily"},
            "question 'how-often': expected one of less-than-weekly, weekly, most-nights "
            "(got 'daily')",
        ),
        ({"how-often": True}, "question 'how-often': expected one of"),
        (
            {"sleep": "maybe", "pregnant": 2},
            "question 'sleep': expected yes or no (got 'maybe') (and 1 more)",
        ),
    ],
)
def test_bad_answers_fail_with_a_clear_message(answers, message):
    with pytest.raises(ScreeningError) as caught:
        screen(answers)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, UserError)
    assert caught.value.exit_code == 2


def test_answers_must_be_a_mapping():
    with pytest.raises(ScreeningError, match=r"^answers: expected question ids"):
        screen([("sleep", True)])  # type: ignore[arg-type]


def test_results_round_trip_through_json():
    result = screen(dict(QUIET, **{"swollen-calf": True, "how-often": "weekly"}))
    data = result.to_dict()
    text = json.dumps(data)
    back = ScreeningResult.from_dict(json.loads(text))
    assert back == result
    assert back.to_dict() == data
    assert data["level"] == "urgent-today"
    assert data["findings"][0]["sources"][0] == {
        "citation": RULES.sources["nhs-dvt"].citation,
        "url": NHS_DVT,
    }
    empty = screen({})
    assert ScreeningResult.from_dict(json.loads(json.dumps(empty.to_dict()))) == empty


def test_a_broken_stored_result_fails_clearly():
    data = screen({"sleep": True}).to_dict()
    data["level"] = "whenever"
    with pytest.raises(ScreeningError, match=r"^screening result, field level: "):
        ScreeningResult.from_dict(data)


# -- when to offer the screening ------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "duration_s", "offer"),
    [
        (8, 60, True),
        (10, 0, True),
        (7, 600, False),
        (7, 601, True),
        (0, 0, False),
        (7, 7200, True),
    ],
)
def test_severe_or_long_cramps_prompt_the_offer(severity, duration_s, offer):
    assert should_offer_screening(_episode(severity, duration_s)) is offer


def test_the_offer_follows_the_file():
    data = _rules_data()
    data["offer"] = {"min_severity": 5, "longer_than_s": 60}
    rules = parse_rules(yaml.safe_dump(data), "custom.yaml")
    assert should_offer_screening(_episode(5, 0), rules=rules)
    assert should_offer_screening(_episode(0, 61), rules=rules)
    assert not should_offer_screening(_episode(4, 60), rules=rules)


# -- broken rules files ---------------------------------------------------------------------


def _broken(change) -> str:
    data = _rules_data()
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["questions"][0]["flags"]["yes"].update(level="soonish"),
            "rules.yaml, field questions.0.flags.yes.level: input should be 'urgent-today', "
            "'see-doctor-soon' or 'next-appointment' (got 'soonish')",
        ),
        (
            lambda d: d["questions"][0]["flags"]["yes"].update(sources=["nope"]),
            "rules.yaml: question 'swollen-calf', answer 'yes': unknown source 'nope'; "
            "cite it under sources",
        ),
        (
            lambda d: d["questions"][0]["flags"]["yes"].update(sources=[]),
            "rules.yaml, field questions.0.flags.yes.sources: ",
        ),
        (
            lambda d: d["sources"]["aafp-2012"].update(url="www.aafp.org"),
            "rules.yaml, field sources.aafp-2012.url: ",
        ),
        (
            lambda d: d["questions"][4]["flags"].update(
                sometimes=d["questions"][4]["flags"]["weekly"]
            ),
            "flag for answer 'sometimes', which is not one of: less-than-weekly, weekly, "
            "most-nights",
        ),
        (
            lambda d: d["levels"].pop("see-doctor-soon"),
            "rules.yaml: levels: 'see-doctor-soon' has no words",
        ),
        (
            lambda d: d["questions"].append(dict(d["questions"][0])),
            "rules.yaml: question id 'swollen-calf' appears twice",
        ),
        (lambda d: d["questions"][0].pop("kind"), "field questions.0.kind: field required"),
        (lambda d: d.update(colour="red"), "field colour: extra inputs are not permitted"),
    ],
)
def test_a_broken_rules_file_fails_in_one_line(change, message):
    with pytest.raises(RedFlagRulesError) as caught:
        parse_rules(_broken(change), "rules.yaml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("rules.yaml")
    assert "\n" not in str(caught.value)


def test_bare_yes_keys_are_read_as_the_word():
    entry = resources.files("crampcoach.safety") / "red_flags.yaml"
    text = entry.read_text(encoding="utf-8").replace('"yes":', "yes:")
    assert "\n      yes:\n" in text
    assert parse_rules(text, "rules.yaml") == RULES


def test_invalid_yaml_names_the_line():
    with pytest.raises(RedFlagRulesError, match=r"^rules.yaml: invalid YAML at line 3, column 1: "):
        parse_rules("version: 1\nquestions: [\n", "rules.yaml")
    with pytest.raises(RedFlagRulesError, match="must be a YAML mapping"):
        parse_rules("- a\n- b\n", "rules.yaml")


# -- issue 16, item 3: where the person lives ----------------------------------------------
@pytest.mark.parametrize(
    ("country", "emergency", "urgent"),
    [
        ("GB", "call 999", "NHS 111"),
        ("US", "call 911", "urgent care"),
        ("IE", "call 112 or 999", "GP out-of-hours"),
        ("NL", "call 112", "out-of-hours"),  # the EU's 112
        ("DE", "call 112", "116 117"),
        ("CA", "call 911", "811"),
        ("AU", "call 000", "1800 022 222"),
        ("NZ", "call 111", "0800 611 116"),
        ("IN", "call 112", "doctor"),
        ("JP", "call your local emergency number", "out-of-hours"),  # no entry: no number
        (None, "call your local emergency number", "out-of-hours"),
    ],
)
def test_advice_names_the_numbers_of_where_the_person_lives(
    country: str | None, emergency: str, urgent: str
) -> None:
    result = screen({"swollen-calf": True}, where=local_help(country))
    assert emergency in result.action and urgent in result.action
    assert "{" not in result.action and "{" not in result.findings[0].reason
    if country not in ("GB", "NZ"):
        assert "999" not in result.action.replace("112 or 999", "") and "111" not in result.action


def test_every_country_cites_its_sources_and_unknown_ones_get_no_number() -> None:
    from crampcoach.safety.countries import help_book

    book = help_book()
    for code, entry in book.countries.items():
        assert entry.sources, code
        assert local_help(code).sources
    assert book.unknown.emergency is None
    assert {"GB", "IE", "US", "CA", "AU", "NZ", "IN"} <= set(book.countries)
    assert "NL" in book.eu_112 and local_help("NL").emergency == "112"


def test_the_country_is_guessed_from_the_time_zone(tmp_path: Path) -> None:
    from crampcoach.services.diary import set_profile
    from crampcoach.services.screening import local_help_for
    from crampcoach.store import Store

    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    set_profile(store, timezone="America/New_York")
    assert local_help_for(store).emergency == "911"
    set_profile(store, timezone="America/New_York", country="GB")  # lives in the UK
    assert local_help_for(store).emergency == "999"


def test_the_web_and_the_cli_give_the_numbers_of_where_the_person_lives(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from crampcoach.settings import Settings
    from crampcoach.web import create_app
    from web_client import local_client

    settings = Settings(data_dir=tmp_path / "data")
    client = local_client(create_app(settings), follow_redirects=False)
    assert client.put("/api/profile", json={"timezone": "America/New_York"}).status_code == 200
    page = client.get("/screening").text
    assert "call 911 now" in page and "999" not in page
    assert "United States (from the time zone)" in client.get("/settings").text
    assert "urgent care clinic" in client.get("/play/cramp-now").text  # the 10-minute notice
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"timezone": "America/New_York", "country": "GB", "default_leg": "right"}
    assert client.post("/settings", data={**form, "csrf_token": token}).status_code == 303
    assert "call 999 now" in client.get("/screening").text
    bad = client.put("/api/profile", json={"country": "ZZ"})
    assert bad.status_code == 422 and "country" in bad.text
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(settings.data_dir))
    result = run_cli("screen", "-a", "swollen-calf=yes")
    assert result.code == 0 and "999" in result.out
    assert run_cli("profile", "set", "--country", "nz").code == 0
    assert "country:    NZ" in run_cli("profile").out

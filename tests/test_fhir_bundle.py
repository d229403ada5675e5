"""The FHIR export: a Bundle that validates as FHIR R4 (checked with fhir.resources' R4B
models, which match R4 for Bundle, Observation, MedicationStatement and Patient), with the
codes and values exactly right for a known episode."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from crampcoach.diary.models import Episode, Profile
from crampcoach.export.fhir_bundle import fhir_bundle
from crampcoach.fixtures.diary import generate_history

NOW = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
MODELS = {
    "Observation": Observation,
    "MedicationStatement": MedicationStatement,
    "Patient": Patient,
}
EPISODE_ID = "0b9a5a3e-1c7f-4e0b-9d57-7c1f2b3a4d5e"


def _known(**changes) -> Episode:
    fields = {
        "id": EPISODE_ID,
        "started_at": datetime(2026, 10, 20, 1, 40, tzinfo=UTC),  # 03:40 in Amsterdam (CEST)
        "zone": "Europe/Amsterdam",
        "night": date(2026, 10, 19),
        "duration_s": 150,
        "leg": "left",
        "place": "calf",
        "severity": 7,
        "woke": True,
        "helped": ["stretching", "walking"],
        "tags": ["cold room"],
        "pain_after": 2,
        "notes": "hard knot, eased after walking",
        "created_at": datetime(2026, 10, 20, 6, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 10, 20, 6, 5, tzinfo=UTC),
    }
    return Episode(**(fields | changes))


def _validate(document: dict) -> Bundle:
    json.dumps(document)  # JSON-able as it is
    bundle = Bundle.model_validate(document)
    for entry in document.get("entry", []):
        resource = entry["resource"]
        MODELS[resource["resourceType"]].model_validate(resource)
    return bundle


def _resources(document: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_a_generated_diary_validates():
    history = generate_history()
    document = fhir_bundle(history.episodes, history.profile, now=NOW)
    bundle = _validate(document)
    assert bundle.type == "collection"
    episodes = [e for e in history.episodes if e.deleted_at is None]
    observations = _resources(document, "Observation")
    medicines = _resources(document, "MedicationStatement")
    (patient,) = _resources(document, "Patient")
    assert len(observations) == len(episodes) > 100
    assert [m["medicationCodeableConcept"]["text"] for m in medicines] == list(
        history.profile.medicines
    )
    subject = f"urn:uuid:{patient['id']}"
    full_urls = [entry["fullUrl"] for entry in document["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in document["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    by_id = {e.id: e for e in episodes}
    for observation in observations:
        episode = by_id[observation["id"]]
        assert observation["subject"] == {"reference": subject}
        # the same instant, DST folds included, written with the person's own offset
        # (timestamps: PEP 495 makes a repeated hour unequal to any other zone's datetime)
        written = datetime.fromisoformat(observation["effectiveDateTime"])
        assert written.timestamp() == episode.started_at.timestamp()
        assert written.utcoffset() == episode.started_at.utcoffset()
        assert observation["component"][0]["valueInteger"] == episode.severity
        assert observation["status"] == "final"
    for statement in medicines:
        assert statement["subject"] == {"reference": subject}
        assert statement["status"] == "active"
    starts = [datetime.fromisoformat(o["effectiveDateTime"]).timestamp() for o in observations]
    assert starts == sorted(starts)


def test_the_export_is_stable():
    history = generate_history(nights=60)
    first = fhir_bundle(history.episodes, history.profile, now=NOW)
    again = fhir_bundle(list(reversed(history.episodes)), history.profile, now=NOW)
    assert first == again
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_an_empty_diary_validates():
    document = fhir_bundle([], None, now=NOW)
    assert document == {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": "2026-11-01T09:30:00Z",
    }
    assert _validate(document).entry is None


def test_a_profile_without_episodes_gives_its_medicines():
    profile = Profile(timezone="Europe/London", medicines=["atorvastatin 20 mg"])
    document = fhir_bundle([], profile, now=NOW)
    _validate(document)
    (statement,) = _resources(document, "MedicationStatement")
    assert statement["medicationCodeableConcept"] == {"text": "atorvastatin 20 mg"}
    assert statement["dateAsserted"] == "2026-11-01T09:30:00Z"
    assert len(document["entry"]) == 2
    assert fhir_bundle([], Profile(timezone="UTC"), now=NOW).get("entry") is None


def test_a_known_episode_exactly():
    document = fhir_bundle([_known()], None, now=NOW)
    _validate(document)
    patient_url = document["entry"][0]["fullUrl"]
    entry = document["entry"][1]
    assert entry["fullUrl"] == f"urn:uuid:{EPISODE_ID}"
    assert entry["resource"] == {
        "resourceType": "Observation",
        "id": EPISODE_ID,
        "status": "final",
        "code": {
            "coding": [
                {
                    "system": "http://snomed.info/sct",
                    "code": "55300003",
                    "display": "Cramp (finding)",
                }
            ],
            "text": "Leg cramp",
        },
        "subject": {"reference": patient_url},
        "effectiveDateTime": "2026-10-20T03:40:00+02:00",
        "issued": "2026-10-20T06:05:00Z",
        "bodySite": {
            "coding": [
                {
                    "system": "http://snomed.info/sct",
                    "code": "53840002",
                    "display": "Structure of calf of leg",
                }
            ],
            "text": "left calf",
        },
        "component": [
            {
                "code": {
                    "coding": [
                        {
                            "system": "http://loinc.org",
                            "code": "72514-3",
                            "display": "Pain severity - 0-10 verbal numeric rating [Score] - "
                            "Reported",
                        }
                    ],
                    "text": "Pain severity (0-10)",
                },
                "valueInteger": 7,
            },
            {
                "code": {"text": "Duration of the cramp"},
                "valueQuantity": {
                    "value": 150,
                    "unit": "s",
                    "system": "http://unitsofmeasure.org",
                    "code": "s",
                },
            },
            {
                "code": {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "272741003",
                            "display": "Laterality",
                        }
                    ],
                    "text": "Side",
                },
                "valueCodeableConcept": {
                    "coding": [
                        {"system": "http://snomed.info/sct", "code": "7771000", "display": "Left"}
                    ],
                    "text": "left",
                },
            },
            {"code": {"text": "Woke from sleep"}, "valueBoolean": True},
            {"code": {"text": "Pain left after the cramp eased (0-10)"}, "valueInteger": 2},
        ],
        "note": [
            {"text": "hard knot, eased after walking"},
            {"text": "What helped: stretching, walking"},
            {"text": "Tags: cold room"},
        ],
    }


@pytest.mark.parametrize(
    ("leg", "place", "side_code", "site_code", "text"),
    [
        ("right", "foot", "24028007", "56459004", "right foot"),
        ("both", "ankle", "51440002", "344001", "both ankles"),
        ("left", "thigh", "7771000", "68367000", "left thigh"),
        ("both", "calf", "51440002", "53840002", "both calves"),
    ],
)
def test_sites_and_sides(leg, place, side_code, site_code, text):
    document = fhir_bundle([_known(leg=leg, place=place)], None, now=NOW)
    _validate(document)
    (observation,) = _resources(document, "Observation")
    assert observation["bodySite"]["coding"][0]["code"] == site_code
    assert observation["bodySite"]["text"] == text
    assert observation["component"][2]["valueCodeableConcept"]["coding"][0]["code"] == side_code


def test_optional_fields_left_out_and_deleted_episodes_skipped():
    bare = _known(pain_after=None, notes="", helped=[], tags=[])
    deleted = _known(id="9e0c1d2b-3a4f-4b5c-8d6e-7f8091a2b3c4", deleted_at=NOW)
    document = fhir_bundle([bare, deleted], None, now=NOW)
    _validate(document)
    (observation,) = _resources(document, "Observation")
    assert observation["id"] == EPISODE_ID
    assert "note" not in observation
    assert [c["code"]["text"] for c in observation["component"]] == [
        "Pain severity (0-10)",
        "Duration of the cramp",
        "Side",
        "Woke from sleep",
    ]


def test_an_id_that_is_not_a_uuid_still_gets_a_stable_urn():
    document = fhir_bundle([_known(id="entry-17")], None, now=NOW)
    _validate(document)
    (observation,) = _resources(document, "Observation")
    assert observation["id"] != "entry-17"
    assert fhir_bundle([_known(id="entry-17")], None, now=NOW) == document


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        fhir_bundle([], None, now=datetime(2026, 11, 1))

"""The diary as a FHIR R4 Bundle (type "collection") for a doctor's system. Pure: JSON-ready
dicts out, the current time passed in.

One Observation per cramp episode: the cramp coded in SNOMED CT (55300003 "Cramp"), the
start as effectiveDateTime, the body site, and components for the pain (LOINC 72514-3,
0-10), the duration (UCUM seconds), the side (SNOMED CT laterality), whether it woke the
person and the pain left afterwards. The profile's medicines become MedicationStatements
(text only: names as the person wrote them, not coded). A Patient without any identifying
data is the subject the entries point at; the receiving system links it to the person.
Deleted episodes are left out. Same inputs, same document: ids and fullUrls are stable.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from crampcoach.diary.models import Episode, Profile
from crampcoach.export.diary_json import sort_episodes

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PAIN_SEVERITY = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
CRAMP = {"system": SNOMED, "code": "55300003", "display": "Cramp (finding)"}
LATERALITY = {"system": SNOMED, "code": "272741003", "display": "Laterality"}
SIDES = {
    "left": {"system": SNOMED, "code": "7771000", "display": "Left"},
    "right": {"system": SNOMED, "code": "24028007", "display": "Right"},
    "both": {"system": SNOMED, "code": "51440002", "display": "Right and left"},
}
SITES = {
    "foot": {"system": SNOMED, "code": "56459004", "display": "Foot structure"},
    "ankle": {"system": SNOMED, "code": "344001", "display": "Ankle region structure"},
    "calf": {"system": SNOMED, "code": "53840002", "display": "Structure of calf of leg"},
    "thigh": {"system": SNOMED, "code": "68367000", "display": "Thigh structure"},
}
_PLURAL = {"foot": "feet", "ankle": "ankles", "calf": "calves", "thigh": "thighs"}
_NAMESPACE = uuid.UUID("3c5f4e1a-9b7d-4f62-8d0e-666869726275")


def _uuid(text: str) -> str:
    """A UUID id: the episode's own id when it is one, else one derived from it."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(_NAMESPACE, text))


def _urn(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _site_text(episode: Episode) -> str:
    if episode.leg == "both":
        return f"both {_PLURAL[episode.place]}"
    return f"{episode.leg} {episode.place}"


def _notes(episode: Episode) -> list[dict[str, str]]:
    notes = []
    if episode.notes:
        notes.append({"text": episode.notes})
    if episode.helped:
        notes.append({"text": f"What helped: {', '.join(episode.helped)}"})
    if episode.tags:
        notes.append({"text": f"Tags: {', '.join(episode.tags)}"})
    return notes


def episode_observation(episode: Episode, subject: str) -> dict[str, Any]:
    """One cramp episode as an Observation; ``subject`` is the Patient's fullUrl. A length
    that was not known is left out (FHIR has no "unknown" value for a quantity)."""
    duration: list[dict[str, Any]] = []
    if episode.duration_s is not None:
        duration.append(
            {
                "code": {"text": "Duration of the cramp"},
                "valueQuantity": {
                    "value": episode.duration_s,
                    "unit": "s",
                    "system": UCUM,
                    "code": "s",
                },
            }
        )
    components: list[dict[str, Any]] = [
        {
            "code": {"coding": [PAIN_SEVERITY], "text": "Pain severity (0-10)"},
            "valueInteger": episode.severity,
        },
        *duration,
        {
            "code": {"coding": [LATERALITY], "text": "Side"},
            "valueCodeableConcept": {"coding": [SIDES[episode.leg]], "text": episode.leg},
        },
        {"code": {"text": "Woke from sleep"}, "valueBoolean": episode.woke},
    ]
    if episode.pain_after is not None:
        components.append(
            {
                "code": {"text": "Pain left after the cramp eased (0-10)"},
                "valueInteger": episode.pain_after,
            }
        )
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _uuid(episode.id),
        "status": "final",
        "code": {"coding": [CRAMP], "text": "Leg cramp"},
        "subject": {"reference": subject},
        "effectiveDateTime": episode.started_at.astimezone(ZoneInfo(episode.zone)).isoformat(),
        "issued": _instant(episode.updated_at),
        "bodySite": {"coding": [SITES[episode.place]], "text": _site_text(episode)},
        "component": components,
    }
    notes = _notes(episode)
    if notes:
        observation["note"] = notes
    return observation


def medication_statement(name: str, subject: str, now: datetime) -> dict[str, Any]:
    """A medicine from the profile, as the person wrote it (not coded)."""
    return {
        "resourceType": "MedicationStatement",
        "id": str(uuid.uuid5(_NAMESPACE, f"medication|{name}")),
        "status": "active",
        "medicationCodeableConcept": {"text": name},
        "subject": {"reference": subject},
        "dateAsserted": _instant(now),
        "informationSource": {"reference": subject},
    }


def fhir_bundle(
    episodes: Sequence[Episode], profile: Profile | None, *, now: datetime
) -> dict[str, Any]:
    """A FHIR R4 Bundle (type "collection") as a JSON-ready dict; ``now`` (aware) is its
    timestamp. Episodes are sorted by start time then id; deleted ones are left out."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    kept = [episode for episode in sort_episodes(episodes) if episode.deleted_at is None]
    medicines = list(profile.medicines) if profile else []
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(now),
    }
    if not kept and not medicines:
        return bundle
    key = "|".join(sorted(episode.id for episode in kept)) or "|".join(medicines)
    patient_id = str(uuid.uuid5(_NAMESPACE, f"patient|{key}"))
    subject = _urn(patient_id)
    resources = [{"resourceType": "Patient", "id": patient_id}]
    resources += [episode_observation(episode, subject) for episode in kept]
    resources += [medication_statement(name, subject, now) for name in medicines]
    bundle["entry"] = [
        {"fullUrl": _urn(resource["id"]), "resource": resource} for resource in resources
    ]
    return bundle

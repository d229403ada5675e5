"""An iOS configuration profile (.mobileconfig) carrying the local CA, so an iPhone can
install it from Safari. Unsigned: iOS shows it as "Not Signed", which is expected for a
CA the person made on their own computer. Its identifiers derive from the CA, so the same
CA always gives the same profile (installing it again replaces it)."""

from __future__ import annotations

import hashlib
import plistlib
import uuid

NAMESPACE = uuid.UUID("3f0c8f5e-52a4-4c1b-9a51-6f1a7c0b9d21")  # crampcoach's own


def mobileconfig(ca_der: bytes, ca_name: str) -> bytes:
    digest = hashlib.sha256(ca_der).hexdigest()
    payload = {
        "PayloadType": "com.apple.security.root",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"app.crampcoach.ca.{digest[:16]}.certificate",
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, "certificate:" + digest)).upper(),
        "PayloadDisplayName": ca_name,
        "PayloadCertificateFileName": "crampcoach-ca.cer",
        "PayloadContent": ca_der,
    }
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"app.crampcoach.ca.{digest[:16]}",
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, "profile:" + digest)).upper(),
        "PayloadDisplayName": ca_name,
        "PayloadDescription": (
            "Lets this device trust crampcoach running on your own computer at home. "
            "It can vouch only for home-network names and addresses."
        ),
        "PayloadOrganization": "crampcoach",
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [payload],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML)

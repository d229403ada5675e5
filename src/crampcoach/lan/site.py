"""What a server started with `--lan` tells its pages: where phones reach it, its CA (to
download and trust) and its pairing codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crampcoach.lan.ios_profile import mobileconfig
from crampcoach.lan.pairing import PairingTokens

if TYPE_CHECKING:
    from crampcoach.lan.certificates import LanCertificates


def origin(name: str, port: int) -> str:
    host = f"[{name}]" if ":" in name else name
    return f"https://{host}" if port == 443 else f"https://{host}:{port}"


@dataclass(frozen=True)
class LanSite:
    name: str  # the name a phone uses (lan/names.py preferred_name)
    port: int
    names: tuple[str, ...]  # every name the server answers to (its certificate's)
    ca_name: str
    ca_der: bytes
    ca_fingerprint: str
    pairing: PairingTokens = field(default_factory=PairingTokens)

    @classmethod
    def from_certificates(
        cls, certificates: LanCertificates, name: str, port: int, pairing: PairingTokens
    ) -> LanSite:
        authority = certificates.authority
        return cls(
            name=name,
            port=port,
            names=certificates.names,
            ca_name=authority.name,
            ca_der=authority.der(),
            ca_fingerprint=authority.fingerprint(),
            pairing=pairing,
        )

    @property
    def url(self) -> str:
        return origin(self.name, self.port) + "/"

    def pair_url(self) -> str:
        """The current one-time pairing URL (what the QR code carries)."""
        return f"{origin(self.name, self.port)}/pair?token={self.pairing.current().token}"

    def mobileconfig(self) -> bytes:
        return mobileconfig(self.ca_der, self.ca_name)

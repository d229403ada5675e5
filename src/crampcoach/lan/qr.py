"""QR codes of a URL: for the terminal (`crampcoach serve --lan`) and as inline SVG
(the /phone page; presentation attributes only, so the page's CSP allows it)."""

from __future__ import annotations

import io
from typing import TextIO

import segno


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def terminal_qr(url: str) -> str:
    """Two rows of modules a line (half blocks), with a quiet zone around."""
    out = io.StringIO()
    qr_code(url).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def print_qr(url: str, out: TextIO) -> bool:
    """Print the code; False when this terminal cannot show its block characters."""
    text = terminal_qr(url)
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    out.write(text)
    out.flush()
    return True


def svg_qr(url: str, label: str) -> str:
    """Black on white (what camera apps read best) with its quiet zone, whatever the
    page's colours; `label` is its accessible name."""
    svg = qr_code(url).svg_inline(
        scale=6, border=4, dark="#000", light="#fff", title=label, svgclass="qr", lineclass=None
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)

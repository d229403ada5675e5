"""Serving the app to a phone on the home network: a local certificate authority and the
server's certificate (`cryptography`), a one-time pairing code shown as a QR code
(`segno`), and the iPhone profile that carries the CA.

An adapter: never imported by the core. `crampcoach serve --lan` puts it together. The
modules are imported one by one (nothing here), so the web app loads `cryptography`
only when it serves the LAN.
"""

"""The terminal coach: a full-screen live display (Rich), key presses and spoken cues."""

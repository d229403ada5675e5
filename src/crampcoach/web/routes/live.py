"""/api/live: the live camera WebSocket of the player (protocol: web/live_protocol.py).

Its Origin and session are checked by the app's `verify_csrf` before this runs. At most
MAX_CONNECTIONS cameras are coached at once (each has a pose model of its own).
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from crampcoach.web import live_protocol as wire
from crampcoach.web.live_connection import LiveConnection

router = APIRouter()
MAX_CONNECTIONS = 4
BUSY = "the camera coach is busy with other cameras; try again in a moment"


@router.websocket("/api/live")
async def live_camera(websocket: WebSocket) -> None:
    state = websocket.app.state
    if state.live_connections >= MAX_CONNECTIONS:
        await websocket.accept()
        await websocket.send_text(wire.unavailable(BUSY))
        await websocket.close(code=1013)  # try again later
        return
    state.live_connections += 1
    try:
        connection = LiveConnection(
            websocket, pose_factory=state.pose_factory, book=state.live_figures
        )
        await connection.run()
    finally:
        state.live_connections -= 1

"""/api/live: the live camera WebSocket of the player (protocol: web/live_protocol.py).

Its Host, Origin and login are checked by the Gatekeeper before this runs. At most
`LiveLimits.max_cameras` cameras are coached at once; their pose models come from one
pool of that size (pose/pool.py), so models and their threads are bounded by the same
number and reused from one camera session to the next.
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from crampcoach.web import live_protocol as wire
from crampcoach.web.live_connection import BUSY, LiveConnection, LiveLimits

router = APIRouter()
MAX_CONNECTIONS = LiveLimits().max_cameras
__all__ = ["BUSY", "MAX_CONNECTIONS", "router"]


@router.websocket("/api/live")
async def live_camera(websocket: WebSocket) -> None:
    state = websocket.app.state
    limits: LiveLimits = state.live_limits
    if state.live_connections >= limits.max_cameras:
        await websocket.accept()
        await websocket.send_text(wire.unavailable(BUSY))
        await websocket.close(code=1013)  # try again later
        return
    state.live_connections += 1
    try:
        connection = LiveConnection(
            websocket, pool=state.pose_pool, book=state.live_figures, limits=limits
        )
        await connection.run()
    finally:
        state.live_connections -= 1

"""The live camera's wire format and its one-slot mailbox, without a server."""

from __future__ import annotations

import asyncio
import json
import struct

import numpy as np
import pytest

from crampcoach.fixtures.motion import generate
from crampcoach.pose.jpeg import MAX_JPEG_BYTES, FrameError, check_jpeg, decode_jpeg, jpeg_size
from crampcoach.web import live_protocol as wire
from crampcoach.web.latest_mailbox import LatestMailbox, MailboxClosed
from unavailable import require_module


def jpeg(width: int = 64, height: int = 48) -> bytes:
    cv2 = require_module("cv2", "OpenCV comes with the camera extra")
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 2] = (200, 120, 40)
    ok, encoded = cv2.imencode(".jpg", image)
    assert ok
    return encoded.tobytes()


APP0 = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def packet(frame_id: int, t: float, data: bytes) -> bytes:
    return wire.FRAME_MAGIC + struct.pack(">Id", frame_id, t) + data


def landmark_message(frame_id: int, line: str) -> str:
    data = json.loads(line)
    data.update(type="landmarks", id=frame_id)
    return json.dumps(data)


# -- JPEG frames -----------------------------------------------------------------------
def test_a_jpeg_frame_is_parsed_with_its_id_and_time() -> None:
    data = jpeg(640, 480)
    frame = wire.parse_binary(packet(7, 1.25, data))
    assert (frame.id, frame.t, frame.data) == (7, 1.25, data)
    assert jpeg_size(data) == (640, 480)
    rgb = decode_jpeg(data)
    assert rgb.shape == (480, 640, 3) and rgb.dtype == np.uint8
    assert decode_jpeg(jpeg(1280, 960)).shape == (480, 640, 3)  # scaled down to 640


@pytest.mark.parametrize(
    ("message", "problem", "frame_id"),
    [
        (b"", "a binary message must be a frame", None),
        (b"\x00" * 40, "a binary message must be a frame", None),
        (b"GIF89a" + b"\x00" * 40, "a binary message must be a frame", None),
        (wire.FRAME_MAGIC + struct.pack(">Id", 3, 0.5), "the frame is empty", 3),
        (packet(4, 0.5, b"not a jpeg at all"), "the frame is not a JPEG image", 4),
        (packet(5, 0.5, b"\xff\xd8\xff\xe0\x00\x01"), "damaged", 5),
        (packet(6, 0.5, APP0 + b"\xff\xda\x00\x08" + b"\x00" * 50), "no frame size", 6),
        (packet(7, 0.5, APP0), "no frame size", 7),
        (packet(8, float("nan"), b"\xff\xd8\xff"), "time must be seconds", 8),
        (packet(9, -1.0, b"\xff\xd8\xff"), "time must be seconds", 9),
        (packet(10, 0.5, b"\xff" * (MAX_JPEG_BYTES + 100)), "too large", 10),
    ],
    ids=[
        "empty",
        "zeros",
        "gif",
        "no-jpeg",
        "not-jpeg",
        "bad-length",
        "no-size",
        "cut-short",
        "nan-time",
        "negative-time",
        "oversize",
    ],
)
def test_bad_binary_frames_are_refused_with_their_id(
    message: bytes, problem: str, frame_id: int | None
) -> None:
    with pytest.raises(wire.MessageError, match=problem) as caught:
        wire.parse_binary(message)
    assert caught.value.frame_id == frame_id
    assert "\\x" not in str(caught.value)  # never the bytes themselves


def test_a_jpeg_claiming_a_huge_picture_is_refused_before_decoding() -> None:
    data = bytearray(jpeg(64, 48))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 30000, 30000)  # height, width
    with pytest.raises(FrameError, match="too large"):
        check_jpeg(bytes(data))
    data[sof + 5 : sof + 9] = struct.pack(">HH", 0, 64)
    with pytest.raises(FrameError, match="no pixels"):
        check_jpeg(bytes(data))


def test_a_cut_jpeg_fails_to_decode_with_a_clear_message() -> None:
    data = jpeg(640, 480)
    with pytest.raises(FrameError, match="could not be decoded"):
        decode_jpeg(data[: len(data) // 3])


# -- JSON messages -----------------------------------------------------------------------
def test_a_landmark_frame_is_a_track_frame_with_an_id() -> None:
    line = next(generate("toe-points", seed=1).lines())
    message = wire.parse_text(landmark_message(12, line))
    assert isinstance(message, wire.LandmarkFrame)
    assert message.id == 12
    assert message.frame.image is not None and message.frame.image.shape == (33, 4)
    nobody = wire.parse_text('{"type": "landmarks", "id": 1, "t": 0.5, "image": null}')
    assert isinstance(nobody, wire.LandmarkFrame) and nobody.frame.image is None


def test_hello_step_and_stop() -> None:
    hello = wire.parse_text(
        '{"type": "hello", "routine": "bedtime", "leg": "left", "tempo_s": 3,'
        ' "session": "abcdefABCDEF0123-_xy", "frames": "landmarks"}'
    )
    assert isinstance(hello, wire.Hello)
    assert (hello.routine, hello.leg, hello.tempo_s, hello.frames) == (
        "bedtime",
        "left",
        3.0,
        "landmarks",
    )
    assert wire.parse_text('{"type": "step", "index": -1}') == wire.EnterStep(-1)
    assert wire.parse_text('{"type": "stop"}') == wire.Stop()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[1, 2]", 'JSON object with a "type"'),
        ('{"kind": "hello"}', 'JSON object with a "type"'),
        ('{"type": "dance"}', "unknown message type 'dance'"),
        ('{"type": "step", "index": "2"}', 'integer "index"'),
        ('{"type": "step", "index": true}', 'integer "index"'),
        ('{"type": "landmarks", "t": 0, "image": null}', '"id"'),
        ('{"type": "landmarks", "id": -1, "t": 0, "image": null}', '"id"'),
        ('{"type": "landmarks", "id": 1, "image": null}', 'needs "t" and "image"'),
        ('{"type": "landmarks", "id": 1, "t": 0, "image": [[0, 0, 0, 1]]}', "33 landmarks"),
        ('{"type": "landmarks", "id": 1, "t": 1e12, "image": null}', "time must be seconds"),
        ('{"type": "hello", "routine": "bedtime", "leg": "up", "tempo_s": 3}', "hello: leg"),
        ('{"type": "hello", "routine": "../x", "leg": "left", "tempo_s": 3}', "hello: routine"),
        (
            '{"type": "hello", "routine": "bedtime", "leg": "left", "tempo_s": 3, "session": "x"}',
            "hello: session",
        ),
        ('{"type": "hello", "routine": "b", "leg": "left", "tempo_s": 3, "x": 1}', "hello: x"),
        ('{"type": "stop", "pad": "' + "x" * wire.MAX_TEXT_CHARS + '"}', "too long"),
    ],
)
def test_bad_json_messages_are_refused(text: str, problem: str) -> None:
    with pytest.raises(wire.MessageError, match=problem):
        wire.parse_text(text)


def test_a_bad_landmark_frame_keeps_its_id() -> None:
    with pytest.raises(wire.MessageError) as caught:
        wire.parse_text('{"type": "landmarks", "id": 41, "t": 0, "image": [[0, 0, 0, 1]]}')
    assert caught.value.frame_id == 41


def test_answers_are_compact_json_without_nan() -> None:
    assert json.loads(wire.dropped(5)) == {"type": "dropped", "id": 5}
    assert json.loads(wire.error("the frame is empty", 3)) == {
        "type": "error",
        "id": 3,
        "message": "the frame is empty",
    }
    ready = json.loads(wire.ready(pose=True, steps=8))
    assert ready["protocol"] == wire.PROTOCOL and ready["pose"] is True
    assert wire.dumps({"n": np.int64(3), "x": np.float32(0.5)}) == '{"n":3,"x":0.5}'
    with pytest.raises(ValueError):
        wire.dumps({"x": float("nan")})


# -- the mailbox ---------------------------------------------------------------------------
def test_the_mailbox_keeps_only_the_newest_item() -> None:
    async def scenario() -> list[object]:
        box: LatestMailbox[int] = LatestMailbox()
        assert box.put(1) is None
        assert box.put(2) == 1  # 1 was dropped, never taken
        assert box.put(3) == 2
        got = [await box.take()]
        waiting = asyncio.create_task(box.take())
        await asyncio.sleep(0)
        assert not waiting.done()
        box.put(4)
        got.append(await waiting)
        box.put(5)
        box.close()
        got.append(await box.take())  # what was left before closing is still taken
        with pytest.raises(MailboxClosed):
            await box.take()
        with pytest.raises(MailboxClosed):
            box.put(6)
        return got

    assert asyncio.run(scenario()) == [3, 4, 5]


def test_closing_wakes_a_waiting_consumer() -> None:
    async def scenario() -> None:
        box: LatestMailbox[int] = LatestMailbox()
        waiting = asyncio.create_task(box.take())
        await asyncio.sleep(0)
        box.close()
        with pytest.raises(MailboxClosed):
            await asyncio.wait_for(waiting, 1)

    asyncio.run(scenario())

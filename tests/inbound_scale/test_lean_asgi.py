"""What the lean ASGI routes share (inbox/lean_asgi.py). The body reader: chunks are joined,
DATA_UPLOAD_MAX_MEMORY_SIZE holds as in Django's handler, and a hang-up is told apart so
each route keeps its answer (the lane: as a bad body; the sandbox: none)."""

from __future__ import annotations

import threading

import pytest

from channels_sms.sandbox import asgi as sandbox_asgi
from inbox.lean_asgi import ClientGone, off_loop, read_body
from inbox.webhook_lane import _body as lane_body

pytestmark = pytest.mark.asyncio


def receiving(*events: dict):
    """An ASGI `receive` that hands out `events` in order."""
    queue = list(events)

    async def receive() -> dict:
        return queue.pop(0)

    return receive


def chunk(data: bytes, more: bool) -> dict:
    return {"type": "http.request", "body": data, "more_body": more}


DISCONNECT = {"type": "http.disconnect"}


async def test_chunks_are_joined_in_order():
    receive = receiving(chunk(b"From=%2B1", True), chunk(b"&Body=hi", True), chunk(b"", False))
    assert await read_body(receive) == b"From=%2B1&Body=hi"


async def test_an_event_without_a_body_is_an_empty_body():
    assert await read_body(receiving({"type": "http.request"})) == b""


async def test_a_body_past_the_upload_limit_is_none_without_reading_the_rest(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    # The third chunk is never asked for: receive would fail on an empty queue.
    receive = receiving(chunk(b"123456", True), chunk(b"78901", True))
    assert await read_body(receive) is None


async def test_a_body_at_the_limit_is_read(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    assert await read_body(receiving(chunk(b"1234567890", False))) == b"1234567890"


async def test_no_limit_reads_everything(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    assert await read_body(receiving(chunk(b"x" * 50_000, False))) == b"x" * 50_000


async def test_a_hang_up_mid_body_raises_client_gone():
    with pytest.raises(ClientGone):
        await read_body(receiving(chunk(b"half", True), DISCONNECT))


async def test_the_lane_reads_a_hang_up_and_an_oversized_body_as_none(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4
    assert await lane_body(receiving(chunk(b"ab", True), DISCONNECT)) is None
    assert await lane_body(receiving(chunk(b"abcde", False))) is None
    assert await lane_body(receiving(chunk(b"abcd", False))) == b"abcd"


async def test_the_sandbox_answers_nothing_to_a_caller_that_hung_up():
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    await sandbox_asgi.create_message(receiving(DISCONNECT), send, "AC123", {})
    assert sent == []


async def test_off_loop_returns_the_result_and_raises_the_error_of_a_pool_thread():
    loop_thread = threading.get_ident()

    def add(a: int, b: int) -> tuple[int, bool]:
        return a + b, threading.get_ident() != loop_thread

    assert await off_loop(add, 2, 3) == (5, True)
    with pytest.raises(ZeroDivisionError):
        await off_loop(lambda: 1 / 0)

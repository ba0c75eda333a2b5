"""Opt-in patches that measure proposed fixes before anyone edits the real modules.

Benchmark-only (`run.py --experiment NAME`): each patch stands in for a change requested
in channels_sms/ or inbox/ (see RESULTS.md), so its effect is measured, not guessed.

- shared-http: one keep-alive httpx client per process for provider calls, instead of a
  new client (a new SSL context, certificate bundle loaded) and TCP connection per send.
- loop-publish: realtime events go to one long-lived event loop per process, in order,
  over its persistent Redis connections, instead of a new loop and connection per event.

`python -m bench.sms_outbound.experiments NAMES celery ...` runs Celery with the patches.
"""

from __future__ import annotations

import asyncio
import sys
import threading

NAMES = ("shared-http", "loop-publish")


def shared_http() -> None:
    import httpx

    from channels_sms import client

    class KeptClient(httpx.Client):
        def close(self) -> None:  # create_message closes what it did not pass in
            pass

    shared = KeptClient(
        timeout=client.DEFAULT_TIMEOUT,
        limits=httpx.Limits(max_connections=256, max_keepalive_connections=256),
    )
    client.http_client = lambda: shared


class _Publisher:
    """One event loop thread; events are sent in submission order from one queue."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue | None = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True, name="publish").start()
        ready.wait()

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.queue = asyncio.Queue()
        self.loop.call_soon(ready.set)
        self.loop.run_until_complete(self._drain())

    async def _drain(self) -> None:
        from channels.layers import get_channel_layer

        from inbox.realtime import publish

        layer = get_channel_layer()
        while True:
            group, payload = await self.queue.get()
            try:
                await layer.group_send(group, {"type": "inbox.event", **payload})
            except Exception:  # noqa: BLE001 - as publish._send: never fail the write
                publish.log.exception("realtime publish to %s failed", group)

    def submit(self, group: str, payload: dict) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (group, payload))


def loop_publish() -> None:
    from inbox.realtime import publish

    publisher = _Publisher()
    publish._send = publisher.submit


PATCHES = {"shared-http": shared_http, "loop-publish": loop_publish}


def apply(names: list[str]) -> None:
    """Apply the named patches in this process (after django.setup())."""
    for name in names:
        PATCHES[name]()


def main() -> None:
    import django

    names = [n for n in sys.argv[1].split(",") if n]
    django.setup()
    apply(names)
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *sys.argv[3:]]
    celery_main()


if __name__ == "__main__":
    main()

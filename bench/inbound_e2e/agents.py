"""Agents' browsers: N websockets subscribed to the workspace, noting when each change's
frame arrives (a plain frame, or one inside an "events" batch frame).

Prints "ready" once every socket is subscribed; on a line on stdin, closes them and
writes, per agent, {"<message id> <created|status>": first arrival (epoch seconds)}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import websockets


async def agent(url: str, origin: str, cookie: str, workspace: str, seen: dict, ready, stop):
    async with websockets.connect(
        url, origin=origin, additional_headers={"Cookie": cookie}, max_queue=None
    ) as ws:
        await ws.send(json.dumps({"subscribe": {"workspace": workspace}}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "subscribed":
                break
        ready.set()

        async def beat():
            while True:
                await asyncio.sleep(15)
                await ws.send(json.dumps({"heartbeat": True}))

        heart = asyncio.create_task(beat())
        reading = asyncio.create_task(_read(ws, seen))
        await stop.wait()
        heart.cancel()
        reading.cancel()


async def _read(ws, seen: dict) -> None:
    async for text in ws:
        now = time.time()
        frame = json.loads(text)
        events = frame.get("events", []) if frame.get("type") == "events" else [frame]
        for event in events:
            name = event.get("event")
            if name == "message.created":
                key = f"{event['message_id']} created"
            elif name == "message.updated":
                key = f"{event['message_id']} {event['status']}"
            else:
                continue
            seen.setdefault(key, now)


async def run(args) -> None:
    sessions = json.loads(Path(args.sessions).read_text())
    url = f"ws://{args.host}:{args.port}/ws/inbox/"
    origin = f"http://{args.host}:{args.port}"
    stop = asyncio.Event()
    seen = [{} for _ in sessions]
    readies = [asyncio.Event() for _ in sessions]
    tasks = [
        asyncio.create_task(
            agent(
                url,
                origin,
                f"{args.cookie_name}={key}",
                args.workspace,
                seen[i],
                readies[i],
                stop,
            )
        )
        for i, key in enumerate(sessions)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    Path(args.out).write_text(json.dumps({"seen": seen, "cpu_seconds": time.process_time()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sessions", required=True)
    parser.add_argument("--cookie-name", default="sessionid")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--out", required=True)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

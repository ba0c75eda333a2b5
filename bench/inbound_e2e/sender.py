"""One open-loop webhook sender: each request at its scheduled time, whatever the answers.

A provider does not wait for our last answer before sending the next webhook, so the
rate is fixed (a closed loop would slow down with the server and hide the queueing).
Reads its plan (JSON lines of [at, path, body, signature, key]) from a file, prints
"ready", waits for a line on stdin, sends, and prints one JSON result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.loadgen import _read_response  # noqa: E402


def raw(host: str, path: str, body: str, signature: str) -> bytes:
    payload = body.encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(payload)}\r\nX-Twilio-Signature: {signature}\r\n\r\n"
    )
    return head.encode() + payload


async def run(args) -> dict:
    plan = [json.loads(line) for line in Path(args.plan).read_text().splitlines()]
    host = f"{args.host}:{args.port}"
    requests = [(at, raw(host, path, body, sig), key) for at, path, body, sig, key in plan]
    free: asyncio.Queue = asyncio.Queue()
    for _ in range(args.connections):
        free.put_nowait(await asyncio.open_connection(args.host, args.port))
    print("ready", flush=True)
    start_at = float(await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline))
    results: list = []
    late = 0
    cpu = time.process_time()

    async def one(request: bytes, key: str) -> None:
        reader, writer = await free.get()
        sent = time.time()
        try:
            writer.write(request)
            status = await _read_response(reader)
        except Exception:
            status = 0
            reader, writer = await asyncio.open_connection(args.host, args.port)
        results.append((key, sent, time.time(), status))
        free.put_nowait((reader, writer))

    tasks = []
    for at, request, key in requests:
        delay = start_at + at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.05:
            late += 1
        tasks.append(asyncio.create_task(one(request, key)))
    await asyncio.gather(*tasks)
    return {"results": results, "late": late, "cpu_seconds": time.process_time() - cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    Path(args.out).write_text(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()

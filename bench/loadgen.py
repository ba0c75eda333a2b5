"""One load-generator process: closed-loop keep-alive HTTP/1.1 over raw asyncio streams.

Requests are built and signed before the clock starts, and responses are parsed by hand,
so the generator spends its CPU on sockets, not on an HTTP library. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.twilio import build_requests  # noqa: E402


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _connection(
    host: str, port: int, queue: list[bytes], deadline: float, stats: dict
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while queue and time.perf_counter() < deadline:
            request = queue.pop()
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            elapsed = time.perf_counter() - started
            if 200 <= status < 300:
                stats["latencies"].append(elapsed)
            else:
                stats["errors"][str(status)] = stats["errors"].get(str(status), 0) + 1
    finally:
        writer.close()


async def run(args: argparse.Namespace) -> dict:
    path = args.path
    public_url = f"http://{args.host}:{args.port}{path}"
    requests = build_requests(
        host=f"{args.host}:{args.port}",
        path=path,
        public_url=public_url,
        auth_token=args.auth_token,
        account_sid=args.account_sid,
        to=args.to,
        sid_prefix=args.sid_prefix,
        count=args.count,
        senders=args.senders,
        signed=bool(args.auth_token),
    )
    requests.reverse()  # pop() from the end keeps the original order
    if args.wait_for_go:  # start together with the other generators, after signing
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    stats: dict = {"latencies": [], "errors": {}}
    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + args.duration
    await asyncio.gather(
        *(
            _connection(args.host, args.port, requests, deadline, stats)
            for _ in range(args.concurrency)
        )
    )
    elapsed = time.perf_counter() - started
    return {
        "ok": len(stats["latencies"]),
        "errors": stats["errors"],
        "elapsed": elapsed,
        "cpu_seconds": time.process_time() - cpu_started,
        "latencies_ms": [round(x * 1000, 3) for x in stats["latencies"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--auth-token", default="")
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--to", default="+15005550006")
    parser.add_argument("--sid-prefix", required=True)
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--senders", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--wait-for-go", action="store_true", help="print ready, wait for a line")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()

"""Count and list the SQL one signed inbound SMS webhook runs (first and repeat sender).

    .venv/bin/python bench/explain_ingest.py

Uses its own embedded servers under .data/bench-explain. A cheap way to see what the
ingest path costs before reaching for a profiler.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("INBOX_DATA_DIR", str(BASE_DIR / ".data" / "bench-explain"))
Path(os.environ["INBOX_DATA_DIR"], "staticfiles").mkdir(parents=True, exist_ok=True)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("PUBLIC_BASE_URL", "http://testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import fixture  # noqa: E402
from bench.twilio import inbound_params, sign  # noqa: E402


def post(client: Client, setup: dict, sid: str, sender: str) -> tuple[int, list[str], float]:
    path = f"/webhooks/sms/{setup['token']}/"
    params = inbound_params(
        account_sid=setup["account_sid"], sid=sid, sender=sender, to=setup["to"], body="hi"
    )
    signature = sign(setup["auth_token"], f"http://testserver{path}", params)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.post(
            path,
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=signature,
        )
        elapsed = time.perf_counter() - started
    return response.status_code, [q["sql"] for q in ctx.captured_queries], elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    setup = fixture.setup()
    client = Client()
    stamp = str(time.time_ns())[-10:]
    for label, sid, sender in [
        ("new sender", f"SMx{stamp}a", "+14155550101"),
        ("same sender again", f"SMx{stamp}b", "+14155550101"),
        ("replayed MessageSid", f"SMx{stamp}b", "+14155550101"),
    ]:
        status, queries, elapsed = post(client, setup, sid, sender)
        print(f"== {label}: HTTP {status}, {len(queries)} queries, {elapsed * 1000:.1f} ms")
        for sql in queries:
            print("   ", sql[:160])
    runs = 200
    started = time.perf_counter()
    for i in range(runs):
        post(client, setup, f"SMy{stamp}{i:06d}", f"+1415{2_000_000 + i % 50:07d}")
    per = (time.perf_counter() - started) / runs * 1000
    print(f"== {runs} sequential webhooks in-process: {per:.2f} ms each")


if __name__ == "__main__":
    main()

"""The web server's command line (uvicorn), the same for `make run` and the Docker image.

uvicorn rewrites the client's address and scheme from X-Forwarded-For and
X-Forwarded-Proto when the connection comes from an address it trusts, and by default it
trusts loopback (and the old Docker command trusted everyone). Anyone able to reach the
port could then pick a new address for every password guess and walk past the login
lockout. So forwarded headers are believed only from the proxies listed in
TRUSTED_PROXIES, and ignored altogether when it is empty (the default).

Docker: `python -m scripts.web_server --host 0.0.0.0` (the port from PORT).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping


def trusted_proxies(environ: Mapping[str, str]) -> list[str]:
    """TRUSTED_PROXIES: comma-separated addresses or CIDRs of the reverse proxies."""
    return [item.strip() for item in environ.get("TRUSTED_PROXIES", "").split(",") if item.strip()]


def proxy_args(environ: Mapping[str, str]) -> list[str]:
    """uvicorn's flags for forwarded headers: off unless proxies are configured."""
    proxies = trusted_proxies(environ)
    if not proxies:
        return ["--no-proxy-headers"]
    return ["--proxy-headers", "--forwarded-allow-ips", ",".join(proxies)]


def _on(environ: Mapping[str, str], name: str, default: str) -> bool:
    return environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def deflate_args(environ: Mapping[str, str]) -> list[str]:
    """Websocket per-message compression: off unless WS_PER_MESSAGE_DEFLATE says on.

    Compression runs once per frame per socket (each socket keeps its own deflate
    context), so a live event fanned out to 50 agents' tabs was compressed 50 times: about
    7% of the web process's CPU under a campaign's replies (bench/inbound_e2e), on the one
    event loop that also answers webhooks. The frames are small JSON facts; browsers work
    the same without it. Turn it on for agents on slow links if bandwidth matters more.
    """
    on = _on(environ, "WS_PER_MESSAGE_DEFLATE", "false")
    return ["--ws-per-message-deflate", "true" if on else "false"]


def access_log_args(environ: Mapping[str, str]) -> list[str]:
    """uvicorn's access log (a line per request): off unless ACCESS_LOG says on.

    Formatting and flushing that line was about 8% of the web process's CPU per webhook
    under a burst (bench/inbound_e2e's ingest probe), on the one event loop that answers
    them; the root logger's WARNING default already keeps the app quiet. A reverse proxy
    in front usually keeps its own access log.
    """
    return [] if _on(environ, "ACCESS_LOG", "false") else ["--no-access-log"]


def uvicorn_command(
    *, host: str, port: int, workers: int | str = 1, environ: Mapping[str, str] | None = None
) -> list[str]:
    """The full command line; `environ` defaults to this process's environment."""
    environ = os.environ if environ is None else environ
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--ws",
        "auto",
        *deflate_args(environ),
        *access_log_args(environ),
        "--workers",
        str(workers),
        # Django's ASGI handler has no lifespan events to run.
        "--lifespan",
        "off",
        *proxy_args(environ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Start the web server (uvicorn).")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    command = uvicorn_command(
        host=args.host,
        port=int(os.environ.get("PORT", "8000")),
        workers=os.environ.get("WEB_CONCURRENCY", "1"),
    )
    os.execv(command[0], command)


if __name__ == "__main__":
    main()

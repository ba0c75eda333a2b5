"""The sandbox's send endpoint (POST agentMessages) on a lean ASGI route.

The sandbox plays Google's servers, whose cost is not the inbox's: through Django's full
stack a send cost the web process as much CPU as the inbox spends delivering the message
(bench/campaign/RESULTS.md), and its latency slept on a thread of its own. Here a send is
the view's own steps (api.begin_send, api.check_send, store.accept: the same checks,
answers and stored records) with its Redis work on the event loop (three round trips),
the latency a timer, and no middleware: RBM sends no cookies or security headers either.
Only an agent the sandbox never registered (its service accounts read from the channels)
and events "auto" (Celery) take a pool thread.

Everything else under the sandbox's prefix (tokens, revokes, events, controls, the
handset view, brands) still goes through Django, as do sends under WSGI (Django's test
live_server); tests/rcs/test_sandbox_lean_route.py holds both routes to the same answers.
"""

from __future__ import annotations

import asyncio
import json
import re
import weakref
from urllib.parse import parse_qs

import redis.asyncio
from django.conf import settings

from inbox.lean_asgi import ClientGone, off_loop, read_body

from . import accounts, api, store, tasks

PATH_PREFIX = "/sandbox/rbm/"
_SEND = re.compile(rf"^{PATH_PREFIX}v1/phones/([^/]+)/agentMessages$")


_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Sends in flight at once on one loop may outnumber any connection pool; past this many
# a send waits for a connection instead of failing. (A plain pool raised "Too many
# connections" there, answered 500: the outbox then retried the sends as single tasks,
# bench/campaign/RESULTS.md, a provider error the real RBM would not have given.)
MAX_CONNECTIONS = 64


def async_client() -> redis.asyncio.Redis:
    """The sandbox's asyncio Redis client on this loop (an asyncio connection belongs to
    the loop that opened it), its pool blocking when every connection is busy."""
    loop = asyncio.get_running_loop()
    found = _clients.get(loop)
    if found is None:
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            settings.REDIS_URL, max_connections=MAX_CONNECTIONS
        )
        found = _clients[loop] = redis.asyncio.Redis(connection_pool=pool)
    return found


async def _write(send, answer: api.Answer) -> None:
    body = json.dumps(answer.body).encode()  # as JsonResponse encodes it
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in answer.headers.items()),
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _query_value(query: dict[str, list[str]], name: str) -> str:
    """As QueryDict.get reads it: the last value, or ""."""
    return (query.get(name) or [""])[-1]


async def send_message(scope, receive, send, phone: str) -> None:
    """api.send_message's steps, its waits on the loop."""
    try:
        raw = await read_body(receive)
    except ClientGone:
        return
    if raw is None:
        return await _write(send, api.error_answer(413, "Request body too large"))
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    agent_id = _query_value(query, "agentId")
    authorization = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    client = async_client()
    state = await store.asend_state(client, api.bearer_token(authorization), agent_id)
    if state.token_email and agent_id and state.registered is None:
        owners = await off_loop(accounts.agent_owner_emails, agent_id)  # reads the channels
    else:
        owners = set()
    start = api.begin_send(state, agent_id, lambda: owners)
    if isinstance(start, api.Answer):
        return await _write(send, start)
    if start.latency:
        await asyncio.sleep(start.latency)
    failure = await store.atake_error(client, agent_id) if start.pending_errors else None
    if failure is not None:
        return await _write(send, api.injected_answer(failure, start.controls))
    message = api.check_send(start, phone, _query_value(query, "messageId"), raw)
    if isinstance(message, api.Answer):
        return await _write(send, message)
    if not await store.aaccept(client, message):
        return await _write(send, api.already_exists(message))
    if api.wants_schedule(start.controls):
        await off_loop(tasks.schedule, message, start.controls)
    await _write(send, api.created(message))


def _send_phone(scope) -> str | None:
    """The phone of a send the lean route answers, else None."""
    if scope.get("method") != "POST" or not settings.RCS_SANDBOX_ENABLED:
        return None
    match = _SEND.match(scope.get("path", ""))
    return match.group(1) if match else None


def with_rbm_send(app):
    """`app`, except that the RBM sandbox's sends skip Django."""

    async def application(scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(PATH_PREFIX):
            phone = _send_phone(scope)
            if phone is not None:
                return await send_message(scope, receive, send, phone)
        return await app(scope, receive, send)

    return application

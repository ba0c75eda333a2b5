"""Calls to the RBM REST API (docs/channels/rcs.md): agentMessages, agentEvents,
capabilities, users:batchGet, revoke. Every call names the agent (`agentId`).

The only module that speaks RBM's HTTP dialect and decides retry versus give-up. Because
we choose the messageId and RBM refuses a reused one, a send whose answer was lost is safe
to repeat: the repeat either creates the message or answers 409 ALREADY_EXISTS, which here
means "already accepted". That is why timeouts are transient here, unlike SMS.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
import uuid
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

import aiohttp
import httpx
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.adapters import (
    ContentNotSupported,
    NotReachable,
    PermanentSendError,
    SendError,
    TransientSendError,
)
from inbox.address_guard import UnsafeTarget
from inbox.http import DEFAULT_TIMEOUT, shared_async_session, shared_client

from . import auth

DEFAULT_API_BASE_URL = "https://rcsbusinessmessaging.googleapis.com"


def regional_base_url(region: str) -> str:
    """RBM's regional endpoint (europe, us, asia) beside the global one."""
    return f"https://{region}-rcsbusinessmessaging.googleapis.com"


# Fields of an error answer quoted to people are cut here: whatever answered may not be
# RBM, and only its status and error fields are reported, never its body.
FIELD_LIMIT = 200


@dataclass(frozen=True)
class Agent:
    api_base_url: str
    agent_id: str
    service_account_key: str | dict

    def url(self, resource: str) -> str:
        return f"{self.api_base_url.rstrip('/')}/v1/{resource}"

    def phone_url(self, phone: str, resource: str) -> str:
        # "+" must stay a literal plus in the path: Google's examples use /phones/+1222.../
        return f"{self.api_base_url.rstrip('/')}/v1/phones/{quote(phone, safe='+')}/{resource}"


@dataclass(frozen=True)
class ApiError:
    http_status: int
    status: str  # Google's canonical code name, e.g. NOT_FOUND
    message: str


def parse_error(response: httpx.Response) -> ApiError:
    """Google's {"error": {"code", "message", "status"}} body; tolerant of anything else."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    return ApiError(
        http_status=response.status_code,
        status=str(error.get("status") or "")[:64],
        message=str(error.get("message") or "")[:FIELD_LIMIT],
    )


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _code(error: ApiError) -> str:
    return error.status or str(error.http_status)


def to_send_error(response: httpx.Response) -> SendError:
    """The SendError an RBM error answer means, with a reason an agent understands."""
    error = parse_error(response)
    status = response.status_code
    detail = f" ({error.message})" if error.message else ""  # RBM's own words

    def reason(words: str) -> str:  # ours, translated when stored; then RBM's
        return format_lazy("{}{}", format_lazy(words, status=status), detail)

    if status == 404:
        return NotReachable(
            reason(
                gettext_lazy("the number is not reachable over RCS (no RCS, or RCS turned off)")
            ),
            code=_code(error),
        )
    if status == 403:
        return NotReachable(
            reason(
                gettext_lazy(
                    "the RCS agent may not message this number (not launched on the carrier, "
                    "or not a tester of an unlaunched agent)"
                )
            ),
            code=_code(error),
        )
    if status == 429:
        return TransientSendError(
            reason(gettext_lazy("RBM rate limit reached")),
            code=_code(error),
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if status >= 500:
        return TransientSendError(
            reason(gettext_lazy("RBM had a temporary error (HTTP {status})")), code=_code(error)
        )
    if status == 401:
        return PermanentSendError(
            reason(
                gettext_lazy(
                    "RBM rejected the channel's credentials (check the service-account key)"
                )
            ),
            code=_code(error),
        )
    if status == 400:
        return PermanentSendError(
            reason(gettext_lazy("RBM rejected the message as invalid")), code=_code(error)
        )
    return PermanentSendError(reason(gettext_lazy("RBM answered HTTP {status}")), code=_code(error))


def _no_token(exc: auth.AuthError) -> str:
    reason = gettext_lazy("could not get an RBM access token: {reason}")
    return format_lazy(reason, reason=exc.reason)


def _unreachable(exc: Exception) -> str:
    return format_lazy(gettext_lazy("could not reach RBM ({error})"), error=exc.__class__.__name__)


def _token(agent: Agent, *, fresh: bool = False) -> str:
    if fresh:
        auth.forget(agent.service_account_key)
    try:
        return auth.bearer_token(agent.service_account_key)
    except auth.AuthError as exc:
        if exc.transient:
            raise TransientSendError(_no_token(exc)) from exc
        raise PermanentSendError(_no_token(exc)) from exc


def request(
    agent: Agent,
    method: str,
    url: str,
    *,
    params: dict,
    json_body: dict | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """One authenticated call; a 401 gets one retry with a fresh token (it may have expired)."""
    params = {**params, "agentId": agent.agent_id}
    client = client or shared_client()
    for attempt in range(2):
        headers = {"Authorization": f"Bearer {_token(agent, fresh=attempt > 0)}"}
        try:
            response = client.request(
                method, url, params=params, json=json_body, headers=headers, timeout=timeout
            )
        except UnsafeTarget as exc:
            raise PermanentSendError(
                _("refused to call RBM: %(reason)s") % {"reason": exc}, code="address_refused"
            ) from exc
        except httpx.HTTPError as exc:
            # Safe to repeat: ids are ours, and RBM refuses a second use of one.
            raise TransientSendError(_unreachable(exc)) from exc
        if response.status_code != 401:
            return response
    return response


async def arequest(
    agent: Agent, method: str, url: str, *, params: dict, json_body: dict | None = None
) -> httpx.Response:
    """`request` on the send loop (inbox/send_loop.py), through its aiohttp session: the
    same call, token rule and errors; the answer is read into an httpx.Response so one
    parser judges both. The token comes from the process's cache without I/O; fetching
    one (hourly) blocks, so it runs on the loop's executor."""
    params = {**params, "agentId": agent.agent_id}
    data = None if json_body is None else json.dumps(json_body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    loop = asyncio.get_running_loop()
    response = None
    for attempt in range(2):
        token = auth.cached_token(agent.service_account_key) if attempt == 0 else None
        if token is None:
            token = await loop.run_in_executor(None, partial(_token, agent, fresh=attempt > 0))
        headers["Authorization"] = f"Bearer {token}"
        try:
            async with shared_async_session().request(
                method, url, params=params, data=data, headers=headers
            ) as answer:
                content = await answer.read()
        except UnsafeTarget as exc:
            raise PermanentSendError(
                _("refused to call RBM: %(reason)s") % {"reason": exc}, code="address_refused"
            ) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Safe to repeat: ids are ours, and RBM refuses a second use of one.
            raise TransientSendError(_unreachable(exc)) from exc
        response = httpx.Response(
            answer.status, headers=list(answer.headers.items()), content=content
        )
        if response.status_code != 401:
            return response
    return response


def create_message(
    agent: Agent, phone: str, *, message_id: str, body: dict, client: httpx.Client | None = None
) -> dict:
    """phones.agentMessages.create; the created AgentMessage, or a SendError.

    409 ALREADY_EXISTS on this messageId means an earlier attempt was accepted: success.
    """
    url = agent.phone_url(phone, "agentMessages")
    response = request(
        agent, "POST", url, params={"messageId": message_id}, json_body=body, client=client
    )
    return _created(response, phone, message_id)


async def acreate_message(agent: Agent, phone: str, *, message_id: str, body: dict) -> dict:
    """create_message on the send loop: the same request, the same rules for the answer."""
    url = agent.phone_url(phone, "agentMessages")
    response = await arequest(agent, "POST", url, params={"messageId": message_id}, json_body=body)
    return _created(response, phone, message_id)


def _created(response: httpx.Response, phone: str, message_id: str) -> dict:
    """What an agentMessages.create answer means: the AgentMessage, or a SendError."""
    if response.status_code == 200:
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        return payload if isinstance(payload, dict) else {}
    if response.status_code == 409:
        return {"name": f"phones/{phone}/agentMessages/{message_id}", "alreadyExisted": True}
    if response.status_code == 400:
        # Google's send guide: INVALID_ARGUMENT is what RBM answers when the phone cannot
        # show that content; the outbox falls back (or sends something plainer), once.
        error = parse_error(response)
        detail = f" ({error.message})" if error.message else ""
        raise ContentNotSupported(
            _("the phone cannot show this content (RBM answered 400 %(code)s)%(detail)s")
            % {"code": _code(error), "detail": detail},
            code=_code(error),
        )
    raise to_send_error(response)


def create_event(
    agent: Agent,
    phone: str,
    *,
    event: dict,
    event_id: str | None = None,
    client: httpx.Client | None = None,
) -> dict:
    """phones.agentEvents.create (IS_TYPING, READ)."""
    url = agent.phone_url(phone, "agentEvents")
    params = {"eventId": event_id or str(uuid.uuid4())}
    response = request(agent, "POST", url, params=params, json_body=event, client=client)
    if response.status_code in (200, 409):
        try:
            return response.json() if response.status_code == 200 else {}
        except ValueError:
            return {}
    raise to_send_error(response)


def get_capabilities(
    agent: Agent, phone: str, *, timeout: float = 3.0, client: httpx.Client | None = None
) -> list[str] | None:
    """phones.getCapabilities: the features list, or None when RBM cannot reach the number.

    Raises SendError for anything that says nothing about the number (auth, 429, 5xx).
    """
    url = agent.phone_url(phone, "capabilities")
    response = request(
        agent, "GET", url, params={"requestId": str(uuid.uuid4())}, timeout=timeout, client=client
    )
    if response.status_code == 200:
        try:
            features = response.json().get("features") or []
        except (ValueError, AttributeError):
            features = []
        return [str(f) for f in features]
    if response.status_code == 404:
        return None
    raise to_send_error(response)


def batch_get_users(
    agent: Agent, phones: list[str], *, timeout: float = 10.0, client: httpx.Client | None = None
) -> set[str]:
    """users:batchGet: which of `phones` (at most 10,000) RBM can reach for this agent.

    Raises SendError when RBM gave no answer (auth, 429, 5xx)."""
    response = request(
        agent,
        "POST",
        agent.url("users:batchGet"),
        params={},
        json_body={"users": list(phones), "agentId": agent.agent_id},
        timeout=timeout,
        client=client,
    )
    if response.status_code != 200:
        raise to_send_error(response)
    try:
        reachable = response.json().get("reachableUsers") or []
    except (ValueError, AttributeError):
        reachable = []
    return {str(phone) for phone in reachable}


def revoke(
    agent: Agent, phone: str, message_id: str, *, client: httpx.Client | None = None
) -> bool:
    """Revoke an undelivered message; False when RBM says it was already delivered (or gone)."""
    url = agent.phone_url(phone, f"agentMessages/{quote(message_id, safe='')}")
    response = request(agent, "DELETE", url, params={}, client=client)
    if response.status_code == 200:
        return True
    if response.status_code == 404:
        return False
    raise to_send_error(response)

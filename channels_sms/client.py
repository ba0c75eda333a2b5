"""Outbound calls to the Twilio Messages API (spec: sms.md section 2.1).

The only module that speaks Twilio's REST dialect. It decides retry versus give-up from
the HTTP status and error code, because only the wire knows: a 429 or 5xx was not
processed and is safe to repeat, while a timeout after the request left may have created
the message, and repeating it could text the customer twice.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import aiohttp
import httpx
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.adapters import OutcomeUnknown, PermanentSendError, TransientSendError
from inbox.address_guard import UnsafeTarget
from inbox.http import DEFAULT_TIMEOUT, basic_auth, shared_async_session, shared_client

from .errors import is_retryable, reason_for

API_VERSION = "2010-04-01"
# A provider field quoted to an admin or agent is cut here: whatever answered may not be
# the provider, and its words are reported, never its whole body.
FIELD_LIMIT = 200


@dataclass(frozen=True)
class Credentials:
    api_base_url: str
    account_sid: str
    auth_token: str

    def messages_url(self) -> str:
        base = self.api_base_url.rstrip("/")
        return f"{base}/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"


def http_client() -> httpx.Client:
    """The process's pooled client (a seam: tests route it through Django in-process)."""
    return shared_client()


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds, from either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_error(response: httpx.Response) -> tuple[str, str]:
    """(code, provider message) from either error body shape Twilio uses.

    Legacy: {code, message, more_info, status}; RFC 9457: {type, title, status, code,
    detail}. A body that is not JSON at all still yields the HTTP status.
    """
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = body.get("code")
    message = body.get("message") or body.get("detail") or body.get("title") or ""
    code = str(code)[:32] if code not in (None, "") else ""
    return code, str(message)[:FIELD_LIMIT]


def _failure(response: httpx.Response) -> TransientSendError | PermanentSendError:
    code, message = parse_error(response)
    status = response.status_code
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    if status == 429 or status >= 500 or is_retryable(code):
        reason = reason_for(code, _answered(status))
        return TransientSendError(reason, code=code or str(status), retry_after=retry_after)
    reason = reason_for(code, message or _answered(status))
    return PermanentSendError(reason, code=code or str(status))


def _answered(status: int) -> str:
    return format_lazy(gettext_lazy("Twilio answered HTTP {status}"), status=status)


@dataclass(frozen=True)
class MessageRequest:
    """One Messages API POST, byte for byte the same whichever client sends it."""

    url: str
    body: bytes
    headers: dict[str, str]


def message_request(
    creds: Credentials,
    *,
    to: str,
    from_: str,
    body: str,
    status_callback: str = "",
    media_urls: Sequence[str] = (),
) -> MessageRequest:
    fields = [("To", to), ("From", from_)]
    if body:
        fields.append(("Body", body))
    fields += [("MediaUrl", url) for url in media_urls]  # repeated, one per attachment
    if status_callback:
        fields.append(("StatusCallback", status_callback))
    return MessageRequest(
        url=creds.messages_url(),
        body=urlencode(fields).encode("ascii"),
        headers={
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": basic_auth(creds.account_sid, creds.auth_token),
        },
    )


def _unreachable(exc: Exception) -> TransientSendError:
    # The request never reached Twilio: safe to try again.
    reason = gettext_lazy("could not reach Twilio ({error})")
    return TransientSendError(format_lazy(reason, error=exc.__class__.__name__))


def _refused(exc: UnsafeTarget) -> PermanentSendError:
    # The channel's API URL points inside the deployment: no retry will change that.
    return PermanentSendError(
        _("refused to call the provider: %(reason)s") % {"reason": exc}, code="address_refused"
    )


def _no_answer(exc: Exception) -> OutcomeUnknown:
    # Sent, but no answer: Twilio may have created the message. Not retried blindly so
    # the customer is never texted twice: the sweep looks it up (channels_sms/reconcile.py).
    reason = gettext_lazy("outcome unknown: no answer from Twilio after sending ({error})")
    return OutcomeUnknown(format_lazy(reason, error=exc.__class__.__name__), code="timeout")


def _created(response: httpx.Response) -> dict:
    if response.status_code in (200, 201):
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not payload.get("sid"):
            raise PermanentSendError(
                gettext_lazy(
                    "outcome unknown: Twilio accepted the request but returned no message id"
                ),
                code=str(response.status_code),
            )
        return payload
    raise _failure(response)


def create_message(request: MessageRequest, *, client: httpx.Client | None = None) -> dict:
    """POST one message; the 2xx JSON body, or a SendError saying whether to retry."""
    try:
        response = (client or http_client()).post(
            request.url, content=request.body, headers=request.headers
        )
    except UnsafeTarget as exc:
        raise _refused(exc) from exc
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise _unreachable(exc) from exc
    except httpx.TransportError as exc:
        raise _no_answer(exc) from exc
    return _created(response)


async def acreate_message(request: MessageRequest) -> dict:
    """create_message on an event loop: the same request, the same rules for the answer
    (read into an httpx.Response so one parser judges both)."""
    try:
        async with shared_async_session().post(
            request.url, data=request.body, headers=request.headers
        ) as answer:
            content = await answer.read()
    except UnsafeTarget as exc:
        raise _refused(exc) from exc
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        raise _unreachable(exc) from exc
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise _no_answer(exc) from exc
    return _created(
        httpx.Response(answer.status, headers=list(answer.headers.items()), content=content)
    )


LIST_PAGE_SIZE = 100
LIST_MAX_PAGES = 5


def list_messages(
    creds: Credentials,
    *,
    to: str,
    from_: str,
    since: datetime,
    client: httpx.Client | None = None,
) -> list[dict]:
    """The Messages list filtered by To and From, back to `since` (newest first, at most
    LIST_MAX_PAGES pages): what the account sent that number lately.

    Raises TransientSendError when the provider could not answer now (unreachable, 429,
    5xx) and PermanentSendError when it refused (credentials). Read-only.
    """
    client = client or http_client()
    url: str | None = creds.messages_url()
    params: dict | None = {"To": to, "From": from_, "PageSize": LIST_PAGE_SIZE}
    headers = {
        "Accept": "application/json",
        "Authorization": basic_auth(creds.account_sid, creds.auth_token),
    }
    found: list[dict] = []
    for _page in range(LIST_MAX_PAGES):
        try:
            response = client.get(url, params=params, headers=headers, timeout=DEFAULT_TIMEOUT)
        except UnsafeTarget as exc:
            raise _refused(exc) from exc
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc
        if response.status_code != 200:
            raise _failure(response)
        try:
            page = response.json()
        except ValueError as exc:
            raise TransientSendError("the provider's Messages list was not JSON") from exc
        messages = [m for m in page.get("messages") or [] if isinstance(m, dict)]
        found += messages
        created = [created_at(m) for m in messages]
        older = [c for c in created if c is not None and c < since]
        next_uri = page.get("next_page_uri")
        if older or not next_uri:
            break
        url, params = _absolute(creds, str(next_uri)), None
    return found


def created_at(message: dict) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(str(message.get("date_created") or ""))
    except (TypeError, ValueError):
        return None


def _absolute(creds: Credentials, uri: str) -> str:
    """A next_page_uri ("/2010-04-01/...") on the channel's own API base."""
    return creds.api_base_url.rstrip("/") + "/" + uri.lstrip("/")


def fetch_account(creds: Credentials, *, client: httpx.Client | None = None) -> tuple[bool, str]:
    """GET the Account resource: proves the SID and token without sending anything.

    (ok, a sentence for the admin). Never raises: a connection test reports, it does not
    crash the settings page.
    """
    url = f"{creds.api_base_url.rstrip('/')}/{API_VERSION}/Accounts/{creds.account_sid}.json"
    client = client or http_client()
    try:
        response = client.get(
            url,
            auth=(creds.account_sid, creds.auth_token),
            headers={"Accept": "application/json"},
            timeout=httpx.Timeout(10.0, connect=5.0),
        )
    except UnsafeTarget as exc:
        return False, _("Refused to call %(url)s: %(reason)s") % {
            "url": creds.api_base_url,
            "reason": exc,
        }
    except httpx.HTTPError as exc:
        return False, f"Could not reach {creds.api_base_url} ({exc.__class__.__name__})."
    if response.status_code == 200:
        try:
            body = response.json()
        except ValueError:
            body = {}
        name = str(body.get("friendly_name") or "")[:FIELD_LIMIT] if isinstance(body, dict) else ""
        status = str(body.get("status") or "")[:32] if isinstance(body, dict) else ""
        return True, f"Connected to account {name or creds.account_sid} (status: {status or 'ok'})."
    code, message = parse_error(response)
    if response.status_code == 401:
        return False, "The provider rejected the Account SID / Auth Token (HTTP 401)."
    detail = f": {message}" if message else ""
    suffix = f" (code {code})" if code else ""
    return False, f"The provider answered HTTP {response.status_code}{detail}{suffix}."

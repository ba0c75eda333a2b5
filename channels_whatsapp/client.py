"""Calls to the WhatsApp Cloud API (Graph API): messages, read/typing, media, templates.

The only module that speaks the Graph API's HTTP dialect and decides retry versus give-up.
Every call goes through inbox.http.shared_client() (the address guard), and the Bearer
token goes only to the channel's own API base URL. The Cloud API takes no idempotency key,
so a send that got no answer is not retried (the customer must never get a reply twice):
only a connection that never opened is.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx
from django.utils.translation import gettext as _

from inbox.adapters import NotReachable, PermanentSendError, SendError, TransientSendError
from inbox.address_guard import UnsafeTarget
from inbox.http import DEFAULT_TIMEOUT, shared_client

from . import errors

DEFAULT_API_BASE_URL = "https://graph.facebook.com"
DEFAULT_GRAPH_VERSION = "v21.0"
MAX_TEMPLATE_PAGES = 20  # 20 x 100 templates: well over an account's limit (250)


@dataclass(frozen=True)
class Account:
    api_base_url: str
    graph_version: str
    phone_number_id: str
    waba_id: str
    access_token: str

    def url(self, *parts: str) -> str:
        path = "/".join(quote(str(p), safe="") for p in parts)
        return f"{self.api_base_url.rstrip('/')}/{self.graph_version}/{path}"

    @property
    def origin(self) -> tuple[str, str]:
        parts = urlsplit(self.api_base_url)
        return parts.scheme, parts.netloc


def account_for(channel) -> Account:
    config = channel.config or {}
    return Account(
        api_base_url=channel.api_base_url or DEFAULT_API_BASE_URL,
        graph_version=str(config.get("graph_version") or DEFAULT_GRAPH_VERSION),
        phone_number_id=str(config.get("phone_number_id") or ""),
        waba_id=str(config.get("waba_id") or ""),
        access_token=str((channel.secrets or {}).get("access_token") or ""),
    )


def parse_error(response: httpx.Response) -> tuple[int | None, str]:
    """(Meta's error code, our sentence for it). The body's own text is never quoted."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    return code, errors.classify(code, response.status_code)[1]


def to_send_error(response: httpx.Response) -> SendError:
    code, _reason = parse_error(response)
    action, reason = errors.classify(code, response.status_code)
    label = str(code) if code is not None else str(response.status_code)
    if action == errors.TRANSIENT:
        retry_after = response.headers.get("Retry-After")
        try:
            seconds = float(retry_after) if retry_after else None
        except ValueError:
            seconds = None
        return TransientSendError(reason, code=label, retry_after=seconds)
    if action == errors.UNREACHABLE:
        return NotReachable(reason, code=label)
    return PermanentSendError(reason, code=label)


def _refused(exc: UnsafeTarget) -> PermanentSendError:
    return PermanentSendError(
        _("refused to call the provider: %(reason)s") % {"reason": exc}, code="address_refused"
    )


def request(
    account: Account,
    method: str,
    url: str,
    *,
    json_body: dict | None = None,
    params: dict | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    repeatable: bool = False,
) -> httpx.Response:
    """One authenticated call. `repeatable`: safe to retry after a lost answer (reads)."""
    if urlsplit(url)[:2] != account.origin:
        # The token never leaves the channel's configured API host (a paging link or a
        # media URL naming another host is fetched by the caller without it, or not at all).
        raise PermanentSendError(_("refused to send the access token to another host"))
    headers = {"Authorization": f"Bearer {account.access_token}"}
    try:
        return shared_client().request(
            method, url, json=json_body, params=params, headers=headers, timeout=timeout
        )
    except UnsafeTarget as exc:
        raise _refused(exc) from exc
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise TransientSendError(
            _("could not reach the WhatsApp API (%(error)s)") % {"error": exc.__class__.__name__}
        ) from exc
    except httpx.TransportError as exc:
        if repeatable:
            raise TransientSendError(
                _("no answer from the WhatsApp API (%(error)s)") % {"error": exc.__class__.__name__}
            ) from exc
        raise PermanentSendError(
            _("outcome unknown: no answer from the WhatsApp API after sending (%(error)s)")
            % {"error": exc.__class__.__name__},
            code="timeout",
        ) from exc


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def send_message(account: Account, body: dict) -> dict:
    """POST /{phone_number_id}/messages; {"wamid", "wa_id"} or a SendError."""
    response = request(
        account, "POST", account.url(account.phone_number_id, "messages"), json_body=body
    )
    if response.status_code != 200:
        raise to_send_error(response)
    payload = _json(response)
    messages = payload.get("messages") or [{}]
    wamid = str(messages[0].get("id") or "") if isinstance(messages[0], dict) else ""
    if not wamid:
        raise PermanentSendError(
            _("outcome unknown: the API accepted the request but returned no message id"),
            code="200",
        )
    contacts = payload.get("contacts") or [{}]
    wa_id = str(contacts[0].get("wa_id") or "") if isinstance(contacts[0], dict) else ""
    return {"wamid": wamid, "wa_id": wa_id}


def mark_read(account: Account, wamid: str, *, typing: bool = False) -> None:
    """Mark a customer's message read; with `typing`, also show the typing indicator."""
    body: dict = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
    if typing:
        body["typing_indicator"] = {"type": "text"}
    response = request(
        account,
        "POST",
        account.url(account.phone_number_id, "messages"),
        json_body=body,
        repeatable=True,
    )
    if response.status_code != 200:
        raise to_send_error(response)


def media_info(account: Account, media_id: str) -> dict:
    """GET /{media_id}: {"url", "mime_type", "file_size", "sha256", "id"} (the URL is
    short-lived and needs the same token)."""
    response = request(
        account,
        "GET",
        account.url(media_id),
        params={"phone_number_id": account.phone_number_id},
        repeatable=True,
    )
    if response.status_code != 200:
        raise to_send_error(response)
    return _json(response)


def list_templates(account: Account) -> list[dict]:
    """Every template of the Business Account (GET /{waba_id}/message_templates)."""
    url = account.url(account.waba_id, "message_templates")
    params: dict | None = {
        "fields": "id,name,language,status,category,components,rejected_reason",
        "limit": 100,
    }
    found: list[dict] = []
    for _page in range(MAX_TEMPLATE_PAGES):
        response = request(account, "GET", url, params=params, repeatable=True)
        if response.status_code != 200:
            raise to_send_error(response)
        payload = _json(response)
        found += [t for t in payload.get("data") or [] if isinstance(t, dict)]
        next_url = (
            ((payload.get("paging") or {}).get("next"))
            if isinstance(payload.get("paging"), dict)
            else None
        )
        if not next_url or urlsplit(str(next_url))[:2] != account.origin:
            break
        url, params = str(next_url), None
    return found


def create_template(account: Account, body: dict) -> dict:
    """POST /{waba_id}/message_templates: {"id", "status", "category"}; submitted for review."""
    response = request(
        account, "POST", account.url(account.waba_id, "message_templates"), json_body=body
    )
    if response.status_code != 200:
        raise to_send_error(response)
    return _json(response)


def phone_number(account: Account) -> tuple[bool, str]:
    """GET /{phone_number_id}: proves the token and the number without sending anything."""
    try:
        response = request(
            account,
            "GET",
            account.url(account.phone_number_id),
            params={"fields": "display_phone_number,verified_name,quality_rating"},
            timeout=httpx.Timeout(10.0, connect=5.0),
            repeatable=True,
        )
    except SendError as exc:
        return False, exc.reason
    if response.status_code != 200:
        _code, reason = parse_error(response)
        return False, _("The API refused the check: %(reason)s.") % {"reason": reason}
    body = _json(response)
    number = str(body.get("display_phone_number") or "")[:32]
    name = str(body.get("verified_name") or "")[:120]
    return True, _("Connected to %(number)s (%(name)s).") % {
        "number": number or account.phone_number_id,
        "name": name or _("no verified name"),
    }

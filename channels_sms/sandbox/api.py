"""The sandbox's HTTP surface: Twilio's Messages API plus a JSON control endpoint.

    POST /sandbox/twilio/2010-04-01/Accounts/<sid>/Messages.json   (form, Basic auth)
    GET  /sandbox/twilio/2010-04-01/Accounts/<sid>/Messages.json   (list: To, From,
         DateSent / DateSent< / DateSent>, PageSize, Page; newest first)
    GET  /sandbox/twilio/2010-04-01/Accounts/<sid>/Messages/<sid>.json
    GET  /sandbox/twilio/2010-04-01/Accounts/<sid>.json            (the account; Basic auth)
    GET|POST /sandbox/twilio/control                               (JSON, Basic auth)

Control body: any key of store.DEFAULT_CONTROLS, plus "reset": true, "rate_limit_next": N
and "server_error_next": N (the next N sends answer 429/20429 or 500), "block" / "unblock":
[numbers] (opt-out list, 21610 on send). Magic destination numbers: see magic.py.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_sms.errors import reason_for
from inbox.phones import InvalidPhoneNumber, to_e164

from . import accounts, magic, store, tasks

API_VERSION = "2010-04-01"
MAX_BODY = 1600
MAX_MEDIA = 10

_TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}
_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20001: "Invalid paging parameter.",
    21211: "The 'To' number {to} is not a valid phone number.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21623: "Number of media files exceeds allowed limit.",
}


def _twilios(text: str) -> str:
    """Twilio's API speaks English whatever our workspace reads: the words, not the
    lazy translation the inbox stores."""
    with translation.override("en"):
        return str(text)


def _enabled() -> None:
    if not settings.SMS_SANDBOX_ENABLED:
        raise Http404("the SMS sandbox is disabled")


@dataclass
class Answer:
    """What the API answers, before a web framework writes it: the Django views and the
    lean ASGI route (asgi.py) both write these."""

    status: int
    body: dict
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _response(answer: Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _error(
    account_sid: str, status: int, code: int, *, controls: dict | None = None, **fmt
) -> Answer:
    """An error body in the account's chosen shape (both are what Twilio's SDK reads).

    `controls`: the account's, when the caller has read them already (a send has)."""
    if controls is None:
        controls = store.controls(account_sid) if account_sid else {}
    message = _twilios(_MESSAGES.get(code, reason_for(code))).format(**fmt)
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    if controls.get("error_format") == "rfc9457":
        body = {
            "type": more_info,
            "title": _TITLES.get(status, "Error"),
            "status": status,
            "code": code,
            "detail": message,
        }
        answer = Answer(status, body, content_type="application/problem+json")
    else:
        body = {"code": code, "message": message, "more_info": more_info, "status": status}
        answer = Answer(status, body)
    if status == 429:
        answer.headers["Retry-After"] = str(controls.get("retry_after", 1))
    return answer


def _basic_auth(header: str) -> tuple[str, str]:
    if not header.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    sid, _, token = decoded.partition(":")
    return sid, token


def _authenticated(authorization: str, account_sid: str | None = None) -> str | None:
    sid, token = _basic_auth(authorization)
    if account_sid is not None and sid != account_sid:
        return None
    return sid if accounts.authenticate(sid, token) else None


def _caller(request: HttpRequest, account_sid: str | None = None) -> str | None:
    """The authenticated account of a Django request (`account_sid`: the one it must be)."""
    return _authenticated(request.headers.get("Authorization", ""), account_sid)


def _unauthorized() -> Answer:
    answer = _error("", 401, 20003)
    answer.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return answer


def _public(message: dict) -> dict:
    """The §2.1 resource representation."""
    sid, account = message["sid"], message["account_sid"]
    uri = f"/{API_VERSION}/Accounts/{account}/Messages/{sid}.json"
    return {
        "account_sid": account,
        "api_version": API_VERSION,
        "body": message["body"],
        "date_created": message["date_created"],
        "date_sent": message.get("date_sent"),
        "date_updated": message["date_updated"],
        "direction": message["direction"],
        "error_code": message.get("error_code") or None,
        "error_message": _twilios(reason_for(message["error_code"]))
        if message.get("error_code")
        else None,
        "from": message["from"],
        "messaging_service_sid": message.get("messaging_service_sid"),
        "num_media": str(len(message.get("media_urls", []))),
        "num_segments": message["num_segments"],
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": message["status"],
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        "to": message["to"],
        "uri": uri,
    }


def _now() -> str:
    return format_datetime(datetime.now(UTC))


def _segments(body: str) -> str:
    from channels_sms.segments import count

    return str(count(body).segments)


@dataclass
class Send:
    """A send that passed authentication, with the state its checks read. The provider's
    latency falls between `begin` and `finish`, so each front end waits it its own way
    (a sleeping thread under WSGI, a timer on the event loop under ASGI)."""

    account_sid: str
    controls: dict
    pending: dict[str, int]
    blocked: bool
    latency: float  # seconds
    # When the request arrived: its date_created, as a provider's rate limit sees it,
    # however long the answer is then held (latency_ms).
    arrived: str = ""


def field_value(form: Mapping[str, list[str]], name: str) -> str:
    """A form field as Django's QueryDict.get reads it: the last value, or ""."""
    values = form.get(name) or [""]
    return values[-1]


def begin(account_sid: str, authorization: str, to: str) -> Send | Answer:
    """Authenticate a send and read its state: one Redis round trip once the pair is known."""
    if _authenticated(authorization, account_sid) is None:
        return _unauthorized()
    controls, pending, blocked = store.send_state(account_sid, to)
    latency = int(controls.get("latency_ms") or 0) / 1000
    return Send(account_sid, controls, pending, blocked, latency, arrived=_now())


def finish(send: Send, form: Mapping[str, list[str]]) -> Answer:
    """Check the send as Twilio does, in Twilio's order, then accept it."""
    account_sid, controls = send.account_sid, send.controls

    def error(status: int, code: int, **fmt) -> Answer:
        return _error(account_sid, status, code, controls=controls, **fmt)

    to, from_, body = field_value(form, "To"), field_value(form, "From"), field_value(form, "Body")
    if send.pending["429"] and store.take_failure(account_sid, "429"):
        return error(429, 20429)
    if send.pending["500"] and store.take_failure(account_sid, "500"):
        return error(500, 20500)
    media_urls = list(form.get("MediaUrl") or [])
    service = field_value(form, "MessagingServiceSid")
    if not to:
        return error(400, 21604)
    if not from_ and not service:
        return error(400, 21603)
    if not body and not media_urls:
        return error(400, 21602)
    if len(body) > MAX_BODY:
        return error(400, 21617)
    if len(media_urls) > MAX_MEDIA:
        return error(400, 21623)
    try:
        valid_to = to_e164(to) == to
    except InvalidPhoneNumber:
        valid_to = False
    if not valid_to:
        return error(400, 21211, to=to)
    special = magic.behaviour(to)
    if special.http_status:
        return error(special.http_status, special.code, to=to)
    if send.blocked:
        return error(400, 21610)
    now = _now()
    message = {
        "sid": ("MM" if media_urls else "SM") + secrets.token_hex(16),
        "account_sid": account_sid,
        "messaging_service_sid": service or None,
        "from": from_,
        "to": to,
        "body": body,
        "media_urls": media_urls,
        "status": "accepted" if service else "queued",
        "num_segments": "0" if service else _segments(body),
        "direction": "outbound-api",
        "status_callback": field_value(form, "StatusCallback"),
        "date_created": send.arrived or now,
        "date_updated": now,
        "date_sent": None,
    }
    store.save_sent(message)
    tasks.schedule(message, controls)
    return Answer(201, _public(message))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def create_message(request: HttpRequest, account_sid: str) -> HttpResponse:
    """POST sends; GET reads the Messages list (one URL, as Twilio's)."""
    _enabled()
    if request.method == "GET":
        return list_messages(request, account_sid)
    form = {key: request.POST.getlist(key) for key in request.POST}
    send = begin(account_sid, request.headers.get("Authorization", ""), field_value(form, "To"))
    if isinstance(send, Answer):
        return _response(send)
    if send.latency:
        time.sleep(send.latency)
    return _response(finish(send, form))


MAX_PAGE_SIZE = 1000


def _date_sent_filter(query) -> tuple[str, str] | None:
    """("=", "<" or ">", "YYYY-MM-DD") from DateSent, DateSent< or DateSent> (the last
    two inclusive, as Twilio's are); None without one."""
    for name, op in (("DateSent", "="), ("DateSent<", "<"), ("DateSent>", ">")):
        value = query.get(name)
        if value:
            try:
                datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                return None
            return op, value
    return None


def _sent_on(message: dict) -> str | None:
    """The UTC day a message was sent (Twilio filters on date_sent, null until sent)."""
    raw = message.get("date_sent")
    if not raw:
        return None
    return parsedate_to_datetime(raw).astimezone(UTC).strftime("%Y-%m-%d")


def _matches(message: dict, account_sid: str, to: str, from_: str, day) -> bool:
    if message.get("account_sid") != account_sid:
        return False
    if (to and message.get("to") != to) or (from_ and message.get("from") != from_):
        return False
    if day is None:
        return True
    op, value = day
    sent = _sent_on(message)
    if sent is None:
        return False
    return sent == value if op == "=" else (sent <= value if op == "<" else sent >= value)


def list_messages(request: HttpRequest, account_sid: str) -> HttpResponse:
    """Twilio's Messages list: filtered by To, From and the day sent, newest first, paged.

    The inbox reads it to settle a send whose answer was lost (the worker died during
    the call): channels_sms/reconcile.py."""
    if _caller(request, account_sid) is None:
        return _response(_unauthorized())
    query = request.GET
    try:
        size = min(MAX_PAGE_SIZE, max(1, int(query.get("PageSize") or 50)))
        page = max(0, int(query.get("Page") or 0))
    except ValueError:
        return _response(_error(account_sid, 400, 20001))
    to, from_ = query.get("To", ""), query.get("From", "")
    day = _date_sent_filter(query)
    found = [
        m
        for m in store.recent_messages(account_sid, number=to or from_)
        if _matches(m, account_sid, to, from_, day)
    ]
    chunk = found[page * size : (page + 1) * size]
    base = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"
    params = {k: v for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}

    def uri(n: int) -> str:
        return f"{base}?{urlencode({**params, 'PageSize': size, 'Page': n})}"

    more = len(found) > (page + 1) * size
    return JsonResponse(
        {
            "messages": [_public(m) for m in chunk],
            "page": page,
            "page_size": size,
            "start": page * size,
            "end": page * size + max(0, len(chunk) - 1),
            "uri": uri(page),
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) if more else None,
            "previous_page_uri": uri(page - 1) if page else None,
        }
    )


@require_http_methods(["GET"])
def fetch_message(request: HttpRequest, account_sid: str, message_sid: str) -> HttpResponse:
    _enabled()
    if _caller(request, account_sid) is None:
        return _response(_unauthorized())
    message = store.get_message(message_sid)
    if message is None or message["account_sid"] != account_sid:
        return _response(_error(account_sid, 404, 20404))
    return JsonResponse(_public(message))


@require_http_methods(["GET"])
def fetch_account(request: HttpRequest, account_sid: str) -> HttpResponse:
    """The Account resource, as the connection test on the settings page reads it."""
    _enabled()
    if _caller(request, account_sid) is None:
        return _response(_unauthorized())
    return JsonResponse(
        {
            "sid": account_sid,
            "friendly_name": f"Sandbox account {account_sid[-6:]}",
            "status": "active",
            "type": "Full",
            "uri": f"/{API_VERSION}/Accounts/{account_sid}.json",
        }
    )


def _apply_controls(account_sid: str, body: dict) -> None:
    body = dict(body)
    if body.pop("reset", False):
        store.reset(account_sid)
    if "rate_limit_next" in body:
        store.fail_next(account_sid, "429", int(body.pop("rate_limit_next")))
    if "server_error_next" in body:
        store.fail_next(account_sid, "500", int(body.pop("server_error_next")))
    for number in body.pop("block", []) or []:
        store.block(account_sid, number)
    for number in body.pop("unblock", []) or []:
        store.unblock(account_sid, number)
    if body:
        store.set_controls(account_sid, **body)


def _state(account_sid: str) -> dict:
    return {
        "account_sid": account_sid,
        "controls": store.controls(account_sid),
        "pending_failures": store.pending_failures(account_sid),
        "blocked": store.blocked(account_sid),
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def control(request: HttpRequest) -> HttpResponse:
    _enabled()
    account_sid = _caller(request)
    if account_sid is None:
        return _response(_unauthorized())
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            _apply_controls(account_sid, body)
        except (ValueError, TypeError) as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(_state(account_sid))

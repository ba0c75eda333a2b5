"""The sandbox's HTTP surface: RBM's REST API, an OAuth token endpoint, and controls.

    POST   /sandbox/rbm/token                                  (JWT-bearer grant, form)
    POST   /sandbox/rbm/v1/phones/<E.164>/agentMessages?messageId=&agentId=
    DELETE /sandbox/rbm/v1/phones/<E.164>/agentMessages/<messageId>?agentId=
    POST   /sandbox/rbm/v1/phones/<E.164>/agentEvents?eventId=&agentId=
    GET    /sandbox/rbm/v1/phones/<E.164>/capabilities?requestId=&agentId=
    POST   /sandbox/rbm/v1/users:batchGet?agentId=             ({"users": [...], "agentId"})
    GET|POST /sandbox/rbm/control?agentId=                     (JSON)
    GET    /sandbox/rbm/handset/<E.164>?agentId=               (what a phone saw, JSON)

Every API call needs `Authorization: Bearer <token>` from /token for a service account
that owns the agent; the handset view shows only that agent's side of the phone.
Control body: any key of store.DEFAULT_CONTROLS, "webhook_url" (an address the guard
allows), "reset": true, "fail_next": [{"status": 429|500|400|..., "code"?, "message"?}, ...],
"rate_limit_next": N, "server_error_next": N. Reachability: see `reachable`; a handset
that cannot show some content: "rich_unsupported" / "media_unsupported" /
"text_unsupported" (400
INVALID_ARGUMENT); a message sent with a ttl or expireTime that is still undelivered when
it runs out is revoked, with a TTL_EXPIRATION_REVOKED server event (REVOKE_FAILED for the
numbers in "revoke_fails").
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from google.auth import exceptions as google_exceptions
from google.auth import jwt

from channels_rcs.auth import MANAGEMENT_SCOPE, SCOPE
from inbox.address_guard import validate

from . import accounts, brand_store, checks, store, tasks

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def _enabled() -> None:
    if not settings.RCS_SANDBOX_ENABLED:
        raise Http404("the RBM sandbox is disabled")


@dataclass
class Answer:
    """What the API answers, before a web framework writes it: the Django views and the
    lean ASGI route (asgi.py) both write these."""

    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


def _response(answer: Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response


def error_answer(
    status: int, message: str, code: str = "", *, controls: dict | None = None
) -> Answer:
    """Google's error body: {"error": {"code", "message", "status"}}; a 429 carries the
    agent's Retry-After (`controls`: the agent's, None: 1 s)."""
    body = {
        "error": {
            "code": status,
            "message": message,
            "status": code or STATUS_NAMES.get(status, "UNKNOWN"),
        }
    }
    answer = Answer(status, body)
    if status == 429:
        answer.headers["Retry-After"] = str((controls or {}).get("retry_after", 1))
    return answer


def error(status: int, message: str, code: str = "", *, agent_id: str = "") -> JsonResponse:
    """error_answer as a Django response (the agent's controls read for a 429)."""
    controls = store.controls(agent_id) if agent_id and status == 429 else None
    return _response(error_answer(status, message, code, controls=controls))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def reachable(agent_id: str, phone: str) -> bool:
    """Whether the sandbox's "network" reaches `phone` over RCS for this agent.

    The "unreachable" / "reachable" control lists win; otherwise, with "odd_unreachable"
    (the default), a number ending in an odd digit has no RCS, so demos and tests can pick
    a fallback case just by the customer's number.
    """
    return reachable_with(store.controls(agent_id), phone)


def reachable_with(controls: dict, phone: str) -> bool:
    """`reachable` with the agent's controls already read."""
    if phone in (controls.get("unreachable") or []):
        return False
    if phone in (controls.get("reachable") or []):
        return True
    last = phone[-1:] if phone else ""
    return not (controls.get("odd_unreachable") and last.isdigit() and int(last) % 2 == 1)


# Auth ------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["POST"])
def token(request: HttpRequest) -> HttpResponse:
    """OAuth 2.0 JWT-bearer grant, as google-auth's service-account credentials use it."""
    _enabled()
    if request.POST.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    assertion = request.POST.get("assertion", "")
    try:
        unverified = jwt.decode(assertion, verify=False)
    except (ValueError, google_exceptions.GoogleAuthError):
        return JsonResponse(
            {"error": "invalid_grant", "error_description": "malformed JWT"}, status=400
        )
    email = str(unverified.get("iss") or "")
    public_key = accounts.public_key_for(email)
    if not public_key:
        return JsonResponse(
            {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, status=400
        )
    try:
        claims = jwt.decode(assertion, certs=public_key, clock_skew_in_seconds=60)
    except (ValueError, google_exceptions.GoogleAuthError):
        return JsonResponse(
            {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, status=400
        )
    # google-auth always names Google's endpoint as the audience, whatever token_uri says.
    audience = str(claims.get("aud", ""))
    if audience != GOOGLE_TOKEN_AUDIENCE and not audience.endswith("/sandbox/rbm/token"):
        return JsonResponse(
            {"error": "invalid_grant", "error_description": "Invalid JWT audience."}, status=400
        )
    scopes = str(claims.get("scope", "")).split()
    if SCOPE not in scopes and MANAGEMENT_SCOPE not in scopes:
        return JsonResponse({"error": "invalid_scope"}, status=400)
    access_token = "ya29.sandbox-" + secrets.token_urlsafe(32)
    if SCOPE in scopes:
        store.save_token(access_token, email)
    if MANAGEMENT_SCOPE in scopes:  # the brand registration API's own (brand_store)
        brand_store.save_token(access_token, email)
    return JsonResponse(
        {"access_token": access_token, "expires_in": store.TOKEN_TTL, "token_type": "Bearer"}
    )


def bearer_token(authorization: str) -> str:
    return authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""


def _authorize(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """(agent_id, None) when the bearer token's service account owns ?agentId, else an error."""
    email = store.token_owner(bearer_token(request.headers.get("Authorization", "")))
    if not email:
        return "", error(401, "Request had invalid authentication credentials.")
    agent_id = request.GET.get("agentId", "")
    if not agent_id:
        return "", error(400, "agentId: required")
    if email not in accounts.agent_owner_emails(agent_id):
        return "", error(
            403,
            f"There was an error looking up the RBM agent (ID: {agent_id}) "
            "for this service account.",
        )
    return agent_id, None


def latency_seconds(controls: dict) -> float:
    return int(controls.get("latency_ms") or 0) / 1000


def injected_answer(failure: dict, controls: dict) -> Answer:
    """The answer a scripted error (control "fail_next" and friends) stands for."""
    status = int(failure.get("status", 500))
    message = failure.get("message") or {
        429: "Quota exceeded for quota metric 'Requests' of service rcsbusinessmessaging.",
        500: "Internal error encountered.",
        503: "The service is currently unavailable.",
    }.get(status, "Injected sandbox error.")
    return error_answer(status, message, failure.get("code", ""), controls=controls)


def _injected(agent_id: str) -> HttpResponse | None:
    controls = store.controls(agent_id)
    if controls.get("latency_ms"):
        time.sleep(latency_seconds(controls))
    failure = store.take_error(agent_id)
    if failure is None:
        return None
    return _response(injected_answer(failure, controls))


def _api_call(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """(agent_id, None) for a call the sandbox answers, else (.., the refusal or the
    injected error): enabled, authorized for ?agentId, past the injected failures."""
    _enabled()
    agent_id, refusal = _authorize(request)
    return agent_id, refusal or _injected(agent_id)


def _json_body(request: HttpRequest) -> tuple[object, HttpResponse | None]:
    try:
        return json.loads(request.body or b"{}"), None
    except ValueError:
        return None, error(400, "Invalid JSON payload received.")


def _not_reachable(phone: str) -> JsonResponse:
    return error(404, "Requested entity was not found.")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# RBM API ---------------------------------------------------------------------------


@dataclass
class SendStart:
    """A send past authentication, with what its checks read; the provider's latency
    falls between `begin_send` and `check_send`, so each front end waits it its own way
    (a sleeping thread in the view, a timer on the event loop in asgi.py)."""

    agent_id: str
    controls: dict
    pending_errors: int

    @property
    def latency(self) -> float:
        return latency_seconds(self.controls)


def begin_send(state: store.SendState, agent_id: str, owners) -> SendStart | Answer:
    """_authorize's decisions on the state one read brought (`owners`: called for the
    agent's service accounts when the agent is not registered, which reads channels)."""
    if not state.token_email:
        return error_answer(401, "Request had invalid authentication credentials.")
    if not agent_id:
        return error_answer(400, "agentId: required")
    emails = {state.registered["client_email"]} if state.registered else owners()
    if state.token_email not in emails:
        return error_answer(
            403,
            f"There was an error looking up the RBM agent (ID: {agent_id}) "
            "for this service account.",
        )
    return SendStart(agent_id, state.controls, state.pending_errors)


def check_send(start: SendStart, phone: str, message_id: str, raw: bytes) -> dict | Answer:
    """RBM's checks of a send, in its order, after the injected errors: the message to
    accept, or the refusal."""
    agent_id, controls = start.agent_id, start.controls
    if not _is_uuid(message_id):
        return error_answer(400, "messageId: must be a UUID (RFC 4122)")
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return error_answer(400, "Invalid JSON payload received.")
    found = checks.problem(body)
    if found:
        return error_answer(400, found)
    if not reachable_with(controls, phone):
        return error_answer(404, "Requested entity was not found.")
    refused = _handset_refuses(controls, phone, body)
    if refused:
        return error_answer(400, refused)
    return {
        "agent_id": agent_id,
        "message_id": message_id,
        "phone": phone,
        "body": body,
        "status": "SENT",
        "send_time": _now(),
        "expires_in": checks.expiry_seconds(body),
    }


def already_exists(message: dict) -> Answer:
    return error_answer(409, f"Message with ID {message['message_id']} already exists.")


def created(message: dict) -> Answer:
    """The AgentMessage RBM answers for an accepted send."""
    return Answer(
        200,
        {
            "name": f"phones/{message['phone']}/agentMessages/{message['message_id']}",
            "sendTime": message["send_time"],
            **message["body"],
        },
    )


def wants_schedule(controls: dict) -> bool:
    """Whether tasks.schedule has anything to queue (events "auto")."""
    return controls.get("events") == "auto"


def send_message(
    authorization: str, agent_id: str, phone: str, message_id: str, raw: bytes
) -> Answer:
    """POST agentMessages, blocking (the view); asgi.py runs the same steps on a loop."""
    state = store.send_state(bearer_token(authorization), agent_id)
    start = begin_send(state, agent_id, lambda: accounts.agent_owner_emails(agent_id))
    if isinstance(start, Answer):
        return start
    if start.latency:
        time.sleep(start.latency)
    failure = store.take_error(agent_id) if start.pending_errors else None
    if failure is not None:
        return injected_answer(failure, start.controls)
    message = check_send(start, phone, message_id, raw)
    if isinstance(message, Answer):
        return message
    if not store.accept(message):
        return already_exists(message)
    if wants_schedule(start.controls):
        tasks.schedule(message, start.controls)
    return created(message)


@csrf_exempt
@require_http_methods(["POST", "DELETE"])
def agent_messages(request: HttpRequest, phone: str, message_id: str = "") -> HttpResponse:
    _enabled()
    if request.method == "DELETE":
        agent_id, refusal = _authorize(request)
        return refusal or _revoke(agent_id, phone, message_id)
    answer = send_message(
        request.headers.get("Authorization", ""),
        request.GET.get("agentId", ""),
        phone,
        request.GET.get("messageId", ""),
        request.body,
    )
    return _response(answer)


def _handset_refuses(controls: dict, phone: str, body: dict) -> str | None:
    """Google's send guide: 400 INVALID_ARGUMENT when the phone cannot show the content."""
    if phone in (controls.get("rich_unsupported") or []) and checks.is_rich(body):
        return "The user's device does not support this content (rich content)."
    if phone in (controls.get("media_unsupported") or []) and checks.has_media(body):
        return "The user's device does not support this content (media)."
    if phone in (controls.get("text_unsupported") or []) and not checks.is_rich(body):
        return "The user's device does not support this content (text)."
    return None


def _revoke(agent_id: str, phone: str, message_id: str) -> HttpResponse:
    message = store.get_message(agent_id, message_id)
    if message is None or message["phone"] != phone or message.get("revoked"):
        return error(404, "Requested entity was not found.")
    if message.get("status") != "SENT":
        # Already on the phone: nothing to take back.
        return error(404, "Requested entity was not found (already delivered).")
    message["revoked"] = True
    store.save_message(message)
    return JsonResponse({})


@csrf_exempt
@require_http_methods(["POST"])
def agent_events(request: HttpRequest, phone: str) -> HttpResponse:
    agent_id, refusal = _api_call(request)
    if refusal:
        return refusal
    event_id = request.GET.get("eventId", "")
    if not event_id:
        return error(400, "eventId: required")
    body, refusal = _json_body(request)
    if refusal:
        return refusal
    event_type = body.get("eventType") if isinstance(body, dict) else None
    if event_type not in ("IS_TYPING", "READ"):
        return error(400, "eventType: must be IS_TYPING or READ")
    if event_type == "READ" and not body.get("messageId"):
        return error(400, "messageId: required for a READ event")
    if not reachable(agent_id, phone):
        return _not_reachable(phone)
    if not store.claim_id(agent_id, event_id):
        return error(409, f"Event with ID {event_id} already exists.")
    entry = {"direction": "event", "agent_id": agent_id, "eventType": event_type, "at": _now()}
    if body.get("messageId"):
        entry["messageId"] = body["messageId"]
    store.log_to_handset(phone, entry)
    return JsonResponse({"name": f"phones/{phone}/agentEvents/{event_id}", **body})


FEATURES = [
    "RICHCARD_STANDALONE",
    "RICHCARD_CAROUSEL",
    "ACTION_CREATE_CALENDAR_EVENT",
    "ACTION_DIAL",
    "ACTION_OPEN_URL",
    "ACTION_SHARE_LOCATION",
    "ACTION_VIEW_LOCATION",
]


@require_http_methods(["GET"])
def capabilities(request: HttpRequest, phone: str) -> HttpResponse:
    agent_id, refusal = _api_call(request)
    if refusal:
        return refusal
    if not request.GET.get("requestId"):
        return error(400, "requestId: required")
    if not reachable(agent_id, phone):
        return _not_reachable(phone)
    return JsonResponse({"features": FEATURES})


@csrf_exempt
@require_http_methods(["POST"])
def batch_get_users(request: HttpRequest) -> HttpResponse:
    """users:batchGet: which of the given numbers the agent can reach over RCS."""
    agent_id, refusal = _api_call(request)
    if refusal:
        return refusal
    body, refusal = _json_body(request)
    if refusal:
        return refusal
    users = body.get("users") if isinstance(body, dict) else None
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        return error(400, "users: required (a list of E.164 numbers)")
    if len(users) > 10_000:
        return error(400, "users: at most 10000 numbers per request")
    if body.get("agentId", agent_id) != agent_id:
        return error(400, "agentId: must match the agentId of the request")
    found = [u for u in dict.fromkeys(users) if reachable(agent_id, u)]
    return JsonResponse(
        {
            "reachableUsers": found,
            "totalRandomSampleUserCount": len(users),
            "reachableRandomSampleUserCount": len(found),
        }
    )


# Controls and the phone's view -------------------------------------------------------


def apply_controls(agent_id: str, body: dict) -> None:
    body = dict(body)
    if body.get("webhook_url"):
        validate(str(body["webhook_url"]))  # UnsafeTarget (a ValueError): a 400 with the reason
    if body.pop("reset", False):
        store.reset(agent_id)
    failures = list(body.pop("fail_next", []) or [])
    failures += [{"status": 429}] * int(body.pop("rate_limit_next", 0) or 0)
    failures += [{"status": 500}] * int(body.pop("server_error_next", 0) or 0)
    store.push_errors(agent_id, failures)
    if body:
        store.set_controls(agent_id, **body)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def control(request: HttpRequest) -> HttpResponse:
    _enabled()
    agent_id, refusal = _authorize(request)
    if refusal:
        return refusal
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            apply_controls(agent_id, body)
        except (ValueError, TypeError) as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "agent_id": agent_id,
            "controls": store.controls(agent_id),
            "pending_errors": store.pending_errors(agent_id),
        }
    )


def handset_view(phone: str) -> list[dict]:
    """A phone's thread as RBM delivered it: agent messages (current status) and events."""
    out = []
    for entry in store.handset_log(phone):
        if entry.get("direction") == "outbound":
            message = store.get_message(entry["agent_id"], entry["message_id"])
            if message:
                out.append({"direction": "outbound", **message})
        else:
            out.append(entry)
    return out


@require_http_methods(["GET"])
def handset(request: HttpRequest, phone: str) -> HttpResponse:
    """What `phone` exchanged with the caller's agent. Authenticated like the API and
    limited to that agent: the phone also holds other businesses' (workspaces') threads."""
    _enabled()
    agent_id, refusal = _authorize(request)
    if refusal:
        return refusal
    thread = [entry for entry in handset_view(phone) if entry.get("agent_id") == agent_id]
    return JsonResponse({"phone": phone, "thread": thread})

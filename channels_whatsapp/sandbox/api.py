"""The sandbox's HTTP surface: the Cloud API's Graph endpoints, and controls.

    POST     /sandbox/whatsapp/<version>/<phone_number_id>/messages   send, or mark read (+typing)
    GET      /sandbox/whatsapp/<version>/<phone_number_id>            the number (connection test)
    GET      /sandbox/whatsapp/<version>/<media_id>                   media info with a download URL
    GET      /sandbox/whatsapp/media-download/<media_id>              the bytes (Bearer)
    GET|POST /sandbox/whatsapp/<version>/<waba_id>/message_templates  list / create (PENDING)
    GET|POST /sandbox/whatsapp/control?phone_number_id=               controls (JSON)
    GET      /sandbox/whatsapp/handset/<E.164>?phone_number_id=       what a phone saw (JSON)

Every call needs `Authorization: Bearer <the number's access token>`. Errors have Meta's
shape {"error": {"message", "type", "code", "error_data", "fbtrace_id"}}. Control body:
any key of store.DEFAULT_CONTROLS, "webhook_url" (an address the guard allows),
"reset": true, "fail_next": [{"code": 130429|131026|..., "status"?: 400|429|500}],
"review": {"name", "language", "status": "APPROVED"|"REJECTED", "reason"?}.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_whatsapp import limits
from channels_whatsapp.models import PLACEHOLDER
from inbox.address_guard import validate

from . import accounts, events, store, tasks
from .error_codes import ERROR_TITLES

HTTP_FOR = {130429: 429, 190: 401, 131000: 500}
MESSAGE_TYPES = (
    "text",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "template",
    "reaction",
)
TEMPLATE_CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")


def _enabled() -> None:
    if not settings.WHATSAPP_SANDBOX_ENABLED:
        raise Http404("the WhatsApp sandbox is disabled")


def error(
    code: int, details: str = "", *, status: int | None = None, retry_after=None
) -> JsonResponse:
    title = ERROR_TITLES.get(code, "Error")
    body = {
        "error": {
            "message": f"({code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or title},
            "fbtrace_id": secrets.token_urlsafe(12),
        }
    }
    response = JsonResponse(body, status=status or HTTP_FOR.get(code, 400))
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _authorize(
    request: HttpRequest, phone_number_id: str
) -> tuple[dict | None, HttpResponse | None]:
    found = accounts.account(phone_number_id)
    if found is None or not accounts.token_matches(found, _bearer(request)):
        return None, error(190, "Invalid OAuth access token - Cannot parse access token")
    return found, None


def _injected(phone_number_id: str) -> HttpResponse | None:
    failure = store.take_error(phone_number_id)
    if failure is None:
        return None
    code = int(failure.get("code", 131000))
    retry = store.controls(phone_number_id).get("retry_after", 1) if code == 130429 else None
    return error(code, status=failure.get("status"), retry_after=retry)


def _json_body(request: HttpRequest) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _problem(body: dict) -> tuple[int, str] | None:
    """(code, details) when a send would be refused as Meta refuses it."""
    if body.get("messaging_product") != "whatsapp":
        return 100, "messaging_product: must be whatsapp"
    if not re.fullmatch(r"\d{6,20}", str(body.get("to") or "").lstrip("+")):
        return 100, "to: not a phone number"
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        return 131051, f"type: {kind} is not supported"
    obj = body.get(kind)
    if not isinstance(obj, dict):
        return 100, f"{kind}: required"
    if kind == "text" and not (0 < len(str(obj.get("body") or "")) <= limits.MAX_TEXT):
        return 100, "text.body: 1 to 4096 characters"
    if kind in ("image", "audio", "video", "document", "sticker") and not (
        obj.get("link") or obj.get("id")
    ):
        return 100, f"{kind}: link or id required"
    if kind == "interactive":
        action = obj.get("action") or {}
        if obj.get("type") == "button":
            buttons = action.get("buttons") or []
            if not 1 <= len(buttons) <= limits.MAX_BUTTONS:
                return 131009, "buttons: 1 to 3"
            if any(
                len(str((b.get("reply") or {}).get("title") or "")) > limits.MAX_BUTTON_TITLE
                for b in buttons
            ):
                return 131009, "button title: at most 20 characters"
        elif obj.get("type") == "list":
            rows = [row for s in action.get("sections") or [] for row in s.get("rows") or []]
            if not 1 <= len(rows) <= limits.MAX_LIST_ROWS:
                return 131009, "rows: 1 to 10"
        else:
            return 131009, "interactive.type: button or list"
        if len(str((obj.get("body") or {}).get("text") or "")) > limits.MAX_INTERACTIVE_BODY:
            return 131009, "body: at most 1024 characters"
    return None


def _template_problem(account: dict, template: dict) -> tuple[int, str] | None:
    name = str(template.get("name") or "")
    language = str((template.get("language") or {}).get("code") or "")
    stored = store.get_template(account.get("waba_id", ""), name, language)
    if stored is None or stored.get("status") != "APPROVED":
        return 132001, f"template name ({name}) does not exist in {language}"
    body = next((c for c in stored.get("components", []) if c.get("type") == "BODY"), {})
    expected = len(set(PLACEHOLDER.findall(str(body.get("text") or ""))))
    given = sum(
        len(c.get("parameters") or [])
        for c in template.get("components") or []
        if str(c.get("type", "")).lower() == "body"
    )
    if given != expected:
        return 132000, f"body: expected {expected} parameters, got {given}"
    return None


def _window_open(phone_number_id: str, wa_id: str) -> bool:
    last = store.last_customer_message(phone_number_id, wa_id)
    return last is not None and time.time() - last < limits.SERVICE_WINDOW_HOURS * 3600


def _mark_read(account: dict, body: dict) -> HttpResponse:
    wamid = str(body.get("message_id") or "")
    if not wamid.startswith("wamid."):
        return error(100, "message_id: required")
    entry = {
        "direction": "event",
        "phone_number_id": account["phone_number_id"],
        "event": "read",
        "message_id": wamid,
        "at": time.time(),
    }
    if isinstance(body.get("typing_indicator"), dict):
        entry["typing"] = True
    phone = store.inbound_phone(account["phone_number_id"], wamid)
    if phone:
        store.log_to_handset(phone, entry)
    return JsonResponse({"success": True})


@csrf_exempt
@require_http_methods(["POST"])
def messages(request: HttpRequest, version: str, node: str) -> HttpResponse:
    _enabled()
    account, refusal = _authorize(request, node)
    if refusal:
        return refusal
    injected = _injected(node)
    if injected:
        return injected
    body = _json_body(request)
    if body is None:
        return error(100, "the body must be a JSON object")
    if body.get("status") == "read":
        return _mark_read(account, body)
    found = _problem(body)
    if found:
        return error(*found)
    kind = body.get("type", "text")
    if kind == "template":
        found = _template_problem(account, body["template"])
        if found:
            return error(*found)
    wa_id = str(body["to"]).lstrip("+")
    controls = store.controls(node)
    message = {
        "phone_number_id": node,
        "id": events.new_wamid(),
        "to": wa_id,
        "type": kind,
        "body": body,
        "status": "accepted",
        "at": time.time(),
    }
    if wa_id in (controls.get("undeliverable") or []):
        message["fails_with"] = 131026
    elif controls.get("enforce_window") and kind != "template" and not _window_open(node, wa_id):
        message["fails_with"] = 131047
    store.save_message(message)
    store.log_to_handset(
        "+" + wa_id, {"direction": "outbound", "phone_number_id": node, "id": message["id"]}
    )
    tasks.schedule(message)
    return JsonResponse(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": wa_id}],
            "messages": [{"id": message["id"]}],
        }
    )


@require_http_methods(["GET"])
def node(request: HttpRequest, version: str, node: str) -> HttpResponse:
    """A phone number's fields, or a media object's (one Graph path serves every node)."""
    _enabled()
    media = store.get_media(node)
    if media is not None:
        account, refusal = _authorize(request, media["phone_number_id"])
        if refusal:
            return refusal
        return JsonResponse(
            {
                "messaging_product": "whatsapp",
                "url": f"{accounts.api_base_url()}/media-download/{node}",
                "mime_type": media["mime_type"],
                "sha256": media["sha256"],
                "file_size": len(base64.b64decode(media["data"])),
                "id": node,
            }
        )
    account, refusal = _authorize(request, node)
    if refusal:
        return refusal
    return JsonResponse(
        {
            "display_phone_number": account.get("display_phone_number", ""),
            "verified_name": "Sandbox business",
            "quality_rating": "GREEN",
            "id": node,
        }
    )


@require_http_methods(["GET"])
def media_download(request: HttpRequest, media_id: str) -> HttpResponse:
    _enabled()
    media = store.get_media(media_id)
    if media is None:
        return error(100, "media not found", status=404)
    _account, refusal = _authorize(request, media["phone_number_id"])
    if refusal:
        return refusal
    return HttpResponse(base64.b64decode(media["data"]), content_type=media["mime_type"])


@csrf_exempt
@require_http_methods(["GET", "POST"])
def message_templates(request: HttpRequest, version: str, node: str) -> HttpResponse:
    _enabled()
    account = accounts.account_for_waba(node, _bearer(request))
    if account is None:
        return error(190, "Invalid OAuth access token")
    if request.method == "GET":
        return JsonResponse({"data": store.templates(node), "paging": {}})
    body = _json_body(request)
    if body is None:
        return error(100, "the body must be a JSON object")
    name, language = str(body.get("name") or ""), str(body.get("language") or "")
    if not re.fullmatch(r"[a-z0-9_]{1,512}", name) or not language:
        return error(100, "name: lowercase letters, digits and underscores; language: required")
    if body.get("category") not in TEMPLATE_CATEGORIES:
        return error(100, "category: MARKETING, UTILITY or AUTHENTICATION")
    components = body.get("components")
    if not isinstance(components, list) or not any(
        isinstance(c, dict) and c.get("type") == "BODY" for c in components
    ):
        return error(100, "components: a BODY component is required")
    if store.get_template(node, name, language):
        return error(100, "a template with this name and language already exists")
    review = store.controls(account["phone_number_id"]).get("template_review")
    status = {"approve": "APPROVED", "reject": "REJECTED"}.get(review, "PENDING")
    template = {
        "id": str(secrets.randbelow(10**15) + 10**15),
        "name": name,
        "language": language,
        "category": body["category"],
        "status": status,
        "components": components,
    }
    store.save_template(node, template)
    return JsonResponse({"id": template["id"], "status": status, "category": body["category"]})


def apply_controls(account: dict, body: dict) -> None:
    phone_number_id = account["phone_number_id"]
    body = dict(body)
    if body.get("webhook_url"):
        validate(str(body["webhook_url"]))
    if body.pop("reset", False):
        store.reset(phone_number_id)
    store.push_errors(phone_number_id, list(body.pop("fail_next", []) or []))
    review = body.pop("review", None)
    if isinstance(review, dict):
        template = store.get_template(
            account.get("waba_id", ""), str(review.get("name")), str(review.get("language"))
        )
        if template is None:
            raise ValueError("review: no such template")
        if review.get("status") not in ("APPROVED", "REJECTED", "PAUSED", "DISABLED"):
            raise ValueError("review.status: APPROVED, REJECTED, PAUSED or DISABLED")
        template["status"] = review["status"]
        if review.get("reason"):
            template["rejected_reason"] = str(review["reason"])[:200]
        store.save_template(account["waba_id"], template)
        events.post_template_status(account, template)  # as Meta reports a review
    if body:
        store.set_controls(phone_number_id, **body)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def control(request: HttpRequest) -> HttpResponse:
    _enabled()
    account, refusal = _authorize(request, request.GET.get("phone_number_id", ""))
    if refusal:
        return refusal
    if request.method == "POST":
        try:
            body = _json_body(request)
            if body is None:
                raise ValueError("the body must be a JSON object")
            apply_controls(account, body)
        except (ValueError, TypeError) as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    phone_number_id = account["phone_number_id"]
    return JsonResponse(
        {
            "phone_number_id": phone_number_id,
            "controls": store.controls(phone_number_id),
            "pending_errors": store.pending_errors(phone_number_id),
        }
    )


def handset_view(phone: str, phone_number_id: str) -> list[dict]:
    out = []
    for entry in store.handset_log(phone):
        if entry.get("phone_number_id") != phone_number_id:
            continue
        if entry.get("direction") == "outbound":
            message = store.get_message(phone_number_id, entry["id"])
            if message:
                out.append({"direction": "outbound", **message})
        else:
            out.append(entry)
    return out


@require_http_methods(["GET"])
def handset(request: HttpRequest, phone: str) -> HttpResponse:
    """What `phone` exchanged with the caller's number only (the phone holds others')."""
    _enabled()
    account, refusal = _authorize(request, request.GET.get("phone_number_id", ""))
    if refusal:
        return refusal
    return JsonResponse({"phone": phone, "thread": handset_view(phone, account["phone_number_id"])})

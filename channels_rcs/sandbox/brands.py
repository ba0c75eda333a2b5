"""The sandbox's Business Communications API (the RBM Management API), for brand and agent
registration, under /sandbox/rbm/businesscommunications/:

    GET        v1/regions
    POST       v1/brands                                   (Brand: displayName)
    GET|PATCH  v1/brands/<id>                              (?updateMask=)
    POST       v1/brands/<id>/agents                       (Agent: displayName, rcsBusiness...)
    GET|PATCH  v1/brands/<id>/agents/<agentId>             (?updateMask=)
    POST       v1/brands/<id>/agents/<agentId>:requestVerification  ({agentVerificationContact})
    GET        v1/brands/<id>/agents/<agentId>/verification
    POST       v1/brands/<id>/agents/<agentId>:requestLaunch        ({agentLaunch})
    GET        v1/brands/<id>/agents/<agentId>/launch
    GET|POST   control                                     (JSON: brand_store.DEFAULT_CONTROLS
                                                            keys, "advance_clock_seconds", "reset")

Every call needs a bearer token with the `businesscommunications` scope from the sandbox's
token endpoint; a service account sees only what it created (403 otherwise, as Google
answers for another partner's resources). Verification and launch start PENDING and
advance when the sandbox clock passes their delay; a launch advances only once the agent
is verified. Reads advance them, so the clock decides, not a background job.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_rcs.brand.registration import wire

from . import brand_store as bs
from .api import error

DISPLAY_NAME_MAX = 40  # Agent.displayName (brands.agents reference)
DESCRIPTION_MAX = 100  # RcsBusinessMessagingAgent.description
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
CONTACT_FIELDS = (
    "partnerName",
    "partnerEmailAddress",
    "brandContactName",
    "brandContactTitle",
    "brandContactEmailAddress",
    "brandWebsiteUrl",
)
QUESTIONNAIRE_REQUIRED = (
    "triggerDescription",
    "interactionsDescription",
    "optoutDescription",
    "agentAccessInstructions",
)


def _enabled() -> None:
    if not settings.RCS_SANDBOX_ENABLED:
        raise Http404("the RBM sandbox is disabled")


def _timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _caller(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    _enabled()
    header = request.headers.get("Authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else ""
    email = bs.token_owner(bearer)
    if not email:
        return "", error(401, "Request had invalid authentication credentials.")
    bs.log_call(email, request.method, request.path)
    return email, None


def _body(request: HttpRequest) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _denied() -> JsonResponse:
    return error(403, "The caller does not have permission")


def _masked_update(stored: dict, body: dict, mask: str) -> dict:
    """PATCH with an updateMask: each listed (dotted) path copied from the body; without
    a mask, every top-level field the body holds."""
    paths = [p.strip() for p in mask.split(",") if p.strip()] or list(body)
    for path in paths:
        *parents, leaf = path.split(".")
        source, target = body, stored
        for part in parents:
            source = source.get(part) if isinstance(source, dict) else None
            target = target.setdefault(part, {})
        if isinstance(source, dict) and leaf in source:
            target[leaf] = source[leaf]
        else:
            target.pop(leaf, None)
    return stored


# Checks in Google's terms (INVALID_ARGUMENT), independent of the client's own --------------


def agent_problem(agent: dict, *, creating: bool) -> str | None:
    name = agent.get("displayName")
    if not isinstance(name, str) or not name.strip():
        return "agent.display_name: required"
    if len(name) > DISPLAY_NAME_MAX:
        return f"agent.display_name: longer than {DISPLAY_NAME_MAX} characters"
    rbm = agent.get("rcsBusinessMessagingAgent")
    if not isinstance(rbm, dict):
        return "agent.rcs_business_messaging_agent: required"
    if len(str(rbm.get("description") or "")) > DESCRIPTION_MAX:
        return f"agent.description: longer than {DESCRIPTION_MAX} characters"
    if "color" in rbm and not _COLOR.match(str(rbm["color"])):
        return "agent.color: must be a hex colour like #1A73E8"
    for field in ("logoUri", "heroUri"):
        if field in rbm and not str(rbm[field]).startswith(("https://", "http://")):
            return f"agent.{field}: must be a public URL"
    checks = (
        ("agentUseCase", rbm.get("agentUseCase"), wire.USE_CASES),
        ("hostingRegion", rbm.get("hostingRegion"), wire.HOSTING_REGIONS),
        (
            "billingConfig.billingCategory",
            (rbm.get("billingConfig") or {}).get("billingCategory"),
            wire.BILLING_CATEGORIES,
        ),
    )
    for field, value, allowed in checks:
        if value is None and not creating:
            continue
        if value not in allowed:
            return f"agent.{field}: one of {', '.join(allowed)} is required"
    return None


# Views ---------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET"])
def regions(request: HttpRequest) -> HttpResponse:
    _email, refusal = _caller(request)
    return refusal or JsonResponse({"rcsBusinessMessagingRegions": bs.REGIONS})


@csrf_exempt
@require_http_methods(["POST"])
def brands(request: HttpRequest) -> HttpResponse:
    email, refusal = _caller(request)
    if refusal:
        return refusal
    body = _body(request)
    if body is None or not str(body.get("displayName") or "").strip():
        return error(400, "brand.display_name: required")
    created = {"name": f"brands/{uuid.uuid4()}", "displayName": body["displayName"]}
    bs.save_brand(created, email)
    return JsonResponse(created)


@csrf_exempt
@require_http_methods(["GET", "PATCH"])
def brand(request: HttpRequest, brand_id: str) -> HttpResponse:
    email, stored, refusal = _authorized(request, bs.brand, f"brands/{brand_id}")
    if refusal:
        return refusal
    if request.method == "PATCH":
        body = _body(request)
        if body is None:
            return error(400, "Invalid JSON payload received.")
        stored = _masked_update(stored, body, request.GET.get("updateMask", ""))
        if not str(stored.get("displayName") or "").strip():
            return error(400, "brand.display_name: required")
        bs.save_brand(stored, email)
    return JsonResponse(stored)


def _owned(found: tuple[dict, str] | None, email: str) -> tuple[dict | None, HttpResponse | None]:
    """(the resource, None) when `email` created it; else (None, Google's 404 or 403)."""
    if found is None:
        return None, error(404, "Requested entity was not found.")
    stored, owner = found
    if owner != email:
        return None, _denied()
    return stored, None


def _authorized(request: HttpRequest, lookup, name: str) -> tuple[str, dict, HttpResponse | None]:
    """(caller, resource, None) when the bearer's service account created `name`."""
    email, refusal = _caller(request)
    if refusal:
        return "", {}, refusal
    stored, refusal = _owned(lookup(name), email)
    return email, stored or {}, refusal


def _agent_id_for(display_name: str) -> str:
    """Google's agent ids read like the name plus a random part: "acme_shoes_x1y2z3_agent"."""
    slug = re.sub(r"[^a-z0-9]+", "_", display_name.lower()).strip("_")[:20] or "agent"
    return f"{slug}_{secrets.token_hex(4)}_agent"


@csrf_exempt
@require_http_methods(["POST"])
def agents(request: HttpRequest, brand_id: str) -> HttpResponse:
    email, _brand, refusal = _authorized(request, bs.brand, f"brands/{brand_id}")
    if refusal:
        return refusal
    body = _body(request)
    if body is None:
        return error(400, "Invalid JSON payload received.")
    problem = agent_problem(body, creating=True)
    if problem:
        return error(400, problem)
    name = f"brands/{brand_id}/agents/{_agent_id_for(body['displayName'])}"
    created = {
        "name": name,
        "displayName": body["displayName"],
        "brandName": f"brands/{brand_id}",
        "rcsBusinessMessagingAgent": body["rcsBusinessMessagingAgent"],
    }
    bs.save_agent(created, email)
    return JsonResponse(created)


@csrf_exempt
@require_http_methods(["GET", "PATCH", "POST"])
def agent(request: HttpRequest, brand_id: str, agent_id: str, verb: str = "") -> HttpResponse:
    email, stored, refusal = _authorized(request, bs.agent, f"brands/{brand_id}/agents/{agent_id}")
    if refusal:
        return refusal
    if verb == "requestVerification" and request.method == "POST":
        return _request_verification(request, email, stored)
    if verb == "requestLaunch" and request.method == "POST":
        return _request_launch(request, email, stored)
    if verb or request.method == "POST":
        return error(404, "Requested entity was not found.")
    if request.method == "PATCH":
        verification = bs.verification(stored["name"])
        if verification and verification["verificationState"] != wire.VERIFICATION_UNVERIFIED:
            return error(
                400,
                "Agent information cannot be changed once verification was submitted.",
                "FAILED_PRECONDITION",
            )
        body = _body(request)
        if body is None:
            return error(400, "Invalid JSON payload received.")
        updated = _masked_update(
            json.loads(json.dumps(stored)), body, request.GET.get("updateMask", "")
        )
        problem = agent_problem(updated, creating=False)
        if problem:
            return error(400, problem)
        bs.save_agent(updated, email)
        stored = updated
    return JsonResponse(stored)


def _request_verification(request: HttpRequest, email: str, stored: dict) -> HttpResponse:
    body = _body(request) or {}
    contact = body.get("agentVerificationContact")
    if not isinstance(contact, dict):
        return error(400, "agent_verification_contact: required")
    missing = [f for f in CONTACT_FIELDS if not str(contact.get(f) or "").strip()]
    if missing:
        return error(400, f"agent_verification_contact: missing {', '.join(missing)}")
    delay = float(bs.controls(email)["verification_delay_s"])
    verification = {
        "name": f"{stored['name']}/verification",
        "verificationState": wire.VERIFICATION_PENDING,
        "agentVerificationContact": {f: contact[f] for f in CONTACT_FIELDS},
        "_advanceAt": bs.now(email) + delay,
    }
    bs.save_verification(stored["name"], verification)
    return JsonResponse(_public(verification))


def _request_launch(request: HttpRequest, email: str, stored: dict) -> HttpResponse:
    body = _body(request) or {}
    launch = (body.get("agentLaunch") or {}).get("rcsBusinessMessaging")
    if not isinstance(launch, dict):
        return error(400, "agent_launch.rcs_business_messaging: required")
    questionnaire = launch.get("questionnaire") or {}
    missing = [f for f in QUESTIONNAIRE_REQUIRED if not str(questionnaire.get(f) or "").strip()]
    contacts = questionnaire.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        missing.append("contacts")
    if missing:
        return error(400, f"questionnaire: missing {', '.join(missing)}")
    wanted = launch.get("launchDetails")
    known = {r["name"] for r in bs.REGIONS}
    if not isinstance(wanted, dict) or not wanted:
        return error(400, "launch_details: at least one region is required")
    unknown = sorted(set(wanted) - known)
    if unknown:
        return error(400, f"launch_details: unknown region(s) {', '.join(unknown)}")
    now = bs.now(email)
    current = bs.launch(stored["name"]) or {"regions": {}}
    delay = float(bs.controls(email)["launch_delay_s"])
    for region in wanted:
        if region not in current["regions"] or current["regions"][region]["launchState"] in (
            wire.LAUNCH_REJECTED,
            wire.LAUNCH_UNLAUNCHED,
        ):
            current["regions"][region] = {
                "launchState": wire.LAUNCH_PENDING,
                "updateTime": _timestamp(now),
                "_advanceAt": now + delay,
            }
    current["questionnaire"] = questionnaire
    bs.save_launch(stored["name"], current)
    return JsonResponse(_launch_body(stored["name"], current))


def _advance(agent_name: str, email: str) -> None:
    """Move what is due on the sandbox clock: verification first, then each region's
    launch (a region is reviewed only for a verified agent)."""
    now = bs.now(email)
    controls = bs.controls(email)
    verification = bs.verification(agent_name)
    if (
        verification
        and verification["verificationState"] == wire.VERIFICATION_PENDING
        and now >= verification["_advanceAt"]
    ):
        verification["verificationState"] = controls["verification_outcome"]
        bs.save_verification(agent_name, verification)
    launch = bs.launch(agent_name)
    if not launch or not verification:
        return
    if verification["verificationState"] != wire.VERIFICATION_VERIFIED:
        return
    changed = False
    for region, detail in launch["regions"].items():
        if detail["launchState"] == wire.LAUNCH_PENDING and now >= detail["_advanceAt"]:
            outcome = controls["launch_outcomes"].get(region, wire.LAUNCH_LAUNCHED)
            detail["launchState"] = outcome
            detail["updateTime"] = _timestamp(now)
            if outcome == wire.LAUNCH_REJECTED:
                detail["comment"] = "Rejected by the sandbox carrier (control launch_outcomes)."
            changed = True
    if changed:
        bs.save_launch(agent_name, launch)


def _public(value):
    """The resource without the sandbox's own bookkeeping (keys starting with "_")."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    return value


def _launch_body(agent_name: str, launch: dict) -> dict:
    return {
        "name": f"{agent_name}/launch",
        "rcsBusinessMessaging": {
            "questionnaire": launch.get("questionnaire") or {},
            "launchDetails": _public(launch["regions"]),
        },
    }


def _verification_body(agent_name: str) -> dict:
    found = bs.verification(agent_name) or {
        "name": f"{agent_name}/verification",
        "verificationState": wire.VERIFICATION_UNVERIFIED,
    }
    return _public(found)


# GET .../verification and GET .../launch: what is due on the clock moves first.
_STATE_READS = {
    "verification": _verification_body,
    "launch": lambda name: _launch_body(name, bs.launch(name) or {"regions": {}}),
}


@csrf_exempt
@require_http_methods(["GET"])
def agent_state(request: HttpRequest, brand_id: str, agent_id: str, state: str) -> HttpResponse:
    email, stored, refusal = _authorized(request, bs.agent, f"brands/{brand_id}/agents/{agent_id}")
    if refusal:
        return refusal
    _advance(stored["name"], email)
    return JsonResponse(_STATE_READS[state](stored["name"]))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def control(request: HttpRequest) -> HttpResponse:
    """The caller's own controls and clock: {"advance_clock_seconds": 61} makes a pending
    verification due at the next read, without waiting."""
    email, refusal = _caller(request)
    if refusal:
        return refusal
    if request.method == "POST":
        body = _body(request)
        if body is None:
            return error(400, "Invalid JSON payload received.")
        if body.pop("reset", False):
            bs.reset(email)
        seconds = body.pop("advance_clock_seconds", None)
        try:
            if body:
                bs.set_controls(email, **body)
            if seconds is not None:
                bs.advance_clock(email, float(seconds))
        except (TypeError, ValueError) as exc:
            return error(400, str(exc))
    return JsonResponse({**bs.controls(email), "now": _timestamp(bs.now(email))})

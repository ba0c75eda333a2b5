"""Calls to the Business Communications API (the RBM Management API): brands, agents,
verification, launch, regions.

Bearer tokens come from the channel's service-account key through channels_rcs.auth with
the `businesscommunications` scope. The token goes to exactly two places: Google's host,
or the built-in sandbox while it is enabled. The base URL is checked before a token is
even fetched, redirects are never followed, and every call goes through the
address-guarded shared client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from channels_rcs import auth
from channels_rcs.client import parse_error
from channels_rcs.sandbox import accounts as sandbox_accounts
from inbox.address_guard import UnsafeTarget
from inbox.http import shared_client

GOOGLE_BASE_URL = "https://businesscommunications.googleapis.com"
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
# Resource names come back from the API and go into our URLs: only these shapes pass.
_BRAND_NAME = re.compile(r"^brands/[A-Za-z0-9_.\-]+$")
_AGENT_NAME = re.compile(r"^brands/[A-Za-z0-9_.\-]+/agents/[A-Za-z0-9_.\-]+$")


class ManagementError(Exception):
    """The API refused or could not be reached; `reason` is fit to show an admin."""

    def __init__(self, reason: str, *, http_status: int = 0, status: str = "", transient=False):
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class Partner:
    """Who calls: the API's base URL and the service-account key (a channel's)."""

    base_url: str
    service_account_key: str | dict


def sandbox_base_url() -> str:
    return f"{sandbox_accounts.api_base_url()}/businesscommunications"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def credential_origins() -> set[str]:
    """Where a Business Communications token may be sent."""
    origins = {_origin(GOOGLE_BASE_URL)}
    if settings.RCS_SANDBOX_ENABLED:
        origins.add(_origin(sandbox_base_url()))
    return origins


def base_url_for(channel_api_base_url: str) -> str:
    """The management API beside a channel's RBM API: the sandbox's for a sandbox channel,
    Google's for every other (never an address an admin typed)."""
    if settings.RCS_SANDBOX_ENABLED and (
        channel_api_base_url.rstrip("/") == sandbox_accounts.api_base_url()
    ):
        return sandbox_base_url()
    return GOOGLE_BASE_URL


def base_url_problem(base_url: str) -> str | None:
    if _origin(base_url) in credential_origins():
        return None
    return _(
        "credentials are sent only to %(google)s (or the built-in sandbox while it is "
        "enabled); %(origin)s is neither"
    ) % {"google": GOOGLE_BASE_URL, "origin": _origin(base_url)}


def _token(partner: Partner, *, fresh: bool) -> str:
    if fresh:
        auth.forget(partner.service_account_key, scope=auth.MANAGEMENT_SCOPE)
    try:
        return auth.bearer_token(partner.service_account_key, scope=auth.MANAGEMENT_SCOPE)
    except auth.AuthError as exc:
        raise ManagementError(
            _("could not get an access token: %(reason)s") % {"reason": exc.reason},
            transient=exc.transient,
        ) from exc


def _call(partner: Partner, method: str, path: str, *, params=None, body=None) -> dict:
    """One authenticated call; a 401 gets one retry with a fresh token."""
    problem = base_url_problem(partner.base_url)
    if problem:
        raise ManagementError(problem, status="address_refused")
    url = f"{partner.base_url.rstrip('/')}/v1/{path}"
    for attempt in range(2):
        headers = {"Authorization": f"Bearer {_token(partner, fresh=attempt > 0)}"}
        try:
            response = shared_client().request(
                method,
                url,
                params=params,
                json=body,
                headers=headers,
                timeout=TIMEOUT,
                follow_redirects=False,
            )
        except UnsafeTarget as exc:
            raise ManagementError(
                _("refused to call the API: %(reason)s") % {"reason": exc}, status="address_refused"
            ) from exc
        except httpx.HTTPError as exc:
            raise ManagementError(
                _("could not reach the API (%(error)s)") % {"error": exc.__class__.__name__},
                transient=True,
            ) from exc
        if response.status_code != 401:
            break
    if response.status_code == 200:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ManagementError(_("the API answered 200 without a JSON object"))
        return payload
    error = parse_error(response)
    detail = f": {error.message}" if error.message else ""
    raise ManagementError(
        _("Google answered HTTP %(status)s %(code)s%(detail)s")
        % {"status": error.http_status, "code": error.status, "detail": detail},
        http_status=error.http_status,
        status=error.status,
        transient=error.http_status == 429 or error.http_status >= 500,
    )


def _checked(name: str, pattern: re.Pattern, what: str) -> str:
    if not pattern.match(name or ""):
        raise ManagementError(
            _("unexpected %(what)s name %(name)r") % {"what": what, "name": name[:100]}
        )
    return name


# brands ---------------------------------------------------------------------------------


def create_brand(partner: Partner, display_name: str) -> dict:
    brand = _call(partner, "POST", "brands", body={"displayName": display_name})
    _checked(str(brand.get("name") or ""), _BRAND_NAME, "brand")
    return brand


def patch_brand(partner: Partner, brand_name: str, display_name: str) -> dict:
    name = _checked(brand_name, _BRAND_NAME, "brand")
    return _call(
        partner,
        "PATCH",
        name,
        params={"updateMask": "displayName"},
        body={"name": name, "displayName": display_name},
    )


def get_brand(partner: Partner, brand_name: str) -> dict:
    return _call(partner, "GET", _checked(brand_name, _BRAND_NAME, "brand"))


# brands.agents --------------------------------------------------------------------------


def create_agent(partner: Partner, brand_name: str, agent: dict) -> dict:
    parent = _checked(brand_name, _BRAND_NAME, "brand")
    created = _call(partner, "POST", f"{parent}/agents", body=agent)
    _checked(str(created.get("name") or ""), _AGENT_NAME, "agent")
    return created


def patch_agent(partner: Partner, agent_name: str, agent: dict, update_mask: str) -> dict:
    name = _checked(agent_name, _AGENT_NAME, "agent")
    return _call(
        partner, "PATCH", name, params={"updateMask": update_mask}, body={"name": name, **agent}
    )


def get_agent(partner: Partner, agent_name: str) -> dict:
    return _call(partner, "GET", _checked(agent_name, _AGENT_NAME, "agent"))


def _on_agent(partner: Partner, method: str, agent_name: str, suffix: str, body=None) -> dict:
    """A call on one agent: ":verb" (custom method) or "/sub-resource"."""
    name = _checked(agent_name, _AGENT_NAME, "agent")
    return _call(partner, method, f"{name}{suffix}", body=body)


def request_verification(partner: Partner, agent_name: str, body: dict) -> dict:
    return _on_agent(partner, "POST", agent_name, ":requestVerification", body)


def get_verification(partner: Partner, agent_name: str) -> dict:
    return _on_agent(partner, "GET", agent_name, "/verification")


def request_launch(partner: Partner, agent_name: str, body: dict) -> dict:
    return _on_agent(partner, "POST", agent_name, ":requestLaunch", body)


def get_launch(partner: Partner, agent_name: str) -> dict:
    return _on_agent(partner, "GET", agent_name, "/launch")


def list_regions(partner: Partner) -> list[dict]:
    """regions.list: [{"name": "/v1/regions/...", "displayName", "managementType"}]."""
    answer = _call(partner, "GET", "regions")
    regions = answer.get("rcsBusinessMessagingRegions") or []
    return [
        {
            "name": str(r.get("name") or "")[:200],
            "displayName": str(r.get("displayName") or r.get("name") or "")[:200],
            "managementType": str(r.get("managementType") or "")[:40],
        }
        for r in regions
        if isinstance(r, dict) and r.get("name")
    ]

"""OAuth 2.0 bearer tokens for the RBM API from a service-account key (google-auth).

The key's own `token_uri` decides where tokens come from, so the sandbox issues them
locally with the same JWT-bearer grant Google uses. Credentials are kept per process and
per key: google-auth refreshes a token shortly before it expires, and a worker sending a
thousand messages asks for one token, not a thousand.

Because an admin pastes the key, `token_uri` is an admin-chosen URL the server calls: it
goes through the address-guarded client (inbox/http.py), is checked when the key is saved
(token_uri_errors), and a refusal from it is reported as its status and OAuth error
fields, never its body (whatever answered may be an internal service).
"""

from __future__ import annotations

import hashlib
import json
import threading

import httpx
from django.utils.translation import gettext as _
from google.auth import exceptions as google_exceptions
from google.auth import transport
from google.oauth2 import service_account

from inbox import address_guard
from inbox.http import shared_client

SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging"
# The Business Communications API (brands, agents, verification, launch): same key.
MANAGEMENT_SCOPE = "https://www.googleapis.com/auth/businesscommunications"
TOKEN_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Google's own token endpoint, the one every real key names.
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
FIELD_LIMIT = 200

_credentials: dict[str, service_account.Credentials] = {}
_lock = threading.Lock()


class AuthError(Exception):
    """No token: the key is malformed or the token endpoint refused or failed."""

    def __init__(self, reason: str, *, transient: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class _Response(transport.Response):
    def __init__(self, response: httpx.Response):
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self):
        return dict(self._response.headers)

    @property
    def data(self) -> bytes:
        return self._response.content


class HttpxRequest(transport.Request):
    """google-auth's transport interface over the project's guarded httpx client; keeps
    the last answer so a refusal can be summarized from its fields."""

    last_response: httpx.Response | None = None

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        try:
            response = shared_client().request(
                method,
                url,
                content=body,
                headers=headers,
                timeout=timeout or TOKEN_TIMEOUT,
                follow_redirects=False,
            )
        except address_guard.UnsafeTarget as exc:
            # Not a TransportError: google-auth would retry it, and no retry helps.
            raise AuthError(_("token_uri refused: %(reason)s") % {"reason": exc}) from exc
        except httpx.HTTPError as exc:
            raise google_exceptions.TransportError(exc.__class__.__name__) from exc
        self.last_response = response
        return _Response(response)


def token_refusal(response: httpx.Response | None) -> str:
    """What the token endpoint said, as its status and OAuth error fields (RFC 6749
    section 5.2), cut short; never the raw body."""
    if response is None:
        return _("no answer from the token endpoint")
    try:
        body = response.json()
    except ValueError:
        body = None
    fields = []
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # Google's API error shape
            error = error.get("status") or error.get("code")
        for value in (error, body.get("error_description")):
            if value not in (None, ""):
                fields.append(str(value)[:FIELD_LIMIT])
    detail = ": " + ": ".join(fields) if fields else _(" without a token")
    return _("the token endpoint answered HTTP %(status)s%(detail)s") % {
        "status": response.status_code,
        "detail": detail,
    }


def token_uri_errors(info: dict, *, trusted: frozenset[str] = frozenset()) -> list[str]:
    """["service_account_key: ..."] when the key's token_uri may not be called.

    Google's own and those in `trusted` (the built-in sandbox's) are code, not input, and
    are checked only when called, like every other.
    """
    uri = str(info.get("token_uri") or "")
    if uri.rstrip("/") in {GOOGLE_TOKEN_URI, *(t.rstrip("/") for t in trusted)}:
        return []
    try:
        address_guard.validate(uri)
    except address_guard.UnsafeTarget as exc:
        return [
            _("service_account_key: token_uri %(uri)s: %(reason)s")
            % {
                "uri": uri[:FIELD_LIMIT],
                "reason": exc,
            }
        ]
    return []


def parse_key(raw) -> dict:
    """The service-account key as a dict, from its JSON text or an already-parsed dict."""
    if isinstance(raw, dict):
        info = raw
    else:
        try:
            info = json.loads(raw or "")
        except (TypeError, ValueError) as exc:
            raise AuthError("service_account_key: not valid JSON") from exc
    if not isinstance(info, dict):
        raise AuthError("service_account_key: must be a JSON object")
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise AuthError(f"service_account_key: missing {', '.join(missing)}")
    return info


def _fingerprint(info: dict, scope: str) -> str:
    # One cached credential per key and scope: the Business Communications API (brand
    # registration, channels_rcs.brand.registration) asks for its own scope.
    return hashlib.sha256(json.dumps([info, scope], sort_keys=True).encode()).hexdigest()


# The key text -> its parsed form and fingerprint: parsing and hashing the ~2 KB key
# cost more CPU than the RBM call itself on every send (50 us); bounded, cleared when full.
_parsed: dict[tuple[str, str], tuple[dict, str]] = {}
_PARSED_MAX = 256


def _parsed_key(raw_key, scope: str) -> tuple[dict, str]:
    """(the key as a dict, its fingerprint for `scope`)."""
    if not isinstance(raw_key, str):
        info = parse_key(raw_key)
        return info, _fingerprint(info, scope)
    hit = _parsed.get((raw_key, scope))
    if hit is None:
        info = parse_key(raw_key)
        hit = (info, _fingerprint(info, scope))
        if len(_parsed) >= _PARSED_MAX:
            _parsed.clear()
        _parsed[(raw_key, scope)] = hit
    return hit


def _credentials_of(raw_key, scope: str) -> service_account.Credentials:
    info, fingerprint = _parsed_key(raw_key, scope)
    return _credentials_for(info, scope, fingerprint=fingerprint)


def _credentials_for(
    info: dict, scope: str = SCOPE, *, fingerprint: str | None = None
) -> service_account.Credentials:
    fingerprint = fingerprint or _fingerprint(info, scope)
    with _lock:
        creds = _credentials.get(fingerprint)
        if creds is None:
            try:
                creds = service_account.Credentials.from_service_account_info(info, scopes=[scope])
            except (ValueError, KeyError) as exc:
                raise AuthError(f"service_account_key: {exc}") from exc
            _credentials[fingerprint] = creds
    return creds


def bearer_token(raw_key, *, scope: str = SCOPE) -> str:
    """A valid access token for the key, refreshed when missing or about to expire."""
    creds = _credentials_of(raw_key, scope)
    with _lock:
        if not creds.valid:
            request = HttpxRequest()
            try:
                creds.refresh(request)
            except google_exceptions.TransportError as exc:
                raise AuthError(f"token endpoint unreachable: {exc}", transient=True) from exc
            except google_exceptions.RefreshError as exc:
                # str(exc) carries the endpoint's whole body: summarized instead.
                retryable = bool(getattr(exc, "retryable", False))
                reason = token_refusal(request.last_response)
                raise AuthError(f"token refused: {reason}", transient=retryable) from exc
        return creds.token


def cached_token(raw_key, *, scope: str = SCOPE) -> str | None:
    """The key's token when this process holds a valid one, else None; never calls the
    token endpoint and loads no key (an RSA key takes milliseconds to load: the send
    loop asks here first and does the rest off the loop)."""
    try:
        _info, fingerprint = _parsed_key(raw_key, scope)
    except AuthError:
        return None  # bearer_token (off the loop) raises it properly
    with _lock:
        creds = _credentials.get(fingerprint)
        return creds.token if creds is not None and creds.valid else None


def forget(raw_key, *, scope: str = SCOPE) -> None:
    """Drop a cached token (after a 401), so the next call fetches a fresh one."""
    try:
        info = parse_key(raw_key)
    except AuthError:
        return
    with _lock:
        _credentials.pop(_fingerprint(info, scope), None)

"""OAuth 2.0 bearer tokens for the RBM API from a service-account key (google-auth).

The key's own `token_uri` decides where tokens come from, so the sandbox issues them
locally with the same JWT-bearer grant Google uses. Credentials are kept per process and
per key: google-auth refreshes a token shortly before it expires, and a worker sending a
thousand messages asks for one token, not a thousand.
"""

from __future__ import annotations

import hashlib
import json
import threading

import httpx
from google.auth import exceptions as google_exceptions
from google.auth import transport
from google.oauth2 import service_account

SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging"
TOKEN_TIMEOUT = httpx.Timeout(10.0, connect=5.0)

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
    """google-auth's transport interface over httpx (the project's one HTTP client)."""

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        try:
            response = httpx.request(
                method, url, content=body, headers=headers, timeout=timeout or TOKEN_TIMEOUT
            )
        except httpx.HTTPError as exc:
            raise google_exceptions.TransportError(str(exc)) from exc
        return _Response(response)


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


def _credentials_for(info: dict) -> service_account.Credentials:
    fingerprint = hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()
    with _lock:
        creds = _credentials.get(fingerprint)
        if creds is None:
            try:
                creds = service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
            except (ValueError, KeyError) as exc:
                raise AuthError(f"service_account_key: {exc}") from exc
            _credentials[fingerprint] = creds
    return creds


def bearer_token(raw_key) -> str:
    """A valid access token for the key, refreshed when missing or about to expire."""
    creds = _credentials_for(parse_key(raw_key))
    with _lock:
        if not creds.valid:
            try:
                creds.refresh(HttpxRequest())
            except google_exceptions.TransportError as exc:
                raise AuthError(f"token endpoint unreachable: {exc}", transient=True) from exc
            except google_exceptions.RefreshError as exc:
                retryable = bool(getattr(exc, "retryable", False))
                raise AuthError(f"token refused: {exc}", transient=retryable) from exc
        return creds.token


def forget(raw_key) -> None:
    """Drop a cached token (after a 401), so the next call fetches a fresh one."""
    try:
        info = parse_key(raw_key)
    except AuthError:
        return
    fingerprint = hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()
    with _lock:
        _credentials.pop(fingerprint, None)

"""X-Twilio-Signature (spec: sms.md section 2.6), shared by the adapter and the sandbox.

One implementation on both sides means the sandbox can only sign what a real Twilio
would sign, and the adapter's verification is exercised end to end in every sandbox run.
Mirrors twilio-python's RequestValidator, whose test vectors are in tests/sms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qs, urlsplit, urlunsplit

HEADER = "X-Twilio-Signature"
_DEFAULT_PORTS = {"https": 443, "http": 80}

Params = Mapping[str, str | Iterable[str]]


def _signed_params(params: Params | None) -> str:
    """What the params add to the signed string: name+value, names and values sorted.

    Repeated names contribute each distinct value once, in sorted order, as Twilio does.
    """
    parts = []
    for name in sorted(params or ()):  # a mapping's names are distinct already
        value = params[name]
        values = (value,) if isinstance(value, str) else sorted({str(v) for v in value})
        for one in values:
            parts += (name, one)
    return "".join(parts)


def _digest(key: bytes, s: str) -> bytes:
    # hmac.digest: OpenSSL's one-shot HMAC, without building an HMAC object per call
    # (this runs twice per webhook).
    return base64.b64encode(hmac.digest(key, s.encode("utf-8"), "sha1"))


def sign(auth_token: str, url: str, params: Params | None = None) -> str:
    """base64(HMAC-SHA1(token, url + name+value... with names and values sorted))."""
    return _digest(auth_token.encode("utf-8"), url + _signed_params(params)).decode("ascii")


def body_hash(body: bytes | str) -> str:
    """Hex SHA-256 of a JSON body, carried in the URL as `bodySHA256`."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return hashlib.sha256(raw).hexdigest()


def with_port(url: str) -> str:
    """The URL with the scheme's default port made explicit (unchanged if it has one)."""
    parts = urlsplit(url)
    if parts.port is not None or parts.scheme not in _DEFAULT_PORTS:
        return url
    netloc = f"{parts.netloc}:{_DEFAULT_PORTS[parts.scheme]}"
    return urlunsplit(parts._replace(netloc=netloc))


def without_port(url: str) -> str:
    """The URL with any port removed, as twilio-python's remove_port does."""
    parts = urlsplit(url)
    if parts.port is None:
        return url
    netloc = parts.netloc.rsplit(":", 1)[0]
    return urlunsplit(parts._replace(netloc=netloc))


def is_valid(
    auth_token: str,
    signature: str,
    url: str,
    params: Params | None = None,
    *,
    body: bytes | None = None,
) -> bool:
    """Whether `signature` matches the request, in constant time.

    A URL carrying `bodySHA256` is a JSON-bodied webhook: the URL alone is signed and the
    body is checked against the hash. Otherwise form params are signed. Both the URL with
    its port removed and with the default port added are accepted, because proxies and
    Twilio disagree about whether `:443` is part of the URL.
    """
    if not signature or not auth_token:
        return False
    query = urlsplit(url).query
    hashed = parse_qs(query).get("bodySHA256") if query else None
    if hashed:
        if not hmac.compare_digest(body_hash(body or b""), hashed[0]):
            return False
        params = None
    expected = signature.encode("ascii", "replace")
    key, signed_params = auth_token.encode("utf-8"), _signed_params(params)
    ok = False
    for candidate in {without_port(url), with_port(url)}:
        ok |= hmac.compare_digest(_digest(key, candidate + signed_params), expected)
    return ok

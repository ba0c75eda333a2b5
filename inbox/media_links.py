"""Addresses of the media files we store: one for members, one signed for providers.

A stored file (an agent's upload under `outbound/`, an inbound copy under `inbound/`) is
personal data of one workspace's contact, so it is never at a public address. Agents open
it through the media view with their session; a provider (MMS, RCS) fetches it from its
own servers without one, so each send hands it a URL signed with SECRET_KEY that expires
after MEDIA_SIGNED_URL_HOURS: long enough for the provider's retries, too short to be a
permanent link. Message content keeps the unsigned address, which is signed afresh at
every send (a retry next week still works).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core import signing

# "<inbound|outbound>/<workspace id>/<random or message id>/<file name>": nothing else is
# served, so no other file under the storage root can be reached through this route.
# The file name is the provider's for inbound media, so any character but a separator.
STORED_PATH = re.compile(
    r"^(?:inbound|outbound)/(?P<workspace>\d+)/[\w-]{1,64}/[^/\\\x00-\x1f]{1,255}$"
)
SIGNATURE_PARAM = "sig"
_SALT = "inbox.media_links"


class LinkExpired(Exception):
    """The signature was ours but is past its age: the link was real once."""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def max_age() -> timedelta:
    return timedelta(hours=float(getattr(settings, "MEDIA_SIGNED_URL_HOURS", 24)))


def workspace_of(path: str) -> int | None:
    """The workspace a stored path belongs to, or None when it is not a servable path."""
    match = STORED_PATH.match(path or "")
    if match is None or path.rsplit("/", 1)[-1] in (".", ".."):
        return None
    return int(match["workspace"])


def _prefix() -> str:
    return "/" + settings.MEDIA_URL.strip("/") + "/"


def member_url(path: str) -> str:
    """The address agents open (site-relative, so the session cookie goes with it)."""
    return _prefix() + quote(path)


def stable_url(path: str) -> str:
    """The absolute, unsigned address message content keeps (what the agent pasted)."""
    return settings.PUBLIC_BASE_URL + member_url(path)


def path_from_url(url: str) -> str | None:
    """The stored path behind one of our media addresses (absolute or site-relative)."""
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        base = urlsplit(settings.PUBLIC_BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
    base_path = urlsplit(settings.PUBLIC_BASE_URL).path.rstrip("/")
    route = unquote(parts.path)
    if base_path and route.startswith(base_path + "/"):
        route = route[len(base_path) :]
    if not route.startswith(_prefix()):
        return None
    path = route[len(_prefix()) :]
    return path if workspace_of(path) is not None else None


def signed_url(path: str) -> str:
    """An absolute URL that serves `path` without a login until it expires."""
    token = _signer().sign(path)[len(path) + 1 :]
    return f"{stable_url(path)}?{SIGNATURE_PARAM}={quote(token, safe=':')}"


def check_signature(path: str, token: str) -> bool:
    """True for a valid, unexpired signature of `path`; LinkExpired when only its age fails."""
    if not token:
        return False
    try:
        _signer().unsign(f"{path}:{token}", max_age=max_age())
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from exc
    except signing.BadSignature:
        return False
    return True


def media_src(media: Any) -> str:
    """What the inbox shows for a media item: our copy through the member route when we
    hold one, else the URL it came with."""
    if not isinstance(media, dict):
        return ""
    stored = media.get("stored_path")
    if isinstance(stored, str) and workspace_of(stored) is not None:
        return member_url(stored)
    url = str(media.get("url") or "")
    path = path_from_url(url)
    return member_url(path) if path else url


def for_provider(content: Any, workspace_id: int) -> Any:
    """A copy of `content` with every address of this workspace's stored files signed
    (`content` itself when it cannot hold one).

    Only the message's own workspace is signed: a pasted link to another workspace's file
    stays unsigned, so sending it cannot leak that file to a customer.
    """
    if isinstance(content, dict | list) and not _may_link_media(content):
        return content
    return _signed(content, workspace_id)


def _may_link_media(content: Any) -> bool:
    """False only when no string in `content` can be one of our media addresses: the
    route's prefix appears nowhere and nothing is percent-encoded (unquoting could spell
    it). Checked on the JSON text, in C: walking a card's strings in Python cost 80 us on
    every send, for content that almost never carries a stored file."""
    try:
        text = json.dumps(content)
    except (TypeError, ValueError):
        return True
    return "%" in text or _prefix().rstrip("/") in text


def _signed(content: Any, workspace_id: int) -> Any:
    if isinstance(content, dict):
        return {key: _signed(value, workspace_id) for key, value in content.items()}
    if isinstance(content, list):
        return [_signed(value, workspace_id) for value in content]
    if isinstance(content, str):
        path = path_from_url(content)
        if path and workspace_of(path) == workspace_id:
            return signed_url(path)
    return content


def referenced_paths(contents: Iterable[Any], workspace_id: int) -> list[str]:
    """Stored files of this workspace that message contents link to (an agent's upload
    is referenced by its URL only): deleted with the messages by erasure and retention."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)
        elif isinstance(node, str):
            path = path_from_url(node)
            if path and workspace_of(path) == workspace_id and path not in found:
                found.append(path)

    for content in contents:
        visit(content)
    return found

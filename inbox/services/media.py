"""Inbound media copied to our storage by a worker, within size and type limits.

Provider media URLs expire and sometimes need credentials; an agent opening the thread
next week must still see the photo, and a hostile 2 GB "image" must not fill the disk.

The URL is the webhook's say-so, so it is fetched like any other outside URL: through
the address-guarded client (no loopback, private, link-local or metadata address), with
the channel's credentials only on the origins its adapter names (credential_origins),
and redirects followed here, hop by hop, each hop guarded; once a hop leaves those
origins the credentials stay behind for the rest of the chain.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from inbox import realtime
from inbox.adapters import PermanentSendError, TransientSendError
from inbox.address_guard import UnsafeTarget
from inbox.http import basic_auth, shared_client
from inbox.models import Message

MAX_REDIRECTS = 5
MEDIA_TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class MediaRejected(Exception):
    pass


def needs_fetch(content: dict) -> bool:
    url = str(content.get("url", ""))
    return (
        content.get("type") == "media"
        and url.startswith(("http://", "https://"))
        and not content.get("stored_path")
        and not content.get("media_error")
    )


def _allowed(mime: str) -> bool:
    return any(
        mime == allowed or (allowed.endswith("/*") and mime.startswith(allowed[:-1]))
        for allowed in settings.MEDIA_ALLOWED_TYPES
    )


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of `url`, the unit credentials are scoped to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").rstrip("."), port or (443 if scheme == "https" else 80)


def _authorization(auth: tuple[str, str] | str) -> str:
    """An adapter's media_auth as a header value: basic auth, or the value it gave."""
    return auth if isinstance(auth, str) else basic_auth(*auth)


def _download(
    url: str,
    auth: tuple[str, str] | str | None,
    credential_origins: frozenset[str],
    limit: int,
) -> tuple[bytes, str]:
    trusted = {origin(o) for o in credential_origins}
    with_credentials = auth is not None
    for _hop in range(MAX_REDIRECTS + 1):
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise MediaRejected("redirected to a URL that is not http(s)")
        # Dropped for good at the first hop outside the provider's own origins.
        with_credentials = with_credentials and origin(url) in trusted
        headers = {"Authorization": _authorization(auth)} if with_credentials else {}
        with shared_client().stream(
            "GET", url, headers=headers, timeout=MEDIA_TIMEOUT, follow_redirects=False
        ) as response:
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                continue
            return _read(response, limit)
    raise MediaRejected(f"more than {MAX_REDIRECTS} redirects")


def _read(response: httpx.Response, limit: int) -> tuple[bytes, str]:
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientSendError(f"media server answered {response.status_code}")
    if response.status_code != 200:
        raise MediaRejected(f"media URL answered {response.status_code}")
    mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not _allowed(mime):
        raise MediaRejected(f"type {mime or 'unknown'} is not accepted")
    declared = int(response.headers.get("content-length") or 0)
    if declared > limit:
        raise MediaRejected(f"too large ({declared} bytes > {limit})")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise MediaRejected(f"too large (over {limit} bytes)")
    return bytes(body), mime


def fetch_inbound_media(message_id: str) -> str:
    """Copy one message's media into storage; record a readable error when refused."""
    message = Message.objects.select_related("channel").filter(pk=message_id).first()
    if message is None or not needs_fetch(message.content):
        return "skipped"
    content = dict(message.content)
    adapter = message.channel.adapter
    try:
        body, mime = _download(
            adapter.resolve_media_url(message.channel, content["url"]),
            adapter.media_auth(message.channel),
            adapter.credential_origins(message.channel),
            settings.MEDIA_MAX_BYTES,
        )
    except httpx.HTTPError as exc:
        raise TransientSendError(f"media fetch failed: {exc}") from exc
    except UnsafeTarget as exc:
        content["media_error"] = f"refused: {exc}"
        result = "rejected"
    except (MediaRejected, PermanentSendError) as exc:
        content["media_error"] = str(exc)
        result = "rejected"
    else:
        name = content.get("filename") or posixpath.basename(urlsplit(content["url"]).path)
        if "." not in name:
            name += mimetypes.guess_extension(mime) or ""
        path = default_storage.save(
            f"inbound/{message.workspace_id}/{message.pk}/{name}", ContentFile(body)
        )
        content.update(stored_path=path, mime_type=mime, size=len(body), filename=name)
        result = "stored"
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(content=content)
        message.content = content
        realtime.message_changed(message)
    return result

"""Inbound media copied to our storage by a worker, within size and type limits.

Provider media URLs expire and sometimes need credentials; an agent opening the thread
next week must still see the photo, and a hostile 2 GB "image" must not fill the disk.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from inbox import realtime
from inbox.adapters import TransientSendError
from inbox.models import Message


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


def _download(url: str, auth: tuple[str, str] | None, limit: int) -> tuple[bytes, str]:
    with httpx.Client(timeout=20, follow_redirects=True) as client:
        with client.stream("GET", url, auth=auth) as response:
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
    auth = message.channel.adapter.media_auth(message.channel)
    try:
        body, mime = _download(content["url"], auth, settings.MEDIA_MAX_BYTES)
    except httpx.HTTPError as exc:
        raise TransientSendError(f"media fetch failed: {exc}") from exc
    except MediaRejected as exc:
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

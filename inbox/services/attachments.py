"""Files an agent attaches to a reply: checked, stored, and given a stable address.

MMS and RCS providers fetch an attachment by URL from their own servers. Content keeps the
file's absolute, unsigned address (PUBLIC_BASE_URL + MEDIA_URL + path), which only members
of the workspace can open; each send hands the provider a signed, expiring copy of it
(inbox/media_links.py). The same size and type limits as inbound media apply, and the type
is taken from the file name (which is also what the file is served as), never from what
the browser claims.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from inbox import media_links

PREFIX = "outbound"
# SVG is an image that can carry script; served from our origin it would run as us.
REFUSED_TYPES = frozenset({"image/svg+xml"})
_UNSAFE = re.compile(r"[^\w.-]+")
MAX_NAME = 80


@dataclass(frozen=True)
class Attachment:
    url: str  # absolute and unsigned: members open it; a send signs it for the provider
    path: str  # storage name
    filename: str
    mime_type: str
    size: int


def _allowed(mime: str) -> bool:
    if mime in REFUSED_TYPES:
        return False
    return any(
        mime == allowed or (allowed.endswith("/*") and mime.startswith(allowed[:-1]))
        for allowed in settings.MEDIA_ALLOWED_TYPES
    )


def safe_name(name: str) -> str:
    """A file name safe in a URL and on disk, extension kept ("my pic.JPG" -> "my-pic.jpg")."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    stem, ext = posixpath.splitext(base)
    stem = _UNSAFE.sub("-", stem).strip("-.") or "file"
    ext = _UNSAFE.sub("", ext).lower()
    return f"{stem[: MAX_NAME - len(ext)]}{ext}"


def public_url(path: str) -> str:
    """The stable address content keeps; object storage answers with its own URL."""
    url = default_storage.url(path)
    if "://" in url:  # object storage already answers with an absolute URL
        return url
    return media_links.stable_url(path)


def check(upload: UploadedFile) -> str:
    """The file's type when it may be sent; ValidationError with the reason otherwise."""
    limit = settings.MEDIA_MAX_BYTES
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    if upload.size > limit:
        raise ValidationError(
            f"The file is too large ({upload.size:,} bytes; the limit is {limit:,} bytes)."
        )
    mime = mimetypes.guess_type(safe_name(upload.name or ""))[0] or ""
    if not _allowed(mime):
        raise ValidationError(
            f"Files of type {mime or 'unknown'} cannot be sent "
            "(pictures, video, audio, PDF and contact cards can)."
        )
    return mime


def store(workspace_id: int, upload: UploadedFile) -> Attachment:
    """Check then save one upload; nothing is written when the check fails."""
    mime = check(upload)
    name = safe_name(upload.name or "")
    path = default_storage.save(f"{PREFIX}/{workspace_id}/{uuid.uuid4().hex}/{name}", upload)
    return Attachment(
        url=public_url(path),
        path=path,
        filename=posixpath.basename(path),
        mime_type=mime,
        size=upload.size,
    )


__all__ = ["Attachment", "check", "public_url", "safe_name", "store"]

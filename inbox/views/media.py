"""Stored media files, served to members of their workspace or to a signed provider URL.

Who may read: a signed-in, active member of the workspace the path names, or anyone
holding an unexpired signature for exactly that path (MMS/RCS providers and the sandbox
phone fetch from their own side, without a session). Everyone else gets a 404, so an
outsider cannot even tell a file exists; an expired but genuine signature gets a 403.

How it is served: private to the browser (a shared cache or CDN must never keep a
contact's photo, and a file erased later must not live on there), as the type its name
says and never sniffed, inline only for pictures, video and audio, and sandboxed so
nothing in it runs as this site.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from inbox import access, media_links

# SVG can carry script; it is offered as a download, never drawn from our origin.
_INLINE = ("image/", "video/", "audio/")
_NEVER_INLINE = frozenset({"image/svg+xml"})
PRIVATE_MAX_AGE = 3600


def _allowed(request: HttpRequest, path: str, workspace_id: int) -> bool:
    if access.is_member(request.user, workspace_id):
        return True
    try:
        return media_links.check_signature(path, request.GET.get(media_links.SIGNATURE_PARAM, ""))
    except media_links.LinkExpired as exc:
        raise PermissionDenied(_("This link to the file has expired.")) from exc


@require_safe
def media_file(request: HttpRequest, path: str) -> FileResponse:
    workspace_id = media_links.workspace_of(path)
    if workspace_id is None or not _allowed(request, path, workspace_id):
        raise Http404(_("No such file"))
    if not default_storage.exists(path):
        raise Http404(_("No such file"))
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    inline = mime.startswith(_INLINE) and mime not in _NEVER_INLINE
    response = FileResponse(
        default_storage.open(path, "rb"),
        content_type=mime,
        as_attachment=not inline,
        filename=posixpath.basename(path),
    )
    patch_cache_control(response, private=True, max_age=PRIVATE_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Referrer-Policy"] = "no-referrer"  # the signature must not leak onward
    return response

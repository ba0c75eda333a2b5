"""Composer attachments: the upload the file picker posts, and the public file itself.

The upload answers with the attachment slot, its URL field filled with the file's public
address, so the draft (preview, send, a refused send) carries an attachment exactly as a
pasted link. The file view needs no login: MMS and RCS providers fetch from their servers.
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from inbox import access
from inbox.services import attachments

UNPROCESSABLE = 422


@require_POST
@login_required
def upload_attachment(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    access.conversation_for(workspace, conversation_id)
    upload = request.FILES.get("attachment_file")
    context: dict = {"attachment_url": "", "errors": []}
    if upload is None:
        context["errors"] = ["Choose a file to attach."]
        return render(request, "inbox/_composer_attachment.html", context, status=UNPROCESSABLE)
    try:
        stored = attachments.store(workspace.pk, upload)
    except ValidationError as exc:
        context["errors"] = list(exc.messages)
        return render(request, "inbox/_composer_attachment.html", context, status=UNPROCESSABLE)
    context.update(attachment_url=stored.url, uploaded=stored)
    return render(request, "inbox/_composer_attachment.html", context)


@require_GET
def attachment_file(request: HttpRequest, name: str) -> FileResponse:
    """Served as the type its name says, never sniffed, and sandboxed: a file an agent
    uploaded must not run as this site."""
    if not attachments.STORED_NAME.match(name):
        raise Http404("No such file")
    path = f"{attachments.PREFIX}/{name}"
    if not default_storage.exists(path):
        raise Http404("No such file")
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(path, "rb"), content_type=mime)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response

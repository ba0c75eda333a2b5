"""Composer attachments: the upload the file picker posts.

The upload answers with the attachment slot, its URL field filled with the file's stable
address, so the draft (preview, send, a refused send) carries an attachment exactly as a
pasted link. The file itself is served by inbox/views/media.py: to members, and to
providers through a signed URL made at each send.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
        context["errors"] = [_("Choose a file to attach.")]
        return render(request, "inbox/_composer_attachment.html", context, status=UNPROCESSABLE)
    try:
        stored = attachments.store(workspace.pk, upload)
    except ValidationError as exc:
        context["errors"] = list(exc.messages)
        return render(request, "inbox/_composer_attachment.html", context, status=UNPROCESSABLE)
    context.update(attachment_url=stored.url, uploaded=stored)
    return render(request, "inbox/_composer_attachment.html", context)

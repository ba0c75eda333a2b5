"""New conversation: an agent picks a contact (or types a number), a channel, and writes.

Reachable from the inbox header and from a contact (`?contact=<id>` preselects it). The
rules are `start_conversation`'s; a refusal shows its reasons over the filled form.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inbox import access
from inbox.models import Contact, Role
from inbox.services import SendRejected
from inbox.services.new_conversation import start_conversation
from inbox.views.workspace_timezone import activate_workspace_timezone

EVERY_ROLE = (Role.AGENT, Role.MANAGER, Role.ADMIN)
UNPROCESSABLE = 422


def _contact(workspace, raw: str | None) -> Contact | None:
    if not raw or not str(raw).isdigit():
        return None
    return (
        Contact.objects.filter(workspace=workspace, pk=int(raw))
        .prefetch_related("identities")
        .first()
    )


@require_http_methods(["GET", "POST"])
@login_required
def new_conversation(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access.membership_with_role(request.user, slug, *EVERY_ROLE)
    workspace = membership.workspace
    activate_workspace_timezone(workspace)
    data = request.POST if request.method == "POST" else request.GET
    contact = _contact(workspace, data.get("contact"))
    channels = list(access.channels(workspace).filter(is_active=True).order_by("name"))
    errors: list[str] = []
    if request.method == "POST":
        channel = next((c for c in channels if str(c.pk) == data.get("channel")), None)
        if channel is None:
            errors = [_("channel: choose one of the workspace's channels")]
        elif data.get("contact") and contact is None:
            errors = [_("contact: no such contact in this workspace")]
        else:
            try:
                conversation, _message = start_conversation(
                    workspace=workspace,
                    channel=channel,
                    content={"type": "text", "text": data.get("text", "")},
                    user=request.user,
                    contact=contact,
                    phone=data.get("phone", ""),
                    name=data.get("name", ""),
                    country=data.get("country", "").strip() or None,
                )
            except SendRejected as exc:
                errors = exc.errors
            else:
                return redirect("inbox:conversation", workspace.slug, conversation.pk)
    context = {
        "workspace": workspace,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "section": "inbox",
        "contact": contact,
        "channels": channels,
        "errors": errors,
        "form": data,
    }
    status = UNPROCESSABLE if errors else 200
    return render(request, "inbox/new_conversation.html", context, status=status)

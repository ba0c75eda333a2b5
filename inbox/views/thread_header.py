"""The thread's header: who owns the conversation (assignee, team), its status and snooze,
its labels, and the pickers that change them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from inbox import access
from inbox.models import Conversation, ConversationStatus, Membership, Workspace
from inbox.selectors.teams import workspace_teams
from inbox.services.assignment import UNCHANGED, assign
from inbox.services.conversation_status import change_status

from .conversation_request import (
    UNPROCESSABLE,
    back_to_conversation,
    errors_of,
    load_conversation,
    reload_conversation,
)

SNOOZE_PRESETS = (
    ("1h", _("In 1 hour")),
    ("tomorrow", _("Tomorrow 09:00")),
    ("next_week", _("Monday 09:00")),
)


def head_context(
    workspace: Workspace, conversation: Conversation, membership: Membership, **extra
) -> dict:
    """What _thread_head.html shows: owner, team, status, and the pickers to change them.
    Also the full page's inclusion tag (inbox/templatetags/thread_panels.py)."""
    return {
        "workspace": workspace,
        "conversation": conversation,
        "membership": membership,
        "user": membership.user,
        "members": access.members(workspace),
        "teams": workspace_teams(workspace=workspace),
        "status_options": ConversationStatus.choices,
        "snooze_presets": SNOOZE_PRESETS,
        "labels": list(conversation.labels.all()),
        **extra,
    }


def _head_response(request, membership, conversation, errors=(), status=200) -> HttpResponse:
    if not request.htmx:
        for error in errors:
            flash.error(request, error)
        return back_to_conversation(slug=membership.workspace.slug, conversation_id=conversation.pk)
    context = head_context(
        membership.workspace,
        reload_conversation(conversation),
        membership,
        action_errors=list(errors),
    )
    return render(request, "inbox/_thread_head.html", context, status=status)


def _snooze_until(request: HttpRequest, now: datetime) -> datetime | None:
    """The snooze end from a preset or a datetime-local field (read in the workspace's
    zone, which the view activated). None when neither was given or it does not parse."""
    preset = request.POST.get("snooze_preset", "")
    local_now = timezone.localtime(now)
    nine = time(9, 0)
    if preset == "1h":
        return now + timedelta(hours=1)
    if preset == "tomorrow":
        day = local_now.date() + timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, nine))
    if preset == "next_week":
        day = local_now.date() + timedelta(days=7 - local_now.weekday())
        return timezone.make_aware(datetime.combine(day, nine))
    raw = request.POST.get("snoozed_until", "").strip()
    try:
        parsed = parse_datetime(raw) if raw else None
    except ValueError:
        parsed = None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@require_GET
@login_required
def thread_head(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id)
    return render(
        request,
        "inbox/_thread_head.html",
        head_context(membership.workspace, conversation, membership),
    )


@require_POST
@login_required
def assign_conversation(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id)
    workspace = membership.workspace
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw == "me":
        assignee = request.user
    elif raw.isdigit():
        member = access.members(workspace).filter(user_id=int(raw)).first()
        if member is None:
            return _head_response(
                request, membership, conversation, ["No such teammate."], UNPROCESSABLE
            )
        assignee = member.user
    elif raw:
        return _head_response(request, membership, conversation, ["No such teammate."], 400)
    team = UNCHANGED
    if "team" in request.POST:
        raw_team = request.POST["team"]
        team = None
        if raw_team:
            team = (
                workspace_teams(workspace=workspace).filter(pk=int(raw_team)).first()
                if raw_team.isdigit()
                else None
            )
            if team is None:
                return _head_response(
                    request, membership, conversation, ["No such team."], UNPROCESSABLE
                )
    try:
        assign(conversation, actor=request.user, assignee=assignee, team=team)
    except ValidationError as exc:
        return _head_response(request, membership, conversation, errors_of(exc), UNPROCESSABLE)
    return _head_response(request, membership, conversation)


@require_POST
@login_required
def change_conversation_status(
    request: HttpRequest, slug: str, conversation_id: int
) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id)
    status = request.POST.get("status", "")
    now = timezone.now()
    until = _snooze_until(request, now) if status == ConversationStatus.SNOOZED else None
    try:
        change_status(conversation, status, actor=request.user, snoozed_until=until, now=now)
    except ValidationError as exc:
        return _head_response(request, membership, conversation, errors_of(exc), UNPROCESSABLE)
    return _head_response(request, membership, conversation)

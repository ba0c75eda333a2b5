"""Conversation workflow from the thread: assign, status, labels, notes, canned responses,
the side panel, contact merge, and the "@" teammate picker for notes.

Thin: each view reads the form, hands the write to an inbox.services module, and answers
htmx with the fragment to swap (422 with the reason when the service refuses) or a plain
form post with a redirect, so every action also works without JavaScript.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from inbox import access
from inbox.models import (
    CannedResponse,
    Consent,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Label,
    Membership,
    Role,
    Team,
    Workspace,
)
from inbox.services import notes, search
from inbox.services.assignment import UNCHANGED, assign
from inbox.services.canned import render_canned
from inbox.services.contact_merge import merge_contacts
from inbox.services.conversation_status import change_status
from inbox.services.labeling import set_labels
from inbox.services.notes import add_note

from .composer import Draft, composer_context, read_draft
from .queries import activate_workspace_timezone

UNPROCESSABLE = 422
CANNED_LIMIT = 8
CANDIDATE_LIMIT = 8
HISTORY_LIMIT = 10
MERGE_ROLES = (Role.ADMIN, Role.MANAGER)
SNOOZE_PRESETS = (
    ("1h", "In 1 hour"),
    ("tomorrow", "Tomorrow 09:00"),
    ("next_week", "Monday 09:00"),
)


# --- context builders (also used by the inclusion tags on the full page) -------------


def head_context(
    workspace: Workspace, conversation: Conversation, membership: Membership, **extra
) -> dict:
    """What _thread_head.html shows: owner, team, status, and the pickers to change them."""
    return {
        "workspace": workspace,
        "conversation": conversation,
        "membership": membership,
        "user": membership.user,
        "members": access.members(workspace),
        "teams": Team.objects.filter(workspace=workspace).order_by("name"),
        "status_options": ConversationStatus.choices,
        "snooze_presets": SNOOZE_PRESETS,
        "labels": list(conversation.labels.all()),
        **extra,
    }


def panel_context(workspace: Workspace, conversation: Conversation, membership: Membership) -> dict:
    """The contact beside the thread: identities with their consent per channel, custom
    attributes, labels, earlier resolutions, and (for managers) the merge search."""
    contact = conversation.contact
    identities = list(contact.identities.all())
    channels = list(access.channels(workspace).filter(is_active=True).order_by("name", "pk"))
    ledger = {
        (c.channel_id, c.address): c
        for c in Consent.objects.filter(
            workspace=workspace, address__in=[i.value for i in identities]
        )
    }
    rows = [
        {
            "identity": identity,
            "consents": [
                {"channel": ch, "consent": ledger.get((ch.pk, identity.value))} for ch in channels
            ],
        }
        for identity in identities
    ]
    history = (
        access.messages(workspace)
        .filter(conversation=conversation, direction=Direction.INTERNAL, author="system")
        .filter(content__event="status")
        .select_related("author_user")
        .order_by("-created_at")[:HISTORY_LIMIT]
    )
    chosen = {label.pk for label in conversation.labels.all()}
    return {
        "workspace": workspace,
        "conversation": conversation,
        "contact": contact,
        "identity_rows": rows,
        "attributes": _attribute_rows(workspace, contact),
        "all_labels": [
            (label, label.pk in chosen)
            for label in Label.objects.filter(workspace=workspace).order_by("name")
        ],
        "history": list(history),
        "can_merge": membership.role in MERGE_ROLES,
    }


def _attribute_rows(workspace: Workspace, contact: Contact) -> list[tuple[str, object]]:
    """(label, value) pairs: defined fields by their label in settings order, then keys no
    definition names, by key. Definitions belong to workspace_settings and are read through
    the reverse relation so inbox never imports that app."""
    stored = contact.attributes or {}
    defined = list(workspace.contact_attribute_definitions.values_list("key", "label"))
    known = {key for key, _label in defined}
    rows = [(label, stored[key]) for key, label in defined if key in stored]
    rows += [(key, value) for key, value in sorted(stored.items()) if key not in known]
    return [(name, _shown(value)) for name, value in rows]


def _shown(value: object) -> object:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


# --- helpers ---------------------------------------------------------------------------


def _load(request: HttpRequest, slug: str, conversation_id: int, *roles: str):
    membership = (
        access.membership_with_role(request.user, slug, *roles)
        if roles
        else access.membership_for(request.user, slug)
    )
    activate_workspace_timezone(membership.workspace)
    conversation = access.conversation_for(membership.workspace, conversation_id)
    return membership, conversation


def _reload(conversation: Conversation) -> Conversation:
    return access.conversation_for(conversation.workspace, conversation.pk)


def _back(slug: str, conversation_id: int) -> HttpResponse:
    return redirect(reverse("inbox:conversation", args=[slug, conversation_id]))


def _head_response(request, membership, conversation, errors=(), status=200) -> HttpResponse:
    if not request.htmx:
        for error in errors:
            flash.error(request, error)
        return _back(membership.workspace.slug, conversation.pk)
    context = head_context(
        membership.workspace, _reload(conversation), membership, action_errors=list(errors)
    )
    return render(request, "inbox/_thread_head.html", context, status=status)


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


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


# --- thread head: assignment and status -------------------------------------------------


@require_GET
@login_required
def thread_head(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id)
    return render(
        request,
        "inbox/_thread_head.html",
        head_context(membership.workspace, conversation, membership),
    )


@require_POST
@login_required
def assign_conversation(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id)
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
                Team.objects.filter(workspace=workspace, pk=int(raw_team)).first()
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
        return _head_response(request, membership, conversation, _errors(exc), UNPROCESSABLE)
    return _head_response(request, membership, conversation)


@require_POST
@login_required
def change_conversation_status(
    request: HttpRequest, slug: str, conversation_id: int
) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id)
    status = request.POST.get("status", "")
    now = timezone.now()
    until = _snooze_until(request, now) if status == ConversationStatus.SNOOZED else None
    try:
        change_status(conversation, status, actor=request.user, snoozed_until=until, now=now)
    except ValidationError as exc:
        return _head_response(request, membership, conversation, _errors(exc), UNPROCESSABLE)
    return _head_response(request, membership, conversation)


# --- side panel: contact, labels, merge ------------------------------------------------


def _panel_response(request, membership, conversation, errors=(), status=200) -> HttpResponse:
    if not request.htmx:
        for error in errors:
            flash.error(request, error)
        return _back(membership.workspace.slug, conversation.pk)
    context = panel_context(membership.workspace, _reload(conversation), membership)
    context["action_errors"] = list(errors)
    return render(request, "inbox/_side_panel.html", context, status=status)


@require_GET
@login_required
def side_panel(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id)
    context = panel_context(membership.workspace, conversation, membership)
    return render(request, "inbox/_side_panel.html", context)


@require_POST
@login_required
def update_labels(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id)
    raw = request.POST.getlist("label")
    if not all(value.isdigit() for value in raw):
        return _panel_response(request, membership, conversation, ["Unknown label."], 400)
    try:
        set_labels(conversation, [int(v) for v in raw], actor=request.user)
    except ValidationError as exc:
        return _panel_response(request, membership, conversation, _errors(exc), UNPROCESSABLE)
    return _panel_response(request, membership, conversation)


def _candidates(workspace: Workspace, contact: Contact, query: str) -> list[Contact]:
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        Contact.objects.filter(workspace=workspace)
        .exclude(pk=contact.pk)
        .filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(identities__value__icontains=query)
        )
        .distinct()
        .prefetch_related("identities")
        .order_by("name", "pk")[:CANDIDATE_LIMIT]
    )


def _picker_query(request: HttpRequest) -> str:
    """What a picker's box holds, as the conversation search reads its own: a NUL pasted
    into it would otherwise reach PostgreSQL, which refuses it with a 500."""
    return search.normalize(request.GET.get("q", ""))


@require_GET
@login_required
def merge_candidates(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id, *MERGE_ROLES)
    query = _picker_query(request)
    context = {
        "workspace": membership.workspace,
        "conversation": conversation,
        "candidates": _candidates(membership.workspace, conversation.contact, query),
        "query": query,
    }
    return render(request, "inbox/_merge_candidates.html", context)


@require_POST
@login_required
def merge_contact(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = _load(request, slug, conversation_id, *MERGE_ROLES)
    raw = request.POST.get("contact", "")
    other = (
        Contact.objects.filter(workspace=membership.workspace, pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if other is None:
        return _panel_response(
            request, membership, conversation, ["No such contact."], UNPROCESSABLE
        )
    try:
        result = merge_contacts(conversation.contact, other, actor=request.user)
    except ValidationError as exc:
        return _panel_response(request, membership, conversation, _errors(exc), UNPROCESSABLE)
    target = result.conversation.pk if result.conversation else conversation.pk
    url = reverse("inbox:conversation", args=[slug, target])
    if request.htmx:
        # The thread may now be another conversation: load it as a page.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    flash.success(request, "Contacts merged.")
    return redirect(url)


# --- composer extras: private notes and canned responses --------------------------------


@require_POST
@login_required
def add_private_note(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """Also reached from the reply form when the note toggle is on (mode=note)."""
    membership, conversation = _load(request, slug, conversation_id)
    workspace = membership.workspace
    draft = read_draft(request, workspace, conversation)
    draft = replace(draft, mode="note")
    try:
        note = add_note(conversation, draft.text, author=request.user)
    except ValidationError as exc:
        if not request.htmx:
            for error in _errors(exc):
                flash.error(request, error)
            return _back(slug, conversation_id)
        context = composer_context(workspace, conversation, draft, errors=_errors(exc))
        return render(request, "inbox/_composer.html", context, status=UNPROCESSABLE)
    if not request.htmx:
        return _back(slug, conversation_id)
    # The box stays in note mode on the same channel: notes often come in a row.
    fresh = Draft(channel=draft.channel, mode="note")
    context = composer_context(workspace, conversation, fresh, focus=True)
    context["message"] = access.message_for(workspace, note.pk)
    return render(request, "inbox/_reply_response.html", context)


@require_GET
@login_required
def canned_responses(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """The "/" picker: matches on shortcut or title, bodies filled for this contact and
    agent on the server (variables never reach the browser unfilled)."""
    membership, conversation = _load(request, slug, conversation_id)
    query = _picker_query(request).lstrip("/")
    found = CannedResponse.objects.filter(workspace=membership.workspace)
    if query:
        found = found.filter(Q(shortcut__icontains=query) | Q(title__icontains=query))
    items = [
        {
            "shortcut": c.shortcut,
            "title": c.title,
            "body": render_canned(c.body, conversation.contact, request.user),
        }
        for c in found.order_by("shortcut")[:CANNED_LIMIT]
    ]
    return render(
        request,
        "inbox/_canned_list.html",
        {"items": items, "query": query, "workspace": membership.workspace},
    )


@require_GET
@login_required
def unseen_mentions(request: HttpRequest, slug: str) -> JsonResponse:
    """The top bar's mention badge, asked once per page (not on every list render)."""
    membership = access.membership_for(request.user, slug)
    return JsonResponse({"unseen": notes.unseen_mentions(request.user, membership.workspace.pk)})


@require_GET
@login_required
def mention_candidates(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """The "@" picker in note mode: the workspace's active members matching the token."""
    membership, _conversation = _load(request, slug, conversation_id)
    query = _picker_query(request).lstrip("@")
    users = notes.mention_candidates(membership.workspace.pk, query, limit=CANDIDATE_LIMIT)
    items = [{"username": u.username, "name": notes.display_name(u)} for u in users]
    return render(request, "inbox/_mention_list.html", {"items": items, "query": query})


__all__ = [
    "add_private_note",
    "assign_conversation",
    "canned_responses",
    "change_conversation_status",
    "head_context",
    "merge_candidates",
    "merge_contact",
    "mention_candidates",
    "unseen_mentions",
    "panel_context",
    "side_panel",
    "thread_head",
    "update_labels",
]

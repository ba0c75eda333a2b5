"""Who owns a conversation: an agent, a team, both, or nobody.

Every change is made under a row lock, leaves a system note in the thread (the team reads
who moved what, when), tells browsers after commit, and sends
`inbox.signals.conversation_assigned` once the change has committed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from inbox import realtime, signals
from inbox.models import Conversation, Membership, Team

from .note_language import notes_language
from .notes import display_name, system_note

UNCHANGED = object()  # "leave the team as it is" (None means "no team")


def _check_assignee(conversation: Conversation, assignee) -> None:
    if assignee is None:
        return
    if not Membership.objects.filter(
        workspace_id=conversation.workspace_id, user=assignee, is_active=True
    ).exists():
        raise ValidationError(_("The assignee is not an active member of this workspace."))


def _check_team(conversation: Conversation, team) -> None:
    if team is not None and team.workspace_id != conversation.workspace_id:
        raise ValidationError(_("That team belongs to another workspace."))


def _describe(actor, assignee, team, previous_assignee_id, previous_team_id) -> str:
    who = display_name(actor) if actor is not None else _("Routing")
    parts = []
    if assignee is not None and assignee.pk != previous_assignee_id:
        if actor is not None and assignee.pk == actor.pk:
            parts.append(_("%(who)s took this conversation") % {"who": who})
        else:
            parts.append(
                _("%(who)s assigned this to %(assignee)s")
                % {"who": who, "assignee": display_name(assignee)}
            )
    elif assignee is None and previous_assignee_id is not None:
        parts.append(_("%(who)s unassigned this conversation") % {"who": who})
    team_id = team.pk if team is not None else None
    if team_id != previous_team_id:
        if parts:
            moved = (
                _("moved it to team %(team)s") % {"team": team.name}
                if team
                else _("removed the team")
            )
        else:
            moved = (
                _("%(who)s moved it to team %(team)s") % {"who": who, "team": team.name}
                if team
                else _("%(who)s removed the team") % {"who": who}
            )
        parts.append(moved)
    return "; ".join(parts) + "."


def assign(
    conversation: Conversation,
    *,
    actor,
    assignee=None,
    team: Team | None | object = UNCHANGED,
) -> Conversation:
    """Give the conversation to `assignee` (None: unassigned) and optionally a team.

    Nothing happens (no note, no signal) when nothing changes, so a double click or two
    agents picking the same person do not clutter the thread.
    """
    _check_assignee(conversation, assignee)
    if team is not UNCHANGED:
        _check_team(conversation, team)
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        previous_assignee_id, previous_team_id = conv.assignee_id, conv.team_id
        new_team = conv.team if team is UNCHANGED else team
        new_team_id = new_team.pk if new_team is not None else None
        new_assignee_id = assignee.pk if assignee is not None else None
        if new_assignee_id == previous_assignee_id and new_team_id == previous_team_id:
            return conv
        conv.assignee = assignee
        conv.team = new_team
        conv.save(update_fields=["assignee", "team"])
        with translation.override(notes_language(conv.workspace_id)):
            text = _describe(actor, assignee, new_team, previous_assignee_id, previous_team_id)
        system_note(
            conv,
            text,
            event="assignment",
            assignee_id=new_assignee_id,
            team_id=new_team_id,
            actor_id=actor.pk if actor is not None else None,
        )
        realtime.conversation_changed(conv)
        if new_assignee_id != previous_assignee_id:
            transaction.on_commit(
                lambda: signals.send(
                    signals.conversation_assigned,
                    Conversation,
                    conversation=conv,
                    previous_assignee_id=previous_assignee_id,
                    actor=actor,
                )
            )
    return conv

"""A matched rule's actions, each through the same inbox service an agent's click uses.

Called inside the run's transaction (automations.services.running): an action that
raises rolls back every action before it, so a rule never half-runs.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import attribute_values
from inbox.models import (
    Author,
    CampaignConversion,
    ConversationStatus,
    Label,
    Message,
    MessageTemplate,
    RoutingMode,
    Team,
)
from inbox.services import assignment, conversation_status, labeling
from inbox.services.campaigns.conversions import ConversionRejected, record_conversion
from inbox.services.contact_book import ContactRejected, update_contact
from inbox.services.routing import pick_agent
from inbox.services.sending import send_message
from inbox.services.templates.placeholders import contact_values, render_for

from . import holds
from .conditions import campaign_of


class ActionFailed(Exception):
    """An action could not be done; the message is fit for the rule's error column, in
    the language the run is recorded in (the workspace's, see running.run_for_message)."""


def reply_content(template: MessageTemplate, contact) -> dict:
    """The template filled for this contact, rich, as every channel renders it.

    A text-only channel renders the rich content itself (numbered options for chips),
    which is what lets a customer answer "1" over SMS. The template's own text version
    is attached as `fallback_text` only when a person wrote it: attached, it replaces the
    numbered options, and the numbers could no longer be read back as taps.
    """
    workspace = template.workspace
    values = contact_values(
        contact, attribute_values.definition_types(workspace), language=workspace.language
    )
    rendered = render_for(content=template.content, sms_text=template.sms_text, values=values)
    if rendered.missing:
        keys = ", ".join(f"{{{{{key}}}}}" for key in rendered.missing)
        raise ActionFailed(
            _("template “%(name)s”: no value for %(keys)s") % {"name": template.name, "keys": keys}
        )
    content = dict(rendered.content)
    if template.sms_text_edited and rendered.text:
        content["fallback_text"] = rendered.text
    return content


def apply(action: dict, message: Message, context: dict) -> int:
    """Do one action; how many automated replies it queued."""
    conversation = message.conversation
    kind = action["type"]
    if kind == "reply":
        template = MessageTemplate.objects.filter(
            workspace_id=message.workspace_id, pk=action["template_id"]
        ).first()
        if template is None:
            raise ActionFailed(_("reply: the template was deleted"))
        contact = type(conversation.contact).objects.get(pk=conversation.contact_id)
        send_bot_message(conversation, reply_content(template, contact))
        return 1
    if kind == "set_attribute":
        _set_attributes(conversation.contact, {action["key"]: action["value"]})
    elif kind == "add_label":
        labels = Label.objects.filter(workspace_id=message.workspace_id)
        label = labels.filter(pk=action["label_id"]).first()
        if label is None:
            raise ActionFailed(_("add label: the label was deleted"))
        current = set(conversation.labels.values_list("pk", flat=True))
        labeling.set_labels(conversation, current | {label.pk}, actor=None)
    elif kind == "assign":
        _assign(conversation, action)
    elif kind == "resolve":
        conversation_status.change_status(conversation, ConversationStatus.RESOLVED, actor=None)
    elif kind == "snooze":
        until = timezone.now() + timedelta(minutes=action["minutes"])
        conversation_status.change_status(
            conversation, ConversationStatus.SNOOZED, actor=None, snoozed_until=until
        )
    elif kind == "hand_off":
        holds.hand_off(conversation)
    elif kind == "webhook":
        _set_attributes(conversation.contact, context.get("webhook_values") or {})
    elif kind == "record_conversion":
        _record_conversion(message, action, context)
    return 0


def send_bot_message(conversation, content: dict) -> Message:
    """An automated message: authored by the bot, through the normal outbox.

    SendRejected (an opted-out customer, a disabled channel, content the channel
    refuses) propagates: the run is recorded as failed with its reason."""
    return send_message(conversation, content, author=Author.BOT)


def _set_attributes(contact, values: dict) -> None:
    if not values:
        return
    try:
        update_contact(contact, attributes=values)
    except ContactRejected as exc:
        raise ActionFailed(_("attributes: %(error)s") % {"error": exc}) from None


def _assign(conversation, action: dict) -> None:
    team = None
    if action.get("team_id") is not None:
        # Locked after the conversation (the run holds it), routing's lock order.
        team = (
            Team.objects.select_for_update()
            .filter(workspace_id=conversation.workspace_id, pk=action["team_id"])
            .first()
        )
        if team is None:
            raise ActionFailed(_("assign: the team was deleted"))
    user = None
    if action.get("user_id") is not None:
        user = get_user_model().objects.filter(pk=action["user_id"]).first()
    elif team is not None:
        # The team's routing picks the agent, as for a new conversation on its channel
        # (round robin among online members under their cap; a queue team: nobody).
        picked = pick_agent(team) if team.routing == RoutingMode.ROUND_ROBIN else None
        user = get_user_model().objects.filter(pk=picked).first() if picked else None
    try:
        assignment.assign(
            conversation,
            actor=None,
            assignee=user,
            team=team if team is not None else assignment.UNCHANGED,
        )
    except ValidationError as exc:  # the agent left the workspace
        raise ActionFailed(_("assign: %(error)s") % {"error": exc}) from None


def _record_conversion(message: Message, action: dict, context: dict) -> None:
    campaign = campaign_of(message, context)
    if campaign is None:
        raise ActionFailed(_("record conversion: the message answers no campaign"))
    try:
        record_conversion(
            campaign,
            message.conversation.contact,
            value=action.get("value"),
            source=CampaignConversion.Source.AUTOMATION,
        )
    except ConversionRejected as exc:
        raise ActionFailed(_("record conversion: %(error)s") % {"error": exc}) from None

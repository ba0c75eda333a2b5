"""An agent writes first: pick a contact (or type a number), a channel, and send.

The business starting a conversation is the same as answering one: the contact is the
contact book's (`upsert_contact`, by phone), the thread is the customer's one thread
(reused when it exists), and the message goes through `send_message`, the path every
reply takes. Everything that can refuse is asked before anything is written: the number,
the channel, the opt-out ledger, whether the channel can reach the number at all, and
the content; the writes then run in one transaction, so a refusal `send_message` finds
late (a conversation-dependent rule such as a messaging window) rolls them back too.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inbox.models import Channel, Contact, ContactIdentity, Conversation, Message, Workspace

from .consent import opt_out_reason
from .contact_book import ContactRejected, normalize_phone, upsert_contact
from .errors import SendRejected
from .row_inserts import insert_columns
from .sending import SUSPENDED, send_message, validate_content
from .workspaces import is_suspended

SOURCE = "agent"


def start_conversation(
    *,
    workspace: Workspace,
    channel: Channel,
    content: dict,
    user=None,
    contact: Contact | None = None,
    phone: str = "",
    name: str = "",
    country: str | None = None,
) -> tuple[Conversation, Message]:
    """Send the first message to `contact` or to `phone` (created as a contact, with
    `name`, when new); (conversation, message). SendRejected lists every reason."""
    e164 = _recipient(workspace, contact=contact, phone=phone, country=country)
    _check_channel(workspace, channel, e164, content)
    with transaction.atomic():
        if contact is None:
            contact, _created = upsert_contact(
                workspace, phone=e164, name=name.strip() or None, source=SOURCE, actor=user
            )
        conversation = customer_thread(workspace, contact, channel, user)
        message = send_message(conversation, content, user=user, channel=channel)
    return conversation, message


def _recipient(workspace: Workspace, *, contact, phone: str, country: str | None) -> str:
    if contact is not None:
        if contact.workspace_id != workspace.pk:
            raise SendRejected([_("contact: not in this workspace")])
        number = (
            ContactIdentity.objects.filter(contact=contact, kind=ContactIdentity.Kind.PHONE)
            .values_list("value", flat=True)
            .first()
        )
        if number is None:
            raise SendRejected([_("contact: has no phone number to write to")])
        return number
    try:
        return normalize_phone(phone, country=country)
    except ContactRejected as exc:
        raise SendRejected(exc.errors) from None


def _check_channel(workspace: Workspace, channel: Channel, e164: str, content: dict) -> None:
    """What `send_message` would refuse, asked before the contact or thread exist, plus
    reachability: a number the channel cannot reach (and no fallback can) is refused
    rather than queued to fail."""
    if channel.workspace_id != workspace.pk:
        raise SendRejected([_("channel: not in this workspace")])
    if not channel.is_active:
        raise SendRejected([_("channel: disabled")])
    if is_suspended(workspace.pk):
        raise SendRejected([SUSPENDED])
    errors = validate_content(content) or channel.adapter.validate(channel, content)
    if errors:
        raise SendRejected(errors)
    refusal = opt_out_reason(channel, e164)
    if refusal:
        raise SendRejected([refusal])
    if channel.fallback_id is None and channel.adapter.reachable(channel, e164) is False:
        raise SendRejected(
            [
                _("recipient: %(channel)s cannot reach %(number)s")
                % {"channel": channel.name, "number": e164}
            ]
        )


def customer_thread(
    workspace: Workspace, contact: Contact, channel: Channel, user, *, team=None
) -> Conversation:
    """The customer's one thread, locked; a new one is the starting agent's (and on
    `team`'s queue when given: a campaign's replies go to the team it names)."""
    conversation = (
        Conversation.objects.select_for_update()
        .filter(workspace=workspace, contact=contact)
        .first()
    )
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                workspace=workspace, contact=contact, channel=channel, assignee=user, team=team
            )
    except IntegrityError:  # the customer wrote in at this moment: their thread wins
        return Conversation.objects.select_for_update().get(workspace=workspace, contact=contact)


def customer_threads(
    workspace: Workspace, contacts: Sequence[Contact], channel: Channel, *, team=None
) -> tuple[dict[int, Conversation], set[int]]:
    """`customer_thread` for many contacts at once (a campaign's chunk), locked, in at most
    three statements: ({contact id: thread}, the contact ids whose thread is new). Each
    thread comes with its contact attached (no query to read it). A new one has no
    assignee and is on `team`'s queue; one a customer's first message created at the same
    moment wins, as in `customer_thread` (the insert skips it and the read finds it)."""
    by_id = {c.pk: c for c in contacts}
    found = {
        conv.contact_id: conv
        for conv in Conversation.objects.select_for_update()
        .filter(workspace=workspace, contact_id__in=list(by_id))
        .order_by("pk")
    }
    missing = [pk for pk in by_id if pk not in found]
    if missing:
        insert_columns(  # bulk_create's rows without an instance each
            Conversation,
            {"contact_id": missing},
            fixed={"workspace": workspace, "channel": channel, "team": team},
            ignore_conflicts=True,  # a customer's first message created it meanwhile
        )
        found.update(
            (conv.contact_id, conv)
            for conv in Conversation.objects.select_for_update()
            .filter(workspace=workspace, contact_id__in=missing)
            .order_by("pk")
        )
    for contact_id, conv in found.items():
        conv.contact = by_id[contact_id]
    return found, set(missing)

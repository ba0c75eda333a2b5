"""Campaigns as pages and the API read them: the audience, the preview, the counts.

The audience is a queryset over contacts in id order (the expansion's cursor walks it),
never a list in memory. Counts come from the recipients' rows and their messages' own
statuses, so a campaign never reports a send the thread does not show.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from inbox.models import (
    Campaign,
    CampaignRecipient,
    Contact,
    ContactReachability,
    Label,
    MessageTemplate,
    Segment,
    Workspace,
)

from .contact_filter import FilterInvalid, contacts_matching, parse_filter

MAX_CONTACT_IDS = 10_000
PREVIEW_SAMPLE = 20


class AudienceInvalid(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def audience_contacts(*, workspace: Workspace, audience: dict) -> QuerySet[Contact]:
    """The contacts `audience` names, in the workspace, ordered by id.

    {"contact_ids": [...]} | {"segment_id": n} | {"label": "name"}; AudienceInvalid says
    what is wrong (a segment that no longer validates, a label that does not exist).
    """
    if not isinstance(audience, dict) or len(audience) != 1:
        raise AudienceInvalid([_("audience: give exactly one of contact_ids, segment_id, label")])
    base = Contact.objects.filter(workspace=workspace)
    if "contact_ids" in audience:
        ids = audience["contact_ids"]
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise AudienceInvalid([_("audience.contact_ids: must be a list of contact ids")])
        if len(ids) > MAX_CONTACT_IDS:
            raise AudienceInvalid(
                [
                    _("audience.contact_ids: at most %(max)s; save a segment instead")
                    % {"max": MAX_CONTACT_IDS}
                ]
            )
        qs = base.filter(pk__in=ids)
    elif "segment_id" in audience:
        segment = Segment.objects.filter(workspace=workspace, pk=audience["segment_id"]).first()
        if segment is None:
            raise AudienceInvalid([_("audience.segment_id: no such segment")])
        try:
            contact_filter = parse_filter(workspace=workspace, document=segment.filter)
        except FilterInvalid as exc:
            raise AudienceInvalid([f"audience.segment_id: {e}" for e in exc.errors]) from None
        qs = contacts_matching(workspace=workspace, contact_filter=contact_filter)
    elif "label" in audience:
        label = Label.objects.filter(workspace=workspace, name=str(audience["label"])).first()
        if label is None:
            raise AudienceInvalid([_("audience.label: no such label")])
        qs = base.filter(labels=label)
    else:
        raise AudienceInvalid([_("audience: give exactly one of contact_ids, segment_id, label")])
    return qs.order_by("pk")


def duplicate_count(audience: dict) -> int:
    """Contact ids listed more than once: each gets one message, the rest are dropped."""
    ids = audience.get("contact_ids") if isinstance(audience, dict) else None
    return len(ids) - len(set(ids)) if isinstance(ids, list) else 0


def planned_routes(channel, contact_ids: list[int]) -> dict[str, int]:
    """How these recipients would go on `channel`, by the cached capability: "primary"
    (known reachable there, or a channel without a fallback), "fallback" (known not to
    be) and "unknown" (never asked, or the provider could not say: tried on the channel
    first, falling back if refused)."""
    if not channel.fallback_id:
        return {"primary": len(contact_ids)}
    known = dict(
        ContactReachability.objects.filter(
            channel=channel, contact_id__in=contact_ids, reachable__isnull=False
        ).values_list("contact_id", "reachable")
    )
    primary = sum(1 for pk in contact_ids if known.get(pk) is True)
    fallback = sum(1 for pk in contact_ids if known.get(pk) is False)
    return {
        "primary": primary,
        "fallback": fallback,
        "unknown": len(contact_ids) - primary - fallback,
    }


def workspace_campaigns(*, workspace: Workspace) -> QuerySet[Campaign]:
    return Campaign.objects.filter(workspace=workspace).select_related("template", "channel")


def campaign_in_workspace(*, workspace: Workspace, pk: int) -> Campaign | None:
    return workspace_campaigns(workspace=workspace).filter(pk=pk).first()


def workspace_templates(*, workspace: Workspace) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(workspace=workspace)


def template_in_workspace(*, workspace: Workspace, pk: int) -> MessageTemplate | None:
    return workspace_templates(workspace=workspace).filter(pk=pk).first()


def recipients_of(*, campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return CampaignRecipient.objects.filter(campaign=campaign).select_related("contact", "message")


def campaigns_received(*, contact: Contact) -> QuerySet[CampaignRecipient]:
    """What each campaign did for this contact (its message, or why it was excluded),
    newest first: the contact page's "Campaigns received"."""
    return (
        CampaignRecipient.objects.filter(contact=contact, campaign__workspace=contact.workspace_id)
        .select_related("campaign", "message")
        .order_by("-pk")
    )

"""One recipient of a campaign judged: the message it gets, or why it is excluded.

Shared by the preview (nothing written) and the expansion (the verdict is written once,
as a CampaignRecipient row), so the preview says exactly what the launch will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from inbox import attribute_values
from inbox.models import Campaign, Contact, ContactIdentity, ExclusionReason
from inbox.services.consent import opt_out_reason
from inbox.services.templates.placeholders import contact_values, render_for


@dataclass(frozen=True)
class Verdict:
    contact: Contact
    phone: str | None
    content: dict | None = None
    excluded: str = ""  # an ExclusionReason value
    detail: str = ""


class Judge:
    """What stays the same for every recipient of one campaign, read once."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.channel = campaign.channel
        self.template = campaign.template
        self.types = attribute_values.definition_types(campaign.workspace)
        self.language = campaign.workspace.language
        caps = self.channel.adapter.capabilities(self.channel)
        # A text-only channel gets the template's text version as the message itself.
        self.text_only = not (caps.rich_cards or caps.suggestions)

    def verdicts(self, contacts: Iterable[Contact]) -> list[Verdict]:
        contacts = list(contacts)
        phones = _phones([c.pk for c in contacts])
        return [self.judge(c, phones.get(c.pk)) for c in contacts]

    def judge(self, contact: Contact, phone: str | None) -> Verdict:
        if phone is None:
            return Verdict(
                contact,
                None,
                excluded=ExclusionReason.INVALID_NUMBER,
                detail=_("the contact has no phone number"),
            )
        refusal = opt_out_reason(self.channel, phone)
        if refusal:
            return Verdict(contact, phone, excluded=ExclusionReason.OPTED_OUT, detail=refusal)
        values = contact_values(contact, self.types, language=self.language)
        rendered = render_for(
            content=self.template.content, sms_text=self.template.sms_text, values=values
        )
        if rendered.missing:
            return Verdict(
                contact,
                phone,
                excluded=ExclusionReason.MISSING_VALUE,
                detail=_("no value for %(keys)s")
                % {"keys": ", ".join(f"{{{{{k}}}}}" for k in rendered.missing)},
            )
        return Verdict(contact, phone, content=self._content(rendered.content, rendered.text))

    def _content(self, rich: dict, text: str) -> dict:
        traffic = {"traffic_type": self.template.traffic_type} if self.template.traffic_type else {}
        if self.text_only:
            return {"type": "text", "text": text, **traffic}
        # The text version is what a fallback to a text-only channel sends.
        return {**rich, "fallback_text": text, **traffic} if text else {**rich, **traffic}


def _phones(contact_ids: list[int]) -> dict[int, str]:
    """Each contact's first phone number, in one query."""
    found: dict[int, str] = {}
    for contact_id, value in (
        ContactIdentity.objects.filter(contact_id__in=contact_ids, kind=ContactIdentity.Kind.PHONE)
        .order_by("pk")
        .values_list("contact_id", "value")
    ):
        found.setdefault(contact_id, value)
    return found

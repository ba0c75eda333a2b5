"""One recipient of a campaign judged: the message it gets, or why it is excluded.

Shared by the preview (nothing written) and the expansion (the verdict is written once,
as a CampaignRecipient row), so the preview says exactly what the launch will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from inbox import attribute_values
from inbox.models import (
    Arm,
    Campaign,
    Channel,
    Contact,
    ContactIdentity,
    ContactReachability,
    ExclusionReason,
)
from inbox.services.consent import opt_out_reason, opt_out_reasons
from inbox.services.templates.placeholders import contact_values, render_for

from .experiment import draw_arm


@dataclass(frozen=True)
class Verdict:
    contact: Contact
    phone: str | None
    content: dict | None = None
    excluded: str = ""  # an ExclusionReason value
    detail: str = ""
    arm: str = ""  # an Arm value when the contact is in the campaign's experiment
    channel: Channel | None = None  # the control arm's SMS fallback; None: the campaign's


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
        # The control arm (inbox.services.campaigns.experiment): RCS-capable recipients
        # drawn into it get the text version over the SMS fallback.
        self.experiment = (
            campaign.control_share > 0 and not self.text_only and bool(self.channel.fallback_id)
        )

    def verdicts(self, contacts: Iterable[Contact]) -> list[Verdict]:
        contacts = list(contacts)
        phones = _phones([c.pk for c in contacts])
        capable = _rcs_capable([c.pk for c in contacts], self.channel) if self.experiment else ()
        # The opt-out ledger read once for the chunk, not once per recipient.
        refused = opt_out_reasons(self.channel, phones.values())
        return [
            self.judge(
                c,
                phones.get(c.pk),
                rcs_capable=c.pk in capable,
                refusal=refused.get(phones.get(c.pk, ""), ""),
            )
            for c in contacts
        ]

    def judge(
        self,
        contact: Contact,
        phone: str | None,
        *,
        rcs_capable: bool = False,
        refusal: str | None = None,
    ) -> Verdict:
        """`refusal`: the opt-out reason read beforehand ("" for none); None reads it."""
        if phone is None:
            return Verdict(
                contact,
                None,
                excluded=ExclusionReason.INVALID_NUMBER,
                detail=_("the contact has no phone number"),
            )
        if refusal is None:
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
        if self.experiment and rcs_capable:
            arm = draw_arm(
                seed=self.campaign.experiment_seed,
                contact_id=contact.pk,
                control_share=self.campaign.control_share,
            )
            if arm == Arm.CONTROL:
                return Verdict(
                    contact,
                    phone,
                    content=self._text(rendered.text),
                    arm=arm,
                    channel=self.channel.fallback,
                )
            return Verdict(
                contact, phone, content=self._content(rendered.content, rendered.text), arm=arm
            )
        return Verdict(contact, phone, content=self._content(rendered.content, rendered.text))

    def _text(self, text: str) -> dict:
        traffic = {"traffic_type": self.template.traffic_type} if self.template.traffic_type else {}
        return {"type": "text", "text": text, **traffic}

    def _content(self, rich: dict, text: str) -> dict:
        traffic = {"traffic_type": self.template.traffic_type} if self.template.traffic_type else {}
        if self.text_only:
            return {"type": "text", "text": text, **traffic}
        # The text version is what a fallback to a text-only channel sends.
        return {**rich, "fallback_text": text, **traffic} if text else {**rich, **traffic}


def _rcs_capable(contact_ids: list[int], channel: Channel) -> set[int]:
    """The contacts the cached capability says `channel` reaches, in one query."""
    return set(
        ContactReachability.objects.filter(
            contact_id__in=contact_ids, channel=channel, reachable=True
        ).values_list("contact_id", flat=True)
    )


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

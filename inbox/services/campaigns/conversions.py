"""Conversions: a recipient who did what the campaign asked, recorded once.

Three ways in, one rule: the API (the business's own system reports a payment), a
suggestion the template marks as a conversion (the customer tapped "I paid"), and the
automations' "record a campaign conversion" action. The unique recipient on
CampaignConversion makes "one per recipient" a database fact: a repeat, or two reports
racing, return the first one and change nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import Campaign, CampaignConversion, CampaignRecipient, Contact

VALUE_MAX = Decimal("999999999999.99")
SOURCES = frozenset(CampaignConversion.Source.values)


class ConversionRejected(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _clean_value(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ConversionRejected([_("value: must be a number")]) from None
    if not value.is_finite() or value < 0 or value > VALUE_MAX:
        raise ConversionRejected(
            [_("value: must be a number from 0 to %(max)s") % {"max": VALUE_MAX}]
        )
    return value.quantize(Decimal("0.01"))


def record_conversion(
    campaign: Campaign,
    contact: Contact,
    *,
    value: Decimal | None = None,
    source: str = "api",
) -> tuple[CampaignConversion, bool]:
    """Record that `contact`, a recipient of `campaign`, converted; (conversion, created).

    A contact the campaign never sent to (not in its audience, or excluded) is refused
    with ConversionRejected: a conversion counts only against a message that went out.
    A repeat returns the first conversion unchanged (its value too) and created=False.
    """
    if source not in SOURCES:
        raise ConversionRejected([_("source: must be one of %s") % ", ".join(sorted(SOURCES))])
    value = _clean_value(value)
    if contact.workspace_id != campaign.workspace_id:
        raise ConversionRejected([_("contact: not a recipient of this campaign")])
    recipient = (
        CampaignRecipient.objects.filter(campaign=campaign, contact=contact, message__isnull=False)
        .only("pk")
        .first()
    )
    if recipient is None:
        raise ConversionRejected([_("contact: not a recipient of this campaign")])
    existing = CampaignConversion.objects.filter(recipient=recipient).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            conversion = CampaignConversion.objects.create(
                campaign=campaign,
                recipient=recipient,
                value=value,
                source=source,
                at=timezone.now(),
            )
    except IntegrityError:  # a concurrent report won the unique recipient
        return CampaignConversion.objects.get(recipient=recipient), False
    return conversion, True

"""Saving a template checked against the channels it is meant for: content a channel
cannot carry (a carousel past RCS's card count, a chip label too long, a text version
past the SMS limit) is refused on save, and nothing is written.

The template is saved and then put to each channel's rules (the campaigns' own check,
`carriage_problems`, on a sample rendering) inside one transaction, so a refusal rolls
the save and its audit entry back together.
"""

from __future__ import annotations

from django.db import transaction

from inbox.models import Channel, MessageTemplate

from ..campaigns.plan import carriage_problems
from .save import TemplateRejected, save_template


def save_template_for_channels(*, channels: list[Channel], **fields) -> MessageTemplate:
    """`save_template(**fields)`, refused with every channel's reasons if any of
    `channels` cannot carry the result."""
    with transaction.atomic():
        template = save_template(**fields)
        errors = [
            error
            for channel in channels
            for error in carriage_problems(template=template, channel=channel)
        ]
        if errors:
            raise TemplateRejected(errors)
    return template

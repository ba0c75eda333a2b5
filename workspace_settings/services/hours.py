"""Business hours, holidays and the per-channel out-of-hours reply."""

from __future__ import annotations

from django.db import transaction

from inbox.models import BusinessHours, Channel, Holiday, Workspace
from inbox.services.audit import record
from inbox.services.customer_texts import CONFIG_KEY as TEXTS_KEY
from inbox.services.out_of_hours import CONFIG_KEY

from .channels import set_config_value


def hours_for(workspace: Workspace) -> BusinessHours:
    hours, _ = BusinessHours.objects.get_or_create(workspace=workspace)
    return hours


def save_hours(workspace: Workspace, actor, *, timezone: str, enabled: bool, weekly: dict) -> None:
    with transaction.atomic():
        ws = Workspace.objects.select_for_update().get(pk=workspace.pk)
        hours, _ = BusinessHours.objects.select_for_update().get_or_create(workspace=ws)
        before = {"timezone": ws.timezone, "enabled": hours.enabled, "weekly": hours.weekly}
        ws.timezone = timezone
        ws.save(update_fields=["timezone"])
        hours.enabled = enabled
        hours.weekly = weekly
        hours.save()
        after = {"timezone": timezone, "enabled": enabled, "weekly": weekly}
        if before != after:
            record(ws, actor, "business_hours.updated", hours, before=before, after=after)
    workspace.timezone = timezone


def add_holiday(workspace: Workspace, actor, *, date, name: str) -> Holiday:
    with transaction.atomic():
        holiday = Holiday.objects.create(workspace=workspace, date=date, name=name)
        record(
            workspace,
            actor,
            "holiday.added",
            holiday,
            after={"date": date.isoformat(), "name": name},
        )
    return holiday


def remove_holiday(holiday: Holiday, actor) -> None:
    with transaction.atomic():
        record(
            holiday.workspace,
            actor,
            "holiday.removed",
            holiday,
            before={"date": holiday.date.isoformat(), "name": holiday.name},
        )
        holiday.delete()


def set_out_of_hours_replies(
    channels: list[Channel],
    actor,
    texts: dict[int, str],
    per_language: dict[int, dict[str, str]] | None = None,
) -> None:
    """Every channel's reply from one form, in one transaction: all saved or none.

    `per_language` holds a channel's replies by customer language (customer_texts.py),
    which win over its single text for customers of that language."""
    with transaction.atomic():
        for channel in channels:
            channel = set_out_of_hours_reply(channel, actor, texts[channel.pk])
            if per_language and channel.pk in per_language:
                _set_language_replies(channel, actor, per_language[channel.pk])


def _set_language_replies(channel: Channel, actor, texts: dict[str, str]) -> Channel:
    stored = dict((channel.config or {}).get(TEXTS_KEY) or {})
    for language, text in texts.items():
        own = {k: v for k, v in dict(stored.get(language) or {}).items() if v}
        own["out_of_hours"] = text.strip()
        stored[language] = {k: v for k, v in own.items() if v}
    stored = {language: own for language, own in stored.items() if own}
    return set_config_value(
        channel, actor, TEXTS_KEY, stored or None, action="channel.out_of_hours_reply_changed"
    )


def set_out_of_hours_reply(channel: Channel, actor, text: str) -> Channel:
    return set_config_value(
        channel, actor, CONFIG_KEY, text.strip(), action="channel.out_of_hours_reply_changed"
    )

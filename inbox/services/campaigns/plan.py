"""Creating a campaign and previewing it: every refusal before anything is written.

Content the channel cannot carry is refused here, when a template meets a channel: the
template is rendered with sample values and put to the channel's adapter.validate (and
its text version to the fallback channel's), so a card too long for RCS or a text past
the channel's limit is a reason on save, not a thousand failed messages later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import Campaign, CampaignStatus, Channel, MessageTemplate, Team, Workspace
from inbox.selectors.campaigns import (
    AudienceInvalid,
    audience_contacts,
    duplicate_count,
    planned_routes,
)
from inbox.services.audit import record, snapshot
from inbox.services.sending import validate_content
from inbox.services.templates.placeholders import fill, keys_in
from inbox.storable import storable, storable_text

from .experiment import clean_experiment, new_seed
from .recipients import Judge
from .window import hold_until

NAME_MAX = 100
PREVIEW_LIMIT = 1000  # contacts the preview judges; the count is the whole audience's
FIELDS = [
    "name",
    "template",
    "channel",
    "audience",
    "team",
    "send_at",
    "window_start",
    "window_end",
    "send_rate",
    "control_share",
    "attribution_hours",
    "status",
]
SEND_RATE_MAX = 10_000  # messages per second; past any sender's real limit


class CampaignRejected(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def create_campaign(
    *,
    workspace: Workspace,
    actor,
    name: str,
    template: MessageTemplate | None,
    channel: Channel | None,
    audience: dict,
    send_at: datetime | None = None,
    team: Team | None = None,
    window: tuple[time, time] | None = None,
    send_rate: int | None = None,
    control_share: Decimal | float | None = None,
    attribution_hours: int | None = None,
) -> Campaign:
    """A draft campaign; CampaignRejected lists every reason and nothing is written.

    `window` (start, end) sends only between those local times in each recipient's zone;
    `send_rate` caps the whole campaign's messages per second (None: the senders' limits).
    """
    name = storable_text(str(name or "")).strip()
    errors: list[str] = []
    if not name:
        errors.append(_("name: required"))
    elif len(name) > NAME_MAX:
        errors.append(_("name: at most %(max)s characters") % {"max": NAME_MAX})
    if template is None or template.workspace_id != workspace.pk:
        errors.append(_("template_id: no such template"))
    if channel is None or channel.workspace_id != workspace.pk:
        errors.append(_("channel_id: no such channel"))
    elif not channel.is_active:
        errors.append(_("channel_id: the channel is disabled"))
    if team is not None and team.workspace_id != workspace.pk:
        errors.append(_("team_id: no such team"))
    if send_at is not None and timezone.is_naive(send_at):
        # A time without a zone is the workspace's own wall-clock time.
        send_at = timezone.make_aware(send_at, ZoneInfo(workspace.timezone))
    errors += _window_problems(window) + _rate_problems(send_rate)
    # The control arm's share and the reply window (inbox.services.campaigns.experiment).
    control_share, attribution_hours, problems = clean_experiment(
        control_share=control_share,
        attribution_hours=attribution_hours,
        channel=channel if channel is not None and channel.workspace_id == workspace.pk else None,
    )
    errors += problems
    audience = storable(audience)
    try:
        audience_contacts(workspace=workspace, audience=audience)
    except AudienceInvalid as exc:
        errors += exc.errors
    if not errors:
        errors += carriage_problems(template=template, channel=channel)
    if errors:
        raise CampaignRejected(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            workspace=workspace,
            name=name,
            template=template,
            channel=channel,
            audience=audience,
            send_at=send_at,
            team=team,
            window_start=window[0] if window else None,
            window_end=window[1] if window else None,
            send_rate=send_rate,
            control_share=control_share,
            experiment_seed=new_seed(),
            attribution_hours=attribution_hours,
            created_by=actor,
        )
        record(
            workspace,
            actor,
            "campaign.created",
            campaign,
            after=snapshot(campaign, FIELDS),
            target_label=name,
        )
    return campaign


def _window_problems(window) -> list[str]:
    if window is None:
        return []
    if (
        not isinstance(window, tuple | list)
        or len(window) != 2
        or not all(isinstance(t, time) for t in window)
    ):
        return [_("window: give a start and an end time")]
    if window[0] == window[1]:
        return [_("window: the start and the end must differ")]
    return []


def _rate_problems(send_rate) -> list[str]:
    if send_rate is None:
        return []
    if isinstance(send_rate, bool) or not isinstance(send_rate, int) or send_rate < 1:
        return [_("send_rate: a whole number of messages per second, at least 1")]
    if send_rate > SEND_RATE_MAX:
        return [_("send_rate: at most %(max)s messages per second") % {"max": SEND_RATE_MAX}]
    return []


def carriage_problems(*, template: MessageTemplate, channel: Channel) -> list[str]:
    """What `channel` (and its fallback, for the text version) refuses in `template`,
    rendered with sample values (each placeholder as its own key)."""
    sample = {key: key for key in keys_in([template.content, template.sms_text])}
    content, _missing = fill(template.content, sample)
    text, _missing = fill(template.sms_text, sample)
    caps = channel.adapter.capabilities(channel)
    if not (caps.rich_cards or caps.suggestions):
        content = {"type": "text", "text": text}
    errors = (
        validate_content(content)
        or channel.adapter.validate(channel, content)
        or channel.adapter.first_message_problems(channel, content)  # e.g. WhatsApp
    )
    errors = [f"{channel.name}: {e}" for e in errors]
    fallback = channel.fallback if channel.fallback_id else None
    if fallback is not None:
        as_text = {"type": "text", "text": text}
        errors += [f"{fallback.name}: {e}" for e in fallback.adapter.validate(fallback, as_text)]
    return errors


@dataclass(frozen=True)
class CampaignPreview:
    audience: int  # contacts the audience selects today
    judged: int  # how many of them the figures below cover (the first PREVIEW_LIMIT)
    recipients: int
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> count
    examples: list[dict] = field(default_factory=list)  # a few exclusions, with detail
    sample_text: str = ""  # the first recipient's text version
    waiting: int = 0  # recipients outside their local window now: held until it opens
    # How the judged recipients would go, by the cached capability (ContactReachability):
    # on the rich channel, on its fallback, or unknown (tried rich, falls back if refused).
    routes: dict[str, int] = field(default_factory=dict)


def preview_campaign(campaign: Campaign, *, limit: int = PREVIEW_LIMIT) -> CampaignPreview:
    """Who would get the campaign and who would not, and why; nothing is written."""
    qs = audience_contacts(workspace=campaign.workspace, audience=campaign.audience)
    verdicts = Judge(campaign).verdicts(qs[:limit])
    excluded = Counter(v.excluded for v in verdicts if v.excluded)
    duplicates = duplicate_count(campaign.audience)
    if duplicates:
        excluded["duplicate"] = duplicates
    sending = [v for v in verdicts if not v.excluded]
    sample = sending[0].content if sending else None
    now = timezone.now()
    waiting = sum(
        hold_until(
            v.phone,
            start=campaign.window_start,
            end=campaign.window_end,
            now=now,
            default_zone=campaign.workspace.timezone,
        )
        is not None
        for v in sending
    )
    return CampaignPreview(
        audience=qs.count(),
        judged=len(verdicts),
        recipients=len(sending),
        excluded=dict(excluded),
        examples=[
            {"contact_id": v.contact.pk, "reason": v.excluded, "detail": v.detail}
            for v in verdicts
            if v.excluded
        ][:20],
        sample_text=campaign.channel.adapter.render_text(sample) if sample else "",
        waiting=waiting,
        routes=planned_routes(campaign.channel, [v.contact.pk for v in sending]),
    )


def is_editable(campaign: Campaign) -> bool:
    return campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)

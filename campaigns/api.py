"""API v1: message templates and campaigns.

Mounted on inbox's one NinjaAPI by CampaignsConfig.ready(), so it shares the Bearer
tokens, the error shape and the OpenAPI document. Scopes: reads need `read`; writes and
the launch controls need `send` and, as on the import page, a member who is an admin or
a manager (an agent's send-scoped token gets 403): a campaign messages many customers
at once, so a token never does more than its member could by hand.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status

from inbox.api import scope
from inbox.api.auth import READ, SEND
from inbox.api.errors import InvalidRequest
from inbox.api.responses import answers
from inbox.api.strict import known_query_only
from inbox.models import Campaign, Channel, MessageTemplate, Team
from inbox.selectors import campaigns as reads
from inbox.selectors.campaign_attribution import campaign_contact
from inbox.selectors.campaign_funnel_report import funnel_report
from inbox.services.campaigns import control, conversions, plan
from inbox.services.templates import save
from inbox.services.templates.sms import workspace_text_cost

router = Router(tags=["campaigns"])

BIG = 2**63 - 1
CAMPAIGN_ROLE = "role: campaigns need an admin or a manager"
UseCase = Literal[
    "payment_reminder",
    "order_update",
    "appointment",
    "product_carousel",
    "ticket",
    "one_time_code",
    "other",
]
GalleryUseCase = Literal[
    "payment_reminder", "order_update", "appointment", "product_carousel", "ticket", "one_time_code"
]
Id = Annotated[int, Field(ge=1, le=BIG)]


class TemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=save.NAME_MAX)
    use_case: UseCase = "other"
    content: dict[str, Any] = Field(
        ..., description="Provider-neutral content with {{placeholders}}"
    )
    sms_text: str | None = Field(
        None,
        max_length=save.SMS_TEXT_MAX,
        description="The text version; left out, it is generated from the content",
    )
    conversion_postbacks: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=20,
        description="Postbacks of the content's suggestions that mean a conversion (e.g. paid)",
    )


class TemplatePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=save.NAME_MAX)
    use_case: UseCase | None = None
    content: dict[str, Any] | None = None
    sms_text: str | None = Field(
        None, max_length=save.SMS_TEXT_MAX, description="null or empty: generated again"
    )
    conversion_postbacks: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        None, max_length=20
    )


class GalleryIn(Schema):
    use_case: GalleryUseCase


class TemplateOut(Schema):
    id: int
    name: str
    use_case: str
    content: dict[str, Any]
    sms_text: str
    sms_text_edited: bool
    sms_segments: int | None = Field(description="On the workspace's first channel that counts")
    traffic_type: str
    conversion_postbacks: list[str]
    created_at: datetime
    updated_at: datetime


class Created(Schema):
    id: int


class AudienceIn(Schema):
    contact_ids: list[Id] | None = Field(None, max_length=reads.MAX_CONTACT_IDS)
    segment_id: Id | None = None
    label: str | None = Field(None, min_length=1, max_length=100)


class WindowIn(Schema):
    start: time = Field(..., description="Local time the window opens, e.g. 09:00")
    end: time = Field(..., description="Local time it closes, e.g. 20:00 (may wrap midnight)")


class CampaignIn(Schema):
    name: str = Field(..., min_length=1, max_length=plan.NAME_MAX)
    template_id: Id
    channel_id: Id
    audience: AudienceIn = Field(..., description="Exactly one of contact_ids, segment_id, label")
    send_at: datetime | None = Field(
        None, description="Later than now: scheduled; without a zone, the workspace's"
    )
    team_id: Id | None = Field(None, description="The team whose queue new threads join")
    window: WindowIn | None = Field(
        None, description="Send only between these local times in each recipient's zone"
    )
    send_rate: int | None = Field(
        None,
        ge=1,
        le=plan.SEND_RATE_MAX,
        description="Messages per second for the whole campaign; empty: the senders' limits",
    )
    control_share: float = Field(
        0.0,
        ge=0,
        le=0.5,
        description="Share of the RCS-capable recipients sent the SMS version instead "
        "(the control arm that measures RCS's lift); 0: no control arm",
    )
    attribution_hours: int = Field(
        72, ge=1, le=720, description="A customer message this long after counts as a reply"
    )


class CampaignCreated(Schema):
    id: int
    status: str


class StatsOut(Schema):
    recipients: int = Field(description="Messages written (one per recipient)")
    excluded: int = Field(description="Judged and not sent to (see excluded_by_reason)")
    queued: int = Field(description="Not yet handed to the provider")
    sent: int = Field(description="Reached the provider (its status history says sent)")
    delivered: int = Field(description="Delivered (or read)")
    read: int = Field(description="Read receipts: RCS only")
    replied: int = Field(description="Wrote back within the attribution window")
    clicked: int = Field(
        description="Tapped a suggestion (RCS chip or action, SMS numbered option) "
        "or followed a tracked link"
    )
    converted: int
    failed: int
    opted_out: int = Field(description="Opted out within the attribution window")
    fell_back: int = Field(description="Sent over the SMS fallback after RCS could not")


class ByChannelOut(Schema):
    rcs: StatsOut
    sms: StatsOut


class LiftOut(Schema):
    ratio: float | None = Field(description="RCS's rate over SMS's; null when SMS had none")
    low: float | None = Field(description="95% interval (log-adjusted ratio)")
    high: float | None
    p_value: float | None = Field(description="Two-sided two-proportion z-test")
    too_small: bool = Field(description="Too few recipients or outcomes to tell")


class RateOut(Schema):
    rate: float | None
    low: float | None = Field(description="95% Wilson interval")
    high: float | None


class ExperimentOut(Schema):
    control: StatsOut = Field(description="RCS-capable recipients sent the SMS version")
    treatment: StatsOut = Field(description="RCS-capable recipients sent over RCS")
    lift: dict[Literal["replied", "clicked", "converted"], LiftOut]
    intervals: dict[str, dict[str, RateOut]] = Field(description="arm -> metric -> rate")
    sample_too_small: bool = Field(description="True when any lift is too small to tell")
    verdicts: dict[str, str] = Field(description="Each lift in plain words")


class ReplyTimeOut(Schema):
    overall: float | None = Field(description="Median seconds from send to first reply")
    rcs: float | None
    sms: float | None


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    template_id: int
    channel_id: int
    team_id: int | None
    audience: dict[str, Any]
    send_at: datetime | None
    window_start: time | None
    window_end: time | None
    send_rate: int | None
    launched_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    control_share: float
    attribution_hours: int
    stats: StatsOut
    by_channel: ByChannelOut
    rates: dict[str, dict[str, float | None]] = Field(
        description="overall/rcs/sms -> step -> share of the recipients"
    )
    median_reply_seconds: ReplyTimeOut
    excluded_by_reason: dict[str, int]
    experiment: ExperimentOut | None = Field(
        None, description="Present when the campaign has a control arm"
    )
    as_of: datetime = Field(
        description="When the figures were computed: a campaign of 5,000 or more recipients "
        "is recomputed at most every 30 seconds (settings CAMPAIGN_FUNNEL_CACHE_*)"
    )


class ExclusionOut(Schema):
    contact_id: int
    reason: str
    detail: str


class PreviewOut(Schema):
    audience: int = Field(description="Contacts the audience selects now")
    judged: int = Field(description="How many of them the figures below cover")
    recipients: int
    excluded: dict[str, int]
    examples: list[ExclusionOut]
    sample_text: str


def _template(request: HttpRequest, template_id: int) -> MessageTemplate:
    return get_object_or_404(
        reads.workspace_templates(workspace=request.auth.workspace), pk=template_id
    )


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(
        reads.workspace_campaigns(workspace=request.auth.workspace), pk=campaign_id
    )


def _template_out(template: MessageTemplate) -> dict:
    cost = workspace_text_cost(template.sms_text, workspace=template.workspace)
    return {
        "id": template.pk,
        "name": template.name,
        "use_case": template.use_case,
        "content": template.content,
        "sms_text": template.sms_text,
        "sms_text_edited": template.sms_text_edited,
        "sms_segments": cost.segments if cost else None,
        "traffic_type": template.traffic_type,
        "conversion_postbacks": template.conversion_postbacks,
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def _campaign_out(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "template_id": campaign.template_id,
        "channel_id": campaign.channel_id,
        "team_id": campaign.team_id,
        "audience": campaign.audience,
        "send_at": campaign.send_at,
        "window_start": campaign.window_start,
        "window_end": campaign.window_end,
        "send_rate": campaign.send_rate,
        "launched_at": campaign.launched_at,
        "finished_at": campaign.finished_at,
        "created_at": campaign.created_at,
        "control_share": float(campaign.control_share),
        "attribution_hours": campaign.attribution_hours,
        **funnel_report(campaign),
    }


# Templates -----------------------------------------------------------------------------


@router.get(
    "/templates",
    response=answers({200: list[TemplateOut]}, 422),
    summary="List message templates",
    auth=READ,
)
@known_query_only
def list_templates(request: HttpRequest):
    return [_template_out(t) for t in reads.workspace_templates(workspace=request.auth.workspace)]


@router.post(
    "/templates",
    response=answers({201: Created}, 400, 422),
    summary="Create a message template",
    auth=SEND,
)
@known_query_only
def create_template(request: HttpRequest, payload: TemplateIn):
    """Placeholders: `{{name}}`, `{{first_name}}` and any contact attribute key. Content
    the schema refuses, or a placeholder naming nothing, is a 422 and nothing is saved."""
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    try:
        template = save.save_template(
            workspace=request.auth.workspace, actor=request.auth.user, **payload.model_dump()
        )
    except save.TemplateRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return Status(201, {"id": template.pk})


@router.post(
    "/templates/gallery",
    response=answers({201: Created}, 400, 422),
    summary="Create a template from the gallery",
    auth=SEND,
)
@known_query_only
def create_template_from_gallery(request: HttpRequest, payload: GalleryIn):
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    template = save.create_from_gallery(
        workspace=request.auth.workspace, actor=request.auth.user, use_case=payload.use_case
    )
    return Status(201, {"id": template.pk})


@router.get(
    "/templates/{template_id}",
    response=answers({200: TemplateOut}, 404, 422),
    summary="Get a message template",
    auth=READ,
)
@known_query_only
def get_template(request: HttpRequest, template_id: int = Path(..., ge=1, le=BIG)):
    return _template_out(_template(request, template_id))


@router.patch(
    "/templates/{template_id}",
    response=answers({200: TemplateOut}, 400, 404, 422),
    summary="Edit a message template",
    auth=SEND,
)
@known_query_only
def edit_template(
    request: HttpRequest, payload: TemplatePatch, template_id: int = Path(..., ge=1, le=BIG)
):
    """Fields left out stay as they are; `sms_text` null or empty goes back to the
    generated text version."""
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    template = _template(request, template_id)
    try:
        template = save.save_template(
            workspace=request.auth.workspace,
            actor=request.auth.user,
            template=template,
            **payload.model_dump(exclude_unset=True),
        )
    except save.TemplateRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return _template_out(template)


@router.delete(
    "/templates/{template_id}",
    response=answers({204: None}, 404, 409, 422),
    summary="Delete a message template",
    auth=SEND,
)
@known_query_only
def delete_template(request: HttpRequest, template_id: int = Path(..., ge=1, le=BIG)):
    """409 while a campaign uses it."""
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    try:
        save.delete_template(template=_template(request, template_id), actor=request.auth.user)
    except save.TemplateRejected as exc:
        return Status(409, {"detail": "Conflict", "errors": exc.errors})
    return Status(204, None)


# Campaigns -----------------------------------------------------------------------------


@router.post(
    "/campaigns",
    response=answers({201: CampaignCreated}, 400, 422),
    summary="Create a campaign (a draft)",
    auth=SEND,
)
@known_query_only
def create_campaign(request: HttpRequest, payload: CampaignIn):
    """Content the channel (or its fallback, for the text version) cannot carry, an
    unknown template, channel, team, segment or label is a 422 and nothing is saved."""
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    workspace = request.auth.workspace
    audience = payload.audience.model_dump(exclude_none=True)
    try:
        campaign = plan.create_campaign(
            workspace=workspace,
            actor=request.auth.user,
            name=payload.name,
            template=reads.template_in_workspace(workspace=workspace, pk=payload.template_id),
            channel=Channel.objects.filter(workspace=workspace, pk=payload.channel_id).first(),
            audience=audience,
            send_at=payload.send_at,
            window=(payload.window.start, payload.window.end) if payload.window else None,
            send_rate=payload.send_rate,
            control_share=payload.control_share,
            attribution_hours=payload.attribution_hours,
            team=(
                Team.objects.filter(workspace=workspace, pk=payload.team_id).first()
                if payload.team_id
                else None
            ),
        )
    except plan.CampaignRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return Status(201, {"id": campaign.pk, "status": campaign.status})


@router.get(
    "/campaigns/{campaign_id}",
    response=answers({200: CampaignOut}, 404, 422),
    summary="Get a campaign and its funnel",
    auth=READ,
)
@known_query_only
def get_campaign(request: HttpRequest, campaign_id: int = Path(..., ge=1, le=BIG)):
    """The funnel comes from what the threads show: the messages' own status history,
    the customer messages attributed to the campaign (within `attribution_hours`), tracked
    links, conversions and opt-outs. Each recipient counts under the channel its message
    finally went out on; `experiment` is null without a control arm."""
    return _campaign_out(_campaign(request, campaign_id))


class ConversionIn(Schema):
    phone: str | None = Field(None, max_length=40, description="The recipient's number, E.164")
    contact_id: Id | None = None
    value: float | None = Field(
        None, ge=0, le=float(conversions.VALUE_MAX), description="What it was worth, if anything"
    )


class ConversionOut(Schema):
    id: int
    campaign_id: int
    contact_id: int
    value: Decimal | None
    source: str
    at: datetime


@router.post(
    "/campaigns/{campaign_id}/conversions",
    response=answers({200: ConversionOut, 201: ConversionOut}, 400, 404, 422),
    summary="Record a recipient's conversion",
    auth=SEND,
)
@known_query_only
def record_conversion(
    request: HttpRequest, payload: ConversionIn, campaign_id: int = Path(..., ge=1, le=BIG)
):
    """Exactly one of `phone` or `contact_id`. 201 the first time; a repeat for the same
    recipient is a 200 with the first conversion, counted once. A contact the campaign
    did not send to is a 422."""
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    campaign = _campaign(request, campaign_id)
    if (payload.phone is None) == (payload.contact_id is None):
        raise InvalidRequest(["give exactly one of phone, contact_id"])
    try:
        contact = campaign_contact(
            campaign=campaign, phone=payload.phone, contact_id=payload.contact_id
        )
    except ValueError as exc:
        raise InvalidRequest([f"phone: {exc}"]) from None
    if contact is None:
        raise InvalidRequest(["contact: not a recipient of this campaign"])
    try:
        conversion, created = conversions.record_conversion(
            campaign,
            contact,
            # Through its shortest repr: 19.99 stays 19.99, not a binary float's tail.
            value=Decimal(repr(payload.value)) if payload.value is not None else None,
            source="api",
        )
    except conversions.ConversionRejected as exc:
        raise InvalidRequest(exc.errors) from None
    body = {
        "id": conversion.pk,
        "campaign_id": campaign.pk,
        "contact_id": contact.pk,
        "value": conversion.value,
        "source": conversion.source,
        "at": conversion.at,
    }
    return Status(201 if created else 200, body)


@router.get(
    "/campaigns/{campaign_id}/preview",
    response=answers({200: PreviewOut}, 404, 422),
    summary="Preview who a campaign would reach",
    auth=READ,
)
@known_query_only
def preview_campaign(request: HttpRequest, campaign_id: int = Path(..., ge=1, le=BIG)):
    """Recipients and exclusions by reason (opted_out, invalid_number, missing_value,
    duplicate), judged on the first 1,000 contacts; nothing is written."""
    campaign = _campaign(request, campaign_id)
    try:
        preview = plan.preview_campaign(campaign)
    except reads.AudienceInvalid as exc:
        raise InvalidRequest(exc.errors) from None
    return preview.__dict__


def _control(request: HttpRequest, campaign_id: int, action) -> Status:
    if forbidden := scope.refuse_unless_managing(request, CAMPAIGN_ROLE):
        return forbidden
    campaign = _campaign(request, campaign_id)
    try:
        campaign = action(campaign=campaign, actor=request.auth.user)
    except control.CampaignConflict as exc:
        return Status(409, {"detail": "Conflict", "errors": exc.errors})
    except plan.CampaignRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return Status(202, {"id": campaign.pk, "status": campaign.status})


CONTROL = answers({202: CampaignCreated}, 404, 409, 422)


@router.post("/campaigns/{campaign_id}/launch", response=CONTROL, summary="Launch", auth=SEND)
@known_query_only
def launch_campaign(request: HttpRequest, campaign_id: int = Path(..., ge=1, le=BIG)):
    """Now, or scheduled when `send_at` is ahead. Launching again changes nothing: a
    recipient gets at most one message per campaign."""
    return _control(request, campaign_id, control.launch_campaign)


@router.post("/campaigns/{campaign_id}/pause", response=CONTROL, summary="Pause", auth=SEND)
@known_query_only
def pause_campaign(request: HttpRequest, campaign_id: int = Path(..., ge=1, le=BIG)):
    return _control(request, campaign_id, control.pause_campaign)


@router.post("/campaigns/{campaign_id}/resume", response=CONTROL, summary="Resume", auth=SEND)
@known_query_only
def resume_campaign(request: HttpRequest, campaign_id: int = Path(..., ge=1, le=BIG)):
    return _control(request, campaign_id, control.resume_campaign)


@router.post("/campaigns/{campaign_id}/cancel", response=CONTROL, summary="Cancel", auth=SEND)
@known_query_only
def cancel_campaign(request: HttpRequest, campaign_id: int = Path(..., ge=1, le=BIG)):
    """Nothing more is written; its messages still queued fail as "campaign cancelled"."""
    return _control(request, campaign_id, control.cancel_campaign)

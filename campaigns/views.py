"""The campaigns pages, for managers and admins: campaigns (create, preview, launch,
pause, resume, cancel, counts) and message templates (the gallery, a JSON editor with
its SMS version). Every view starts from the URL's workspace (inbox.access), reads
through inbox selectors and writes through inbox services."""

from __future__ import annotations

import json
from datetime import datetime, time
from decimal import Decimal

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox import access
from inbox.models import Channel, ExclusionReason, MessageTemplate, Role
from inbox.selectors import campaigns as reads
from inbox.selectors.campaign_funnel import campaign_headlines
from inbox.selectors.segments import workspace_segments
from inbox.services.campaigns import control, plan
from inbox.services.templates import gallery, save
from inbox.services.templates.sms import generated_text, workspace_text_cost
from inbox.views.workspace_timezone import activate_workspace_timezone

from .funnel import funnel_context, funnel_csv
from .progress_views import progress_context
from .recipients_export import recipients_csv

MANAGING = (Role.MANAGER, Role.ADMIN)
CONTROLS = {
    "launch": control.launch_campaign,
    "pause": control.pause_campaign,
    "resume": control.resume_campaign,
    "cancel": control.cancel_campaign,
}


def _member(request: HttpRequest, slug: str):
    membership = access.membership_with_role(request.user, slug, *MANAGING)
    activate_workspace_timezone(membership.workspace)
    return membership


def _page(request, membership, page: str, status: int = 200, **context) -> HttpResponse:
    context.update(
        workspace=membership.workspace,
        membership=membership,
        memberships=access.memberships(request.user),
        section="campaigns",
    )
    return render(request, page, context, status=status)


@require_GET
@login_required
def campaign_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug)
    workspace = membership.workspace
    campaigns = list(reads.workspace_campaigns(workspace=workspace))
    headlines = campaign_headlines([c.pk for c in campaigns])
    return _page(
        request,
        membership,
        "campaigns/list.html",
        campaigns=campaigns,
        # Each campaign's headline rates, for the whole page in one grouped query.
        rows=[(c, headlines.get(c.pk, {})) for c in campaigns],
        templates=reads.workspace_templates(workspace=workspace),
        channels=Channel.objects.filter(workspace=workspace, is_active=True).order_by("name"),
        segments=workspace_segments(workspace=workspace),
    )


def _audience(post) -> dict:
    kind = post.get("audience", "")
    if kind == "segment":
        return {"segment_id": int(post.get("segment_id") or 0)}
    if kind == "label":
        return {"label": post.get("label", "")}
    ids = [int(part) for part in post.get("contact_ids", "").replace(",", " ").split() if part]
    return {"contact_ids": ids}


def _window(post) -> tuple[time, time] | None:
    """The local window, when the schedule asks for one (both times then required)."""
    if post.get("schedule") != "window":
        return None
    return (
        time.fromisoformat(post.get("window_start", "")),
        time.fromisoformat(post.get("window_end", "")),
    )


@require_POST
@login_required
def campaign_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug)
    workspace = membership.workspace
    try:
        audience = _audience(request.POST)
        send_at = request.POST.get("send_at") or None
        campaign = plan.create_campaign(
            workspace=workspace,
            actor=request.user,
            name=request.POST.get("name", ""),
            template=reads.template_in_workspace(
                workspace=workspace, pk=int(request.POST.get("template") or 0)
            ),
            channel=Channel.objects.filter(
                workspace=workspace, pk=int(request.POST.get("channel") or 0)
            ).first(),
            audience=audience,
            send_at=datetime.fromisoformat(send_at) if send_at else None,
            window=_window(request.POST),
            send_rate=int(request.POST["send_rate"]) if request.POST.get("send_rate") else None,
            # The form asks for a percentage (0-50); the plan refuses anything outside.
            control_share=Decimal(request.POST.get("control_percent") or 0) / 100,
            attribution_hours=request.POST.get("attribution_hours") or None,
        )
    except (ValueError, ArithmeticError) as exc:  # CampaignRejected; a malformed number
        flash.error(request, "; ".join(getattr(exc, "errors", [_("Check the form's values.")])))
        return redirect("campaigns:list", slug)
    return redirect("campaigns:detail", slug, campaign.pk)


def _campaign(membership, campaign_id: int):
    campaign = reads.campaign_in_workspace(workspace=membership.workspace, pk=campaign_id)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return campaign


@require_GET
@login_required
def campaign_detail(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    membership = _member(request, slug)
    campaign = _campaign(membership, campaign_id)
    try:
        preview = plan.preview_campaign(campaign) if plan.is_editable(campaign) else None
        preview_error = ""
    except reads.AudienceInvalid as exc:
        preview, preview_error = None, "; ".join(exc.errors)
    return _page(
        request,
        membership,
        "campaigns/detail.html",
        campaign=campaign,
        **funnel_context(campaign),
        **progress_context(campaign),
        preview=preview,
        preview_error=preview_error,
        # Each exclusion reason as a person reads it, with its count.
        excluded=[
            (ExclusionReason(reason).label, count)
            for reason, count in (preview.excluded.items() if preview else ())
        ],
    )


@require_GET
@login_required
def campaign_funnel_export(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """The funnel table (and the experiment's) as CSV, headers in the reader's language."""
    membership = _member(request, slug)
    return funnel_csv(_campaign(membership, campaign_id))


@require_GET
@login_required
def campaign_recipients_export(request: HttpRequest, slug: str, campaign_id: int):
    """Each recipient's line (excluded why, channel, reply, click, conversion) as CSV."""
    membership = _member(request, slug)
    return recipients_csv(_campaign(membership, campaign_id))


@require_POST
@login_required
def campaign_control(request: HttpRequest, slug: str, campaign_id: int, action: str):
    membership = _member(request, slug)
    campaign = _campaign(membership, campaign_id)
    move = CONTROLS.get(action)
    if move is None:
        raise Http404(_("No such action."))
    try:
        move(campaign=campaign, actor=request.user)
    except (control.CampaignConflict, plan.CampaignRejected) as exc:
        flash.error(request, "; ".join(exc.errors))
    return redirect("campaigns:detail", slug, campaign.pk)


@require_GET
@login_required
def template_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug)
    return _page(
        request,
        membership,
        "campaigns/templates.html",
        templates=reads.workspace_templates(workspace=membership.workspace),
        gallery=[(key, entry["name"]) for key, entry in gallery.GALLERY.items()],
    )


@require_POST
@login_required
def template_from_gallery(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug)
    try:
        template = save.create_from_gallery(
            workspace=membership.workspace,
            actor=request.user,
            use_case=request.POST.get("use_case", ""),
        )
    except save.TemplateRejected as exc:
        flash.error(request, "; ".join(exc.errors))
        return redirect("campaigns:templates", slug)
    return redirect("campaigns:template_editor", slug, template.pk)


@require_http_methods(["GET", "POST"])
@login_required
def template_edit(request: HttpRequest, slug: str, template_id: int | None = None):
    membership = _member(request, slug)
    workspace = membership.workspace
    template = None
    if template_id is not None:
        template = reads.template_in_workspace(workspace=workspace, pk=template_id)
        if template is None:
            raise Http404(_("No such template."))
    errors: list[str] = []
    form = {
        "name": template.name if template else "",
        "use_case": template.use_case if template else MessageTemplate.UseCase.OTHER,
        "content": json.dumps(
            template.content if template else {"type": "text", "text": ""},
            indent=2,
            ensure_ascii=False,
        ),
        "sms_text": template.sms_text if template and template.sms_text_edited else "",
    }
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        try:
            content = json.loads(form["content"])
        except ValueError:
            errors = [_("content: not valid JSON")]
        else:
            try:
                template = save.save_template(
                    workspace=workspace,
                    actor=request.user,
                    template=template,
                    name=form["name"],
                    use_case=form["use_case"],
                    content=content,
                    sms_text=form["sms_text"],
                )
            except save.TemplateRejected as exc:
                errors = exc.errors
            else:
                flash.success(request, _("Template saved."))
                return redirect("campaigns:template", slug, template.pk)
    sms_text = template.sms_text if template else ""
    cost = workspace_text_cost(sms_text, workspace=workspace) if sms_text else None
    return _page(
        request,
        membership,
        "campaigns/template_form.html",
        template=template,
        form=form,
        errors=errors,
        use_cases=MessageTemplate.UseCase.choices,
        sms_text=sms_text,
        generated=generated_text(template.content, workspace=workspace) if template else "",
        cost=cost,
        status=422 if errors else 200,
    )

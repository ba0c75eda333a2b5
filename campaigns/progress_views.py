"""A campaign's progress fragment: what its page re-fetches when its socket
(re)subscribes, and what it shows before the first live frame. Managers and admins of
the campaign's workspace only, like every campaigns page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inbox import access
from inbox.models import Role
from inbox.selectors import campaigns as reads
from inbox.selectors.campaign_progress import campaign_progress


@require_GET
@login_required
def progress_fragment(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    membership = access.membership_with_role(request.user, slug, Role.MANAGER, Role.ADMIN)
    campaign = reads.campaign_in_workspace(workspace=membership.workspace, pk=campaign_id)
    if campaign is None:
        raise Http404(_("No such campaign."))
    return render(
        request,
        "campaigns/_progress.html",
        {"workspace": membership.workspace, "campaign": campaign, **progress_context(campaign)},
    )


def progress_context(campaign) -> dict:
    """What _progress.html needs; detail.html's view passes the same."""
    return {"progress": campaign_progress(campaign)}

"""Admin pages for RCS brand profiles, plus the public route that serves their images.

Only workspace admins reach the pages (agents and managers get 403; a workspace the user is
not in is a 404, as everywhere). Every write goes through brand.services.
"""

from __future__ import annotations

import mimetypes
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox import access
from inbox.models import Membership, Role

from . import preview, services
from .forms import BrandForm, VerificationForm
from .models import ASSET_PREFIX, BrandProfile, VerificationStatus
from .registration.views import panel_context

_ASSET_NAME = re.compile(r"^\d+/(logo|banner)-[0-9a-f]{32}\.(jpg|png)$")


def _admin(request: HttpRequest, slug: str) -> Membership:
    membership = access.membership_for(request.user, slug)
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Brand profiles are managed by workspace admins"))
    return membership


def _context(request: HttpRequest, membership: Membership, **extra) -> dict:
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "memberships": access.memberships(request.user),
        "nav": "brands",
        "section": "settings",
        **extra,
    }


@login_required
def brand_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _admin(request, slug)
    workspace = membership.workspace
    rows = [
        (brand, list(services.channels_for_brand(brand))) for brand in services.brands(workspace)
    ]
    return render(request, "channels_rcs/brand/list.html", _context(request, membership, rows=rows))


@login_required
@require_http_methods(["GET", "POST"])
def brand_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _admin(request, slug)
    if request.method == "POST":
        form = BrandForm(request.POST, request.FILES)
        try:
            brand = services.create_brand(
                membership.workspace, form.service_data(), **form.uploads()
            )
        except services.BrandValidationError as exc:
            form.add_service_errors(exc.errors)
            return _form_page(request, membership, form, None, status=422)
        messages.success(request, f"Brand profile “{brand.display_name}” created.")
        return redirect("rcs_brand:edit", slug=slug, brand_id=brand.pk)
    return _form_page(request, membership, BrandForm(), None)


@login_required
@require_http_methods(["GET", "POST"])
def brand_edit(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    membership = _admin(request, slug)
    brand = services.brand_for(membership.workspace, brand_id)
    if request.method == "POST":
        form = BrandForm(request.POST, request.FILES, brand=brand)
        was = brand.verification_status
        try:
            services.update_brand(brand, form.service_data(), **form.uploads())
        except services.BrandValidationError as exc:
            brand.refresh_from_db()
            form.add_service_errors(exc.errors)
            return _form_page(request, membership, form, brand, status=422)
        messages.success(request, _("Brand profile saved."))
        if was != brand.verification_status:
            messages.warning(
                request, "The brand's identity changed, so it is unverified until checked again."
            )
        return redirect("rcs_brand:edit", slug=slug, brand_id=brand.pk)
    return _form_page(request, membership, BrandForm(brand=brand), brand)


def _form_page(
    request: HttpRequest,
    membership: Membership,
    form: BrandForm,
    brand: BrandProfile | None,
    status: int = 200,
) -> HttpResponse:
    workspace = membership.workspace
    if form.is_bound:
        shown = preview.from_input(form.service_data(), {}, brand)
    elif brand is not None:
        shown = preview.from_brand(brand)
    else:
        shown = preview.from_input(form.initial | {"color": "#1A73E8"}, {}, None)
        shown.problems = []
    assigned = (
        set(services.channels_for_brand(brand).values_list("pk", flat=True)) if brand else set()
    )
    channels = [
        (channel, channel.pk in assigned, services.brand_for_channel(channel))
        for channel in services.rcs_channels(workspace)
    ]
    context = _context(
        request,
        membership,
        form=form,
        brand=brand,
        preview=shown,
        channels=channels,
        verification_form=VerificationForm(
            initial={"verification_status": brand.verification_status if brand else ""}
        ),
        verification_choices=VerificationStatus.choices,
    )
    if brand is not None:
        context.update(panel_context(brand))
    return render(request, "channels_rcs/brand/form.html", context, status=status)


@login_required
@require_POST
def brand_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The phone preview for the form as it stands (htmx, on every change)."""
    membership = _admin(request, slug)
    brand = None
    if request.POST.get("brand_id"):
        try:
            brand = services.brand_for(membership.workspace, int(request.POST["brand_id"]))
        except ValueError as exc:
            raise Http404("No such brand profile") from exc
    form = BrandForm(request.POST, request.FILES)
    shown = preview.from_input(form.service_data(), form.uploads(), brand)
    return render(request, "channels_rcs/brand/_preview.html", {"preview": shown})


@login_required
@require_POST
def brand_channels(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    membership = _admin(request, slug)
    brand = services.brand_for(membership.workspace, brand_id)
    try:
        wanted = {int(v) for v in request.POST.getlist("channels")}
    except ValueError as exc:
        raise Http404("No such channel") from exc
    channels = list(services.rcs_channels(membership.workspace).filter(pk__in=wanted))
    if len(channels) != len(wanted):
        raise Http404("No such channel")
    services.set_brand_channels(brand, channels)
    messages.success(request, f"“{brand.display_name}” now serves {len(channels)} RCS channel(s).")
    return redirect("rcs_brand:edit", slug=slug, brand_id=brand.pk)


@login_required
@require_POST
def brand_verification(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    membership = _admin(request, slug)
    brand = services.brand_for(membership.workspace, brand_id)
    form = VerificationForm(request.POST)
    if hasattr(brand, "registration") and brand.registration.agent_name:
        # Registered at Google: the state is what Google reports, never typed by hand.
        return HttpResponse(
            _("Verification status: this brand's state comes from Google"), status=400
        )
    if not form.is_valid():
        return HttpResponse(_("Verification status: choose one of the listed values"), status=400)
    services.set_verification_status(brand, form.cleaned_data["verification_status"])
    messages.success(request, f"Verification status: {brand.get_verification_status_display()}.")
    return redirect("rcs_brand:edit", slug=slug, brand_id=brand.pk)


def brand_asset(request: HttpRequest, name: str) -> FileResponse:
    """Logos and banners are public by nature (every customer's phone shows them, and RBM
    fetches them by URL), so they are served without a login; names are unguessable."""
    if not _ASSET_NAME.match(name):
        raise Http404("No such image")
    storage = BrandProfile._meta.get_field("logo").storage
    path = f"{ASSET_PREFIX}/{name}"
    if not storage.exists(path):
        raise Http404("No such image")
    response = FileResponse(
        storage.open(path, "rb"), content_type=mimetypes.guess_type(path)[0] or "image/jpeg"
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response

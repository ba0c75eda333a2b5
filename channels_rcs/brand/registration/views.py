"""The brand page's "Registration with Google" panel: create or update the agent at
Google, submit verification, request launch, refresh the states. Admins only, scoped by
the URL's workspace like every brand page; every write goes through services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inbox import access
from inbox.models import Role

from .. import services as brand_services
from ..models import BrandProfile
from . import services, wire
from .forms import LaunchRequestForm, RegisterForm, VerificationRequestForm


def panel_context(brand: BrandProfile) -> dict:
    """What the panel draws: the registration, its forms and the states Google reported."""
    registration = services.registration_for(brand)
    return {
        "registration": registration,
        "register_form": RegisterForm(channels=services.key_channels(brand)),
        "verification_request_form": VerificationRequestForm(),
        "launch_form": LaunchRequestForm(regions=registration.regions if registration else ()),
        "state_changes": services.state_changes(registration) if registration else [],
        "locked_states": services.LOCKED_STATES,
        "pending_states": (wire.VERIFICATION_PENDING, wire.LAUNCH_PENDING),
    }


def _done(request: HttpRequest, slug: str, brand: BrandProfile) -> HttpResponse:
    if request.htmx:
        context = {"brand": brand, "workspace": brand.workspace, **panel_context(brand)}
        return render(request, "channels_rcs/brand/_registration.html", context)
    return redirect("rcs_brand:edit", slug=slug, brand_id=brand.pk)


def _run(request: HttpRequest, slug: str, brand_id: int, action, success: str) -> HttpResponse:
    membership = access.membership_with_role(request.user, slug, Role.ADMIN)
    brand = brand_services.brand_for(membership.workspace, brand_id)
    try:
        action(brand)
    except services.RegistrationRefused as exc:
        for violation in exc.violations:
            messages.error(request, str(violation))
    except services.RegistrationFailed as exc:
        messages.error(request, _("Google refused: %(reason)s") % {"reason": exc.reason})
    else:
        messages.success(request, success)
    return _done(request, slug, brand)


def _registration(brand: BrandProfile):
    registration = services.registration_for(brand)
    if registration is None:
        raise services.RegistrationRefused(
            [services.Violation("agent.created", _("create the agent at Google first"))]
        )
    return registration


@login_required
@require_POST
def register(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    def action(brand):
        registration = services.registration_for(brand)
        if registration is not None and registration.agent_name:
            return services.update_registration(registration, actor=request.user)
        form = RegisterForm(request.POST, channels=services.key_channels(brand))
        if not form.is_valid():
            raise services.RegistrationRefused(
                [
                    services.Violation(f"form.{k}", f"{k}: {' '.join(v)}")
                    for k, v in form.errors.items()
                ]
            )
        channel = services.key_channels(brand).get(pk=form.cleaned_data["channel"])
        return services.register_brand(
            brand,
            actor=request.user,
            channel=channel,
            billing_category=form.cleaned_data["billing_category"],
            agent_use_case=form.cleaned_data["agent_use_case"],
            hosting_region=form.cleaned_data["hosting_region"],
        )

    return _run(request, slug, brand_id, action, _("Sent to Google."))


@login_required
@require_POST
def verify(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    def action(brand):
        contact = {k: request.POST.get(k, "") for k in VerificationRequestForm.base_fields}
        services.submit_verification(_registration(brand), actor=request.user, contact=contact)

    return _run(request, slug, brand_id, action, _("Submitted for verification."))


@login_required
@require_POST
def launch(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    def action(brand):
        registration = _registration(brand)
        regions, questionnaire = LaunchRequestForm(request.POST, regions=registration.regions).raw()
        services.request_launch(
            registration, actor=request.user, regions=regions, questionnaire=questionnaire
        )

    return _run(request, slug, brand_id, action, _("Launch requested."))


@login_required
@require_POST
def refresh(request: HttpRequest, slug: str, brand_id: int) -> HttpResponse:
    def action(brand):
        services.refresh_registration(_registration(brand), actor=request.user)

    return _run(request, slug, brand_id, action, _("States refreshed from Google."))

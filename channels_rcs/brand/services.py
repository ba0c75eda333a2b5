"""The only place that writes brand profiles and their channel links.

Views stay thin and the phone simulator reads through `brand_for_channel`; every rule in
validation.py is applied here, so a caller other than the admin form cannot skip one.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from inbox.models import Channel, Workspace
from inbox.services.audit import record

from .models import IDENTITY_FIELDS, BrandAssignment, BrandProfile, VerificationStatus
from .validation import Errors, image_extension, validate_brand

RCS_KIND = "rcs"


class BrandValidationError(ValueError):
    def __init__(self, errors: Errors):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


# --- reads --------------------------------------------------------------------------------


def brands(workspace: Workspace) -> QuerySet[BrandProfile]:
    return BrandProfile.objects.filter(workspace=workspace)


def brand_for(workspace: Workspace, brand_id: int) -> BrandProfile:
    """A brand of this workspace; another workspace's brand is a 404 like a missing one."""
    brand = brands(workspace).filter(pk=brand_id).first()
    if brand is None:
        raise Http404("No such brand profile")
    return brand


def rcs_channels(workspace: Workspace) -> QuerySet[Channel]:
    return Channel.objects.filter(workspace=workspace, kind=RCS_KIND).order_by("name", "pk")


def brand_for_channel(channel: Channel) -> BrandProfile | None:
    """The brand an RCS channel shows on the customer's phone, if one is assigned."""
    assignment = (
        BrandAssignment.objects.select_related("brand")
        .filter(channel_id=channel.pk, brand__workspace_id=channel.workspace_id)
        .first()
    )
    return assignment.brand if assignment else None


def channels_for_brand(brand: BrandProfile) -> QuerySet[Channel]:
    return Channel.objects.filter(rcs_brand_assignment__brand=brand).order_by("name", "pk")


# --- writes -------------------------------------------------------------------------------


def create_brand(workspace: Workspace, data: dict, *, logo=None, banner=None) -> BrandProfile:
    """Create a brand from form-shaped data; BrandValidationError lists every broken rule."""
    cleaned, errors = validate_brand(data, logo=logo, banner=banner)
    if errors:
        raise BrandValidationError(errors)
    brand = BrandProfile(workspace=workspace, **cleaned)
    with transaction.atomic():
        _store_images(brand, logo, banner)
        brand.save()
    return brand


def update_brand(brand: BrandProfile, data: dict, *, logo=None, banner=None) -> BrandProfile:
    """Apply an edit; images not re-uploaded are kept. An identity change on a pending or
    verified brand sends it back to unverified."""
    cleaned, errors = validate_brand(
        data,
        logo=logo,
        banner=banner,
        has_logo=bool(brand.logo),
        has_banner=bool(brand.banner),
    )
    if errors:
        raise BrandValidationError(errors)
    identity_changed = (
        any(getattr(brand, f) != cleaned[f] for f in IDENTITY_FIELDS)
        or logo is not None
        or banner is not None
    )
    for field, value in cleaned.items():
        setattr(brand, field, value)
    if identity_changed and brand.verification_status != VerificationStatus.UNVERIFIED:
        brand.verification_status = VerificationStatus.UNVERIFIED
    old_files = [f.name for f, new in ((brand.logo, logo), (brand.banner, banner)) if new and f]
    with transaction.atomic():
        _store_images(brand, logo, banner)
        brand.save()
    storage = BrandProfile._meta.get_field("logo").storage
    for name in old_files:
        transaction.on_commit(lambda name=name: storage.delete(name))
    return brand


def _store_images(brand: BrandProfile, logo, banner) -> None:
    for field, upload in (("logo", logo), ("banner", banner)):
        if upload is not None:
            upload.seek(0)
            getattr(brand, field).save(f"{field}.{image_extension(upload)}", upload, save=False)


def set_verification_status(brand: BrandProfile, status: str) -> BrandProfile:
    """Recorded by an admin after the carrier/Google verification outcome is known."""
    if status not in VerificationStatus.values:
        raise BrandValidationError(
            {
                "verification_status": [
                    f"Verification status: {status!r} is not one of "
                    f"{', '.join(VerificationStatus.values)}"
                ]
            }
        )
    brand.verification_status = status
    brand.save(update_fields=["verification_status", "updated_at"])
    return brand


def assign_brand(brand: BrandProfile, channel: Channel) -> BrandAssignment:
    """Make `channel` show `brand` (replacing any earlier brand); same workspace, RCS only."""
    if channel.kind != RCS_KIND:
        raise BrandValidationError({"channel": [f"Channel: {channel.name} is not an RCS channel"]})
    if channel.workspace_id != brand.workspace_id:
        raise BrandValidationError({"channel": [gettext("Channel: belongs to another workspace")]})
    assignment, _ = BrandAssignment.objects.update_or_create(
        channel=channel, defaults={"brand": brand}
    )
    return assignment


def unassign_channel(channel: Channel) -> None:
    BrandAssignment.objects.filter(channel=channel).delete()


def set_brand_channels(brand: BrandProfile, channels: list[Channel]) -> None:
    """The brand serves exactly these channels: others it served are left without a brand;
    the given ones move to it from whatever brand they showed before."""
    with transaction.atomic():
        BrandAssignment.objects.filter(brand=brand).exclude(
            channel__in=[c.pk for c in channels]
        ).delete()
        for channel in channels:
            assign_brand(brand, channel)


def set_channel_brand(channel: Channel, *, actor, brand: BrandProfile | None) -> None:
    """Which brand profile the channel shows (None: none), audited as an admin's change.

    The channel settings form's brand choice lands here (RcsChannelForm.save_related).
    """
    current = brand_for_channel(channel)
    if (current.pk if current else None) == (brand.pk if brand else None):
        return
    with transaction.atomic():
        if brand is None:
            unassign_channel(channel)
        else:
            assign_brand(brand, channel)
        record(
            channel.workspace,
            actor,
            "channel.brand_changed",
            channel,
            before={"brand": current.pk if current else None},
            after={"brand": brand.pk if brand else None},
        )


# --- the wire shape -----------------------------------------------------------------------


def rbm_agent_fields(brand: BrandProfile, base_url: str = "") -> dict:
    """The brand as the `rcsBusinessMessagingAgent` part of a Business Communications API
    agent (brands.agents.create/patch). RBM's send API takes no brand data; this is the
    shape an agent definition is registered or updated with."""

    def absolute(url: str | None) -> str | None:
        if not url:
            return None
        return url if url.startswith(("http://", "https://")) else base_url.rstrip("/") + url

    agent = {
        "description": brand.description,
        "logoUri": absolute(brand.logo_url),
        "heroUri": absolute(brand.banner_url),
        "phoneNumbers": [
            {"phoneNumber": {"number": p["value"]}, "label": p["label"]}
            for p in brand.phone_numbers
        ],
        "emails": [{"address": e["value"], "label": e["label"]} for e in brand.emails],
        "websites": [{"uri": w["value"], "label": w["label"]} for w in brand.websites],
        "privacy": {"uri": brand.privacy_policy_url, "label": "Privacy policy"},
        "termsConditions": {"uri": brand.terms_url, "label": "Terms of service"},
        "color": brand.color,
    }
    return {
        "displayName": brand.display_name,
        "rcsBusinessMessagingAgent": {k: v for k, v in agent.items() if v not in (None, [])},
    }

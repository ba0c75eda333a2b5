"""The only code that registers a brand with Google and records what Google reports.

Create (brand, then agent), update, submit verification, request launch, refresh. Every
rule in validation.py is checked before the first call (RegistrationRefused names each
broken rule); every step that changes something is audited; Google's states are stored
with the time they were observed, and each new state also as a RegistrationStateChange.
No database transaction is held across a call to Google: each answer is saved as it
comes, so a half-done registration resumes where it stopped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import Channel
from inbox.services.audit import record

from .. import validation
from ..models import BrandProfile, BrandRegistration, RegistrationStateChange, VerificationStatus
from ..services import RCS_KIND, rbm_agent_fields
from ..validation import Violation
from . import client, wire

# Google's verification states as the profile's own badge shows them.
PROFILE_STATUS = {
    wire.VERIFICATION_VERIFIED: VerificationStatus.VERIFIED,
    wire.VERIFICATION_PENDING: VerificationStatus.PENDING,
}
# After verification is submitted Google refuses changes to the agent's information
# ("Edit agent information" guide: it cannot be edited once submitted for verification).
LOCKED_STATES = (wire.VERIFICATION_PENDING, wire.VERIFICATION_VERIFIED)


class RegistrationRefused(ValueError):
    """Broken rules, found before anything was sent."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))


class RegistrationFailed(Exception):
    """Google (or the sandbox) refused the call or could not be reached."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- reads --------------------------------------------------------------------------------


def registration_for(brand: BrandProfile) -> BrandRegistration | None:
    return BrandRegistration.objects.filter(brand=brand).first()


def key_channels(brand: BrandProfile) -> QuerySet[Channel]:
    """The workspace's RCS channels whose service-account key may register the brand."""
    return Channel.objects.filter(workspace_id=brand.workspace_id, kind=RCS_KIND).order_by(
        "name", "pk"
    )


def state_changes(registration: BrandRegistration, limit: int = 20):
    return list(registration.state_changes.all()[:limit])


# --- helpers ------------------------------------------------------------------------------


def _partner(registration: BrandRegistration) -> client.Partner:
    channel = registration.channel
    key = channel.secrets.get("service_account_key") if channel is not None else None
    if not key:
        raise RegistrationRefused(
            [Violation("credentials.key", _("the channel holding the service-account key is gone"))]
        )
    return client.Partner(registration.api_base_url, key)


def _profile_fields(brand: BrandProfile) -> dict:
    return rbm_agent_fields(brand, base_url=settings.PUBLIC_BASE_URL)


def _open(field) -> object | None:
    if not field:
        return None
    try:
        return field.storage.open(field.name, "rb")
    except OSError:
        return None


def _profile_violations(brand: BrandProfile, *, for_google: bool) -> list[Violation]:
    data = {
        "display_name": brand.display_name,
        "description": brand.description,
        "color": brand.color,
        "phone_numbers": brand.phone_numbers,
        "websites": brand.websites,
        "emails": brand.emails,
        "privacy_policy_url": brand.privacy_policy_url,
        "terms_url": brand.terms_url,
    }
    logo, banner = _open(brand.logo), _open(brand.banner)
    try:
        found = validation.profile_violations(data, logo=logo, banner=banner)
    finally:
        for f in (logo, banner):
            if f is not None:
                f.close()
    if for_google:
        fields = _profile_fields(brand)["rcsBusinessMessagingAgent"]
        found += validation.public_asset_violations(
            {"logoUri": fields.get("logoUri"), "heroUri": fields.get("heroUri")}
        )
    return found


def _refuse_if(violations: list[Violation]) -> None:
    if violations:
        raise RegistrationRefused(violations)


def _failed(registration: BrandRegistration, exc: client.ManagementError) -> RegistrationFailed:
    registration.last_error = exc.reason[:500]
    registration.save(update_fields=["last_error", "updated_at"])
    return RegistrationFailed(exc.reason)


def _audit(registration: BrandRegistration, actor, action: str, **after) -> None:
    record(
        registration.brand.workspace,
        actor,
        action,
        registration.brand,
        after={
            "brand_name": registration.brand_name,
            "agent_name": registration.agent_name,
            **after,
        },
    )


# --- create and update --------------------------------------------------------------------


def register_brand(
    brand: BrandProfile,
    *,
    actor,
    channel: Channel,
    billing_category: str,
    agent_use_case: str,
    hosting_region: str,
) -> BrandRegistration:
    """Create the brand and its agent at Google (resuming a half-done registration)."""
    existing = registration_for(brand)
    if existing is not None and existing.agent_name:
        return update_registration(existing, actor=actor)
    base_url = client.base_url_for(channel.api_base_url or "")
    violations = []
    if channel.workspace_id != brand.workspace_id or channel.kind != RCS_KIND:
        violations.append(
            Violation("credentials.channel", _("choose an RCS channel of this workspace"))
        )
    elif not channel.secrets.get("service_account_key"):
        violations.append(Violation("credentials.key", _("the channel has no service-account key")))
    problem = client.base_url_problem(base_url)
    if problem:
        violations.append(Violation("credentials.host", problem))
    violations += validation.choice_violations(
        {
            "billingCategory": billing_category,
            "agentUseCase": agent_use_case,
            "hostingRegion": hosting_region,
        },
        {
            "billingCategory": wire.BILLING_CATEGORIES,
            "agentUseCase": wire.USE_CASES,
            "hostingRegion": wire.HOSTING_REGIONS,
        },
    )
    violations += _profile_violations(brand, for_google=base_url == client.GOOGLE_BASE_URL)
    _refuse_if(violations)

    registration = existing or BrandRegistration(brand=brand)
    registration.channel = channel
    registration.api_base_url = base_url
    registration.billing_category = billing_category
    registration.agent_use_case = agent_use_case
    registration.hosting_region = hosting_region
    registration.save()
    partner = _partner(registration)
    try:
        if not registration.brand_name:
            created = client.create_brand(partner, brand.display_name)
            with transaction.atomic():
                registration.brand_name = created["name"]
                registration.save(update_fields=["brand_name", "updated_at"])
                _audit(registration, actor, "rcs_brand.google_brand_created")
        agent = wire.agent_body(
            _profile_fields(brand),
            billing_category=billing_category,
            use_case=agent_use_case,
            hosting_region=hosting_region,
        )
        created_agent = client.create_agent(partner, registration.brand_name, agent)
        regions = client.list_regions(partner)
    except client.ManagementError as exc:
        raise _failed(registration, exc) from exc
    with transaction.atomic():
        registration.agent_name = created_agent["name"]
        registration.regions = regions
        registration.pushed_at = timezone.now()
        registration.verification_state = wire.VERIFICATION_UNVERIFIED
        registration.verification_observed_at = registration.pushed_at
        registration.last_error = ""
        registration.save()
        _audit(
            registration,
            actor,
            "rcs_brand.google_agent_created",
            billing_category=billing_category,
            agent_use_case=agent_use_case,
            hosting_region=hosting_region,
        )
    return registration


def update_registration(registration: BrandRegistration, *, actor) -> BrandRegistration:
    """Send the profile as it stands now to the agent (and the brand's display name)."""
    brand = registration.brand
    violations = _profile_violations(
        brand, for_google=registration.api_base_url == client.GOOGLE_BASE_URL
    )
    if registration.verification_state in LOCKED_STATES:
        violations.append(
            Violation(
                "agent.lockedAfterVerification",
                _("Google does not accept changes to an agent once verification was submitted"),
            )
        )
    _refuse_if(violations)
    partner = _partner(registration)
    fields = _profile_fields(brand)
    try:
        client.patch_brand(partner, registration.brand_name, brand.display_name)
        client.patch_agent(partner, registration.agent_name, fields, wire.AGENT_UPDATE_MASK)
    except client.ManagementError as exc:
        raise _failed(registration, exc) from exc
    with transaction.atomic():
        registration.pushed_at = timezone.now()
        registration.last_error = ""
        registration.save(update_fields=["pushed_at", "last_error", "updated_at"])
        _audit(
            registration, actor, "rcs_brand.google_agent_updated", display_name=brand.display_name
        )
    return registration


# --- verification and launch --------------------------------------------------------------


def _registered(registration: BrandRegistration) -> None:
    if not registration.agent_name:
        raise RegistrationRefused(
            [Violation("agent.created", _("create the agent at Google first"))]
        )


def submit_verification(
    registration: BrandRegistration, *, actor, contact: dict
) -> BrandRegistration:
    _registered(registration)
    cleaned, violations = validation.verification_contact_violations(contact)
    _refuse_if(violations)
    try:
        answer = client.request_verification(
            _partner(registration), registration.agent_name, wire.verification_body(cleaned)
        )
    except client.ManagementError as exc:
        raise _failed(registration, exc) from exc
    with transaction.atomic():
        _audit(registration, actor, "rcs_brand.verification_requested", contact=cleaned)
        _observe(registration, actor=actor, verification=answer)
    return registration


def request_launch(
    registration: BrandRegistration, *, actor, regions: list[str], questionnaire: dict
) -> BrandRegistration:
    _registered(registration)
    known = {r["name"] for r in registration.regions}
    cleaned, violations = validation.launch_violations(regions, questionnaire, known)
    _refuse_if(violations)
    # Regions already asked for are listed again, as the AgentLaunch reference requires.
    wanted = sorted(set(regions) | set(registration.launch_states))
    body = wire.launch_body(registration.agent_name, wanted, cleaned)
    try:
        answer = client.request_launch(_partner(registration), registration.agent_name, body)
    except client.ManagementError as exc:
        raise _failed(registration, exc) from exc
    with transaction.atomic():
        _audit(
            registration,
            actor,
            "rcs_brand.launch_requested",
            regions=sorted(regions),
            questionnaire=cleaned,
        )
        _observe(registration, actor=actor, launch=answer)
    return registration


# --- states -------------------------------------------------------------------------------


def refresh_registration(registration: BrandRegistration, *, actor=None) -> BrandRegistration:
    """Read verification and launch from Google and store what changed ("refresh now", or
    beat's poll with actor None)."""
    _registered(registration)
    partner = _partner(registration)
    try:
        verification = client.get_verification(partner, registration.agent_name)
        launch = client.get_launch(partner, registration.agent_name)
        regions = client.list_regions(partner)
    except client.ManagementError as exc:
        raise _failed(registration, exc) from exc
    with transaction.atomic():
        registration.regions = regions
        registration.last_error = ""
        _observe(registration, actor=actor, verification=verification, launch=launch)
    return registration


def refresh_pending_registrations() -> int:
    """Beat's poll: every registration waiting on Google, each on its own; a failure is
    stored on its row and the others go on. Returns how many were read."""
    done = 0
    for pk in BrandRegistration.objects.filter(pending=True).values_list("pk", flat=True):
        registration = BrandRegistration.objects.select_related("brand__workspace", "channel").get(
            pk=pk
        )
        try:
            refresh_registration(registration)
        except (RegistrationFailed, RegistrationRefused):
            continue
        done += 1
    return done


def _observe(
    registration: BrandRegistration,
    *,
    actor,
    verification: dict | None = None,
    launch: dict | None = None,
) -> None:
    """Store Google's answer with the time it was seen; record and audit each new state."""
    now = timezone.now()
    changes: list[RegistrationStateChange] = []
    if verification is not None:
        state = str(verification.get("verificationState") or wire.VERIFICATION_UNVERIFIED)[:48]
        if state != registration.verification_state:
            changes.append(
                RegistrationStateChange(
                    registration=registration,
                    subject=RegistrationStateChange.VERIFICATION,
                    state=state,
                    observed_at=now,
                )
            )
        registration.verification_state = state
        registration.verification_observed_at = now
    if launch is not None:
        states = wire.launch_states(launch)
        for region, detail in states.items():
            if (registration.launch_states.get(region) or {}).get("state") != detail["state"]:
                changes.append(
                    RegistrationStateChange(
                        registration=registration,
                        subject=region[:200],
                        state=detail["state"][:48],
                        comment=detail["comment"],
                        observed_at=now,
                    )
                )
        registration.launch_states = states
        registration.launch_observed_at = now
    registration.pending = registration.verification_state == wire.VERIFICATION_PENDING or any(
        d["state"] in (wire.LAUNCH_PENDING, wire.LAUNCH_PENDING_UNLAUNCH)
        for d in registration.launch_states.values()
    )
    registration.save()
    RegistrationStateChange.objects.bulk_create(changes)
    brand = registration.brand
    status = PROFILE_STATUS.get(registration.verification_state, VerificationStatus.UNVERIFIED)
    if brand.verification_status != status:
        brand.verification_status = status
        brand.save(update_fields=["verification_status", "updated_at"])
    if changes:
        _audit(
            registration,
            actor,
            "rcs_brand.google_states_changed",
            states={c.subject: c.state for c in changes},
            observed_at=now.isoformat(),
        )

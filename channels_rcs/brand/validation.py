"""Brand profile rules, each error naming the field and the limit.

Limits come from Google's "Edit agent information" guide and carrier/aggregator
registration sheets (see docs/channels/rcs.md, "Brand profile"). They are checked here, on
upload, so an admin learns about a bad logo now rather than when a carrier rejects it.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from inbox.phones import InvalidPhoneNumber, to_e164

DISPLAY_NAME_MAX = 40
DESCRIPTION_MAX = 100
LABEL_MAX = 25
URL_MAX = 2048
MAX_CONTACTS_PER_KIND = 3
MIN_CONTRAST = 4.5
WHITE = "#FFFFFF"

CONTACT_KINDS = ("phone_numbers", "websites", "emails")
CONTACT_NOUN = {"phone_numbers": "phone number", "websites": "website", "emails": "email"}

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_https = URLValidator(schemes=["https"])


@dataclass(frozen=True)
class ImageRule:
    field: str
    label: str
    width: int
    height: int
    max_bytes: int
    formats: tuple[str, ...]  # Pillow format names


LOGO_RULE = ImageRule("logo", gettext_lazy("Logo"), 224, 224, 50 * 1024, ("JPEG", "PNG"))
BANNER_RULE = ImageRule("banner", gettext_lazy("Banner"), 1440, 448, 200 * 1024, ("JPEG",))

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# --- colour -------------------------------------------------------------------------------


def normalize_color(value: str) -> str | None:
    """'#1a73e8', '1A73E8' and '#17e' all become '#1A73E8'-style; None if not a hex colour."""
    match = _HEX.match((value or "").strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    hex_color = normalize_color(color)
    if hex_color is None:
        raise ValueError(f"{color!r} is not a hex colour")
    channels = []
    for i in (1, 3, 5):
        c = int(hex_color[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str = WHITE) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float, minimum: float = MIN_CONTRAST) -> str:
    """One decimal, except that a failing ratio is never rounded up to the minimum."""
    shown = round(ratio, 1)
    if ratio < minimum <= shown:
        return f"{math.floor(ratio * 100) / 100:.2f}"
    return f"{shown:.1f}"


def color_errors(value: str) -> list[str]:
    color = normalize_color(value)
    if color is None:
        return [f"Brand colour: {value!r} is not a hex colour like #1A73E8"]
    ratio = contrast_ratio(color, WHITE)
    if ratio < MIN_CONTRAST:
        return [
            f"brand colour {color} has contrast {format_ratio(ratio)}:1 against white text; "
            f"at least {MIN_CONTRAST}:1 is required"
        ]
    return []


# --- images -------------------------------------------------------------------------------


def _read(upload) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def image_extension(upload) -> str:
    """The file extension for what the bytes are, whatever the uploaded name claimed."""
    try:
        with Image.open(io.BytesIO(_read(upload))) as image:
            return {"JPEG": "jpg", "PNG": "png"}.get(image.format or "", "bin")
    except (UnidentifiedImageError, OSError, ValueError):
        return "bin"


def image_errors(upload, rule: ImageRule) -> list[str]:
    """Format, pixel size and byte size of an uploaded image, read with Pillow."""
    data = _read(upload)
    errors = []
    if len(data) > rule.max_bytes:
        errors.append(
            f"{rule.label}: file is {math.ceil(len(data) / 1024)} KB; "
            f"at most {rule.max_bytes // 1024} KB is allowed"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        allowed = " or ".join(rule.formats)
        return [*errors, f"{rule.label}: not a readable image; upload a {allowed} file"]
    if image_format not in rule.formats:
        errors.append(
            f"{rule.label}: {image_format or 'this'} format is not accepted; "
            f"use {' or '.join(rule.formats)}"
        )
    if (width, height) != (rule.width, rule.height):
        errors.append(
            f"{rule.label}: image is {width}x{height} px; "
            f"it must be exactly {rule.width}x{rule.height} px"
        )
    return errors


# --- contacts -----------------------------------------------------------------------------


def _clean_url(value: str, label: str) -> tuple[str, list[str]]:
    url = (value or "").strip()
    if len(url) > URL_MAX:
        return url, [f"{label}: at most {URL_MAX} characters (got {len(url)})"]
    try:
        _https(url)
    except ValidationError:
        return url, [f"{label}: {url!r} is not an https:// URL"]
    return url, []


def _clean_contact(kind: str, value: str, label: str) -> tuple[str, list[str]]:
    if kind == "phone_numbers":
        try:
            return to_e164(value), []
        except InvalidPhoneNumber as exc:
            return value, [f"{label}: {exc} (use E.164, e.g. +14155550123)"]
    if kind == "emails":
        email = (value or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            return email, [f"{label}: {email!r} is not an email address"]
        return email, []
    return _clean_url(value, label)


def clean_contacts(kind: str, rows: list[dict], errors: Errors) -> list[dict]:
    """Drop blank rows, normalize values, and name each bad row by its position."""
    noun = CONTACT_NOUN[kind]
    cleaned = []
    filled = [
        (i, r)
        for i, r in enumerate(rows or [])
        if (r.get("label") or "").strip() or (r.get("value") or "").strip()
    ]
    if len(filled) > MAX_CONTACTS_PER_KIND:
        _add(errors, kind, f"At most {MAX_CONTACTS_PER_KIND} {noun}s (got {len(filled)})")
    for i, row in filled:
        title = f"{noun.capitalize()} {i + 1}"
        label = (row.get("label") or "").strip()
        value = (row.get("value") or "").strip()
        if not label:
            _add(errors, f"{kind}.{i}.label", f"{title} label: required")
        elif len(label) > LABEL_MAX:
            _add(
                errors,
                f"{kind}.{i}.label",
                f"{title} label: at most {LABEL_MAX} characters (got {len(label)})",
            )
        if not value:
            _add(errors, f"{kind}.{i}.value", f"{title}: required when a label is given")
            continue
        normalized, problems = _clean_contact(kind, value, title)
        for problem in problems:
            _add(errors, f"{kind}.{i}.value", problem)
        cleaned.append({"label": label, "value": normalized})
    return cleaned


# --- the whole profile --------------------------------------------------------------------


def validate_brand(
    data: dict,
    *,
    logo=None,
    banner=None,
    has_logo: bool = False,
    has_banner: bool = False,
) -> tuple[dict, Errors]:
    """(cleaned fields, errors by field). Uploads are checked when given; a profile must end
    up with a logo and a banner (`has_*` says one is already stored)."""
    errors: Errors = {}
    cleaned: dict = {}

    name = (data.get("display_name") or "").strip()
    if not name:
        _add(errors, "display_name", _("Display name: required"))
    elif len(name) > DISPLAY_NAME_MAX:
        _add(
            errors,
            "display_name",
            f"Display name: at most {DISPLAY_NAME_MAX} characters (got {len(name)})",
        )
    cleaned["display_name"] = name

    description = (data.get("description") or "").strip()
    if not description:
        _add(errors, "description", _("Description: required"))
    elif len(description) > DESCRIPTION_MAX:
        _add(
            errors,
            "description",
            f"Description: at most {DESCRIPTION_MAX} characters (got {len(description)})",
        )
    cleaned["description"] = description

    color_value = (data.get("color") or "").strip()
    for problem in color_errors(color_value):
        _add(errors, "color", problem)
    cleaned["color"] = normalize_color(color_value) or color_value

    for upload, rule, stored in ((logo, LOGO_RULE, has_logo), (banner, BANNER_RULE, has_banner)):
        if upload is not None:
            for problem in image_errors(upload, rule):
                _add(errors, rule.field, problem)
        elif not stored:
            _add(
                errors,
                rule.field,
                f"{rule.label}: required ({' or '.join(rule.formats)}, "
                f"{rule.width}x{rule.height} px, at most {rule.max_bytes // 1024} KB)",
            )

    for kind in CONTACT_KINDS:
        cleaned[kind] = clean_contacts(kind, data.get(kind) or [], errors)
    if not any(cleaned[kind] for kind in CONTACT_KINDS) and not any(
        k.startswith(CONTACT_KINDS) for k in errors
    ):
        _add(
            errors,
            "contacts",
            _("Contact: at least one phone number, website or email is required"),
        )

    for field, label in (
        ("privacy_policy_url", _("Privacy policy URL")),
        ("terms_url", _("Terms of service URL")),
    ):
        value = (data.get(field) or "").strip()
        if not value:
            _add(errors, field, f"{label}: required")
        else:
            url, problems = _clean_url(value, label)
            for problem in problems:
                _add(errors, field, problem)
            value = url
        cleaned[field] = value
    return cleaned, errors


# --- before anything goes to Google (brand registration) ----------------------------------
#
# Each check names its rule, so an admin reads which of Google's rules a value breaks
# before a call is made. Sources: the Business Communications API reference
# (business-communications/rest/v1: brands.agents, AgentVerification, AgentLaunch) and the
# "Edit agent information" guide (rcs-business-messaging/guides/build/agents); see
# docs/channels/rcs.md, "Brand registration".


@dataclass(frozen=True)
class Violation:
    rule: str  # the rule's name, e.g. "agent.displayName.length"
    message: str

    def __str__(self) -> str:
        return f"{self.message} [{self.rule}]"


# The profile's fields (validate_brand's error keys) and the rule of Google's each maps to.
PROFILE_RULES = {
    # Agent.displayName: "Required. Maximum 40 characters" (brands.agents reference).
    "display_name": "agent.displayName",
    # RcsBusinessMessagingAgent.description: required, at most 100 characters (brands.agents
    # reference; the console's "Edit agent information" guide says the same).
    "description": "agent.description",
    # color: "must have a minimum contrast ratio of 4.5:1 relative to white" (brands.agents).
    "color": "agent.color.contrast",
    # logoUri: 224x224 px, at most 50 KB, JPEG or PNG ("Edit agent information" guide).
    "logo": "agent.logoUri.image",
    # heroUri: 1440x448 px, at most 200 KB ("Edit agent information" guide).
    "banner": "agent.heroUri.image",
    # phoneNumbers / emails / websites: at least one with its label to launch; labels at most
    # 25 characters (brands.agents reference; the guide's label limit).
    "phone_numbers": "agent.contacts",
    "websites": "agent.contacts",
    "emails": "agent.contacts",
    "contacts": "agent.contacts",
    # privacy / termsConditions: required WebEntry with a uri (brands.agents reference).
    "privacy_policy_url": "agent.privacy",
    "terms_url": "agent.termsConditions",
}


def _profile_rule(field: str) -> str:
    return PROFILE_RULES.get(field.split(".", 1)[0], f"agent.{field}")


def profile_violations(data: dict, *, logo, banner) -> list[Violation]:
    """A stored profile checked again by every rule, its stored images re-read (a rule
    may have changed since they were uploaded)."""
    _cleaned, errors = validate_brand(data, logo=logo, banner=banner)
    return [
        Violation(_profile_rule(field), message)
        for field, messages in errors.items()
        for message in messages
    ]


def public_asset_violations(urls: dict[str, str | None]) -> list[Violation]:
    """logoUri / heroUri: Google fetches them, so they must be public https:// addresses
    (brands.agents reference: "publicly available URL")."""
    out = []
    for rule, url in urls.items():
        if url and not url.startswith("https://"):
            out.append(
                Violation(
                    f"agent.{rule}.public",
                    _(
                        "%(rule)s: Google fetches images from a public https:// address; "
                        "%(url)s is not one (set PUBLIC_BASE_URL to the inbox's https address)"
                    )
                    % {"rule": rule, "url": url[:80]},
                )
            )
    return out


def choice_violations(
    values: dict[str, str], allowed: dict[str, tuple[str, ...]]
) -> list[Violation]:
    """billingConfig.billingCategory, agentUseCase, hostingRegion: required at creation,
    one of the API's enum values (brands.agents reference)."""
    return [
        Violation(
            f"agent.{name}",
            _("%(name)s: choose one of %(values)s")
            % {"name": name, "values": ", ".join(allowed[name])},
        )
        for name, value in values.items()
        if value not in allowed[name]
    ]


# AgentVerificationContact: every field "Required" (AgentVerification reference).
VERIFICATION_CONTACT_FIELDS = {
    "partner_name": "partnerName",
    "partner_email": "partnerEmailAddress",
    "brand_contact_name": "brandContactName",
    "brand_contact_title": "brandContactTitle",
    "brand_contact_email": "brandContactEmailAddress",
    "brand_website": "brandWebsiteUrl",
}


def _email_or_url(wire_name: str, key: str, value: str) -> list[Violation]:
    if key.endswith("_email"):
        try:
            validate_email(value)
        except ValidationError:
            return [
                Violation(
                    f"{wire_name}.email",
                    _("%(field)s: %(value)r is not an email address")
                    % {"field": wire_name, "value": value},
                )
            ]
    elif key.endswith("_website"):
        _url, problems = _clean_url(value, wire_name)
        return [Violation(f"{wire_name}.https", p) for p in problems]
    return []


def _required_fields(
    data: dict, fields: dict[str, str], prefix: str
) -> tuple[dict, list[Violation]]:
    cleaned, out = {}, []
    for key, wire_name in fields.items():
        value = str(data.get(key) or "").strip()
        cleaned[key] = value
        if not value:
            out.append(
                Violation(f"{prefix}.{wire_name}", _("%(field)s: required") % {"field": wire_name})
            )
        else:
            out += _email_or_url(f"{prefix}.{wire_name}", key, value)
    return cleaned, out


def verification_contact_violations(data: dict) -> tuple[dict, list[Violation]]:
    return _required_fields(data, VERIFICATION_CONTACT_FIELDS, "agentVerificationContact")


# AgentLaunch.Questionnaire: contacts (name, title, email), triggerDescription,
# interactionsDescription, optoutDescription and agentAccessInstructions are "Required";
# optinDescription is optional (AgentLaunch reference).
QUESTIONNAIRE_FIELDS = {
    "contact_name": "contacts.name",
    "contact_title": "contacts.title",
    "contact_email": "contacts.email",
    "trigger_description": "triggerDescription",
    "interactions_description": "interactionsDescription",
    "optout_description": "optoutDescription",
    "agent_access_instructions": "agentAccessInstructions",
}


def launch_violations(
    regions: list[str], questionnaire: dict, known_regions: set[str]
) -> tuple[dict, list[Violation]]:
    """launchDetails needs at least one region, each one regions.list named (AgentLaunch)."""
    cleaned, out = _required_fields(questionnaire, QUESTIONNAIRE_FIELDS, "questionnaire")
    cleaned["optin_description"] = str(questionnaire.get("optin_description") or "").strip()
    if not regions:
        out.append(
            Violation("launch.launchDetails", _("launchDetails: choose at least one region"))
        )
    unknown = sorted(set(regions) - known_regions)
    if unknown:
        out.append(
            Violation(
                "launch.launchDetails",
                _("launchDetails: unknown region(s) %(regions)s") % {"regions": ", ".join(unknown)},
            )
        )
    return cleaned, out

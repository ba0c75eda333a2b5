"""What the customer's phone would show: built from a saved brand or from unsaved form input.

The live preview must reflect a logo the admin has just picked, before anything is saved,
so an upload that passes the rules is shown inline as a data: URI.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from .models import IDENTITY_FIELDS, BrandProfile, VerificationStatus
from .validation import (
    BANNER_RULE,
    CONTACT_KINDS,
    LOGO_RULE,
    MIN_CONTRAST,
    contrast_ratio,
    format_ratio,
    image_errors,
    normalize_color,
    validate_brand,
)

NEUTRAL = "#5F6368"


@dataclass
class BrandPreview:
    display_name: str
    description: str
    color: str
    logo_src: str | None
    banner_src: str | None
    verification_status: str
    phone_numbers: list[dict] = field(default_factory=list)
    websites: list[dict] = field(default_factory=list)
    emails: list[dict] = field(default_factory=list)
    contrast: str = ""
    contrast_ok: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def initial(self) -> str:
        return (self.display_name or "?")[:1].upper()


def _contrast(color: str) -> tuple[str, bool]:
    ratio = contrast_ratio(color)
    return f"{format_ratio(ratio)}:1", ratio >= MIN_CONTRAST


def from_brand(brand: BrandProfile) -> BrandPreview:
    contrast, ok = _contrast(brand.color) if normalize_color(brand.color) else ("", False)
    return BrandPreview(
        display_name=brand.display_name,
        description=brand.description,
        color=brand.color,
        logo_src=brand.logo_url,
        banner_src=brand.banner_url,
        verification_status=brand.verification_status,
        phone_numbers=list(brand.phone_numbers),
        websites=list(brand.websites),
        emails=list(brand.emails),
        contrast=contrast,
        contrast_ok=ok,
    )


def _data_uri(upload) -> str:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    mime = getattr(upload, "content_type", None) or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _image_src(upload, rule, stored_url: str | None) -> str | None:
    if upload is not None and not image_errors(upload, rule):
        return _data_uri(upload)
    return stored_url


def from_input(data: dict, uploads: dict, brand: BrandProfile | None = None) -> BrandPreview:
    """A preview of unsaved input, with every rule it currently breaks listed."""
    logo, banner = uploads.get("logo"), uploads.get("banner")
    cleaned, errors = validate_brand(
        data,
        logo=logo,
        banner=banner,
        has_logo=bool(brand and brand.logo),
        has_banner=bool(brand and brand.banner),
    )
    color = normalize_color(cleaned.get("color", ""))
    contrast, ok = _contrast(color) if color else ("", False)
    rows = {kind: [r for r in cleaned.get(kind, []) if r.get("value")] for kind in CONTACT_KINDS}
    return BrandPreview(
        display_name=cleaned.get("display_name", ""),
        description=cleaned.get("description", ""),
        color=color or NEUTRAL,
        logo_src=_image_src(logo, LOGO_RULE, brand.logo_url if brand else None),
        banner_src=_image_src(banner, BANNER_RULE, brand.banner_url if brand else None),
        # Unsaved identity edits would reset verification, so the badge is not promised.
        verification_status=(
            brand.verification_status
            if brand is not None and not _identity_changed(brand, cleaned, uploads)
            else VerificationStatus.UNVERIFIED
        ),
        contrast=contrast,
        contrast_ok=ok,
        problems=[m for messages in errors.values() for m in messages],
        **rows,
    )


def _identity_changed(brand: BrandProfile, cleaned: dict, uploads: dict) -> bool:
    if uploads.get("logo") is not None or uploads.get("banner") is not None:
        return True
    return any(getattr(brand, f) != cleaned.get(f) for f in IDENTITY_FIELDS)

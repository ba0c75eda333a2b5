"""Django discovers an app's models here; the brand models live in channels_rcs.brand."""

from channels_rcs.brand.models import BrandAssignment, BrandProfile, VerificationStatus

__all__ = ["BrandAssignment", "BrandProfile", "VerificationStatus"]

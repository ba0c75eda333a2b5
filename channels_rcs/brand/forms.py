"""The admin's brand form: collects fields and contact rows; the rules live in validation.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BrandProfile, VerificationStatus
from .validation import (
    CONTACT_KINDS,
    CONTACT_NOUN,
    DESCRIPTION_MAX,
    DISPLAY_NAME_MAX,
    LABEL_MAX,
    MAX_CONTACTS_PER_KIND,
)

IMAGE_ACCEPT = {"logo": "image/png,image/jpeg", "banner": "image/jpeg"}


class BrandForm(forms.Form):
    # Lengths are enforced by the service with messages naming the limit; the widgets only
    # hint (maxlength would silently truncate a paste instead of explaining).
    display_name = forms.CharField(required=False, label=_("Display name"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    color = forms.CharField(required=False, label=_("Brand colour"), initial="#1A73E8")
    logo = forms.FileField(required=False)
    banner = forms.FileField(required=False)
    privacy_policy_url = forms.CharField(required=False, label=_("Privacy policy URL"))
    terms_url = forms.CharField(required=False, label=_("Terms of service URL"))

    def __init__(self, *args, brand: BrandProfile | None = None, **kwargs):
        if brand is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from_brand(brand)
        super().__init__(*args, **kwargs)
        self.brand = brand
        for kind in CONTACT_KINDS:
            for i in range(MAX_CONTACTS_PER_KIND):
                self.fields[f"{kind}-{i}-label"] = forms.CharField(required=False, label=_("Label"))
                self.fields[f"{kind}-{i}-value"] = forms.CharField(
                    required=False, label=CONTACT_NOUN[kind].capitalize()
                )
        for name, accept in IMAGE_ACCEPT.items():
            self.fields[name].widget.attrs["accept"] = accept
        self.limits = {
            "display_name": DISPLAY_NAME_MAX,
            "description": DESCRIPTION_MAX,
            "label": LABEL_MAX,
        }

    def service_data(self) -> dict:
        """Form-shaped input for services.create_brand/update_brand (works unbound-safe)."""
        source = self.data
        data = {
            name: source.get(name, "")
            for name in ("display_name", "description", "color", "privacy_policy_url", "terms_url")
        }
        for kind in CONTACT_KINDS:
            data[kind] = [
                {
                    "label": source.get(f"{kind}-{i}-label", ""),
                    "value": source.get(f"{kind}-{i}-value", ""),
                }
                for i in range(MAX_CONTACTS_PER_KIND)
            ]
        return data

    def uploads(self) -> dict:
        return {name: self.files.get(name) or None for name in ("logo", "banner")}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Attach each error to the input it is about ('phone_numbers.1.value' is the row
        field 'phone_numbers-1-value'); errors about no single input go on top."""
        self.is_valid()  # every input is optional here; this only sets up the error store
        for key, messages in errors.items():
            field = key.replace(".", "-")
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def contact_rows(self) -> list[dict]:
        """[{kind, noun, rows: [(label BoundField, value BoundField)]}] for the template."""
        return [
            {
                "kind": kind,
                "noun": CONTACT_NOUN[kind],
                "rows": [
                    (self[f"{kind}-{i}-label"], self[f"{kind}-{i}-value"])
                    for i in range(MAX_CONTACTS_PER_KIND)
                ],
            }
            for kind in CONTACT_KINDS
        ]


def initial_from_brand(brand: BrandProfile) -> dict:
    initial = {
        "display_name": brand.display_name,
        "description": brand.description,
        "color": brand.color,
        "privacy_policy_url": brand.privacy_policy_url,
        "terms_url": brand.terms_url,
    }
    for kind in CONTACT_KINDS:
        for i, row in enumerate(getattr(brand, kind)[:MAX_CONTACTS_PER_KIND]):
            initial[f"{kind}-{i}-label"] = row.get("label", "")
            initial[f"{kind}-{i}-value"] = row.get("value", "")
    return initial


class VerificationForm(forms.Form):
    verification_status = forms.ChoiceField(choices=VerificationStatus.choices)

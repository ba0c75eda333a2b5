"""The registration panel's forms: they collect input; the rules live in validation.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import wire


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class RegisterForm(forms.Form):
    channel = forms.TypedChoiceField(label=_("Service-account key of channel"), coerce=int)
    billing_category = forms.ChoiceField(
        label=_("Billing category"), choices=_choices(wire.BILLING_CATEGORIES)
    )
    agent_use_case = forms.ChoiceField(label=_("Use case"), choices=_choices(wire.USE_CASES))
    hosting_region = forms.ChoiceField(
        label=_("Hosting region"), choices=_choices(wire.HOSTING_REGIONS)
    )

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.pk, c.name) for c in channels]


class VerificationRequestForm(forms.Form):
    partner_name = forms.CharField(required=False, label=_("Partner name"))
    partner_email = forms.CharField(required=False, label=_("Partner email"))
    brand_contact_name = forms.CharField(required=False, label=_("Brand contact name"))
    brand_contact_title = forms.CharField(required=False, label=_("Brand contact title"))
    brand_contact_email = forms.CharField(required=False, label=_("Brand contact email"))
    brand_website = forms.CharField(required=False, label=_("Brand website"))


class LaunchRequestForm(forms.Form):
    regions = forms.MultipleChoiceField(
        required=False, label=_("Regions / carriers"), widget=forms.CheckboxSelectMultiple
    )
    contact_name = forms.CharField(required=False, label=_("Launch contact name"))
    contact_title = forms.CharField(required=False, label=_("Launch contact title"))
    contact_email = forms.CharField(required=False, label=_("Launch contact email"))
    optin_description = forms.CharField(
        required=False, label=_("How users opt in"), widget=forms.Textarea(attrs={"rows": 2})
    )
    trigger_description = forms.CharField(
        required=False, label=_("What triggers messages"), widget=forms.Textarea(attrs={"rows": 2})
    )
    interactions_description = forms.CharField(
        required=False, label=_("Interactions"), widget=forms.Textarea(attrs={"rows": 2})
    )
    optout_description = forms.CharField(
        required=False, label=_("How users opt out"), widget=forms.Textarea(attrs={"rows": 2})
    )
    agent_access_instructions = forms.CharField(
        required=False,
        label=_("Access instructions for reviewers"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [(r["name"], r["displayName"]) for r in regions]

    def raw(self) -> tuple[list[str], dict]:
        """(regions, questionnaire) as typed; validation.launch_violations judges them."""
        questionnaire = {name: self.data.get(name, "") for name in self.fields if name != "regions"}
        return self.data.getlist("regions") if hasattr(self.data, "getlist") else [], questionnaire

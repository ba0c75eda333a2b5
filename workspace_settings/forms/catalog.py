"""Forms for the simple per-workspace lists: teams, canned responses, labels, attributes."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inbox.models import CannedResponse, Channel, Label, Team, Workspace
from inbox.services.canned import VARIABLES, unknown_variables

from ..models import ContactAttributeDefinition

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class WorkspaceModelForm(forms.ModelForm):
    """A ModelForm for a row of `workspace`, checking its per-workspace unique field."""

    unique_field = ""

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace

    def clean(self):
        data = super().clean()
        value = data.get(self.unique_field)
        if value not in (None, ""):
            clash = (
                type(self.instance)
                .objects.filter(workspace=self.workspace, **{f"{self.unique_field}__iexact": value})
                .exclude(pk=self.instance.pk)
            )
            if clash.exists():
                label = self.fields[self.unique_field].label
                self.add_error(self.unique_field, f"{label} “{value}” is already used here.")
        return data


class TeamForm(WorkspaceModelForm):
    unique_field = "name"
    members = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Agents")
    )
    channels = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Channels"),
        help_text=_(
            "New conversations on these channels go to this team. "
            "A channel belongs to one team; ticking it here moves it."
        ),
    )

    class Meta:
        model = Team
        fields = ["name", "routing", "max_open_per_agent", "reassign_when_offline"]
        labels = {
            "name": _("Name"),
            "routing": _("Routing"),
            "max_open_per_agent": _("Most open conversations per agent"),
            "reassign_when_offline": _("Reassign an offline agent's open conversations"),
        }
        help_texts = {
            "max_open_per_agent": _(
                "Round-robin skips agents at this many open conversations (0 = no limit)."
            ),
            "reassign_when_offline": _(
                "Round-robin only: after a short grace period, their "
                "conversations go to online teammates."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(memberships__workspace=self.workspace, memberships__is_active=True)
            .order_by("username")
        )
        self.fields["members"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["channels"].queryset = Channel.objects.filter(
            workspace=self.workspace
        ).order_by("name")
        self.fields["channels"].label_from_instance = lambda c: f"{c.name} ({c.kind.upper()})"
        if self.instance.pk and not self.is_bound:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))
            self.initial["channels"] = list(self.instance.channels.values_list("pk", flat=True))


class CannedResponseForm(WorkspaceModelForm):
    unique_field = "shortcut"

    class Meta:
        model = CannedResponse
        fields = ["shortcut", "title", "body"]
        labels = {"shortcut": _("Shortcut"), "title": _("Title"), "body": _("Text")}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "shortcut": _("Agents type /shortcut in the composer. Letters, digits, - and _."),
            "body": format_lazy(
                "{}{}.", _("Variables: "), ", ".join("{{" + v + "}}" for v in VARIABLES)
            ),
        }

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        unknown = unknown_variables(body)
        if unknown:
            plural = "s" if len(unknown) > 1 else ""
            named = ", ".join("{{" + v + "}}" for v in unknown)
            allowed = ", ".join("{{" + v + "}}" for v in VARIABLES)
            raise forms.ValidationError(
                f"Unknown variable{plural}: {named}. Use one of: {allowed}."
            )
        return body


class LabelForm(WorkspaceModelForm):
    unique_field = "name"

    class Meta:
        model = Label
        fields = ["name", "colour"]
        labels = {"name": _("Name"), "colour": _("Colour")}
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}
        help_texts = {
            "colour": _("Labels always show their name too; colour is never the only cue.")
        }

    def clean_colour(self) -> str:
        colour = self.cleaned_data["colour"].strip()
        if not HEX_COLOUR.match(colour):
            raise forms.ValidationError(_("Enter a colour as #RRGGBB, e.g. #2563eb."))
        return colour.lower()


class AttributeForm(WorkspaceModelForm):
    unique_field = "key"
    # A plain CharField: the model's SlugField would answer "Plan Tier" with a message that
    # allows hyphens, which clean_key then refuses; one rule, one message.
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_(
            "Lower-case letters, digits and _, starting with a letter; fixed once "
            "created (stored values are kept under it)."
        ),
    )

    class Meta:
        model = ContactAttributeDefinition
        fields = ["key", "label", "type"]
        labels = {"key": _("Key"), "label": _("Label"), "type": _("Type")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not ATTRIBUTE_KEY.match(key or ""):
            raise forms.ValidationError(
                _("Use lower-case letters, digits and _, starting with a letter (e.g. plan_tier).")
            )
        return key

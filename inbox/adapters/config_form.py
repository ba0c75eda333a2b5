"""The base of every channel's settings form; secrets are write-only (blank on edit = keep).

An adapter names its form in `config_form`, and the settings pages offer every registered
adapter that has one, so a channel app brings its own form and the settings app lists it
without an edit. This base holds what every channel shares: the name, the choice between
the real provider, the built-in sandbox and a custom API URL, and write-only secrets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import get_adapter

if TYPE_CHECKING:
    from inbox.models import Channel, Workspace

PROVIDER_LIVE, PROVIDER_SANDBOX, PROVIDER_CUSTOM = "live", "sandbox", "custom"


def secret_field(label: str, *, max_length: int, help_text: str) -> forms.CharField:
    """A one-line secret (token, password): the page never renders its value back, and
    browsers are asked not to autofill it with the admin's own login."""
    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
    return forms.CharField(label=label, max_length=max_length, widget=widget, help_text=help_text)


class ChannelConfigForm(forms.Form):
    """Subclass per channel kind with `kind`, its fields, and which of them are secrets."""

    kind = ""
    secret_fields: tuple[str, ...] = ()
    config_fields: tuple[str, ...] = ()

    name = forms.CharField(max_length=120, help_text=_("Shown to agents, e.g. “Support SMS”."))
    provider = forms.ChoiceField(
        label=_("Provider endpoint"),
        help_text=_("Switch between the built-in sandbox and the real provider at any time."),
    )
    custom_api_url = forms.URLField(
        label=_("Custom API URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Only for “Custom API URL”, e.g. a regional endpoint."),
    )

    def __init__(self, *args, workspace: Workspace, channel: Channel | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.channel = channel
        self.adapter = get_adapter(self.kind)
        choices = [
            (
                PROVIDER_LIVE,
                _("Real provider (%(url)s)") % {"url": self.adapter.default_api_base_url},
            )
        ]
        sandbox = self.adapter.sandbox_api_base_url()
        if sandbox:
            choices.append((PROVIDER_SANDBOX, _("Built-in sandbox (%(url)s)") % {"url": sandbox}))
        choices.append((PROVIDER_CUSTOM, _("Custom API URL")))
        self.fields["provider"].choices = choices
        for name in self.secret_fields:
            field = self.fields[name]
            field.required = channel is None
            if channel is not None:
                field.help_text = (f"{field.help_text} " if field.help_text else "") + str(
                    _("Leave blank to keep the stored value.")
                )
        if channel is not None and not self.is_bound:
            self.initial.update(self.initial_from(channel))

    def initial_from(self, channel: Channel) -> dict:
        base = (channel.api_base_url or "").rstrip("/")
        sandbox = (self.adapter.sandbox_api_base_url() or "").rstrip("/")
        if base in ("", self.adapter.default_api_base_url.rstrip("/")):
            provider, custom = PROVIDER_LIVE, ""
        elif sandbox and base == sandbox:
            provider, custom = PROVIDER_SANDBOX, ""
        else:
            provider, custom = PROVIDER_CUSTOM, channel.api_base_url
        config = channel.config or {}
        return {
            "name": channel.name,
            "provider": provider,
            "custom_api_url": custom,
            **{k: config.get(k) for k in self.config_fields if k in config},
        }

    def clean(self):
        data = super().clean()
        if data.get("provider") == PROVIDER_CUSTOM and not data.get("custom_api_url"):
            self.add_error("custom_api_url", _("Enter the API URL, or pick another endpoint."))
        return data

    def api_base_url(self) -> str:
        provider = self.cleaned_data["provider"]
        if provider == PROVIDER_SANDBOX:
            return self.adapter.sandbox_api_base_url() or ""
        if provider == PROVIDER_CUSTOM:
            return self.cleaned_data["custom_api_url"]
        return self.adapter.default_api_base_url

    def config(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.config_fields}

    def secrets(self) -> dict:
        return {k: self.cleaned_data.get(k) or "" for k in self.secret_fields}

    def fallback(self) -> Channel | None:
        return None

    def service_error_fields(self) -> dict[str, str]:
        """Which field shows a service error about a key that is no field of this form.

        An API URL the address guard refused is the custom field's, or the endpoint
        choice's (the built-in sandbox on an address the operator has not allowed).
        """
        custom = self.cleaned_data.get("provider") == PROVIDER_CUSTOM
        return {"api_base_url": "custom_api_url" if custom else "provider"}

    def save_related(self, channel: Channel, actor) -> None:  # noqa: B027
        """Save what the form holds beyond the channel row (e.g. RCS's brand choice).

        Called after the channel was added or updated; the channel app's own service
        does the write and its audit entry.
        """

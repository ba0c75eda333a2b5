"""One form per channel kind; secrets are write-only fields (blank on edit = keep)."""

from __future__ import annotations

import json

from django import forms

from inbox.adapters import get_adapter
from inbox.models import Channel, Workspace

from .errors import add_service_errors

PROVIDER_LIVE, PROVIDER_SANDBOX, PROVIDER_CUSTOM = "live", "sandbox", "custom"


class ChannelForm(forms.Form):
    kind = ""
    secret_fields: tuple[str, ...] = ()
    config_fields: tuple[str, ...] = ()

    name = forms.CharField(max_length=120, help_text="Shown to agents, e.g. “Support SMS”.")
    provider = forms.ChoiceField(
        label="Provider endpoint",
        help_text="Switch between the built-in sandbox and the real provider at any time.",
    )
    custom_api_url = forms.URLField(
        label="Custom API URL",
        required=False,
        assume_scheme="https",
        help_text="Only for “Custom API URL”, e.g. a regional endpoint.",
    )

    def __init__(self, *args, workspace: Workspace, channel: Channel | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.channel = channel
        self.adapter = get_adapter(self.kind)
        choices = [(PROVIDER_LIVE, f"Real provider ({self.adapter.default_api_base_url})")]
        sandbox = self.adapter.sandbox_api_base_url()
        if sandbox:
            choices.append((PROVIDER_SANDBOX, f"Built-in sandbox ({sandbox})"))
        choices.append((PROVIDER_CUSTOM, "Custom API URL"))
        self.fields["provider"].choices = choices
        for name in self.secret_fields:
            field = self.fields[name]
            field.required = channel is None
            if channel is not None:
                field.help_text = (field.help_text + " " if field.help_text else "") + (
                    "Leave blank to keep the stored value."
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
            self.add_error("custom_api_url", "Enter the API URL, or pick another endpoint.")
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

    def add_service_errors(self, errors: list[str]) -> None:
        # An API URL the guard refused is the custom field's, or the endpoint choice's
        # (the built-in sandbox on an address the operator has not allowed).
        custom = self.cleaned_data.get("provider") == PROVIDER_CUSTOM
        where = "custom_api_url" if custom else "provider"
        add_service_errors(self, errors, aliases={"api_base_url": where})


class SmsChannelForm(ChannelForm):
    kind = "sms"
    secret_fields = ("auth_token",)
    config_fields = ("account_sid", "from_number", "mms", "max_segments")

    account_sid = forms.CharField(
        label="Account SID", max_length=64, help_text="Starts with AC; in the provider's console."
    )
    auth_token = forms.CharField(
        label="Auth token",
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; never shown again.",
    )
    from_number = forms.CharField(
        label="Sender number", max_length=32, help_text="E.164, e.g. +14155550100."
    )
    mms = forms.BooleanField(label="Send media as MMS", required=False)
    max_segments = forms.IntegerField(
        label="Longest message (SMS segments)",
        min_value=1,
        max_value=50,
        initial=10,
        help_text="Replies longer than this are refused before sending.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["name", "account_sid", "auth_token", "from_number", "mms", "max_segments"]
        )


class RcsChannelForm(ChannelForm):
    kind = "rcs"
    secret_fields = ("service_account_key", "client_token")
    config_fields = ("agent_id", "message_ttl")

    agent_id = forms.CharField(
        label="RBM agent id", max_length=120, help_text="The agent's id in the RBM console."
    )
    service_account_key = forms.CharField(
        label="Service account key (JSON)",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text="Paste the whole JSON key file. Stored encrypted; never shown again.",
    )
    client_token = forms.CharField(
        label="Webhook client token",
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Shown by the RBM console when the webhook is configured.",
    )
    message_ttl = forms.IntegerField(
        label="Message time-to-live (seconds)",
        required=False,
        min_value=1,
        help_text="Optional. Undelivered RCS messages expire after this.",
    )
    fallback_channel = forms.ModelChoiceField(
        label="SMS fallback channel",
        queryset=Channel.objects.none(),
        required=False,
        empty_label="No fallback",
        help_text="Used when the customer's phone cannot receive RCS.",
    )
    brand = forms.ModelChoiceField(
        label="Brand profile",
        queryset=None,
        required=False,
        empty_label="No brand profile",
        help_text="The name, logo and colours the customer's phone shows.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from channels_rcs.brand import services as brands

        self.fields["fallback_channel"].queryset = Channel.objects.filter(
            workspace=self.workspace, kind="sms"
        ).order_by("name")
        self.fields["brand"].queryset = brands.brands(self.workspace).order_by("display_name")
        if self.channel is not None and not self.is_bound:
            self.initial["fallback_channel"] = self.channel.fallback_id
            current = brands.brand_for_channel(self.channel)
            self.initial["brand"] = current.pk if current else None

    def clean_service_account_key(self) -> str:
        raw = self.cleaned_data.get("service_account_key", "").strip()
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError as exc:
                raise forms.ValidationError("Not valid JSON: paste the whole key file.") from exc
            if not isinstance(parsed, dict):
                raise forms.ValidationError("The key must be a JSON object.")
        return raw

    def fallback(self) -> Channel | None:
        return self.cleaned_data.get("fallback_channel")


FORMS: dict[str, type[ChannelForm]] = {"sms": SmsChannelForm, "rcs": RcsChannelForm}

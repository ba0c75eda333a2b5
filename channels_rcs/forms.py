"""The RCS channel's settings form: RBM agent, write-only keys, SMS fallback and brand."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.adapters.config_form import ChannelConfigForm, secret_field
from inbox.models import Channel

from .brand import services as brands
from .limits import MAX_TTL_SECONDS


class RcsChannelForm(ChannelConfigForm):
    kind = "rcs"
    secret_fields = ("service_account_key", "client_token")
    config_fields = ("agent_id", "region", "message_ttl", "message_traffic_type")

    agent_id = forms.CharField(
        label=_("RBM agent id"), max_length=120, help_text=_("The agent's id in the RBM console.")
    )
    service_account_key = forms.CharField(
        label=_("Service account key (JSON)"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Paste the whole JSON key file. Stored encrypted; never shown again."),
    )
    client_token = secret_field(
        _("Webhook client token"),
        max_length=200,
        help_text=_("Shown by the RBM console when the webhook is configured."),
    )
    region = forms.ChoiceField(
        label=_("RBM region"),
        required=False,
        choices=[
            ("", _("Global endpoint")),
            ("europe", _("Europe")),
            ("us", _("United States")),
            ("asia", _("Asia")),
        ],
        help_text=_("The regional endpoint that serves this agent (its hosting region)."),
    )
    message_ttl = forms.IntegerField(
        label=_("Message time-to-live (seconds)"),
        required=False,
        min_value=1,
        max_value=MAX_TTL_SECONDS,
        help_text=_(
            "Optional, at most 15 days. RBM withdraws an undelivered message after this; "
            "it then goes out on the SMS fallback."
        ),
    )
    message_traffic_type = forms.ChoiceField(
        label=_("Default traffic type"),
        required=False,
        choices=[
            ("", _("Not stated")),
            ("authentication", _("Authentication")),
            ("transaction", _("Transaction")),
            ("promotion", _("Promotion")),
            ("service_request", _("Service request")),
            ("acknowledgement", _("Acknowledgement")),
        ],
        help_text=_(
            "What RBM is told a message is, unless the message (a template or campaign) "
            "says otherwise. Multi-use agents must state it."
        ),
    )
    fallback_channel = forms.ModelChoiceField(
        label=_("SMS fallback channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("No fallback"),
        help_text=_("Used when the customer's phone cannot receive RCS."),
    )
    brand = forms.ModelChoiceField(
        label=_("Brand profile"),
        queryset=None,
        required=False,
        empty_label=_("No brand profile"),
        help_text=_("The name, logo and colours the customer's phone shows."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By kind, not by import: this app knows SMS only as the usual fallback's name.
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
                raise forms.ValidationError(_("Not valid JSON: paste the whole key file.")) from exc
            if not isinstance(parsed, dict):
                raise forms.ValidationError(_("The key must be a JSON object."))
        return raw

    def fallback(self) -> Channel | None:
        return self.cleaned_data.get("fallback_channel")

    def save_related(self, channel: Channel, actor) -> None:
        brands.set_channel_brand(channel, actor=actor, brand=self.cleaned_data.get("brand"))

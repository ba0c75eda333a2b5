"""The SMS channel's settings form: Twilio account, write-only auth token, sender, limits."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.adapters.config_form import ChannelConfigForm, secret_field


class SmsChannelForm(ChannelConfigForm):
    kind = "sms"
    secret_fields = ("auth_token",)
    config_fields = ("account_sid", "from_number", "mms", "max_segments")

    account_sid = forms.CharField(
        label=_("Account SID"),
        max_length=64,
        help_text=_("Starts with AC; in the provider's console."),
    )
    auth_token = secret_field(
        _("Auth token"), max_length=128, help_text=_("Stored encrypted; never shown again.")
    )
    from_number = forms.CharField(
        label=_("Sender number"), max_length=32, help_text=_("E.164, e.g. +14155550100.")
    )
    mms = forms.BooleanField(label=_("Send media as MMS"), required=False)
    max_segments = forms.IntegerField(
        label=_("Longest message (SMS segments)"),
        min_value=1,
        max_value=50,
        initial=10,
        help_text=_("Replies longer than this are refused before sending."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["name", "account_sid", "auth_token", "from_number", "mms", "max_segments"]
        )

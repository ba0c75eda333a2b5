"""Validation of what the simulated customer picks and types; nothing is sent unless valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.models import Channel
from inbox.phones import InvalidPhoneNumber, to_e164

from .businesses import label, sandbox_channels

# Twilio's own cap on a concatenated body; a real phone would split it the same way.
MAX_BODY = 1600


class BusinessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Channel) -> str:
        return label(obj)


class PhoneForm(forms.Form):
    """Who is texting whom: the conversation the page shows."""

    number = forms.CharField(
        label=_("Your phone number"),
        max_length=32,
        help_text=_("International format, e.g. +14155550111"),
        error_messages={"required": _("Enter your phone number, e.g. +14155550111.")},
    )
    channel = BusinessChoiceField(
        label=_("Business"),
        queryset=Channel.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Pick the business to text."),
            "invalid_choice": _("That business is not on the SMS sandbox."),
        },
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Another workspace's channel is simply not a choice: "not on the sandbox".
        self.fields["channel"].queryset = sandbox_channels(user)

    def clean_number(self) -> str:
        raw = self.cleaned_data["number"].strip()
        try:
            return to_e164(raw)
        except InvalidPhoneNumber as exc:
            # phonenumbers' own wording ("Missing or invalid default region") helps nobody.
            if not raw.startswith("+"):
                problem = _("Start with + and the country code, e.g. +14155550111.")
            else:
                problem = (
                    f"{raw} is not a possible phone number. Check the digits, e.g. +14155550111."
                )
            raise forms.ValidationError(problem) from exc


class SendForm(PhoneForm):
    """One text (and optionally one picture, making it an MMS) from the customer."""

    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    media_url = forms.URLField(
        label=_("Attach a picture (URL)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a full media URL, e.g. https://example.com/cat.jpg.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("media_url"):
            if "body" not in self.errors and "media_url" not in self.errors:
                self.add_error("body", _("Type a message or attach a picture."))
        return cleaned


# RBM's own caps on a chip's text and postback; a tap can carry no more than was sent.
MAX_CHIP_TEXT = 25
MAX_POSTBACK = 2048


class TapForm(PhoneForm):
    """A tapped RCS chip: what the phone reports back to the agent."""

    text = forms.CharField(max_length=MAX_CHIP_TEXT, strip=False)
    postback = forms.CharField(max_length=MAX_POSTBACK, required=False, strip=False)
    kind = forms.ChoiceField(choices=[("reply", "reply"), ("action", "action")], required=False)


class WhatsAppReplyForm(PhoneForm):
    """A tapped WhatsApp reply button or list row: the message it came with and its id
    (the title is read from that message, as the phone shows it)."""

    message_id = forms.CharField(max_length=200)
    reply_id = forms.CharField(max_length=256, strip=False)


class LocationForm(PhoneForm):
    """A shared location; the simulated phone has no GPS, so the customer picks the spot."""

    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    # Set when a "share location" chip asked for it: the tap is reported first.
    text = forms.CharField(max_length=MAX_CHIP_TEXT, required=False, strip=False)
    postback = forms.CharField(max_length=MAX_POSTBACK, required=False, strip=False)

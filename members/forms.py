"""Forms for the administration pages; each error says what to do about it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox.models import Role
from inbox.models.api_token import TokenScope
from workspace_settings.services.policies import MAX_RETENTION_DAYS


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={"invalid": _("Enter a full email address, like name@example.com.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


# Days a new token lives; "never" is allowed but not the default, so a forgotten token
# in a leaked config file stops working on its own.
TOKEN_LIFETIMES = [
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("never", _("Never expires")),
]


class ApiTokenForm(forms.Form):
    """A token's name, what it may do and for how long (read-only, 90 days unless chosen)."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=120,
        help_text=_("What uses it, e.g. “CRM sync”. You will see the token once."),
        error_messages={"required": _("Give the token a name, so you know what to revoke later.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give a token only what its program needs. Admin includes the others."),
        error_messages={"required": _("Pick at least one scope.")},
    )
    lifetime = forms.ChoiceField(label=_("Expires after"), choices=TOKEN_LIFETIMES, initial="90")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(
                _("Give the token a name, so you know what to revoke later.")
            )
        return name

    def expires_at(self) -> datetime | None:
        """The chosen expiry as a moment, or None for a token that never expires."""
        lifetime = self.cleaned_data["lifetime"]
        if lifetime == "never":
            return None
        return timezone.now() + timedelta(days=int(lifetime))


class SecurityForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every member"),
        required=False,
    )


class RetentionForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Delete messages older than (days)"),
        required=False,
        min_value=1,
        max_value=MAX_RETENTION_DAYS,
        help_text=_("Leave empty to keep messages forever."),
        error_messages={
            "invalid": _("Enter a whole number of days, or leave it empty."),
            "min_value": _("Keep messages for at least 1 day, or leave it empty."),
            "max_value": f"At most {MAX_RETENTION_DAYS} days.",
        },
    )


class EraseForm(forms.Form):
    confirmation = forms.CharField(label=_("Type the confirmation phrase"), max_length=100)

    def __init__(self, *args, phrase: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.phrase = phrase

    def clean_confirmation(self) -> str:
        value = self.cleaned_data["confirmation"].strip()
        if value.lower() != self.phrase:
            raise forms.ValidationError(f"Type “{self.phrase}” exactly to confirm.")
        return value


class TokenCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "").strip()
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return code


class SignUpForm(forms.Form):
    """A new account for someone accepting an invitation."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The invited address: a password resembling it is refused like one resembling
        # the username (AUTH_PASSWORD_VALIDATORS' similarity check).
        self.email = email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("That username is taken. If it is yours, sign in instead to join.")
            )
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, get_user_model()(username=cleaned.get("username", ""), email=self.email)
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

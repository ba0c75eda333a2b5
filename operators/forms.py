"""Forms of the first-run page, the operators' page and the sign-in that knows suspension."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from inbox.models import Language, Workspace
from inbox.services.workspaces import time_zones
from operators import selectors


class WorkspaceForm(forms.Form):
    """A new workspace and the email of its first admin (the operators' page)."""

    name = forms.CharField(label=_("Workspace name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=50,
        help_text=_(
            "Lower-case letters, numbers and hyphens; the workspace lives at /w/<address>/."
        ),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="UTC")
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.ENGLISH
    )
    admin_email = forms.EmailField(label=_("Admin's email"), max_length=254)
    admin_username = forms.CharField(
        label=_("Admin's username"),
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Leave empty to use the part of the email before the @."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(zone, zone) for zone in time_zones()]

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if Workspace.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another workspace already uses this address."))
        return slug


class FirstRunForm(WorkspaceForm):
    """The first workspace: the setup token from the server's log, and the admin's
    own username and password (no email needs to work yet)."""

    field_order = [
        "setup_token",
        "name",
        "slug",
        "time_zone",
        "language",
        "business_hours",
        "admin_username",
        "admin_email",
        "password1",
        "password2",
    ]

    setup_token = forms.CharField(
        label=_("Setup token"),
        max_length=100,
        help_text=_("Printed in the web server's log when it started (“SETUP TOKEN: …”)."),
    )
    business_hours = forms.BooleanField(
        label=_("Open Monday to Friday, 09:00–17:00 (change it later in settings)"),
        required=False,
        initial=True,
    )
    admin_username = forms.CharField(
        label=_("Your username"), max_length=150, validators=[UnicodeUsernameValidator()]
    )
    admin_email = forms.EmailField(label=_("Your email"), max_length=254)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def clean_admin_username(self) -> str:
        username = self.cleaned_data["admin_username"].strip()
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken; choose another."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(
                username=data.get("admin_username", ""), email=data.get("admin_email", "")
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SignInForm(AuthenticationForm):
    """Django's sign-in, refusing a member whose every workspace is suspended, with a
    message that says so instead of "wrong password"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "workspace_suspended": _(
            "Your workspace is suspended, so you cannot sign in. Contact the operator of "
            "this installation."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if selectors.is_suspended_everywhere(user):
            self.workspace_suspended = True
            raise forms.ValidationError(
                self.error_messages["workspace_suspended"], code="workspace_suspended"
            )

"""The sign-in page: Django's, with a form that refuses members of suspended workspaces."""

from __future__ import annotations

from django.contrib.auth.views import LoginView

from operators.forms import SignInForm


class SignInView(LoginView):
    authentication_form = SignInForm

"""Signal receivers: the two-factor answer is worked out once, at sign-in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from members.services import two_factor
from members.services.languages import forget_member_languages, member_languages


@receiver(user_logged_in, dispatch_uid="members.two_factor_at_login")
def decide_two_factor_at_login(sender, request, user, **kwargs) -> None:
    """Fresh at sign-in, then cached, so page loads do not pay for the lookup."""
    two_factor.forget(user)
    two_factor.requirement(user)


@receiver(user_logged_in, dispatch_uid="members.language_at_login")
def decide_language_at_login(sender, request, user, **kwargs) -> None:
    """The person's language sources, fresh at sign-in, then cached like two-factor."""
    forget_member_languages(user)
    member_languages(user)

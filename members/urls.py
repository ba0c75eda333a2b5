"""Administration URLs (members, security, API tokens, data, audit) and the user's 2FA."""

from django.urls import include, path

from members.views import (
    api_tokens,
    audit,
    data,
    invitations,
    language,
    members,
    security,
    two_factor,
)

app_name = "members"

settings_patterns = [
    path("", members.settings_home, name="settings"),
    path("members/", members.members_page, name="members"),
    path("members/invite/", members.invite, name="invite"),
    path(
        "members/invitations/<int:invitation_id>/revoke/",
        members.revoke_invitation,
        name="revoke_invitation",
    ),
    path("members/<int:member_id>/role/", members.change_role, name="change_role"),
    path("members/<int:member_id>/deactivate/", members.deactivate, name="deactivate"),
    path("members/<int:member_id>/reactivate/", members.reactivate, name="reactivate"),
    path("api-tokens/", api_tokens.tokens_page, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", api_tokens.revoke_token, name="revoke_token"),
    path("security/", security.security_page, name="security"),
    path("data/", data.data_page, name="data"),
    path("data/retention/", data.retention, name="retention"),
    path("data/contacts/<int:contact_id>/export/", data.export_contact, name="export_contact"),
    path("data/contacts/<int:contact_id>/erase/", data.erase_contact, name="erase_contact"),
    path("audit/", audit.audit_page, name="audit"),
]

urlpatterns = [
    path("w/<slug:slug>/settings/", include(settings_patterns)),
    path("invite/<str:token>/", invitations.accept_invitation, name="accept_invitation"),
    path("accounts/language/", language.choose_language, name="choose_language"),
    path("accounts/2fa/", two_factor.setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", two_factor.verify, name="two_factor_verify"),
    path("accounts/2fa/disable/", two_factor.disable, name="two_factor_disable"),
]

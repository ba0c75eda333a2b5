from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.utils import timezone

from inbox.models import ApiToken, Membership, Role
from inbox.services.tokens import authenticate

from .conftest import run


def test_prints_a_working_token(agent, workspace):
    out = run("create_api_token", "--user", "alice", "--name", "zapier")
    assert out["user"] == "alice" and out["workspace"] == "acme" and out["name"] == "zapier"
    token = authenticate(out["token"])
    assert token is not None and token.pk == out["id"]
    assert token.user == agent and token.workspace == workspace
    assert out["token"].startswith(out["prefix"])


def test_workspace_is_required_when_user_has_several(agent, workspace, other_workspace):
    Membership.objects.create(workspace=other_workspace, user=agent, role=Role.AGENT)
    with pytest.raises(CommandError, match="several workspaces"):
        run("create_api_token", "--user", "alice")
    out = run("create_api_token", "--user", "alice", "--workspace", "globex")
    assert authenticate(out["token"]).workspace == other_workspace


def test_unknown_user(db):
    with pytest.raises(CommandError, match="no user 'ghost'"):
        run("create_api_token", "--user", "ghost")


def test_non_member_gets_no_token(agent, other_workspace):
    with pytest.raises(CommandError, match="not a member of workspace 'globex'"):
        run("create_api_token", "--user", "alice", "--workspace", "globex")
    assert not ApiToken.objects.exists()


def test_scope_and_expiry_options(agent, workspace):
    out = run("create_api_token", "--user", "alice", "--scope", "read", "--expires", "30d")
    token = ApiToken.objects.get(pk=out["id"])
    assert out["scopes"] == token.scopes == ["read"]
    days = (token.expires_at - timezone.now()) / timedelta(days=1)
    assert 29.9 < days <= 30
    assert out["expires_at"] == token.expires_at.isoformat()


def test_scopes_can_be_repeated_or_comma_separated(agent, workspace):
    repeated = run("create_api_token", "--user", "alice", "--scope", "send", "--scope", "read")
    joined = run("create_api_token", "--user", "alice", "--scope", "read,send")
    assert repeated["scopes"] == joined["scopes"] == ["read", "send"]


def test_without_options_a_token_reads_and_sends_and_never_expires(agent, workspace):
    out = run("create_api_token", "--user", "alice")
    assert out["scopes"] == ["read", "send"] and out["expires_at"] is None


def test_expiry_as_a_date_lasts_through_that_day(agent, workspace):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    out = run("create_api_token", "--user", "alice", "--expires", day)
    expires = timezone.localtime(ApiToken.objects.get(pk=out["id"]).expires_at)
    assert expires.date().isoformat() == day and expires.hour == 23


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "write"], "unknown scope"),
        (["--scope", "admin"], "only a workspace admin"),
        (["--expires", "soon"], "use 30d"),
        (["--expires", "2001-01-01"], "in the future"),
    ],
)
def test_bad_scope_or_expiry_is_refused(agent, workspace, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_api_token", "--user", "alice", *args)
    assert not ApiToken.objects.exists()

import pytest
from django.core.management import CommandError

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

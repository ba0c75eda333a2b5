from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inbox.models import ApiToken, Membership
from inbox.models.api_token import hash_token
from inbox.services.tokens import authenticate, create_api_token, revoke_api_token

from .conftest import bearer_client

URL = "/api/v1/conversations"


def test_valid_token_is_accepted(api, conversation):
    response = api.get(URL)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [conversation.pk]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer inbx_not-a-real-token"},
        {"Authorization": "Token inbx_whatever"},
    ],
    ids=["missing", "empty", "unknown", "wrong-scheme"],
)
def test_missing_or_bad_token_is_401(db, headers):
    response = Client(headers=headers).get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_wrong_scheme_with_valid_token_is_401(token):
    response = Client(headers={"Authorization": f"Basic {token[1]}"}).get(URL)
    assert response.status_code == 401


def test_revoked_token_is_401(token):
    row, raw = token
    revoke_api_token(row)
    assert bearer_client(raw).get(URL).status_code == 401
    assert ApiToken.objects.get(pk=row.pk).revoked_at is not None


def test_token_stops_working_when_user_leaves_workspace(token, agent):
    Membership.objects.filter(user=agent).delete()
    assert bearer_client(token[1]).get(URL).status_code == 401


def test_token_stops_working_when_user_is_deactivated(token, agent):
    agent.is_active = False
    agent.save()
    assert bearer_client(token[1]).get(URL).status_code == 401


def test_only_the_hash_is_stored(token):
    row, raw = token
    row.refresh_from_db()
    assert raw.startswith("inbx_") and len(raw) > 40
    assert row.key_hash == hash_token(raw) != raw
    assert raw.startswith(row.prefix) and len(row.prefix) == 12
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_tokens_are_unique(agent, workspace):
    raws = {create_api_token(agent, workspace, "t")[1] for _ in range(5)}
    assert len(raws) == 5


def test_non_member_cannot_get_a_token(outsider, workspace):
    with pytest.raises(ValueError, match="not a member"):
        create_api_token(outsider, workspace, "nope")
    assert not ApiToken.objects.exists()


def test_last_used_at_is_written_at_most_once_a_minute(token, django_assert_num_queries):
    row, raw = token
    assert row.last_used_at is None
    first = authenticate(raw)
    assert first.pk == row.pk
    stamped = ApiToken.objects.get(pk=row.pk).last_used_at
    assert stamped is not None

    with django_assert_num_queries(1):  # the lookup only, no write
        again = authenticate(raw)
    assert again.pk == row.pk
    assert ApiToken.objects.get(pk=row.pk).last_used_at == stamped

    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=old)
    authenticate(raw)
    assert ApiToken.objects.get(pk=row.pk).last_used_at > old


def test_authenticate_rejects_empty(db):
    assert authenticate("") is None

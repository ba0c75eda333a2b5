"""Teams, canned responses, labels, contact attributes: bad input gets a clear error and
writes nothing; a good save writes the row and one AuditEntry with before/after."""

from __future__ import annotations

import pytest

from inbox.models import AuditEntry, CannedResponse, Channel, Label, Team
from tests.web.fakes import make_channel
from workspace_settings.models import ContactAttributeDefinition

pytestmark = pytest.mark.django_db


def _audit(action):
    return list(AuditEntry.objects.filter(action=action))


def _refused(response, text):
    assert response.status_code == 422
    assert text in response.content.decode()


# --- teams ----------------------------------------------------------------------------


@pytest.fixture
def channel(workspace, page_adapter):
    return make_channel(workspace)


def _team_post(**overrides):
    data = {"name": "Support", "routing": "round_robin", "max_open_per_agent": "2"}
    data.update(overrides)
    return data


def test_create_team_with_members_channels_and_routing_is_audited(
    admin_client, workspace, agent, channel
):
    response = admin_client.post(
        "/w/acme/settings/teams/",
        _team_post(members=[agent.pk], channels=[channel.pk], reassign_when_offline="on"),
    )
    assert response.status_code == 302
    team = Team.objects.get(workspace=workspace)
    assert list(team.members.all()) == [agent]
    channel.refresh_from_db()
    assert channel.team_id == team.pk
    (entry,) = _audit("team.created")
    assert entry.before is None
    assert entry.after == {
        "name": "Support",
        "routing": "round_robin",
        "max_open_per_agent": 2,
        "reassign_when_offline": True,
        "members": [agent.pk],
        "channels": [channel.pk],
    }


def test_team_refuses_agents_of_another_workspace(admin_client, agent, outsider, channel):
    response = admin_client.post(
        "/w/acme/settings/teams/", _team_post(members=[agent.pk, outsider.pk])
    )
    _refused(response, "Select a valid choice")
    assert not Team.objects.exists() and not _audit("team.created")


def test_team_refuses_channels_of_another_workspace(admin_client, other_workspace, page_adapter):
    theirs = make_channel(other_workspace, name="Globex SMS")
    response = admin_client.post("/w/acme/settings/teams/", _team_post(channels=[theirs.pk]))
    _refused(response, "Select a valid choice")
    assert not Team.objects.exists()
    assert Channel.objects.get(pk=theirs.pk).team_id is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"routing": "random"}, "Select a valid choice"),
        ({"max_open_per_agent": "-1"}, "greater than or equal to 0"),
        ({"max_open_per_agent": "many"}, "Enter a whole number"),
        ({"name": ""}, "This field is required"),
        ({"members": ["abc"]}, "is not a valid value"),
    ],
)
def test_team_routing_settings_are_validated(admin_client, overrides, message):
    _refused(admin_client.post("/w/acme/settings/teams/", _team_post(**overrides)), message)
    assert not Team.objects.exists() and not AuditEntry.objects.exists()


def test_team_name_is_unique_per_workspace_ignoring_case(admin_client, workspace):
    Team.objects.create(workspace=workspace, name="Support")
    _refused(
        admin_client.post("/w/acme/settings/teams/", _team_post(name="SUPPORT")), "already used"
    )
    assert Team.objects.count() == 1


def test_editing_a_team_moves_channels_and_records_before_and_after(
    admin_client, workspace, agent, manager, channel
):
    team = Team.objects.create(workspace=workspace, name="Support")
    team.members.set([agent])
    response = admin_client.post(
        f"/w/acme/settings/teams/{team.pk}/",
        _team_post(members=[manager.pk], channels=[channel.pk], max_open_per_agent="0"),
    )
    assert response.status_code == 302
    (entry,) = _audit("team.updated")
    assert entry.before["routing"] == "unassigned" and entry.after["routing"] == "round_robin"
    assert entry.before["members"] == [agent.pk] and entry.after["members"] == [manager.pk]
    assert entry.before["channels"] == [] and entry.after["channels"] == [channel.pk]


def test_invalid_team_edit_changes_nothing(admin_client, workspace, agent, outsider):
    team = Team.objects.create(workspace=workspace, name="Support", routing="round_robin")
    team.members.set([agent])
    response = admin_client.post(
        f"/w/acme/settings/teams/{team.pk}/",
        _team_post(name="Renamed", routing="unassigned", members=[outsider.pk]),
    )
    assert response.status_code == 422
    team.refresh_from_db()
    assert (team.name, team.routing) == ("Support", "round_robin")
    assert list(team.members.all()) == [agent]
    assert not AuditEntry.objects.exists()


# --- canned responses -----------------------------------------------------------------


def test_canned_response_with_unknown_variables_is_refused(admin_client):
    response = admin_client.post(
        "/w/acme/settings/canned-responses/",
        {"shortcut": "hi", "title": "Hi", "body": "Hi {{contact.email}} {{agent.first_name}}"},
    )
    _refused(response, "Unknown variable: {{contact.email}}")
    assert not CannedResponse.objects.exists() and not AuditEntry.objects.exists()


def test_canned_shortcut_must_be_unique_and_a_slug(admin_client, workspace):
    CannedResponse.objects.create(workspace=workspace, shortcut="hi", title="Hi", body="Hello")
    dup = admin_client.post(
        "/w/acme/settings/canned-responses/", {"shortcut": "HI", "title": "x", "body": "y"}
    )
    _refused(dup, "already used")
    bad = admin_client.post(
        "/w/acme/settings/canned-responses/", {"shortcut": "say hi", "title": "x", "body": "y"}
    )
    _refused(bad, "valid")
    assert CannedResponse.objects.count() == 1 and not AuditEntry.objects.exists()


def test_canned_response_create_and_edit_are_audited(admin_client, workspace):
    body = "Hi {{contact.first_name}}, {{agent.first_name}} here."
    created = admin_client.post(
        "/w/acme/settings/canned-responses/", {"shortcut": "hi", "title": "Hi", "body": body}
    )
    assert created.status_code == 302
    canned = CannedResponse.objects.get(workspace=workspace)
    (entry,) = _audit("canned_response.created")
    assert entry.before is None and entry.after == {"shortcut": "hi", "title": "Hi", "body": body}
    admin_client.post(
        f"/w/acme/settings/canned-responses/{canned.pk}/",
        {"shortcut": "hello", "title": "Hi", "body": body},
    )
    (entry,) = _audit("canned_response.updated")
    assert entry.before["shortcut"] == "hi" and entry.after["shortcut"] == "hello"


# --- labels ---------------------------------------------------------------------------


@pytest.mark.parametrize("colour", ["red", "#12345", "#gggggg", "123456", ""])
def test_label_colour_must_be_hex(admin_client, colour):
    response = admin_client.post("/w/acme/settings/labels/", {"name": "VIP", "colour": colour})
    assert response.status_code == 422
    assert "#RRGGBB" in response.content.decode() or "required" in response.content.decode()
    assert not Label.objects.exists() and not AuditEntry.objects.exists()


def test_label_name_is_unique_ignoring_case(admin_client, workspace):
    Label.objects.create(workspace=workspace, name="VIP", colour="#ff0000")
    _refused(
        admin_client.post("/w/acme/settings/labels/", {"name": "vip", "colour": "#00ff00"}),
        "already used",
    )
    assert Label.objects.count() == 1


def test_label_create_and_edit_are_audited(admin_client, workspace):
    admin_client.post("/w/acme/settings/labels/", {"name": "VIP", "colour": "#FF0000"})
    label = Label.objects.get(workspace=workspace)
    assert label.colour == "#ff0000"
    (entry,) = _audit("label.created")
    assert entry.after == {"name": "VIP", "colour": "#ff0000"}
    admin_client.post(f"/w/acme/settings/labels/{label.pk}/", {"name": "VIP", "colour": "#00ff00"})
    (entry,) = _audit("label.updated")
    assert (entry.before["colour"], entry.after["colour"]) == ("#ff0000", "#00ff00")


def test_saving_a_label_unchanged_records_nothing(admin_client, workspace):
    label = Label.objects.create(workspace=workspace, name="VIP", colour="#ff0000")
    response = admin_client.post(
        f"/w/acme/settings/labels/{label.pk}/", {"name": "VIP", "colour": "#ff0000"}
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


# --- contact attributes ---------------------------------------------------------------


def test_attribute_key_must_be_unique(admin_client, workspace):
    ContactAttributeDefinition.objects.create(workspace=workspace, key="plan", label="Plan")
    _refused(
        admin_client.post(
            "/w/acme/settings/attributes/", {"key": "plan", "label": "Plan 2", "type": "text"}
        ),
        "already used",
    )
    assert ContactAttributeDefinition.objects.count() == 1 and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"key": "tier", "label": "Tier", "type": "json"}, "Select a valid choice"),
        ({"key": "Plan Tier", "label": "Tier", "type": "text"}, "lower-case letters"),
        ({"key": "1tier", "label": "Tier", "type": "text"}, "lower-case letters"),
    ],
)
def test_attribute_type_and_key_are_validated(admin_client, data, message):
    _refused(admin_client.post("/w/acme/settings/attributes/", data), message)
    assert not ContactAttributeDefinition.objects.exists() and not AuditEntry.objects.exists()


def test_attribute_create_is_audited_and_its_key_is_fixed_afterwards(admin_client, workspace):
    admin_client.post(
        "/w/acme/settings/attributes/", {"key": "plan", "label": "Plan", "type": "text"}
    )
    attribute = ContactAttributeDefinition.objects.get(workspace=workspace)
    (entry,) = _audit("contact_attribute.created")
    assert entry.after == {"key": "plan", "label": "Plan", "type": "text"}
    admin_client.post(
        f"/w/acme/settings/attributes/{attribute.pk}/",
        {"key": "renamed", "label": "Plan name", "type": "number"},
    )
    attribute.refresh_from_db()
    assert (attribute.key, attribute.type) == ("plan", "number")
    (entry,) = _audit("contact_attribute.updated")
    assert (entry.before["type"], entry.after["type"]) == ("text", "number")
    assert entry.after["key"] == "plan"

"""Business hours, holidays, out-of-hours replies and webhooks: clear errors, nothing
written on bad input, one AuditEntry with before/after on success."""

from __future__ import annotations

import datetime as dt

import pytest

from inbox.models import AuditEntry, BusinessHours, Holiday
from inbox.services.out_of_hours import reply_text
from tests.web.fakes import make_channel
from workspace_settings.models import OutboundWebhook
from workspace_settings.services import webhook_endpoints

pytestmark = pytest.mark.django_db

HOURS = "/w/acme/settings/hours/"


def _hours(**days):
    data = {"timezone": "Europe/Berlin", "enabled": "on"}
    data.update(days)
    return data


@pytest.mark.parametrize(
    "days, message",
    [
        ({"d0_start1": "17:00", "d0_end1": "09:00"}, "closing time must be after opening"),
        ({"d0_start1": "09:00"}, "give both an opening and a closing time"),
        ({"d0_start1": "25:00", "d0_end1": "26:00"}, "Enter a valid time"),
        (
            {"d0_start1": "09:00", "d0_end1": "13:00", "d0_start2": "12:00", "d0_end2": "17:00"},
            "the second interval must start after the first ends",
        ),
        ({"timezone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_bad_hours_are_refused_and_nothing_is_written(admin_client, workspace, days, message):
    response = admin_client.post(HOURS, _hours(**days))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not BusinessHours.objects.filter(workspace=workspace, enabled=True).exists()
    workspace.refresh_from_db()
    assert workspace.timezone != "Europe/Berlin" or "timezone" in days
    assert not AuditEntry.objects.exists()


def test_saved_hours_are_audited_with_before_and_after(admin_client, workspace):
    old_zone = workspace.timezone
    response = admin_client.post(
        HOURS,
        _hours(d0_start1="09:00", d0_end1="12:00", d0_start2="13:00", d0_end2="00:00"),
    )
    assert response.status_code == 302
    (entry,) = AuditEntry.objects.filter(action="business_hours.updated")
    assert (entry.before["timezone"], entry.before["enabled"]) == (old_zone, False)
    assert entry.before["weekly"] != entry.after["weekly"]
    assert entry.after == {
        "timezone": "Europe/Berlin",
        "enabled": True,
        "weekly": {"0": [["09:00", "12:00"], ["13:00", "24:00"]]},
    }


def test_holidays_add_refuse_duplicates_and_remove_with_audit(admin_client, workspace):
    added = admin_client.post(f"{HOURS}holidays/", {"date": "2030-12-25", "name": "Christmas"})
    assert added.status_code == 302
    holiday = Holiday.objects.get(workspace=workspace)
    (entry,) = AuditEntry.objects.filter(action="holiday.added")
    assert entry.after == {"date": "2030-12-25", "name": "Christmas"}

    dup = admin_client.post(f"{HOURS}holidays/", {"date": "2030-12-25", "name": "Again"})
    assert dup.status_code == 422 and "already a holiday" in dup.content.decode()
    bad = admin_client.post(f"{HOURS}holidays/", {"date": "25/12/2030"})
    assert bad.status_code == 422 and "Enter a valid date" in bad.content.decode()
    assert Holiday.objects.count() == 1
    assert AuditEntry.objects.filter(action="holiday.added").count() == 1

    removed = admin_client.post(f"{HOURS}holidays/{holiday.pk}/delete/")
    assert removed.status_code == 302
    assert not Holiday.objects.exists()
    (entry,) = AuditEntry.objects.filter(action="holiday.removed")
    assert entry.before == {"date": "2030-12-25", "name": "Christmas"}


def test_another_workspaces_holiday_cannot_be_removed(admin_client, other_workspace):
    theirs = Holiday.objects.create(workspace=other_workspace, date=dt.date(2030, 1, 1))
    assert admin_client.post(f"{HOURS}holidays/{theirs.pk}/delete/").status_code == 404
    assert Holiday.objects.filter(pk=theirs.pk).exists()


def test_out_of_hours_replies_all_or_nothing_and_audited(
    admin_client, workspace, other_workspace, page_adapter
):
    first = make_channel(workspace, name="A")
    second = make_channel(workspace, name="B")
    theirs = make_channel(other_workspace, name="Globex")
    too_long = admin_client.post(
        f"{HOURS}replies/", {f"reply_{first.pk}": "Closed", f"reply_{second.pk}": "x" * 1001}
    )
    assert too_long.status_code == 422
    assert "At most 1000 characters" in too_long.content.decode()
    first.refresh_from_db()
    assert reply_text(first) == "" and not AuditEntry.objects.exists()

    ok = admin_client.post(
        f"{HOURS}replies/",
        {f"reply_{first.pk}": "  We are closed.  ", f"reply_{theirs.pk}": "injected"},
    )
    assert ok.status_code == 302
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert reply_text(first) == "We are closed." and reply_text(theirs) == ""
    (entry,) = AuditEntry.objects.filter(action="channel.out_of_hours_reply_changed")
    assert entry.target_id == str(first.pk)
    assert entry.before == {"out_of_hours_reply": None}
    assert entry.after == {"out_of_hours_reply": "We are closed."}


# --- outbound webhooks ----------------------------------------------------------------

WEBHOOKS = "/w/acme/settings/webhooks/"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"url": "not a url", "events": ["message.created"]}, "Enter a valid URL"),
        (
            {"url": "ftp://example.com/x", "events": ["message.created"]},
            "Use an http:// or https://",
        ),
        ({"url": "http://127.0.0.1:9/x"}, "Pick at least one event"),
        ({"url": "http://127.0.0.1:9/x", "events": ["contact.deleted"]}, "Select a valid choice"),
    ],
)
def test_bad_webhook_input_is_refused(admin_client, data, message):
    response = admin_client.post(WEBHOOKS, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not OutboundWebhook.objects.exists() and not AuditEntry.objects.exists()


def test_webhook_create_and_edit_are_audited_without_the_secret(admin_client, workspace):
    created = admin_client.post(
        WEBHOOKS,
        {"url": "http://127.0.0.1:9/x", "events": ["message.created"], "is_active": "on"},
    )
    assert created.status_code == 302
    webhook = OutboundWebhook.objects.get(workspace=workspace)
    (entry,) = AuditEntry.objects.filter(action="webhook.created")
    assert entry.after == {
        "url": "http://127.0.0.1:9/x",
        "events": ["message.created"],
        "is_active": True,
    }
    edited = admin_client.post(
        f"{WEBHOOKS}{webhook.pk}/",
        {"url": "http://127.0.0.1:9/y", "events": ["message.created", "conversation.resolved"]},
    )
    assert edited.status_code == 302
    (entry,) = AuditEntry.objects.filter(action="webhook.updated")
    assert entry.before["url"] == "http://127.0.0.1:9/x" and entry.before["is_active"] is True
    assert entry.after == {
        "url": "http://127.0.0.1:9/y",
        "events": ["message.created", "conversation.resolved"],
        "is_active": False,
    }
    assert webhook.secret not in str(entry.before) + str(entry.after)


def test_invalid_webhook_edit_changes_nothing(admin_client, workspace):
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url="http://127.0.0.1:9/x", events=["message.created"]
    )
    response = admin_client.post(f"{WEBHOOKS}{webhook.pk}/", {"url": "http://127.0.0.1:9/y"})
    assert response.status_code == 422
    webhook.refresh_from_db()
    assert webhook.url == "http://127.0.0.1:9/x"
    assert not AuditEntry.objects.filter(action="webhook.updated").exists()

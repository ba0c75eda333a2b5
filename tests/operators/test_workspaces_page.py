"""The operators' page: staff only; workspaces with their counts; create, suspend and
resume, each audited; and the header's workspace switcher for people in several."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.adapters import InboundMessage, register
from inbox.models import AuditEntry, Membership, Message, Role, Workspace
from inbox.services import create_channel, ingest
from operators.selectors import month_start
from tests.services.conftest import RecordingAdapter

pytestmark = pytest.mark.django_db

PAGE = "/operators/workspaces/"


@pytest.fixture
def staff_client(client, operator):
    client.force_login(operator)
    return client


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("path", [PAGE, PAGE + "new/"])
def test_workspace_admin_who_is_not_staff_is_refused(client, admin_user, path):
    client.force_login(admin_user)
    response = client.get(path) if path == PAGE else client.post(path, {"name": "X"})
    assert response.status_code == 403
    assert Workspace.objects.count() == 1


def test_non_staff_cannot_suspend(client, admin_user, workspace):
    client.force_login(admin_user)
    assert client.post(f"{PAGE}{workspace.pk}/suspend/").status_code == 403
    workspace.refresh_from_db()
    assert workspace.suspended_at is None


def test_lists_workspaces_with_members_channels_and_this_months_messages(
    staff_client, workspace, other_workspace, agent, admin_user
):
    register(RecordingAdapter())
    channel = create_channel(workspace, kind="recording", name="Rec", config={})
    for n in range(3):
        ingest(
            channel,
            [
                InboundMessage(
                    provider_message_id=f"IN{n}",
                    sender="+14155550100",
                    recipient="+15550001",
                    content={"type": "text", "text": "hi"},
                    text="hi",
                )
            ],
        )
    # One from last month does not count.
    Message.objects.filter(provider_message_id="IN0").update(
        created_at=month_start() - timedelta(hours=1)
    )
    Membership.objects.filter(user=agent).update(is_active=False)  # deactivated: not counted
    response = staff_client.get(PAGE)
    assert response.status_code == 200
    rows = {ws.slug: ws for ws in response.context["workspaces"]}
    assert (rows["acme"].member_count, rows["acme"].channel_count) == (1, 1)
    assert rows["acme"].messages_this_month == 2
    assert (rows["globex"].member_count, rows["globex"].messages_this_month) == (0, 0)
    assert b'data-slug="globex"' in response.content


def test_creates_a_workspace_and_shows_the_admins_setup_link_once(staff_client, operator):
    response = staff_client.post(
        PAGE + "new/",
        {
            "name": "Initech",
            "slug": "initech",
            "time_zone": "Europe/Madrid",
            "language": "es",
            "admin_email": "peter@initech.example",
            "admin_username": "",
        },
    )
    assert response.status_code == 200
    workspace = Workspace.objects.get(slug="initech")
    assert workspace.language == "es"
    admin = Membership.objects.get(workspace=workspace)
    assert admin.role == Role.ADMIN and admin.user.username == "peter"
    link = response.context["setup_link"]
    assert link and link.encode() in response.content
    entry = AuditEntry.objects.get(workspace=workspace, action="workspace.created")
    assert entry.actor == operator
    assert staff_client.get(PAGE).content.count(b"/setup/password/") == 0  # not shown again


def test_a_taken_address_is_refused_with_the_values_kept(staff_client, workspace):
    response = staff_client.post(
        PAGE + "new/",
        {
            "name": "Acme two",
            "slug": "acme",
            "time_zone": "UTC",
            "language": "en",
            "admin_email": "a@b.example",
        },
    )
    assert response.status_code == 422
    assert b"errors-slug" in response.content and b'value="Acme two"' in response.content
    assert Workspace.objects.count() == 1


def test_suspend_then_resume_from_the_page_audited_with_the_operator(
    staff_client, operator, workspace
):
    staff_client.post(f"{PAGE}{workspace.pk}/suspend/")
    workspace.refresh_from_db()
    assert workspace.suspended_at is not None
    page = staff_client.get(PAGE)
    assert b'data-testid="resume"' in page.content
    staff_client.post(f"{PAGE}{workspace.pk}/resume/")
    workspace.refresh_from_db()
    assert workspace.suspended_at is None
    assert list(
        AuditEntry.objects.filter(workspace=workspace).order_by("pk").values_list("action", "actor")
    ) == [("workspace.suspended", operator.pk), ("workspace.resumed", operator.pk)]


def test_header_switches_between_the_users_workspaces(client, workspace, other_workspace, agent):
    Membership.objects.create(workspace=other_workspace, user=agent, role=Role.AGENT)
    client.force_login(agent)
    page = client.get("/w/acme/").content.decode()
    assert 'aria-label="Workspaces"' in page
    assert 'href="/w/globex/"' in page and 'href="/w/acme/" aria-current="page"' in page
    assert client.get("/w/globex/").status_code == 200
    assert "All workspaces" not in page  # the operators' link is for staff


def test_staff_member_sees_the_operators_link(client, workspace, operator):
    Membership.objects.create(workspace=workspace, user=operator, role=Role.ADMIN)
    client.force_login(operator)
    assert b'data-testid="operators-link"' in client.get("/w/acme/").content


def test_month_start_is_the_first_of_the_month_in_utc():
    now = timezone.now()
    start = month_start(now)
    assert (start.day, start.hour, start.minute) == (1, 0, 0) and start <= now

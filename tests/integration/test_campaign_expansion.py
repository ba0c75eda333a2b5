"""Campaign expansion on real Celery workers: several expansions at once and a worker
killed mid-campaign still leave exactly one message per recipient."""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from datetime import timedelta

import pytest
from celery import current_app
from django.db.models import Count
from django.utils import timezone

from channels_sms import sandbox
from inbox import jobs
from inbox.models import Campaign, CampaignRecipient, CampaignStatus, Message
from inbox.services import create_channel
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.expansion import sweep_campaigns
from inbox.services.contact_book import upsert_contact
from inbox.services.templates.save import save_template
from tests.campaigns.conftest import new_campaign
from tests.support import processes

pytestmark = pytest.mark.worker


@pytest.fixture
def channel(workspace, asgi_server, live_settings):
    # A generous rate so the sandbox takes every send within the test's wait.
    config = sandbox.channel_config("+14155550100", mps=500)
    channel = create_channel(workspace, kind="sms", name="SMS", config=config)
    sandbox.set_controls(channel.config["account_sid"], callbacks="off")
    yield channel
    sandbox.reset(channel.config["account_sid"])


def _campaign(workspace, admin_user, channel, size: int):
    numbers = random.sample(range(10_000), size)  # the handset log outlives test runs
    contacts = [
        upsert_contact(workspace, phone=f"+1415555{n:04d}", name=f"C{n}", source="api")[0]
        for n in numbers
    ]
    marker = uuid.uuid4().hex[:8]
    template = save_template(
        workspace=workspace,
        actor=admin_user,
        name=f"t-{marker}",
        use_case="other",
        content={"type": "text", "text": f"Hi {{{{first_name}}}} ({marker})"},
    )
    campaign = new_campaign(workspace, admin_user, template, channel, contacts)
    return campaign, contacts, marker


def _expansion_worker(public_base_url, queue: str, chunk: int):
    env = processes.child_env(
        PUBLIC_BASE_URL=public_base_url,
        CAMPAIGN_CHUNK_SIZE=str(chunk),
        CAMPAIGN_CHUNK_MAX_SIZE=str(chunk),  # no growing: the kill lands mid-campaign
        CAMPAIGN_RUN_SECONDS="600",
    )
    return processes.start_worker(env, name=queue, queues=(queue,))


def _wait(predicate, timeout=90.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _one_each(campaign, contacts):
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    assert rows.count() == len(contacts)
    per_contact = (
        Message.objects.filter(campaign_recipient__campaign=campaign)
        .values("conversation__contact")
        .annotate(n=Count("pk"))
    )
    assert sorted(r["conversation__contact"] for r in per_contact) == sorted(c.pk for c in contacts)
    assert {r["n"] for r in per_contact} == {1}


def test_three_expansions_at_once_write_one_message_per_recipient_and_send_each_once(
    workspace, admin_user, channel, celery_worker, public_base_url
):
    campaign, contacts, marker = _campaign(workspace, admin_user, channel, 40)
    queue = f"campaign-{uuid.uuid4().hex[:8]}"
    worker = _expansion_worker(public_base_url, queue, chunk=3)
    try:
        launch_campaign(campaign=campaign, actor=admin_user)  # one on the default worker
        for _ in range(2):  # and two more, at once, on another worker with small chunks
            current_app.send_task(jobs.EXPAND_CAMPAIGN, args=(campaign.pk,), queue=queue)
        _wait(
            lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.COMPLETED,
            what="the campaign to complete",
        )
    finally:
        worker.stop()
    _one_each(campaign, contacts)
    messages = Message.objects.filter(campaign_recipient__campaign=campaign)
    _wait(lambda: not messages.filter(status__in=("queued", "sending")).exists(), what="sends")
    assert set(messages.values_list("status", flat=True)) == {"sent"}
    bodies = [
        m["body"]
        for c in contacts
        for m in sandbox.handset_messages(c.identities.get().value)
        if marker in m["body"]
    ]
    assert len(bodies) == len(contacts)


def test_a_worker_killed_mid_expansion_is_resumed_to_the_same_result(
    workspace, admin_user, channel, celery_worker, public_base_url
):
    campaign, contacts, _marker = _campaign(workspace, admin_user, channel, 120)
    queue = f"campaign-{uuid.uuid4().hex[:8]}"
    worker = _expansion_worker(public_base_url, queue, chunk=1)
    # Running without launch_campaign's own request: only the doomed worker expands.
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.RUNNING, launched_at=timezone.now(), progressed_at=timezone.now()
    )
    try:
        current_app.send_task(jobs.EXPAND_CAMPAIGN, args=(campaign.pk,), queue=queue)
        _wait(lambda: Campaign.objects.get(pk=campaign.pk).cursor > 0, what="a first chunk")
        os.killpg(worker.pid, signal.SIGKILL)  # mid-chunk or between chunks: no goodbye
        worker.popen.wait(timeout=10)
    finally:
        worker.stop()
    killed_at = CampaignRecipient.objects.filter(campaign=campaign).count()
    assert 0 < killed_at < len(contacts)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.RUNNING
    # Beat finds it quiet and re-requests it; the default worker carries on from the cursor.
    Campaign.objects.filter(pk=campaign.pk).update(
        progressed_at=timezone.now() - timedelta(minutes=10)
    )
    assert sweep_campaigns()["resumed"] == 1
    _wait(
        lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.COMPLETED,
        what="the resumed campaign to complete",
    )
    _one_each(campaign, contacts)

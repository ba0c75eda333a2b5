"""A campaign expands into one ordinary queued message per recipient, exactly once,
whatever happens to the workers, and excludes the rest with a reason."""

from __future__ import annotations

import pytest
from django.db import connection

from inbox.adapters import InboundMessage
from inbox.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    ContactIdentity,
    Conversation,
    Message,
    MessageStatus,
)
from inbox.selectors.campaign_progress import campaign_progress
from inbox.services import ingest
from inbox.services.campaigns import bulk_write, expansion
from inbox.services.campaigns.control import (
    CampaignConflict,
    cancel_campaign,
    launch_campaign,
    pause_campaign,
    resume_campaign,
)
from inbox.services.campaigns.plan import CampaignRejected, preview_campaign
from inbox.services.consent import record_consent
from inbox.services.templates.save import save_template

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(workspace, definitions):
    return [make_contact(workspace, n) for n in range(1, 8)]


def _campaign(workspace, admin_user, template, channel, contacts, **kwargs):
    return new_campaign(workspace, admin_user, template, channel, contacts, **kwargs)


@pytest.fixture
def first_chunk(workspace, admin_user, reminder, sms_channel, contacts, settings):
    """A launched campaign whose first chunk (3 of 7 contacts) has committed."""
    settings.CAMPAIGN_CHUNK_SIZE = 3
    campaign = _campaign(workspace, admin_user, reminder, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    return campaign


def _run(campaign):
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass
    campaign.refresh_from_db()
    return campaign


def _messages(campaign):
    return Message.objects.filter(campaign_recipient__campaign=campaign)


def test_each_recipient_gets_one_message_in_their_own_thread(
    workspace, admin_user, reminder, sms_channel, contacts, settings
):
    settings.CAMPAIGN_CHUNK_SIZE = 3
    existing = ingest(
        sms_channel,
        [
            InboundMessage(
                provider_message_id="IN1",
                sender=contacts[0].identities.get().value,
                recipient="+14155550100",
                content={"type": "text", "text": "hi"},
                text="hi",
            )
        ],
    )[0].conversation
    campaign = _campaign(workspace, admin_user, reminder, sms_channel, contacts)
    assert campaign.status == CampaignStatus.DRAFT
    launch_campaign(campaign=campaign, actor=admin_user)
    campaign = _run(campaign)
    assert campaign.status == CampaignStatus.COMPLETED and campaign.cursor == contacts[-1].pk
    messages = _messages(campaign)
    assert messages.count() == 7
    assert {m.status for m in messages} == {MessageStatus.QUEUED}
    first = messages.get(conversation__contact=contacts[0])
    assert first.conversation_id == existing.pk  # the customer's thread, reused
    # A text-only channel gets the text version, filled for this recipient.
    assert first.content["type"] == "text"
    assert first.text.startswith("Hola Ana, you owe 11 by Jan. 15, 2027.")
    assert "Reply 1 for My balance" in first.text
    stats = campaign_progress(campaign)
    assert (stats.recipients, stats.excluded, stats.queued) == (7, 0, 7)


def test_rich_channel_keeps_the_card_and_the_text_version_for_the_fallback(
    workspace, admin_user, reminder, rcs_channel, contacts
):
    campaign = _campaign(workspace, admin_user, reminder, rcs_channel, contacts[:1])
    launch_campaign(campaign=campaign, actor=admin_user)
    message = _messages(_run(campaign)).get()
    assert message.content["suggestions"][0]["url"] == "https://pay.example.com/"
    assert message.content["fallback_text"].startswith("Hola Ana, you owe 11")
    assert "traffic_type" not in message.content  # the template names none


def test_exclusions_are_rows_with_a_reason_and_the_rest_still_go(
    workspace, admin_user, reminder, sms_channel, contacts
):
    record_consent(
        sms_channel,
        contacts[1].identities.get().value,
        opted_out=True,
        source="keyword",
        keyword="STOP",
    )
    ContactIdentity.objects.filter(contact=contacts[2]).delete()
    contacts[3].attributes = {"balance": 5}  # no due date
    contacts[3].save()
    audience = [c.pk for c in contacts] + [contacts[0].pk]  # listed twice
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, {"contact_ids": audience})
    preview = preview_campaign(campaign)
    assert preview.recipients == 4
    assert preview.excluded == {
        "opted_out": 1,
        "invalid_number": 1,
        "missing_value": 1,
        "duplicate": 1,
    }
    assert Message.objects.count() == 0  # the preview writes nothing
    launch_campaign(campaign=campaign, actor=admin_user)
    campaign = _run(campaign)
    reasons = dict(
        CampaignRecipient.objects.filter(campaign=campaign)
        .exclude(excluded="")
        .values_list("contact_id", "excluded")
    )
    assert reasons == {
        contacts[1].pk: "opted_out",
        contacts[2].pk: "invalid_number",
        contacts[3].pk: "missing_value",
    }
    detail = CampaignRecipient.objects.get(campaign=campaign, contact=contacts[3]).detail
    assert detail == "no value for {{due_date}}"
    assert _messages(campaign).count() == 4
    assert not Message.objects.filter(text__contains="{{").exists()


def test_a_recipient_the_channel_refuses_does_not_stop_the_rest(
    workspace, admin_user, reminder, sms_channel, contacts
):
    refused = contacts[2]
    refused.name = "Жанна" * 30  # their text alone runs past the channel's segment limit
    refused.save()
    campaign = _campaign(workspace, admin_user, reminder, sms_channel, contacts)
    sms_channel.config = {**sms_channel.config, "max_segments": 3}
    sms_channel.save()
    launch_campaign(campaign=campaign, actor=admin_user)
    campaign = _run(campaign)
    row = CampaignRecipient.objects.get(campaign=campaign, contact=refused)
    assert row.excluded == "rejected" and "SMS segments" in row.detail
    assert row.message is None
    # The thread opened for the refused message is not left behind empty.
    assert not Conversation.objects.filter(contact=refused).exists()
    assert _messages(campaign).count() == 6 and campaign.status == CampaignStatus.COMPLETED


def test_a_second_launch_and_a_rerun_from_the_start_add_nothing(
    workspace, admin_user, reminder, sms_channel, contacts
):
    campaign = _campaign(workspace, admin_user, reminder, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    campaign = _run(campaign)
    launch_campaign(campaign=campaign, actor=admin_user)
    # Even a run that forgot its cursor meets the unique (campaign, contact).
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING, cursor=0)
    _run(campaign)
    assert _messages(campaign).count() == 7
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 7


def test_a_rerun_over_a_partly_judged_span_writes_only_the_rest(first_chunk, contacts):
    # The first chunk judged contacts 1-3; a run that forgot its cursor takes all seven in
    # one chunk: the three are found judged (the chunk's id span, then its list) and only
    # the four others are written.
    campaign = first_chunk
    Campaign.objects.filter(pk=campaign.pk).update(cursor=0)
    assert expansion.expand_chunk(campaign.pk, size=len(contacts)) == expansion.MORE
    assert sorted(_messages(campaign).values_list("conversation__contact_id", flat=True)) == [
        c.pk for c in contacts
    ]
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 7


def test_chunk_sizes_start_small_and_double_up_to_the_max(settings):
    settings.CAMPAIGN_CHUNK_SIZE, settings.CAMPAIGN_CHUNK_MAX_SIZE = 3, 10
    sizes = expansion.chunk_sizes()
    assert [next(sizes) for _ in range(5)] == [3, 6, 10, 10, 10]
    settings.CAMPAIGN_CHUNK_MAX_SIZE = 2  # a max below the first size: the first for ever
    sizes = expansion.chunk_sizes()
    assert [next(sizes) for _ in range(3)] == [3, 3, 3]


def test_a_run_grows_its_chunks_and_writes_each_recipient_once(
    workspace, admin_user, reminder, sms_channel, contacts, settings, monkeypatch
):
    settings.CAMPAIGN_CHUNK_SIZE, settings.CAMPAIGN_CHUNK_MAX_SIZE = 1, 4
    asked = []
    expand = expansion.expand_chunk

    def recording(campaign_id, *, size=None):
        asked.append(size)
        return expand(campaign_id, size=size)

    monkeypatch.setattr(expansion, "expand_chunk", recording)
    campaign = _campaign(workspace, admin_user, reminder, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    assert expansion.run_expansion(campaign.pk, budget_seconds=600) == expansion.DONE
    assert asked == [1, 2, 4, 4]  # 1 + 2 + 4 = the 7 contacts, then the one that finds none
    assert sorted(_messages(campaign).values_list("conversation__contact_id", flat=True)) == [
        c.pk for c in contacts
    ]


def test_a_crash_mid_chunk_loses_nothing_and_the_resume_matches_a_clean_run(
    first_chunk, contacts, monkeypatch
):
    campaign = first_chunk

    def dies(*_args):  # after the chunk's messages and recipient rows were inserted
        raise RuntimeError("worker killed")

    monkeypatch.setattr(bulk_write, "store_links", dies)
    with pytest.raises(RuntimeError):
        expansion.expand_chunk(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.cursor == contacts[2].pk  # the dead chunk rolled back whole
    assert _messages(campaign).count() == 3
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 3
    monkeypatch.undo()
    campaign = _run(campaign)
    assert sorted(_messages(campaign).values_list("conversation__contact_id", flat=True)) == [
        c.pk for c in contacts
    ]


def test_pause_stops_expansion_and_resume_continues(first_chunk, admin_user):
    campaign = first_chunk
    pause_campaign(campaign=campaign, actor=admin_user)
    assert expansion.expand_chunk(campaign.pk) == expansion.STOPPED
    assert _messages(campaign).count() == 3
    resume_campaign(campaign=campaign, actor=admin_user)
    campaign = _run(campaign)
    assert _messages(campaign).count() == 7 and campaign.status == CampaignStatus.COMPLETED
    with pytest.raises(CampaignConflict):
        resume_campaign(campaign=campaign, actor=admin_user)


def test_cancel_withdraws_what_is_not_sent(first_chunk, admin_user):
    campaign = first_chunk
    sent = _messages(campaign).first()
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT)
    cancel_campaign(campaign=campaign, actor=admin_user)
    assert expansion.expand_chunk(campaign.pk) == expansion.STOPPED
    statuses = dict(_messages(campaign).values_list("pk", "status"))
    assert statuses.pop(sent.pk) == MessageStatus.SENT
    assert set(statuses.values()) == {MessageStatus.FAILED}
    failed = _messages(campaign).filter(status=MessageStatus.FAILED).first()
    assert failed.error_message == "campaign cancelled"
    stats = campaign_progress(campaign)
    assert (stats.sent, stats.failed, stats.queued) == (1, 2, 0)


def test_a_scheduled_campaign_starts_when_beat_finds_it_due(
    workspace, admin_user, reminder, sms_channel, contacts
):
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(hours=1)
    campaign = _campaign(workspace, admin_user, reminder, sms_channel, contacts, send_at=later)
    assert launch_campaign(campaign=campaign, actor=admin_user).status == "scheduled"
    assert expansion.sweep_campaigns()["started"] == 0
    assert expansion.sweep_campaigns(now=later + timedelta(seconds=1))["started"] == 1
    assert _run(campaign).status == CampaignStatus.COMPLETED


def test_content_the_channel_cannot_carry_is_refused_on_save(
    workspace, admin_user, definitions, sms_channel, contacts
):
    long_text = save_template(
        workspace=workspace,
        actor=admin_user,
        name="Long",
        use_case="other",
        content={"type": "text", "text": "ç" * 900 + " {{balance}}"},
    )
    with pytest.raises(CampaignRejected) as refused:
        _campaign(workspace, admin_user, long_text, sms_channel, contacts)
    assert "segments" in refused.value.errors[0]
    assert not Campaign.objects.exists()


def test_an_audience_by_label_or_segment(workspace, admin_user, reminder, sms_channel, contacts):
    from inbox.models import Label, Segment

    vip = Label.objects.create(workspace=workspace, name="vip")
    contacts[0].labels.add(vip)
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, {"label": "vip"})
    assert preview_campaign(campaign).audience == 1
    segment = Segment.objects.create(
        workspace=workspace,
        name="owing",
        filter={"attributes": [{"key": "balance", "op": "gt", "value": 14}]},
    )
    campaign = new_campaign(
        workspace, admin_user, reminder, sms_channel, {"segment_id": segment.pk}
    )
    assert preview_campaign(campaign).audience == 3
    with pytest.raises(CampaignRejected):
        new_campaign(workspace, admin_user, reminder, sms_channel, {"label": "nope"})
    assert connection.in_atomic_block  # the test's own transaction, nothing leaked


def test_a_workspace_with_a_campaign_can_still_be_deleted(
    workspace, admin_user, reminder, sms_channel, contacts
):
    # (Sent messages keep their channel: PROTECT on Message.channel, as before campaigns.)
    from inbox.models import MessageTemplate

    _campaign(workspace, admin_user, reminder, sms_channel, contacts)
    workspace.delete()
    assert not Campaign.objects.exists() and not MessageTemplate.objects.exists()

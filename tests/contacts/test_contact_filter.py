"""inbox.selectors.contact_filter: every condition evaluated in SQL, typed attributes, and
date windows counted in the workspace's own time zone."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from inbox.models import ContactReachability, Conversation, Label
from inbox.selectors import contact_list
from inbox.selectors.contact_filter import FilterInvalid, contacts_matching, parse_filter
from inbox.selectors.contact_list import contact_count
from inbox.services import consent as consent_ledger
from inbox.services.contact_book import upsert_contact

pytestmark = pytest.mark.django_db


def names(workspace, document, now=None):
    contact_filter = parse_filter(workspace=workspace, document=document)
    qs = contacts_matching(workspace=workspace, contact_filter=contact_filter, now=now)
    return sorted(qs.values_list("name", flat=True))


@pytest.fixture
def people(workspace, definitions, sms_channel):
    rows = {
        "ana": ("+34612345678", {"balance": 10, "due_date": "2030-01-03", "vip": True}, ["vip"]),
        "bob": ("+525512345678", {"balance": 0, "due_date": "2030-01-20", "plan": "gold"}, []),
        "cat": ("+447400123456", {"balance": -5.5, "plan": "Silver"}, ["vip", "late"]),
        "dan": ("+14155552671", {}, ["late"]),
    }
    made = {}
    for name, (phone, attributes, labels) in rows.items():
        made[name], _ = upsert_contact(
            workspace, phone=phone, name=name, attributes=attributes, labels=labels, source="api"
        )
    return made


def test_text_search_and_fields(workspace, people):
    assert names(workspace, {"q": "an"}) == ["ana", "dan"]
    assert names(workspace, {"q": "+52 55"}) == ["bob"]
    assert names(workspace, {"phone": "7400"}) == ["cat"]
    assert names(workspace, {"country": ["es", "GB"]}) == ["ana", "cat"]


def test_labels_all_of_and_none_of(workspace, people):
    assert names(workspace, {"labels": ["vip"]}) == ["ana", "cat"]
    late = Label.objects.get(workspace=workspace, name="late").pk
    assert names(workspace, {"labels": ["vip", late]}) == ["cat"]
    assert names(workspace, {"without_labels": ["vip"]}) == ["bob", "dan"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"key": "balance", "op": "gt", "value": 0}, ["ana"]),
        ({"key": "balance", "op": "lte", "value": "0"}, ["bob", "cat"]),
        ({"key": "balance", "op": "ne", "value": 0}, ["ana", "cat", "dan"]),
        ({"key": "balance", "op": "not_set"}, ["dan"]),
        ({"key": "plan", "op": "contains", "value": "ILV"}, ["cat"]),
        ({"key": "plan", "op": "eq", "value": "gold"}, ["bob"]),
        ({"key": "vip", "op": "eq", "value": True}, ["ana"]),
        ({"key": "due_date", "op": "after", "value": "2030-01-10"}, None),
        ({"key": "due_date", "op": "gt", "value": "2030-01-10"}, ["bob"]),
        ({"key": "due_date", "op": "set"}, ["ana", "bob"]),
    ],
)
def test_typed_attribute_conditions(workspace, people, condition, expected):
    if expected is None:
        with pytest.raises(FilterInvalid):
            names(workspace, {"attributes": [condition]})
        return
    assert names(workspace, {"attributes": [condition]}) == expected


def test_numbers_compare_as_numbers_not_text(workspace, people):
    upsert_contact(
        workspace, phone="+14155552672", name="eve", attributes={"balance": 9}, source="api"
    )
    # As text "9" > "10"; as numbers it is not.
    assert names(workspace, {"attributes": [{"key": "balance", "op": "gte", "value": 9.5}]}) == [
        "ana"
    ]


def test_a_value_of_the_wrong_json_type_reads_as_no_value(workspace, people):
    odd = people["dan"]
    odd.attributes = {"balance": "lots", "due_date": 5}
    odd.save()
    document = {
        "attributes": [
            {"key": "balance", "op": "gt", "value": -100},
            {"key": "due_date", "op": "set"},
        ]
    }
    assert names(workspace, document) == ["ana", "bob"]


def test_date_windows_count_days_in_the_workspace_zone(workspace, people):
    workspace.timezone = "America/Mexico_City"
    workspace.save()
    # 2030-01-01 03:00 UTC is still 2029-12-31 in Mexico City (UTC-6).
    now = datetime.datetime(2030, 1, 1, 3, 0, tzinfo=ZoneInfo("UTC"))
    within = {"attributes": [{"key": "due_date", "op": "next_days", "value": 2}]}
    # Today there is 2029-12-31: the next two days end on 2030-01-02, before ana's date.
    assert names(workspace, within, now=now) == []
    later = now + datetime.timedelta(hours=8)  # 2030-01-01 there: the window reaches 01-03
    assert names(workspace, within, now=later) == ["ana"]
    assert names(workspace, {"attributes": [{"key": "due_date", "op": "past"}]}, now=later) == []
    future = {"attributes": [{"key": "due_date", "op": "future"}]}
    assert names(workspace, future, now=later) == ["ana", "bob"]


def test_consent_per_channel(workspace, people, sms_channel):
    consent_ledger.record_consent(sms_channel, "+34612345678", opted_out=True, source="keyword")
    upsert_contact(workspace, phone="+525512345678", consent=True, source="import")
    assert names(workspace, {"consent": "opted_out"}) == ["ana"]
    assert names(workspace, {"consent": {"state": "not_opted_out", "channel": sms_channel.pk}}) == [
        "bob",
        "cat",
        "dan",
    ]
    assert names(workspace, {"consent": "consented"}) == ["bob"]


def test_rcs_reachability(workspace, people, sms_channel):
    now = timezone.now()
    ContactReachability.objects.create(
        contact=people["ana"], channel=sms_channel, reachable=True, checked_at=now
    )
    ContactReachability.objects.create(
        contact=people["bob"], channel=sms_channel, reachable=False, checked_at=now
    )
    ContactReachability.objects.create(
        contact=people["cat"], channel=sms_channel, reachable=None, checked_at=now
    )
    assert names(workspace, {"rcs": "capable"}) == ["ana"]
    assert names(workspace, {"rcs": "not_capable"}) == ["bob"]
    assert names(workspace, {"rcs": "unknown"}) == ["cat", "dan"]


def test_last_inbound_before_after_and_never(workspace, people, sms_channel):
    now = timezone.now()
    for name, days in (("ana", 2), ("bob", 40)):
        Conversation.objects.create(
            workspace=workspace,
            contact=people[name],
            channel=sms_channel,
            last_inbound_at=now - datetime.timedelta(days=days),
        )
    assert names(workspace, {"last_inbound": {"within_days": 7}}) == ["ana"]
    assert names(workspace, {"last_inbound": {"older_than_days": 30}}) == ["bob"]
    assert names(workspace, {"last_inbound": {"never": True}}) == ["cat", "dan"]
    cutoff = (now - datetime.timedelta(days=10)).date().isoformat()
    assert names(workspace, {"last_inbound": {"before": cutoff}}) == ["bob"]
    assert names(workspace, {"last_inbound": {"after": cutoff}}) == ["ana"]


def test_conditions_combine(workspace, people, sms_channel):
    consent_ledger.record_consent(sms_channel, "+447400123456", opted_out=True, source="keyword")
    document = {
        "labels": ["vip"],
        "attributes": [{"key": "balance", "op": "ne", "value": 0}],
        "consent": "not_opted_out",
    }
    assert names(workspace, document) == ["ana"]


def test_documents_are_checked_against_the_workspace(workspace, other_workspace, people):
    theirs = Label.objects.create(workspace=other_workspace, name="theirs")
    bad = {
        "labels": [theirs.pk],
        "attributes": [
            {"key": "balance", "op": "contains", "value": 1},
            {"key": "nope", "op": "set"},
        ],
        "consent": {"state": "maybe"},
        "surprise": 1,
    }
    with pytest.raises(FilterInvalid) as caught:
        parse_filter(workspace=workspace, document=bad)
    assert len(caught.value.errors) == 5


def test_the_canonical_document_stores_label_ids(workspace, people):
    vip = Label.objects.get(workspace=workspace, name="vip")
    parsed = parse_filter(workspace=workspace, document={"labels": ["vip"], "q": " x "})
    assert parsed.document == {"labels": [vip.pk], "q": "x"}


def test_an_opt_out_nobody_has_does_not_empty_not_opted_out(workspace, people, sms_channel):
    # The opted-out set is "the contact behind each ledger address"; an address no
    # contact has must not turn NOT IN into "nobody".
    consent_ledger.record_consent(sms_channel, "+34699999999", opted_out=True, source="keyword")
    consent_ledger.record_consent(sms_channel, "+447400123456", opted_out=True, source="keyword")
    assert names(workspace, {"consent": "not_opted_out"}) == ["ana", "bob", "dan"]
    assert names(workspace, {"consent": "opted_out"}) == ["cat"]


@pytest.mark.parametrize(
    "document",
    [
        {"labels": ["vip"]},
        {"labels": ["vip", "late"]},
        {"labels": ["late"], "attributes": [{"key": "balance", "op": "lt", "value": 1}]},
        {"labels": ["vip"], "without_labels": ["late"], "consent": "not_opted_out"},
    ],
)
def test_a_driving_label_selects_the_same_contacts(workspace, people, sms_channel, document):
    consent_ledger.record_consent(sms_channel, "+34612345678", opted_out=True, source="keyword")
    contact_filter = parse_filter(workspace=workspace, document=document)
    plain = contacts_matching(workspace=workspace, contact_filter=contact_filter)
    for label in contact_filter.labels:
        driven = contacts_matching(
            workspace=workspace, contact_filter=contact_filter, driving_label=label
        )
        assert "ANY(ARRAY(" in str(driven.query)
        assert sorted(driven.values_list("pk", flat=True)) == sorted(
            plain.values_list("pk", flat=True)
        )
        assert (
            driven.count()
            == plain.count()
            == contact_count(workspace=workspace, contact_filter=contact_filter)
        )


def test_the_count_is_driven_by_the_smallest_label_unless_it_is_large(
    workspace, people, monkeypatch
):
    vip = Label.objects.get(workspace=workspace, name="vip").pk
    upsert_contact(workspace, phone="+14155552673", name="eve", labels=["late"], source="api")
    contact_filter = parse_filter(workspace=workspace, document={"labels": ["late", "vip"]})
    assert contact_list._driving_label(contact_filter) == vip  # 2 members against 3
    assert contact_list._driving_label(parse_filter(workspace=workspace, document={})) is None
    monkeypatch.setattr(contact_list, "DRIVING_LABEL_MAX", 1)
    assert contact_list._driving_label(contact_filter) is None  # left to the planner
    assert contact_count(workspace=workspace, contact_filter=contact_filter) == 1

"""The one contact filter: a filter document, validated, as a queryset evaluated in SQL.

The contacts page, saved segments, the REST API and (later) campaigns all select contacts
through `parse_filter` then `contacts_matching`, so "balance > 0 and RCS-capable" means
the same rows everywhere. A document is plain JSON (it is what a `Segment` stores):

    {
      "q": "ana",                      # name, email or number contains
      "name": "...", "email": "...", "phone": "+3461",   # each: contains
      "labels": [3, "vip"],            # has every one (ids or names; stored as ids)
      "without_labels": [7],           # has none of them
      "country": ["ES", "MX"],         # the number's country, any of
      "attributes": [                  # every condition holds, typed by the definition
        {"key": "balance", "op": "gt", "value": 0},
        {"key": "due_date", "op": "next_days", "value": 7}
      ],
      "consent": {"state": "opted_out" | "not_opted_out" | "consented", "channel": 5},
      "rcs": {"state": "capable" | "not_capable" | "unknown", "channel": 5},
      "last_inbound": {"after": "2025-01-31", "before": "...", "within_days": 30,
                       "older_than_days": 90, "never": true}
    }

Attribute values are cast in SQL by their definition's type (numbers as numeric, dates
as date, yes/no as boolean) and a stored value of another JSON type reads as "no value",
so one odd row never breaks a count. Date windows ("next_days", "last_days", "today")
are days in the workspace's time zone, counted from today there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Regex,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import attribute_values
from inbox.models import (
    Channel,
    Consent,
    Contact,
    ContactIdentity,
    ContactReachability,
    Conversation,
    Label,
    Workspace,
)
from inbox.storable import storable_text

MAX_CONDITIONS = 20
MAX_DAYS = 3660
SEARCH_MAX = 200

# Operators each attribute type accepts, and what a condition's value must be.
COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte")
PRESENCE = ("set", "not_set")
OPERATORS = {
    attribute_values.NUMBER: COMPARISONS + PRESENCE,
    attribute_values.DATE: (
        *COMPARISONS,
        "next_days",
        "last_days",
        "today",
        "past",
        "future",
        *PRESENCE,
    ),
    attribute_values.TEXT: ("eq", "ne", "contains", *PRESENCE),
    attribute_values.BOOL: ("eq", *PRESENCE),
}
CONSENT_STATES = ("opted_out", "not_opted_out", "consented")
RCS_STATES = ("capable", "not_capable", "unknown")
_KNOWN = {
    "q",
    "name",
    "email",
    "phone",
    "labels",
    "without_labels",
    "country",
    "attributes",
    "consent",
    "rcs",
    "last_inbound",
}
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class FilterInvalid(ValueError):
    """The document cannot be evaluated; `errors` names every problem ("attributes.0.op: ...")."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class AttributeCondition:
    key: str
    kind: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class ContactFilter:
    """A validated document; `document` is its canonical JSON (what a segment stores)."""

    document: dict
    q: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    labels: tuple[int, ...] = ()
    without_labels: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    attributes: tuple[AttributeCondition, ...] = ()
    consent: dict | None = None
    rcs: dict | None = None
    last_inbound: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.document


# --- validation ---------------------------------------------------------------------------


def parse_filter(*, workspace: Workspace, document: Any) -> ContactFilter:
    """Check a document against the workspace (labels, channels, attribute definitions);
    FilterInvalid lists every problem."""
    if document in (None, ""):
        document = {}
    if not isinstance(document, dict):
        raise FilterInvalid([_("filter: expected an object.")])
    errors: list[str] = []
    errors += [
        _("%(key)s: unknown filter.") % {"key": key} for key in sorted(set(document) - _KNOWN)
    ]
    canonical: dict[str, Any] = {}
    parts: dict[str, Any] = {}
    for key in ("q", "name", "email", "phone"):
        text = _text(document.get(key), key, errors)
        if text:
            canonical[key] = parts[key] = text
    for key in ("labels", "without_labels"):
        ids = _labels(workspace, document.get(key), key, errors)
        if ids:
            canonical[key] = list(ids)
            parts[key] = ids
    countries = _countries(document.get("country"), errors)
    if countries:
        canonical["country"] = list(countries)
        parts["countries"] = countries
    conditions = _attributes(workspace, document.get("attributes"), errors)
    if conditions:
        canonical["attributes"] = [
            {"key": c.key, "op": c.op, **({} if c.value is None else {"value": c.value})}
            for c in conditions
        ]
        parts["attributes"] = conditions
    for key, states in (("consent", CONSENT_STATES), ("rcs", RCS_STATES)):
        state = _channel_state(workspace, document.get(key), key, states, errors)
        if state:
            canonical[key] = parts[key] = state
    inbound = _last_inbound(document.get("last_inbound"), errors)
    if inbound:
        canonical["last_inbound"] = parts["last_inbound"] = inbound
    if errors:
        raise FilterInvalid(errors)
    return ContactFilter(document=canonical, **parts)


def _text(raw, key, errors) -> str:
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or len(raw) > SEARCH_MAX:
        errors.append(
            _("%(key)s: expected text of at most %(max)s characters.")
            % {"key": key, "max": SEARCH_MAX}
        )
        return ""
    return storable_text(raw).strip()


def _labels(workspace, raw, key, errors) -> tuple[int, ...]:
    if raw in (None, "", []):
        return ()
    if isinstance(raw, (str, int)) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or len(raw) > MAX_CONDITIONS:
        errors.append(_("%(key)s: expected a list of label ids or names.") % {"key": key})
        return ()
    if not all(isinstance(item, (int, str)) and not isinstance(item, bool) for item in raw):
        errors.append(_("%(key)s: expected a list of label ids or names.") % {"key": key})
        return ()
    ids = {item for item in raw if isinstance(item, int) and 0 < item < 2**63}
    names = {storable_text(item) for item in raw if isinstance(item, str)}
    found = Label.objects.filter(workspace=workspace).filter(Q(pk__in=ids) | Q(name__in=names))
    by_id = {label.pk: label for label in found}
    known_names = {label.name for label in by_id.values()}
    missing = [str(i) for i in raw if isinstance(i, int) and i not in by_id]
    missing += sorted(names - known_names)
    if missing:
        errors.append(
            _("%(key)s: no such label: %(names)s.") % {"key": key, "names": ", ".join(missing)}
        )
        return ()
    return tuple(sorted(by_id))


def _countries(raw, errors) -> tuple[str, ...]:
    if raw in (None, "", []):
        return ()
    if isinstance(raw, str):
        raw = [raw]
    ok = (
        isinstance(raw, list)
        and len(raw) <= 50
        and all(isinstance(c, str) and len(c) == 2 and c.isalpha() and c.isascii() for c in raw)
    )
    if not ok:
        errors.append(_("country: expected two-letter country codes (ES, MX)."))
        return ()
    return tuple(sorted({c.upper() for c in raw}))


def _attributes(workspace, raw, errors) -> tuple[AttributeCondition, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_CONDITIONS:
        errors.append(
            _("attributes: expected a list of at most %(max)s conditions.")
            % {"max": MAX_CONDITIONS}
        )
        return ()
    kinds = attribute_values.definition_types(workspace)
    conditions = []
    for index, item in enumerate(raw):
        where = f"attributes.{index}"
        if not isinstance(item, dict) or set(item) - {"key", "op", "value"}:
            errors.append(_("%(where)s: expected {key, op, value}.") % {"where": where})
            continue
        key, op = item.get("key"), item.get("op")
        kind = kinds.get(key) if isinstance(key, str) else None
        if kind is None:
            errors.append(_("%(where)s.key: no such contact attribute.") % {"where": where})
            continue
        allowed = OPERATORS.get(kind, OPERATORS[attribute_values.TEXT])
        if op not in allowed:
            errors.append(
                _("%(where)s.op: expected one of %(ops)s.")
                % {"where": where, "ops": ", ".join(allowed)}
            )
            continue
        try:
            value = _condition_value(kind, op, item.get("value"), where)
        except attribute_values.InvalidAttributeValue as exc:
            errors.append(str(exc))
            continue
        conditions.append(AttributeCondition(key=key, kind=kind, op=op, value=value))
    return tuple(conditions)


def _condition_value(kind: str, op: str, raw: Any, where: str) -> Any:
    key = f"{where}.value"
    if op in ("set", "not_set", "today", "past", "future"):
        return None
    if op in ("next_days", "last_days"):
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_DAYS:
            raise attribute_values.InvalidAttributeValue(
                _("%(key)s: expected a whole number of days from 0 to %(max)s.")
                % {"key": key, "max": MAX_DAYS}
            )
        return raw
    if raw is None:
        raise attribute_values.InvalidAttributeValue(_("%(key)s: required.") % {"key": key})
    # The canonical document keeps JSON types: numbers as numbers, dates as ISO text.
    return attribute_values.parse(kind, raw, key=key)


def _channel_state(workspace, raw, key, states, errors) -> dict | None:
    if raw in (None, "", {}):
        return None
    if isinstance(raw, str):
        raw = {"state": raw}
    if (
        not isinstance(raw, dict)
        or set(raw) - {"state", "channel"}
        or raw.get("state") not in states
    ):
        errors.append(
            _("%(key)s: expected {state: %(states)s, channel: optional id}.")
            % {"key": key, "states": " | ".join(states)}
        )
        return None
    channel = raw.get("channel")
    if channel is not None:
        if (
            isinstance(channel, bool)
            or not isinstance(channel, int)
            or not 0 < channel < 2**63
            or not Channel.objects.filter(workspace=workspace, pk=channel).exists()
        ):
            errors.append(_("%(key)s.channel: no such channel.") % {"key": key})
            return None
        return {"state": raw["state"], "channel": channel}
    return {"state": raw["state"]}


def _last_inbound(raw, errors) -> dict:
    if raw in (None, {}):
        return {}
    allowed = {"after", "before", "within_days", "older_than_days", "never"}
    if not isinstance(raw, dict) or set(raw) - allowed:
        errors.append(
            _("last_inbound: expected some of %(keys)s.") % {"keys": ", ".join(sorted(allowed))}
        )
        return {}
    result: dict[str, Any] = {}
    for key in ("after", "before"):
        if raw.get(key) not in (None, ""):
            try:
                result[key] = attribute_values.parse_date(
                    raw[key], key=f"last_inbound.{key}"
                ).isoformat()
            except attribute_values.InvalidAttributeValue as exc:
                errors.append(str(exc))
    for key in ("within_days", "older_than_days"):
        days = raw.get(key)
        if days is None:
            continue
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
            errors.append(
                _("last_inbound.%(key)s: expected a whole number of days.") % {"key": key}
            )
        else:
            result[key] = days
    if raw.get("never") is True:
        result["never"] = True
    elif raw.get("never") not in (None, False):
        errors.append(_("last_inbound.never: expected true or false."))
    return result


# --- evaluation ---------------------------------------------------------------------------


def contacts_matching(
    *,
    workspace: Workspace,
    contact_filter: ContactFilter,
    now: datetime.datetime | None = None,
    driving_label: int | None = None,
) -> QuerySet[Contact]:
    """The workspace's contacts the filter selects (unordered; callers order and page).

    `driving_label` (one of the filter's labels) makes that label's rows drive the query:
    the contacts are read by primary key from the label's members (`id = ANY(ARRAY(...))`)
    instead of a scan of the workspace joined to the label. Same rows; a count passes it
    when the label is small (contact_list.contact_count), a page never does (it walks the
    newest-first index and stops after one page)."""
    qs = Contact.objects.filter(workspace=workspace)
    f = contact_filter
    if f.q:
        qs = qs.filter(_search(f.q, name=True, email=True, phone=True))
    if f.name:
        qs = qs.filter(_search(f.name, name=True))
    if f.email:
        qs = qs.filter(_search(f.email, email=True))
    if f.phone:
        qs = qs.filter(_search(f.phone, phone=True))
    through = Contact.labels.through
    if driving_label is not None:
        if driving_label not in f.labels:
            raise ValueError("driving_label must be one of the filter's labels")
        members = through.objects.filter(label_id=driving_label).values("contact_id")
        qs = qs.filter(_InArray(F("pk"), ArraySubquery(members)))
    for label_id in f.labels:
        if label_id == driving_label:
            continue
        qs = qs.filter(Exists(through.objects.filter(contact_id=OuterRef("pk"), label_id=label_id)))
    if f.without_labels:
        qs = qs.exclude(
            Exists(through.objects.filter(contact_id=OuterRef("pk"), label_id__in=f.without_labels))
        )
    if f.countries:
        qs = qs.filter(country__in=f.countries)
    if f.attributes:
        today = _today(workspace, now)
        for condition in f.attributes:
            qs = qs.filter(_attribute(condition, today))
    if f.consent:
        qs = qs.filter(_consent(workspace, f.consent))
    if f.rcs:
        qs = qs.filter(_rcs(f.rcs))
    if f.last_inbound:
        qs = qs.filter(_inbound(workspace, f.last_inbound, now or timezone.now()))
    return qs


def _search(text: str, *, name=False, email=False, phone=False) -> Q:
    q = Q()
    if name:
        q |= Q(name__icontains=text)
    if email:
        q |= Q(email__icontains=text)
    if phone:
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits:
            q |= Q(
                Exists(
                    ContactIdentity.objects.filter(
                        contact_id=OuterRef("pk"), value__contains=digits
                    )
                )
            )
    return q


def _today(workspace: Workspace, now: datetime.datetime | None) -> datetime.date:
    return (now or timezone.now()).astimezone(_zone(workspace)).date()


class _InArray(Func):
    """`value = ANY(ARRAY(SELECT ...))`: PostgreSQL computes the array once and probes an
    index on `value` with it (sorted, in order), which a semi-join it may not choose."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


class _Numeric(Func):
    """text::numeric, unbounded (Django's Cast to DecimalField wants a precision)."""

    template = "(%(expressions)s)::numeric"
    output_field = DecimalField()


def _typed(condition: AttributeCondition):
    """The attribute as an SQL value of its type; NULL when absent or stored as another
    JSON type (a value saved before the definition changed type)."""
    json_value = KeyTransform(condition.key, "attributes")
    json_type = Func(json_value, function="jsonb_typeof", output_field=TextField())
    text = KeyTextTransform(condition.key, "attributes")
    if condition.kind == attribute_values.NUMBER:
        return Case(
            When(Exact(json_type, Value("number")), then=_Numeric(text)),
            default=None,
            output_field=DecimalField(),
        )
    if condition.kind == attribute_values.DATE:
        return Case(
            When(Regex(text, Value(_ISO_DATE)), then=Cast(text, DateField())),
            default=None,
            output_field=DateField(),
        )
    if condition.kind == attribute_values.BOOL:
        return Case(
            When(Exact(json_type, Value("boolean")), then=Cast(text, BooleanField())),
            default=None,
            output_field=BooleanField(),
        )
    return Case(
        When(Exact(json_type, Value("string")), then=text), default=None, output_field=TextField()
    )


def _constant(condition: AttributeCondition, value: Any) -> Value:
    if condition.kind == attribute_values.NUMBER:
        return Value(Decimal(str(value)), output_field=DecimalField())
    if condition.kind == attribute_values.DATE:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return Value(value, output_field=DateField())
    if condition.kind == attribute_values.BOOL:
        return Value(bool(value), output_field=BooleanField())
    return Value(str(value), output_field=TextField())


def _attribute(condition: AttributeCondition, today: datetime.date) -> Q:
    op = condition.op
    if op == "set":
        return Q(attributes__has_key=condition.key)
    if op == "not_set":
        return ~Q(attributes__has_key=condition.key)
    typed = _typed(condition)
    if op in ("next_days", "last_days", "today", "past", "future"):
        days = condition.value or 0
        start, end = {
            "next_days": (today, today + datetime.timedelta(days=days)),
            "last_days": (today - datetime.timedelta(days=days), today),
            "today": (today, today),
            "past": (None, today - datetime.timedelta(days=1)),
            "future": (today + datetime.timedelta(days=1), None),
        }[op]
        q = Q()
        if start is not None:
            q &= Q(GreaterThanOrEqual(typed, Value(start, output_field=DateField())))
        if end is not None:
            q &= Q(LessThanOrEqual(typed, Value(end, output_field=DateField())))
        return q
    constant = _constant(condition, condition.value)
    if op == "contains":
        return Q(IContains(typed, constant))
    if op == "ne":
        # "not 3" includes contacts without a value, as a person reading it expects.
        return ~Q(Exact(typed, constant)) | Q(IsNull(typed, True))
    lookup = {
        "eq": Exact,
        "gt": GreaterThan,
        "gte": GreaterThanOrEqual,
        "lt": LessThan,
        "lte": LessThanOrEqual,
    }[op]
    return Q(lookup(typed, constant))


def _consent(workspace: Workspace, consent: dict) -> Q:
    """Written as "id in (contacts behind these ledger addresses)": one subquery,
    evaluated once per count rather than once per contact.

    Opt-outs are a small part of any ledger, so the opted-out set is read from the ledger
    rows: each address is looked up in the identities' unique (workspace, kind, value)
    index (20,000 probes, ~80 ms at a million contacts) instead of hash-joining every
    identity of the workspace (~170 ms). An address nobody has reads as contact 0 (no
    such id), so NOT IN never meets a NULL. Consented rows can be most of the ledger (an
    import records consent for every row), so those stay a join the planner may hash."""
    ledger = Consent.objects.filter(workspace=workspace)
    if consent.get("channel"):
        ledger = ledger.filter(channel_id=consent["channel"])

    def contacts_at(rows) -> Q:
        identities = ContactIdentity.objects.filter(
            workspace=workspace,
            kind=ContactIdentity.Kind.PHONE,
            value__in=rows.values("address"),
        )
        return Q(pk__in=identities.values("contact_id"))

    owner = ContactIdentity.objects.filter(
        workspace=workspace, kind=ContactIdentity.Kind.PHONE, value=OuterRef("address")
    ).values("contact_id")[:1]
    opted_out = Q(
        pk__in=ledger.filter(opted_out=True)
        .annotate(owner=Coalesce(Subquery(owner), Value(0), output_field=BigIntegerField()))
        .values("owner")
    )
    if consent["state"] == "opted_out":
        return opted_out
    if consent["state"] == "not_opted_out":
        return ~opted_out
    return contacts_at(ledger.filter(opted_out=False)) & ~opted_out


def _rcs(rcs: dict) -> Q:
    facts = ContactReachability.objects.filter(contact_id=OuterRef("pk"))
    if rcs.get("channel"):
        facts = facts.filter(channel_id=rcs["channel"])
    capable = Exists(facts.filter(reachable=True))
    if rcs["state"] == "capable":
        return Q(capable)
    if rcs["state"] == "not_capable":
        return Q(Exists(facts.filter(reachable=False))) & ~Q(capable)
    return ~Q(Exists(facts.filter(reachable__isnull=False)))


def _inbound(workspace: Workspace, inbound: dict, now: datetime.datetime) -> Q:
    threads = Conversation.objects.filter(contact_id=OuterRef("pk"), last_inbound_at__isnull=False)
    if inbound.get("never"):
        return ~Q(Exists(threads))
    q = Q()
    zone = _zone(workspace)
    since = []
    until = []
    if "after" in inbound:
        since.append(_midnight(inbound["after"], zone))
    if "within_days" in inbound:
        since.append(now - datetime.timedelta(days=inbound["within_days"]))
    if "before" in inbound:
        until.append(_midnight(inbound["before"], zone))
    if "older_than_days" in inbound:
        until.append(now - datetime.timedelta(days=inbound["older_than_days"]))
    if since:
        q &= Q(Exists(threads.filter(last_inbound_at__gte=max(since))))
    if until:
        # The latest inbound is before the bound: wrote once, and never since.
        q &= Q(Exists(threads)) & ~Q(Exists(threads.filter(last_inbound_at__gte=min(until))))
    return q


def _zone(workspace: Workspace) -> ZoneInfo:
    try:
        return ZoneInfo(workspace.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _midnight(iso: str, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(iso), datetime.time(), zone)


__all__ = [
    "ContactFilter",
    "FilterInvalid",
    "contacts_matching",
    "parse_filter",
]

"""API v1: contacts (upsert by phone, read, edit, erase) and segments (saved filters).

Mounted on inbox's one NinjaAPI by ContactsConfig.ready(), so it shares the Bearer
tokens, the error shape and the OpenAPI document. Scopes: reads need `read`; writes to
the contact book need `send` (it is the address book sends go to, and a token that may
message customers may also record who they are); DELETE is the privacy app's erasure
(messages, media, audit values: irreversible), so it needs `admin`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from inbox.api import pagination, scope
from inbox.api.auth import ADMIN, READ, SEND
from inbox.api.errors import InvalidRequest
from inbox.api.responses import answers
from inbox.api.schemas import IdentityOut
from inbox.api.strict import known_query_only
from inbox.models import Contact, Label, Segment
from inbox.selectors import segments as segment_reads
from inbox.selectors.contact_filter import FilterInvalid, parse_filter
from inbox.selectors.contact_list import contact_page
from inbox.selectors.cursor import CONTACT_CURSOR, ContactCursor
from inbox.services import contact_book, segments
from privacy.services import contact_data

router = Router(tags=["contacts"])
LABEL_NAME_MAX = contact_book.LABEL_NAME_MAX
MAX_LABELS = 20


class ReachabilityOut(Schema):
    channel_id: int
    reachable: bool | None = Field(description="null: the provider could not say")
    checked_at: datetime


class ContactRecordOut(Schema):
    id: int
    phone: str | None = Field(description="The first phone number, E.164")
    name: str
    email: str
    country: str = Field(description="ISO 3166 region of the phone number, or empty")
    identities: list[IdentityOut]
    labels: list[str]
    attributes: dict[str, Any]
    reachability: list[ReachabilityOut]
    created_at: datetime


class ContactRecordPage(Schema):
    items: list[ContactRecordOut]
    next_cursor: str | None


class ContactFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=contact_book.NAME_MAX)
    email: str | None = Field(None, max_length=254)
    labels: list[str] | None = Field(
        None, max_length=MAX_LABELS, description="Label names (new ones are created)"
    )
    attributes: dict[str, Any] | None = Field(
        None, description="Values by attribute key, typed by the workspace's definitions"
    )


class ContactUpsertIn(ContactFields):
    phone: str = Field(min_length=1, max_length=40, description="E.164, or national with `country`")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="e.g. MX")
    consent: bool | None = Field(
        None,
        description="true records consent on every channel that has no entry (an opt-out "
        "stays); false opts the number out of every channel",
    )


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=segments.NAME_MAX)
    filter: dict[str, Any] = Field(description="A contact filter document (see the docs)")


class SegmentOut(Schema):
    id: int
    name: str
    filter: dict[str, Any]
    count: int | None = Field(description="Contacts matching now; null if it no longer applies")
    created_at: datetime


def _workspace(request: HttpRequest):
    return request.auth.workspace


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_object_or_404(scope.contacts(request), pk=contact_id)


def _out(contact: Contact) -> dict:
    identities = sorted(contact.identities.all(), key=lambda i: i.pk)
    phones = [i.value for i in identities if i.kind == "phone"]
    return {
        "id": contact.pk,
        "phone": phones[0] if phones else None,
        "name": contact.name,
        "email": contact.email,
        "country": contact.country,
        "identities": identities,
        "labels": sorted(label.name for label in contact.labels.all()),
        "attributes": contact.attributes or {},
        "reachability": list(contact.reachability.all()),
        "created_at": contact.created_at,
    }


def _fresh(contact: Contact) -> Contact:
    return Contact.objects.prefetch_related("identities", "labels", "reachability").get(
        pk=contact.pk
    )


def _segment_out(segment: Segment) -> dict:
    return {
        "id": segment.pk,
        "name": segment.name,
        "filter": segment.filter,
        "count": segment_reads.segment_count(segment),
        "created_at": segment.created_at,
    }


@router.get(
    "/contacts",
    response=answers({200: ContactRecordPage}, 404, 422),
    summary="List contacts",
    auth=READ,
)
@known_query_only
def list_contacts(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200, description="Name, email or number contains"),
    label: str | None = Query(None, max_length=LABEL_NAME_MAX, description="A label name"),
    segment_id: int | None = Query(None, ge=1, le=2**63 - 1),
    cursor: str | None = Query(None, description=pagination.CURSOR_HELP, pattern=CONTACT_CURSOR),
    limit: int = Query(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT),
):
    """Newest first; follow `next_cursor` until it is null. A segment's filter and the
    other parameters all apply."""
    workspace = _workspace(request)
    document: dict[str, Any] = {}
    if segment_id is not None:
        segment = segment_reads.segment_in_workspace(workspace=workspace, pk=segment_id)
        if segment is None:
            raise Http404("No such segment.")
        document = dict(segment.filter)
    if q:
        document["q"] = q
    if label:
        # A label nobody has is an empty list, not an error: the request is well formed.
        found = Label.objects.filter(workspace=workspace, name=label).first()
        if found is None:
            return {"items": [], "next_cursor": None}
        document["labels"] = [*document.get("labels", []), found.pk]
    try:
        contact_filter = parse_filter(workspace=workspace, document=document)
    except FilterInvalid as exc:
        raise InvalidRequest(exc.errors) from None
    page = contact_page(
        workspace=workspace,
        contact_filter=contact_filter,
        cursor=ContactCursor.parse(cursor),
        limit=limit,
    )
    return {"items": [_out(c) for c in page.rows], "next_cursor": page.next_cursor}


@router.post(
    "/contacts",
    response=answers({200: ContactRecordOut, 201: ContactRecordOut}, 400, 422),
    summary="Create or update a contact by phone number",
    auth=SEND,
)
@known_query_only
def upsert_contact(request: HttpRequest, payload: ContactUpsertIn):
    """201 when the number was new, 200 when its contact was updated. Labels are added,
    attributes merged (null removes one), name and email replaced when given."""
    try:
        contact, created = contact_book.upsert_contact(
            _workspace(request),
            source="api",
            actor=request.auth.user,
            **payload.model_dump(exclude_unset=True),
        )
    except contact_book.ContactRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return Status(201 if created else 200, _out(_fresh(contact)))


@router.get(
    "/contacts/{contact_id}",
    response=answers({200: ContactRecordOut}, 404, 422),
    summary="Get a contact",
    auth=READ,
)
@known_query_only
def get_contact(request: HttpRequest, contact_id: int = Path(..., ge=1, le=2**63 - 1)):
    return _out(_fresh(_contact(request, contact_id)))


@router.patch(
    "/contacts/{contact_id}",
    response=answers({200: ContactRecordOut}, 400, 404, 422),
    summary="Edit a contact",
    auth=SEND,
)
@known_query_only
def edit_contact(
    request: HttpRequest, payload: ContactFields, contact_id: int = Path(..., ge=1, le=2**63 - 1)
):
    """Fields left out stay as they are; `labels`, when given, replace the contact's."""
    contact = _contact(request, contact_id)
    try:
        contact = contact_book.update_contact(
            contact, actor=request.auth.user, **payload.model_dump(exclude_unset=True)
        )
    except contact_book.ContactRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return _out(_fresh(contact))


@router.delete(
    "/contacts/{contact_id}",
    response=answers({204: None}, 404, 422),
    summary="Erase a contact",
    auth=ADMIN,
)
@known_query_only
def erase_contact(request: HttpRequest, contact_id: int = Path(..., ge=1, le=2**63 - 1)):
    """The privacy erasure: the contact, its threads, messages and stored media go; its
    opt-outs stay, so an erased customer is still never messaged against their will."""
    contact_data.erase(_contact(request, contact_id), request.auth.user)
    return Status(204, None)


@router.get(
    "/segments",
    response=answers({200: list[SegmentOut]}, 422),
    summary="List segments with their counts",
    auth=READ,
)
@known_query_only
def list_segments(request: HttpRequest):
    return [
        _segment_out(s) for s in segment_reads.workspace_segments(workspace=_workspace(request))
    ]


@router.post(
    "/segments",
    response=answers({201: SegmentOut}, 400, 422),
    summary="Save a segment",
    auth=SEND,
)
@known_query_only
def create_segment(request: HttpRequest, payload: SegmentIn):
    """The filter is checked against the workspace's labels, channels and attribute
    definitions; the answer carries today's count."""
    try:
        segment = segments.create_segment(
            _workspace(request),
            name=payload.name,
            document=payload.filter,
            actor=request.auth.user,
        )
    except FilterInvalid as exc:
        raise InvalidRequest(exc.errors) from None
    return Status(201, _segment_out(segment))

from __future__ import annotations

from django.db import IntegrityError, transaction

from inbox import phones
from inbox.models import Contact, ContactIdentity, Workspace


def find_or_create_contact(
    workspace: Workspace, *, kind: str, value: str, name: str = ""
) -> Contact:
    """The contact behind an address, created on first contact; safe under concurrency."""
    return contact_for_address(workspace, kind=kind, value=value, name=name)[0]


def contact_for_address(
    workspace: Workspace, *, kind: str, value: str, name: str = ""
) -> tuple[Contact, bool]:
    """find_or_create_contact, and whether this call created the contact: ingest skips
    the lookups a brand-new customer cannot match (thread, campaign replies, options)."""
    identity = (
        ContactIdentity.objects.select_related("contact")
        .filter(workspace=workspace, kind=kind, value=value)
        .first()
    )
    if identity:
        contact = identity.contact
        if name and not contact.name:
            contact.name = name
            contact.save(update_fields=["name"])
        return contact, False
    try:
        with transaction.atomic():
            # The country lets the contacts page filter customers who wrote in first.
            country = phones.region_of(value) if kind == ContactIdentity.Kind.PHONE else ""
            contact = Contact.objects.create(workspace=workspace, name=name, country=country)
            ContactIdentity.objects.create(
                workspace=workspace, contact=contact, kind=kind, value=value
            )
            return contact, True
    except IntegrityError:  # another request created it first
        identity = ContactIdentity.objects.get(workspace=workspace, kind=kind, value=value)
        return identity.contact, False

"""A contact as the side panel shows it (addresses with their consent per channel, custom
attributes) and the contacts a manager may merge it with."""

from __future__ import annotations

from django.db.models import Q

from inbox import access
from inbox.models import Consent, Contact, Workspace

MERGE_CANDIDATE_LIMIT = 8
# Fewer characters than this match half the address book: no candidates until then.
MERGE_QUERY_MIN_LENGTH = 2


def contact_in_workspace(*, workspace: Workspace, pk: int) -> Contact | None:
    return Contact.objects.filter(workspace=workspace, pk=pk).first()


def identity_consents(*, workspace: Workspace, contact: Contact) -> list[dict]:
    """One row per address of the contact, each with the consent ledger's entry for every
    active channel (None where the ledger has nothing: never opted out)."""
    identities = list(contact.identities.all())
    channels = list(access.channels(workspace).filter(is_active=True).order_by("name", "pk"))
    ledger = {
        (c.channel_id, c.address): c
        for c in Consent.objects.filter(
            workspace=workspace, address__in=[i.value for i in identities]
        )
    }
    return [
        {
            "identity": identity,
            "consents": [
                {"channel": ch, "consent": ledger.get((ch.pk, identity.value))} for ch in channels
            ],
        }
        for identity in identities
    ]


def attribute_rows(*, workspace: Workspace, contact: Contact) -> list[tuple[str, object]]:
    """(label, value) pairs: defined fields by their label in settings order, then keys no
    definition names, by key. Definitions belong to workspace_settings and are read through
    the reverse relation so inbox never imports that app."""
    stored = contact.attributes or {}
    defined = list(workspace.contact_attribute_definitions.values_list("key", "label"))
    known = {key for key, _label in defined}
    rows = [(label, stored[key]) for key, label in defined if key in stored]
    rows += [(key, value) for key, value in sorted(stored.items()) if key not in known]
    return [(name, _shown(value)) for name, value in rows]


def _shown(value: object) -> object:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def merge_candidates(
    *, workspace: Workspace, contact: Contact, query: str, limit: int = MERGE_CANDIDATE_LIMIT
) -> list[Contact]:
    """Other contacts of the workspace whose name, email or an address contains `query`."""
    query = query.strip()
    if len(query) < MERGE_QUERY_MIN_LENGTH:
        return []
    return list(
        Contact.objects.filter(workspace=workspace)
        .exclude(pk=contact.pk)
        .filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(identities__value__icontains=query)
        )
        .distinct()
        .prefetch_related("identities")
        .order_by("name", "pk")[:limit]
    )

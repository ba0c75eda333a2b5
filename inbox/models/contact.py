from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .label import Label
from .workspace import Workspace


class Contact(models.Model):
    """A customer, whatever channels they write from (one thread per customer)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, default="")
    # Custom fields, keyed by the workspace's attribute definitions.
    attributes = models.JSONField(default=dict, blank=True)
    # ISO 3166 region of the phone number (from phonenumbers), so lists filter by country
    # without parsing numbers in SQL; blank when the contact has no phone number.
    country = models.CharField(max_length=2, blank=True, default="")
    # The language automatic replies use with this customer (out-of-hours, consent
    # confirmations, a plain phone's "Reply 1 for ..."); blank: the channel's choice.
    language = models.CharField(max_length=8, blank=True, default="", db_default="")
    # The contact's own tags (segments and campaigns select by them); the same workspace
    # labels agents put on conversations.
    labels = models.ManyToManyField(Label, blank=True, related_name="contacts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The contacts page and the API page newest first by (created_at, id).
            models.Index(fields=["workspace", "-created_at", "-id"], name="contact_list_newest"),
        ]

    def __str__(self) -> str:
        return self.name or f"contact {self.pk}"

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        identity = next(iter(self.identities.all()), None)
        return identity.value if identity else f"Contact {self.pk}"


class ContactIdentity(models.Model):
    """An address a contact is reached at; a phone number serves SMS and RCS alike."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone (E.164)")
        HANDLE = "handle", _("Channel handle")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "value"], name="uniq_identity_per_workspace"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

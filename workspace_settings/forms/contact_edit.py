"""The agent's "Edit contact" form: name, email, and one typed field per definition."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inbox.models import Contact

from ..models import ContactAttributeDefinition
from ..services import contact_attributes

PREFIX = "attr_"


class ContactEditForm(forms.Form):
    """Built per request from the workspace's definitions, in their settings order."""

    name = forms.CharField(
        label=_("Name"),
        max_length=contact_attributes.NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    # The language automatic replies use with this customer (inbox/services/customer_language).
    language = forms.ChoiceField(
        label=_("Language of automatic replies"),
        required=False,
        choices=[("", _("The channel's language"))] + list(settings.LANGUAGES),
    )

    def __init__(
        self, *args, contact: Contact, known: list[ContactAttributeDefinition], **kwargs
    ) -> None:
        stored = contact.attributes or {}
        kwargs.setdefault(
            "initial",
            {
                "name": contact.name,
                "email": contact.email,
                "language": contact.language,
                **{PREFIX + d.key: contact_attributes.initial(d, stored.get(d.key)) for d in known},
            },
        )
        super().__init__(*args, **kwargs)
        self.known = known
        for definition in known:
            self.fields[PREFIX + definition.key] = contact_attributes.form_field(definition)

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[PREFIX + d.key] for d in self.known]

    def attribute_values(self) -> dict:
        """Cleaned values as stored (only call after is_valid)."""
        return {
            d.key: contact_attributes.to_json(d, self.cleaned_data.get(PREFIX + d.key))
            for d in self.known
        }

"""Which contact field each column of an uploaded list fills (the mapping).

A mapping is one target per column, in the file's order: a contact field ("phone",
"name", "email", "labels", "consent"), "attribute:<key>" for a typed attribute the
workspace defines, or "" for a column to leave out. The wizard proposes one from the
header (the API's files name their columns this way) and the admin corrects it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PHONE = "phone"
NAME = "name"
EMAIL = "email"
LABELS = "labels"
CONSENT = "consent"
ATTRIBUTE = "attribute:"
IGNORE = ""

FIELDS = {
    PHONE: gettext_lazy("Phone number"),
    NAME: gettext_lazy("Name"),
    EMAIL: gettext_lazy("Email"),
    LABELS: gettext_lazy("Labels"),
    CONSENT: gettext_lazy("Consent"),
}

# Header spellings seen in CRM and spreadsheet exports, compared without accents or case.
_SYNONYMS = {
    PHONE: {
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "cell",
        "msisdn",
        "number",
        "telefono",
        "movil",
        "celular",
        "tel",
    },
    NAME: {"name", "full name", "contact name", "nombre", "nombre completo"},
    EMAIL: {"email", "e-mail", "email address", "correo", "correo electronico"},
    LABELS: {"labels", "label", "tags", "tag", "etiquetas"},
    CONSENT: {"consent", "opt in", "opt-in", "opted in", "subscribed", "consentimiento"},
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()


def guess(columns: Sequence[str], attributes: Mapping[str, str]) -> list[str]:
    """A proposed target per column; `attributes` is {key: label} of the definitions.

    A target is proposed once (the first column that matches), so two "Phone" columns do
    not both claim it.
    """
    by_name = {_plain(key): ATTRIBUTE + key for key in attributes}
    by_name.update({_plain(label): ATTRIBUTE + key for key, label in attributes.items()})
    for target, names in _SYNONYMS.items():
        by_name.update({name: target for name in names})
    taken: set[str] = set()
    mapping = []
    for column in columns:
        target = by_name.get(_plain(column), IGNORE)
        if target in taken:
            target = IGNORE
        taken.add(target)
        mapping.append(target)
    return mapping


def choices(attributes: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every target the wizard offers, as (value, label)."""
    options = [(IGNORE, _("Do not import"))]
    options += [(value, str(label)) for value, label in FIELDS.items()]
    options += [
        (ATTRIBUTE + key, _("Attribute: %(label)s") % {"label": label})
        for key, label in attributes.items()
    ]
    return options


def problems(mapping: Sequence[str], attributes: Mapping[str, str]) -> list[str]:
    """Why a mapping cannot be used (empty when it can)."""
    errors = []
    known = {value for value, _label in choices(attributes)}
    for target in mapping:
        if target not in known:
            errors.append(_("Unknown column target %(target)r.") % {"target": target})
    if mapping.count(PHONE) != 1:
        errors.append(_("Choose exactly one column for the phone number."))
    for target in set(mapping) - {IGNORE}:
        if mapping.count(target) > 1 and target != PHONE:
            errors.append(_("Two columns fill %(target)s; choose one.") % {"target": target})
    return errors


def exact(columns_: Sequence[str], attributes: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The API's mapping: columns named by their target or attribute key, nothing guessed.

    Returns (mapping, unknown column names): a column the API cannot place is refused
    rather than dropped, so a misspelt "emial" never loses its values unnoticed.
    """
    mapping, unknown = [], []
    for column in columns_:
        name = column.strip().lower()
        if name in FIELDS:
            mapping.append(name)
        elif column.strip() in attributes:
            mapping.append(ATTRIBUTE + column.strip())
        else:
            mapping.append(IGNORE)
            unknown.append(column)
    return mapping, unknown

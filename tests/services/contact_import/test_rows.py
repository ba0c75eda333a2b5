"""One record to a contact: numbers with a default country, typed attributes, reasons."""

from __future__ import annotations

import pytest

from inbox.services.contact_import.rows import ContactRow, RejectedRow, read_row

MAPPING = ["phone", "name", "email", "labels", "consent", "attribute:birthday", "attribute:vip"]
KINDS = {"birthday": "date", "vip": "bool", "score": "number"}


def row(cells, *, country="", mapping=MAPPING):
    return read_row(7, cells, mapping=mapping, kinds=KINDS, default_country=country)


@pytest.mark.parametrize(
    ("raw", "country", "e164", "region"),
    [
        ("612 34 56 78", "ES", "+34612345678", "ES"),  # Spanish mobile, national
        ("+34 612-345-678", "", "+34612345678", "ES"),
        ("55 1234 5678", "MX", "+525512345678", "MX"),  # Mexico City
        ("+52 33 1234 5678", "", "+523312345678", "MX"),  # Guadalajara, international
        ("07400 123456", "GB", "+447400123456", "GB"),  # UK mobile with trunk 0
        ("(415) 555-0100", "US", "+14155550100", "US"),
        ("+1 212 555 0100", "ES", "+12125550100", "US"),  # a prefix beats the default
    ],
)
def test_numbers_are_stored_in_e164_with_the_default_country(raw, country, e164, region):
    result = row([raw, "", "", "", "", "", ""], country=country)
    assert isinstance(result, ContactRow), result
    assert (result.phone, result.country) == (e164, region)


def test_a_national_number_without_a_default_country_is_rejected_with_its_row():
    result = row(["612 34 56 78", "Ana", "", "", "", "", ""])
    assert isinstance(result, RejectedRow)
    assert result.row == 7 and result.error.startswith("phone:")
    assert result.cells[1] == "Ana"  # kept as it was, for the rejected rows' CSV


def test_excel_scientific_notation_is_not_a_number():
    result = row(["3.46123E+11", "", "", "", "", "", ""], country="ES")
    assert isinstance(result, RejectedRow) and "phone" in result.error


def test_typed_attributes_are_parsed_and_every_problem_is_named():
    good = row(
        ["+34612345678", " Ana ", "ana@example.com", "vip; es|new", "yes", "1990-05-01", "no"]
    )
    assert isinstance(good, ContactRow)
    assert good.changes.name == "Ana" and good.changes.email == "ana@example.com"
    assert good.changes.attributes == {"birthday": "1990-05-01", "vip": False}
    assert good.changes.labels == ["es", "new", "vip"]
    assert good.consent is True

    bad = row(["+34612345678", "Ana", "not-an-email", "", "maybe", "01/05/1990", "perhaps"])
    assert isinstance(bad, RejectedRow)
    for field in ("email", "consent", "attributes.birthday", "attributes.vip"):
        assert field in bad.error


def test_numbers_as_numbers():
    mapping = ["phone", "attribute:score"]
    result = row(["+14155550100", "3.5"], mapping=mapping)
    assert result.changes.attributes == {"score": 3.5}
    assert isinstance(row(["+14155550100", "3,5"], mapping=mapping), RejectedRow)


def test_empty_cells_leave_fields_alone():
    result = row(["+14155550100", "", "", "", "", "", ""])
    assert isinstance(result, ContactRow)
    assert result.changes.name is None and result.changes.email is None
    assert result.changes.attributes is None and result.changes.labels is None
    assert result.consent is None


def test_a_row_longer_than_the_header_is_rejected_not_truncated():
    result = row(["+14155550100", "A", "", "", "", "", "", "stray"])
    assert isinstance(result, RejectedRow) and "header" in result.error

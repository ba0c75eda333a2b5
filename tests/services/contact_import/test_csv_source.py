"""Reading uploaded lists: encodings, delimiters, quoted newlines, Excel's exports."""

from __future__ import annotations

import codecs
import io

import pytest

from inbox.services.contact_import import csv_source


def read(data: bytes, limit=None):
    dialect = csv_source.sniff(data[: csv_source.HEAD_BYTES])
    return dialect, *csv_source.header_and_rows(io.BytesIO(data), dialect, limit=limit)


def test_utf8_with_bom_and_crlf_as_excel_csv_utf8_saves_it():
    data = codecs.BOM_UTF8 + "phone,name\r\n+34612345678,José Ñúñez\r\n".encode()
    dialect, header, rows = read(data)
    assert dialect.encoding == "utf-8-sig" and dialect.delimiter == ","
    assert header == ["phone", "name"]  # no BOM glued to the first column name
    assert rows == [(2, ["+34612345678", "José Ñúñez"])]


def test_semicolons_are_sniffed_from_the_header():
    data = b"phone;name;score\n612345678;Ana;3,5\n"
    dialect, header, rows = read(data)
    assert dialect.delimiter == ";"
    assert rows == [(2, ["612345678", "Ana", "3,5"])]


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row():
    data = b"sep=;\r\nphone;name\r\n+447700900123;Bob\r\n"
    dialect, header, rows = read(data)
    assert dialect.delimiter == ";" and dialect.skip_lines == 1
    assert header == ["phone", "name"] and rows == [(2, ["+447700900123", "Bob"])]


def test_quoted_newlines_make_one_row_and_row_numbers_count_records():
    data = b'phone,name,notes\n+15551234567,"Smith, J","line one\nline two"\n+15551234568,K,x\n'
    _dialect, _header, rows = read(data)
    assert rows == [
        (2, ["+15551234567", "Smith, J", "line one\nline two"]),
        (3, ["+15551234568", "K", "x"]),
    ]


def test_windows_1252_exports_are_read_when_not_utf8():
    data = "phone;nombre\n+34612345678;Muñoz\n".encode("cp1252")
    dialect, _header, rows = read(data)
    assert dialect.encoding == "cp1252"
    assert rows == [(2, ["+34612345678", "Muñoz"])]


def test_blank_trailing_rows_of_a_spreadsheet_are_skipped():
    data = b"phone,name\n+15551234567,A\n,\n , \n\n"
    _dialect, _header, rows = read(data)
    assert [number for number, _cells in rows] == [2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_files_that_are_not_csv_are_refused_with_a_reason(data, message):
    with pytest.raises(csv_source.FileRefused, match=message):
        csv_source.sniff(data)


def test_a_windows_1252_accent_past_the_first_block_is_found_before_the_import():
    data = b"phone;name\n" + b"+34612345678;Ana\n" * 5000 + "+34612345679;Muñoz\n".encode("cp1252")
    assert len(data) > csv_source.HEAD_BYTES
    dialect = csv_source.sniff_file(io.BytesIO(data))
    assert dialect.encoding == "cp1252"
    _header, rows = csv_source.header_and_rows(io.BytesIO(data), dialect)
    assert rows[-1][1] == ["+34612345679", "Muñoz"]

"""Reading an uploaded contact list: bytes to a header and numbered records.

Spreadsheets export CSV in several dialects: UTF-8 with or without a byte-order mark
("CSV UTF-8" in Excel), Windows-1252 ("CSV" in Excel on Windows), commas or, where the
decimal separator is a comma, semicolons, and sometimes a first line `sep=;` telling
Excel the delimiter. Python's csv module does the quoting and the newlines inside
quoted cells; this module only decides the encoding and the delimiter, once, from the
start of the file, so every later read (the preview, the job, a resumed job) sees the
same records with the same numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

DELIMITERS = (",", ";", "\t")
# Enough of the file to decide encoding and delimiter, and to catch a binary upload.
HEAD_BYTES = 64 * 1024
# Excel workbooks and other archives start with these; a clearer refusal than "not CSV".
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class FileRefused(ValueError):
    """The upload cannot be read as a contact list; the message says why, for a person."""


@dataclass(frozen=True)
class Dialect:
    """How to read one file: fixed at upload and stored on the import row."""

    encoding: str
    delimiter: str
    skip_lines: int = 0  # a leading `sep=;` line


def sniff(head: bytes) -> Dialect:
    """Encoding and delimiter from the first bytes of a file (FileRefused when unreadable)."""
    if not head.strip():
        raise FileRefused(_("The file is empty."))
    if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise FileRefused(
            _("This is a spreadsheet workbook, not CSV. Save it as “CSV UTF-8” and upload that.")
        )
    if b"\x00" in head:
        raise FileRefused(_("This is not a CSV file (it contains binary data)."))
    encoding = _encoding(head)
    text = head.decode(encoding, errors="ignore")  # the tail may cut a character in two
    first, _sep, rest = text.partition("\n")
    first = first.rstrip("\r")
    skip_lines = 0
    if first.lower().startswith("sep=") and len(first) == 5:
        return Dialect(encoding=encoding, delimiter=first[4], skip_lines=1)
    return Dialect(encoding=encoding, delimiter=_delimiter(first), skip_lines=skip_lines)


def sniff_file(binary: BinaryIO) -> Dialect:
    """`sniff`, with the encoding confirmed over the whole file: a Windows-1252 accent
    past the first block would otherwise stop the import halfway through."""
    binary.seek(0)
    dialect = sniff(binary.read(HEAD_BYTES))
    if dialect.encoding != "cp1252":
        binary.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := binary.read(1024 * 1024):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            dialect = Dialect(
                encoding="cp1252", delimiter=dialect.delimiter, skip_lines=dialect.skip_lines
            )
    binary.seek(0)
    return dialect


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # The head may end inside a multi-byte character: decode it incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows; every byte decodes, so this is the last resort.
        return "cp1252"


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header most (headers rarely hold , ; or tab)."""
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the order: comma first
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def records(binary: BinaryIO, dialect: Dialect) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every record; the header is row 1, as a spreadsheet counts.

    Numbers count records, not lines, so a cell with a newline inside quotes is one row.
    A record with no text in any cell (a spreadsheet's trailing empty rows) is skipped:
    it holds nothing to import or to reject.
    """
    text = io.TextIOWrapper(binary, encoding=dialect.encoding, newline="", errors="strict")
    for _i in range(dialect.skip_lines):
        text.readline()
    reader = csv.reader(text, delimiter=dialect.delimiter, strict=False)
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield number, cells
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _("The file is not valid text in %(encoding)s (byte %(position)s).")
            % {"encoding": dialect.encoding, "position": exc.start}
        ) from exc
    except csv.Error as exc:
        raise FileRefused(_("The file is not valid CSV: %(reason)s") % {"reason": exc}) from exc
    finally:
        text.detach()  # closing the wrapper would close the caller's file too


def header_and_rows(
    binary: BinaryIO, dialect: Dialect, *, limit: int | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's column names and up to `limit` data records (all when None)."""
    it = records(binary, dialect)
    first = next(it, None)
    if first is None:
        raise FileRefused(_("The file is empty."))
    number, header = first
    if number != 1:
        raise FileRefused(_("The first row must be the header naming the columns."))
    columns = [cell.strip() for cell in header]
    if not any(columns):
        raise FileRefused(_("The first row must be the header naming the columns."))
    rows = []
    for record in it:
        if limit is not None and len(rows) >= limit:
            break
        rows.append(record)
    return columns, rows

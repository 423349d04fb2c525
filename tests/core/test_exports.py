"""The shared export helper: text as written, never a formula (issue 15)."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape

from apps.core.exports import csv_cell, csv_text, xlsx_append, xlsx_bytes, xlsx_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","Click here")'


def names(kind: str) -> list[str]:
    """A made-up name of an organisation, site or ward behind each dangerous first character."""
    return [f'{c}HYPERLINK("http://127.0.0.1:9/{kind}","{kind} name")' for c in DANGEROUS]


@pytest.mark.parametrize("kind", ["organisation", "site", "ward"])
def test_csv_text_cells_that_a_spreadsheet_would_run_get_a_leading_quote(kind):
    rows = [[name, 3, -2, 1.5, None] for name in names(kind)]
    text = csv_text(["name", "n", "change", "pct", "none"], rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["name", "n", "change", "pct", "none"]
    for name, row in zip(names(kind), read[1:], strict=True):
        assert row == ["'" + name, "3", "-2", "1.5", ""]  # text as written after the quote


def test_csv_leaves_safe_text_and_numbers_alone():
    assert csv_cell("Leicester Royal Infirmary") == "Leicester Royal Infirmary"
    assert csv_cell("Ward 7 = overflow") == "Ward 7 = overflow"  # only the first character
    assert csv_cell(-3) == -3 and csv_cell(0.5) == 0.5 and csv_cell(None) is None
    assert csv_cell("") == ""
    assert csv_cell("-3") == "'-3"  # text that looks like a number is still text


@pytest.mark.parametrize("kind", ["organisation", "site", "ward"])
def test_xlsx_text_cells_are_strings_never_formulas(kind):
    book = Workbook()
    sheet = book.active
    xlsx_append(sheet, ["name", "n"])
    for name in names(kind):
        xlsx_append(sheet, [name, -4])
    body = xlsx_bytes(book)
    xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    read = load_workbook(io.BytesIO(body)).active
    for i, name in enumerate(names(kind), start=2):
        # Exactly as written, no quote added (a carriage return as OOXML's _x000D_, which
        # Excel decodes; openpyxl leaves decoding to its caller).
        assert unescape(read.cell(i, 1).value) == name
        assert read.cell(i, 1).data_type == "s" and read.cell(i, 1).quotePrefix
        assert read.cell(i, 2).value == -4 and read.cell(i, 2).data_type == "n"


def test_xlsx_text_keeps_control_characters_and_literal_escapes_as_written():
    for text in ("a\rb", "bell\x07", "_x0041_ stays", "tab\tand\nline"):
        book = Workbook()
        xlsx_append(book.active, [text])
        read = load_workbook(io.BytesIO(xlsx_bytes(book))).active["A1"].value
        assert unescape(read) == text
    assert xlsx_text("_x0041_") == "_x005F_x0041_" and xlsx_text("\r") == "_x000D_"

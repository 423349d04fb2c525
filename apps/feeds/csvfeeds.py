"""CSV feeds → the JSON body of the matching POST (DOMAIN.md "CSV feed formats").

Pure functions: text in, body out. One row per item, header row required, UTF-8,
comma-separated. Empty cells become ``null``; whole-number columns become integers; every other
value is passed on as text for the sitrep's own validation (the same as a POST).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first item row 2.
Errors name the row and column. ``CsvDocument.rows`` maps JSON paths of the body back to rows
so that a rejection by the sitrep validation can name the CSV row too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apps.sitreps.choices import SitrepKind

BEDS_BED_LEVEL = ("site", "as_at", "ward", "bed", "status")
BEDS_COUNTS = ("site", "as_at", "ward", "occupied", "vacant", "closed", "escalation_open")
HANDOVERS = ("incident", "site", "arrived_at", "handover_at", "cleared_at", "category")
DISCHARGE = (
    "organisation",
    "as_at",
    "ref",
    "nhs_number",
    "site",
    "ward",
    "mofd_on",
    "pathway",
    "planned_discharge_on",
    "delay_reason",
)
VIRTUAL_WARDS = ("as_at", "ward", "capacity", "occupied")
EMERGENCY = (
    "attendance",
    "site",
    "department_type",
    "arrived_at",
    "decision_to_admit_at",
    "departed_at",
    "disposition",
)
WHOLE_NUMBERS = {
    "occupied",
    "vacant",
    "closed",
    "escalation_open",
    "category",
    "capacity",
    "department_type",
}
INCIDENTS = (
    "incident",
    "category",
    "call_connected_at",
    "identified_at",
    "dispatched_at",
    "at_scene_at",
    "stood_down_at",
)


class CsvError(ValueError):
    """The document cannot be read as the CSV format of its kind; the message says where."""


@dataclass
class CsvDocument:
    body: dict[str, Any]
    rows: dict[tuple, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.cells[column]


def csv_to_body(*, kind: str, content: bytes | str) -> CsvDocument:
    """Turn a CSV feed of ``kind`` into the body of the matching POST, or raise ``CsvError``."""
    converter = _CONVERTERS.get(kind)
    if converter is None:
        raise CsvError(f"There is no CSV format for {kind!r}.")
    text = _decode(content)
    header, records = _read(text)
    return converter(header, records)


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise CsvError(f"line {line}: not UTF-8 (byte {exc.start}).") from None


def _read(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as exc:
        raise CsvError(f"row {len(records) + 1}: not valid CSV ({exc}).") from None
    if not records or not any(cell.strip() for cell in records[0][1]):
        raise CsvError("The document is empty: a header row is required.")
    header = [cell.strip().lower() for cell in records[0][1]]
    body = [(n, cells) for n, cells in records[1:] if any(c.strip() for c in cells)]
    return header, body


def _rows(
    header: list[str], records: list[tuple[int, list[str]]], expected: tuple[str, ...]
) -> list[Row]:
    _header_check(header, expected)
    rows = []
    for number, cells in records:
        if len(cells) != len(header):
            raise CsvError(
                f"row {number}: has {len(cells)} cells but the header has {len(header)} columns."
            )
        values = {}
        for column, raw in zip(header, cells, strict=True):
            values[column] = _cell(raw, column=column, row=number)
        rows.append(Row(number, values))
    return rows


def _header_check(header: list[str], expected: tuple[str, ...]) -> None:
    seen = set()
    for column in header:
        if column in seen:
            raise CsvError(f"row 1: column {column!r} appears twice.")
        seen.add(column)
    missing = [c for c in expected if c not in seen]
    unknown = [c for c in header if c not in expected]
    if missing or unknown:
        problems = []
        if missing:
            problems.append("missing column(s) " + ", ".join(missing))
        if unknown:
            problems.append("unknown column(s) " + ", ".join(unknown))
        raise CsvError(f"row 1: {'; '.join(problems)}. Expected: {','.join(expected)}.")


def _cell(raw: str, *, column: str, row: int) -> Any:
    value = raw.strip()
    if value == "":
        return None
    if column in WHOLE_NUMBERS:
        digits = value.removeprefix("-").removeprefix("+")
        if not digits.isascii() or not digits.isdigit():
            raise CsvError(f"row {row}, column {column}: {value!r} is not a whole number.")
        return int(value)
    return value


def _one_value(rows: list[Row], column: str, what: str) -> Any:
    """The value every row shares in ``column`` (one document is one submission)."""
    first = rows[0]
    for row in rows[1:]:
        if row[column] != first[column]:
            raise CsvError(
                f"row {row.number}, column {column}: {row[column]!r} differs from "
                f"{first[column]!r} in row {first.number}; one document is {what}."
            )
    return first[column]


def _need_rows(rows: list[Row], why: str) -> None:
    if not rows:
        raise CsvError(f"The document has a header but no rows; {why}.")


def _beds(header: list[str], records: list[tuple[int, list[str]]]) -> CsvDocument:
    bed_level = "bed" in header or "status" in header
    rows = _rows(header, records, BEDS_BED_LEVEL if bed_level else BEDS_COUNTS)
    _need_rows(rows, "a bed sitrep needs at least one ward")
    site = _one_value(rows, "site", "one site")
    as_at = _one_value(rows, "as_at", "one site at one as_at")
    where = {("site",): rows[0].number, ("as_at",): rows[0].number}
    wards: list[dict[str, Any]] = []
    if bed_level:
        by_ward: dict[Any, int] = {}
        for row in rows:
            if row["ward"] not in by_ward:
                by_ward[row["ward"]] = len(wards)
                where[("wards", len(wards))] = row.number
                wards.append({"ward": row["ward"], "beds": []})
            index = by_ward[row["ward"]]
            beds = wards[index]["beds"]
            where[("wards", index, "beds", len(beds))] = row.number
            beds.append({"bed": row["bed"], "status": row["status"]})
    else:
        for index, row in enumerate(rows):
            where[("wards", index)] = row.number
            counts = {c: row[c] for c in ("occupied", "vacant", "closed", "escalation_open")}
            wards.append({"ward": row["ward"], "counts": counts})
    return CsvDocument({"site": site, "as_at": as_at, "wards": wards}, where)


def _handovers(header: list[str], records: list[tuple[int, list[str]]]) -> CsvDocument:
    rows = _rows(header, records, HANDOVERS)
    where = {("handovers", i): row.number for i, row in enumerate(rows)}
    return CsvDocument({"handovers": [dict(row.cells) for row in rows]}, where)


def _discharge(header: list[str], records: list[tuple[int, list[str]]]) -> CsvDocument:
    """A row with only ``organisation`` and ``as_at`` says "no MOFD patients now"."""
    rows = _rows(header, records, DISCHARGE)
    _need_rows(rows, "even an empty MOFD list needs a row naming organisation and as_at")
    organisation = _one_value(rows, "organisation", "one organisation's list")
    as_at = _one_value(rows, "as_at", "one list at one as_at")
    where = {("organisation",): rows[0].number, ("as_at",): rows[0].number}
    patients = []
    for row in rows:
        patient = {c: row[c] for c in DISCHARGE[2:]}
        if not any(v is not None for v in patient.values()):
            continue
        where[("patients", len(patients))] = row.number
        patients.append(patient)
    return CsvDocument({"organisation": organisation, "as_at": as_at, "patients": patients}, where)


def _virtual_wards(header: list[str], records: list[tuple[int, list[str]]]) -> CsvDocument:
    rows = _rows(header, records, VIRTUAL_WARDS)
    _need_rows(rows, "a census needs at least one virtual ward")
    as_at = _one_value(rows, "as_at", "one census at one as_at")
    where = {("as_at",): rows[0].number}
    wards = []
    for index, row in enumerate(rows):
        where[("wards", index)] = row.number
        wards.append({c: row[c] for c in ("ward", "capacity", "occupied")})
    return CsvDocument({"as_at": as_at, "wards": wards}, where)


def _emergency(header: list[str], records: list[tuple[int, list[str]]]) -> CsvDocument:
    rows = _rows(header, records, EMERGENCY)
    _need_rows(rows, "an ED sitrep needs at least one attendance")
    where = {("attendances", i): row.number for i, row in enumerate(rows)}
    return CsvDocument({"attendances": [dict(row.cells) for row in rows]}, where)


def _incidents(header: list[str], records: list[tuple[int, list[str]]]) -> CsvDocument:
    """An empty cell is "not known in this document": it never clears a time held."""
    rows = _rows(header, records, INCIDENTS)
    _need_rows(rows, "an incidents sitrep needs at least one incident")
    where = {("incidents", i): row.number for i, row in enumerate(rows)}
    return CsvDocument({"incidents": [dict(row.cells) for row in rows]}, where)


_CONVERTERS: dict[str, Callable[[list[str], list[tuple[int, list[str]]]], CsvDocument]] = {
    SitrepKind.BEDS: _beds,
    SitrepKind.HANDOVERS: _handovers,
    SitrepKind.DISCHARGE: _discharge,
    SitrepKind.VIRTUAL_WARDS: _virtual_wards,
    SitrepKind.EMERGENCY: _emergency,
    SitrepKind.INCIDENTS: _incidents,
}

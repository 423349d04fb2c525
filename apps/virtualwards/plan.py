"""Loading a virtual-ward capacity plan (trajectory) from CSV into the operating plan's store
(``apps.plan``, metric ``vw_capacity`` by ward): validated whole, atomic, idempotent.

Columns: ``virtual_ward`` (the ward's name in the estate), ``medical_cover`` (optional, free
text), ``month`` (``YYYY-MM``) and ``planned_capacity`` (a whole number ≥ 0). The file is the
plan of every ward it names: for those wards, months absent from the file are removed. Wards
the file does not name keep their plan, so one system's plan may come in several files.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apps.plan.choices import PlanMetric
from apps.plan.models import PlanValue
from apps.plan.services import PlanEntry, PlanLoadReport, plan_values_store

from .models import VirtualWard

REQUIRED_COLUMNS = ("virtual_ward", "month", "planned_capacity")
MAX_PLANNED_CAPACITY = 100_000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WHOLE = re.compile(r"^\d+$")


class PlanError(Exception):
    """The plan file is invalid; ``errors`` are lines naming the row and the column."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class _Row:
    ward: VirtualWard
    month: date
    planned_capacity: int
    medical_cover: str


def _parse(text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise PlanError([f"row 1 (header): missing column {', '.join(missing)}."])
    reader.fieldnames = columns

    wards_by_name: dict[str, list[VirtualWard]] = {}
    for ward in VirtualWard.objects.order_by("code"):
        wards_by_name.setdefault(ward.name.strip(), []).append(ward)

    errors: list[str] = []
    rows: list[_Row] = []
    first_row_of: dict[tuple[int, date], int] = {}
    for record in reader:
        n = reader.line_num

        def fail(column: str, message: str, n: int = n) -> None:
            errors.append(f"row {n}, {column}: {message}")

        if None in record:
            fail("(extra)", "more values than columns.")
        name = (record.get("virtual_ward") or "").strip()
        month_text = (record.get("month") or "").strip()
        capacity_text = (record.get("planned_capacity") or "").strip()
        cover = (record.get("medical_cover") or "").strip()

        ward = None
        candidates = wards_by_name.get(name, [])
        if not name:
            fail("virtual_ward", "empty.")
        elif not candidates:
            fail("virtual_ward", f"no virtual ward named {name!r} in the estate.")
        elif len(candidates) > 1:
            codes = ", ".join(w.code for w in candidates)
            fail("virtual_ward", f"{name!r} names more than one virtual ward ({codes}).")
        else:
            ward = candidates[0]

        month = None
        match = _MONTH.match(month_text)
        if match and 1 <= int(match[2]) <= 12:
            month = date(int(match[1]), int(match[2]), 1)
        else:
            fail("month", f"{month_text!r} is not a month written YYYY-MM.")

        capacity = None
        if _WHOLE.match(capacity_text) and int(capacity_text) <= MAX_PLANNED_CAPACITY:
            capacity = int(capacity_text)
        else:
            fail(
                "planned_capacity",
                f"{capacity_text!r} is not a whole number from 0 to {MAX_PLANNED_CAPACITY}.",
            )

        if len(cover) > PlanValue._meta.get_field("note").max_length:
            fail("medical_cover", "longer than 100 characters.")

        if ward is not None and month is not None:
            key = (ward.pk, month)
            if key in first_row_of:
                fail("month", f"{name} {month:%Y-%m} repeats row {first_row_of[key]}.")
            first_row_of.setdefault(key, n)
            if capacity is not None:
                rows.append(_Row(ward, month, capacity, cover))
    if errors:
        raise PlanError(errors)
    if not rows:
        raise PlanError(["the file has no plan rows."])
    return rows


def plan_load(*, text: str) -> PlanLoadReport:
    """Replace the trajectory of every ward the CSV names with the CSV's rows, in the plan
    store (metric ``vw_capacity``, scope the ward's code, the medical cover as the note): the
    operating plan's one mechanism. Raises ``PlanError``; writes nothing then."""
    rows = _parse(text)
    return plan_values_store(
        entries=[
            PlanEntry(
                metric=PlanMetric.VW_CAPACITY,
                scope=row.ward.code,
                month=row.month,
                value=Decimal(row.planned_capacity),
                note=row.medical_cover,
            )
            for row in rows
        ],
        replace_scopes={(PlanMetric.VW_CAPACITY.value, row.ward.code) for row in rows},
    )

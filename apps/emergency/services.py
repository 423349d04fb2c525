"""Writes: attendances from ED sitreps, and the daily figures derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from apps.beds.models import Organisation, Site
from apps.core.exceptions import ApplicationError
from apps.core.localtime import local_date
from apps.sitreps.models import Submission

from . import rules
from .models import Attendance, EmergencyDaily, EmergencyDepartment
from .selectors import RECORD_FIELDS, day_totals_by_site

# Each attendance merged with what is held (rules.attendance_merge: a null never clears a
# time); in attendance order, one lock order for every writer, so batches cannot deadlock.
_UPSERT_SQL = """
INSERT INTO {attendance} AS a (organisation_id, attendance, site_id, department_type,
                               arrived_at, decision_to_admit_at, departed_at, disposition,
                               submission_id, updated_at)
SELECT %(organisation)s, i.attendance, i.site, i.department_type, i.arrived, i.dta,
       i.departed, i.disposition, %(submission)s, %(now)s
FROM unnest(%(attendances)s::text[], %(sites)s::bigint[], %(types)s::int[],
            %(arrived)s::timestamptz[], %(dtas)s::timestamptz[], %(departed)s::timestamptz[],
            %(dispositions)s::text[])
     WITH ORDINALITY AS i(attendance, site, department_type, arrived, dta, departed,
                          disposition, n)
ORDER BY i.n
ON CONFLICT (organisation_id, attendance) DO UPDATE
SET site_id = EXCLUDED.site_id, department_type = EXCLUDED.department_type,
    arrived_at = EXCLUDED.arrived_at,
    decision_to_admit_at = COALESCE(EXCLUDED.decision_to_admit_at, a.decision_to_admit_at),
    departed_at = COALESCE(EXCLUDED.departed_at, a.departed_at),
    disposition = COALESCE(EXCLUDED.disposition, a.disposition),
    submission_id = EXCLUDED.submission_id, updated_at = EXCLUDED.updated_at
"""

_DEPARTMENTS_SQL = """
INSERT INTO {department} (site_id, first_reported_at)
SELECT s, %(now)s FROM unnest(%(sites)s::bigint[]) AS s
ON CONFLICT (site_id) DO NOTHING
"""


def attendance_check(*, held: dict[str, Any] | None, posted: dict[str, Any]) -> dict[str, str]:
    """The ordering and pairing rules on the record this post would leave (held + posted):
    ``{field: message}``, empty when valid (DOMAIN.md, API.md "Records filled in over several
    posts")."""
    record = rules.attendance_merge(
        None if held is None else {n: held[n] for n in RECORD_FIELDS},
        {n: posted[n] for n in RECORD_FIELDS},
    )
    problems = rules.attendance_problems(record)
    if held is not None:
        problems = {
            field: f"{message} (with what is held for {posted['attendance']})"
            for field, message in problems.items()
        }
    return problems


@dataclass(frozen=True)
class Touched:
    """What a batch changed: local days (arrivals and departures, before and after) and sites."""

    days: set[date]
    site_codes: set[str]


def _days_of(record: dict[str, Any]) -> set[date]:
    days = {local_date(record["arrived_at"])}
    if record.get("departed_at") is not None:
        days.add(local_date(record["departed_at"]))
    return days


def attendances_upsert(
    *, organisation: Organisation, submission: Submission, items: list[dict[str, Any]]
) -> Touched:
    """Create each attendance or fill it in: a stated value corrects, a ``None`` keeps the
    held one (``rules.attendance_merge``; API.md "Records filled in over several posts").
    Runs inside the ingest transaction.

    The held rows are locked (in attendance order, one lock order for every writer) and the
    ordering and pairing rules checked again on the merged records, so a concurrent post
    cannot slip an invalid record past the validation: raises ``ApplicationError`` naming
    the item (400; nothing of the batch applied). Returns the local days and sites whose
    figures changed, including where a corrected attendance was before. Marks the sites as
    reporting an ED.
    """
    now = timezone.now()
    references = sorted(item["attendance"] for item in items)
    held = {
        row["attendance"]: row
        for row in Attendance.objects.select_for_update()
        .filter(organisation=organisation, attendance__in=references)
        .order_by("attendance")
        .values("attendance", "site__code", *RECORD_FIELDS)
    }
    days: set[date] = set()
    codes: set[str] = set()
    merged: list[dict[str, Any]] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        before = held.get(item["attendance"])
        problems = attendance_check(held=before, posted=item)
        if problems:
            errors[index] = {field: [message] for field, message in problems.items()}
            continue
        if before is not None:
            days |= _days_of(before)
            codes.add(before["site__code"])
        record = rules.attendance_merge(
            None if before is None else {n: before[n] for n in RECORD_FIELDS},
            {n: item[n] for n in RECORD_FIELDS},
        )
        merged.append({"attendance": item["attendance"], "site": item["site"], **record})
        days |= _days_of(record)
        codes.add(item["site"].code)
    if errors:
        raise ApplicationError({"attendances": errors})
    ordered = sorted(merged, key=lambda i: i["attendance"])
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL.format(attendance=Attendance._meta.db_table),
            {
                "organisation": organisation.pk,
                "submission": submission.pk,
                "now": now,
                "attendances": [i["attendance"] for i in ordered],
                "sites": [i["site"].pk for i in ordered],
                "types": [int(i["department_type"]) for i in ordered],
                "arrived": [i["arrived_at"] for i in ordered],
                "dtas": [i["decision_to_admit_at"] for i in ordered],
                "departed": [i["departed_at"] for i in ordered],
                "dispositions": [i["disposition"] for i in ordered],
            },
        )
        cursor.execute(
            _DEPARTMENTS_SQL.format(department=EmergencyDepartment._meta.db_table),
            {"now": now, "sites": sorted({i["site"].pk for i in items})},
        )
    return Touched(days=days, site_codes=codes)


_DAILY_FIELDS = [
    "attendances",
    "departed",
    "met_4h",
    "type1_departed",
    "type1_met_4h",
    "over_12h",
    "dta_over_12h",
    "admitted",
    "admitted_seconds",
    "non_admitted",
    "non_admitted_seconds",
]


def emergency_days_refresh(
    *, days: Iterable[date], now: datetime, site_ids: Iterable[int] | None = None
) -> set[str]:
    """Upsert the ``EmergencyDaily`` rows of these local days for every ED (or ``site_ids``).
    Idempotent. One query a day. Returns ``"emergency:<site code>"`` for each row written."""
    wanted = None if site_ids is None else set(site_ids)
    rows = []
    codes = set()
    for day in sorted(set(days)):
        for sd in day_totals_by_site(day=day, site_ids=wanted):
            rows.append(
                EmergencyDaily(
                    site_id=sd.site_id,
                    date=day,
                    computed_at=now,
                    **{name: getattr(sd.totals, name) for name in _DAILY_FIELDS},
                )
            )
            codes.add(sd.code)
    EmergencyDaily.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["site", "date"],
        update_fields=[*_DAILY_FIELDS, "computed_at"],
    )
    return {f"emergency:{code}" for code in codes}


def emergency_recompute(submissions: Iterable[Submission], *, now: datetime) -> set[str]:
    """After accepted submissions: rewrite the daily rows of the days and sites they touched
    (read back from each submission's archived response)."""
    days: set[date] = set()
    codes: set[str] = set()
    for sub in submissions:
        response = sub.response or {}
        days |= {date.fromisoformat(d) for d in response.get("days", [])}
        codes |= set(response.get("sites", []))
    if not days or not codes:
        return set()
    site_ids = set(Site.objects.filter(code__in=codes).values_list("pk", flat=True))
    return emergency_days_refresh(days=days, now=now, site_ids=site_ids)


def emergency_live_refresh(*, now: datetime) -> set[str]:
    """Every minute: waits in the department grow with no new data.

    Daily rows do not move with the clock (they count departures), so nothing is written:
    this names the sites with patients in the department, so the live board and the alert
    evaluation see their minutes accrue. Nobody in any department: one query on the partial
    index, nothing else.
    """
    site_codes = (
        Attendance.objects.in_department(now=now)
        .order_by()
        .values_list("site__code", flat=True)
        .distinct()
    )
    return {f"emergency:{code}" for code in site_codes}

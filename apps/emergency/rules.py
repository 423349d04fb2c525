"""Emergency department figures (DOMAIN.md "Emergency department").

Plain functions over plain values: no ORM, no clock (``now`` is passed in). The SQL in
selectors.py aggregates the same ``DayTotals`` / ``LiveTotals`` and ends in the same
``day_figures`` / ``live_figures``, so both round identically.

Times are truncated to whole seconds before any duration is taken (DOMAIN.md "Precision"): a
stay of 4:00:00 meets the four-hour standard and one of 4:00:30 does not.

Decisions where DOMAIN.md leaves room (also in the API schema):
- A patient still in the department more than ``MAX_STAY`` (7 days) after arrival cannot be a
  real stay (no departure that late is accepted): the record is stale and leaves the live
  figures.
- The daily figures count arrivals of the local day D (``attendances``) and departures in D
  (everything else), so a patient who arrives before midnight and leaves after it is an
  attendance of one day and a departure of the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.core.localtime import local_day_bounds
from apps.core.records import record_merge

from .choices import Disposition

# National standards (DOMAIN.md): compared in seconds, to the second.
FOUR_HOURS_S = 4 * 60 * 60
TWELVE_HOURS_S = 12 * 60 * 60
# A departure more than this after arrival is refused; an open record older than this is stale.
MAX_STAY = timedelta(days=7)
DEPARTMENT_TYPES = (1, 2, 3)

_ONE_DP = Decimal("0.1")


@dataclass(frozen=True)
class Attendance:
    """One attendance as held: times aware (any zone), ``None`` where not known yet."""

    department_type: int
    arrived_at: datetime
    decision_to_admit_at: datetime | None = None
    departed_at: datetime | None = None
    disposition: str | None = None


def whole_seconds(moment: datetime) -> datetime:
    """The time in UTC, truncated to whole seconds (DOMAIN.md "Precision").

    In UTC because Python subtracts two times of the same zone by their wall clocks: across a
    clock change that is an hour out.
    """
    return moment.astimezone(UTC).replace(microsecond=0)


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from ``start`` to ``end``, each truncated to the second first."""
    return int((whole_seconds(end) - whole_seconds(start)).total_seconds())


def is_in_department(attendance: Attendance, *, now: datetime) -> bool:
    """Arrived, not departed, and not stale (arrived within ``MAX_STAY`` of ``now``)."""
    if attendance.departed_at is not None:
        return False
    stay = seconds_between(attendance.arrived_at, now)
    return 0 <= stay < MAX_STAY.total_seconds()


def time_in_dept_s(attendance: Attendance, *, now: datetime) -> int:
    """Arrival to departure in seconds; to ``now`` for a patient still there (never < 0)."""
    end = attendance.departed_at or now
    return max(0, seconds_between(attendance.arrived_at, end))


def time_in_dept_min(attendance: Attendance, *, now: datetime) -> int:
    """``time_in_dept_min`` as shown live: whole minutes, rounded down."""
    return time_in_dept_s(attendance, now=now) // 60


def dta_wait_s(attendance: Attendance, *, now: datetime) -> int | None:
    """Decision to admit to departure (or ``now``) in seconds; ``None`` without a DTA."""
    if attendance.decision_to_admit_at is None:
        return None
    end = attendance.departed_at or now
    return max(0, seconds_between(attendance.decision_to_admit_at, end))


def meets_four_hours(seconds: int) -> bool:
    """The four-hour standard: met at ``time_in_dept_min ≤ 240``, to the second."""
    return seconds <= FOUR_HOURS_S


def over_twelve_hours(seconds: int) -> bool:
    """``time_in_dept_min > 720`` (or a DTA wait over 720 minutes), to the second."""
    return seconds > TWELVE_HOURS_S


def is_admitted(disposition: str | None) -> bool:
    """Admitted; every other disposition of a departed patient is non-admitted."""
    return disposition == Disposition.ADMITTED


# --------------------------------------------------------------------------- daily


@dataclass(frozen=True)
class DayTotals:
    """Additive totals of one site's (or many sites') attendances of one local day.

    ``attendances`` counts arrivals in the day; every other field departures in the day.
    Seconds are exact sums, so pooled means are exact (DOMAIN.md: a total pools the records).
    """

    attendances: int = 0
    departed: int = 0
    met_4h: int = 0
    type1_departed: int = 0
    type1_met_4h: int = 0
    over_12h: int = 0
    dta_over_12h: int = 0
    admitted: int = 0
    admitted_seconds: int = 0
    non_admitted: int = 0
    non_admitted_seconds: int = 0

    def __add__(self, other: DayTotals) -> DayTotals:
        return DayTotals(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def day_totals(attendances: Iterable[Attendance], *, day: date) -> DayTotals:
    """Totals for local day ``day`` (Europe/London; 23 or 25 hours on clock-change days)."""
    start, end = local_day_bounds(day)
    counts = dict.fromkeys((f.name for f in fields(DayTotals)), 0)
    for att in attendances:
        if start <= att.arrived_at < end:
            counts["attendances"] += 1
        if att.departed_at is None or not (start <= att.departed_at < end):
            continue
        seconds = time_in_dept_s(att, now=att.departed_at)
        met = meets_four_hours(seconds)
        counts["departed"] += 1
        counts["met_4h"] += met
        if att.department_type == 1:
            counts["type1_departed"] += 1
            counts["type1_met_4h"] += met
        counts["over_12h"] += over_twelve_hours(seconds)
        dta = dta_wait_s(att, now=att.departed_at)
        counts["dta_over_12h"] += dta is not None and over_twelve_hours(dta)
        if is_admitted(att.disposition):
            counts["admitted"] += 1
            counts["admitted_seconds"] += seconds
        else:
            counts["non_admitted"] += 1
            counts["non_admitted_seconds"] += seconds
    return DayTotals(**counts)


def pct(numerator: int, denominator: int) -> float | None:
    """``100 × n / d``, one decimal half up (exact); ``None`` over an empty set."""
    if not denominator:
        return None
    value = Decimal(100 * numerator) / Decimal(denominator)
    return float(value.quantize(_ONE_DP, rounding=ROUND_HALF_UP))


def mean_min(seconds: int, count: int) -> float | None:
    """Mean minutes, one decimal half up (exact); ``None`` over an empty set."""
    if not count:
        return None
    value = Decimal(seconds) / 60 / count
    return float(value.quantize(_ONE_DP, rounding=ROUND_HALF_UP))


def day_figures(totals: DayTotals) -> dict[str, Any]:
    """The published daily figures (API.md ``/emergency/daily/`` row, without ``site``)."""
    return {
        "attendances": totals.attendances,
        "departed": totals.departed,
        "met_4h": totals.met_4h,
        "four_hour_pct": pct(totals.met_4h, totals.departed),
        "type1_four_hour_pct": pct(totals.type1_met_4h, totals.type1_departed),
        "over_12h": totals.over_12h,
        "dta_over_12h": totals.dta_over_12h,
        "mean_min_admitted": mean_min(totals.admitted_seconds, totals.admitted),
        "mean_min_non_admitted": mean_min(totals.non_admitted_seconds, totals.non_admitted),
    }


# --------------------------------------------------------------------------- live


@dataclass(frozen=True)
class LiveTotals:
    """Patients in the department now: counts, and the earliest DTA among them (the longest
    wait for a bed). Combined over sites with ``+`` (earliest DTA of either)."""

    in_department_now: int = 0
    over_12h_now: int = 0
    awaiting_bed_now: int = 0
    dta_over_12h_now: int = 0
    earliest_dta_at: datetime | None = None

    def __add__(self, other: LiveTotals) -> LiveTotals:
        dtas = [d for d in (self.earliest_dta_at, other.earliest_dta_at) if d is not None]
        return LiveTotals(
            in_department_now=self.in_department_now + other.in_department_now,
            over_12h_now=self.over_12h_now + other.over_12h_now,
            awaiting_bed_now=self.awaiting_bed_now + other.awaiting_bed_now,
            dta_over_12h_now=self.dta_over_12h_now + other.dta_over_12h_now,
            earliest_dta_at=min(dtas, default=None),
        )


def live_totals(attendances: Iterable[Attendance], *, now: datetime) -> LiveTotals:
    """Totals over the patients in the department at ``now`` (``is_in_department``)."""
    in_dept = over_12h = awaiting = dta_over = 0
    earliest: datetime | None = None
    for att in attendances:
        if not is_in_department(att, now=now):
            continue
        in_dept += 1
        over_12h += over_twelve_hours(time_in_dept_s(att, now=now))
        wait = dta_wait_s(att, now=now)
        if wait is None:
            continue
        awaiting += 1
        dta_over += over_twelve_hours(wait)
        dta = whole_seconds(att.decision_to_admit_at)
        earliest = dta if earliest is None else min(earliest, dta)
    return LiveTotals(in_dept, over_12h, awaiting, dta_over, earliest)


def longest_dta_wait_min(totals: LiveTotals, *, now: datetime) -> int | None:
    """The longest DTA wait of patients still in the department, whole minutes rounded down;
    ``None`` when nobody is waiting for a bed."""
    if totals.earliest_dta_at is None:
        return None
    return max(0, seconds_between(totals.earliest_dta_at, now)) // 60


def live_figures(totals: LiveTotals, day: DayTotals, *, now: datetime) -> dict[str, Any]:
    """The board's ``emergency`` block (API.md "Board additions"): ``day`` is today's."""
    return {
        "in_department_now": totals.in_department_now,
        "over_12h_now": totals.over_12h_now,
        "awaiting_bed_now": totals.awaiting_bed_now,
        "longest_dta_wait_min": longest_dta_wait_min(totals, now=now),
        "attendances_today": day.attendances,
        "four_hour_pct_today": pct(day.met_4h, day.departed),
        "type1_four_hour_pct_today": pct(day.type1_met_4h, day.type1_departed),
    }


def over_12h_now_pct(totals: LiveTotals) -> float | None:
    """Patients over 12 h now as % of those in the department (the OPEL parameter)."""
    return pct(totals.over_12h_now, totals.in_department_now)


# --------------------------------------------------------------------------- records


RECORD_FIELDS = (
    "department_type",
    "arrived_at",
    "decision_to_admit_at",
    "departed_at",
    "disposition",
)


def attendance_merge(held: Mapping[str, Any] | None, posted: Mapping[str, Any]) -> dict[str, Any]:
    """The record after a post (API.md "Records filled in over several posts"): the shared
    ``record_merge`` over ``RECORD_FIELDS``: a ``None`` or absent value in the post means "not
    known in this message" and keeps what is held; a value corrects it."""
    return record_merge(held, posted, fields=RECORD_FIELDS)


def attendance_problems(record: Mapping[str, Any]) -> dict[str, str]:
    """What breaks the ordering and pairing rules in a (merged) record: ``{field: message}``.

    ``arrived_at ≤ decision_to_admit_at ≤ departed_at``; ``departed_at`` and ``disposition``
    together or not at all; a departure at most 7 days (``MAX_STAY``) after arrival.
    """
    arrived = record.get("arrived_at")
    dta = record.get("decision_to_admit_at")
    departed = record.get("departed_at")
    disposition = record.get("disposition")
    problems: dict[str, str] = {}
    if record.get("department_type") not in DEPARTMENT_TYPES:
        problems["department_type"] = "Department type must be 1, 2 or 3."
    if dta is not None and arrived is not None and whole_seconds(dta) < whole_seconds(arrived):
        problems["decision_to_admit_at"] = "Decision to admit is before arrival."
    if departed is not None:
        if arrived is not None and whole_seconds(departed) < whole_seconds(arrived):
            problems["departed_at"] = "Departure is before arrival."
        elif dta is not None and whole_seconds(departed) < whole_seconds(dta):
            problems["departed_at"] = "Departure is before the decision to admit."
        elif arrived is not None and seconds_between(arrived, departed) > MAX_STAY.total_seconds():
            problems["departed_at"] = "Departure is more than 7 days after arrival."
    if (departed is None) != (disposition is None):
        field = "disposition" if departed is not None else "departed_at"
        problems.setdefault(
            field, "Departure time and disposition come together: give both or neither."
        )
    return problems

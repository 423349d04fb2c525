"""MOFD, the S1 and discharge timeliness (DOMAIN.md "MOFD and the S1", "Discharge
timeliness"): plain functions, no ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from apps.core.localtime import local_date, local_day_end, local_time

from .choices import Pathway, PlanStatus, S1State

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
DAYS_7 = 7
DAYS_21 = 21


# --------------------------------------------------------------------------- NHS numbers
def nhs_number_valid(value: str) -> bool:
    """The NHS Modulus 11 check on a 10-digit number."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:9], NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(value[9])


def nhs_number_display(value: str, *, masked: bool) -> str:
    """``943 476 5919``, or masked ``943 *** **19`` for roles that do not need it."""
    if not value:
        return ""
    if masked:
        return f"{value[:3]} *** **{value[-2:]}"
    return f"{value[:3]} {value[3:6]} {value[6:]}"


# --------------------------------------------------------------------------- days
def s1_state(*, day: date, today: date, frozen: bool) -> S1State | None:
    """Whether the S1 of ``day`` is live (today), frozen, or over but not yet frozen.

    ``None`` for a day after ``today``: its S1 does not exist yet (no projected figures; the
    API and pages answer 404). DOMAIN.md "Precision, rounding and empty sets".
    """
    if day > today:
        return None
    if day == today:
        return S1State.LIVE
    return S1State.FROZEN if frozen else S1State.NOT_FROZEN


def days_to_freeze(*, first: date | None, yesterday: date, frozen: Iterable[date]) -> list[date]:
    """Every completed local day from ``first`` (the day of the earliest ``as_at`` any list has)
    to ``yesterday`` that is not yet frozen, oldest first: a catch-up covers days before an
    earlier freeze too (DOMAIN.md "MOFD and the S1")."""
    if first is None:
        return []
    done = set(frozen)
    return [
        first + timedelta(days=i)
        for i in range((yesterday - first).days + 1)
        if first + timedelta(days=i) not in done
    ]


def list_in_force(as_ats: Iterable[datetime], day: date) -> datetime | None:
    """Of an organisation's list times, the one used for ``day``: the latest on or before
    the end of that local day. Later lists never change an earlier day."""
    end = local_day_end(day)
    return max((t for t in as_ats if t < end), default=None)


# --------------------------------------------------------------------------- per patient
class MofdEntry(Protocol):
    ref: str
    mofd_on: date
    pathway: str
    planned_discharge_on: date | None


@dataclass(frozen=True)
class Patient:
    """The parts of a list entry the S1 needs."""

    ref: str
    mofd_on: date
    pathway: str
    planned_discharge_on: date | None = None


def plan_status(planned_discharge_on: date | None, day: date) -> PlanStatus:
    """Each patient is in exactly one plan column; a plan dated before ``day`` has lapsed."""
    if planned_discharge_on == day:
        return PlanStatus.PLANNED_TODAY
    if planned_discharge_on is not None and planned_discharge_on > day:
        return PlanStatus.FUTURE_PLAN
    return PlanStatus.AWAITING_OUTCOME


def days_mofd(mofd_on: date, day: date) -> int:
    """Whole days a patient has been MOFD on local ``day`` (0 on the day they became so)."""
    return (day - mofd_on).days


def long_waits(days: Iterable[int]) -> tuple[int, int]:
    """``(7 days or more, 21 days or more)`` among patients MOFD for ``days`` (DOMAIN.md, the
    S1's ``days_7_plus`` and ``days_21_plus``)."""
    days_7_plus = days_21_plus = 0
    for waited in days:
        days_7_plus += waited >= DAYS_7
        days_21_plus += waited >= DAYS_21
    return days_7_plus, days_21_plus


# --------------------------------------------------------------------------- the S1
@dataclass
class S1Figures:
    total: int = 0
    planned_today: int = 0
    future_plan: int = 0
    awaiting_outcome: int = 0
    P0: int = 0
    P1: int = 0
    P2: int = 0
    P3: int = 0
    lost_discharges: int = 0
    days_7_plus: int = 0
    days_21_plus: int = 0

    def __add__(self, other: S1Figures) -> S1Figures:
        return S1Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in FIELDS})

    def as_row(self, *, organisation: str, name: str) -> dict[str, Any]:
        """The API row (``by_pathway`` nested), figures only."""
        flat = asdict(self)
        return {
            "organisation": organisation,
            "name": name,
            "total": flat["total"],
            "planned_today": flat["planned_today"],
            "future_plan": flat["future_plan"],
            "awaiting_outcome": flat["awaiting_outcome"],
            "by_pathway": {p: flat[p] for p in Pathway.values},
            "lost_discharges": flat["lost_discharges"],
            "days_7_plus": flat["days_7_plus"],
            "days_21_plus": flat["days_21_plus"],
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> S1Figures:
        names = {f.name for f in FIELDS}
        flat = {k: v for k, v in row.items() if k in names}
        return cls(**flat, **row["by_pathway"])


FIELDS = fields(S1Figures)


def s1_figures(
    *, patients: Iterable[MofdEntry], previous: Iterable[MofdEntry], day: date
) -> S1Figures:
    """One organisation's S1 for ``day``.

    ``patients`` is the list used for ``day``; ``previous`` the list in force at the end of the
    day before, whose plans for that day that did not happen are ``lost_discharges``.
    """
    out = S1Figures()
    refs = set()
    for p in patients:
        refs.add(p.ref)
        out.total += 1
        for column in (plan_status(p.planned_discharge_on, day), p.pathway):
            setattr(out, column, getattr(out, column) + 1)
        waited = days_mofd(p.mofd_on, day)
        out.days_7_plus += waited >= DAYS_7
        out.days_21_plus += waited >= DAYS_21
    yesterday = day - timedelta(days=1)
    out.lost_discharges = sum(
        1 for p in previous if p.planned_discharge_on == yesterday and p.ref in refs
    )
    return out


def s1_table(
    *,
    day: date,
    organisations: Sequence[tuple[str, str]],
    figures: Mapping[str, S1Figures],
    list_times: Mapping[str, datetime | None] | None = None,
) -> dict[str, Any]:
    """The S1 body: a row per organisation and a TOTAL row.

    Each row carries ``list_as_at``: the ``as_at`` of the list its figures come from (the
    latest on or before the end of ``day``), ``None`` when the organisation had sent none by
    then; its figures are then zeros, to be shown as "no list received", not as nobody waiting.
    """
    rows = []
    total = S1Figures()
    list_times = list_times or {}
    for code, name in organisations:
        row = figures.get(code, S1Figures())
        total += row
        rows.append(
            {**row.as_row(organisation=code, name=name), "list_as_at": list_times.get(code)}
        )
    return {
        "date": day,
        "rows": rows,
        "total": {**total.as_row(organisation="TOTAL", name="Total"), "list_as_at": None},
    }


def s1_compute(
    *,
    day: date,
    organisations: Sequence[tuple[str, str]],
    lists: Mapping[str, Iterable[MofdEntry]],
    previous_lists: Mapping[str, Iterable[MofdEntry]],
    list_times: Mapping[str, datetime | None] | None = None,
) -> dict[str, Any]:
    """The S1 from whole lists: ``lists[code]`` used for ``day`` (its ``as_at`` in
    ``list_times[code]``), ``previous_lists[code]`` in force at the end of the day before."""
    figures = {
        code: s1_figures(
            patients=lists.get(code, ()), previous=previous_lists.get(code, ()), day=day
        )
        for code, _name in organisations
    }
    return s1_table(day=day, organisations=organisations, figures=figures, list_times=list_times)


# --------------------------------------------------------------------------- timeliness
# The 2023/24 plan's discharge targets (DOMAIN.md "Discharge timeliness"), in percent.
P1_WITHIN_DAYS = 1
P2_P3_WITHIN_DAYS = 2
BEFORE_HOUR = 17  # local time
TIMELINESS_TARGETS = {
    "p1_within_1_day_pct": 90,
    "p2_p3_within_2_days_pct": 85,
    "before_17_pct": 65,
}
_ONE_DP = Decimal("0.1")


def pct_1dp(part: int, whole: int) -> float | None:
    """``100 × part / whole``, one decimal, half up, computed exactly; ``None`` when
    ``whole`` is 0 (DOMAIN.md "Precision, rounding and empty sets")."""
    if whole == 0:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(_ONE_DP, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class DischargeEvent:
    """One patient's discharge: ``discharged_at`` from the latest list naming the ``ref`` as
    discharged; ``pathway`` and ``mofd_on`` from the patient's last list before it (``None``
    when the patient was never on an earlier list)."""

    discharged_at: datetime
    pathway: str | None = None
    mofd_on: date | None = None


def days_to_discharge(discharged_at: datetime, mofd_on: date) -> int:
    """Whole days from ``mofd_on`` to the local (Europe/London) date of ``discharged_at``."""
    return (local_date(discharged_at) - mofd_on).days


def before_17(discharged_at: datetime) -> bool:
    """The discharge's local time is before 17:00:00."""
    return local_time(discharged_at).hour < BEFORE_HOUR


def discharge_latest(
    named: Iterable[tuple[str, datetime, datetime]],
) -> dict[str, datetime]:
    """``{ref: discharged_at}`` from ``(ref, list as_at, discharged_at)``: a patient is
    discharged once, and a later list naming the same ``ref`` corrects the time."""
    latest: dict[str, tuple[datetime, datetime]] = {}
    for ref, as_at, discharged_at in named:
        held = latest.get(ref)
        if held is None or as_at > held[0]:
            latest[ref] = (as_at, discharged_at)
    return {ref: at for ref, (_as_at, at) in latest.items()}


@dataclass
class TimelinessCounts:
    """Counts behind one row of the timeliness figures; rows add up to the pooled total."""

    discharged: int = 0
    before_17: int = 0
    p0_discharged: int = 0
    p0_before_17: int = 0
    p1_discharged: int = 0
    p1_within_1_day: int = 0
    p2_p3_discharged: int = 0
    p2_p3_within_2_days: int = 0

    def __add__(self, other: TimelinessCounts) -> TimelinessCounts:
        return TimelinessCounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in _T_FIELDS}
        )

    def as_row(self) -> dict[str, Any]:
        """The API row's figures (percentages one decimal, ``None`` for an empty group)."""
        return {
            "discharged": self.discharged,
            "p1_discharged": self.p1_discharged,
            "p1_within_1_day_pct": pct_1dp(self.p1_within_1_day, self.p1_discharged),
            "p2_p3_discharged": self.p2_p3_discharged,
            "p2_p3_within_2_days_pct": pct_1dp(self.p2_p3_within_2_days, self.p2_p3_discharged),
            "before_17_pct": pct_1dp(self.before_17, self.discharged),
            "p0_discharged": self.p0_discharged,
            "p0_before_17_pct": pct_1dp(self.p0_before_17, self.p0_discharged),
        }


_T_FIELDS = fields(TimelinessCounts)


def timeliness_counts(events: Iterable[DischargeEvent]) -> TimelinessCounts:
    """Counts over the discharges of one local day (DOMAIN.md "Discharge timeliness"):
    P1 within 1 day, P2/P3 within 2 days (by the pathway on the patient's last list), all
    before 17:00 local and P0's own share. A patient never on an earlier list counts in
    ``discharged`` and ``before_17`` only."""
    out = TimelinessCounts()
    for e in events:
        early = before_17(e.discharged_at)
        out.discharged += 1
        out.before_17 += early
        if e.pathway is None or e.mofd_on is None:
            continue
        days = days_to_discharge(e.discharged_at, e.mofd_on)
        if e.pathway == Pathway.P0:
            out.p0_discharged += 1
            out.p0_before_17 += early
        elif e.pathway == Pathway.P1:
            out.p1_discharged += 1
            out.p1_within_1_day += days <= P1_WITHIN_DAYS
        else:
            out.p2_p3_discharged += 1
            out.p2_p3_within_2_days += days <= P2_P3_WITHIN_DAYS
    return out


def timeliness_table(
    *, day: date, organisations: Sequence[str], counts: Mapping[str, TimelinessCounts]
) -> dict[str, Any]:
    """``GET /api/v1/discharge/timeliness/``: a row per organisation (zeros and ``null``
    when it discharged nobody that day) and the pooled ``total`` (percentages from the
    summed counts)."""
    rows, total = [], TimelinessCounts()
    for code in organisations:
        row = counts.get(code, TimelinessCounts())
        total += row
        rows.append({"organisation": code, **row.as_row()})
    return {"date": day, "rows": rows, "total": {"organisation": "TOTAL", **total.as_row()}}

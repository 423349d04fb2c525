"""Bed-state figures (DOMAIN.md "Beds and occupancy"): plain values in, plain values out.

No ORM and no clock here. Everything is whole-number arithmetic so that a ward, a site and the
system give exactly the figures DOMAIN.md defines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .choices import BedStatus


def occupancy_pct(occupied: int, available: int) -> float | None:
    """``100 * occupied / available`` to one decimal, half up; ``None`` when nothing is open."""
    if available <= 0:
        return None
    # Tenths of a per cent, rounded half up without going through binary floats.
    tenths = (2000 * occupied + available) // (2 * available)
    return tenths / 10


def bed_gap(occupied: int, available: int, *, standard_pct: int) -> int:
    """Beds needed to reach the occupancy standard (per cent, DOMAIN.md: 92):
    ceil(100 * occupied / standard_pct) - available."""
    return (100 * occupied + standard_pct - 1) // standard_pct - available


@dataclass(frozen=True)
class Occupancy:
    """The counts of one ward, or the sum over many; every other figure derives from them."""

    occupied: int = 0
    vacant: int = 0
    closed: int = 0
    escalation_open: int = 0

    @property
    def available(self) -> int:
        return self.occupied + self.vacant

    @property
    def core_open(self) -> int:
        return self.available - self.escalation_open

    @property
    def pct(self) -> float | None:
        return occupancy_pct(self.occupied, self.available)

    def bed_gap(self, *, standard_pct: int) -> int:
        return bed_gap(self.occupied, self.available, standard_pct=standard_pct)

    def __add__(self, other: Occupancy) -> Occupancy:
        return Occupancy(
            self.occupied + other.occupied,
            self.vacant + other.vacant,
            self.closed + other.closed,
            self.escalation_open + other.escalation_open,
        )

    def block(self, *, standard_pct: int) -> dict[str, Any]:
        """The fields of ``OccupancyOut`` (API.md board ``occupancy``)."""
        return {
            "occupied": self.occupied,
            "available": self.available,
            "pct": self.pct,
            "core_open": self.core_open,
            "escalation_open": self.escalation_open,
            "closed": self.closed,
            "bed_gap": self.bed_gap(standard_pct=standard_pct),
        }


@dataclass(frozen=True)
class WardReport:
    """One ward of a valid bed sitrep, resolved against the estate (ids, not codes)."""

    ward_id: int
    ward_code: str
    source: str  # WardStateSource: "bed_list" or "counts"
    occupancy: Occupancy
    # Bed lists only: every bed of the ward as (bed id, held status); unlisted escalation
    # beds are there as not open.
    beds: tuple[tuple[int, str], ...] | None = None


def occupancy_total(parts: Iterable[Occupancy]) -> Occupancy:
    total = Occupancy()
    for part in parts:
        total += part
    return total


def bed_status_held(status: str, *, escalation: bool) -> str:
    """What a reported status means for the bed: a shut escalation bed is not open, not closed."""
    if escalation and status == BedStatus.CLOSED:
        return BedStatus.NOT_OPEN
    return status


def bed_list_occupancy(beds: Iterable[tuple[bool, str]]) -> Occupancy:
    """Counts of a ward from its beds as ``(escalation, held status)``; unlisted beds not open."""
    occupied = vacant = closed = escalation_open = 0
    for escalation, status in beds:
        if status == BedStatus.OCCUPIED:
            occupied += 1
        elif status == BedStatus.VACANT:
            vacant += 1
        elif status == BedStatus.CLOSED and not escalation:
            closed += 1
        else:
            continue
        if escalation:
            escalation_open += 1
    return Occupancy(occupied, vacant, closed, escalation_open)


def counts_problems(
    counts: Occupancy, *, core_beds: int, escalation_beds: int, ward: str = ""
) -> dict[str, list[str]]:
    """Why reported counts do not fit a ward's estate, keyed by the count to blame ({} if fine).

    The counts must fit the estate and account for every core bed: ``occupied + vacant −
    escalation_open + closed`` = core beds (DOMAIN.md "Beds", API.md bed sitrep). ``ward``
    (its code) is named in the accounting message.
    """
    problems: dict[str, list[str]] = {}
    where = f"{ward}: " if ward else ""

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if counts.escalation_open > escalation_beds:
        add(
            "escalation_open",
            f"{counts.escalation_open} escalation beds open but the ward has {escalation_beds}.",
        )
    if counts.escalation_open > counts.available:
        add(
            "escalation_open",
            f"{counts.escalation_open} escalation beds open is more than the "
            f"{counts.available} open beds (occupied + vacant).",
        )
    if counts.closed > core_beds:
        add("closed", f"{counts.closed} closed is more than the ward's {core_beds} core beds.")
    if counts.available > core_beds + escalation_beds:
        add(
            "non_field_errors",
            f"{counts.available} open beds (occupied + vacant) is more than the ward's "
            f"{core_beds} core and {escalation_beds} escalation beds.",
        )
    if (
        counts.escalation_open <= counts.available
        and counts.closed <= core_beds
        and counts.core_open + counts.closed != core_beds
    ):
        # Every core bed is open (occupied or vacant) or closed (DOMAIN.md "Beds"): counts that
        # leave some out would make beds silently disappear from the figures.
        add(
            "non_field_errors",
            f"{where}{counts.occupied} occupied + {counts.vacant} vacant - "
            f"{counts.escalation_open} escalation_open + {counts.closed} closed = "
            f"{counts.core_open + counts.closed}, but the ward has {core_beds} core beds: "
            "every core bed must be counted as occupied, vacant or closed.",
        )
    return problems

"""Ambulance handover figures (DOMAIN.md "Ambulance handovers and lost hours").

Plain functions over plain values: no ORM, no clock (``now`` is passed in). The SQL path in
selectors.py aggregates the same ``DayTotals`` and ends in the same ``day_figures``, so both
round identically.

Decisions where DOMAIN.md leaves room (also in the API schema):
- An arrival still waiting (no ``handover_at``, not cleared) counts with ``now`` in place of
  ``handover_at`` in the bands and lost time, capped at ``MAX_HANDOVER`` after arrival (no
  valid handover can be later, so a record nobody closed stops accruing). The mean is over
  handed-over arrivals only.
- An arrival cleared with no ``handover_at`` (e.g. conveyed elsewhere) has no handover time:
  it counts as an arrival and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.core.records import merged_from_held, record_merge

# Fixed band thresholds (their names are in the API): strictly greater than.
BANDS_MIN = (15, 30, 60)
# A handover more than this after arrival is refused, and a wait stops accruing here.
MAX_HANDOVER = timedelta(hours=24)

_MICRO = Decimal(1_000_000)
_ONE_DP = Decimal("0.1")
_TWO_DP = Decimal("0.01")


@dataclass(frozen=True)
class Arrival:
    arrived_at: datetime
    handover_at: datetime | None = None
    cleared_at: datetime | None = None


def seconds_between(start: datetime, end: datetime) -> Decimal:
    """Exact seconds (microsecond precision), as PostgreSQL's EXTRACT(EPOCH ...) gives them."""
    return Decimal((end - start) // timedelta(microseconds=1)) / _MICRO


def is_waiting(arrival: Arrival) -> bool:
    return arrival.handover_at is None and arrival.cleared_at is None


def handover_seconds(arrival: Arrival, *, now: datetime) -> Decimal | None:
    """Arrival to handover; ``now`` (capped) while waiting; ``None`` if cleared unhanded."""
    if arrival.handover_at is not None:
        return seconds_between(arrival.arrived_at, arrival.handover_at)
    if arrival.cleared_at is not None:
        return None
    end = min(max(now, arrival.arrived_at), arrival.arrived_at + MAX_HANDOVER)
    return seconds_between(arrival.arrived_at, end)


def handover_min(arrival: Arrival, *, now: datetime) -> float | None:
    seconds = handover_seconds(arrival, now=now)
    return None if seconds is None else float(seconds / 60)


def lost_min(handover_min: float, *, standard_min: int) -> float:
    """Minutes beyond the handover standard: ``max(0, handover_min - standard)``."""
    return max(0.0, handover_min - standard_min)


def wait_min(arrived_at: datetime, *, now: datetime) -> int:
    """Whole minutes a crew has waited so far (never negative)."""
    return max(0, int((now - arrived_at) // timedelta(minutes=1)))


def release_to_respond_breached(wait_min: int, *, limit_min: int) -> bool:
    """A crew held longer than ``limit_min`` (45) breaches release-to-respond: a red alert."""
    return wait_min > limit_min


@dataclass(frozen=True)
class DayTotals:
    """Additive totals of one site's (or many sites') arrivals of one day."""

    arrivals: int = 0
    handed_over: int = 0
    handed_over_seconds: Decimal = Decimal(0)
    over_15: int = 0
    over_30: int = 0
    over_60: int = 0
    lost_seconds: Decimal = Decimal(0)

    def __add__(self, other: DayTotals) -> DayTotals:
        return DayTotals(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def day_totals(arrivals: Iterable[Arrival], *, now: datetime, standard_min: int) -> DayTotals:
    """Totals of arrivals of one day, each timed with ``handover_seconds``."""
    counts = {"arrivals": 0, "handed_over": 0, "over_15": 0, "over_30": 0, "over_60": 0}
    handed_over_seconds = lost_seconds = Decimal(0)
    standard_s = standard_min * 60
    for arrival in arrivals:
        counts["arrivals"] += 1
        seconds = handover_seconds(arrival, now=now)
        if seconds is None:
            continue
        if arrival.handover_at is not None:
            counts["handed_over"] += 1
            handed_over_seconds += seconds
        for band in BANDS_MIN:
            if seconds > band * 60:
                counts[f"over_{band}"] += 1
        lost_seconds += max(Decimal(0), seconds - standard_s)
    return DayTotals(**counts, handed_over_seconds=handed_over_seconds, lost_seconds=lost_seconds)


def mean_handover_min(totals: DayTotals) -> float | None:
    """Mean over handed-over arrivals, one decimal half up; ``None`` when none handed over."""
    if not totals.handed_over:
        return None
    mean = Decimal(totals.handed_over_seconds) / 60 / totals.handed_over
    return float(mean.quantize(_ONE_DP, rounding=ROUND_HALF_UP))


def lost_hours(lost_seconds: Decimal) -> float:
    """Σ lost minutes / 60, two decimals half up."""
    return float((Decimal(lost_seconds) / 3600).quantize(_TWO_DP, rounding=ROUND_HALF_UP))


def handover_times_problems(
    *, arrived_at: datetime, handover_at: datetime | None, cleared_at: datetime | None
) -> dict[str, list[str]]:
    """What is wrong with one arrival's times, by field (empty when nothing is).

    ``arrived_at <= handover_at <= cleared_at``, a crew may clear without a handover, and a
    handover is at most ``MAX_HANDOVER`` (24 hours) after arrival (API.md ``sitreps/handovers``).
    """
    problems: dict[str, list[str]] = {}
    if handover_at is not None:
        if handover_at < arrived_at:
            problems["handover_at"] = ["Handover is before arrival."]
        elif handover_at - arrived_at > MAX_HANDOVER:
            problems["handover_at"] = ["Handover is more than 24 hours after arrival."]
    if cleared_at is not None:
        if handover_at is not None and cleared_at < handover_at:
            problems["cleared_at"] = ["Clear is before handover."]
        elif cleared_at < arrived_at:
            problems["cleared_at"] = ["Clear is before arrival."]
    return problems


# What a handover post may state; a known incident's record is merged field by field.
HANDOVER_FIELDS = ("site", "arrived_at", "handover_at", "cleared_at", "category")


def handover_merge_problems(
    held: Mapping[str, Any] | None, posted: Mapping[str, Any]
) -> dict[str, list[str]]:
    """``handover_times_problems`` of the record as it would be after this post: what is held
    merged with the post (``apps.core.records.record_merge``: a null or absent time keeps the
    held one, a value corrects it; API.md "Records filled in over several posts"). A message
    says which times were already held. Empty when the merged record is valid."""
    merged = record_merge(held, posted, fields=HANDOVER_FIELDS)
    problems = handover_times_problems(
        arrived_at=merged["arrived_at"],
        handover_at=merged["handover_at"],
        cleared_at=merged["cleared_at"],
    )
    kept = sorted(merged_from_held(held, posted, fields=("handover_at", "cleared_at")))
    if problems and kept:
        note = "; ".join(f"{name} {merged[name].isoformat()}" for name in kept)
        problems = {f: [f"{m} (already held: {note})" for m in ms] for f, ms in problems.items()}
    return problems


def day_figures(totals: DayTotals) -> dict:
    """The published daily figures (API.md ``/handovers/daily/`` row, without ``site``)."""
    return {
        "arrivals": totals.arrivals,
        "handed_over": totals.handed_over,
        "mean_handover_min": mean_handover_min(totals),
        "over_15": totals.over_15,
        "over_30": totals.over_30,
        "over_60": totals.over_60,
        "lost_hours": lost_hours(totals.lost_seconds),
    }

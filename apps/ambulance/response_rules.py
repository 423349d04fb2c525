"""Ambulance response figures (DOMAIN.md "Ambulance response"; national Ambulance Response
Programme, ARP).

Plain functions over plain values: no ORM, no clock (``now`` is passed in). The SQL in
``response_selectors`` sums and ranks the same ``response_s`` values and ends in the same
``category_figures``, so the API, the board, the page and the alerts round identically.

Decisions where DOMAIN.md leaves room (also in the API schema):
- Every time is truncated to the whole second when it is accepted, so durations are whole
  seconds exactly.
- An incident whose clock started more than ``MAX_OPEN`` ago with no clock stop and no stand
  down is stale: it leaves ``waiting_now`` and ``longest_wait_s`` (API.md, "Records filled in
  over several posts").
- For the same reason a clock stop more than ``MAX_OPEN`` after the clock start is refused
  (as a handover over 24 h after arrival and an ED departure over 7 days are): no response is
  that long, and one such record would move a day's mean and the plan's actuals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.core.records import merged_from_held, record_merge

CATEGORIES = (1, 2, 3, 4)
# DOMAIN.md: connected + 30 s for category 1, + 240 s for categories 2-4.
CONNECTED_OFFSET = {1: timedelta(seconds=30), 2: timedelta(seconds=240)}
CONNECTED_OFFSET |= {3: CONNECTED_OFFSET[2], 4: CONNECTED_OFFSET[2]}
# An incident open this long after its clock start is stale (leaves the live figures).
MAX_OPEN = timedelta(hours=24)
# The figures of one category of one day (the API's field names).
EMPTY_FIGURES = {"incidents": 0, "mean_response_s": None, "p90_response_s": None}

TIME_FIELDS = (
    "call_connected_at",
    "identified_at",
    "dispatched_at",
    "at_scene_at",
    "stood_down_at",
)
INCIDENT_FIELDS = ("category", *TIME_FIELDS)


def truncate_s(moment: datetime | None) -> datetime | None:
    """The time truncated to the whole second (DOMAIN.md "Precision")."""
    return None if moment is None else moment.replace(microsecond=0)


@dataclass(frozen=True)
class IncidentTimes:
    """An incident as held or posted. Times aware; ``None``: not known (yet)."""

    category: int | None = None
    call_connected_at: datetime | None = None
    identified_at: datetime | None = None
    dispatched_at: datetime | None = None
    at_scene_at: datetime | None = None
    stood_down_at: datetime | None = None

    def truncated(self) -> IncidentTimes:
        return replace(self, **{f: truncate_s(getattr(self, f)) for f in TIME_FIELDS})


def incident_merge(held: IncidentTimes | None, posted: IncidentTimes) -> IncidentTimes:
    """What is held plus a post (``apps.core.records.record_merge``): a value in the post
    replaces (corrects) the held one; a ``None`` in the post means "not known in this message"
    and keeps what is held (API.md "Records filled in over several posts"). A category in the
    post re-judges the incident under it."""
    merged = record_merge(
        None if held is None else vars(held), vars(posted), fields=INCIDENT_FIELDS
    )
    return IncidentTimes(**merged)


def held_note(held: IncidentTimes | None, posted: IncidentTimes) -> str:
    """ " (held: dispatched_at 10:02:00+00:00, ...)" for the times a merged record took from
    what was held, so a refusal says why; empty when none."""
    kept = sorted(
        merged_from_held(None if held is None else vars(held), vars(posted), fields=TIME_FIELDS)
    )
    if not kept:
        return ""
    return " (held: " + ", ".join(f"{n} {getattr(held, n).isoformat()}" for n in kept) + ")"


def clock_start(
    *,
    category: int,
    call_connected_at: datetime,
    identified_at: datetime | None = None,
    dispatched_at: datetime | None = None,
) -> datetime:
    """ARP clock start: the earliest of ``identified_at``, ``dispatched_at`` and
    ``call_connected_at`` + 30 s (category 1) or + 240 s (categories 2-4); unknown (``None``)
    times are skipped. Each time is truncated to the second first. Raises ``KeyError`` for a
    category outside 1-4."""
    candidates = [truncate_s(call_connected_at) + CONNECTED_OFFSET[category]]
    candidates += [truncate_s(t) for t in (identified_at, dispatched_at) if t is not None]
    return min(candidates)


def incident_clock_start(times: IncidentTimes) -> datetime | None:
    """``clock_start`` of an incident; ``None`` while its category or connection is unknown."""
    if times.category is None or times.call_connected_at is None:
        return None
    return clock_start(
        category=times.category,
        call_connected_at=times.call_connected_at,
        identified_at=times.identified_at,
        dispatched_at=times.dispatched_at,
    )


def response_seconds(*, clock_start: datetime, at_scene_at: datetime | None) -> int | None:
    """Clock start to clock stop (``at_scene_at``) in whole seconds, each time truncated to
    the second first; ``None`` without a clock stop."""
    if at_scene_at is None:
        return None
    return int((truncate_s(at_scene_at) - truncate_s(clock_start)).total_seconds())


def incident_problems(times: IncidentTimes) -> dict[str, str]:
    """The contract's ordering rules on a (merged) incident: ``{field: message}``, empty when
    valid (API.md ``POST /api/v1/sitreps/incidents/``); a response (clock start to clock
    stop) over ``MAX_OPEN`` (24 h) is refused too."""
    problems: dict[str, str] = {}
    if times.category is None:
        problems["category"] = "A new incident needs its category (1-4)."
    if times.call_connected_at is None:
        problems["call_connected_at"] = "A new incident needs its call_connected_at."
    if problems:
        return problems
    connected = truncate_s(times.call_connected_at)
    for name in ("identified_at", "dispatched_at"):
        value = truncate_s(getattr(times, name))
        if value is not None and value < connected:
            problems[name] = f"{name} {value.isoformat()} is before call_connected_at " + (
                f"{connected.isoformat()}."
            )
    if times.at_scene_at is not None and times.stood_down_at is not None:
        problems["stood_down_at"] = (
            "at_scene_at and stood_down_at are both set: an incident reached on scene was not "
            "stood down."
        )
    if not problems and times.at_scene_at is not None:
        start = incident_clock_start(times)
        stop = truncate_s(times.at_scene_at)
        if stop < start:
            problems["at_scene_at"] = (
                f"The clock stop (at_scene_at {stop.isoformat()}) is "
                f"before the clock start ({start.isoformat()}, category {times.category})."
            )
        elif stop - start > MAX_OPEN:
            hours = MAX_OPEN.total_seconds() / 3600
            problems["at_scene_at"] = (
                f"The clock stop (at_scene_at {stop.isoformat()}) is more than {hours:g} hours "
                f"after the clock start ({start.isoformat()}): no response is that long."
            )
    return problems


# --------------------------------------------------------------------------- daily figures


def mean_half_up(total: int, count: int) -> int | None:
    """``total / count`` rounded half up to a whole number, in exact integer arithmetic;
    ``None`` when ``count`` is 0."""
    if not count:
        return None
    return (2 * total + count) // (2 * count)


def nearest_rank(count: int, pct: int = 90) -> int | None:
    """The 1-based position of the ``pct`` centile among ``count`` sorted values, nearest
    rank: ⌈pct × count / 100⌉ in integers; ``None`` when ``count`` is 0."""
    if not count:
        return None
    return max(1, (pct * count + 99) // 100)


def centile_nearest_rank(values: Iterable[int], pct: int = 90) -> int | None:
    """The ``pct`` centile by nearest rank (sorted ascending, the value at ⌈pct·n/100⌉)."""
    ordered = sorted(values)
    rank = nearest_rank(len(ordered), pct)
    return None if rank is None else ordered[rank - 1]


def category_figures(*, incidents: int, total_s: int, p90_s: int | None) -> dict[str, Any]:
    """One category of one day from its SQL aggregates: responses counted, their sum and the
    90th centile value (``EMPTY_FIGURES`` when none)."""
    return {
        "incidents": incidents,
        "mean_response_s": mean_half_up(total_s, incidents),
        "p90_response_s": p90_s if incidents else None,
    }


def response_figures(responses: Iterable[int]) -> dict[str, Any]:
    """The same figures from the response seconds themselves (tests, small sets)."""
    values = list(responses)
    return category_figures(
        incidents=len(values), total_s=sum(values), p90_s=centile_nearest_rank(values)
    )


# --------------------------------------------------------------------------- live


def is_waiting(times: IncidentTimes, *, now: datetime) -> bool:
    """Clock started by ``now``, no clock stop, not stood down, and not stale (``MAX_OPEN``)."""
    start = incident_clock_start(times)
    if start is None or times.at_scene_at is not None or times.stood_down_at is not None:
        return False
    return now - MAX_OPEN < start <= now


def wait_seconds(clock_start: datetime, *, now: datetime) -> int:
    """Whole seconds waited so far (never negative)."""
    return max(0, int((truncate_s(now) - truncate_s(clock_start)).total_seconds()))


def live_figures(
    waiting_starts: Mapping[int, tuple[int, datetime | None]], *, now: datetime
) -> dict[int, dict[str, Any]]:
    """``{category: {"waiting_now", "longest_wait_s"}}`` from ``{category: (count, earliest
    clock start)}``; ``longest_wait_s`` is ``None`` when nobody waits."""
    out = {}
    for category in CATEGORIES:
        count, earliest = waiting_starts.get(category, (0, None))
        out[category] = {
            "waiting_now": count,
            "longest_wait_s": None
            if not count or earliest is None
            else wait_seconds(earliest, now=now),
        }
    return out


# --------------------------------------------------------------------------- standards


def standard_status(value_s: int | None, standard_s: int | None) -> str:
    """ "met", "missed" (strictly over the standard) or "none" (no figure or no standard)."""
    if value_s is None or standard_s is None:
        return "none"
    return "missed" if value_s > standard_s else "met"


def minutes_one_decimal(seconds: int | None) -> Decimal | None:
    """Whole seconds as minutes to one decimal, half up, in exact decimal arithmetic (DOMAIN.md
    "Precision, rounding": 1,287 s is 21.5 min, never 21.4 from a binary float); ``None`` for
    ``None``. The trend charts' tables and summaries."""
    if seconds is None:
        return None
    return (Decimal(seconds) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def minutes_text(seconds: int | None) -> str:
    """Minutes and seconds, ``m:ss`` (as DOMAIN.md writes them: 55:00, 90:00); an en dash for
    ``None``."""
    if seconds is None:
        return "\u2013"
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"

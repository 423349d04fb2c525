"""Local (Europe/London) days: the one place the product turns instants into days and back.

Instants are stored and passed in UTC; a day on the board, the S1 and the handover figures is
a Europe/London calendar day. On the clock changes a day is 23 hours (last Sunday of March)
or 25 hours (last Sunday of October). Nothing here reads the clock: ``now`` is passed in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/London")


def local_time(moment: datetime) -> datetime:
    """An aware instant as Europe/London wall-clock time (same instant)."""
    return moment.astimezone(LOCAL_TZ)


def local_date(moment: datetime) -> date:
    """The Europe/London calendar day an aware instant falls in."""
    return moment.astimezone(LOCAL_TZ).date()


def local_today(now: datetime) -> date:
    """Today's local date at ``now`` (pass ``timezone.now()`` from a view or task)."""
    return local_date(now)


def local_midnight(day: date) -> datetime:
    """Local midnight starting ``day``, as an aware Europe/London time."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def local_day_start(day: date) -> datetime:
    """The UTC instant local ``day`` starts (local midnight)."""
    return local_midnight(day).astimezone(UTC)


def local_day_end(day: date) -> datetime:
    """The UTC instant local ``day`` ends (exclusive): the start of the next day."""
    return local_day_start(day + timedelta(days=1))


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of local ``day``: 23 h when clocks go forward, 25 h when back."""
    return local_day_start(day), local_day_end(day)

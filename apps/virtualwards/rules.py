"""Virtual-ward figures (DOMAIN.md "Virtual wards"): plain values in, plain values out.

No ORM and no clock: callers pass counts, populations, months and ``now``.
"""

from __future__ import annotations

from datetime import date, datetime

from apps.core.localtime import local_date, local_midnight

from .choices import Per100kBand, UtilisationBand


def _one_decimal_half_up(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` to one decimal place, half up, in exact integer arithmetic."""
    tenths = (20 * numerator + denominator) // (2 * denominator)
    return tenths / 10


def utilisation_pct(*, occupied: int, capacity: int) -> float | None:
    """``100 * occupied / capacity``, one decimal, half up; ``None`` when capacity is 0."""
    if capacity == 0:
        return None
    return _one_decimal_half_up(100 * occupied, capacity)


def per_100k(*, capacity: int, population: int | None) -> float | None:
    """Capacity per 100,000 population, one decimal, half up; ``None`` without a population."""
    if not population:
        return None
    return _one_decimal_half_up(capacity * 100_000, population)


def utilisation_band(
    *, occupied: int | None, capacity: int | None, ambition_pct: int
) -> UtilisationBand:
    """Where utilisation stands: over capacity beats everything, then against the ambition.

    Compared on the exact ratio, not the rounded percentage (79.96% is below 80%).
    """
    if occupied is None or capacity is None:
        return UtilisationBand.UNKNOWN
    if occupied > capacity:
        return UtilisationBand.OVER_CAPACITY
    if capacity == 0:
        return UtilisationBand.UNKNOWN
    if 100 * occupied >= ambition_pct * capacity:
        return UtilisationBand.AT_AMBITION
    return UtilisationBand.BELOW_AMBITION


def per_100k_band(
    value: float | None,
    *,
    low: int,
    high: int,
) -> Per100kBand:
    if value is None:
        return Per100kBand.UNKNOWN
    if value < low:
        return Per100kBand.BELOW_AMBITION
    if value > high:
        return Per100kBand.ABOVE_AMBITION
    return Per100kBand.WITHIN_AMBITION


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """First days of every month from ``first``'s month to ``last``'s month, inclusive."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def month_end(month: date) -> datetime:
    """The instant a month ends: local (Europe/London) midnight starting the next month."""
    return local_midnight(next_month(month))


def local_month(moment: datetime) -> date:
    """The month (first day) that ``moment`` falls in, in Europe/London."""
    return month_start(local_date(moment))

"""Two years of daily history for the demo: what `make run` imports with `load_history`.

LLR's acute sites with a weekly pattern (Mondays busiest at the front door, weekends quiet;
beds fullest midweek), a winter peak in early January, bank holidays (quiet, then a busier
day after), and noise; occupancy moves slowly (today's beds are mostly yesterday's patients).
A fixed seed, so every start shows the same history. The same generator, with a trend, makes
the second history the model comparison and the bench use.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from apps.forecasts.engine import is_bank_holiday

HEADER = ["site", "date", "ed_attendances", "emergency_admissions", "ga_occupied_midday"]

# Monday first. Front-door demand peaks on Monday; beds fill through the week.
ED_WEEK = (1.14, 1.04, 1.0, 0.99, 1.0, 0.93, 0.90)
BEDS_WEEK = (0.985, 1.0, 1.01, 1.01, 1.0, 0.99, 0.975)


@dataclass(frozen=True)
class SiteProfile:
    """Typical daily figures of a site; ``None``: the site has no such figure."""

    code: str
    ed_attendances: float | None
    admission_rate: float | None  # share of attendances admitted
    ga_beds: int | None  # adult G&A core beds
    ga_occupancy: float = 0.93  # typical midday occupancy of those beds


LLR_SITES = (
    SiteProfile("RWE-LRI", 460.0, 0.27, 684, 0.9),
    SiteProfile("RWE-GH", None, None, 422, 0.89),
    SiteProfile("RWE-LGH", 115.0, 0.04, 328, 0.87),
)


def winter(day: date, *, amplitude: float) -> float:
    """1 + amplitude at the peak (about 5 January), 1 − amplitude in early July."""
    return 1 + amplitude * math.cos(2 * math.pi * (day.timetuple().tm_yday - 5) / 365.25)


def site_history(
    profile: SiteProfile,
    *,
    end: date,
    days: int,
    rng: np.random.Generator,
    trend_per_year: float = 0.0,
    winter_amplitude: float = 0.06,
) -> list[dict]:
    """Daily rows for one site over ``days`` days ending on ``end`` (oldest first)."""
    start = end - timedelta(days=days - 1)
    rows = []
    beds_noise = 0.0
    for i in range(days):
        day = start + timedelta(days=i)
        years_from_end = (i - days + 1) / 365.25
        level = (1 + trend_per_year * years_from_end) * winter(day, amplitude=winter_amplitude)
        holiday = is_bank_holiday(day)
        after = is_bank_holiday(day - timedelta(days=1))
        row = {"site": profile.code, "date": day.isoformat()}
        if profile.ed_attendances is not None:
            mean = profile.ed_attendances * level * ED_WEEK[day.weekday()]
            mean *= 0.85 if holiday else (1.1 if after else 1.0)
            attendances = max(0, round(rng.normal(mean, 1.3 * math.sqrt(mean))))
            admitted = rng.binomial(attendances, profile.admission_rate * (0.95 + 0.1 * level))
            row["ed_attendances"] = attendances
            row["emergency_admissions"] = int(admitted)
        if profile.ga_beds is not None:
            beds_noise = 0.8 * beds_noise + rng.normal(0, 0.008)
            share = profile.ga_occupancy * BEDS_WEEK[day.weekday()]
            share *= 1 + 0.5 * (level - 1) + beds_noise - (0.02 if holiday else 0.0)
            row["ga_occupied_midday"] = max(
                0, min(round(profile.ga_beds * share), profile.ga_beds + 20)
            )
        rows.append(row)
    return rows


def history_rows(
    profiles=LLR_SITES,
    *,
    end: date,
    days: int = 730,
    seed: int = 20231026,
    trend_per_year: float = 0.0,
    winter_amplitude: float = 0.06,
) -> list[dict]:
    """Rows for every site in ``profiles``, in the ``load_history`` CSV's columns."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    for profile in profiles:
        rows.extend(
            site_history(
                profile,
                end=end,
                days=days,
                rng=rng,
                trend_per_year=trend_per_year,
                winter_amplitude=winter_amplitude,
            )
        )
    return rows


def history_csv(rows: list[dict]) -> str:
    """The rows as ``load_history`` reads them (blank cell: unknown)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()

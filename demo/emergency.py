"""The demo's front door: LRI's emergency department (type 1) and its urgent treatment centre
(type 3), posting attendances through the real API as the trust's system would.

About 330 type 1 and 130 type 3 arrivals a day with an hourly profile (quiet at 04:00, busiest
late morning to evening). Most leave within four hours; a share breach it, a few pass twelve.
About a third of type 1 patients get a decision to admit, and then wait for a bed: minutes
when the hospital has room, hours (past twelve, now and then) when its adult G&A beds are full.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
SITE = "RWE-LRI"
# Mean arrivals per hour over a day, by department type.
PER_DAY = {1: 330, 3: 130}
# Relative arrival rate by local hour (mean 1): NHS EDs' familiar shape.
HOURLY = [
    0.55, 0.45, 0.38, 0.33, 0.31, 0.35, 0.5, 0.8, 1.15, 1.4, 1.5, 1.5,
    1.45, 1.4, 1.35, 1.3, 1.3, 1.3, 1.25, 1.2, 1.1, 0.95, 0.8, 0.68,
]  # fmt: skip
_MEAN = sum(HOURLY) / 24
ADMIT_SHARE = {1: 0.32, 3: 0.02}
# How long to the decision to admit, or to leaving for those not admitted (lognormal medians).
TO_DECISION_MIN = {1: 170, 3: 75}


@dataclass
class Visit:
    attendance: str
    department_type: int
    arrived_at: datetime
    decision_to_admit_at: datetime | None
    departs_at: datetime
    disposition: str
    posted: tuple = ()  # what was last posted: (dta known, departed known)


@dataclass
class FrontDoor:
    """The simulated ED and UTC: visits in progress, and what has been posted of each."""

    rng: random.Random = field(default_factory=lambda: random.Random(20261123))
    visits: dict[str, Visit] = field(default_factory=dict)
    prefix: str = ""
    next_number: int = 1
    last_arrival_at: datetime | None = None
    _departed: dict[str, Visit] = field(default_factory=dict)  # departed in the last batch

    def _bed_wait(self, fullness: float) -> timedelta:
        """Decision to admit → departure: short with free beds, long when the hospital is full
        (``fullness``: adult G&A occupied ÷ core beds)."""
        pressure = min(max((fullness - 0.88) / 0.1, 0.0), 1.6)  # 0 at 88%, 1 at 98%
        median = 45 + 260 * pressure  # minutes
        minutes = self.rng.lognormvariate(math.log(median), 0.8)
        return timedelta(minutes=min(minutes, 3 * 24 * 60))

    def _visit(self, arrived_at: datetime, department_type: int, fullness: float) -> Visit:
        label = "ED" if department_type == 1 else "UTC"
        reference = f"LRI-{label}-{self.prefix}{self.next_number:06d}"
        self.next_number += 1
        to_decision = timedelta(
            minutes=min(
                self.rng.lognormvariate(math.log(TO_DECISION_MIN[department_type]), 0.5),
                20 * 60,
            )
        )
        if self.rng.random() < ADMIT_SHARE[department_type]:
            dta = arrived_at + to_decision
            return Visit(
                reference,
                department_type,
                arrived_at,
                dta,
                dta + self._bed_wait(fullness),
                "admitted",
            )
        disposition = self.rng.choices(["discharged", "transferred", "left"], [0.9, 0.03, 0.07])[0]
        return Visit(
            reference, department_type, arrived_at, None, arrived_at + to_decision, disposition
        )

    def _arrivals(self, start: datetime, end: datetime, fullness: float) -> None:
        """New visits arriving in ``[start, end)``, hour by hour of the local profile."""
        moment = start
        while moment < end:
            hour_end = min(
                end, moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            )
            hours = (hour_end - moment).total_seconds() / 3600
            weight = HOURLY[moment.astimezone(LONDON).hour] / _MEAN
            for department_type, per_day in PER_DAY.items():
                expected = per_day / 24 * weight * hours
                count = int(expected) + (1 if self.rng.random() < expected % 1 else 0)
                for _ in range(count):
                    offset = self.rng.uniform(0, (hour_end - moment).total_seconds())
                    arrived = (moment + timedelta(seconds=offset)).replace(microsecond=0)
                    visit = self._visit(arrived, department_type, fullness)
                    self.visits[visit.attendance] = visit
            moment = hour_end
        self.last_arrival_at = end

    def adopt(self, open_visits: list[dict], *, now: datetime, fullness: float) -> None:
        """Take over patients a previous run left in the department, so none stays forever."""
        for row in open_visits:
            dta = row["decision_to_admit_at"]
            if dta is None and self.rng.random() < ADMIT_SHARE[row["department_type"]]:
                dta = max(now, row["arrived_at"])
            departs = max(now, dta or now) + timedelta(minutes=self.rng.uniform(5, 90))
            if dta is not None:
                departs = max(departs, dta + self._bed_wait(fullness) / 4)
            self.visits[row["attendance"]] = Visit(
                row["attendance"],
                row["department_type"],
                row["arrived_at"],
                dta,
                departs,
                "admitted" if dta else "discharged",
                posted=(row["decision_to_admit_at"] is not None, False),
            )

    def unsent(self, items: list[dict]) -> None:
        """A post of ``items`` did not reach the server: send them again next time."""
        for item in items:
            visit = self.visits.get(item["attendance"])
            if visit is None:  # it departed in that post: bring it back
                visit = self._departed.pop(item["attendance"], None)
                if visit is None:
                    continue
                self.visits[visit.attendance] = visit
            visit.posted = ()

    def batch(self, now: datetime, *, fullness: float, since: datetime) -> dict:
        """Everything that happened up to ``now``: arrivals after the last batch (or after
        ``since`` on the first), decisions to admit and departures that have come due."""
        self._arrivals(self.last_arrival_at or since, now, fullness)
        self._departed = {}
        items = []
        for visit in list(self.visits.values()):
            if visit.arrived_at > now:
                continue
            dta_known = visit.decision_to_admit_at is not None and visit.decision_to_admit_at <= now
            departed = visit.departs_at <= now
            state = (dta_known, departed)
            if state == visit.posted:
                continue
            visit.posted = state
            items.append(
                {
                    "attendance": visit.attendance,
                    "site": SITE,
                    "department_type": visit.department_type,
                    "arrived_at": visit.arrived_at.isoformat(),
                    "decision_to_admit_at": visit.decision_to_admit_at.isoformat()
                    if dta_known
                    else None,
                    "departed_at": visit.departs_at.replace(microsecond=0).isoformat()
                    if departed
                    else None,
                    "disposition": visit.disposition if departed else None,
                }
            )
            if departed:
                self._departed[visit.attendance] = self.visits.pop(visit.attendance)
        return {"attendances": items}

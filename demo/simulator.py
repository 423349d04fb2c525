"""The demo's providers: realistic LLR sitreps posted through the real API on a loop.

Bed state hovers around UHL's 94% with a daily rhythm (fuller in the morning, emptier after the
afternoon discharges), ambulances arrive at the emergency sites with some long waits, MOFD lists
hold about 190 patients, and virtual wards run at 50–80%. Everything goes over HTTP with each
organisation's own key, exactly as a provider system would send it.
"""

from __future__ import annotations

import logging
import math
import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

logger = logging.getLogger("scc.simulator")
LONDON = ZoneInfo("Europe/London")

# Hourly arrival rate by site: LRI runs the emergency department, Glenfield takes cardiac and
# respiratory conveyances; the others receive none.
ARRIVALS_PER_HOUR = {"RWE-LRI": 9.0, "RWE-GH": 3.0}
DELAY_REASONS = [
    "awaiting_homecare",
    "awaiting_rehab_bed",
    "awaiting_care_home",
    "awaiting_referral",
    "awaiting_decision",
    "awaiting_tto",
    "awaiting_transport",
    "patient_family_choice",
    "awaiting_equipment",
    "housing",
]
MOFD_TARGET = {"RWE": 140, "RT5": 39, "OOA": 13}


def nhs_number(rng: random.Random) -> str:
    """A random 10-digit number that passes the Modulus 11 check."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def occupancy_target(now: datetime, base: float) -> float:
    """Fullest around 08:00 before discharges, emptiest around 17:00."""
    hour = now.astimezone(LONDON).hour + now.astimezone(LONDON).minute / 60
    return base + 0.025 * math.cos((hour - 8) / 24 * 2 * math.pi)


@dataclass
class Patient:
    ref: str
    nhs_number: str
    site: str | None
    ward: str | None
    mofd_on: date
    pathway: str
    planned_discharge_on: date | None
    delay_reason: str


@dataclass
class Incident:
    incident: str
    site: str
    arrived_at: datetime
    handover_after: timedelta
    handover_at: datetime | None = None
    cleared_at: datetime | None = None
    category: int = 2


@dataclass
class World:
    """What the simulated providers know: the estate and their own running state."""

    wards: list[dict]  # code, site, bed_type, core_beds, escalation_beds, beds: [(code, esc)]
    virtual_wards: list[dict]  # code, organisation, capacity
    organisation_sites: dict[str, list[str]]
    rng: random.Random = field(default_factory=lambda: random.Random(20231026))
    occupied: dict[str, float] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    next_incident: int = 1
    # Incident numbers are "<prefix>-<number>"; a restarted simulator passes a new prefix (e.g.
    # with its start time) so its arrivals never merge into the last run's held incidents.
    incident_prefix: str = "RX9"
    mofd: dict[str, dict[str, Patient]] = field(default_factory=dict)

    # ------------------------------------------------------------------ beds
    def bed_sitrep(self, site: str, now: datetime) -> dict:
        wards = []
        for ward in (w for w in self.wards if w["site"] == site):
            core, esc = ward["core_beds"], ward["escalation_beds"]
            base = 0.94 if ward["bed_type"] == "ga_adult" else 0.86
            target = occupancy_target(now, base) * core
            previous = self.occupied.get(ward["code"], target)
            occupied_f = previous + (target - previous) * 0.3 + self.rng.gauss(0, 0.8)
            closed = 1 if self.rng.random() < 0.15 else 0
            escalation_open = 0
            if esc and occupied_f > core - closed - 0.5:
                escalation_open = min(esc, max(1, round(occupied_f - (core - closed) + 1)))
            available = core - closed + escalation_open
            occupied = max(0, min(available, round(occupied_f)))
            self.occupied[ward["code"]] = occupied_f
            if ward["bed_type"] == "ga_adult" and ward["code"].endswith(("W22", "W15")):
                wards.append(self._bed_list(ward, occupied, closed, escalation_open))
            else:
                wards.append(
                    {
                        "ward": ward["code"],
                        "counts": {
                            "occupied": occupied,
                            "vacant": available - occupied,
                            "closed": closed,
                            "escalation_open": escalation_open,
                        },
                    }
                )
        return {"site": site, "as_at": now.isoformat(), "wards": wards}

    def _bed_list(self, ward: dict, occupied: int, closed: int, escalation_open: int) -> dict:
        core_beds = [code for code, esc in ward["beds"] if not esc]
        esc_beds = [code for code, esc in ward["beds"] if esc][:escalation_open]
        open_beds = core_beds[closed:] + esc_beds
        statuses = [{"bed": code, "status": "closed"} for code in core_beds[:closed]]
        filled = set(self.rng.sample(open_beds, min(occupied, len(open_beds))))
        statuses += [
            {"bed": code, "status": "occupied" if code in filled else "vacant"}
            for code in open_beds
        ]
        return {"ward": ward["code"], "beds": statuses}

    # ------------------------------------------------------------------ handovers
    def handover_batch(self, now: datetime, elapsed: timedelta) -> dict:
        items = []
        hours = elapsed.total_seconds() / 3600
        hour = now.astimezone(LONDON).hour
        surge = 1.3 if 10 <= hour <= 20 else 0.7
        for site, rate in ARRIVALS_PER_HOUR.items():
            expected = rate * surge * hours
            arrivals = int(expected) + (1 if self.rng.random() < expected % 1 else 0)
            for _ in range(arrivals):
                # Mostly 15–35 minutes, a long tail past the hour when the ED is full.
                minutes = self.rng.lognormvariate(math.log(24), 0.55)
                inc = Incident(
                    incident=f"{self.incident_prefix}-{self.next_incident:06d}",
                    site=site,
                    arrived_at=now
                    - timedelta(seconds=self.rng.uniform(0, elapsed.total_seconds())),
                    handover_after=timedelta(minutes=min(minutes, 300)),
                    category=self.rng.choice([1, 2, 2, 2, 3, 3, 4]),
                )
                self.next_incident += 1
                self.incidents[inc.incident] = inc
                items.append(inc)
        for inc in list(self.incidents.values()):
            changed = False
            if inc.handover_at is None and now >= inc.arrived_at + inc.handover_after:
                inc.handover_at = inc.arrived_at + inc.handover_after
                changed = True
            if (
                inc.handover_at
                and inc.cleared_at is None
                and now >= inc.handover_at + timedelta(minutes=12)
            ):
                inc.cleared_at = inc.handover_at + timedelta(minutes=12)
                changed = True
            if changed and inc not in items:
                items.append(inc)
            if inc.cleared_at:
                del self.incidents[inc.incident]
        return {
            "handovers": [
                {
                    "incident": i.incident,
                    "site": i.site,
                    "arrived_at": i.arrived_at.isoformat(),
                    "handover_at": i.handover_at.isoformat() if i.handover_at else None,
                    "cleared_at": i.cleared_at.isoformat() if i.cleared_at else None,
                    "category": i.category,
                }
                for i in items
            ]
        }

    # ------------------------------------------------------------------ MOFD
    def mofd_list(self, organisation: str, now: datetime) -> dict:
        today = now.astimezone(LONDON).date()
        patients = self.mofd.setdefault(organisation, {})
        discharged = []
        for ref, p in list(patients.items()):
            leaves = p.planned_discharge_on == today and self.rng.random() < 0.35
            if leaves or self.rng.random() < 0.02:
                del patients[ref]
                discharged.append({"ref": ref, "discharged_at": now.isoformat()})
            elif p.planned_discharge_on is None and self.rng.random() < 0.05:
                p.planned_discharge_on = today + timedelta(days=self.rng.choice([0, 0, 1, 2]))
        target = MOFD_TARGET[organisation]
        while len(patients) < target + self.rng.randint(-3, 3):
            p = self._new_patient(organisation, today)
            patients[p.ref] = p
        return {
            "organisation": organisation,
            "as_at": now.isoformat(),
            "patients": [
                {
                    "ref": p.ref,
                    "nhs_number": p.nhs_number,
                    "site": p.site,
                    "ward": p.ward,
                    "mofd_on": p.mofd_on.isoformat(),
                    "pathway": p.pathway,
                    "planned_discharge_on": p.planned_discharge_on.isoformat()
                    if p.planned_discharge_on
                    else None,
                    "delay_reason": p.delay_reason,
                }
                for p in patients.values()
            ],
            "discharged": discharged,
        }

    def _new_patient(self, organisation: str, today: date) -> Patient:
        ref = "".join(self.rng.choices(string.ascii_uppercase + string.digits, k=8))
        site = ward = None
        if organisation != "OOA":
            site = self.rng.choice(self.organisation_sites[organisation])
            choices = [
                w["code"]
                for w in self.wards
                if w["site"] == site and w["bed_type"] in ("ga_adult", "community", "mental_health")
            ]
            ward = self.rng.choice(choices) if choices else None
        days = int(self.rng.expovariate(1 / 8))
        roll = self.rng.random()
        planned = None
        if roll < 0.15:
            planned = today
        elif roll < 0.2:
            planned = today + timedelta(days=self.rng.randint(1, 4))
        return Patient(
            ref=ref,
            nhs_number=nhs_number(self.rng),
            site=site,
            ward=ward,
            mofd_on=today - timedelta(days=min(days, 60)),
            pathway=self.rng.choices(["P0", "P1", "P2", "P3"], weights=[15, 45, 25, 15])[0],
            planned_discharge_on=planned,
            delay_reason=self.rng.choice(DELAY_REASONS),
        )

    # ------------------------------------------------------------------ virtual wards
    def virtual_ward_census(self, organisation: str, now: datetime) -> dict:
        wards = []
        for vw in (v for v in self.virtual_wards if v["organisation"] == organisation):
            share = min(0.95, max(0.3, self.rng.gauss(0.65, 0.1)))
            wards.append(
                {
                    "ward": vw["code"],
                    "capacity": vw["capacity"],
                    "occupied": round(vw["capacity"] * share),
                }
            )
        return {"as_at": now.isoformat(), "wards": wards}


# ---------------------------------------------------------------------------- system calls
# The SCC's routine calls, local time; each agrees a few actions (text, owner organisation,
# owner name, scope, minutes from the call to due). The first action of the morning call is
# never completed, so the demo always has one overdue action once it falls due.
CALL_TIMES = (time(8, 30), time(13, 0), time(16, 30))
CALL_ACTIONS = {
    time(8, 30): [
        (
            "Chase the care-home panel for P3 patients waiting over 7 days",
            "RT5",
            "Discharge hub lead",
            "RT5",
            120,
        ),
        (
            "Open ward 22 escalation beds until the afternoon discharges",
            "RWE",
            "LRI site manager",
            "RWE-LRI",
            90,
        ),
        (
            "Cohort ambulance arrivals at the LRI to release crews",
            "RX9",
            "EMAS tactical commander",
            "RWE-LRI",
            60,
        ),
    ],
    time(13, 0): [
        (
            "Pull forward P1 discharges with the home-care providers",
            "RWE",
            "UHL discharge lead",
            "RWE",
            180,
        ),
        (
            "Move two medical outliers from Glenfield back to base wards",
            "RWE",
            "Glenfield site manager",
            "RWE-GH",
            120,
        ),
    ],
    time(16, 30): [
        (
            "Confirm overnight escalation beds and staffing",
            "RWE",
            "UHL on-call manager",
            "system",
            150,
        ),
        (
            "Check virtual-ward capacity for step-down tonight",
            "RT5",
            "Virtual ward lead",
            "system",
            120,
        ),
    ],
}
NEVER_COMPLETED = CALL_ACTIONS[time(8, 30)][0][0]
# An action is completed this long before it falls due (except the one left overdue).
COMPLETED_BEFORE_DUE = timedelta(minutes=20)


def call_moments(day: date) -> list[datetime]:
    """The routine calls of a local day, as aware times."""
    return [datetime.combine(day, at, tzinfo=LONDON) for at in CALL_TIMES]


def calls_due(now: datetime, held: set[datetime]) -> list[datetime]:
    """Today's call times (local day of ``now``) reached and not yet held, earliest first."""
    today = now.astimezone(LONDON).date()
    return [m for m in call_moments(today) if m <= now and m not in held]

"""Lists for the discharge tests, including the LLR S1 of 26.04.2023 (DOMAIN.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from apps.beds.models import Organisation
from apps.discharge.rules import Patient
from apps.sitreps.choices import SitrepKind
from apps.sitreps.services import sitrep_ingest

SEED_DAY = date(2023, 4, 26)
SEED_AS_AT = datetime.fromisoformat("2023-04-26T08:00:00+01:00")
# organisation: (total, planned today, future plan, awaiting outcome: of which lapsed plans)
SEED_COUNTS = {"RWE": (140, 21, 3, 116, 10), "RT5": (39, 3, 1, 35, 4), "OOA": (13, 3, 2, 8, 1)}
SITE_OF = {"RWE": "RWE-LRI", "RT5": "RT5-CCH", "OOA": None}
PATHWAYS = ("P0", "P1", "P1", "P2", "P3")


def seed_patients(code: str, day: date = SEED_DAY) -> list[Patient]:
    """Patients whose plans give the published S1 row on ``day``.

    Awaiting outcome mixes no plan and lapsed plans (dated before the day); MOFD since
    0..29 days; pathways cycle P0, P1, P1, P2, P3.
    """
    total, today, future, awaiting, lapsed = SEED_COUNTS[code]
    assert today + future + awaiting == total
    plans = (
        [day] * today
        + [day + timedelta(days=1 + i % 3) for i in range(future)]
        + [day - timedelta(days=1 + i % 2) for i in range(lapsed)]
        + [None] * (awaiting - lapsed)
    )
    return [
        Patient(
            ref=f"{code}-{i:04d}",
            mofd_on=day - timedelta(days=i % 30),
            pathway=PATHWAYS[i % len(PATHWAYS)],
            planned_discharge_on=plan,
        )
        for i, plan in enumerate(plans)
    ]


def list_body(code: str, as_at: datetime, patients: list[Patient], **extra) -> dict[str, Any]:
    site = SITE_OF.get(code)
    return {
        "organisation": code,
        "as_at": as_at.isoformat(),
        "patients": [
            {
                "ref": p.ref,
                "site": site,
                "mofd_on": p.mofd_on.isoformat(),
                "pathway": p.pathway,
                "planned_discharge_on": p.planned_discharge_on.isoformat()
                if p.planned_discharge_on
                else None,
                "delay_reason": "awaiting_homecare",
            }
            for p in patients
        ],
        **extra,
    }


def post_list(
    code: str, as_at: datetime, patients: list[Patient], *, now: datetime | None = None, **extra
):
    """Ingest a list as its organisation would (the one ingest path); asserts it was accepted."""
    result = sitrep_ingest(
        kind=SitrepKind.DISCHARGE,
        body=list_body(code, as_at, patients, **extra),
        organisation=Organisation.objects.get(code=code),
        now=now or as_at + timedelta(minutes=1),
    )
    assert result.status == 201, result.body
    return result

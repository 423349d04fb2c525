"""Bed sitrep bodies for tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

URL = "/api/v1/sitreps/beds/"


def hours_ago(hours: float) -> datetime:
    return (timezone.now() - timedelta(hours=hours)).replace(microsecond=0)


def bed_list(ward: str, core: int, statuses: dict[str, str] | None = None, **escalation):
    """Every core bed of ``ward`` vacant unless ``statuses`` says otherwise (by suffix B01...);
    escalation beds only when given, e.g. ``E01="occupied"``."""
    statuses = statuses or {}
    beds = [
        {"bed": f"{ward}-B{i:02d}", "status": statuses.get(f"B{i:02d}", "vacant")}
        for i in range(1, core + 1)
    ]
    beds += [{"bed": f"{ward}-{code}", "status": status} for code, status in escalation.items()]
    return {"ward": ward, "beds": beds}


def counts(
    ward: str, occupied: int, vacant: int, closed: int | None = None, escalation_open: int = 0
):
    """A counts item. ``closed`` left out: the rest of the ward's core beds in the small estate,
    so the counts account for every core bed (DOMAIN.md "Beds")."""
    if closed is None:
        from tests.conftest import SMALL_ESTATE

        core = next((w["core_beds"] for w in SMALL_ESTATE["wards"] if w["code"] == ward), None)
        closed = 0 if core is None else max(0, core - (occupied + vacant - escalation_open))
    return {
        "ward": ward,
        "counts": {
            "occupied": occupied,
            "vacant": vacant,
            "closed": closed,
            "escalation_open": escalation_open,
        },
    }


def sitrep(site: str, as_at: datetime | str, *wards) -> dict:
    return {
        "site": site,
        "as_at": as_at if isinstance(as_at, str) else as_at.isoformat(),
        "wards": list(wards),
    }


def worked_example(as_at: datetime) -> dict:
    """DOMAIN.md: ward A (20 core, 2 escalation) 17 core occupied, 2 vacant, 1 closed and one
    escalation bed occupied; ward B (10 core) 10 occupied."""
    statuses = {f"B{i:02d}": "occupied" for i in range(1, 18)}
    statuses["B20"] = "closed"
    return sitrep(
        "RWE-LRI",
        as_at,
        bed_list("LRI-W22", 20, statuses, E01="occupied"),
        counts("LRI-W23", occupied=10, vacant=0),
    )

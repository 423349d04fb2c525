"""The board: every figure the SCC sees, composed from each app's aggregates.

Each app answers for all sites in a fixed number of queries, so the board's query count does
not grow with the estate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.ambulance.selectors import board_handovers
from apps.beds.models import System
from apps.beds.selectors import board_occupancy, board_sites
from apps.discharge.selectors import board_mofd
from apps.virtualwards.selectors import board_virtual_wards


def board_build(*, now: datetime) -> dict[str, Any]:
    sites = list(board_sites())
    occupancy = board_occupancy(now=now)
    handovers = board_handovers(now=now)
    mofd = board_mofd(now=now)
    virtual_wards = board_virtual_wards(now=now)
    system = System.objects.first()
    return {
        "generated_at": now,
        "system": {
            "code": system.code if system else None,
            "name": system.name if system else None,
            "population": system.population if system else None,
            "occupancy": occupancy["system"],
            "handovers": handovers["system"],
            "mofd": mofd["system"],
            "virtual_wards": virtual_wards["system"],
            "opel": None,
        },
        "sites": [
            {
                "code": site.code,
                "name": site.name,
                "organisation": site.organisation.code,
                "last_sitrep_at": occupancy["last_sitrep_at"].get(site.pk),
                "occupancy": occupancy["sites"].get(site.pk),
                "handovers": handovers["sites"].get(site.pk),
                "opel": None,
                "open_alerts": 0,
            }
            for site in sites
        ],
        "virtual_wards": virtual_wards["wards"],
        "alerts": [],
    }

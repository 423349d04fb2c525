"""Reads for the estate and bed state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .choices import BED_HOLDING_KINDS
from .models import Site


def board_sites():
    """Sites shown on the board: those of bed-holding organisations, in code order."""
    return (
        Site.objects.filter(organisation__kind__in=BED_HOLDING_KINDS)
        .select_related("organisation")
        .order_by("organisation__code", "code")
    )


def board_occupancy(*, now: datetime) -> dict[str, Any]:
    """Adult G&A occupancy: ``{"system": block, "sites": {site_id: block},
    "last_sitrep_at": {site_id: datetime}}``. Filled by the bed-state issue."""
    return {"system": None, "sites": {}, "last_sitrep_at": {}}

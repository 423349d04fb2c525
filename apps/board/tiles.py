"""The board's site tiles: what each shows, worked out once per request, and its cache key.

A tile's HTML (templates/board/index.html, partial ``site-tile``) is kept in the in-process
``tiles`` cache under ``digest``, a hash of everything the partial reads: the site's figures
and what the clock and the escalation rules make of them (colours, the sitrep's age). A tile
is re-rendered exactly when one of those changes, so a stale tile cannot be served.
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import datetime
from typing import Any

from apps.beds.choices import OrganisationKind

from .templatetags.board import (
    age_minutes,
    age_text,
    ed_four_hour_status,
    ed_twelve_hour_status,
    occupancy_status,
    staleness_status,
    wait_status,
)


def site_tile(site: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """One site of ``board_build(detail=True)`` as its tile shows it at ``now``."""
    occupancy, handovers = site["occupancy"], site["handovers"]
    minutes = age_minutes(site["last_sitrep_at"], now=now)
    tile = {
        "site": site,
        # The colours follow the escalation rules (admin-editable): worked out here, once,
        # so that the key below changes whenever a colour does.
        "occupancy_status": occupancy_status(occupancy["pct"]) if occupancy else None,
        "wait_status": wait_status(handovers["longest_wait_min"]) if handovers else None,
        "other_beds": [
            (
                other["bed_type"],
                other["occupancy"],
                occupancy_status(other["occupancy"].pct) if other["occupancy"] else None,
            )
            for other in site["other_beds"]
        ],
        "ed_four_hour_status": (
            ed_four_hour_status(site["emergency"]["four_hour_pct_today"])
            if site.get("emergency")
            else None
        ),
        "ed_twelve_hour_status": (
            ed_twelve_hour_status(site["emergency"]["over_12h_now"])
            if site.get("emergency")
            else None
        ),
        # Patients with a decision to admit beside the adult G&A beds free for them.
        "vacant_beds": occupancy["available"] - occupancy["occupied"] if occupancy else None,
        "staleness": staleness_status(minutes),
        "age": age_text(minutes),
    }
    # The partial reads nothing but ``tile`` (and fixed URLs), so this is its whole input.
    # pickle is exact (1 and 1.0, None and "None" differ) and fast enough: ~15 µs a tile.
    tile["digest"] = hashlib.blake2b(
        pickle.dumps(tile, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16
    ).hexdigest()
    return tile


def site_tiles(sites: list[dict[str, Any]], *, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The board's tiles, acute hospitals apart from community and mental-health sites."""
    tiles: dict[str, list[dict[str, Any]]] = {"acute": [], "other": []}
    for site in sites:
        kind = "acute" if site["organisation_kind"] == OrganisationKind.ACUTE else "other"
        tiles[kind].append(site_tile(site, now=now))
    return tiles

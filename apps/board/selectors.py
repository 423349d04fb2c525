"""The board: every figure the SCC sees, composed from each app's aggregates.

Each app answers for all sites in a fixed number of queries, so the board's query count does
not grow with the estate. The blocks come from ``whole_system`` (apps.escalation.selectors),
the one place they are put together, so OPEL and alerts read the figures the board shows.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

from apps.actions.selectors import actions_counts
from apps.beds.choices import BedType
from apps.beds.models import System
from apps.beds.selectors import occupancy_by_bed_type, occupancy_by_bed_type_blocks
from apps.core.figures import figures_version
from apps.discharge.selectors import mofd_count_by_site
from apps.escalation.selectors import board_escalation, whole_system
from apps.feeds.selectors import feeds_board


def board_build(*, now: datetime, detail: bool = False) -> dict[str, Any]:
    """What ``GET /api/v1/board/`` returns. ``detail`` adds what only the pages show
    (OPEL parameters, MOFD per site, failing feeds)."""
    # Every bed type of every site in one query (the board's `occupancy_by_bed_type`); adult
    # G&A comes out of the same figures.
    by_type = occupancy_by_bed_type(level="site")
    by_type_blocks = occupancy_by_bed_type_blocks(by_type)
    whole = whole_system(now=now, occupancy_by_type=by_type)
    sites, organisations = whole.sites, whole.organisations
    occupancy, handovers = whole.occupancy, whole.handovers
    mofd, virtual_wards = whole.mofd, whole.virtual_wards
    ambulance_response = whole.ambulance_response
    emergency = whole.emergency
    escalation = board_escalation(now=now, figures=whole.figures)
    system = System.objects.first()
    board = {
        "generated_at": now,
        "system": {
            "code": system.code if system else None,
            "name": system.name if system else None,
            "population": system.population if system else None,
            "occupancy": occupancy["system"],
            "handovers": handovers["system"],
            "mofd": mofd["system"],
            "virtual_wards": virtual_wards["system"],
            "emergency": emergency["system"],
            "opel": escalation["system_opel"],
            "actions": actions_counts(now=now),
            "ambulance_response": ambulance_response["organisations"],
            # Pooled over every ambulance service: the system's C2 mean (the board's tile).
            "ambulance_response_total": ambulance_response["total"],
        },
        "sites": [
            {
                "code": site.code,
                "name": site.name,
                "organisation": site.organisation.code,
                "last_sitrep_at": occupancy["last_sitrep_at"].get(site.pk),
                "occupancy": occupancy["sites"].get(site.pk),
                # Every bed type the site has (API.md): community and mental-health sites
                # have no adult G&A, and figures of their own.
                "occupancy_by_bed_type": by_type_blocks.get(site.pk, {}),
                "handovers": handovers["sites"].get(site.pk),
                "emergency": emergency["sites"].get(site.pk),
                "opel": escalation["site_opel"].get(site.code),
                "open_alerts": escalation["open_alerts_by_scope"].get(site.code, 0),
            }
            for site in sites
        ],
        "virtual_wards": virtual_wards["wards"],
        "alerts": escalation["alerts"],
    }
    if detail:
        mofd_by_site = mofd_count_by_site()
        reported_orgs = set(mofd["organisations"])
        kinds = {o.code: o.kind for o in organisations}
        for site, row in zip(sites, board["sites"], strict=True):
            row["organisation_kind"] = kinds[row["organisation"]]
            row["opel_detail"] = escalation["site_opel_detail"].get(site.code)
            # A site whose organisation never sent a list is unknown, not zero.
            row["mofd_count"] = (
                mofd_by_site.get(site.pk, 0) if site.organisation_id in reported_orgs else None
            )
            # Community and mental-health sites have no adult G&A beds: show their own types.
            row["other_beds"] = [
                {
                    "bed_type": BedType(bed_type).label,
                    "occupancy": figures.occupancy,
                    "wards_reporting": figures.wards_reporting,
                    "wards_total": figures.wards_total,
                }
                for bed_type, figures in by_type.get(site.pk, {}).items()
                if bed_type != BedType.GA_ADULT
            ]
        board["feeds"] = feeds_board(now=now)
    return board


def board_build_cached(*, now: datetime, detail: bool = False) -> dict[str, Any]:
    """``board_build``, shared by every wall display and panel until the figures change.

    Keyed by the figures version (bumped on every accepted sitrep and recompute) and the
    minute (waits and ages move on with the clock); built fresh when Redis cannot say.
    """
    seconds = settings.SCC_BOARD_CACHE_SECONDS
    version = figures_version() if seconds else None
    if version is None:
        return board_build(now=now, detail=detail)
    key = f"board:v1:{version}:{int(now.timestamp() // 60)}:{int(detail)}"
    try:
        board = cache.get(key)
    except Exception:
        return board_build(now=now, detail=detail)
    if board is None:
        board = board_build(now=now, detail=detail)
        with contextlib.suppress(Exception):
            cache.set(key, board, seconds)
    return board

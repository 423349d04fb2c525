"""The wall display (``/wall/``): the board's figures arranged for the control room's wall
screen, and each system figure's change since the same time yesterday.

Panels of the page as plain functions over the board document (``board_build``), apart from
the view (apps/board/wall_views.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from apps.ambulance.response_selectors import system_response_at
from apps.ambulance.selectors import system_handovers_at
from apps.beds.choices import BedType, OrganisationKind
from apps.beds.selectors import system_occupancy_at
from apps.discharge.selectors import mofd_total_at
from apps.emergency.selectors import system_emergency_at
from apps.escalation.selectors import stale_sitrep_after
from apps.virtualwards.selectors import system_utilisation_at

from .tiles import site_tile

# "Since yesterday" compares with the same moment a day earlier.
YESTERDAY = timedelta(hours=24)


def change(now: float | int | None, then: float | int | None) -> dict[str, Any] | None:
    """``{"then", "delta", "direction": "up|down|same"}``: a figure against its value at the
    same time yesterday. ``delta`` is exact in decimal (92.1 − 90.9 = 1.2, never 1.199…);
    None when either value is unknown (no figure then, or none now)."""
    if now is None or then is None:
        return None
    delta = Decimal(str(now)) - Decimal(str(then))
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return {"then": then, "delta": abs(delta), "direction": direction}


def seconds_change(now: int | None, then: int | None) -> dict[str, Any] | None:
    """``change`` of a time in whole seconds, its ``delta`` an int (shown as m:ss)."""
    out = change(now, then)
    if out is not None:
        out["delta"] = int(out["delta"])
    return out


def since_yesterday(*, board: dict[str, Any], now: datetime) -> dict[str, dict | None]:
    """Each system figure of the wall against the same time yesterday, from the snapshots
    (adult G&A occupancy, virtual-ward utilisation), the lists in force then (MOFD), the
    handover records (crews waiting, lost hours so far today vs yesterday by this time), the
    ED attendances (4-hour % so far today vs yesterday's day so far; patients over 12 h then)
    and the incidents (C2 mean so far today, seconds). OPEL keeps no history, so it has none.

    A snapshot figure "then" must have been fresh then: when the latest snapshot at or before
    ``then`` is older than the ``stale_bed_sitrep`` rule's red threshold (``stale_after``,
    default 8 h), there is no figure for yesterday (None), never a days-old one (occupancy
    and virtual wards). The MOFD figure is the lists in force then, as the board and the S1
    used them then: a list stands until the organisation's next one (often a day later), so
    no age limit applies. The other figures are counted from the records at that moment.
    Seven queries whatever the estate (one more when the rules are re-read)."""
    then = now - YESTERDAY
    stale_after = stale_sitrep_after()
    system = board["system"]
    occupancy_then = system_occupancy_at(at=then, max_age=stale_after)
    handovers_then = system_handovers_at(at=then)
    emergency_then = system_emergency_at(at=then) or {}
    c2_then = system_response_at(at=then)["2"]
    vw_then = system_utilisation_at(at=then, max_age=stale_after)
    occupancy = system["occupancy"]
    handovers = system["handovers"]
    mofd = system["mofd"]
    vw = system["virtual_wards"]
    emergency = system["emergency"] or {}
    c2 = system["ambulance_response_total"]["2"]
    return {
        "ed_four_hour_pct": change(emergency.get("four_hour_pct_today"),
                                   emergency_then.get("four_hour_pct_today")),
        "ed_over_12h_now": change(emergency.get("over_12h_now"),
                                  emergency_then.get("over_12h_now")),
        "c2_mean_response_s": seconds_change(c2["mean_response_s"], c2_then["mean_response_s"]),
        "occupancy_pct": change(
            occupancy["pct"] if occupancy else None,
            occupancy_then.pct if occupancy_then else None,
        ),
        "waiting_now": change(handovers["waiting_now"] if handovers else None,
                              handovers_then["waiting_now"]),
        "lost_hours_today": change(handovers["lost_hours_today"] if handovers else None,
                                   handovers_then["lost_hours_today"]),
        "mofd_total": change(mofd["total"] if mofd else None, mofd_total_at(at=then)),
        "vw_pct": change(vw["pct"] if vw else None, vw_then),
    }  # fmt: skip


def wall_sites(board: dict[str, Any], *, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Acute hospitals as cards; community and mental-health sites as rows of their bed types."""
    acute, other = [], []
    for site in board["sites"]:
        tile = site_tile(site, now=now)
        if site["organisation_kind"] == OrganisationKind.ACUTE:
            acute.append(tile)
        else:
            other.append(tile)
    return {"acute": acute, "other": other}


def wall_context(*, board: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Everything ``board/wall.html`` shows."""
    alerts = board["alerts"]
    return {
        "board": board,
        "now": now,
        "since": since_yesterday(board=board, now=now),
        "sites": wall_sites(board, now=now),
        "alerts": alerts,
        "red_alerts": sum(1 for a in alerts if a["severity"] == "red"),
        "ga_adult_label": BedType.GA_ADULT.label,
        "ed_standard_pct": settings.SCC_ED_FOUR_HOUR_STANDARD_PCT,
        "cat2_ambition_s": settings.SCC_CAT2_MEAN_AMBITION_MIN * 60,
    }

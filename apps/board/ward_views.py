"""The ward page (``/sites/<site>/wards/<ward>/``): its beds, its reported states and trend."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.beds.choices import BedType, WardStateSource
from apps.beds.models import Ward
from apps.beds.rules import Occupancy
from apps.beds.selectors import (
    site_bed_map,
    site_wards,
    ward_occupancy_points,
    ward_state_history,
)
from apps.core.localtime import local_midnight, local_time

from . import charts
from .site_page import bed_cells

STATE_HISTORY_LIMIT = 100
TREND_DAYS = 7
CHART_BOX = charts.Box(width=560, height=220)


@require_GET
def ward(request, code: str, ward: str):
    """One ward: its current state and beds (each linking to its history), every reported
    state newest first (who sent it, when received) and its occupancy over the last 7 days.
    An unknown site or ward, or a ward of another site: the styled 404 page."""
    found = (
        Ward.objects.select_related("site__organisation").filter(site__code=code, code=ward).first()
    )
    if found is None:
        raise Http404(f"No ward {ward} at site {code}.")
    now = timezone.now()
    row = next(r for r in site_wards(site=found.site) if r.ward.pk == found.pk)
    bed_list = row.source == WardStateSource.BED_LIST
    beds = [b for b in site_bed_map(site=found.site) if b.ward_code == found.code]
    bed_href = reverse("board:bed", args=[found.site.code, found.code, "-"]).removesuffix("-/")
    states = ward_state_history(ward=found, limit=STATE_HISTORY_LIMIT)
    context = {
        "ward": found,
        "site": found.site,
        "bed_type": BedType(found.bed_type).label,
        "row": row,
        "standard_pct": _standard_pct(),
        # DOMAIN.md "Beds" bed_gap, the rule the site page and the board use (None: no report).
        "bed_gap": (row.occupancy.bed_gap(standard_pct=_standard_pct()) if row.occupancy else None),
        # Statuses only from a bed list: after counts, each bed's status is unknown.
        "bed_cells": bed_cells(
            beds if bed_list else [replace(b, status=None, since=None) for b in beds],
            href=bed_href,
        ),
        "bed_count": len(beds),
        "bed_list": bed_list,
        "states": [_state_row(s) for s in states],
        "limit": STATE_HISTORY_LIMIT,
        "trend": ward_trend(
            ward_occupancy_points(ward=found, now=now, days=TREND_DAYS),
            now=now,
            days=TREND_DAYS,
            label=BedType(found.bed_type).label,
            standard_pct=_standard_pct(),
        ),
        "nav": "board",
    }
    return render(request, "board/ward.html", context)


def _standard_pct() -> int:
    return settings.SCC_OCCUPANCY_STANDARD_PCT


def _state_row(state) -> dict[str, Any]:
    occupancy = Occupancy(state.occupied, state.vacant, state.closed, state.escalation_open)
    return {"state": state, "occupancy": occupancy, "pct": occupancy.pct}


def ward_trend(
    points: list[tuple[datetime, float | None]],
    *,
    now: datetime,
    days: int,
    label: str,
    standard_pct: int,
) -> dict[str, Any]:
    """The ward's occupancy as a step chart over the last ``days`` (each state holds until the
    next), with the standard as a dashed line; ``svg`` None without any state."""
    values = [pct for _, pct in points if pct is not None]
    if not values:
        return {"svg": None, "summary": "No reported state yet."}
    start = now - timedelta(days=days)
    series = [(t.timestamp(), pct) for t, pct in points] + [(now.timestamp(), points[-1][1])]
    y_lo = max(0, (int(min(min(values), standard_pct)) - 3) // 10 * 10)
    midnights = []
    day = local_time(start).date() + timedelta(days=1)
    while day <= local_time(now).date():
        midnight = local_midnight(day)
        midnights.append((midnight.timestamp(), f"{midnight:%a} {midnight.day}"))
        day += timedelta(days=1)
    summary = (
        f"{label} occupancy of the ward over the last {days} days: latest {values[-1]}%, "
        f"highest {max(values)}%, lowest {min(values)}%. "
        f"The dashed line is the {standard_pct}% standard."
    )
    svg = charts.line_chart(
        series,
        chart_id="ward-trend",
        title=f"Ward occupancy, last {days} days",
        desc=summary,
        x_domain=(start.timestamp(), now.timestamp()),
        y_domain=(y_lo, 100),
        x_ticks=midnights,
        y_ticks=[(v, f"{v:g}%") for v in charts.nice_ticks(y_lo, 100, 4)],
        x_label="Day (local time)",
        y_label="Occupied %",
        reference=(standard_pct, f"{standard_pct}% standard"),
        box=CHART_BOX,
    )
    return {"svg": svg, "summary": summary}

"""The site page (API.md Pages ``/sites/<site code>/``): wards, bed map, ambulances, MOFD.

One view serves the page and, for htmx, one panel (``?panel=wards``). Panels read through a
``SitePage`` whose figures are computed lazily and at most once per request, so a panel
refresh queries only what that panel shows, and the whole page asks each app once. Every read
is a fixed number of queries, whatever the number of wards or beds.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.ambulance.selectors import board_handovers, site_arrivals_today, site_lost_hours_history
from apps.beds.choices import BedStatus, BedType, WardStateSource
from apps.beds.models import Bed, BedCurrent, Organisation, Site
from apps.beds.rules import OCCUPANCY_STANDARD_PCT, occupancy_pct
from apps.beds.selectors import (
    BedRow,
    bed_history,
    board_occupancy,
    board_sites,
    natural_key,
    occupancy_by_bed_type,
    site_bed_map,
    site_occupancy_history,
    site_wards,
)
from apps.core.localtime import local_date, local_midnight, local_time
from apps.discharge.choices import Pathway
from apps.discharge.rules import DAYS_7, DAYS_21, days_mofd, nhs_number_display, plan_status
from apps.discharge.selectors import board_mofd, site_mofd_patients
from apps.discharge.views import NHS_NUMBER_ROLES
from apps.emergency.selectors import board_emergency, site_in_department
from apps.escalation.rules import OPEL_PARAMETER_LABELS, OPEL_PARAMETERS
from apps.escalation.selectors import board_escalation, figures_build
from apps.virtualwards.selectors import board_virtual_wards

from . import charts

BED_HISTORY_LIMIT = 100
OCCUPANCY_DAYS = 7
LOST_HOURS_DAYS = 30
# Narrower than the default: the charts sit in the page's side column.
CHART_BOX = charts.Box(width=560, height=220)

# ?panel= name → the partial of templates/board/site.html that renders it.
PANELS = {
    "header": "site-header",
    "wards": "site-wards",
    "beds": "site-bed-map",
    "ambulances": "site-ambulances",
    "emergency": "site-emergency",
    "mofd": "site-mofd",
    "trends": "site-trends",
}


@require_GET
def bed(request, code: str, ward: str, bed: str):
    """One bed: its status now and every change, newest first, with who reported it."""
    bed = get_object_or_404(
        Bed.objects.select_related("ward__site"), ward__site__code=code, ward__code=ward, code=bed
    )
    current = BedCurrent.objects.filter(bed=bed).first()
    changes = list(bed_history(bed=bed, limit=BED_HISTORY_LIMIT))
    context = {
        "bed": bed,
        "ward": bed.ward,
        "site": bed.ward.site,
        "current": current,
        "look": BED_LOOK.get(current.status if current else None, BED_LOOK[None]),
        "changes": changes,
        "limit": BED_HISTORY_LIMIT,
        "nav": "board",
    }
    return render(request, "board/bed.html", context)


@require_GET
@vary_on_headers("HX-Request")
def site(request, code: str):
    """The site page; for htmx, only the panel asked for (``?panel=wards``)."""
    site = get_object_or_404(Site.objects.select_related("organisation"), code=code)
    masked = getattr(request.user, "role", None) not in NHS_NUMBER_ROLES
    page = SitePage(site=site, now=timezone.now(), nhs_number_masked=masked)
    context = {"site": site, "page": page, "panels": PANELS}
    panel = request.GET.get("panel")
    if request.htmx and panel in PANELS:
        return render(request, f"board/site.html#{PANELS[panel]}", context)
    return render(request, "board/site.html", context | {"nav": "board"})


def _standard_pct() -> int:
    return getattr(settings, "SCC_OCCUPANCY_STANDARD_PCT", OCCUPANCY_STANDARD_PCT)


class SitePage:
    """Everything the site page shows, each part computed on first use."""

    def __init__(self, *, site: Site, now: datetime, nhs_number_masked: bool) -> None:
        self.site = site
        self.now = now
        self.nhs_number_masked = nhs_number_masked

    # ------------------------------------------------------------------ shared board blocks
    @cached_property
    def _occupancy(self) -> dict[str, Any]:
        return board_occupancy(now=self.now)

    @cached_property
    def _handovers(self) -> dict[str, Any]:
        return board_handovers(now=self.now)

    @cached_property
    def _emergency(self) -> dict[str, Any]:
        return board_emergency(now=self.now)

    @cached_property
    def _escalation(self) -> dict[str, Any]:
        figures = figures_build(
            sites=list(board_sites()),
            organisations=list(Organisation.objects.all()),
            occupancy=self._occupancy,
            handovers=self._handovers,
            mofd=board_mofd(now=self.now),
            virtual_wards=board_virtual_wards(now=self.now),
            emergency=self._emergency,
        )
        return board_escalation(now=self.now, figures=figures)

    @cached_property
    def _ward_rows(self):
        return site_wards(site=self.site)

    @cached_property
    def has_ga_adult(self) -> bool:
        """Whether the site has adult G&A wards (the headline figure and its trend)."""
        return any(row.ward.bed_type == BedType.GA_ADULT for row in self._ward_rows)

    @cached_property
    def is_hospital(self) -> bool:
        """Sites that receive ambulances (those of acute trusts) have a handover block."""
        return self.site.pk in self._handovers["sites"]

    # ------------------------------------------------------------------ header
    @cached_property
    def header(self) -> dict[str, Any]:
        escalation = self._escalation
        detail = escalation["site_opel_detail"].get(self.site.code)
        level = detail["level"] if detail else None
        parameters = []
        for name in OPEL_PARAMETERS:
            p = detail["parameters"][name] if detail else {"value": None, "level": None}
            parameters.append(
                {
                    "name": name,
                    "label": OPEL_PARAMETER_LABELS[name],
                    "value": None if p["value"] is None else round(p["value"], 1),
                    "unit": " min" if name == "mean_handover_min" else "%",
                    "level": p["level"],
                    # What drove the site's level: parameters at or above it.
                    "driving": level is not None
                    and p["level"] is not None
                    and p["level"] >= level
                    and level > 1,
                }
            )
        scopes = {self.site.code, self.site.organisation.code}
        return {
            "opel": level,
            "opel_parameters": parameters,
            "alerts": [a for a in escalation["alerts"] if a["scope"] in scopes],
            "last_sitrep_at": self._occupancy["last_sitrep_at"].get(self.site.pk),
            "occupancy": self._occupancy["sites"].get(self.site.pk),
        }

    # ------------------------------------------------------------------ wards
    @cached_property
    def ward_groups(self) -> list[dict[str, Any]]:
        """The site's wards by bed type (headline adult G&A first), each with its subtotal."""
        standard = _standard_pct()
        totals = occupancy_by_bed_type(level="site", site=self.site).get(self.site.pk, {})
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in self._ward_rows:
            by_type.setdefault(row.ward.bed_type, []).append(
                {
                    "ward": row.ward,
                    "last_sitrep_at": row.last_sitrep_at,
                    "source": row.source,
                    "occ": row.occupancy.block(standard_pct=standard) if row.occupancy else None,
                }
            )
        groups = []
        for bed_type in BedType:
            wards = by_type.get(bed_type)
            if not wards:
                continue
            figures = totals.get(bed_type)
            groups.append(
                {
                    "bed_type": bed_type.value,
                    "label": bed_type.label,
                    "wards": wards,
                    "total": figures.occupancy.block(standard_pct=standard)
                    if figures and figures.occupancy
                    else None,
                    "wards_reporting": figures.wards_reporting if figures else 0,
                    "wards_total": figures.wards_total if figures else len(wards),
                }
            )
        return groups

    # ------------------------------------------------------------------ bed map
    @cached_property
    def bed_map(self) -> list[dict[str, Any]]:
        """A block per ward: its bed cells (bed lists), or its counts, or no report yet."""
        beds_of: dict[str, list[BedRow]] = {}
        for bed in site_bed_map(site=self.site):
            beds_of.setdefault(bed.ward_code, []).append(bed)
        blocks = []
        for row in sorted(
            self._ward_rows, key=lambda r: (natural_key(r.ward.name), natural_key(r.ward.code))
        ):
            beds = beds_of.get(row.ward.code, [])
            shown = row.source == WardStateSource.BED_LIST
            blocks.append(
                {
                    "ward": row.ward,
                    "source": row.source,
                    "occupancy": row.occupancy,
                    "last_sitrep_at": row.last_sitrep_at,
                    "cells": bed_cells(beds, href=self._bed_href(row.ward.code)) if shown else None,
                }
            )
        return blocks

    def _bed_href(self, ward_code: str) -> str:
        """The start of the ward's bed pages' URLs (a bed's code is unique within its ward)."""
        return reverse("board:bed", args=[self.site.code, ward_code, "-"]).removesuffix("-/")

    # ------------------------------------------------------------------ ambulances
    @cached_property
    def ambulances(self) -> dict[str, Any] | None:
        if not self.is_hospital:
            return None
        arrivals = site_arrivals_today(site=self.site, now=self.now)
        waiting = sorted(
            (a for a in arrivals if a["waiting"]), key=lambda a: a["arrived_at"]
        )  # longest wait first
        done = sorted(
            (a for a in arrivals if not a["waiting"]), key=lambda a: a["arrived_at"], reverse=True
        )
        return {
            "live": self._handovers["sites"][self.site.pk],
            "waiting": waiting,
            "done": done,
            "standard_min": settings.SCC_HANDOVER_STANDARD_MIN,
            "release_min": settings.SCC_RELEASE_TO_RESPOND_MIN,
        }

    # ------------------------------------------------------------------ emergency department
    @cached_property
    def emergency(self) -> dict[str, Any] | None:
        """The site's ED now (None when it reports no attendances): the board's block, the
        adult G&A beds vacant beside those awaiting one, and who waits for a bed."""
        live = self._emergency["sites"].get(self.site.pk)
        if live is None:
            return None
        occupancy = self._occupancy["sites"].get(self.site.pk)
        patients = site_in_department(site=self.site, now=self.now)
        return {
            "live": live,
            "vacant": occupancy["available"] - occupancy["occupied"] if occupancy else None,
            "awaiting_bed": sorted(
                (p for p in patients if p["dta_wait_min"] is not None),
                key=lambda p: -p["dta_wait_min"],
            ),
            "over_12h": [p for p in patients if p["over_12h"]],
        }

    # ------------------------------------------------------------------ MOFD patients
    @cached_property
    def mofd(self) -> dict[str, Any]:
        today = local_date(self.now)
        rows = []
        for p in site_mofd_patients(site=self.site):
            rows.append(
                {
                    "ref": p.ref,
                    "nhs_number": nhs_number_display(p.nhs_number, masked=self.nhs_number_masked),
                    "ward": p.ward,
                    "mofd_on": p.mofd_on,
                    "days_mofd": days_mofd(p.mofd_on, today),
                    "pathway": p.pathway,
                    "plan": plan_status(p.planned_discharge_on, today),
                    "planned_discharge_on": p.planned_discharge_on,
                    "delay_reason": p.get_delay_reason_display(),
                }
            )
        pathways = Counter(r["pathway"] for r in rows)
        return {
            "patients": rows,
            "total": len(rows),
            "by_pathway": [(p, pathways.get(p, 0)) for p in Pathway.values],
            "days_7_plus": sum(1 for r in rows if r["days_mofd"] >= DAYS_7),
            "days_21_plus": sum(1 for r in rows if r["days_mofd"] >= DAYS_21),
            "masked": self.nhs_number_masked,
        }

    # ------------------------------------------------------------------ trends
    @cached_property
    def occupancy_trend(self) -> dict[str, Any]:
        snapshots = site_occupancy_history(site=self.site, now=self.now, days=OCCUPANCY_DAYS)
        return occupancy_chart(
            [(s.taken_at, occupancy_pct(s.occupied, s.occupied + s.vacant)) for s in snapshots],
            now=self.now,
            days=OCCUPANCY_DAYS,
            standard_pct=_standard_pct(),
            chart_id=f"occupancy-{self.site.pk}",
        )

    @cached_property
    def lost_hours_trend(self) -> dict[str, Any] | None:
        if not self.is_hospital:
            return None
        history = site_lost_hours_history(
            site=self.site, today=local_date(self.now), days=LOST_HOURS_DAYS
        )
        return lost_hours_chart(
            [(d["date"], d["lost_hours"]) for d in history],
            standard_min=settings.SCC_HANDOVER_STANDARD_MIN,
            chart_id=f"lost-hours-{self.site.pk}",
        )


# --------------------------------------------------------------------------- bed cells

# status → (css class, letter, words). Letters and words carry the status; colour repeats it.
BED_LOOK = {
    BedStatus.OCCUPIED: ("bed-occupied", "O", "occupied"),
    BedStatus.VACANT: ("bed-vacant", "V", "vacant"),
    BedStatus.CLOSED: ("bed-closed", "C", "closed"),
    BedStatus.NOT_OPEN: ("bed-not-open", "–", "not open"),
    None: ("bed-unknown", "?", "status unknown"),
}


def bed_cells(beds: list[BedRow], *, href: str) -> SafeString:
    """The cells of one ward's bed map as markup, built in one pass (a 1,000-bed site renders
    in milliseconds, where a template loop would cost tens). Each links to the bed's history
    at ``href`` + its code."""
    parts = []
    for bed in beds:
        css, letter, words = BED_LOOK.get(bed.status, BED_LOOK[None])
        if bed.escalation:
            css += " bed-escalation"
            words += ", escalation bed"
        name = escape(f"{bed.code}: {words}")
        url = escape(href + quote(bed.code, safe="") + "/")
        parts.append(
            f'<li class="bed {css}"><a href="{url}" title="{name}" aria-label="{name}">'
            f"{letter}</a></li>"
        )
    return mark_safe("".join(parts))


# --------------------------------------------------------------------------- chart data


def occupancy_chart(
    points: list[tuple[datetime, float | None]],
    *,
    now: datetime,
    days: int,
    standard_pct: int,
    chart_id: str,
) -> dict[str, Any]:
    """The adult G&A occupancy step chart over the last ``days`` with the standard line, and
    a table of each local day's lowest, highest and last reading."""
    start = now - timedelta(days=days)
    values = [pct for _, pct in points if pct is not None]
    if not values:
        return {"svg": None, "days": [], "summary": "No history yet."}
    # Carry the latest reading to now: it holds until the next sitrep.
    series = [(t.timestamp(), pct) for t, pct in points] + [(now.timestamp(), points[-1][1])]
    # The reading in force at the window's start counts too: it is drawn from the left edge.
    low = min(min(values), standard_pct)
    y_lo = max(0, (int(low) - 3) // 10 * 10)
    y_ticks = [(v, f"{v:g}%") for v in charts.nice_ticks(y_lo, 100, 4)]
    midnights = []
    day = local_time(start).date() + timedelta(days=1)
    while day <= local_time(now).date():
        midnight = local_midnight(day)
        midnights.append((midnight.timestamp(), f"{midnight:%a} {midnight.day}"))
        day += timedelta(days=1)
    latest = values[-1]
    summary = (
        f"Adult G&A occupancy over the last {days} days: latest {latest}%, "
        f"highest {max(values)}%, lowest {min(values)}%. "
        f"The dashed line is the {standard_pct}% standard."
    )
    first = points[0][0]
    if first > start:
        since = local_time(first)
        summary += f" Readings only since {since:%a} {since.day} {since:%b %H:%M}."
    svg = charts.line_chart(
        series,
        chart_id=chart_id,
        title=f"Adult G&A occupancy, last {days} days",
        desc=summary,
        x_domain=(start.timestamp(), now.timestamp()),
        y_domain=(y_lo, 100),
        x_ticks=midnights,
        y_ticks=y_ticks,
        x_label="Day (local time)",
        y_label="Occupied %",
        reference=(standard_pct, f"{standard_pct}% standard"),
        box=CHART_BOX,
    )
    table: dict[Any, list[float]] = {}
    for t, pct in points:
        if pct is not None and t >= start:
            table.setdefault(local_time(t).date(), []).append(pct)
    rows = [
        {"date": d, "low": min(v), "high": max(v), "last": v[-1], "readings": len(v)}
        for d, v in sorted(table.items())
    ]
    return {"svg": svg, "days": rows, "summary": summary}


def lost_hours_chart(
    points: list[tuple[Any, float | None]], *, standard_min: int, chart_id: str
) -> dict[str, Any]:
    """Lost handover hours per local day as bars (a day with no figures has no bar)."""
    days = len(points)
    held = [(d, h) for d, h in points if h is not None]
    if not held:
        return {"svg": None, "days": points, "summary": "No history yet."}
    top = max(h for _, h in held)
    y_hi = charts.nice_ticks(0, max(top, 1), 4)[-1]
    if y_hi < top:
        y_hi = top
    y_ticks = [(v, f"{v:g}") for v in charts.nice_ticks(0, y_hi, 4)]
    x_ticks = [
        (i, "today" if i == days - 1 else f"{d.day} {d:%b}")
        for i, (d, _) in enumerate(points)
        if (days - 1 - i) % 7 == 0
    ]
    worst_day, worst = max(held, key=lambda p: p[1])
    total = round(sum(h for _, h in held), 2)
    missing = days - len(held)
    summary = (
        f"Hours lost to ambulance handovers over {standard_min} minutes, last {days} days: "
        f"{total} h in all, most {worst} h on {worst_day:%a} {worst_day.day} {worst_day:%b}, "
        f"today {points[-1][1] if points[-1][1] is not None else 'no figures'}"
        + (f"; {missing} days without figures." if missing else ".")
    )
    svg = charts.bar_chart(
        [(i, h) for i, (_, h) in enumerate(points)],
        chart_id=chart_id,
        title=f"Lost handover hours per day, last {days} days",
        desc=summary,
        y_domain=(0, y_hi),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_label="Day",
        y_label="Lost hours",
        box=CHART_BOX,
    )
    return {"svg": svg, "days": points, "summary": summary}

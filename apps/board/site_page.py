"""The site page's panels (API.md Pages ``/sites/<site code>/``): what each one shows.

A ``SitePage`` holds the site, the moment and the reader's NHS-number rights, and the reads the
panels share (the whole system's figures, the site's wards), each made on first use and kept
for the request. Each panel is a small function of the page that returns its template context;
``SitePage`` exposes them as attributes computed at most once, so a panel refresh (htmx,
``?panel=wards``) reads only what that panel shows and the whole page asks each app once.
Every read is a fixed number of queries, whatever the number of wards or beds.

The figures and rules come from the apps (beds, ambulance, discharge, escalation); the charts
from ``apps.board.charts``. Nothing here decides a figure: it arranges them for the template.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.ambulance.selectors import site_arrivals_today, site_lost_hours_history
from apps.beds.choices import BedStatus, BedType, WardStateSource
from apps.beds.models import Site
from apps.beds.rules import occupancy_pct
from apps.beds.selectors import (
    BedRow,
    natural_key,
    occupancy_by_bed_type,
    site_bed_map,
    site_occupancy_history,
    site_wards,
)
from apps.core.localtime import local_date
from apps.discharge.choices import Pathway
from apps.discharge.rules import days_mofd, long_waits, nhs_number_display, plan_status
from apps.discharge.selectors import site_mofd_patients
from apps.emergency.selectors import site_in_department
from apps.escalation.rules import OPEL_PARAMETER_LABELS, OPEL_PARAMETERS, opel_drivers
from apps.escalation.selectors import board_escalation, whole_system

from .charts import lost_hours_chart, occupancy_chart

OCCUPANCY_DAYS = 7
LOST_HOURS_DAYS = 30

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


def _standard_pct() -> int:
    return settings.SCC_OCCUPANCY_STANDARD_PCT


class SitePage:
    """Everything the site page shows; each panel and each shared read computed on first use."""

    def __init__(self, *, site: Site, now: datetime, nhs_number_masked: bool) -> None:
        self.site = site
        self.now = now
        self.nhs_number_masked = nhs_number_masked

    # ------------------------------------------------------------------ shared reads
    @cached_property
    def system(self):
        """The whole system's figures (the board's blocks and the rules' figures), lazily."""
        return whole_system(now=self.now)

    @cached_property
    def escalation(self) -> dict[str, Any]:
        return board_escalation(now=self.now, figures=self.system.site_figures)

    @cached_property
    def ward_rows(self):
        return site_wards(site=self.site)

    @cached_property
    def has_ga_adult(self) -> bool:
        """Whether the site has adult G&A wards (the headline figure and its trend)."""
        return any(row.ward.bed_type == BedType.GA_ADULT for row in self.ward_rows)

    @cached_property
    def is_hospital(self) -> bool:
        """Sites that receive ambulances (those of acute trusts) have a handover block."""
        return self.site.pk in self.system.handovers["sites"]

    # ------------------------------------------------------------------ panels
    header = cached_property(lambda self: header_panel(self))
    ward_groups = cached_property(lambda self: wards_panel(self))
    bed_map = cached_property(lambda self: bed_map_panel(self))
    ambulances = cached_property(lambda self: ambulances_panel(self))
    emergency = cached_property(lambda self: emergency_panel(self))
    mofd = cached_property(lambda self: mofd_panel(self))
    occupancy_trend = cached_property(lambda self: occupancy_trend_panel(self))
    lost_hours_trend = cached_property(lambda self: lost_hours_trend_panel(self))


def header_panel(page: SitePage) -> dict[str, Any]:
    """OPEL with each parameter's value and level (its drivers marked), the alerts of the
    site and its organisation, when it last reported and its adult G&A occupancy."""
    site, occupancy = page.site, page.system.occupancy
    detail = page.escalation["site_opel_detail"].get(site.code)
    found = detail["parameters"] if detail else {}
    drivers = opel_drivers({name: p["level"] for name, p in found.items()})
    parameters = []
    for name in OPEL_PARAMETERS:
        p = found.get(name, {"value": None, "level": None})
        parameters.append(
            {
                "name": name,
                "label": OPEL_PARAMETER_LABELS[name],
                "value": None if p["value"] is None else round(p["value"], 1),
                "unit": " min" if name == "mean_handover_min" else "%",
                "level": p["level"],
                "driving": name in drivers,
            }
        )
    scopes = {site.code, site.organisation.code}
    return {
        "opel": detail["level"] if detail else None,
        "opel_parameters": parameters,
        "alerts": [a for a in page.escalation["alerts"] if a["scope"] in scopes],
        "last_sitrep_at": occupancy["last_sitrep_at"].get(site.pk),
        "occupancy": occupancy["sites"].get(site.pk),
    }


def wards_panel(page: SitePage) -> list[dict[str, Any]]:
    """The site's wards by bed type (headline adult G&A first), each with its subtotal."""
    standard = _standard_pct()
    totals = occupancy_by_bed_type(level="site", site=page.site).get(page.site.pk, {})
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in page.ward_rows:
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


def bed_map_panel(page: SitePage) -> list[dict[str, Any]]:
    """A block per ward: its bed cells (bed lists), or its counts, or no report yet."""
    beds_of: dict[str, list[BedRow]] = {}
    for bed in site_bed_map(site=page.site):
        beds_of.setdefault(bed.ward_code, []).append(bed)
    blocks = []
    for row in sorted(
        page.ward_rows, key=lambda r: (natural_key(r.ward.name), natural_key(r.ward.code))
    ):
        shown = row.source == WardStateSource.BED_LIST
        href = bed_href(page.site, row.ward.code)
        blocks.append(
            {
                "ward": row.ward,
                "source": row.source,
                "occupancy": row.occupancy,
                "last_sitrep_at": row.last_sitrep_at,
                "cells": bed_cells(beds_of.get(row.ward.code, []), href=href) if shown else None,
            }
        )
    return blocks


def ambulances_panel(page: SitePage) -> dict[str, Any] | None:
    """Live handover figures and today's arrivals: crews waiting (longest first), then those
    handed over (latest first). ``None`` for a site that receives no ambulances."""
    if not page.is_hospital:
        return None
    arrivals = site_arrivals_today(site=page.site, now=page.now)
    waiting = sorted((a for a in arrivals if a["waiting"]), key=lambda a: a["arrived_at"])
    done = sorted(
        (a for a in arrivals if not a["waiting"]), key=lambda a: a["arrived_at"], reverse=True
    )
    return {
        "live": page.system.handovers["sites"][page.site.pk],
        "waiting": waiting,
        "done": done,
        "standard_min": settings.SCC_HANDOVER_STANDARD_MIN,
        "release_min": settings.SCC_RELEASE_TO_RESPOND_MIN,
    }


def emergency_panel(page: SitePage) -> dict[str, Any] | None:
    """The site's ED now (``None`` when it reports no attendances): the board's block, the
    adult G&A beds vacant beside those awaiting one, and who waits for a bed (longest first)."""
    live = page.system.emergency["sites"].get(page.site.pk)
    if live is None:
        return None
    occupancy = page.system.occupancy["sites"].get(page.site.pk)
    patients = site_in_department(site=page.site, now=page.now)
    return {
        "live": live,
        "vacant": occupancy["available"] - occupancy["occupied"] if occupancy else None,
        "awaiting_bed": sorted(
            (p for p in patients if p["dta_wait_min"] is not None),
            key=lambda p: -p["dta_wait_min"],
        ),
    }


def mofd_panel(page: SitePage) -> dict[str, Any]:
    """The site's MOFD patients (NHS numbers masked unless the reader may see them), with the
    count by pathway and the 7- and 21-day waits (discharge rules)."""
    today = local_date(page.now)
    rows = [
        {
            "ref": p.ref,
            "nhs_number": nhs_number_display(p.nhs_number, masked=page.nhs_number_masked),
            "ward": p.ward,
            "mofd_on": p.mofd_on,
            "days_mofd": days_mofd(p.mofd_on, today),
            "pathway": p.pathway,
            "plan": plan_status(p.planned_discharge_on, today),
            "planned_discharge_on": p.planned_discharge_on,
            "delay_reason": p.get_delay_reason_display(),
        }
        for p in site_mofd_patients(site=page.site)
    ]
    pathways = Counter(r["pathway"] for r in rows)
    days_7_plus, days_21_plus = long_waits(r["days_mofd"] for r in rows)
    return {
        "patients": rows,
        "total": len(rows),
        "by_pathway": [(p, pathways.get(p, 0)) for p in Pathway.values],
        "days_7_plus": days_7_plus,
        "days_21_plus": days_21_plus,
        "masked": page.nhs_number_masked,
    }


def occupancy_trend_panel(page: SitePage) -> dict[str, Any]:
    """Adult G&A occupancy over the last ``OCCUPANCY_DAYS`` days (chart and daily table)."""
    snapshots = site_occupancy_history(site=page.site, now=page.now, days=OCCUPANCY_DAYS)
    return occupancy_chart(
        [(s.taken_at, occupancy_pct(s.occupied, s.occupied + s.vacant)) for s in snapshots],
        now=page.now,
        days=OCCUPANCY_DAYS,
        standard_pct=_standard_pct(),
        chart_id=f"occupancy-{page.site.pk}",
    )


def lost_hours_trend_panel(page: SitePage) -> dict[str, Any] | None:
    """Lost handover hours per local day over the last ``LOST_HOURS_DAYS`` (hospitals only)."""
    if not page.is_hospital:
        return None
    history = site_lost_hours_history(
        site=page.site, today=local_date(page.now), days=LOST_HOURS_DAYS
    )
    return lost_hours_chart(
        [(d["date"], d["lost_hours"]) for d in history],
        standard_min=settings.SCC_HANDOVER_STANDARD_MIN,
        chart_id=f"lost-hours-{page.site.pk}",
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


def bed_href(site: Site, ward_code: str) -> str:
    """The start of the ward's bed pages' URLs (a bed's code is unique within its ward)."""
    return reverse("board:bed", args=[site.code, ward_code, "-"]).removesuffix("-/")


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

"""The headline figures of an action's scope as they stood at a moment (DOMAIN.md "an action's
effect"), from the history each app keeps: occupancy snapshots, handover records, MOFD lists,
ED attendances, ambulance incidents.

A registry of one function per figure: ``FIGURES[name](scope, at)`` gives the figure for a
site, an organisation or the system (``scope.kind``) as at ``at``, or ``None`` when unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Min, Q, Sum

from apps.ambulance import response_rules
from apps.ambulance.models import Handover, Incident
from apps.ambulance.rules import MAX_HANDOVER, wait_min
from apps.beds.choices import BedType, OrganisationKind
from apps.beds.models import OccupancySnapshot, Organisation, Site
from apps.beds.rules import occupancy_pct
from apps.core.localtime import local_date, local_day_bounds
from apps.discharge.models import MofdList
from apps.emergency import rules as emergency_rules
from apps.emergency.models import Attendance

from .choices import SYSTEM_SCOPE, ActionScopeKind
from .rules import (
    C2_MEAN_RESPONSE_S,
    ED_FOUR_HOUR_PCT,
    GA_OCCUPANCY_PCT,
    LONGEST_AMBULANCE_WAIT_MIN,
    MOFD_P1_P3,
    effect_figure_names,
)


@dataclass(frozen=True)
class Scope:
    """An action's scope, resolved: ``kind`` site / organisation / system; ``code``."""

    kind: str
    code: str
    site: Site | None = None
    organisation: Organisation | None = None

    @property
    def is_ambulance(self) -> bool:
        return (
            self.organisation is not None and self.organisation.kind == OrganisationKind.AMBULANCE
        )


class UnknownScope(Exception):
    """The code names no site or organisation, and is not ``system``."""


def scope_resolve(code: str | None) -> Scope | None:
    """A scope code (site code, organisation code or ``system``) → ``Scope``; empty → ``None``.

    Raises ``UnknownScope``.
    """
    if not code:
        return None
    if code == SYSTEM_SCOPE:
        return Scope(kind=ActionScopeKind.SYSTEM, code=SYSTEM_SCOPE)
    site = Site.objects.select_related("organisation").filter(code=code).first()
    if site is not None:
        return Scope(kind=ActionScopeKind.SITE, code=code, site=site)
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is not None:
        return Scope(kind=ActionScopeKind.ORGANISATION, code=code, organisation=organisation)
    raise UnknownScope(code)


# --------------------------------------------------------------------------- figures


def ga_occupancy_pct(scope: Scope, at: datetime) -> float | None:
    """Adult G&A occupancy % of the site (or pooled over the system) from the latest occupancy
    snapshot taken at or before ``at`` (DOMAIN.md "Beds and occupancy")."""
    snapshot = (
        OccupancySnapshot.objects.filter(
            site=scope.site, bed_type=BedType.GA_ADULT, taken_at__lte=at
        )
        .order_by("-taken_at")
        .values("occupied", "vacant")
        .first()
    )
    if snapshot is None:
        return None
    return occupancy_pct(snapshot["occupied"], snapshot["occupied"] + snapshot["vacant"])


def longest_ambulance_wait_min(scope: Scope, at: datetime) -> int | None:
    """Whole minutes of the longest crew still waiting at ``at`` at the site (the longest of
    every site for the system), from the handover records; 0 when nobody was waiting, ``None``
    where no crew had ever arrived (DOMAIN.md "Ambulance handovers")."""
    handovers = Handover.objects.filter(arrived_at__lte=at)
    if scope.site is not None:
        handovers = handovers.filter(site=scope.site)
    waiting = Q(
        Q(handover_at__isnull=True) | Q(handover_at__gt=at),
        Q(cleared_at__isnull=True) | Q(cleared_at__gt=at),
        arrived_at__gt=at - MAX_HANDOVER,
    )
    row = handovers.aggregate(arrivals=Count("pk"), first=Min("arrived_at", filter=waiting))
    if not row["arrivals"]:
        return None
    return wait_min(row["first"], now=at) if row["first"] else 0


def mofd_p1_p3(scope: Scope, at: datetime) -> int | None:
    """MOFD patients on pathways P1-P3 on the organisation's list in force at ``at`` (summed
    over every organisation's list for the system); ``None`` before any list (DOMAIN.md
    "MOFD and the S1")."""
    lists = MofdList.objects.filter(as_at__lte=at)
    if scope.organisation is not None:
        lists = lists.filter(organisation=scope.organisation)
    in_force = lists.order_by("organisation_id", "-as_at").distinct("organisation_id")
    row = MofdList.objects.filter(pk__in=in_force.values("pk")).aggregate(
        lists=Count("pk", distinct=True),
        p1_p3=Count("patients", filter=Q(patients__pathway__in=["P1", "P2", "P3"])),
    )
    return row["p1_p3"] if row["lists"] else None


def c2_mean_response_s(scope: Scope, at: datetime) -> int | None:
    """The ambulance service's Category 2 mean response (whole seconds, half up) over the
    incidents whose clock started on the local day of ``at`` and had stopped by ``at``;
    ``None`` when none had (DOMAIN.md "Ambulance response")."""
    start, _end = local_day_bounds(local_date(at))
    row = Incident.objects.filter(
        organisation=scope.organisation,
        category=2,
        clock_start_at__gte=start,
        clock_start_at__lte=at,
        at_scene_at__lte=at,
        response_s__isnull=False,
    ).aggregate(n=Count("pk"), total=Sum("response_s"))
    if not row["n"]:
        return None
    return response_rules.category_figures(
        incidents=row["n"], total_s=int(row["total"]), p90_s=None
    )["mean_response_s"]


def ed_four_hour_pct(scope: Scope, at: datetime) -> float | None:
    """ED four-hour performance, all types (%, one decimal half up), of the site (pooled over
    every site's departures for the system) over the departures of the local day of ``at``
    up to ``at``: those whose ``time_in_dept_min`` ≤ 240 to the second, out of all of them;
    ``None`` when nobody had departed (DOMAIN.md "Emergency department", "an action's
    effect"). Times are held truncated to whole seconds. One query."""
    start, _end = local_day_bounds(local_date(at))
    departures = Attendance.objects.filter(departed_at__gte=start, departed_at__lte=at)
    if scope.site is not None:
        departures = departures.filter(site=scope.site)
    row = departures.annotate(stay=F("departed_at") - F("arrived_at")).aggregate(
        departed=Count("pk"),
        met=Count("pk", filter=Q(stay__lte=timedelta(seconds=emergency_rules.FOUR_HOURS_S))),
    )
    return emergency_rules.pct(row["met"], row["departed"])


FigureFunction = Callable[[Scope, datetime], float | int | None]

FIGURES: dict[str, FigureFunction] = {
    GA_OCCUPANCY_PCT: ga_occupancy_pct,
    LONGEST_AMBULANCE_WAIT_MIN: longest_ambulance_wait_min,
    ED_FOUR_HOUR_PCT: ed_four_hour_pct,
    MOFD_P1_P3: mofd_p1_p3,
    C2_MEAN_RESPONSE_S: c2_mean_response_s,
}


def effect_figures(scope: Scope | None, at: datetime) -> dict[str, float | int | None] | None:
    """``{figure: value}`` for the scope as at ``at``; ``None`` for an action without scope."""
    if scope is None:
        return None
    names = effect_figure_names(scope_kind=scope.kind, is_ambulance=scope.is_ambulance)
    return {name: FIGURES[name](scope, at) for name in names}

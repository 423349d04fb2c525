"""Reads for the estate and bed state. Figures are summed in SQL; rules.py derives the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q, Sum
from natsort import natsort_keygen, ns

from .choices import BED_HOLDING_KINDS, BedType, WardStateSource
from .models import Bed, BedStatusChange, OccupancySnapshot, Site, Ward, WardCurrent, WardState
from .rules import Occupancy

_COUNTS = ("occupied", "vacant", "closed", "escalation_open")
_NATURAL = natsort_keygen(alg=ns.IGNORECASE)


def _standard_pct() -> int:
    return settings.SCC_OCCUPANCY_STANDARD_PCT


def board_sites():
    """Sites shown on the board: those of bed-holding organisations, in code order."""
    return (
        Site.objects.filter(organisation__kind__in=BED_HOLDING_KINDS)
        .select_related("organisation")
        .order_by("organisation__code", "code")
    )


def _sums(prefix: str, condition: Q | None = None) -> dict[str, Sum]:
    return {name: Sum(f"{prefix}{name}", filter=condition) for name in _COUNTS}


def _occupancy(row: dict[str, Any]) -> Occupancy:
    return Occupancy(**{name: row[name] or 0 for name in _COUNTS})


def board_occupancy(*, now: datetime) -> dict[str, Any]:
    """Adult G&A occupancy: ``{"system": block, "sites": {site_id: block},
    "last_sitrep_at": {site_id: datetime}}``.

    Blocks have the fields of ``OccupancyOut``; a site none of whose adult G&A wards has ever
    reported has block ``None`` (unknown, not empty). ``last_sitrep_at`` is the newest state of
    any of the site's wards. Two queries, whatever the estate. Current state is read live, so
    ``now`` does not change the figures.
    """
    current = WardCurrent.objects.filter(ward__site__organisation__kind__in=BED_HOLDING_KINDS)
    ga_adult = Q(ward__bed_type=BedType.GA_ADULT)
    rows = current.values("ward__site_id").annotate(
        last_sitrep_at=Max("as_at"),
        ga_adult_wards=Count("pk", filter=ga_adult),
        **_sums("state__", ga_adult),
    )
    standard = _standard_pct()
    sites: dict[int, dict[str, Any] | None] = {}
    last_sitrep_at: dict[int, datetime] = {}
    for row in rows:
        site_id = row["ward__site_id"]
        last_sitrep_at[site_id] = row["last_sitrep_at"]
        sites[site_id] = (
            _occupancy(row).block(standard_pct=standard) if row["ga_adult_wards"] else None
        )
    system = current.filter(ga_adult).aggregate(wards=Count("pk"), **_sums("state__"))
    return {
        "system": _occupancy(system).block(standard_pct=standard) if system["wards"] else None,
        "sites": sites,
        "last_sitrep_at": last_sitrep_at,
    }


# --------------------------------------------------------------------------- site page


@dataclass(frozen=True)
class WardRow:
    ward: Ward
    last_sitrep_at: datetime | None
    source: str | None
    occupancy: Occupancy | None  # None: the ward has never reported (unknown, not empty)


def natural_key(text: str):
    """Sort key for names and codes in natural order: "Ward 7" before "Ward 43", "B2" before
    "B10", case ignored (natsort; the embedded PostgreSQL has no ICU for a numeric collation)."""
    return _NATURAL(text)


def site_wards(*, site: Site) -> list[WardRow]:
    """The site's wards with their current state and when each last reported (one query),
    by bed type, then in natural order of name and code."""
    wards = sorted(
        Ward.objects.filter(site=site).select_related("current__state"),
        key=lambda w: (w.bed_type, natural_key(w.name), natural_key(w.code)),
    )
    out = []
    for ward in wards:
        current = getattr(ward, "current", None)
        if current is None:
            out.append(WardRow(ward, None, None, None))
            continue
        state = current.state
        out.append(
            WardRow(
                ward,
                current.as_at,
                state.source,
                Occupancy(state.occupied, state.vacant, state.closed, state.escalation_open),
            )
        )
    return out


@dataclass(frozen=True)
class BedRow:
    code: str
    ward_code: str
    escalation: bool
    status: str | None  # None: unknown (never in a bed list, or counts replaced the list)
    since: datetime | None


def site_bed_map(*, site: Site) -> list[BedRow]:
    """Every bed of the site with its current status and escalation flag (one query); each
    ward's core beds first, each group in natural order of bed code ("B2" before "B10")."""
    beds = Bed.objects.filter(ward__site=site).values_list(
        "code", "ward__code", "escalation", "current__status", "current__since"
    )
    rows = [BedRow(*row) for row in beds]
    return sorted(rows, key=lambda b: (natural_key(b.ward_code), b.escalation, natural_key(b.code)))


def bed_history(*, bed: Bed, limit: int = 100):
    """A bed's status changes, newest first, with the submission that said so (who, when)."""
    return BedStatusChange.objects.filter(bed=bed).select_related(
        "submission__organisation", "submission__api_key"
    )[:limit]


def site_occupancy_history(
    *, site: Site, now: datetime, days: int = 7, bed_type: str = BedType.GA_ADULT
) -> list[OccupancySnapshot]:
    """Snapshots of a site's figures for one bed type over the last ``days``, oldest first,
    starting with the last one before the window so a chart has a value at its left edge."""
    start = now - timedelta(days=days)
    snapshots = OccupancySnapshot.objects.filter(site=site, bed_type=bed_type)
    before = snapshots.filter(taken_at__lt=start).order_by("-taken_at")[:1]
    within = snapshots.filter(taken_at__gte=start, taken_at__lte=now).order_by("taken_at")
    return [*before, *within]


@dataclass(frozen=True)
class Figures:
    occupancy: Occupancy | None  # None when no ward of the group has reported
    wards_reporting: int
    wards_total: int
    last_sitrep_at: datetime | None = None  # the newest current state of the group's wards


# Current figures by bed type for every ward group at once. In SQL rather than the ORM: a
# national estate has thousands of (site, bed type) rows, and converting them field by field
# cost most of a board page's build.
_BY_BED_TYPE_SQL = """
SELECT {key} AS key, w.bed_type, count(*), count(c.ward_id), max(c.as_at),
       sum(s.occupied), sum(s.vacant), sum(s.closed), sum(s.escalation_open)
FROM {ward} w
JOIN {site} si ON si.id = w.site_id
JOIN {organisation} o ON o.id = si.organisation_id AND o.kind = ANY(%(kinds)s)
LEFT JOIN {ward_current} c ON c.ward_id = w.id
LEFT JOIN {ward_state} s ON s.id = c.state_id
WHERE (%(site)s::bigint IS NULL OR w.site_id = %(site)s)
  AND (%(organisation)s::bigint IS NULL OR si.organisation_id = %(organisation)s)
GROUP BY 1, w.bed_type
ORDER BY 1, w.bed_type
"""
_GROUP_KEY = {"site": "w.site_id", "organisation": "si.organisation_id", "system": "'system'"}


def occupancy_by_bed_type(
    *,
    level: Literal["site", "organisation", "system"],
    site: Site | None = None,
    organisation_id: int | None = None,
) -> dict[Any, dict[str, Figures]]:
    """Current figures by bed type, summed in SQL: ``{key: {bed_type: Figures}}``.

    ``key`` is the site id, the organisation id, or ``"system"``. Narrow with ``site`` or
    ``organisation_id``. One query.
    """
    sql = _BY_BED_TYPE_SQL.format(
        key=_GROUP_KEY[level],
        ward=Ward._meta.db_table,
        site=Site._meta.db_table,
        organisation=Site._meta.get_field("organisation").related_model._meta.db_table,
        ward_current=WardCurrent._meta.db_table,
        ward_state=WardCurrent._meta.get_field("state").related_model._meta.db_table,
    )
    params = {
        "kinds": [str(k) for k in BED_HOLDING_KINDS],
        "site": site.pk if site is not None else None,
        "organisation": organisation_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: dict[Any, dict[str, Figures]] = {}
    for key, bed_type, wards_total, wards_reporting, last_sitrep_at, *counts in rows:
        out.setdefault(key, {})[bed_type] = Figures(
            Occupancy(*(n or 0 for n in counts)) if wards_reporting else None,
            wards_reporting,
            wards_total,
            last_sitrep_at,
        )
    return out


def board_occupancy_from(by_type: dict[int, dict[str, Figures]]) -> dict[str, Any]:
    """``board_occupancy``, worked out from ``occupancy_by_bed_type(level="site")`` when a
    page needs both: the same answer without its two queries."""
    standard = _standard_pct()
    sites: dict[int, dict[str, Any] | None] = {}
    last_sitrep_at: dict[int, datetime] = {}
    system: Occupancy | None = None
    for site_id, types in by_type.items():
        reported = [f.last_sitrep_at for f in types.values() if f.last_sitrep_at is not None]
        if not reported:
            continue  # no ward of the site has reported: absent, as from board_occupancy
        last_sitrep_at[site_id] = max(reported)
        ga_adult = types.get(BedType.GA_ADULT)
        occupancy = ga_adult.occupancy if ga_adult else None
        sites[site_id] = occupancy.block(standard_pct=standard) if occupancy else None
        if occupancy is not None:
            system = occupancy if system is None else system + occupancy
    return {
        "system": system.block(standard_pct=standard) if system else None,
        "sites": sites,
        "last_sitrep_at": last_sitrep_at,
    }


def site_state_out(*, site: Site) -> dict[str, Any]:
    """One site with each ward's current state (``GET /api/v1/sites/<code>/``).

    ``{"code", "name", "organisation", "occupancy_by_bed_type": {bed_type: OccupancyOut|None},
    "wards": [{"code", "name", "bed_type", "core_beds", "escalation_beds", "as_at", "source",
    "counts": {"occupied", "vacant", "closed", "escalation_open"} | None, "beds": [{"bed",
    "escalation", "status", "since"}]}]}``. A ward that has never reported has ``as_at``,
    ``source`` and ``counts`` null (unknown, not empty); a bed's ``status`` is null unless the
    ward's latest report was a bed list (DOMAIN.md "Beds"). Three queries whatever the size.
    """
    rows = site_wards(site=site)
    beds_of: dict[str, list[dict[str, Any]]] = {}
    for bed in site_bed_map(site=site):
        beds_of.setdefault(bed.ward_code, []).append(
            {"bed": bed.code, "escalation": bed.escalation, "status": bed.status,
             "since": bed.since}
        )  # fmt: skip
    standard = _standard_pct()
    by_type: dict[str, Occupancy | None] = {}
    for row in rows:
        bed_type = row.ward.bed_type
        if row.occupancy is None:
            by_type.setdefault(bed_type, None)
        else:
            held = by_type.get(bed_type)
            by_type[bed_type] = row.occupancy if held is None else held + row.occupancy
    return {
        "code": site.code,
        "name": site.name,
        "organisation": site.organisation.code,
        "occupancy_by_bed_type": {
            bed_type: occupancy.block(standard_pct=standard) if occupancy else None
            for bed_type, occupancy in sorted(by_type.items())
        },
        "wards": [
            {
                "code": row.ward.code,
                "name": row.ward.name,
                "bed_type": row.ward.bed_type,
                "core_beds": row.ward.core_beds,
                "escalation_beds": row.ward.escalation_beds,
                "as_at": row.last_sitrep_at,
                "source": row.source,
                "counts": (
                    {name: getattr(row.occupancy, name) for name in _COUNTS}
                    if row.occupancy
                    else None
                ),
                "beds": [
                    # Statuses only from a bed list: after counts, each bed's status is unknown.
                    bed if row.source == WardStateSource.BED_LIST else bed | {"status": None}
                    for bed in beds_of.get(row.ward.code, [])
                ],
            }
            for row in rows
        ],
    }


def occupancy_by_bed_type_blocks(
    by_type: dict[Any, dict[str, Figures]],
) -> dict[Any, dict[str, dict[str, Any] | None]]:
    """``occupancy_by_bed_type(level="site")`` as board blocks: ``{site_id: {bed_type:
    OccupancyOut | None}}`` (None: no ward of that type has reported)."""
    standard = _standard_pct()
    return {
        key: {
            bed_type: figures.occupancy.block(standard_pct=standard) if figures.occupancy else None
            for bed_type, figures in types.items()
        }
        for key, types in by_type.items()
    }


def system_occupancy_at(
    *, at: datetime, max_age: timedelta | None = None, bed_type: str = BedType.GA_ADULT
) -> Occupancy | None:
    """The system's figures of one bed type as they stood at ``at``: the latest system snapshot
    taken at or before it (None: none then). With ``max_age``, None as well when that snapshot
    was taken more than ``max_age`` before ``at`` (no fresh figure then). For "since
    yesterday". One query."""
    snapshots = OccupancySnapshot.objects.filter(
        site__isnull=True, bed_type=bed_type, taken_at__lte=at
    )
    if max_age is not None:
        snapshots = snapshots.filter(taken_at__gte=at - max_age)
    snapshot = snapshots.order_by("-taken_at").first()
    if snapshot is None:
        return None
    return Occupancy(snapshot.occupied, snapshot.vacant, snapshot.closed, snapshot.escalation_open)


def ward_state_history(*, ward: Ward, limit: int = 100) -> list[WardState]:
    """The ward's reported states, newest ``as_at`` first, with the submission that sent each
    (who, when received). Older deliveries kept in history are included. One query."""
    return list(
        WardState.objects.filter(ward=ward)
        .select_related("submission__organisation", "submission__api_key")
        .order_by("-as_at", "-pk")[:limit]
    )


def ward_occupancy_points(
    *, ward: Ward, now: datetime, days: int = 7
) -> list[tuple[datetime, float | None]]:
    """``(as_at, pct)`` of each state of the ward over the last ``days``, oldest first,
    starting with the one in force at the window's start (the trend's left edge). One query
    each for the window and its edge."""
    start = now - timedelta(days=days)
    states = WardState.objects.filter(ward=ward)
    edge = states.filter(as_at__lt=start).order_by("-as_at", "-pk")[:1]
    within = states.filter(as_at__gte=start, as_at__lte=now).order_by("as_at", "pk")
    return [
        (s.as_at, Occupancy(s.occupied, s.vacant, s.closed, s.escalation_open).pct)
        for s in [*edge, *within]
    ]

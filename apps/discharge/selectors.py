"""Reads: the S1 and the board's MOFD figures in SQL aggregates, and the patient lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from apps.beds.choices import S1_KINDS
from apps.beds.models import Organisation, Site
from apps.core.localtime import local_date, local_day_bounds, local_day_end, local_today
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission

from .api.serializers import MofdListIn
from .choices import Pathway, PlanStatus
from .models import Discharge, MofdList, MofdPatient, S1Frozen
from .rules import (
    DAYS_7,
    DAYS_21,
    DischargeEvent,
    Patient,
    S1Figures,
    TimelinessCounts,
    list_in_force,
    s1_compute,
    s1_table,
    timeliness_counts,
    timeliness_table,
)


# --------------------------------------------------------------------------- lists in force
def lists_in_force(*, before: datetime | None = None) -> QuerySet:
    """Ids of each organisation's latest list (with ``as_at`` before ``before`` if given)."""
    lists = MofdList.objects.all()
    if before is not None:
        lists = lists.filter(as_at__lt=before)
    return lists.order_by("organisation_id", "-as_at").distinct("organisation_id").values("pk")


def plan_q(status: str, day: date, prefix: str = "") -> Q:
    """The SQL form of ``rules.plan_status``: which patients sit in one plan column on ``day``."""
    field = f"{prefix}planned_discharge_on"
    return {
        PlanStatus.PLANNED_TODAY: Q(**{field: day}),
        PlanStatus.FUTURE_PLAN: Q(**{f"{field}__gt": day}),
        PlanStatus.AWAITING_OUTCOME: Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": day}),
    }[status]


# --------------------------------------------------------------------------- the S1
def s1_organisations() -> list[tuple[int, str, str]]:
    return list(
        Organisation.objects.filter(kind__in=S1_KINDS)
        .order_by("code")
        .values_list("pk", "code", "name")
    )


def s1_build(*, day: date) -> dict[str, Any]:
    """The S1 of local ``day`` from the stored lists (three queries whatever the estate)."""
    organisations = s1_organisations()
    end, previous_end = local_day_end(day), local_day_end(day - timedelta(days=1))
    counts = (
        MofdPatient.objects.filter(mofd_list__in=lists_in_force(before=end))
        .order_by()
        .values("mofd_list__organisation_id")
        .annotate(
            total=Count("pk"),
            **{s: Count("pk", filter=plan_q(s, day)) for s in PlanStatus.values},
            **{p: Count("pk", filter=Q(pathway=p)) for p in Pathway.values},
            days_7_plus=Count("pk", filter=Q(mofd_on__lte=day - timedelta(days=DAYS_7))),
            days_21_plus=Count("pk", filter=Q(mofd_on__lte=day - timedelta(days=DAYS_21))),
        )
    )
    figures: dict[int, S1Figures] = {}
    for row in counts:
        org_id = row.pop("mofd_list__organisation_id")
        figures[org_id] = S1Figures(**row)
    still_listed = MofdPatient.objects.filter(
        mofd_list__in=lists_in_force(before=end),
        mofd_list__organisation_id=OuterRef("mofd_list__organisation_id"),
        ref=OuterRef("ref"),
    )
    lost = (
        MofdPatient.objects.filter(
            mofd_list__in=lists_in_force(before=previous_end),
            planned_discharge_on=day - timedelta(days=1),
        )
        .filter(Exists(still_listed))
        .order_by()
        .values("mofd_list__organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in lost:
        figures.setdefault(row["mofd_list__organisation_id"], S1Figures()).lost_discharges = row[
            "n"
        ]
    return s1_table(
        day=day,
        organisations=[(code, name) for _pk, code, name in organisations],
        figures={code: figures[pk] for pk, code, _name in organisations if pk in figures},
    )


def s1_for_day(*, day: date) -> dict[str, Any]:
    """The S1 as served: the frozen figures of a day that has been frozen, else live."""
    frozen = S1Frozen.objects.filter(date=day).first()
    if frozen is not None:
        return {**frozen.figures, "frozen_at": frozen.frozen_at}
    return {**s1_build(day=day), "frozen_at": None}


def s1_rebuild_from_archive(*, day: date, received_by: datetime | None = None) -> dict[str, Any]:
    """The S1 of ``day`` replayed from the archived discharge submissions, not the stored lists.

    Each accepted payload goes through the same input serializer (its shape) again; a later
    submission with the same (organisation, ``as_at``) replaces the earlier one, as on ingest.
    ``received_by`` limits the replay to what had arrived by then (e.g. when the day was
    frozen).
    """
    submissions = (
        Submission.objects.filter(kind=SitrepKind.DISCHARGE, outcome=Outcome.ACCEPTED)
        .select_related("organisation")
        .order_by("received_at", "pk")
    )
    if received_by is not None:
        submissions = submissions.filter(received_at__lte=received_by)
    held: dict[str, dict[datetime, list[Patient]]] = defaultdict(dict)
    for sub in submissions:
        parsed = MofdListIn(data=sub.payload, context={"now": sub.received_at})
        if not parsed.is_valid():
            raise ValueError(f"Archived submission {sub.pk} no longer parses: {parsed.errors}")
        data = parsed.validated_data
        held[sub.organisation.code][data["as_at"]] = [
            Patient(p["ref"], p["mofd_on"], p["pathway"], p.get("planned_discharge_on"))
            for p in data["patients"]
        ]

    def in_force(for_day: date) -> dict[str, list[Patient]]:
        chosen = {code: list_in_force(lists, for_day) for code, lists in held.items()}
        return {code: held[code][at] for code, at in chosen.items() if at is not None}

    return s1_compute(
        day=day,
        organisations=[(code, name) for _pk, code, name in s1_organisations()],
        lists=in_force(day),
        previous_lists=in_force(day - timedelta(days=1)),
    )


# --------------------------------------------------------------------------- the board
def _board_block(row: dict[str, int]) -> dict[str, Any]:
    return {
        "total": row["total"],
        "by_pathway": {p: row[p] for p in Pathway.values},
        "planned_today": row["planned_today"],
        "awaiting_outcome": row["awaiting_outcome"],
    }


def board_mofd(*, now: datetime) -> dict[str, Any]:
    """``{"system": block, "organisations": {org_id: block}}`` over each organisation's current
    list (one query). An organisation that never sent a list is absent (unknown, not zero);
    ``system`` is ``None`` until some list is held."""
    day = local_today(now)
    rows = list(
        MofdList.objects.filter(pk__in=lists_in_force())
        .order_by()
        .values("organisation_id")
        .annotate(
            total=Count("patients"),
            **{p: Count("patients", filter=Q(patients__pathway=p)) for p in Pathway.values},
            planned_today=Count(
                "patients", filter=plan_q(PlanStatus.PLANNED_TODAY, day, "patients__")
            ),
            awaiting_outcome=Count(
                "patients", filter=plan_q(PlanStatus.AWAITING_OUTCOME, day, "patients__")
            ),
        )
    )
    organisations = {row["organisation_id"]: _board_block(row) for row in rows}
    if not rows:
        return {"system": None, "organisations": {}}
    keys = ("total", "planned_today", "awaiting_outcome", *Pathway.values)
    system = {k: sum(row[k] for row in rows) for k in keys}
    return {"system": _board_block(system), "organisations": organisations}


# --------------------------------------------------------------------------- patients
def mofd_patients_current(
    *,
    day: date,
    organisation: str | None = None,
    pathway: str | None = None,
    plan: str | None = None,
    min_days: int | None = None,
) -> QuerySet[MofdPatient]:
    """Patients on each organisation's current list, longest MOFD first."""
    patients = MofdPatient.objects.filter(mofd_list__in=lists_in_force()).select_related(
        "mofd_list__organisation", "site", "ward"
    )
    if organisation:
        patients = patients.filter(mofd_list__organisation__code=organisation)
    if pathway:
        patients = patients.filter(pathway=pathway)
    if plan:
        patients = patients.filter(plan_q(plan, day))
    if min_days is not None:
        patients = patients.filter(mofd_on__lte=day - timedelta(days=min_days))
    return patients.order_by("mofd_on", "mofd_list__organisation__code", "ref")


def site_mofd_patients(*, site: Site) -> QuerySet[MofdPatient]:
    """MOFD patients at one site on its organisation's current list, longest MOFD first."""
    return (
        MofdPatient.objects.filter(mofd_list__in=lists_in_force(), site=site)
        .select_related("ward")
        .order_by("mofd_on", "ref")
    )


def mofd_count_by_site() -> dict[int, int]:
    """MOFD patients on the lists in force, per site (one query; for the board's tiles)."""
    return dict(
        MofdPatient.objects.filter(mofd_list__in=lists_in_force(), site__isnull=False)
        .order_by()
        .values_list("site_id")
        .annotate(n=Count("pk"))
    )


# --------------------------------------------------------------------------- timeliness
def discharge_events(*, start: datetime, end: datetime) -> list[tuple[str, DischargeEvent]]:
    """``(organisation code, event)`` for every patient discharged in ``[start, end)`` (UTC),
    one query whatever the estate.

    A patient is discharged once: the time is the one on the latest list naming the ``ref``
    as discharged (a later list corrects it, and may move it in or out of the window). The
    pathway and MOFD date are those on the patient's last list before that one; ``None``
    when the patient was never on an earlier list.
    """
    named_in_window = Discharge.objects.filter(
        discharged_at__gte=start, discharged_at__lt=end
    ).values("ref")
    latest = (
        Discharge.objects.filter(ref__in=named_in_window)
        .order_by("mofd_list__organisation_id", "ref", "-mofd_list__as_at")
        .distinct("mofd_list__organisation_id", "ref")
        .values("pk")
    )
    last_listed = MofdPatient.objects.filter(
        mofd_list__organisation_id=OuterRef("mofd_list__organisation_id"),
        ref=OuterRef("ref"),
        mofd_list__as_at__lt=OuterRef("mofd_list__as_at"),
    ).order_by("-mofd_list__as_at")
    rows = (
        Discharge.objects.filter(pk__in=latest, discharged_at__gte=start, discharged_at__lt=end)
        .order_by("discharged_at", "pk")
        .values_list(
            "mofd_list__organisation__code",
            "discharged_at",
            Subquery(last_listed.values("pathway")[:1]),
            Subquery(last_listed.values("mofd_on")[:1]),
        )
    )
    return [(code, DischargeEvent(at, pathway, mofd_on)) for code, at, pathway, mofd_on in rows]


def timeliness_by_day(
    *, first: date, last: date
) -> tuple[list[str], dict[date, dict[str, TimelinessCounts]]]:
    """The S1 organisations' codes, and their timeliness counts for each local day from
    ``first`` to ``last`` (days without discharges absent). Two queries for any span."""
    codes = [code for _pk, code, _name in s1_organisations()]
    start, _ = local_day_bounds(first)
    _, end = local_day_bounds(last)
    by_day: dict[date, dict[str, list[DischargeEvent]]] = defaultdict(lambda: defaultdict(list))
    for code, event in discharge_events(start=start, end=end):
        by_day[local_date(event.discharged_at)][code].append(event)
    return codes, {
        day: {code: timeliness_counts(events) for code, events in orgs.items()}
        for day, orgs in by_day.items()
    }


def discharge_timeliness(*, day: date) -> dict[str, Any]:
    """``GET /api/v1/discharge/timeliness/``: per S1 organisation and pooled, for local
    ``day`` (DOMAIN.md "Discharge timeliness"). Two queries."""
    codes, by_day = timeliness_by_day(first=day, last=day)
    return timeliness_table(day=day, organisations=codes, counts=by_day.get(day, {}))


def timeliness_trend(*, today: date, days: int = 30) -> list[dict[str, Any]]:
    """The pooled figures of each of the last ``days`` local days, oldest first, today
    included: ``[{"date", "discharged", "p1_within_1_day_pct", ...}]``."""
    first = today - timedelta(days=days - 1)
    codes, by_day = timeliness_by_day(first=first, last=today)
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        out.append(
            {
                "date": day,
                **timeliness_table(day=day, organisations=codes, counts=by_day.get(day, {}))[
                    "total"
                ],
            }
        )
    return out

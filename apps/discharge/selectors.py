"""Reads: the S1 and the board's MOFD figures in SQL aggregates, and the patient lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from apps.beds.choices import S1_KINDS
from apps.beds.models import Organisation, Site
from apps.core.localtime import local_day_end, local_today
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission

from .api.serializers import MofdListIn
from .choices import Pathway, PlanStatus
from .models import MofdList, MofdPatient, S1Frozen
from .rules import (
    DAYS_7,
    DAYS_21,
    Patient,
    S1Figures,
    list_in_force,
    s1_compute,
    s1_table,
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

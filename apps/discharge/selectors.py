"""Reads: the S1 and the board's MOFD figures in SQL aggregates, and the patient lists."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.dateparse import parse_datetime

from apps.beds.choices import S1_KINDS
from apps.beds.models import Organisation, Site
from apps.core.localtime import local_date, local_day_bounds, local_day_end, local_today
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission

from .api.serializers import MofdListIn
from .choices import MofdSort, Pathway, PlanStatus, S1State
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
    s1_state,
    s1_table,
    timeliness_counts,
    timeliness_table,
)


class S1NoSuchDay(LookupError):
    """A day that has no S1 (404); the message says why."""


class S1DayNotBegun(S1NoSuchDay):
    """The S1 of a day after today does not exist (404): no projected figures."""

    def __str__(self) -> str:
        return f"The S1 of {self.args[0].isoformat()} does not exist yet."


class S1DayBeforeRecords(S1NoSuchDay):
    """A day before the earliest time a sitrep may carry (``settings.SCC_SITREP_EARLIEST``)
    has no S1 (404): no list can exist for it."""

    def __str__(self) -> str:
        return f"There is no S1 before {s1_first_day().isoformat()}."


def s1_first_day() -> date:
    """The first local day that can have an S1: the day of ``SCC_SITREP_EARLIEST``."""
    return local_date(datetime.fromisoformat(settings.SCC_SITREP_EARLIEST))


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
    """The S1 of local ``day`` from the stored lists (four queries whatever the estate).

    Rows as ``rules.s1_table``: figures and ``list_as_at`` (the list used, or ``None``).
    """
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
    used = dict(
        MofdList.objects.filter(as_at__lt=end)
        .order_by("organisation_id", "-as_at")
        .distinct("organisation_id")
        .values_list("organisation_id", "as_at")
    )
    return s1_table(
        day=day,
        organisations=[(code, name) for _pk, code, name in organisations],
        figures={code: figures[pk] for pk, code, _name in organisations if pk in figures},
        list_times={code: used.get(pk) for pk, code, _name in organisations},
    )


def s1_list_counts(*, day: date, frozen_at: datetime | None) -> dict[str, tuple[int, int]]:
    """Per organisation code: (lists with ``as_at`` in local ``day``, of which received after
    ``frozen_at``: late lists). A list corrected after the freeze counts as late (its figures
    were not frozen). One query."""
    start, end = local_day_bounds(day)
    late = Q(submission__received_at__gt=frozen_at) if frozen_at is not None else Q(pk__in=[])
    rows = (
        MofdList.objects.filter(as_at__gte=start, as_at__lt=end)
        .order_by()
        .values("organisation__code")
        .annotate(lists=Count("pk"), late=Count("pk", filter=late))
    )
    return {row["organisation__code"]: (row["lists"], row["late"]) for row in rows}


def s1_for_day(*, day: date, today: date) -> dict[str, Any]:
    """The S1 as served (API, page, exports): the frozen figures of a frozen day, else built
    from the stored lists. Adds ``state`` (``S1State``), ``frozen_at`` and, on every row and
    the total, ``lists`` and ``late_lists`` (DOMAIN.md "MOFD and the S1").

    Raises ``S1DayNotBegun`` for a day after ``today`` (local dates), ``S1DayBeforeRecords``
    for a day before ``s1_first_day()``.
    """
    if day < s1_first_day():
        raise S1DayBeforeRecords(day)
    frozen = S1Frozen.objects.filter(date=day).first() if day < today else None
    state = s1_state(day=day, today=today, frozen=frozen is not None)
    if state is None:
        raise S1DayNotBegun(day)
    if frozen is not None:
        s1 = {**frozen.figures, "date": day, "frozen_at": frozen.frozen_at}
    else:
        s1 = {**s1_build(day=day), "frozen_at": None}
    counts = s1_list_counts(day=day, frozen_at=s1["frozen_at"])
    legacy = None
    if any("list_as_at" not in row for row in s1["rows"]):
        # Frozen before list_as_at was stored: the lists received by the freeze say it.
        legacy = dict(
            MofdList.objects.filter(
                as_at__lt=local_day_end(day), submission__received_at__lte=s1["frozen_at"]
            )
            .order_by("organisation__code", "-as_at")
            .distinct("organisation__code")
            .values_list("organisation__code", "as_at")
        )
    rows = []
    for row in s1["rows"]:
        lists, late = counts.get(row["organisation"], (0, 0))
        list_as_at = row.get("list_as_at")
        if legacy is not None and "list_as_at" not in row:
            list_as_at = legacy.get(row["organisation"])
        if isinstance(list_as_at, str):
            list_as_at = parse_datetime(list_as_at)
        rows.append({**row, "list_as_at": list_as_at, "lists": lists, "late_lists": late})
    total = {
        **s1["total"],
        "list_as_at": None,
        "lists": sum(r["lists"] for r in rows),
        "late_lists": sum(r["late_lists"] for r in rows),
    }
    return {**s1, "rows": rows, "total": total, "state": S1State(state)}


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

    def chosen(for_day: date) -> dict[str, datetime | None]:
        return {code: list_in_force(lists, for_day) for code, lists in held.items()}

    def in_force(for_day: date) -> dict[str, list[Patient]]:
        return {code: held[code][at] for code, at in chosen(for_day).items() if at is not None}

    return s1_compute(
        day=day,
        organisations=[(code, name) for _pk, code, name in s1_organisations()],
        lists=in_force(day),
        previous_lists=in_force(day - timedelta(days=1)),
        list_times=chosen(day),
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
    site: str | None = None,
    pathway: str | None = None,
    plan: str | None = None,
    min_days: int | None = None,
    sort: str = MofdSort.DAYS,
) -> QuerySet[MofdPatient]:
    """Patients on each organisation's current list, filtered (organisation, site, pathway,
    plan column on ``day``, at least ``min_days`` MOFD) and in the order ``sort`` names
    (``MofdSort``; ties: longest MOFD first, then organisation and ref)."""
    patients = MofdPatient.objects.filter(mofd_list__in=lists_in_force()).select_related(
        "mofd_list__organisation", "site", "ward"
    )
    if organisation:
        patients = patients.filter(mofd_list__organisation__code=organisation)
    if site:
        patients = patients.filter(site__code=site)
    if pathway:
        patients = patients.filter(pathway=pathway)
    if plan:
        patients = patients.filter(plan_q(plan, day))
    if min_days is not None:
        patients = patients.filter(mofd_on__lte=day - timedelta(days=min_days))
    then = ("mofd_on", "mofd_list__organisation__code", "ref")
    if sort == MofdSort.DAYS_SHORTEST:
        return patients.order_by("-mofd_on", "mofd_list__organisation__code", "ref")
    if sort == MofdSort.PATHWAY:
        return patients.order_by("pathway", *then)
    if sort == MofdSort.PLAN:
        # The S1's column order: planned today, future plan, awaiting outcome.
        rank = Case(
            When(plan_q(PlanStatus.PLANNED_TODAY, day), then=Value(0)),
            When(plan_q(PlanStatus.FUTURE_PLAN, day), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return patients.order_by(rank, "planned_discharge_on", *then)
    return patients.order_by(*then)


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


def mofd_total_at(*, at: datetime) -> int | None:
    """MOFD patients on the lists in force at ``at`` (each organisation's latest list with
    ``as_at`` before it), summed over the system; None when no list had been received. For
    "since yesterday". One query."""
    row = MofdList.objects.filter(pk__in=lists_in_force(before=at)).aggregate(
        lists=Count("pk", distinct=True), patients=Count("patients")
    )
    return row["patients"] if row["lists"] else None


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

"""Writes: storing MOFD lists (inside the ingest transaction) and freezing the daily S1."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from apps.beds.models import Organisation
from apps.core.localtime import local_date, local_today
from apps.sitreps.models import Submission

from .models import Discharge, MofdList, MofdPatient, S1Frozen
from .rules import days_to_freeze
from .selectors import s1_build

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredList:
    mofd_list: MofdList
    patients: int
    discharged: int
    replaced: bool
    current: bool


def mofd_list_store(
    *,
    organisation: Organisation,
    submission: Submission,
    as_at: datetime,
    patients: list[dict[str, Any]],
    discharged: list[dict[str, Any]],
) -> StoredList:
    """Store a validated list whole. The same ``as_at`` again is a correction that replaces it;
    an older list is kept in history but the newest ``as_at`` stays the current list."""
    held = (
        MofdList.objects.select_for_update().filter(organisation=organisation, as_at=as_at).first()
    )
    if held is None:
        mofd_list = MofdList.objects.create(
            organisation=organisation, as_at=as_at, submission=submission
        )
    else:
        held.patients.all().delete()
        held.discharges.all().delete()
        held.submission = submission
        held.save(update_fields=["submission"])
        mofd_list = held
    MofdPatient.objects.bulk_create(
        MofdPatient(
            mofd_list=mofd_list,
            ref=p["ref"],
            nhs_number=p.get("nhs_number") or "",
            site=p.get("site"),
            ward=p.get("ward"),
            mofd_on=p["mofd_on"],
            pathway=p["pathway"],
            planned_discharge_on=p.get("planned_discharge_on"),
            delay_reason=p.get("delay_reason") or "",
        )
        for p in patients
    )
    Discharge.objects.bulk_create(
        Discharge(mofd_list=mofd_list, ref=d["ref"], discharged_at=d["discharged_at"])
        for d in discharged
    )
    current = not MofdList.objects.filter(organisation=organisation, as_at__gt=as_at).exists()
    return StoredList(mofd_list, len(patients), len(discharged), held is not None, current)


def s1_freeze(*, day: date, now: datetime | None = None) -> S1Frozen:
    """Freeze the S1 of a completed local day; a day already frozen is left as it was.

    Runs in its own transaction. It first waits for MOFD lists being written to commit (a
    SHARE lock on the lists' table), then takes ``frozen_at`` and builds the figures, so the
    frozen S1 uses exactly the lists received by ``frozen_at``: a rebuild from the archive
    received by then comes out the same, and any list stored later is a late list
    (DOMAIN.md "MOFD and the S1"). ``now`` (tests) pins ``frozen_at``; default: the clock
    after the lock.
    """
    with transaction.atomic():
        held = S1Frozen.objects.filter(date=day).first()
        if held is not None:
            return held
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {MofdList._meta.db_table} IN SHARE MODE")
        frozen_at = now or timezone.now()
        frozen, created = S1Frozen.objects.get_or_create(
            date=day, defaults={"figures": _jsonable(s1_build(day=day)), "frozen_at": frozen_at}
        )
    if created:
        logger.info("S1 of %s frozen", day)
    return frozen


def s1_freeze_due(*, now: datetime, clock: bool = False) -> list[date]:
    """Freeze every completed local day not yet frozen, from the local day of the earliest
    ``as_at`` any list has to yesterday (local), oldest first. Returns the days frozen.

    A catch-up covers days before an earlier freeze too (a backdated list for a day never
    frozen shapes it), and a frozen day is never changed. Safe to run often and to miss
    runs: freezing is idempotent. Two queries when nothing is due. ``clock=True`` (the beat
    task) takes each ``frozen_at`` from the clock once the lists being written have committed;
    otherwise ``frozen_at`` is ``now`` (replays and tests with a fixed clock).
    """
    first = MofdList.objects.aggregate(first=Min("as_at"))["first"]
    if first is None:
        return []
    start, yesterday = local_date(first), local_today(now) - timedelta(days=1)
    due = days_to_freeze(
        first=start,
        yesterday=yesterday,
        frozen=S1Frozen.objects.filter(date__gte=start, date__lte=yesterday).values_list(
            "date", flat=True
        ),
    )
    for day in due:
        s1_freeze(day=day, now=None if clock else now)
    return due


def _jsonable(s1: dict[str, Any]) -> dict[str, Any]:
    """The S1 as stored JSON (dates and times as ISO 8601 text)."""
    return json.loads(json.dumps(s1, cls=DjangoJSONEncoder))

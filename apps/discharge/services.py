"""Writes: storing MOFD lists (inside the ingest transaction) and freezing the daily S1."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Min

from apps.beds.models import Organisation
from apps.core.localtime import local_date, local_today
from apps.sitreps.models import Submission

from .models import Discharge, MofdList, MofdPatient, S1Frozen
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


def s1_freeze(*, day: date, now: datetime) -> S1Frozen:
    """Freeze the S1 of a completed local day; a day already frozen is left as it was."""
    frozen, created = S1Frozen.objects.get_or_create(
        date=day, defaults={"figures": _jsonable(s1_build(day=day)), "frozen_at": now}
    )
    if created:
        logger.info("S1 of %s frozen", day)
    return frozen


def s1_freeze_due(*, now: datetime) -> list[date]:
    """Freeze every completed local day not yet frozen, from the first day any list covers.

    Safe to run often and to miss runs: each call catches up, and freezing is idempotent.
    """
    yesterday = local_today(now) - timedelta(days=1)
    bounds = MofdList.objects.aggregate(first=Min("as_at"))
    if bounds["first"] is None:
        return []
    last = S1Frozen.objects.aggregate(last=Max("date"))["last"]
    day = local_date(bounds["first"]) if last is None else last + timedelta(days=1)
    frozen = []
    while day <= yesterday:
        with transaction.atomic():
            s1_freeze(day=day, now=now)
        frozen.append(day)
        day += timedelta(days=1)
    return frozen


def _jsonable(s1: dict[str, Any]) -> dict[str, Any]:
    return {**s1, "date": s1["date"].isoformat()}

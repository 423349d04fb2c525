"""S1 and its CSV/XLSX for 15,000 MOFD patients across 150 organisations (goal ≤ 1 s each).

Seven days of lists are held (105,000 patient rows), so choosing each organisation's list in
force is measured against history, not a single list.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from django.db import transaction

from bench.common import show, timed

ORGANISATIONS = 150
PATIENTS_PER_LIST = 100
DAYS = 7
DAY = date(2026, 11, 23)


def _seed() -> None:
    from apps.beds.models import Organisation, Site
    from apps.discharge.models import MofdList, MofdPatient
    from apps.sitreps.choices import Outcome, SitrepKind
    from apps.sitreps.models import Submission

    rng = random.Random(1)
    with transaction.atomic():
        MofdPatient.objects.all().delete()
        MofdList.objects.all().delete()
        Submission.objects.filter(kind=SitrepKind.DISCHARGE).delete()
        kinds = ["acute", "community", "mental_health"]
        orgs = Organisation.objects.bulk_create(
            Organisation(code=f"B{i:03d}", name=f"Bench trust {i}", kind=kinds[i % 3])
            for i in range(ORGANISATIONS - 1)
        )
        orgs.append(
            Organisation.objects.create(code="BOOA", name="Out of area", kind="out_of_area")
        )
        sites = {
            s.organisation_id: s
            for s in Site.objects.bulk_create(
                Site(code=f"{o.code}-S", name=f"{o.name} site", organisation=o)
                for o in orgs
                if o.kind != "out_of_area"
            )
        }
        for back in range(DAYS - 1, -1, -1):
            day = DAY - timedelta(days=back)
            as_at = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
            subs = Submission.objects.bulk_create(
                Submission(
                    kind=SitrepKind.DISCHARGE,
                    organisation=o,
                    received_at=as_at,
                    body_sha256="bench",
                    outcome=Outcome.ACCEPTED,
                    status_code=201,
                    recomputed_at=as_at,
                )
                for o in orgs
            )
            lists = MofdList.objects.bulk_create(
                MofdList(organisation=o, as_at=as_at, submission=s)
                for o, s in zip(orgs, subs, strict=True)
            )
            patients = []
            for o, mofd_list in zip(orgs, lists, strict=True):
                for i in range(PATIENTS_PER_LIST):
                    patients.append(
                        MofdPatient(
                            mofd_list=mofd_list,
                            ref=f"{o.code}-{i + rng.randrange(5)}-{i}",
                            site=sites.get(o.pk),
                            mofd_on=day - timedelta(days=rng.randrange(45)),
                            pathway=rng.choice(["P0", "P1", "P2", "P3"]),
                            planned_discharge_on=rng.choice(
                                [None, None, day, day - timedelta(days=1), day + timedelta(days=2)]
                            ),
                            delay_reason="awaiting_homecare",
                        )
                    )
            MofdPatient.objects.bulk_create(patients, batch_size=5000)


def run() -> dict:
    from django.db import connection
    from django.utils import timezone

    from apps.core.localtime import local_today
    from apps.discharge.exports import s1_csv, s1_xlsx
    from apps.discharge.selectors import board_mofd, s1_build, s1_for_day

    _seed()
    today = max(DAY, local_today(timezone.now()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    s1 = s1_build(day=DAY)
    show("organisations in the S1", len(s1["rows"]))
    show("MOFD patients on the lists used for the day", s1["total"]["total"])
    show("lost discharges", s1["total"]["lost_discharges"])
    results = {
        "organisations": len(s1["rows"]),
        "patients": s1["total"]["total"],
        "s1_sql": timed(lambda: s1_build(day=DAY)),
        # As served: the S1 with its state and each organisation's lists of the day.
        "s1_csv": timed(lambda: s1_csv(s1_for_day(day=DAY, today=today))),
        "s1_xlsx": timed(
            lambda: s1_xlsx(s1_for_day(day=DAY, today=today), title="bench S1"), repeat=10
        ),
        "board_mofd": timed(lambda: board_mofd(now=timezone.now())),
    }
    for name in ("s1_sql", "s1_csv", "s1_xlsx", "board_mofd"):
        show(f"{name} (incl. the S1 query where it applies)", results[name])
    return results

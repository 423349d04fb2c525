import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.beds.models import Organisation
from apps.discharge.models import MofdList, S1Frozen
from apps.discharge.rules import Patient, s1_compute
from apps.discharge.selectors import (
    board_mofd,
    s1_build,
    s1_for_day,
    s1_rebuild_from_archive,
    site_mofd_patients,
)
from apps.discharge.services import _jsonable, s1_freeze_due
from apps.discharge.sitrep import discharge_sitrep_allowed
from apps.sitreps.pipeline import submissions_recompute

from .factories import SEED_AS_AT, SEED_DAY, post_list, seed_patients

pytestmark = pytest.mark.django_db

ORGS = ("OOA", "RT5", "RWE")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def figures(s1, code):
    row = next(r for r in [*s1["rows"], s1["total"]] if r["organisation"] == code)
    return (row["total"], row["planned_today"], row["future_plan"], row["awaiting_outcome"])


def random_patients(rng: random.Random, code: str, day: date, n: int) -> list[Patient]:
    out = []
    for i in range(n):
        plan = rng.choice([None, day, day - timedelta(days=1), day + timedelta(days=2)])
        out.append(
            Patient(
                ref=f"{code}-{rng.randrange(n * 2)}-{i}",
                mofd_on=day - timedelta(days=rng.randrange(40)),
                pathway=rng.choice(["P0", "P1", "P2", "P3"]),
                planned_discharge_on=plan,
            )
        )
    return out


def test_the_seed_s1_comes_out_of_the_database_as_published(estate):
    for code in ORGS:
        post_list(code, SEED_AS_AT, seed_patients(code))
    s1 = s1_build(day=SEED_DAY)
    assert figures(s1, "RWE") == (140, 21, 3, 116)
    assert figures(s1, "RT5") == (39, 3, 1, 35)
    assert figures(s1, "OOA") == (13, 3, 2, 8)
    assert figures(s1, "TOTAL") == (192, 27, 6, 159)
    assert [r["organisation"] for r in s1["rows"]] == ["OOA", "RT5", "RWE"]  # no ambulance row


def test_the_sql_s1_agrees_with_the_pure_rules(estate):
    rng = random.Random(5)
    day = date(2026, 11, 23)
    lists, previous = {}, {}
    for code in ORGS:
        previous[code] = random_patients(rng, code, day - timedelta(days=1), 60)
        # Keep about half of yesterday's patients so some of yesterday's plans are lost.
        lists[code] = [p for p in previous[code] if rng.random() < 0.5] + random_patients(
            rng, code + "x", day, 40
        )
        post_list(code, at("2026-11-22T09:00:00+00:00"), previous[code])
        post_list(code, at("2026-11-23T09:00:00+00:00"), lists[code])
    # A later list must not change the day's figures.
    post_list("RWE", at("2026-11-24T00:30:00+00:00"), [])
    orgs = [(o.code, o.name) for o in Organisation.objects.filter(code__in=ORGS).order_by("code")]
    list_times = {code: at("2026-11-23T09:00:00+00:00") for code in ORGS}
    expected = s1_compute(
        day=day, organisations=orgs, lists=lists, previous_lists=previous, list_times=list_times
    )
    got = s1_build(day=day)
    assert got == expected
    assert got["total"]["lost_discharges"] > 0


def test_lost_discharges_use_the_list_in_force_at_the_end_of_the_day_before(estate):
    d1, d2 = date(2026, 11, 22), date(2026, 11, 23)
    a = Patient("A", date(2026, 11, 1), "P1", d1)
    b = Patient("B", date(2026, 11, 1), "P1", d1)
    post_list("RWE", at("2026-11-22T08:00:00+00:00"), [a, b])
    # Late on the 22nd B's plan moves to the 23rd: the list in force at the end of the 22nd.
    post_list("RWE", at("2026-11-22T21:00:00+00:00"), [a, Patient("B", b.mofd_on, "P1", d2)])
    post_list("RWE", at("2026-11-23T08:00:00+00:00"), [a, Patient("B", b.mofd_on, "P1", d2)])
    rwe = next(r for r in s1_build(day=d2)["rows"] if r["organisation"] == "RWE")
    assert rwe["lost_discharges"] == 1  # A only
    # B planned for the 23rd, gone by the 24th: not lost; A, still there, had no plan for then.
    post_list("RWE", at("2026-11-24T08:00:00+00:00"), [a])
    rwe = next(r for r in s1_build(day=date(2026, 11, 24))["rows"] if r["organisation"] == "RWE")
    assert rwe["lost_discharges"] == 0


def test_a_list_just_before_midnight_on_clock_change_days_counts_for_the_right_day(estate):
    post_list("RWE", at("2026-10-25T23:30:00+00:00"), [Patient("AUT", date(2026, 10, 1), "P0")])
    post_list("RT5", at("2026-03-29T23:30:00+00:00"), [Patient("SPR", date(2026, 3, 1), "P0")])
    assert figures(s1_build(day=date(2026, 10, 25)), "RWE")[0] == 1
    assert figures(s1_build(day=date(2026, 3, 29)), "RT5")[0] == 0
    assert figures(s1_build(day=date(2026, 3, 30)), "RT5")[0] == 1


def test_the_s1_query_count_does_not_grow_with_organisations(estate, django_assert_num_queries):
    for code in ORGS:
        post_list(code, SEED_AS_AT, seed_patients(code))
    with django_assert_num_queries(4):
        s1_build(day=SEED_DAY)
    Organisation.objects.bulk_create(
        Organisation(code=f"X{i}", name=f"Extra {i}", kind="acute") for i in range(20)
    )
    with django_assert_num_queries(4):
        assert len(s1_build(day=SEED_DAY)["rows"]) == 23


# --------------------------------------------------------------------------- freezing
def test_completed_days_are_frozen_once_and_a_missed_run_catches_up(estate):
    post_list("RWE", at("2026-11-20T08:00:00+00:00"), [Patient("A", date(2026, 11, 1), "P1")])
    now = at("2026-11-23T00:03:00+00:00")
    assert s1_freeze_due(now=now) == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]
    assert s1_freeze_due(now=now) == []
    assert S1Frozen.objects.count() == 3
    # A later correction to the 22nd does not change the frozen S1 of the 22nd.
    post_list("RWE", at("2026-11-22T23:00:00+00:00"), [], now=at("2026-11-23T00:10:00+00:00"))
    served = s1_for_day(day=date(2026, 11, 22), today=date(2026, 11, 23))
    assert figures(served, "RWE")[0] == 1 and served["frozen_at"] == now
    assert served["state"] == "frozen"
    rwe = next(r for r in served["rows"] if r["organisation"] == "RWE")
    assert (rwe["lists"], rwe["late_lists"]) == (1, 1)  # the late list is counted, not used
    assert figures(s1_build(day=date(2026, 11, 22)), "RWE")[0] == 0  # live figures moved on


def test_the_freeze_task_freezes_days_in_local_time(estate, settings):
    from apps.discharge.tasks import freeze_s1

    assert "apps.discharge.tasks.freeze_s1" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    post_list("RWE", at("2026-11-01T08:00:00+00:00"), [])
    freeze_s1()
    assert S1Frozen.objects.filter(date=date(2026, 11, 1)).exists()
    # Summer: 23:30 UTC on 1 July is already the 2nd; the 1st is complete, the 2nd is not.
    S1Frozen.objects.all().delete()
    MofdList.objects.all().delete()
    post_list("RT5", at("2026-06-30T08:00:00+00:00"), [])
    assert s1_freeze_due(now=at("2026-07-01T23:30:00+00:00"))[-1] == date(2026, 7, 1)


def test_rebuilding_from_the_archive_gives_the_frozen_figures(estate):
    rng = random.Random(11)
    for day in (date(2026, 11, 21), date(2026, 11, 22)):
        for code in ORGS:
            moment = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
            post_list(code, moment, random_patients(rng, code, day, 50))
    # A correction of the 22nd's RWE list (same as_at) and an out-of-order older list.
    post_list(
        "RWE", at("2026-11-22T08:00:00+00:00"), random_patients(rng, "RWE", date(2026, 11, 22), 30)
    )
    post_list(
        "RT5", at("2026-11-22T07:00:00+00:00"), random_patients(rng, "old", date(2026, 11, 22), 5)
    )
    s1_freeze_due(now=at("2026-11-23T00:05:00+00:00"))
    for day in (date(2026, 11, 21), date(2026, 11, 22)):
        frozen = S1Frozen.objects.get(date=day)
        rebuilt = s1_rebuild_from_archive(day=day, received_by=frozen.frozen_at)
        assert _jsonable(rebuilt) == frozen.figures
        assert rebuilt["total"]["total"] > 0


def test_recompute_is_idempotent_and_names_the_organisation(estate):
    result = post_list("RWE", at("2026-11-22T08:00:00+00:00"), [])
    assert submissions_recompute([result.submission_id]) == {"mofd:RWE"}
    assert submissions_recompute([result.submission_id]) == set()
    assert discharge_sitrep_allowed(Organisation.objects.get(code="OOA"))
    assert not discharge_sitrep_allowed(Organisation.objects.get(code="RX9"))


def row_of(s1, code):
    return next(r for r in [*s1["rows"], s1["total"]] if r["organisation"] == code)


def test_backdated_lists_shape_every_completed_day_alike_issue_15(estate):
    """Issue 15's scenario: a freeze ran, then lists dated before it arrived. Every completed
    day from the earliest as_at is frozen by the next catch-up, before and after the earlier
    freeze alike; days frozen before never change."""
    post_list("RWE", at("2026-11-15T08:00:00+00:00"), [Patient("N", date(2026, 11, 14), "P1")])
    first_run = at("2026-11-20T00:05:00+00:00")
    assert s1_freeze_due(now=first_run)[0] == date(2026, 11, 15)
    received = at("2026-11-20T10:00:00+00:00")
    post_list(
        "RWE",
        at("2026-02-01T09:00:00+00:00"),
        [Patient("F", date(2026, 1, 30), "P2")],
        now=received,
    )
    three = [Patient(f"T{i}", date(2026, 10, 30), "P3") for i in range(3)]
    post_list("RWE", at("2026-11-01T09:00:00+00:00"), three, now=received + timedelta(minutes=1))
    today = date(2026, 11, 20)
    # Before the catch-up: both days are over and not yet frozen, and both show the new lists.
    for day, total in ((date(2026, 2, 10), 1), (date(2026, 11, 10), 3)):
        served = s1_for_day(day=day, today=today)
        assert (served["state"], served["frozen_at"], row_of(served, "RWE")["total"]) == (
            "not_frozen",
            None,
            total,
        )
    catch_up = at("2026-11-21T00:05:00+00:00")
    frozen = s1_freeze_due(now=catch_up)
    assert frozen[0] == date(2026, 2, 1) and frozen[-1] == date(2026, 11, 20)
    assert date(2026, 11, 16) not in frozen  # frozen before: left as it was
    today = date(2026, 11, 21)
    for day, total, frozen_at in (
        (date(2026, 2, 10), 1, catch_up),
        (date(2026, 11, 10), 3, catch_up),
        (date(2026, 11, 16), 1, first_run),  # the list of the 15th; the backdated ones are older
    ):
        served = s1_for_day(day=day, today=today)
        assert served["state"] == "frozen" and served["frozen_at"] == frozen_at
        assert row_of(served, "RWE")["total"] == total
        stored = S1Frozen.objects.get(date=day)
        assert _jsonable(s1_rebuild_from_archive(day=day, received_by=frozen_at)) == stored.figures
    days = (date.fromisoformat("2026-02-01") + timedelta(days=i) for i in range(293))
    assert set(S1Frozen.objects.values_list("date", flat=True)) == set(days)


def test_a_list_for_a_frozen_day_is_a_late_list_and_changes_no_frozen_day(estate):
    post_list("RWE", at("2026-11-10T08:00:00+00:00"), [Patient("A", date(2026, 11, 9), "P1")])
    catch_up = at("2026-11-13T00:05:00+00:00")
    s1_freeze_due(now=catch_up)
    late = [Patient(f"L{i}", date(2026, 11, 9), "P0") for i in range(5)]
    post_list("RWE", at("2026-11-11T12:00:00+00:00"), late, now=at("2026-11-13T09:00:00+00:00"))
    today = date(2026, 11, 13)
    for day in (date(2026, 11, 11), date(2026, 11, 12)):
        served = s1_for_day(day=day, today=today)
        assert row_of(served, "RWE")["total"] == 1  # frozen: never changes
        stored = S1Frozen.objects.get(date=day)
        assert _jsonable(s1_rebuild_from_archive(day=day, received_by=catch_up)) == stored.figures
    eleventh = s1_for_day(day=date(2026, 11, 11), today=today)
    assert (row_of(eleventh, "RWE")["lists"], row_of(eleventh, "RWE")["late_lists"]) == (1, 1)
    assert (eleventh["total"]["lists"], eleventh["total"]["late_lists"]) == (1, 1)
    twelfth = row_of(s1_for_day(day=date(2026, 11, 12), today=today), "RWE")
    assert (twelfth["lists"], twelfth["late_lists"]) == (0, 0)  # the list's day is the 11th
    # It shapes every day not yet frozen: today.
    assert row_of(s1_for_day(day=today, today=today), "RWE")["total"] == 5


def test_the_s1_of_a_day_after_today_does_not_exist(estate):
    from apps.discharge.selectors import S1DayNotBegun

    post_list("RWE", at("2026-11-20T08:00:00+00:00"), [Patient("A", date(2026, 11, 9), "P1")])
    with pytest.raises(S1DayNotBegun):
        s1_for_day(day=date(2026, 11, 21), today=date(2026, 11, 20))
    assert s1_for_day(day=date(2026, 11, 20), today=date(2026, 11, 20))["state"] == "live"


# --------------------------------------------------------------------------- board
def test_board_mofd_counts_the_current_lists(estate):
    now = at("2026-11-23T12:00:00+00:00")
    today = date(2026, 11, 23)
    post_list("RWE", at("2026-11-22T08:00:00+00:00"), [Patient("OLD", date(2026, 11, 20), "P0")])
    post_list(
        "RWE",
        at("2026-11-23T08:00:00+00:00"),
        [
            Patient("A", today, "P1", today),
            Patient("B", today, "P3", today + timedelta(days=2)),
            Patient("C", today, "P3", today - timedelta(days=1)),
        ],
    )
    post_list("RT5", at("2026-11-23T08:00:00+00:00"), [])
    with CaptureQueriesContext(connection) as queries:
        board = board_mofd(now=now)
    assert len(queries) == 1
    rwe = Organisation.objects.get(code="RWE").pk
    rt5 = Organisation.objects.get(code="RT5").pk
    ooa = Organisation.objects.get(code="OOA").pk
    expected = {
        "total": 3,
        "by_pathway": {"P0": 0, "P1": 1, "P2": 0, "P3": 2},
        "planned_today": 1,
        "awaiting_outcome": 1,
    }
    assert board["organisations"][rwe] == expected
    assert board["organisations"][rt5]["total"] == 0  # an empty list is zero...
    assert ooa not in board["organisations"]  # ...no list at all is unknown
    assert board["system"] == expected

    from apps.discharge.api.serializers import MofdBoardOut

    assert MofdBoardOut(board["system"]).data == expected


def test_board_mofd_is_none_before_any_list(estate):
    assert board_mofd(now=at("2026-11-23T12:00:00+00:00")) == {"system": None, "organisations": {}}


def test_the_site_selector_lists_current_patients_at_that_site(estate):
    from apps.beds.models import Site

    post_list("RWE", at("2026-11-22T08:00:00+00:00"), [Patient("OLD", date(2026, 11, 1), "P0")])
    post_list(
        "RWE",
        at("2026-11-23T08:00:00+00:00"),
        [Patient("B", date(2026, 11, 20), "P1"), Patient("A", date(2026, 11, 2), "P2")],
    )
    assert [p.ref for p in site_mofd_patients(site=Site.objects.get(code="RWE-LRI"))] == ["A", "B"]
    assert not site_mofd_patients(site=Site.objects.get(code="RWE-GH")).exists()


def test_a_day_frozen_before_list_as_at_was_stored_still_names_its_list(estate):
    post_list("RWE", at("2026-11-10T08:00:00+00:00"), [Patient("A", date(2026, 11, 9), "P1")])
    s1_freeze_due(now=at("2026-11-11T00:05:00+00:00"))
    frozen = S1Frozen.objects.get(date=date(2026, 11, 10))
    for row in frozen.figures["rows"]:
        row.pop("list_as_at")
    frozen.save()
    served = s1_for_day(day=date(2026, 11, 10), today=date(2026, 11, 12))
    assert row_of(served, "RWE")["list_as_at"] == at("2026-11-10T08:00:00+00:00")
    assert row_of(served, "RT5")["list_as_at"] is None

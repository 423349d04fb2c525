from datetime import UTC, date, datetime

import pytest

from apps.core.localtime import local_date, local_day_end
from apps.discharge.choices import PlanStatus
from apps.discharge.rules import (
    Patient,
    S1Figures,
    days_mofd,
    days_to_freeze,
    list_in_force,
    long_waits,
    nhs_number_display,
    nhs_number_valid,
    plan_status,
    s1_compute,
    s1_figures,
    s1_state,
)

from .factories import SEED_DAY, seed_patients

D = date(2026, 11, 23)
SEED_ORGS = [("OOA", "Out of area"), ("RT5", "LPT"), ("RWE", "UHL")]


@pytest.mark.parametrize("number", ["9434765919", "9434765870", "4010232137", "9990000018"])
def test_it_accepts_nhs_numbers_that_pass_modulus_11(number):
    assert nhs_number_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "1234567890",  # check digit would be 10: never issued
        "943476591",  # nine digits
        "94347659190",
        "943476591X",
        "943 476 5919",
        "",
        "٩٤٣٤٧٦٥٩١٩",  # non-ASCII digits
    ],
)
def test_it_refuses_nhs_numbers_that_fail_modulus_11(number):
    assert not nhs_number_valid(number)


def test_it_masks_nhs_numbers_for_roles_that_do_not_need_them():
    assert nhs_number_display("9434765919", masked=True) == "943 *** **19"
    assert nhs_number_display("9434765919", masked=False) == "943 476 5919"
    assert nhs_number_display("", masked=True) == ""


def test_it_puts_each_patient_in_exactly_one_plan_column():
    assert plan_status(D, D) == PlanStatus.PLANNED_TODAY
    assert plan_status(date(2026, 11, 24), D) == PlanStatus.FUTURE_PLAN
    assert plan_status(None, D) == PlanStatus.AWAITING_OUTCOME


def test_a_lapsed_plan_is_awaiting_outcome():
    assert plan_status(date(2026, 11, 22), D) == PlanStatus.AWAITING_OUTCOME
    patients = [Patient("A", D, "P1", date(2026, 11, 22)), Patient("B", D, "P1", D)]
    figures = s1_figures(patients=patients, previous=[], day=D)
    assert (figures.planned_today, figures.awaiting_outcome) == (1, 1)


def test_it_counts_days_mofd_and_the_7_and_21_day_bands_inclusively():
    assert days_mofd(date(2026, 11, 16), D) == 7
    patients = [
        Patient("a", date(2026, 11, 17), "P0"),  # 6 days
        Patient("b", date(2026, 11, 16), "P0"),  # 7
        Patient("c", date(2026, 11, 3), "P2"),  # 20
        Patient("d", date(2026, 11, 2), "P3"),  # 21
    ]
    figures = s1_figures(patients=patients, previous=[], day=D)
    assert (figures.days_7_plus, figures.days_21_plus) == (3, 1)
    assert (figures.P0, figures.P1, figures.P2, figures.P3) == (2, 0, 1, 1)


def test_the_seed_s1_of_26_april_2023_reads_as_published():
    s1 = s1_compute(
        day=SEED_DAY,
        organisations=SEED_ORGS,
        lists={code: seed_patients(code) for code, _ in SEED_ORGS},
        previous_lists={},
    )
    got = {
        r["organisation"]: (r["total"], r["planned_today"], r["future_plan"], r["awaiting_outcome"])
        for r in [*s1["rows"], s1["total"]]
    }
    assert got == {
        "RWE": (140, 21, 3, 116),
        "RT5": (39, 3, 1, 35),
        "OOA": (13, 3, 2, 8),
        "TOTAL": (192, 27, 6, 159),
    }
    assert sum(s1["total"]["by_pathway"].values()) == 192


def test_lost_discharges_are_yesterdays_plans_still_on_todays_list():
    yesterday = date(2026, 11, 22)
    previous = [
        Patient("A", date(2026, 11, 1), "P1", yesterday),  # planned, still here: lost
        Patient("B", date(2026, 11, 1), "P1", yesterday),  # planned, gone: discharged
        Patient("C", date(2026, 11, 1), "P1", D),  # planned for today: not lost yet
        Patient("E", date(2026, 11, 1), "P1", date(2026, 11, 21)),  # older lapse: not lost
    ]
    today = [
        Patient("A", date(2026, 11, 1), "P1", D),
        Patient("C", date(2026, 11, 1), "P1", D),
        Patient("E", date(2026, 11, 1), "P1", None),
    ]
    assert s1_figures(patients=today, previous=previous, day=D).lost_discharges == 1
    # Day after: today's plans for the 23rd count against the 24th's list.
    tomorrow = [Patient("A", date(2026, 11, 1), "P1", None)]
    figures = s1_figures(patients=tomorrow, previous=today, day=date(2026, 11, 24))
    assert figures.lost_discharges == 1


def test_a_list_late_on_the_autumn_clock_change_day_belongs_to_that_day():
    as_at = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 23:30 GMT on the 25th
    assert local_date(as_at) == date(2026, 10, 25)
    assert list_in_force([as_at], date(2026, 10, 25)) == as_at
    assert local_day_end(date(2026, 10, 25)) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    # 25 hours long: it started at 23:00 UTC on the 24th (BST).
    assert local_day_end(date(2026, 10, 24)) == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)


def test_a_list_late_on_the_spring_clock_change_day_belongs_to_the_next_day():
    as_at = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # 00:30 BST on the 30th
    assert local_date(as_at) == date(2026, 3, 30)
    assert list_in_force([as_at], date(2026, 3, 29)) is None
    assert list_in_force([as_at], date(2026, 3, 30)) == as_at
    assert local_day_end(date(2026, 3, 29)) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # 23 h day


def test_the_list_in_force_is_the_latest_before_the_end_of_the_day_never_a_later_one():
    morning = datetime(2026, 11, 23, 8, tzinfo=UTC)
    evening = datetime(2026, 11, 23, 23, 59, tzinfo=UTC)
    next_day = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert list_in_force([next_day, morning, evening], D) == evening
    assert list_in_force([next_day], D) is None


def test_every_organisation_has_a_row_and_the_total_sums_them():
    s1 = s1_compute(
        day=D,
        organisations=[("A", "a"), ("B", "b")],
        lists={"A": [Patient("x", D, "P2", D)]},
        previous_lists={},
    )
    assert [r["organisation"] for r in s1["rows"]] == ["A", "B"]
    # B sent no list: zeros with no list behind them (shown as "no list received").
    assert s1["rows"][1] == {**S1Figures().as_row(organisation="B", name="b"), "list_as_at": None}
    assert s1["total"]["organisation"] == "TOTAL"
    assert s1["total"]["by_pathway"] == {"P0": 0, "P1": 0, "P2": 1, "P3": 0}
    assert s1["total"]["planned_today"] == 1


def test_figures_round_trip_through_the_row_shape():
    f = S1Figures(total=3, planned_today=1, P1=2, P3=1, lost_discharges=1, days_7_plus=2)
    assert S1Figures.from_row(f.as_row(organisation="X", name="x")) == f


def test_long_waits_count_patients_mofd_seven_and_twenty_one_days_or_more():
    assert long_waits([0, 6, 7, 20, 21, 40]) == (4, 2)
    assert long_waits([]) == (0, 0)


def test_the_state_of_a_days_s1():
    assert s1_state(day=D, today=D, frozen=False) == "live"
    assert s1_state(day=D, today=date(2026, 11, 24), frozen=False) == "not_frozen"
    assert s1_state(day=D, today=date(2026, 11, 24), frozen=True) == "frozen"
    assert s1_state(day=date(2026, 11, 24), today=D, frozen=False) is None  # no projection


def test_the_catch_up_freezes_every_completed_day_not_yet_frozen_from_the_first_list():
    frozen = [date(2026, 11, 20), date(2026, 11, 21)]
    due = days_to_freeze(first=date(2026, 11, 17), yesterday=date(2026, 11, 22), frozen=frozen)
    assert due == [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 22)]
    assert days_to_freeze(first=None, yesterday=D, frozen=[]) == []
    assert days_to_freeze(first=D, yesterday=date(2026, 11, 22), frozen=[]) == []

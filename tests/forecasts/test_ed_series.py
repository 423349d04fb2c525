"""The ED series from the product's own attendances (DOMAIN.md "Forecasts")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from apps.forecasts.choices import SYSTEM_SCOPE
from apps.forecasts.selectors import (
    own_ed_attendances,
    own_emergency_admissions,
    scopes_with_history,
    series_history,
)
from apps.forecasts.services import history_load
from apps.sitreps.models import Submission
from tests.emergency.conftest import item, post

pytestmark = pytest.mark.django_db

HEADER = "site,date,ed_attendances,emergency_admissions,ga_occupied_midday\n"


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def receiving_since(moment: datetime) -> None:
    """As if the board had been receiving the ED sitreps posted here since ``moment`` (a test
    posts past days' records at once; live, each would have come in as it happened)."""
    Submission.objects.update(received_at=moment)


@pytest.fixture
def clock_change(key_client):
    """Attendances around Sunday 25 October 2026 (clocks back at 01:00 UTC: the local day runs
    from 24 Oct 23:00 UTC to 26 Oct 00:00 UTC, 25 hours)."""
    rwe = key_client("RWE")
    response = post(
        rwe,
        # The product holds both EDs from the 20th, so every day from the 21st is whole.
        item("LRI-0", arrived=at(20, 10), departed=at(20, 12), disposition="discharged"),
        item("GH-0", "RWE-GH", arrived=at(20, 10), departed=at(20, 11), disposition="discharged"),
        # 23:30 BST on the 24th; leaves 00:10 BST on the 25th, admitted.
        item("LRI-1", arrived=at(24, 22, 30), departed=at(24, 23, 10), disposition="admitted"),
        # 00:30 BST on the 25th (the 24th in UTC); admitted at 03:00 GMT.
        item("LRI-2", arrived=at(24, 23, 30), departed=at(25, 3), disposition="admitted"),
        # 23:30 GMT on the 25th, the day's 25th hour; leaves on the 26th.
        item("LRI-3", arrived=at(25, 23, 30), departed=at(26, 1), disposition="discharged"),
        item("GH-1", "RWE-GH", arrived=at(25, 12), departed=at(25, 14), disposition="admitted"),
    )
    assert response.status_code == 201, response.json()
    receiving_since(at(1, 0))
    return rwe


def test_arrivals_count_by_local_day_across_the_25_hour_day(
    clock_change, django_assert_num_queries
):
    with django_assert_num_queries(1):
        got = own_ed_attendances(start=date(2026, 10, 23), end=date(2026, 10, 26))
    assert got["RWE-LRI"] == {date(2026, 10, 24): 1, date(2026, 10, 25): 2, date(2026, 10, 26): 0}
    assert got["RWE-GH"] == {date(2026, 10, 25): 1}
    # A day without records is missing, never 0.
    assert date(2026, 10, 23) not in got["RWE-LRI"]


def test_admissions_count_admitted_departures_by_local_day_of_departure(
    clock_change, django_assert_num_queries
):
    with django_assert_num_queries(1):
        got = own_emergency_admissions(start=date(2026, 10, 23), end=date(2026, 10, 26))
    # Arrived on the 24th, records there, nobody left admitted that day: a real 0.
    assert got["RWE-LRI"] == {date(2026, 10, 24): 0, date(2026, 10, 25): 2, date(2026, 10, 26): 0}
    assert got["RWE-GH"] == {date(2026, 10, 25): 1}
    only = own_emergency_admissions(
        start=date(2026, 10, 25), end=date(2026, 10, 25), sites={"RWE-GH"}
    )
    assert only == {"RWE-GH": {date(2026, 10, 25): 1}}


def test_own_ed_figures_win_and_the_system_sums_sites_with_data(clock_change):
    history_load(
        text=HEADER
        + "RWE-LRI,2026-10-22,50,12,\n"
        + "RWE-LRI,2026-10-24,99,30,\n"
        + "RWE-GH,2026-10-22,20,,\n",
        today=date(2026, 10, 27),
    )
    history = series_history(today=date(2026, 10, 27), days=5)
    attendances = history["ed_attendances"]
    assert attendances["RWE-LRI"][date(2026, 10, 22)] == 50  # imported: no records held
    assert attendances["RWE-LRI"][date(2026, 10, 24)] == 1  # its own figure wins
    assert attendances[SYSTEM_SCOPE] == {
        date(2026, 10, 22): 70,
        date(2026, 10, 24): 1,
        date(2026, 10, 25): 3,
        date(2026, 10, 26): 0,
    }
    admissions = history["emergency_admissions"]
    assert admissions["RWE-LRI"][date(2026, 10, 24)] == 0  # own 0 wins over imported 30
    assert admissions[SYSTEM_SCOPE][date(2026, 10, 22)] == 12  # GH's blank cell is no value
    assert admissions[SYSTEM_SCOPE][date(2026, 10, 25)] == 3


def test_a_site_with_only_ed_attendances_is_forecast(clock_change):
    assert scopes_with_history(today=date(2026, 10, 27), days=5) == [
        "RWE-GH",
        "RWE-LRI",
        SYSTEM_SCOPE,
    ]
    assert scopes_with_history(today=date(2026, 12, 27), days=5) == []


def test_a_partial_first_day_of_own_records_never_replaces_an_imported_day(key_client):
    # QA F3: the demo's ED records start at 19:04 on 29 Nov (GMT, so local). That day's own
    # count (2) is a part of the day: the imported 434 stands, and without an import the day is
    # missing, not 2. From 30 Nov, the first whole day, its own figures win.
    rwe = key_client("RWE")
    response = post(
        rwe,
        item("A", arrived=at(29, 19, 4, month=11), departed=at(29, 21, month=11),
             disposition="admitted"),
        item("B", arrived=at(29, 22, month=11), departed=at(30, 1, month=11),
             disposition="admitted"),
        item("C", arrived=at(30, 9, month=11), departed=at(30, 12, month=11),
             disposition="discharged"),
        item("GH-1", "RWE-GH", arrived=at(29, 0, month=11), departed=at(29, 3, month=11),
             disposition="admitted"),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    receiving_since(at(1, 0, month=11))  # the arrivals decide which day is first whole here
    history_load(
        text=HEADER + "RWE-LRI,2026-11-28,430,120,\n" + "RWE-LRI,2026-11-29,434,121,\n",
        today=date(2026, 12, 1),
    )
    history = series_history(today=date(2026, 12, 1), days=5)
    attendances, admissions = history["ed_attendances"], history["emergency_admissions"]
    assert attendances["RWE-LRI"] == {
        date(2026, 11, 28): 430,
        date(2026, 11, 29): 434,  # imported: the own records cover only 19:04 onwards
        date(2026, 11, 30): 1,  # own: the first whole day
    }
    assert admissions["RWE-LRI"] == {
        date(2026, 11, 28): 120,
        date(2026, 11, 29): 121,
        date(2026, 11, 30): 1,
    }
    # GH's first arrival is at local midnight exactly: that day is whole, so it counts.
    assert attendances["RWE-GH"] == {date(2026, 11, 29): 1}
    assert attendances[SYSTEM_SCOPE][date(2026, 11, 29)] == 435
    # Without an import, the partial day is missing, never its part-day count.
    own = own_ed_attendances(start=date(2026, 11, 28), end=date(2026, 11, 30))
    assert own["RWE-LRI"] == {date(2026, 11, 30): 1}


def test_the_first_whole_day_is_found_in_local_time_on_a_clock_change_day(key_client):
    """Sunday 25 October 2026 starts at 23:00 UTC on the 24th (BST midnight) and lasts 25 h."""
    rwe = key_client("RWE")
    response = post(
        rwe,
        # 00:00 BST on the 25th exactly: the 25th is whole.
        item("LRI-1", arrived=at(24, 23), departed=at(24, 23, 30), disposition="admitted"),
        item("LRI-2", arrived=at(25, 23, 30), departed=at(26, 1), disposition="discharged"),
        # 00:05 BST on the 25th (the 24th in UTC): the 25th is partial, the 26th is whole.
        item("GH-1", "RWE-GH", arrived=at(24, 23, 5), departed=at(25, 2),
             disposition="admitted"),
        item("GH-2", "RWE-GH", arrived=at(26, 9), departed=at(26, 10), disposition="admitted"),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    receiving_since(at(1, 0))
    got = own_ed_attendances(start=date(2026, 10, 23), end=date(2026, 10, 27))
    assert got == {
        "RWE-LRI": {date(2026, 10, 25): 2, date(2026, 10, 26): 0},
        "RWE-GH": {date(2026, 10, 26): 1},
    }
    admissions = own_emergency_admissions(start=date(2026, 10, 23), end=date(2026, 10, 27))
    assert admissions == {
        "RWE-LRI": {date(2026, 10, 25): 1, date(2026, 10, 26): 0},
        "RWE-GH": {date(2026, 10, 26): 1},
    }


def test_records_posted_for_days_before_the_board_was_receiving_never_make_them_its_own(
    key_client,
):
    # QA N2: one attendance from 8 days before (posted late) moved the first "whole" day back a
    # week, and two near-empty own days replaced imported ones. The board's own days start
    # with the first whole day after it began receiving the trust's ED sitreps.
    rwe = key_client("RWE")
    assert post(rwe, item("OLD", arrived=at(21, 9, month=11), departed=at(21, 11, month=11),
                          disposition="discharged")).status_code == 201  # fmt: skip
    receiving_since(at(29, 19, month=11))  # a sitrep accepted at 19:00 on the 29th
    assert post(rwe, item("C", arrived=at(30, 9, month=11), departed=at(30, 12, month=11),
                          disposition="admitted")).status_code == 201  # fmt: skip
    Submission.objects.filter(received_at__gt=at(29, 19, month=11)).update(
        received_at=at(30, 12, month=11)
    )
    history_load(
        text=HEADER + "RWE-LRI,2026-11-21,451,130,\n" + "RWE-LRI,2026-11-29,434,121,\n",
        today=date(2026, 12, 1),
    )
    attendances = series_history(today=date(2026, 12, 1), days=12)["ed_attendances"]["RWE-LRI"]
    assert attendances == {
        date(2026, 11, 21): 451,  # imported: the board was not receiving then
        date(2026, 11, 29): 434,  # imported: receiving from 19:00 only
        date(2026, 11, 30): 1,  # own: the first whole day
    }

"""ED four-hour performance in an action's effect (DOMAIN.md "an action's effect")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from apps.actions.effects import FIGURES, effect_figures, scope_resolve
from tests.emergency.conftest import item, post

from .factories import T0

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
M = timedelta(minutes=1)


def four_hour(code: str, at):
    return FIGURES["ed_four_hour_pct"](scope_resolve(code), at)


@pytest.fixture
def departures(key_client):
    """T0 is Monday 23 November 2026, 09:00 GMT (local = UTC)."""
    day = T0 - 9 * H
    response = post(
        key_client("RWE"),
        # The day before: not today's.
        item("LRI-0", arrived=day - 4 * H, departed=day - H, disposition="discharged"),
        item("LRI-1", arrived=day + 3 * H, departed=day + 6 * H, disposition="discharged"),
        item("LRI-2", arrived=day + 2 * H, departed=day + 7.5 * H, disposition="admitted"),
        # 5 hours; leaves after T0.
        item("LRI-3", arrived=day + 5 * H, departed=day + 10 * H, disposition="admitted"),
        # Exactly 4:00:00, meets; and 4:00:30, does not.
        item("LRI-4", arrived=day + 8.5 * H, departed=day + 12.5 * H, disposition="discharged"),
        item(
            "LRI-5",
            arrived=day + 8 * H,
            departed=day + 12 * H + timedelta(seconds=30),
            disposition="left",
            department_type=3,
        ),
        item("LRI-6", arrived=day + 9.5 * H, departed=day + 13 * H, disposition="discharged"),
        # Still in the department.
        item("LRI-7", arrived=day + 1 * H),
        item("GH-1", "RWE-GH", arrived=day + 7 * H, departed=day + 8 * H, disposition="left"),
    )
    assert response.status_code == 201, response.json()


def test_a_sites_four_hour_counts_todays_departures_up_to_that_moment(departures):
    assert four_hour("RWE-LRI", T0) == 50.0  # LRI-1 met, LRI-2 not
    # At T0 + 4 h: LRI-1, 4 and 6 met; LRI-2, 3 and 5 not; the one departing at 13:00 exactly
    # is counted.
    assert four_hour("RWE-LRI", T0 + 4 * H) == 50.0
    assert four_hour("RWE-LRI", T0 + 4 * H - M) == 40.0
    assert four_hour("RWE-GH", T0) == 100.0


def test_the_system_pools_the_departures_of_every_site(departures):
    assert four_hour("system", T0) == 66.7  # 2 of 3, not the mean of 50.0 and 100.0


def test_a_site_with_no_departures_that_day_is_null(departures):
    assert four_hour("RT5-CCH", T0) is None
    assert four_hour("RWE-LRI", T0 - 9 * H + 5 * H) is None  # nobody had left yet today
    # The next day, until someone leaves: yesterday's departures do not carry over.
    assert four_hour("RWE-LRI", T0 + 15 * H + M) is None


def test_the_effect_reads_it_for_site_and_system(departures):
    assert effect_figures(scope_resolve("RWE-LRI"), T0)["ed_four_hour_pct"] == 50.0
    assert effect_figures(scope_resolve("system"), T0)["ed_four_hour_pct"] == 66.7

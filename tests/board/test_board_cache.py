"""The built board is shared until the figures change, and never served stale."""

import pytest

from apps.board.selectors import board_build_cached
from tests.beds.factories import counts, hours_ago, sitrep

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.SCC_BOARD_CACHE_SECONDS = 90


def test_a_second_display_gets_the_board_without_rebuilding_it(
    cached, estate, django_assert_num_queries
):
    from django.utils import timezone

    now = timezone.now()
    first = board_build_cached(now=now)
    with django_assert_num_queries(0):
        assert board_build_cached(now=now) == first


def test_an_accepted_sitrep_moves_the_board_on_at_once(
    cached, key_client, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    now = timezone.now()
    before = board_build_cached(now=now)
    lri = next(s for s in before["sites"] if s["code"] == "RWE-LRI")
    assert lri["occupancy"] is None
    body = sitrep("RWE-LRI", hours_ago(0.2), counts("LRI-W22", 15, 5), counts("LRI-W23", 10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        response = key_client("RWE").post("/api/v1/sitreps/beds/", body, format="json")
    assert response.status_code == 201
    after = board_build_cached(now=now)
    lri = next(s for s in after["sites"] if s["code"] == "RWE-LRI")
    assert lri["occupancy"]["occupied"] == 25


def test_without_redis_the_board_is_built_fresh(cached, estate, settings):
    from django.utils import timezone

    settings.REDIS_URL = "unix:///nonexistent/redis.sock"
    board = board_build_cached(now=timezone.now())
    assert [s["code"] for s in board["sites"]] == ["RT5-CCH", "RWE-GH", "RWE-LRI"]

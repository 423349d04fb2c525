"""Fixtures shared by the suite: a small estate, personas of each role, provider keys."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.choices import Role
from apps.accounts.models import ApiKey
from apps.accounts.services import user_create
from apps.beds.estate import estate_load
from apps.core.localtime import LOCAL_TZ, local_date, local_day_start

SMALL_ESTATE = {
    "system": {
        "code": "LLR",
        "name": "Leicester, Leicestershire and Rutland",
        "population": 1020000,
    },
    "organisations": [
        {"code": "RWE", "name": "University Hospitals of Leicester", "kind": "acute"},
        {"code": "RT5", "name": "Leicestershire Partnership Trust", "kind": "community"},
        {"code": "RX9", "name": "East Midlands Ambulance Service", "kind": "ambulance"},
        {"code": "OOA", "name": "Out of area", "kind": "out_of_area"},
    ],
    "sites": [
        {"code": "RWE-LRI", "name": "Leicester Royal Infirmary", "organisation": "RWE"},
        {"code": "RWE-GH", "name": "Glenfield Hospital", "organisation": "RWE"},
        {"code": "RT5-CCH", "name": "Coalville Community Hospital", "organisation": "RT5"},
    ],
    "wards": [
        {
            "code": "LRI-W22",
            "site": "RWE-LRI",
            "name": "Ward 22",
            "bed_type": "ga_adult",
            "core_beds": 20,
            "escalation_beds": 2,
        },
        {
            "code": "LRI-W23",
            "site": "RWE-LRI",
            "name": "Ward 23",
            "bed_type": "ga_adult",
            "core_beds": 10,
        },
        {
            "code": "LRI-W10",
            "site": "RWE-LRI",
            "name": "Ward 10",
            "bed_type": "ga_paeds",
            "core_beds": 12,
        },
        {
            "code": "GH-W15",
            "site": "RWE-GH",
            "name": "Ward 15",
            "bed_type": "ga_adult",
            "core_beds": 28,
            "escalation_beds": 4,
        },
        {
            "code": "CCH-W4",
            "site": "RT5-CCH",
            "name": "Ward 4",
            "bed_type": "community",
            "core_beds": 27,
        },
    ],
    "virtual_wards": [
        {"code": "VW-FRAILTY", "name": "Frailty", "organisation": "RT5", "capacity": 20},
        {"code": "VW-ASTHMA", "name": "Asthma", "organisation": "RWE", "capacity": 40},
    ],
}


@pytest.fixture
def estate(db):
    estate_load(document=SMALL_ESTATE)


def estate_with_extra_sites(count: int) -> dict:
    """The small estate and ``count`` more RWE sites of one adult G&A ward each: for checking
    that a page's query count does not grow with the estate."""
    bigger = {**SMALL_ESTATE, "sites": [*SMALL_ESTATE["sites"]], "wards": [*SMALL_ESTATE["wards"]]}
    for i in range(count):
        bigger["sites"].append({"code": f"RWE-X{i}", "name": f"Extra {i}", "organisation": "RWE"})
        bigger["wards"].append(
            {
                "code": f"X{i}-W1",
                "site": f"RWE-X{i}",
                "name": "W1",
                "bed_type": "ga_adult",
                "core_beds": 20,
            }
        )
    return bigger


def _persona(role: str):
    user = user_create(username=f"{role}-user", role=role, password="correct-horse-battery")
    client = APIClient()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def scc_client(db):
    return _persona(Role.SCC)


@pytest.fixture
def manager_client(db):
    return _persona(Role.MANAGER)


@pytest.fixture
def admin_client(db):
    return _persona(Role.ADMIN)


@pytest.fixture
def key_client(estate):
    """``key_client("RWE")``: an API client holding a fresh key of that organisation."""
    from apps.beds.models import Organisation

    def make(org_code: str) -> APIClient:
        _key, plain = ApiKey.issue(organisation=Organisation.objects.get(code=org_code))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plain}")
        client.plain_key = plain
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_redis():
    """Each test starts with an empty Redis and no rendered board tiles: the database rolls
    back between tests, so a board cached (or a sign-in counted) by an earlier test must not
    leak into the next, and tile tests count what each request renders."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["tiles"].clear()
    yield


@pytest.fixture(autouse=True)
def _test_clock(request):
    """``SCC_TEST_CLOCK=HH:MM`` runs every test with the clock at that local (Europe/London)
    time today, ticking: ``make test`` runs the date-sensitive tests at 00:05 and 23:55 so a
    fixture that posts "3 hours ago" or "in 10 minutes" cannot pass only by the time of day.
    Unset, the clock is the real one. Real processes (worker, server, browser) keep real time,
    so the slow and browser tests ignore it."""
    clock = os.environ.get("SCC_TEST_CLOCK")
    if (
        not clock
        or request.node.get_closest_marker("slow")
        or request.node.get_closest_marker("browser")
    ):
        yield
        return
    hour, minute = (int(part) for part in clock.split(":"))
    today = local_date(timezone.now())
    moment = datetime.combine(today, time(hour, minute), tzinfo=LOCAL_TZ)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def day_clock():
    """Now, at least 6 hours into the local day (aware UTC, whole seconds).

    A test that posts times up to 3 hours back and reads *today's* figures cannot pass just
    after local midnight: those times are yesterday. Before 06:00 local the clock travels
    (ticking) to 06:00 today; later in the day it is the real clock, untouched."""
    now = timezone.now().replace(microsecond=0)
    earliest = local_day_start(local_date(now)) + timedelta(hours=6)
    if now >= earliest:
        yield now
        return
    with time_machine.travel(earliest, tick=True):
        yield earliest

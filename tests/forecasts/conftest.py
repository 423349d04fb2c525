"""Shared: LRI with beds reported now, 120 days of history and one forecast run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.localtime import local_today
from apps.forecasts.services import forecasts_run, history_load
from tests.beds.factories import URL, counts, sitrep

HEADER = "site,date,ed_attendances,emergency_admissions,ga_occupied_midday\n"


_FITTED: dict = {}


@pytest.fixture
def fitted_once(monkeypatch):
    """The same series fitted once per test session: the fit is a pure function of the
    values and the day, and each fit costs seconds on a shared machine."""
    from apps.forecasts import services

    real = services.forecast_series

    def memo(values, *, today):
        key = (tuple(sorted(values.items())), today)
        if key not in _FITTED:
            _FITTED[key] = real(values, today=today)
        return _FITTED[key]

    monkeypatch.setattr(services, "forecast_series", memo)


@pytest.fixture
def forecasts(key_client, fitted_once):
    """LRI's two wards (30 beds) reported now, 120 days of history, one run."""
    rwe = key_client("RWE")
    body = sitrep(
        "RWE-LRI",
        timezone.now().replace(microsecond=0) - timedelta(minutes=1),
        counts("LRI-W22", occupied=18, vacant=2),
        counts("LRI-W23", occupied=9, vacant=1),
    )
    assert rwe.post(URL, body, format="json").status_code == 201
    today = local_today(timezone.now())
    rows = "".join(
        f"RWE-LRI,{today - timedelta(days=i)},{300 + (i % 7) * 9},{80 + i % 5},{26 + (i % 7) % 3}\n"
        for i in range(1, 121)
    )
    history_load(text=HEADER + rows, today=today)
    forecasts_run(now=timezone.now())
    return rwe

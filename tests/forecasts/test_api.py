"""GET /api/v1/forecasts/ and /api/v1/forecasts/beds/: status codes, shapes, query counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.core.localtime import local_today
from apps.forecasts.models import Forecast
from apps.forecasts.services import forecasts_run, history_load

from .conftest import HEADER

pytestmark = pytest.mark.django_db

API = "/api/v1/forecasts/"
BEDS = "/api/v1/forecasts/beds/"


def test_unknown_scope_is_404_and_unknown_series_400(scc_client, estate):
    assert scc_client.get(API, {"scope": "NOPE", "series": "ed_attendances"}).status_code == 404
    response = scc_client.get(API, {"scope": "system", "series": "beds"})
    assert response.status_code == 400 and "series" in response.json()
    assert scc_client.get(API, {"scope": "system"}).status_code == 400  # series is required
    assert scc_client.get(BEDS, {"scope": "NOPE"}).status_code == 404


def test_before_any_run_it_is_200_with_no_days_and_the_reason(scc_client, estate):
    body = scc_client.get(API, {"scope": "RWE-LRI", "series": "ed_attendances"}).json()
    assert body["days"] == [] and body["made_at"] is None
    assert body["reason"].startswith("No forecast has been made yet")
    beds = scc_client.get(BEDS, {"scope": "system"}).json()
    assert beds["days"] == [] and beds["reason"].startswith("No forecast has been made yet")


def test_it_needs_a_key_or_a_staff_session(client, estate):
    assert client.get(API, {"series": "ed_attendances"}).status_code == 401


def test_a_forecast_has_14_ordered_days_and_its_backtest(forecasts, django_assert_num_queries):
    with django_assert_num_queries(3):  # key, scope, forecast
        response = forecasts.get(API, {"scope": "RWE-LRI", "series": "ed_attendances"})
    body = response.json()
    assert response.status_code == 200 and body["reason"] is None
    assert body["history_days"] == 120 and body["model"].startswith("statsforecast ARIMA")
    today = local_today(timezone.now())
    assert [d["date"] for d in body["days"]] == [
        (today + timedelta(days=i)).isoformat() for i in range(1, 15)
    ]
    for d in body["days"]:
        assert 0 <= d["lo95"] <= d["lo50"] <= d["mean"] <= d["hi50"] <= d["hi95"]
    assert set(body["backtest"]) == {
        "mae", "mape", "coverage95", "baseline_mae", "baseline_mape", "pairs", "origins",
        "beats_baseline",
    }  # fmt: skip
    # 120 days from today − 120: 56 days precede today − 64 first → origins − 64 … − 14.
    assert body["backtest"]["origins"] == 51


def test_the_bed_outlook_uses_the_beds_open_now(forecasts):
    body = forecasts.get(BEDS, {"scope": "RWE-LRI"}).json()
    assert body["available"] == 30 and len(body["days"]) == 14
    stored = Forecast.objects.get(scope="RWE-LRI", series="ga_occupied_midday").days
    first = body["days"][0]
    assert first["occupied_mean"] == round(stored[0]["mean"])
    assert first["bed_gap_mean"] == (100 * first["occupied_mean"] + 91) // 92 - 30
    assert 0 <= first["p_reach_95"] <= first["p_reach_92"] <= 1
    system = forecasts.get(BEDS).json()
    assert system["scope"] == "system" and system["available"] == 30
    # GH has never reported a bed state: no beds to compare with.
    assert forecasts.get(BEDS, {"scope": "RWE-GH"}).json()["days"] == []


def test_too_little_history_is_200_with_the_reason(scc_client, estate):
    today = local_today(timezone.now())
    rows = "".join(f"RWE-GH,{today - timedelta(days=i)},10,,\n" for i in range(1, 11))
    history_load(text=HEADER + rows, today=today)
    forecasts_run(now=datetime.now(UTC))
    body = scc_client.get(API, {"scope": "RWE-GH", "series": "ed_attendances"}).json()
    assert body["days"] == [] and body["history_days"] == 10
    assert body["reason"] == (
        "Too little history: 10 days with a value; a forecast needs at least 56."
    )
    other = scc_client.get(API, {"scope": "RWE-GH", "series": "ga_occupied_midday"}).json()
    assert other["reason"] == "No history for this series here: nothing to forecast from."
    _ = date


def test_the_schema_describes_both_endpoints(scc_client):
    schema = scc_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/forecasts/" in schema and "/api/v1/forecasts/beds/" in schema
    assert "p_reach_92" in schema and "coverage95" in schema

"""The /forecasts/ page and the board's "next 7 days" strip."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.localtime import local_today
from apps.forecasts.models import Forecast
from apps.forecasts.services import forecasts_run, history_load

from .conftest import HEADER

pytestmark = pytest.mark.django_db
PAGE = "/forecasts/"


def test_it_asks_for_a_login(client, estate):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_any_run_it_says_so(scc_client, estate):
    html = scc_client.get(PAGE).content.decode()
    assert "No forecast has been made yet" in html
    assert scc_client.get(PAGE, {"scope": "NOPE"}).status_code == 404


def test_it_draws_fan_charts_and_the_backtest_table(scc_client, forecasts):
    html = scc_client.get(PAGE, {"scope": "RWE-LRI"}).content.decode()
    assert html.count('class="chart-band95"') == 3 and html.count('class="chart-band50"') == 3
    assert html.count('class="chart-mean"') == 3
    assert "92% of 30 beds open now" in html
    assert "Bed outlook" in html and "Chance ≥ 92%" in html


def test_it_says_plainly_when_the_model_does_not_beat_the_baseline(scc_client, forecasts):
    row = Forecast.objects.get(scope="RWE-LRI", series="ed_attendances")
    row.backtest = {**row.backtest, "mae": 9.0, "baseline_mae": 8.0}
    row.save()
    html = scc_client.get(PAGE, {"scope": "RWE-LRI"}).content.decode()
    assert "Does not beat the seasonal-naive baseline" in html


def test_the_page_query_count_does_not_grow_with_sites(
    scc_client,
    forecasts,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(12):
        assert scc_client.get(PAGE).status_code == 200


def test_too_little_history_shows_the_reason_not_a_line(scc_client, estate):
    today = local_today(timezone.now())
    rows = "".join(f"RWE-GH,{today - timedelta(days=i)},10,,\n" for i in range(1, 11))
    history_load(text=HEADER + rows, today=today)
    forecasts_run(now=timezone.now())
    html = scc_client.get(PAGE, {"scope": "RWE-GH"}).content.decode()
    assert "Too little history: 10 days with a value" in html
    assert 'class="chart-mean"' not in html


def test_the_board_shows_the_next_7_days_against_92(scc_client, forecasts):
    html = scc_client.get("/").content.decode()
    assert 'class="forecast-strip"' in html and "against 92%" in html
    strip = html[html.index('class="forecast-strip"') :]
    assert strip[: strip.index("</section>")].count("<li ") == 7


def test_the_board_has_no_strip_without_a_forecast(scc_client, estate):
    assert 'class="forecast-strip"' not in scc_client.get("/").content.decode()

"""The /plan/ page and /exports/plan.xlsx."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.localtime import local_today
from apps.plan.rules import month_add, month_of
from apps.plan.services import plan_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(estate, arrival):
    this = month_of(local_today(timezone.now()))
    last = month_add(this, -1)
    plan_load(
        text="metric,scope,month,value\n"
        f"handover_lost_hours,system,{last:%Y-%m},1\n"
        f"handover_lost_hours,system,{this:%Y-%m},1000\n"
        f"cat2_mean_min,system,{this:%Y-%m},30\n"
        f"vw_capacity,system,{this:%Y-%m},60\n"
    )
    # Last month: 90 minutes lost, over its plan of 1 hour.
    arrival("RWE-LRI", timezone.now().replace(day=1) - timedelta(days=3), 105)
    arrival("RWE-LRI", timezone.now() - timedelta(minutes=1))  # this month: a crew waiting
    return this, last


def test_the_page_shows_plan_against_actual_with_colour_and_direction(scc_client, planned):
    _this, last = planned

    def row_of(html: str, metric: str) -> str:
        row = html[html.index(f'data-metric="{metric}"') :]
        return row[: row.index("</tr>")]

    html = scc_client.get("/plan/").content.decode()
    assert "Operating plan" in html
    row = row_of(html, "handover_lost_hours")
    assert 'aria-label="lower meets"' in row and "↓" in row
    assert 'class="met current"' in row  # this month so far, within 1000
    earlier = row_of(
        scc_client.get("/plan/", {"month": f"{last:%Y-%m}"}).content.decode(), "handover_lost_hours"
    )
    assert 'class="missed"' in earlier and "1.50" in earlier  # 1.50 h against 1
    vw = html[html.index('data-metric="vw_capacity"') :]
    assert 'aria-label="higher meets"' in vw[: vw.index("</tr>")]
    cat2 = html[html.index('data-metric="cat2_mean_min"') :]
    assert 'class="no_data current"' in cat2[: cat2.index("</tr>")]  # no responses yet
    charts = html[html.index('id="plan-charts-heading"') :]
    assert charts.count("<svg") == 3  # one per metric planned
    assert 'class="chart-plan"' in charts and 'class="chart-bar"' in charts


def test_a_malformed_month_is_400_and_a_year_is_chosen_by_month(scc_client, planned):
    last = scc_client.get("/plan/", {"month": "2099-12"}).content.decode()
    assert "?month=2098-04" in last and "Next year" not in last  # no link to a 400
    first = scc_client.get("/plan/", {"month": "2000-01"}).content.decode()
    assert "Previous year" not in first and "?month=2000-04" in first
    for bad in ("2026-13", "0001-01", "9999-12"):  # the years out of range were a 500
        response = scc_client.get("/plan/", {"month": bad})
        assert response.status_code == 400 and b"from 2000-01 to 2099-12" in response.content
    html = scc_client.get("/plan/", {"month": "2020-05"}).content.decode()
    assert "April 2020 to March 2021" in html and "No plan loaded" in html


def test_the_xlsx_is_for_managers_and_holds_the_table(manager_client, scc_client, planned):
    assert scc_client.get("/exports/plan.xlsx").status_code == 403
    response = manager_client.get("/exports/plan.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        rows[1][:4] == ("Metric", "Scope", "Meets when", "Apr 2026 plan") or rows[1][0] == "Metric"
    )
    metrics = [r[0] for r in rows[2:]]
    assert "handover_lost_hours" in metrics
    assert all(c.data_type == "s" for c in sheet[3][:3])


def test_the_page_query_count_is_bounded(scc_client, planned, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        scc_client.get("/plan/")


def test_the_page_reads_the_same_number_of_queries_whatever_the_estate(scc_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.beds.estate import estate_load
    from tests.conftest import SMALL_ESTATE, estate_with_extra_sites

    this = month_of(local_today(timezone.now()))

    def plan_for(sites: list[str]) -> str:
        lines = ["metric,scope,month,value"]
        for site in sites:
            for metric in ("ga_available_beds", "handover_lost_hours"):
                lines.append(f"{metric},{site},{this:%Y-%m},10")
        return "\n".join([*lines, f"vw_capacity,system,{this:%Y-%m},5"]) + "\n"

    estate_load(document=SMALL_ESTATE)
    plan_load(text=plan_for(["RWE-LRI"]))
    scc_client.get("/plan/")
    with CaptureQueriesContext(connection) as small:
        scc_client.get("/plan/")
    estate_load(document=estate_with_extra_sites(12))
    plan_load(text=plan_for([f"RWE-X{i}" for i in range(12)]))
    with CaptureQueriesContext(connection) as big:
        html = scc_client.get("/plan/").content.decode()
    assert html.count('data-metric="ga_available_beds"') == 13
    assert len(big) == len(small)

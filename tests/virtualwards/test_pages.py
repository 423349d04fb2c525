import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.beds.models import Organisation
from apps.virtualwards.models import VirtualWard
from apps.virtualwards.plan import plan_load

from .conftest import URL, at, census

pytestmark = pytest.mark.django_db

PAGE = "/virtual-wards/"
PLAN = (
    "virtual_ward,medical_cover,month,planned_capacity\n"
    "Frailty,UHL/LPT,2023-04,10\n"
    "Frailty,UHL/LPT,2023-05,20\n"
    "Asthma,UHL,2023-05,40\n"
)


@pytest.fixture
def reported(rt5, key_client):
    plan_load(text=PLAN)
    assert rt5.post(URL, census(at(), ("VW-FRAILTY", 20, 14)), format="json").status_code == 201
    rwe = key_client("RWE")
    assert rwe.post(URL, census(at(), ("VW-ASTHMA", 40, 44)), format="json").status_code == 201


def test_it_asks_for_a_login(client, estate):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_each_ward_with_a_labelled_utilisation_bar(scc_client, reported):
    html = scc_client.get(PAGE).content.decode()
    assert "Frailty" in html and "Asthma" in html
    assert "70.0%" in html and "Below the 80% ambition" in html
    assert "110.0%" in html and "Over capacity" in html
    assert html.count('class="vw-bar') == 3  # system + two wards
    assert 'style="width: 70.0%"' in html and 'style="width: 100.0%"' in html
    assert 'style="left: 80%"' in html


def test_it_shows_the_system_totals_against_the_ambitions(scc_client, reported):
    html = scc_client.get(PAGE).content.decode()
    # 60 capacity, 58 patients, 96.7%; 60 * 100000 / 1020000 = 5.9 per 100k.
    assert ">60<" in html and ">58<" in html and "96.7%" in html
    assert "5.9" in html and "Below the 40\u201350 ambition" in html
    assert "2 of 2 wards reported" in html


def test_a_ward_that_never_reported_is_shown_as_unknown(scc_client, rt5):
    rt5.post(URL, census(at(), ("VW-FRAILTY", 20, 14)), format="json")
    html = scc_client.get(PAGE).content.decode()
    assert "never reported" in html and "(40 funded)" in html and "Not reported" in html


def test_it_draws_plan_against_actual_as_accessible_svg(scc_client, reported):
    html = scc_client.get(PAGE).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert re.search(r"<title id=\"vw-chart-title\">Virtual-ward capacity: planned and actual", svg)
    assert (
        '<desc id="vw-chart-desc">Planned capacity goes from 10 in Apr 2023 to 60 in May 2023'
        in svg
    )
    assert "Capacity (beds)" in svg and ">Month<" in svg
    assert '<polyline class="planned"' in svg
    assert svg.count('<rect class="actual"') == 1  # only the current month has a census
    assert "<summary>Planned and actual capacity by month (table)</summary>" in html


def test_it_escapes_hostile_ward_names(scc_client, reported):
    VirtualWard.objects.filter(code="VW-FRAILTY").update(name="<script>alert(1)</script>")
    html = scc_client.get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_htmx_request_gets_only_the_panels(scc_client, reported):
    response = scc_client.get(PAGE, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="vw-panels">')
    assert "<svg" not in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_page_query_count_does_not_grow_with_the_wards(scc_client, reported, rt5):
    scc_client.get(PAGE)
    with CaptureQueriesContext(connection) as small:
        scc_client.get(PAGE)
    org = Organisation.objects.get(code="RT5")
    VirtualWard.objects.bulk_create(
        VirtualWard(code=f"VW-X{i}", name=f"Extra {i}", organisation=org, capacity=5)
        for i in range(10)
    )
    rt5.post(URL, census(at(), *((f"VW-X{i}", 5, 2) for i in range(10))), format="json")
    with CaptureQueriesContext(connection) as big:
        html = scc_client.get(PAGE).content.decode()
    assert "Extra 9" in html
    assert len(small) == len(big)


def test_the_admin_lists_virtual_wards_plan_and_censuses(admin_client, reported):
    for path in ("virtualwards/virtualward", "plan/planvalue", "virtualwards/virtualwardcensus"):
        response = admin_client.get(f"/admin/{path}/")
        assert response.status_code == 200, path
    assert b"VW-FRAILTY" in admin_client.get("/admin/plan/planvalue/").content
    assert b"Frailty" in admin_client.get("/admin/virtualwards/virtualwardcensus/").content

"""The ward page: its beds, its reported states and trend; a styled 404 for an unknown ward."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.beds.estate import estate_load
from tests.beds.factories import counts, hours_ago, sitrep, worked_example
from tests.conftest import estate_with_extra_sites

from .test_site_page import post_beds

pytestmark = pytest.mark.django_db

URL = "/sites/RWE-LRI/wards/LRI-W22/"


@pytest.fixture
def lri(estate):
    post_beds(worked_example(hours_ago(26)))
    post_beds(sitrep("RWE-LRI", hours_ago(2), counts("LRI-W23", 5, 5)))
    post_beds(worked_example(hours_ago(0.5)))


def test_the_ward_page_shows_its_state_beds_history_and_trend(scc_client, lri):
    html = scc_client.get(URL).content.decode()
    assert "Ward 22" in html and "LRI-W22" in html
    # Ward A of DOMAIN.md's worked example: 18 occupied of 20 open (17 core + 1 escalation).
    assert "90.0%" in html
    assert html.count('<li class="bed ') == 22  # 20 core + 2 escalation
    assert 'href="/sites/RWE-LRI/wards/LRI-W22/beds/LRI-W22-B01/"' in html
    assert html.count("<tr>") - 1 == 2  # two reported states (header row aside)
    assert "<svg" in html and "Ward occupancy, last 7 days" in html


def test_the_ward_page_shows_the_bed_gap(scc_client, lri):
    # QA F2: it was always blank. DOMAIN.md: ceil(100 × occupied / 92) − available.
    def gap(ward: str) -> str:
        html = scc_client.get(f"/sites/RWE-LRI/wards/{ward}/").content.decode()
        return html.split("Bed gap (to 92%)</dt><dd>")[1].split("</dd>")[0]

    assert gap("LRI-W22") == "0"  # 18 of 20: ceil(19.57) − 20
    assert gap("LRI-W23") == "1"  # 10 of 10: ceil(10.87) − 10
    post_beds(sitrep("RWE-LRI", hours_ago(0.25), counts("LRI-W23", 5, 5)))
    assert gap("LRI-W23") == "-4"  # 5 of 10: ceil(5.43) − 10, headroom


def test_a_ward_reporting_counts_has_beds_of_unknown_status(scc_client, lri):
    html = scc_client.get("/sites/RWE-LRI/wards/LRI-W23/").content.decode()
    assert "100.0%" in html and "each bed's status is unknown" in html
    assert html.count("bed-unknown") == 10


def test_a_ward_that_never_reported_is_unknown_not_empty(scc_client, lri):
    html = scc_client.get("/sites/RWE-LRI/wards/LRI-W10/").content.decode()
    assert "No report yet" in html and "unknown, not zero" in html


def test_the_site_page_links_each_ward(scc_client, lri):
    html = scc_client.get("/sites/RWE-LRI/").content.decode()
    for ward in ("LRI-W22", "LRI-W23", "LRI-W10"):
        assert f'href="/sites/RWE-LRI/wards/{ward}/"' in html


@pytest.mark.parametrize(
    "path", ["/sites/RWE-LRI/wards/NOPE/", "/sites/RWE-GH/wards/LRI-W22/", "/sites/X/wards/Y/"]
)
def test_an_unknown_ward_is_a_styled_404(scc_client, estate, settings, path):
    settings.DEBUG = False
    response = scc_client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1" in html and "Not found" in html and "board.css" in html
    assert "Back to the board" in html


def test_the_ward_page_query_count_does_not_grow_with_the_estate(scc_client, lri):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get(URL).status_code == 200
        return len(ctx)

    small = queries()
    estate_load(document=estate_with_extra_sites(20))
    assert queries() == small

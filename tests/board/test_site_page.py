"""The site page ``/sites/<code>/``: wards, bed map, ambulances, MOFD patients, trends."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.beds.estate import estate_load
from apps.beds.models import Bed, Organisation, Site, Ward
from apps.escalation import selectors as escalation_selectors
from apps.escalation.selectors import rule_thresholds
from apps.sitreps.choices import SitrepKind
from apps.sitreps.pipeline import submissions_recompute
from apps.sitreps.services import sitrep_ingest
from tests.ambulance.conftest import arrival  # noqa: F401 (a fixture)
from tests.beds.factories import bed_list, counts, hours_ago, sitrep, worked_example
from tests.escalation.factories import make_alert

pytestmark = pytest.mark.django_db

URL = "/sites/RWE-LRI/"
NHS_NUMBER = "9434765919"


def post_beds(body: dict, *, recompute: bool = True) -> None:
    organisation = Organisation.objects.get(code=body["site"].split("-")[0])
    result = sitrep_ingest(
        kind=SitrepKind.BEDS, body=body, organisation=organisation, now=timezone.now()
    )
    assert result.status == 201, result.body
    if recompute:
        submissions_recompute([result.submission_id])


def post_mofd(code: str, patients: list[dict]) -> None:
    now = timezone.now().replace(microsecond=0)
    result = sitrep_ingest(
        kind=SitrepKind.DISCHARGE,
        body={"organisation": code, "as_at": now.isoformat(), "patients": patients},
        organisation=Organisation.objects.get(code=code),
        now=now,
    )
    assert result.status == 201, result.body


def patient(ref: str, *, site="RWE-LRI", ward="LRI-W22", days=3, pathway="P1", nhs=NHS_NUMBER):
    return {
        "ref": ref,
        "nhs_number": nhs,
        "site": site,
        "ward": ward,
        "mofd_on": (timezone.localdate() - timedelta(days=days)).isoformat(),
        "pathway": pathway,
        "planned_discharge_on": None,
        "delay_reason": "awaiting_homecare",
    }


def panel(client, name: str, code: str = "RWE-LRI"):
    return client.get(f"/sites/{code}/?panel={name}", HTTP_HX_REQUEST="true")


@pytest.fixture
def lri(estate):
    """DOMAIN.md's worked example at the LRI (Ward 22 bed list, Ward 23 counts); the
    paediatric Ward 10 has never reported."""
    post_beds(worked_example(hours_ago(0.5)))


# --------------------------------------------------------------------------- the page


def test_it_shows_the_wards_by_bed_type_with_subtotals_and_unreported_wards(scc_client, lri):
    response = scc_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Leicester Royal Infirmary" in html
    assert "University Hospitals of Leicester" in html
    wards = panel(scc_client, "wards").content.decode()
    # Adult G&A subtotal: the worked example (28 of 30, 93.3%, core 29, esc 1, closed 1, gap 1).
    subtotal = wards.split("Adult general &amp; acute total")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', subtotal, re.S)
    figures = [re.sub(r"<[^>]+>|[▲■✓?%]", "", c).split()[0] for c in cells]
    assert figures == ["28", "30", "93.3", "29", "1", "1", "1"]
    assert "2 of 2 wards reporting" in subtotal
    # The paediatric ward never reported: "No report", not zeros, and its subtotal unknown.
    paeds = wards.split("Paediatric general &amp; acute", 1)[1]
    assert "Ward 10" in paeds and "No report" in paeds and "0 of 1 ward reporting" in paeds
    assert "never" in paeds


def test_the_bed_map_marks_each_bed_and_shows_counts_only_wards(scc_client, lri):
    html = panel(scc_client, "beds").content.decode()
    assert html.lstrip().startswith('<section id="site-bed-map"')
    assert 'aria-label="LRI-W22-B01: occupied">O</a></li>' in html
    assert 'aria-label="LRI-W22-B18: vacant">V</a></li>' in html
    assert 'aria-label="LRI-W22-B20: closed">C</a></li>' in html
    assert (
        '<li class="bed bed-occupied bed-escalation"><a href="/sites/RWE-LRI/wards/LRI-W22/'
        'beds/LRI-W22-E01/" title="LRI-W22-E01: occupied, escalation bed"' in html
    )
    assert 'aria-label="LRI-W22-E02: not open, escalation bed">–</a></li>' in html
    assert html.count('<li class="bed ') == 22
    ward_23 = html.split("Ward 23")[1].split("</section>")[0]
    assert "Counts only" in ward_23 and "10 occupied, 0 vacant" in ward_23
    assert "No report yet" in html.split("Ward 10")[1].split("</section>")[0]
    for word in ("occupied", "vacant", "closed", "not open", "unknown", "escalation bed"):
        assert word in html.split('class="legend')[1].split("</ul>")[0]


def test_an_unknown_site_is_404(scc_client, estate):
    assert scc_client.get("/sites/NOPE/").status_code == 404
    assert panel(scc_client, "wards", code="NOPE").status_code == 404


def test_it_needs_a_sign_in(client, estate):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_hostile_names_are_escaped(scc_client, lri):
    hostile = '<script>alert("x")</script>'
    Site.objects.filter(code="RWE-LRI").update(name=hostile)
    Ward.objects.filter(code="LRI-W22").update(name=hostile)
    Bed.objects.filter(code="LRI-W22-B01").update(code='B01"><img src=x onerror=alert(1)>')
    make_alert(scope="RWE-LRI", severity="red")
    html = scc_client.get(URL).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "B01&quot;&gt;&lt;img src=x onerror=alert(1)&gt;: occupied" in html


def test_htmx_gets_only_the_panel_asked_for(scc_client, lri):
    for name, element in [
        ("header", "site-header"),
        ("wards", "site-wards"),
        ("beds", "site-bed-map"),
        ("ambulances", "site-ambulances"),
        ("mofd", "site-mofd"),
        ("trends", "site-trends"),
    ]:
        response = panel(scc_client, name)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith(f'<section id="{element}"'), name
        assert "<html" not in html
        assert "HX-Request" in response["Vary"]
        # Each panel fetches itself again, on this site's events and on a timer.
        assert f'hx-get="/sites/RWE-LRI/?panel={name}"' in html
        assert "sse:site-RWE-LRI" in html
    assert "sse:alerts" in panel(scc_client, "header").content.decode()


def test_without_htmx_or_with_an_unknown_panel_the_whole_page_comes_back(scc_client, lri):
    for response in (
        scc_client.get(URL + "?panel=wards"),
        scc_client.get(URL + "?panel=nope", HTTP_HX_REQUEST="true"),
    ):
        html = response.content.decode()
        assert "<html" in html and 'sse-connect="/board/events/"' in html
        assert 'id="site-wards"' in html and 'id="site-mofd"' in html


def test_the_board_links_each_site_to_its_page(scc_client, estate):
    html = scc_client.get("/").content.decode()
    for code in ("RWE-LRI", "RWE-GH", "RT5-CCH"):
        assert f'href="/sites/{code}/"' in html


# --------------------------------------------------------------------------- header


def test_the_header_shows_opel_and_what_drove_it_the_sites_alerts_and_staleness(scc_client, estate):
    post_beds(worked_example(hours_ago(5)))
    make_alert(scope="RWE-LRI", rule="site_occupancy", severity="amber")
    make_alert(scope="RWE", rule="mofd_p1_p3", severity="amber")
    make_alert(scope="RWE-GH", rule="site_occupancy", severity="red")
    html = panel(scc_client, "header").content.decode()
    # 93.3% occupancy → level 2; escalation 1 of 30 open = 3.3% → level 2; no waits, no MOFD.
    assert "OPEL 2" in html
    driving = re.findall(r'<tr class="driving">\s*<th scope="row">(.*?)</th>', html)
    assert driving == ["Adult G&amp;A occupancy %", "Escalation beds as % of open adult G&amp;A"]
    assert "93.3%" in html and "no data" in html
    assert "RWE-LRI: site_occupancy amber" in html and "RWE: mofd_p1_p3 amber" in html
    assert "RWE-GH" not in html
    assert 'href="/alerts/#alert-' in html
    assert "stale (over 4 h)" in html and "status-amber stale-line" in html


def test_a_site_that_never_reported_says_so(scc_client, estate):
    html = panel(scc_client, "header").content.decode()
    assert "never reported" in html and "OPEL –" in html
    wards = panel(scc_client, "wards").content.decode()
    assert wards.count("No report") >= 3


# --------------------------------------------------------------------------- ambulances


def test_live_waits_are_highlighted_and_lost_hours_shown(scc_client, arrival, day_clock):  # noqa: F811
    now = day_clock
    arrival("RWE-LRI", now - timedelta(minutes=50))
    arrival("RWE-LRI", now - timedelta(minutes=35))
    arrival("RWE-LRI", now - timedelta(minutes=5))
    arrival("RWE-LRI", now - timedelta(minutes=90), handover_at=now - timedelta(minutes=30))
    arrival("RWE-GH", now - timedelta(minutes=70))
    html = panel(scc_client, "ambulances").content.decode()
    waiting = html.split("<h3>Waiting now</h3>")[1].split("<h3")[0]
    rows = re.findall(r'<tr class="wait-(\w+)">', waiting)
    assert rows == ["red", "amber", "ok"]  # longest wait first
    assert waiting.count("release to respond breached") == 1
    assert waiting.count("over 30 min") == 1
    assert 'Crews waiting now</dt><dd class="status-red">3</dd>' in html
    # Lost today: 45 (handed over at 60) + 35 + 20 + 0 accruing = 100 min = 1.67 h.
    assert "1.67 h" in html
    assert "Handed over today (1)" in html


def test_a_site_without_ambulances_says_so_and_has_no_lost_hours_chart(scc_client, estate):
    html = scc_client.get("/sites/RT5-CCH/").content.decode()
    assert "does not receive ambulances" in html
    assert "Lost handover hours" not in html
    # A community hospital has no adult G&A headline, and says so rather than "no data".
    assert html.count("This site has no adult G&amp;A wards.") == 2


# --------------------------------------------------------------------------- MOFD patients


def test_nhs_numbers_are_masked_for_scc_and_shown_in_full_to_managers(
    scc_client, manager_client, admin_client, estate
):
    post_mofd(
        "RWE",
        [
            patient("A1", days=25, pathway="P3"),
            patient("A2", days=8, pathway="P1", ward=None),
            patient("A3", days=1, pathway="P0"),
            patient("G1", site="RWE-GH", ward="GH-W15"),
        ],
    )
    masked = panel(scc_client, "mofd").content.decode()
    assert "943 *** **19" in masked and "943 476 5919" not in masked
    assert "MOFD patients (3)" in masked and "G1" not in masked
    assert "7+ days 2 · 21+ days 1" in masked
    assert "<strong>P3</strong> · Awaiting outcome" in masked
    assert "P1 capacity: awaiting home care" in masked and "NHS numbers masked" in masked
    assert re.search(r"status-red\"><span aria-hidden=\"true\">■</span> <span[^>]*>25<", masked)
    assert 'href="/discharge/?organisation=RWE"' in masked
    for client in (manager_client, admin_client):
        full = panel(client, "mofd").content.decode()
        assert "943 476 5919" in full and "*** **" not in full
        assert "NHS numbers masked" not in full


# --------------------------------------------------------------------------- trends


def test_trends_say_no_history_yet_before_any_data(scc_client, estate):
    html = panel(scc_client, "trends").content.decode()
    assert html.count("No history yet.") == 2
    assert "<svg" not in html


def test_trends_draw_occupancy_with_the_standard_and_lost_hours(
    scc_client,
    arrival,  # noqa: F811
    day_clock,
):
    post_beds(worked_example(hours_ago(30)))
    post_beds(sitrep("RWE-LRI", hours_ago(2), counts("LRI-W23", occupied=5, vacant=5)))
    now = day_clock
    arrival("RWE-LRI", now - timedelta(minutes=80), handover_at=now - timedelta(minutes=20))
    from apps.ambulance.services import handover_days_refresh
    from apps.core.localtime import local_date

    handover_days_refresh(days={local_date(now)}, now=now)
    html = panel(scc_client, "trends").content.decode()
    assert html.count('role="img"') == 2
    assert "92% standard" in html and 'class="chart-ref"' in html
    assert "latest 76.7%, highest 93.3%, lowest 76.7%" in html  # 23 of 30 after the counts
    assert "today 0.75" in html  # 60 min handover: 45 min lost
    assert '<div class="visually-hidden"><table>' in html  # the charts' data, for screen readers


# --------------------------------------------------------------------------- scale


def _estate_with(site_code: str, wards: int, beds_per_ward: int) -> dict:
    return {
        "system": {"code": "LLR", "name": "LLR", "population": 1020000},
        "organisations": [
            {"code": "RWE", "name": "UHL", "kind": "acute"},
            {"code": "RX9", "name": "EMAS", "kind": "ambulance"},
        ],
        "sites": [{"code": site_code, "name": site_code, "organisation": "RWE"}],
        "wards": [
            {
                "code": f"{site_code}-W{w:03d}",
                "site": site_code,
                "name": f"Ward {w}",
                "bed_type": "ga_adult" if w % 3 else "ga_paeds",
                "core_beds": beds_per_ward,
                "escalation_beds": 2,
            }
            for w in range(wards)
        ],
        "virtual_wards": [],
    }


def _load_and_report(site_code: str, wards: int, beds_per_ward: int) -> None:
    estate_load(document=_estate_with(site_code, wards, beds_per_ward))
    half = {f"B{i:02d}": "occupied" for i in range(1, beds_per_ward // 2)}
    items = [
        bed_list(f"{site_code}-W{w:03d}", beds_per_ward, half, E01="occupied")
        if w % 4
        else counts(f"{site_code}-W{w:03d}", occupied=3, vacant=1, closed=beds_per_ward - 4)
        for w in range(wards - 1)  # the last ward never reports
    ]
    post_beds(sitrep(site_code, hours_ago(1), *items))
    post_mofd("RWE", [patient(f"{site_code}-{i}", site=site_code, ward=None) for i in range(3)])


# 22: the list of EDs (apps/emergency) is one more; a site with an ED reads its figures too.
SITE_PAGE_QUERIES = 22


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_wards_or_beds(
    scc_client, django_assert_max_num_queries, monkeypatch
):
    make_alert(scope="RWE-SMALL")
    _load_and_report("RWE-SMALL", wards=3, beds_per_ward=4)
    _load_and_report("RWE-BIG", wards=40, beds_per_ward=34)  # 1,360 core beds + 80 escalation
    scc_client.get("/sites/RWE-SMALL/")  # reads the rules' thresholds, then held for 15 s
    # ...held for the rest of the test: on a loaded machine the big page can take longer than
    # 15 s, and the re-read would count as a query of the page.
    monkeypatch.setattr(escalation_selectors, "_thresholds", (float("inf"), rule_thresholds()))
    small = _queries(scc_client, "/sites/RWE-SMALL/")
    big = _queries(scc_client, "/sites/RWE-BIG/")
    # The 1,440-bed site asks what the 12-bed one asks, and that is pinned: a query more on
    # the site page is a decision, not a drift.
    assert small == big == SITE_PAGE_QUERIES
    # Each panel alone asks no more than the page.
    for name in ("header", "wards", "beds", "ambulances", "emergency", "mofd", "trends"):
        with django_assert_max_num_queries(small):
            panel(scc_client, name, code="RWE-BIG")


def test_the_thousand_bed_map_has_a_cell_per_bed(scc_client, db):
    _load_and_report("RWE-BIG", wards=40, beds_per_ward=34)
    html = panel(scc_client, "beds", code="RWE-BIG").content.decode()
    # Wards 0-38 report: every fourth counts, the other 29 a bed list (34 core + 2 escalation).
    assert html.count('<li class="bed ') == 29 * 36
    assert html.count("Counts only") == 10 and html.count("No report yet") == 1


# --------------------------------------------------------------------------- a bed


BED_URL = "/sites/RWE-LRI/wards/LRI-W22/beds/LRI-W22-B03/"


def test_a_beds_page_shows_its_status_and_every_change_newest_first(scc_client, estate):
    post_beds(sitrep("RWE-LRI", hours_ago(3), bed_list("LRI-W22", 20, {"B03": "occupied"})))
    post_beds(sitrep("RWE-LRI", hours_ago(2), bed_list("LRI-W22", 20, {"B03": "vacant"})))
    post_beds(sitrep("RWE-LRI", hours_ago(1), bed_list("LRI-W22", 20, {"B03": "closed"})))
    response = scc_client.get(BED_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bed LRI-W22-B03" in html and "<strong>Closed</strong> since" in html
    rows = re.findall(r"<tr>\s*<td.*?</tr>", html, re.DOTALL)
    # Newest first: vacant → closed, occupied → vacant, (new) → occupied.
    tos = [re.findall(r"<strong>(\w[\w ]*)</strong>", row)[0] for row in rows]
    assert tos == ["Closed", "Vacant", "Occupied"]
    assert all("RWE" in row and "API" in row for row in rows)


def test_the_bed_map_links_each_bed_to_its_page(scc_client, lri):
    html = panel(scc_client, "beds").content.decode()
    assert f'<a href="{BED_URL}"' in html
    assert scc_client.get(BED_URL).status_code == 200


def test_a_bed_known_only_by_counts_says_its_status_is_unknown(scc_client, lri):
    response = scc_client.get("/sites/RWE-LRI/wards/LRI-W23/beds/LRI-W23-B01/")
    assert response.status_code == 200
    assert "Status unknown" in response.content.decode()
    assert "No status change recorded" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/sites/RWE-GH/wards/LRI-W22/beds/LRI-W22-B03/",  # a ward of another site
        "/sites/RWE-LRI/wards/LRI-W22/beds/NOPE/",
        "/sites/RWE-LRI/wards/NOPE/beds/LRI-W22-B03/",
    ],
)
def test_a_bed_not_at_that_site_and_ward_is_404(scc_client, lri, url):
    assert scc_client.get(url).status_code == 404


def test_a_beds_page_asks_a_fixed_number_of_queries(scc_client, estate):
    for hours in range(6, 0, -1):
        statuses = {"B03": "occupied" if hours % 2 else "vacant"}
        post_beds(sitrep("RWE-LRI", hours_ago(hours), bed_list("LRI-W22", 20, statuses)))
    scc_client.get(BED_URL)
    with CaptureQueriesContext(connection) as ctx:
        assert scc_client.get(BED_URL).status_code == 200
    assert len(ctx.captured_queries) <= 5, [q["sql"][:80] for q in ctx.captured_queries]


def test_a_beds_page_needs_a_sign_in(client, lri):
    response = client.get(BED_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

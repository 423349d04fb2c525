import pytest

pytestmark = pytest.mark.django_db


def test_the_board_lists_the_sites_of_the_estate(scc_client, estate):
    body = scc_client.get("/api/v1/board/").json()
    assert [s["code"] for s in body["sites"]] == ["RT5-CCH", "RWE-GH", "RWE-LRI"]
    assert body["sites"][2] | {} == body["sites"][2]
    assert body["sites"][2]["organisation"] == "RWE"
    assert body["system"]["population"] == 1020000


def test_the_board_page_lists_the_sites(scc_client, estate):
    html = scc_client.get("/").content.decode()
    assert "Leicester Royal Infirmary" in html and "Coalville Community Hospital" in html


def test_hostile_names_are_escaped(scc_client, estate):
    from apps.beds.models import Site

    Site.objects.filter(code="RWE-GH").update(name="<script>alert(1)</script>")
    html = scc_client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_healthz_names_what_is_down(client, db, settings):
    settings.REDIS_URL = "unix:///nonexistent/redis.sock"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["down"] == ["redis"]


def test_the_schema_and_docs_are_served(scc_client):
    schema = scc_client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/board/" in schema.content
    assert scc_client.get("/api/v1/docs/").status_code == 200


def test_htmx_gets_only_the_panel_asked_for(scc_client, estate):
    response = scc_client.get("/?panel=site&code=RWE-LRI", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li id="site-RWE-LRI"')
    assert "Glenfield" not in html and "<html" not in html
    assert "HX-Request" in response["Vary"]
    system = scc_client.get("/?panel=system", HTTP_HX_REQUEST="true").content.decode()
    assert system.lstrip().startswith('<section id="system-strip"')


def test_an_unknown_site_panel_is_404(scc_client, estate):
    response = scc_client.get("/?panel=site&code=NOPE", HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_without_htmx_the_whole_page_comes_back(scc_client, estate):
    html = scc_client.get("/?panel=site&code=RWE-LRI").content.decode()
    assert "<html" in html and 'sse-connect="/board/events/"' in html


def test_the_board_carries_opel_and_alerts_from_the_same_figures(scc_client, key_client):
    from django.utils import timezone

    from apps.escalation.services import alerts_evaluate
    from tests.beds.factories import counts, hours_ago, sitrep

    client = key_client("RWE")
    body = sitrep("RWE-LRI", hours_ago(0.5), counts("LRI-W22", 20, 0), counts("LRI-W23", 10, 0))
    assert client.post("/api/v1/sitreps/beds/", body, format="json").status_code == 201
    alerts_evaluate(now=timezone.now())

    board = scc_client.get("/api/v1/board/").json()
    lri = next(s for s in board["sites"] if s["code"] == "RWE-LRI")
    assert lri["occupancy"]["pct"] == 100.0
    # Occupancy 100% → level 4; escalation beds 0% of open beds → level 1; (4 + 1) / 2 → 3.
    assert lri["opel"] == 3
    assert lri["open_alerts"] == 2
    assert sorted((a["rule"], a["scope"], a["severity"]) for a in board["alerts"]) == [
        ("site_occupancy", "RWE-LRI", "red"),
        ("site_opel", "RWE-LRI", "amber"),
    ]
    assert board["system"]["opel"] == 3
    html = scc_client.get("/").content.decode()
    assert "OPEL 3" in html and "100.0%" in html and "alert-red" in html


def test_the_board_query_count_does_not_grow_with_the_estate(scc_client, estate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.beds.estate import estate_load
    from tests.conftest import estate_with_extra_sites

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get(path).status_code == 200
        return len(ctx)

    scc_client.get("/")  # reads the rules' thresholds, then held for 15 s
    small = (count("/api/v1/board/"), count("/"))
    estate_load(document=estate_with_extra_sites(20))
    scc_client.get("/")  # the held thresholds may have expired meanwhile on a busy machine
    assert (count("/api/v1/board/"), count("/")) == small


def test_the_board_lists_the_crews_waiting_longest_first(scc_client, estate):
    from datetime import timedelta

    from django.utils import timezone

    from apps.beds.models import Organisation
    from apps.sitreps.services import sitrep_ingest

    now = timezone.now()

    def arrival(incident, site, minutes_ago, handover=False):
        arrived = now - timedelta(minutes=minutes_ago)
        return {
            "incident": incident,
            "site": site,
            "category": 2,
            "arrived_at": arrived.isoformat(),
            "handover_at": (arrived + timedelta(minutes=5)).isoformat() if handover else None,
            "cleared_at": None,
        }

    result = sitrep_ingest(
        kind="handovers",
        body={
            "handovers": [
                arrival("RX9-1", "RWE-LRI", 20),
                arrival("RX9-2", "RWE-GH", 50),
                arrival("RX9-3", "RWE-LRI", 70, handover=True),  # handed over: not waiting
            ]
        },
        organisation=Organisation.objects.get(code="RX9"),
    )
    assert result.status == 201, result.body
    panel = scc_client.get("/?panel=crews", HTTP_HX_REQUEST="true").content.decode()
    assert panel.index("RX9-2") < panel.index("RX9-1") and "RX9-3" not in panel
    assert "50 min" in panel and "status-red" in panel  # over 45: release to respond
    assert "Crews waiting now" in scc_client.get("/").content.decode()

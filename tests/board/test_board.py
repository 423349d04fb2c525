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

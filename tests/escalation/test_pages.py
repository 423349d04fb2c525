import pytest
from django.test import Client

from apps.escalation.models import Alert

from .factories import make_alert

pytestmark = pytest.mark.django_db


def test_the_page_shows_open_alerts_with_severity_in_words_and_a_form(scc_client, estate):
    red = make_alert(scope="RWE-LRI", severity="red")
    make_alert(rule="ambulance_wait", scope="RWE-GH", severity="amber", raised_min=5)
    make_alert(rule="stale_bed_sitrep", scope="RT5-CCH", raised_min=-90, closed_min=-10)
    response = scc_client.get("/alerts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span aria-hidden="true">■</span> Red' in html
    assert '<span aria-hidden="true">▲</span> Amber' in html
    assert f'action="/alerts/{red.pk}/acknowledge/"' in html
    assert f'hx-post="/alerts/{red.pk}/acknowledge/"' in html
    assert "csrfmiddlewaretoken" in html and '<textarea id="note-' in html
    assert "Open alerts (2)" in html and "Recently closed" in html
    assert "RT5-CCH: stale_bed_sitrep" in html
    # Red first on the page, although the amber one is newer.
    assert html.index("RWE-LRI: site_occupancy") < html.index("RWE-GH: ambulance_wait")


def test_the_page_shows_each_sites_opel(scc_client, estate):
    html = scc_client.get("/alerts/").content.decode()
    assert "OPEL by site" in html and "RWE-LRI" in html and "no data" in html


def test_a_plain_form_post_acknowledges_and_redirects(scc_client, estate):
    alert = make_alert()
    response = scc_client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "Called site."})
    assert response.status_code == 302 and response["Location"] == "/alerts/"
    alert.refresh_from_db()
    assert alert.acknowledged_by == scc_client.user and alert.acknowledgement_note == "Called site."
    html = scc_client.get("/alerts/").content.decode()
    assert "Acknowledged by <strong>scc-user</strong>" in html and "Called site." in html


def test_htmx_gets_only_the_row_back(scc_client, estate):
    alert = make_alert()
    response = scc_client.post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "Called site."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="alert-{alert.pk}"') and "<html" not in html
    assert "Acknowledged by <strong>scc-user</strong>" in html
    assert "HX-Request" in response["Vary"]


def test_an_empty_note_shows_an_error(scc_client, estate):
    alert = make_alert()
    response = scc_client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": " "})
    assert response.status_code == 400
    assert "Say what was done about the alert." in response.content.decode()
    htmx = scc_client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": ""}, HTTP_HX_REQUEST="true")
    assert 'aria-invalid="true"' in htmx.content.decode()
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_a_closed_alert_says_so(scc_client, estate):
    alert = make_alert(closed_min=5)
    response = scc_client.post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "late"}, HTTP_HX_REQUEST="true"
    )
    assert "This alert has closed" in response.content.decode()


def test_the_form_needs_its_csrf_token(scc_client, estate):
    alert = make_alert()
    client = Client(enforce_csrf_checks=True)
    client.force_login(scc_client.user)
    assert client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(estate):
    response = Client().get("/alerts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_hostile_text_is_escaped(scc_client, estate):
    alert = make_alert()
    scc_client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "<script>x()</script>"})
    html = scc_client.get("/alerts/").content.decode()
    assert "<script>x()</script>" not in html and "&lt;script&gt;" in html

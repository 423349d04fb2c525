"""Errors Django answers before DRF sees the request are JSON under /api/, pages elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_api_url_that_matches_nothing_is_a_json_404(key_client, estate):
    response = key_client("RWE").post("/api/v1/actions/abc/done/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found: /api/v1/actions/abc/done/"}


def test_a_page_url_that_matches_nothing_is_still_the_404_page(scc_client):
    response = scc_client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_an_api_body_over_the_limit_is_a_json_413_and_nothing_is_written(key_client, estate):
    from apps.sitreps.models import Submission

    body = b'{"as_at": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = key_client("RWE").post(
        "/api/v1/sitreps/beds/", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "larger than the 2.5 MB allowed" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_the_icon_is_linked_from_the_pages_and_favicon_ico_finds_it(client, scc_client):
    response = client.get("/favicon.ico")  # no session needed: browsers ask before sign-in
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    html = scc_client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html

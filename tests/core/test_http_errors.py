"""Errors Django answers before DRF sees the request are JSON under /api/, pages elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_api_url_that_matches_nothing_is_a_json_404(key_client, estate):
    response = key_client("RWE").post("/api/v1/actions/abc/done/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found: /api/v1/actions/abc/done/"}


def test_an_api_post_without_its_trailing_slash_is_a_json_404_naming_the_url(key_client, estate):
    """Not Django's APPEND_SLASH 301 (an HTML body, and the POST body lost by the redirect)."""
    from apps.sitreps.models import Submission

    response = key_client("RWE").post("/api/v1/sitreps/beds", {}, format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Not found: /api/v1/sitreps/beds; did you mean /api/v1/sitreps/beds/?"
    }
    assert not Submission.objects.exists()
    get = key_client("RWE").get("/api/v1/sites/RWE-LRI")
    assert get.status_code == 404 and "did you mean /api/v1/sites/RWE-LRI/?" in get.json()["detail"]


def test_an_api_path_that_matches_nothing_even_with_a_slash_gets_no_hint(key_client, estate):
    response = key_client("RWE").get("/api/v1/nothing-here")
    assert response.json() == {"detail": "Not found: /api/v1/nothing-here"}


def test_a_page_without_its_trailing_slash_is_still_redirected(scc_client):
    response = scc_client.get("/accounts/login")
    assert response.status_code == 301 and response["Location"] == "/accounts/login/"


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


def test_a_body_over_the_limit_is_logged_as_one_warning_line(key_client, estate, caplog):
    body = b'{"as_at": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    with caplog.at_level("INFO", logger="django.security"):
        key_client("RWE").post("/api/v1/sitreps/beds/", data=body, content_type="application/json")
    (record,) = [r for r in caplog.records if r.name == "django.security.RequestDataTooBig"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage() == (
        "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE. (POST /api/v1/sitreps/beds/)"
    )


def test_the_one_line_filter_shapes_a_record_once_if_attached_twice():
    import logging

    from apps.core.logging import OneLineWarning

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Too big.", (), None)
    record.request = type("R", (), {"method": "POST", "path": "/api/v1/sitreps/beds/"})()
    assert OneLineWarning().filter(record) and OneLineWarning().filter(record)
    assert record.getMessage() == "Too big. (POST /api/v1/sitreps/beds/)"
    assert record.levelname == "WARNING"

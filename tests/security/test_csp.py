"""Content-Security-Policy on every response; the API docs work offline under it."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.accounts.middleware import csp_header_value

pytestmark = pytest.mark.django_db

EXPECTED = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


@pytest.mark.parametrize("path", ["/", "/alerts/", "/discharge/", "/api/v1/board/"])
def test_it_sends_the_policy_on_pages_and_the_api(scc_client, estate, path):
    response = scc_client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED


def test_it_sends_the_policy_on_the_sign_in_page_and_redirects(db):
    client = APIClient()
    assert client.get("/accounts/login/")["Content-Security-Policy"] == EXPECTED
    assert client.get("/")["Content-Security-Policy"] == EXPECTED


def test_the_policy_comes_from_settings_and_can_be_report_only(db):
    policy = {"default-src": ["'none'"], "upgrade-insecure-requests": []}
    with override_settings(SCC_CSP=policy, SCC_CSP_REPORT_ONLY=True):
        response = APIClient().get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == (
        "default-src 'none'; upgrade-insecure-requests"
    )
    assert csp_header_value(policy) == "default-src 'none'; upgrade-insecure-requests"


def test_pages_carry_no_inline_script(scc_client, estate):
    pages = [(scc_client, p) for p in ("/", "/alerts/", "/discharge/", "/virtual-wards/")]
    for client, path in [*pages, (APIClient(), "/accounts/login/")]:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert '"includeIndicatorStyles": false' in html


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(db):
    client = APIClient()
    html = client.get("/api/v1/docs/").content.decode()
    assert "cdn" not in html.lower() and "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        if "?" in asset:  # the start-up script, served as a file for script-src 'self'
            assert response["Content-Type"].startswith("application/javascript")
            assert "SwaggerUIBundle" in response.content.decode()

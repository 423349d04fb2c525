"""Content-Security-Policy on every response; the API docs work offline under it."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, str]:
    """A policy as ``{directive: sources}``: the order of directives carries no meaning."""
    parts = (part.strip().split(" ", 1) for part in header.split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


EXPECTED = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


@pytest.mark.parametrize("path", ["/", "/alerts/", "/discharge/", "/api/v1/board/"])
def test_it_sends_the_policy_on_pages_and_the_api(scc_client, estate, path):
    response = scc_client.get(path)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(EXPECTED)


def test_it_sends_the_policy_on_the_sign_in_page_and_redirects(db):
    client = APIClient()
    for path in ("/accounts/login/", "/"):
        assert directives(client.get(path)["Content-Security-Policy"]) == directives(EXPECTED)


def test_the_policy_comes_from_settings_and_can_be_report_only(db):
    policy = {"DIRECTIVES": {"default-src": ["'none'"], "upgrade-insecure-requests": True}}
    with override_settings(
        CONTENT_SECURITY_POLICY=None, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        response = APIClient().get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert directives(response["Content-Security-Policy-Report-Only"]) == {
        "default-src": "'none'",
        "upgrade-insecure-requests": "",
    }


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

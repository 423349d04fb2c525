"""Every page, the admin and the API docs run in Chromium with no CSP violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium, live, login  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LISTEN = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push("
    "e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
)


def visit(page, url: str) -> list[str]:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(url)
    page.wait_for_timeout(1000)
    violations = page.evaluate("window.__csp")
    return violations + [m for m in console if "Content Security Policy" in m]


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("scc", ["/", "/alerts/", "/discharge/", "/virtual-wards/", "/sites/RWE-LRI/"]),
        ("manager", ["/s1/2026-11-23/"]),
    ],
)
def test_pages_run_without_csp_violations(chromium, live, username, paths):  # noqa: F811
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN)
    login(page, live, username=username, password=f"{username}-demo-pass")
    for path in paths:
        assert visit(page, f"{live.url}{path}") == [], path
    context.close()


def test_the_api_docs_render_offline_without_csp_violations(chromium, live):  # noqa: F811
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live.url) else None,
    )
    page.goto(f"{live.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() >= 10
    assert page.evaluate("window.__csp") == []
    assert [u for u in outside if not u.startswith("data:")] == []
    context.close()


def test_the_admin_runs_without_csp_violations(chromium, live):  # noqa: F811
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN)
    page.goto(f"{live.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin-demo-pass")
    page.click("[type=submit]")
    page.wait_for_url(f"{live.url}/admin/")
    for path in ("/admin/", "/admin/accounts/apikey/", "/admin/accounts/user/add/"):
        assert visit(page, f"{live.url}{path}") == [], path
    context.close()

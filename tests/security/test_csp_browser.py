"""Every page, the admin and the API docs run in Chromium with no CSP violation.

Playwright's sync API runs on a thread of its own here: tests/browser holds a session-wide
Playwright on the main thread, and two cannot share one thread.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.conftest import CHROMIUM_FLAGS, chromium_path
from tests.e2e.conftest import serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LISTEN = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push("
    "e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
)


class Browser:
    """A Chromium owned by one worker thread; ``run(fn)`` calls ``fn(browser)`` there."""

    def __init__(self, path: str):
        self.path = path
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.local = threading.local()

    def _browser(self):
        if not hasattr(self.local, "browser"):
            from playwright.sync_api import sync_playwright

            self.local.playwright = sync_playwright().start()
            self.local.browser = self.local.playwright.chromium.launch(
                executable_path=self.path, args=CHROMIUM_FLAGS
            )
        return self.local.browser

    def run(self, fn):
        return self.pool.submit(lambda: fn(self._browser())).result(timeout=180)

    def close(self):
        def stop():
            if hasattr(self.local, "browser"):
                self.local.browser.close()
                self.local.playwright.stop()

        self.pool.submit(stop).result(timeout=60)
        self.pool.shutdown()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("SCC_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed")
    instance = Browser(path)
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    instance = serve(tmp_path_factory.mktemp("csp"))
    yield instance
    instance.stop()


def violations_on(browser, base: str, *, login: tuple[str, str], login_path: str, paths):
    """{path: [violations]} for each path, signed in as ``login``."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(f"{base}{login_path}")
    page.fill("#id_username", login[0])
    page.fill("#id_password", login[1])
    page.click("[type=submit]")
    page.wait_for_load_state("load")
    found = {}
    for path in paths:
        console.clear()
        page.goto(f"{base}{path}")
        page.wait_for_timeout(1000)
        found[path] = page.evaluate("window.__csp") + [
            m for m in console if "Content Security Policy" in m
        ]
    context.close()
    return found


@pytest.mark.parametrize(
    ("username", "login_path", "paths"),
    [
        (
            "scc",
            "/accounts/login/",
            ["/", "/alerts/", "/discharge/", "/virtual-wards/", "/sites/RWE-LRI/"],
        ),
        ("manager", "/accounts/login/", ["/s1/2026-11-23/"]),
        (
            "admin",
            "/admin/login/",
            ["/admin/", "/admin/accounts/apikey/", "/admin/accounts/user/add/"],
        ),
    ],
)
def test_pages_run_without_csp_violations(browser, live, username, login_path, paths):
    found = browser.run(
        lambda b: violations_on(
            b,
            live.url,
            login=(username, f"{username}-demo-pass"),
            login_path=login_path,
            paths=paths,
        )
    )
    assert found == {path: [] for path in paths}


def test_the_api_docs_render_offline_without_csp_violations(browser, live):
    def check(b):
        context = b.new_context()
        page = context.new_page()
        page.add_init_script(LISTEN)
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(live.url) else outside.append(r.url))
        page.goto(f"{live.url}/api/v1/docs/")
        page.wait_for_selector(".opblock", timeout=20000)
        result = page.locator(".opblock").count(), page.evaluate("window.__csp"), outside
        context.close()
        return result

    operations, violations, outside = browser.run(check)
    assert operations >= 10
    assert violations == []
    assert [u for u in outside if not u.startswith("data:")] == []


def test_the_listener_does_see_a_violation(browser, live):
    """The check can fail: an inline script injected into a page is reported."""

    def check(b):
        context = b.new_context()
        page = context.new_page()
        page.add_init_script(LISTEN)
        page.goto(f"{live.url}/accounts/login/")
        page.evaluate(
            "document.body.appendChild(Object.assign(document.createElement('script'),"
            " {textContent: 'window.__ran = 1'}))"
        )
        page.wait_for_timeout(300)
        result = page.evaluate("[window.__csp, window.__ran === 1]")
        context.close()
        return result

    violations, ran = browser.run(check)
    assert not ran
    assert any(v.startswith("script-src") for v in violations)

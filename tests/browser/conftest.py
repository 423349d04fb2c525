"""Headless Chromium (Debian's package) driven by Playwright against a real `serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.e2e.conftest import Served, serve

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        message = (
            "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        )
        if os.environ.get("SCC_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Served:
    """The demo, served for real: web (uvicorn), worker, beat and the simulator."""
    instance = serve(tmp_path_factory.mktemp("browser"))
    yield instance
    instance.stop()


def manage(instance: Served, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SCC_DATA_DIR=str(instance.data_dir), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return result.stdout.strip()


def login(page, instance: Served, username: str = "scc", password: str = "scc-demo-pass"):
    page.goto(f"{instance.url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{instance.url}/")

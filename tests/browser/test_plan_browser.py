"""The operating plan page and the discharge timeliness section, in headless Chromium at the
three widths the product supports; screenshots kept for review."""

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import Served, serve

from .conftest import login

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS = (1920, 1366, 390)
SHOTS = Path(os.environ.get("SCC_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Served:
    """The demo with the plan's seeded history (off by default in the served tests)."""
    instance = serve(tmp_path_factory.mktemp("plan"), extra_env={"SCC_DEMO_HISTORY": "1"})
    yield instance
    instance.stop()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_plan_page_at_each_width(chromium, live, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": 1000})
    login(page, live, "manager", "manager-demo-pass")
    page.goto(f"{live.url}/plan/?month=2026-11")
    assert page.locator("h1").inner_text() == "Operating plan"
    rows = page.locator(".plan-table tbody tr")
    assert rows.count() >= 8  # the demo plan: eight metric and scope rows
    # The seeded demo history gives past months figures: some met, some missed.
    assert page.locator(".plan-table td.met").count() > 0
    assert page.locator(".plan-table td.missed").count() > 0
    assert page.locator(".plan-demo").is_visible()
    assert page.locator("#plan-charts-heading ~ .plan-charts svg.chart").count() == 6
    assert page.locator("a[href^='/exports/plan.xlsx']").is_visible()
    assert _no_sideways_scroll(page), "the page scrolls sideways"
    page.screenshot(path=str(SHOTS / f"plan-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_discharge_timeliness_at_each_width(chromium, live, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": 1000})
    login(page, live)
    page.goto(f"{live.url}/discharge/#timeliness")
    section = page.locator("#timeliness")
    assert section.locator("table.timeliness tfoot th").inner_text() == "All organisations"
    assert section.locator("svg.chart").count() == 3
    assert _no_sideways_scroll(page), "the page scrolls sideways"
    section.screenshot(path=str(SHOTS / f"discharge-timeliness-{width}.png"))
    page.close()

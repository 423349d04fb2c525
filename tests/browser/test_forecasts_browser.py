"""The forecasts page in headless Chromium, against the demo as `make run` serves it."""

import os
import time

import pytest

from .conftest import login
from .layout import LAYOUT_PROBLEMS_JS

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _wait_for_forecasts(page, url: str, timeout_s: float = 300) -> None:
    """The worker fits the demo's forecasts after start; reload until the charts are there."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.goto(url)
        if page.locator("#fc-ga_occupied_midday .chart-band95").count():
            return
        assert time.monotonic() < deadline, "the worker did not fit the demo forecasts"
        time.sleep(3)


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768), (390, 844)])
def test_the_forecasts_page_shows_fan_charts_and_fits_the_window(chromium, live, width, height):
    page = chromium.new_page(viewport={"width": width, "height": height})
    login(page, live)
    _wait_for_forecasts(page, f"{live.url}/forecasts/?scope=RWE-LRI")
    for series in ("ed_attendances", "emergency_admissions", "ga_occupied_midday"):
        panel = page.locator(f"#fc-{series}")
        assert panel.locator("svg.chart path.chart-band50").count() == 1
        assert panel.locator("svg.chart path.chart-mean").count() == 1
        assert panel.locator("svg.chart path.chart-line").count() == 1
    assert page.locator("table.fc-backtest tbody tr").count() == 3
    assert page.locator("table.fc-outlook tbody tr").count() >= 13
    shots = os.environ.get("SCC_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/forecasts-{width}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"/forecasts/ is {overflow}px wider than a {width}px window"
    # The scope picker works without JavaScript: a plain GET form.
    page.select_option("#fc-scope", "system")
    page.click(".fc-scope button")
    page.wait_for_url(f"{live.url}/forecasts/?scope=system")
    assert page.locator("#fc-ga_occupied_midday .chart-band95").count() == 1
    page.close()


def test_the_board_shows_the_next_7_days(chromium, live):
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    login(page, live)
    _wait_for_forecasts(page, f"{live.url}/forecasts/")
    page.goto(f"{live.url}/")
    assert page.locator(".forecast-strip li").count() == 7
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shots = os.environ.get("SCC_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/board-strip.png")
    page.close()


def test_the_next_7_days_fit_a_phone(chromium, live):
    """At 390 px the seven days wrap onto rows; no day's figure spills out of its box."""
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    login(page, live)
    _wait_for_forecasts(page, f"{live.url}/forecasts/")
    page.goto(f"{live.url}/")
    assert page.locator(".forecast-strip li").count() == 7
    problems = page.evaluate(LAYOUT_PROBLEMS_JS)
    assert problems == []
    page.close()

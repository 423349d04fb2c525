"""The S1 by day in Chromium: today's, the day before, the date picker, a day with no lists."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import login

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_s1_navigation_by_day(chromium, live):
    today = datetime.now(ZoneInfo("Europe/London")).date()
    yesterday = today - timedelta(days=1)
    page = chromium.new_page()
    login(page, live, "manager", "manager-demo-pass")
    page.click("nav[aria-label=Main] >> text=S1")
    page.wait_for_url(f"{live.url}/s1/{today.isoformat()}/")
    assert page.locator("#s1-state").get_attribute("data-state") == "live"
    assert page.locator("#s1-next").count() == 0  # tomorrow has no S1

    page.click("#s1-previous")
    page.wait_for_url(f"{live.url}/s1/{yesterday.isoformat()}/")
    assert page.locator("#s1-state").get_attribute("data-state") in ("frozen", "not_frozen")
    assert "Live" not in page.locator("#s1-state").inner_text()
    page.click("#s1-next")
    page.wait_for_url(f"{live.url}/s1/{today.isoformat()}/")

    # The date picker: a day long before the demo's first list says so for every organisation.
    page.fill("input[type=date]", date(2020, 1, 6).isoformat())
    page.click("text=Show")
    page.wait_for_url(f"{live.url}/s1/2020-01-06/")
    rows = page.locator("table.s1 tbody tr")
    assert rows.count() >= 3
    for i in range(rows.count()):
        assert "No list received" in rows.nth(i).inner_text()
    assert page.locator("#s1-next").get_attribute("href") == "/s1/2020-01-07/"

    # A day after today: no S1, no projection.
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = page.goto(f"{live.url}/s1/{tomorrow}/")
    assert response.status == 404
    page.close()

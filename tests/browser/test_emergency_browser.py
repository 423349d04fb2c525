"""The front door as SCC staff meet it, in headless Chromium, fed by the demo simulator."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from .conftest import login, manage

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROW = "table.ed-now tbody tr th a"


@pytest.fixture(scope="module")
def stale_attendance(live):
    """An LRI attendance still open 8 days after arrival, posted as UHL: listed, not counted."""
    key = manage(live, "create_api_key", "RWE", "--name", "emergency page test")
    arrived = datetime.now(UTC).replace(microsecond=0) - timedelta(days=8)
    item = {"attendance": "BROWSER-STALE-1", "site": "RWE-LRI", "department_type": 1,
            "arrived_at": arrived.isoformat()}  # fmt: skip
    response = httpx.post(
        f"{live.url}/api/v1/sitreps/emergency/",
        json={"attendances": [item]},
        headers={"Authorization": f"Api-Key {key}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768), (390, 844)])
def test_the_emergency_page_shows_lri_and_fits_the_window(
    chromium, live, stale_attendance, width, height
):
    page = chromium.new_page(viewport={"width": width, "height": height})
    login(page, live)
    # The simulator backfills LRI's ED at start: the row appears within a minute of serving,
    # its trend once the worker has recomputed the days (about a second later).
    for _ in range(12):
        page.goto(f"{live.url}/emergency/")
        if page.locator(ROW).count() and page.locator("svg.chart").count():
            break
        page.wait_for_timeout(5000)
    assert page.locator(ROW).first.inner_text() == "Leicester Royal Infirmary"
    in_department = int(page.locator("table.ed-now tbody tr td").first.inner_text())
    assert in_department > 0
    assert page.locator("svg.chart").count() >= 2
    assert "76% standard" in page.locator("svg.chart").first.inner_html()
    stale = page.locator("#ed-stale")
    assert "Leicester Royal Infirmary" in stale.inner_text() and "1 open" in stale.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"/emergency/ is {overflow}px wider than a {width}px window"
    # The site's ED, beside its vacant beds, one click away.
    page.locator(ROW).first.click()
    page.wait_for_selector("#site-emergency")
    text = page.locator("#site-emergency").inner_text()
    assert "Awaiting a bed" in text and "Adult G&A beds vacant" in text
    page.close()

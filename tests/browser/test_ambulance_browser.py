"""The /ambulance/ page in headless Chromium, with the demo's EMAS posting incidents."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from .conftest import login, manage

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def responded_today(live):
    """Two responses in each category within today, posted as EMAS: the demo's backfill
    covers the day so far, which just after midnight holds no completed response yet."""
    key = manage(live, "create_api_key", "RX9", "--name", "ambulance page test")
    now = datetime.now(UTC).replace(microsecond=0)
    midnight = datetime.now(ZoneInfo("Europe/London")).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = max(midnight.astimezone(UTC) + timedelta(seconds=1), now - timedelta(minutes=3))
    incidents = [
        {
            "incident": f"BROWSER-C{category}-{i}",
            "category": category,
            "call_connected_at": start.isoformat(),
            "identified_at": start.isoformat(),
            "dispatched_at": start.isoformat(),
            "at_scene_at": (start + timedelta(seconds=60 * (i + 1))).isoformat(),
            "stood_down_at": None,
        }
        for category in (1, 2, 3, 4)
        for i in range(2)
    ]
    response = httpx.post(
        f"{live.url}/api/v1/sitreps/incidents/",
        json={"incidents": incidents},
        headers={"Authorization": f"Api-Key {key}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768), (390, 844)])
def test_the_ambulance_page_shows_response_today_and_fits_the_window(
    chromium, live, responded_today, width, height, tmp_path
):
    page = chromium.new_page(viewport={"width": width, "height": height})
    login(page, live)
    page.goto(f"{live.url}/ambulance/")
    # The simulator backfills EMAS's day so far at start; reload until it has arrived.
    for _ in range(30):
        if page.locator("#cat-2 td.num").first.inner_text() not in ("", "0"):
            break
        page.wait_for_timeout(1000)
        page.reload()
    c2 = page.locator("#cat-2")
    assert int(c2.locator("td.num").first.inner_text()) > 0
    assert ":" in c2.locator("td.num").nth(1).inner_text()  # the mean, m:ss
    assert "ambition" in c2.inner_text()
    assert page.locator("svg.chart").count() == 3
    assert page.locator("#reap-heading").is_visible()
    assert page.locator("#handovers-heading").is_visible()
    out = Path(os.environ.get("SCC_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"ambulance-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"/ambulance/ is {overflow}px wider than a {width}px window"
    # The board's strip has the C2 tile, linking here.
    page.goto(f"{live.url}/")
    tile = page.locator("#system-strip .kpi", has_text="C2 mean response today")
    assert tile.is_visible()
    page.screenshot(path=str(out / f"board-{width}.png"))
    page.close()

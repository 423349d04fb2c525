"""The board as SCC staff meet it, in headless Chromium."""

import json
from pathlib import Path

import pytest

from .conftest import login, manage

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_staff_sign_in_and_see_the_demo_sites(chromium, live):
    page = chromium.new_page()
    login(page, live)
    tiles = page.locator(".tiles > li h3")
    names = tiles.all_inner_texts()
    assert "Leicester Royal Infirmary" in names and "Glenfield Hospital" in names
    assert page.locator("#system-strip").is_visible()
    page.close()


def test_hostile_names_from_the_estate_are_shown_escaped(chromium, live, tmp_path):
    hostile = "<img src=x onerror=\"document.title='pwned'\">Evil"
    estate = {
        "system": {
            "code": "LLR",
            "name": "Leicester, Leicestershire and Rutland",
            "population": 1020000,
        },
        "organisations": [{"code": "RWE", "name": "UHL", "kind": "acute"}],
        "sites": [{"code": "RWE-EVIL", "name": hostile, "organisation": "RWE"}],
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(estate))
    manage(live, "load_estate", str(path))
    page = chromium.new_page()
    login(page, live)
    assert page.locator("#site-RWE-EVIL h3").inner_text() == hostile
    assert page.title() != "pwned"
    page.close()


@pytest.fixture(scope="module")
def quiet(tmp_path_factory):
    """The demo estate and logins with no simulator, so only this test's sitreps move it."""
    from tests.e2e.conftest import serve

    instance = serve(tmp_path_factory.mktemp("quiet"), extra_env={"SCC_SIMULATOR": "0"})
    yield instance
    instance.stop()


def _full_lgh_sitrep() -> dict:
    from datetime import UTC, datetime

    from django.conf import settings

    estate = json.loads((settings.BASE_DIR / "demo" / "llr_estate.json").read_text())
    wards = [w for w in estate["wards"] if w["site"] == "RWE-LGH" and w["bed_type"] == "ga_adult"]
    return {
        "site": "RWE-LGH",
        "as_at": datetime.now(UTC).isoformat(),
        "wards": [
            {
                "ward": w["code"],
                "counts": {
                    "occupied": w["core_beds"],
                    "vacant": 0,
                    "closed": 0,
                    "escalation_open": 0,
                },
            }
            for w in wards
        ],
    }


def test_a_posted_sitrep_reaches_an_open_board_without_a_reload(chromium, quiet):
    import time

    import httpx

    key = manage(quiet, "create_api_key", "RWE", "--name", "browser test")
    page = chromium.new_page()
    login(page, quiet)
    tile = page.locator("#site-RWE-LGH")
    assert "100.0%" not in tile.inner_text()
    page.evaluate("window.__notReloaded = true")
    response = httpx.post(
        f"{quiet.url}/api/v1/sitreps/beds/",
        json=_full_lgh_sitrep(),
        headers={"Authorization": f"Api-Key {key}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    posted = time.monotonic()
    page.wait_for_selector("#site-RWE-LGH:has-text('100.0%')", timeout=3000)
    assert time.monotonic() - posted < 3
    assert page.evaluate("window.__notReloaded") is True  # swapped in place, not reloaded

    # The sitrep put the site at 100%: the red alert appears and is acknowledged from the board.
    page.wait_for_selector("#alerts-banner .alert-red", timeout=30000)
    alert = page.locator("#alerts-banner li.alert-red").filter(has_text="RWE-LGH").first
    alert.locator("summary").click()
    alert.locator("input[name=note]").fill("Bed meeting called; two discharges brought forward")
    alert.locator("button[type=submit]").click()
    page.wait_for_selector("#alerts-banner .ack", timeout=5000)
    assert "acknowledged by scc" in page.locator("#alerts-banner").inner_text()
    page.close()


def test_a_manager_downloads_the_s1_csv(chromium, quiet):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Europe/London")).date()
    page = chromium.new_page(accept_downloads=True)
    login(page, quiet, "manager", "manager-demo-pass")
    page.goto(f"{quiet.url}/s1/{today.isoformat()}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "organisation,name,total,planned_today,future_plan,awaiting_outcome,"
        "P0,P1,P2,P3,lost_discharges,days_7_plus,days_21_plus"
    )
    assert text.splitlines()[-1].startswith("TOTAL,")
    page.close()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 800)])
def test_board_and_site_pages_fit_the_window_and_a_bed_opens_its_history(
    chromium, live, width, height
):
    page = chromium.new_page(viewport={"width": width, "height": height})
    login(page, live)
    for path in ("/", "/sites/RWE-LRI/"):
        page.goto(f"{live.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px window"
    # The simulator reports LRI's Ward 15 as a bed list: each bed links to its history.
    page.wait_for_selector("#site-bed-map ul.beds li a", timeout=30000)
    first = page.locator("#site-bed-map ul.beds li a").first
    code = first.get_attribute("aria-label").split(":")[0]
    first.click()
    page.wait_for_selector("#bed-title")
    assert page.locator("#bed-title").inner_text().startswith(f"Bed {code}")
    assert page.locator("table.data tbody tr").count() >= 1  # at least the report that set it
    page.close()

"""The board in daily use, in headless Chromium: the session ending under an open board, and a
live update arriving while someone types an acknowledgement."""

import json
import os
import re
from pathlib import Path

import httpx
import pytest

from .conftest import login, manage

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def quiet(tmp_path_factory):
    """The demo estate and logins with no simulator, so only this module's sitreps move it; an
    open event stream looks its session up every 2 s."""
    from tests.e2e.conftest import serve

    instance = serve(
        tmp_path_factory.mktemp("daily"),
        extra_env={"SCC_SIMULATOR": "0", "SCC_EVENTS_SESSION_CHECK_S": "2"},
    )
    yield instance
    instance.stop()


def _full_site_sitrep(site: str) -> dict:
    from datetime import UTC, datetime

    from django.conf import settings

    estate = json.loads((settings.BASE_DIR / "demo" / "llr_estate.json").read_text())
    wards = [w for w in estate["wards"] if w["site"] == site and w["bed_type"] == "ga_adult"]
    return {
        "site": site,
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


def _post(instance, key, body):
    response = httpx.post(
        f"{instance.url}/api/v1/sitreps/beds/",
        json=body,
        headers={"Authorization": f"Api-Key {key}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text


def test_signing_out_in_another_tab_stops_the_board_and_says_so(chromium, quiet):
    context = chromium.new_context()
    board = context.new_page()
    login(board, quiet)
    board.wait_for_selector("#live-status:has-text('Live')")
    other = context.new_page()
    other.goto(f"{quiet.url}/alerts/")
    other.get_by_role("button", name="Sign out").click()
    other.close()

    # The open event stream notices at its next session check (2 s here).
    board.wait_for_selector("#session-expired:not([hidden])", timeout=10000)
    assert "Signed out — sign in again" in board.locator("#session-expired").inner_text()
    assert "Signed out" in board.locator("#live-status").inner_text()
    # A panel refresh now gets 401 and swaps nothing: no login form inside the board.
    board.evaluate("htmx.trigger(document.body, 'poll')")
    board.wait_for_timeout(500)
    assert board.locator("#board input[type=password]").count() == 0
    assert board.locator("#board form.login, #board #id_username").count() == 0
    assert board.locator("#site-tiles .tile").count() > 0  # the last figures stay
    link = board.locator("#session-expired a")
    assert link.get_attribute("href").startswith("/accounts/login/?next=")
    context.close()


def test_an_htmx_refresh_after_the_session_expired_shows_the_message(chromium, quiet):
    """The stream is down (as behind a proxy that drops it): the 15 s polling hits the 401."""
    context = chromium.new_context()
    page = context.new_page()
    login(page, quiet)
    context.clear_cookies()  # the session cookie is gone, as when it expires
    page.evaluate("htmx.trigger(document.body, 'poll')")
    page.wait_for_selector("#session-expired:not([hidden])", timeout=10000)
    assert page.locator("#board input[type=password]").count() == 0
    context.close()


def test_an_open_acknowledge_form_with_typed_text_survives_a_live_update(chromium, quiet):
    key = manage(quiet, "create_api_key", "RWE", "--name", "browser test")
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    login(page, quiet)
    _post(quiet, key, _full_site_sitrep("RWE-LGH"))
    page.wait_for_selector("#alerts-banner li.alert-red:has-text('RWE-LGH')", timeout=30000)
    order_before = page.locator("#alerts-banner li.alert").evaluate_all("els => els.map(e => e.id)")
    alert = page.locator("#alerts-banner li.alert-red").filter(has_text="RWE-LGH").first
    alert_id = alert.get_attribute("id")
    alert.locator("summary").click()
    note = "Bed meeting at 10; two discharges brought forward"
    alert.locator("input[name=note]").fill(note)

    # Another site goes red: a live update for the alerts panel arrives while typing.
    _post(quiet, key, _full_site_sitrep("RWE-LRI"))
    page.wait_for_selector("#alerts-banner .panel-updated", timeout=30000)
    form = page.locator(f"#{alert_id} details")
    assert form.get_attribute("open") is not None
    assert page.locator(f"#{alert_id} input[name=note]").input_value() == note
    assert "RWE-LRI" not in page.locator("#alerts-banner").inner_text()  # not swapped in
    page.screenshot(path=str(quiet.data_dir / "ack-form-kept.png"))

    page.locator(f"#{alert_id} button[type=submit]").click()
    page.wait_for_selector(f"#{alert_id} .ack", timeout=10000)
    banner = page.locator("#alerts-banner").inner_text()
    assert "acknowledged by scc" in banner and "RWE-LRI" in banner
    order_after = page.locator("#alerts-banner li.alert").evaluate_all("els => els.map(e => e.id)")
    # Acknowledging moved nothing: the alerts that were there keep their order.
    assert [i for i in order_after if i in order_before] == order_before
    page.close()


_MIN_FONT_JS = """() => Math.min(...[...document.querySelectorAll('body *')]
  .filter(e => e.offsetParent !== null
          && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => parseFloat(getComputedStyle(e).fontSize)))"""


# Every visible text node: its box (one rect per line) and its element's font size.
_WALL_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('[hidden], script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width === 0 || r.height === 0) continue;
      out.push({text: node.textContent.trim().slice(0, 40),
                size: parseFloat(getComputedStyle(el).fontSize),
                top: r.top, left: r.left, bottom: r.bottom, right: r.right});
    }
  }
  return out;
}"""

_WALL_BOXES_JS = """() => [...document.querySelectorAll(
    '.wall-head, .wall-section, .wall-kpi, .wall-card, .wall-rows li, .wall-alert-list li')]
  .map(e => { const r = e.getBoundingClientRect();
              return {name: e.className || e.tagName, text: e.innerText.slice(0, 40),
                      top: r.top, left: r.left, bottom: r.bottom, right: r.right}; })"""


def _front_door_today(instance) -> None:
    """ED attendances and Category 2 responses within today so far, whatever the time of day
    (the quiet demo has no simulator, so no front door of its own)."""
    from datetime import UTC, datetime, timedelta

    from apps.core.localtime import local_date, local_day_bounds

    now = datetime.now(UTC).replace(microsecond=0)
    start, _end = local_day_bounds(local_date(now))
    so_far = now - start
    mid = (start + so_far / 2).replace(microsecond=0)

    def attendance(ref, arrived, departed=None):
        return {"attendance": ref, "site": "RWE-LRI", "department_type": 1,
                "arrived_at": arrived.isoformat(), "decision_to_admit_at": None,
                "departed_at": departed and departed.isoformat(),
                "disposition": "discharged" if departed else None}  # fmt: skip

    def incident(ref, seconds):
        connected = (start + so_far / 4).replace(microsecond=0)
        at_scene = min(connected + timedelta(seconds=seconds), now)
        return {"incident": ref, "category": 2, "call_connected_at": connected.isoformat(),
                "identified_at": connected.isoformat(), "dispatched_at": connected.isoformat(),
                "at_scene_at": at_scene.isoformat(), "stood_down_at": None}  # fmt: skip

    for org, path, body in (
        ("RWE", "emergency", {"attendances": [
            attendance("WALL-1", mid - timedelta(hours=2), mid),
            attendance("WALL-2", mid - timedelta(hours=5), mid),
            attendance("WALL-3", now - timedelta(hours=13)),
        ]}),
        ("RX9", "incidents", {"incidents": [incident("WALL-C2-1", 600),
                                            incident("WALL-C2-2", 900)]}),
    ):  # fmt: skip
        key = manage(instance, "create_api_key", org, "--name", "wall front door")
        response = httpx.post(
            f"{instance.url}/api/v1/sitreps/{path}/",
            json=body,
            headers={"Authorization": f"Api-Key {key}"},
            timeout=10,
        )
        assert response.status_code == 201, response.text


def test_the_wall_fits_one_1920_by_1080_screen_with_no_text_under_20px(chromium, quiet, tmp_path):
    key = manage(quiet, "create_api_key", "RWE", "--name", "wall test")
    _post(quiet, key, _full_site_sitrep("RWE-GH"))
    _front_door_today(quiet)
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    login(page, quiet)
    page.goto(f"{quiet.url}/wall/")
    page.wait_for_selector("#live-status:has-text('Live')")
    # Today's ED figures are the stored daily rows, recomputed about a second after the post.
    page.wait_for_selector("#wall-ed-four-hour .wall-value:has-text('%')", timeout=15000)
    size = page.evaluate(
        "({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})"
    )
    assert size["w"] <= 1920 and size["h"] <= 1080, f"the wall scrolls: {size}"
    assert page.evaluate("document.body.classList.contains('wall-paged')") is False
    # Nothing drawn outside the screen: every panel, and every line of text, whole.
    for box in page.evaluate(_WALL_BOXES_JS):
        assert box["top"] >= 0 and box["left"] >= 0, box
        assert box["bottom"] <= 1080 and box["right"] <= 1920, f"clipped: {box}"
    texts = page.evaluate(_WALL_TEXT_JS)
    assert len(texts) > 100
    for text in texts:
        assert text["top"] >= 0 and text["left"] >= 0, text
        assert text["bottom"] <= 1080 and text["right"] <= 1920, f"clipped: {text}"
        assert text["size"] >= 20, f"under 20 px: {text}"
    assert page.evaluate(_MIN_FONT_JS) >= 20
    assert page.locator("#wall button, #wall input, #wall select, #wall form").count() == 0
    assert page.locator(".wall-card").count() == 3  # LLR's acute hospitals
    assert page.locator(".wall-rows li").count() == 9  # its community and mental-health sites
    # The front door: ED 4-hour and 12-hour, and the Category 2 mean, each with a figure.
    four = page.locator("#wall-ed-four-hour .wall-value").inner_text()
    assert re.search(r"\d+\.\d%$", four), four
    assert "standard 76%" in page.locator("#wall-ed-four-hour").inner_text()
    assert re.search(r"\d+$", page.locator("#wall-ed-twelve-hour .wall-value").inner_text())
    c2 = page.locator("#wall-cat2 .wall-value").inner_text()
    assert re.search(r"\d+:\d\d$", c2), c2
    assert "ambition 30:00" in page.locator("#wall-cat2").inner_text()
    out = Path(os.environ.get("SCC_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "wall-1920.png"))

    # Updating live: a sitrep moves the wall without a reload.
    page.evaluate("window.__notReloaded = true")
    _post(quiet, key, _full_site_sitrep("RWE-LGH"))
    page.wait_for_selector(
        ".wall-card:has-text('Leicester General') :text('100.0%')", timeout=15000
    )
    assert page.evaluate("window.__notReloaded") is True
    page.close()


def test_a_ward_opens_from_the_site_page_with_its_beds_and_history(chromium, quiet):
    key = manage(quiet, "create_api_key", "RWE", "--name", "ward test")
    _post(quiet, key, _full_site_sitrep("RWE-LRI"))
    for width in (1920, 1366, 390):
        page = chromium.new_page(viewport={"width": width, "height": 900})
        login(page, quiet)
        page.goto(f"{quiet.url}/sites/RWE-LRI/")
        page.locator("#site-wards a", has_text="Ward 15 (Respiratory)").first.click()
        page.wait_for_selector("#ward-title")
        assert page.url.endswith("/sites/RWE-LRI/wards/LRI-W15/")
        assert "100.0%" in page.locator("#ward-title + p").inner_text()
        assert page.locator("ul.beds li").count() > 0
        assert page.locator("table.data tbody tr").count() >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the ward page is {overflow}px wider than {width}"
        page.screenshot(path=str(quiet.data_dir / f"ward-{width}.png"), full_page=True)
        page.goto(f"{quiet.url}/sites/RWE-LRI/wards/NOPE/")
        assert page.locator("h1").inner_text() == "Not found"
        page.close()


def test_the_mofd_list_filters_by_site_and_sorts_from_its_headings(chromium, quiet):
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    login(page, quiet)
    page.goto(f"{quiet.url}/discharge/")
    page.select_option("#id_site", "RWE-GH")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/discharge/?**site=RWE-GH**")
    page.get_by_role("region", name="MOFD patients").get_by_role("link", name="Plan").click()
    page.wait_for_url("**sort=plan**")
    assert "site=RWE-GH" in page.url  # the filter is kept
    assert page.locator("th[aria-sort]").inner_text().startswith("Plan")
    page.close()


def test_the_wall_pages_through_its_sections_for_a_national_estate(chromium, quiet, tmp_path):
    """Many more sites than a screen holds: no scroll bar, the sections take turns."""
    estate = {
        "system": {"code": "LLR", "name": "Leicester, Leicestershire and Rutland",
                   "population": 1020000},
        "organisations": [{"code": "NAT", "name": "National acute", "kind": "acute"}],
        "sites": [{"code": f"NAT-{i:03d}", "name": f"Hospital {i}", "organisation": "NAT"}
                  for i in range(60)],
        "wards": [{"code": f"NAT-{i:03d}-W1", "site": f"NAT-{i:03d}", "name": "Ward 1",
                   "bed_type": "ga_adult", "core_beds": 20} for i in range(60)],
    }  # fmt: skip
    path = tmp_path / "national.json"
    path.write_text(json.dumps(estate))
    manage(quiet, "load_estate", str(path))
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    login(page, quiet)
    page.goto(f"{quiet.url}/wall/")
    page.wait_for_function("() => document.body.classList.contains('wall-paged')", timeout=30000)
    assert page.evaluate("getComputedStyle(document.body).overflowY") == "hidden"
    assert page.evaluate(_MIN_FONT_JS) >= 20
    page.wait_for_function("() => window.scrollY > 0", timeout=45000)  # the next section is shown
    page.close()

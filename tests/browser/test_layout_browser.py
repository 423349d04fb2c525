"""Every page of the product at the control room's 1920, a laptop's 1366 and a phone's 390 px:
no sideways scrolling of the page, nothing drawn outside the window or spilling out of its
box (unless inside a box that scrolls on purpose, such as a wide table). Pages: layout.PAGES."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .conftest import login
from .layout import LAYOUT_PROBLEMS_JS, PAGES, WIDTHS

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_every_page_fits_the_window(chromium, live, width, height):
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    for signed_in in (False, True):
        if signed_in:
            login(page, live, "manager", "manager-demo-pass")  # sees every page, exports too
        for entry in (p for p in PAGES if p.signed_in == signed_in):
            response = page.goto(live.url + entry.path.format(today=today))
            assert response.status == 200, (entry.path, response.status)
            page.wait_for_load_state("load")
            found = page.evaluate(LAYOUT_PROBLEMS_JS)
            if entry.open and page.locator(entry.open).count():
                page.locator(entry.open).first.click()
                found += [
                    f"(after opening {entry.open}) {p}" for p in page.evaluate(LAYOUT_PROBLEMS_JS)
                ]
            if found:
                problems[entry.name] = found[:10]
    context.close()
    assert problems == {}


def test_the_checks_catch_a_page_wider_than_the_window(chromium, live):
    """The checker itself: a page made too wide on purpose is reported."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live.url + "/accounts/login/")
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '600px';"
        " d.textContent = 'too wide'; document.querySelector('main').append(d); }"
    )
    problems = page.evaluate(LAYOUT_PROBLEMS_JS)
    assert any(p.startswith("page is") for p in problems)
    assert any("too wide" in p for p in problems)
    context.close()


def test_a_long_unbroken_site_name_wraps_inside_its_tile_at_390(chromium, live):
    """An estate name with no spaces (e.g. a pasted URL) pushed the tile's OPEL pill out of
    the window on a phone (the page was 439 px wide at 390)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live, "manager", "manager-demo-pass")
    page.goto(live.url + "/")
    page.evaluate(
        "() => { document.querySelector('.tile-head h3 a').textContent ="
        ' \'=HYPERLINK("http://127.0.0.1:9/a-very-long-address","Click")\'; }'
    )
    assert page.evaluate(LAYOUT_PROBLEMS_JS) == []
    context.close()

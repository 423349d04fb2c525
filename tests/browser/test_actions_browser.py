"""System calls and actions as SCC staff use them, in headless Chromium against the demo."""

from __future__ import annotations

import re
import time

import pytest

from .conftest import login

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# A4 (210 x 297 mm) in PostScript points; Chromium rounds to within a point.
A4_POINTS = (595.28, 841.89)


def _first_alert_link(page, url: str, *, within_s: float = 90):
    """The demo raises alerts once its first sitreps are recomputed; wait for one."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        page.goto(f"{url}/alerts/")
        links = page.locator("a.add-action")
        if links.count():
            return links.first
        time.sleep(2)
    raise AssertionError("no open alert in the demo")


def test_a_call_started_from_the_board_then_an_action_from_an_alert_done_with_its_effect(
    chromium, live
):
    page = chromium.new_page()
    login(page, live)
    # One click on the board starts a call, each declaration filled in with the computed OPEL.
    page.click("#actions-panel form.start-call button")
    page.wait_for_url(re.compile(r".*/calls/\d+/#declarations$"))
    call_url = page.url.removesuffix("#declarations")
    page.locator("summary", has_text="Record declarations").click()
    computed = page.locator("table.declarations tr", has_text="RWE").locator("td.num").inner_text()
    declared = page.locator("#opel-RWE").input_value()
    assert declared == ("" if computed == "–" else computed)
    # As organisations declare, the chair records it.
    page.select_option("#opel-RWE", "3")
    page.fill("#comment-RWE", "ED full, 14 DTAs")
    page.click("#save-declarations")
    page.wait_for_url(re.compile(r".*/calls/\d+/#declarations$"))
    rwe = page.locator("table.record-table").first.locator("tr", has_text="RWE").inner_text()
    assert "ED full, 14 DTAs" in rwe and "3" in rwe
    assert "Declarations saved (RWE)" in page.inner_text(".messages")

    # An alert's acknowledge form offers "add action", filled in from the alert.
    _first_alert_link(page, live.url).click()
    page.wait_for_url(re.compile(r".*/actions/new/\?alert=\d+$"))
    if not page.locator("select[name=owner_organisation]").input_value():
        page.select_option("select[name=owner_organisation]", "RWE")  # a system alert
    page.fill("input[name=text]", "Open ward 22 escalation beds (browser)")
    page.fill("input[name=owner_name]", "LRI site manager")
    page.click("#add-action")
    page.wait_for_url(f"{live.url}/actions/")
    row = page.locator("tr", has_text="Open ward 22 escalation beds (browser)")
    assert row.count() == 1

    # Done: the effect shows the figures when created → when done, with an arrow.
    row.locator("input[name=note]").fill("beds open")
    row.locator("button", has_text="Done").click()
    page.wait_for_url(re.compile(r".*/actions/.*"))
    assert "done" in page.inner_text(".messages")
    page.goto(f"{live.url}/actions/?status=done")
    done = page.locator("tr", has_text="Open ward 22 escalation beds (browser)")
    effect = done.locator(".effect").inner_text()
    assert effect.startswith("done:") and re.search("[↑↓→]", effect), effect
    assert "beds open" in done.inner_text()

    # Each page fits the common widths with no sideways scroll.
    for width in (1920, 1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/calls/", call_url.removeprefix(live.url), "/actions/", "/"):
            page.goto(f"{live.url}{path}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (width, path, scroll)
    page.close()


def test_a_calls_record_prints_on_a4(chromium, live):
    page = chromium.new_page()
    login(page, live)
    page.goto(f"{live.url}/calls/")
    page.fill("input[name=chair]", "Print test chair")
    page.click("#start-call")
    page.wait_for_url(re.compile(r".*/calls/\d+/$"))
    page.emulate_media(media="print")
    # Printed: the record only, no navigation or forms.
    assert not page.locator(".topbar").is_visible()
    assert not page.locator("form.action-form").is_visible()
    assert page.locator("h2", has_text="Declarations").is_visible()
    assert page.locator("h2", has_text="Figures at the start").is_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for width, height in boxes:
        assert abs(float(width) - A4_POINTS[0]) < 1.5 and abs(float(height) - A4_POINTS[1]) < 1.5
    # The record is laid out within the A4 width (210 mm less 2 x 12 mm margins, at 96 dpi).
    page.set_viewport_size({"width": 703, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= 703
    page.close()

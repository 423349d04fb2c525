"""The board as SCC staff meet it, in headless Chromium."""

import json

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

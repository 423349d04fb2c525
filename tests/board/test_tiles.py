"""Board tiles are kept rendered between requests, and rendered again exactly when what one
shows changes: its site's figures, a colour (the escalation rules' thresholds), its age."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.escalation import selectors
from apps.escalation.choices import RuleCode
from apps.escalation.models import EscalationRule
from tests.beds.factories import counts, hours_ago, sitrep

pytestmark = pytest.mark.django_db

SITES = ["RT5-CCH", "RWE-GH", "RWE-LRI"]


@pytest.fixture(autouse=True)
def fresh_thresholds(monkeypatch):
    # Pages re-read the rules at most every 15 s; each test starts from the database's.
    monkeypatch.setattr(selectors, "_thresholds", (float("-inf"), {}))


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """Codes of the tiles rendered (rather than served from the tile cache), in order."""
    tiles = caches["tiles"]
    codes: list[str] = []
    store = tiles.set

    def spy(key, value, *args, **kwargs):
        codes.append(re.search(r'<li id="site-([^"]+)"', value)[1])
        return store(key, value, *args, **kwargs)

    monkeypatch.setattr(tiles, "set", spy)
    return codes


@pytest.fixture
def clock(monkeypatch):
    """``clock.at(moment)``: what ``timezone.now()`` answers from then on."""

    class Clock:
        def at(self, moment):
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()


def tiles(client) -> dict[str, str]:
    """The board page's tiles by site code."""
    html = client.get("/").content.decode()
    found = re.finditer(r'<li id="site-([^"]+)".*?</li>', html, re.DOTALL)
    return {match[1]: match[0] for match in found}


def tile(client, code: str) -> str:
    return tiles(client)[code]


def post_lri(key_client, as_at, *wards) -> None:
    response = key_client("RWE").post(
        "/api/v1/sitreps/beds/", sitrep("RWE-LRI", as_at, *wards), format="json"
    )
    assert response.status_code == 201, response.json()


def test_a_second_page_gets_every_tile_from_the_cache(scc_client, estate, rendered):
    first = tiles(scc_client)
    assert sorted(first) == sorted(rendered) == SITES
    rendered.clear()
    assert tiles(scc_client) == first
    assert rendered == []


def test_the_htmx_panel_of_a_site_is_its_tile_from_the_same_cache(scc_client, estate, rendered):
    on_the_page = tile(scc_client, "RWE-LRI")
    rendered.clear()
    response = scc_client.get("/?panel=site&code=RWE-LRI", HTTP_HX_REQUEST="true")
    assert response.content.decode().strip() == on_the_page
    assert rendered == []


def test_the_htmx_tiles_panel_is_the_pages_tiles_from_the_same_cache(scc_client, estate, rendered):
    on_the_page = tiles(scc_client)
    rendered.clear()
    response = scc_client.get("/?panel=tiles", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="site-tiles"') and "<html" not in html
    assert all(tile_html in html for tile_html in on_the_page.values())
    assert rendered == []


def test_a_bed_sitrep_renders_that_sites_tile_again_and_no_other(scc_client, key_client, rendered):
    post_lri(key_client, hours_ago(0.5), counts("LRI-W22", 15, 5), counts("LRI-W23", 10, 0))
    before = tile(scc_client, "RWE-LRI")
    assert "25/30" in before and "83.3%" in before
    rendered.clear()

    post_lri(key_client, hours_ago(0.2), counts("LRI-W22", 20, 0), counts("LRI-W23", 10, 0))
    after = tile(scc_client, "RWE-LRI")
    assert rendered == ["RWE-LRI"]
    assert "30/30" in after and "100.0%" in after and "status-red" in after
    assert "25/30" not in after


def test_editing_a_threshold_recolours_the_tiles_it_touches(
    scc_client, key_client, rendered, monkeypatch
):
    post_lri(key_client, hours_ago(0.5), counts("LRI-W22", 17, 3), counts("LRI-W23", 10, 0))
    assert 'tile-value status-ok"' in tile(scc_client, "RWE-LRI")  # 90% against 92 and 95
    rendered.clear()

    EscalationRule.objects.filter(code=RuleCode.SITE_OCCUPANCY).update(amber=85, red=95)
    monkeypatch.setattr(selectors, "_thresholds", (float("-inf"), {}))  # 15 s later
    recoloured = tile(scc_client, "RWE-LRI")
    assert 'tile-value status-amber"' in recoloured and "Warning" in recoloured
    # The other sites have no adult G&A figures to colour: their tiles are unchanged.
    assert rendered == ["RWE-LRI"]


def test_a_tile_moves_on_with_the_clock(scc_client, key_client, rendered, clock):
    start = hours_ago(0)
    clock.at(start)
    post_lri(key_client, start - timedelta(hours=4, seconds=-30), counts("LRI-W22", 10, 10))
    assert 'status-ok">beds 3 h 59 min ago' in tile(scc_client, "RWE-LRI")
    rendered.clear()

    clock.at(start + timedelta(seconds=20))  # the same minute: nothing to show differently
    assert 'status-ok">beds 3 h 59 min ago' in tile(scc_client, "RWE-LRI")
    assert rendered == []

    clock.at(start + timedelta(seconds=100))  # past the stale_bed_sitrep rule's 4 hours
    aged = tile(scc_client, "RWE-LRI")
    assert 'status-amber"><span aria-hidden="true">▲</span> beds 4 h 01 min ago' in aged
    assert rendered == ["RWE-LRI"]


def test_lost_hours_accruing_re_render_a_tile_only_when_its_shown_hundredths_change(
    scc_client, key_client, rendered, clock, day_clock
):
    start = day_clock  # the whole wait is today's, whatever the time of day
    clock.at(start)
    arrived = start - timedelta(minutes=20)  # 5 minutes past the 15-minute standard
    response = key_client("RX9").post(
        "/api/v1/sitreps/handovers/",
        {"handovers": [{"incident": "W-1", "site": "RWE-LRI", "arrived_at": arrived.isoformat()}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "<dd>0.08</dd>" in tile(scc_client, "RWE-LRI")  # 5 min = 0.0833 h
    rendered.clear()

    clock.at(start + timedelta(seconds=5))  # 0.0847 h: still 0.08 on the tile
    assert "<dd>0.08</dd>" in tile(scc_client, "RWE-LRI")
    assert rendered == []

    clock.at(start + timedelta(seconds=40))  # 0.0944 h
    assert "<dd>0.09</dd>" in tile(scc_client, "RWE-LRI")
    assert rendered == ["RWE-LRI"]


def test_the_page_asks_the_same_queries_whether_tiles_are_rendered_or_cached_and_however_many(
    scc_client, estate
):
    from apps.beds.estate import estate_load
    from tests.conftest import estate_with_extra_sites

    def queries() -> tuple[int, int]:
        scc_client.get("/")  # the rules' thresholds are read by the first page, then held
        caches["tiles"].clear()
        counted = []
        for _ in ("every tile rendered", "every tile from the cache"):
            with CaptureQueriesContext(connection) as ctx:
                assert scc_client.get("/").status_code == 200
            counted.append(len(ctx))
        return tuple(counted)

    small = queries()
    estate_load(document=estate_with_extra_sites(40))
    assert small[0] == small[1]
    assert queries() == small


def test_a_template_edited_under_runserver_drops_the_rendered_tiles(scc_client, estate, rendered):
    from django.conf import settings
    from django.utils.autoreload import file_changed

    tiles(scc_client)
    rendered.clear()
    # runserver's reloader, on an edited template: reload it, keep the process.
    file_changed.send(sender=None, file_path=settings.BASE_DIR / "templates/board/index.html")
    tiles(scc_client)
    assert sorted(rendered) == SITES

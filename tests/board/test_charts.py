"""Server-rendered SVG charts: pure functions, no database, no clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest

from apps.board import charts
from apps.board.charts import lost_hours_chart, occupancy_chart

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # the day after the spring clock change
BOX = charts.Box()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_it_scales_linearly_and_clamps():
    assert charts.scale(5, (0, 10), (0, 100)) == 50
    assert charts.scale(92, (80, 100), (200, 0)) == pytest.approx(80)
    assert charts.scale(-5, (0, 10), (0, 100)) == 0
    assert charts.scale(50, (0, 10), (0, 100)) == 100
    assert charts.scale(3, (3, 3), (0, 100)) == 50


@pytest.mark.parametrize(
    ("lo", "hi", "count", "ticks"),
    [
        (0, 100, 4, [0, 25, 50, 75, 100]),
        (80, 100, 4, [80, 85, 90, 95, 100]),
        (0, 1, 4, [0, 0.25, 0.5, 0.75, 1]),
        (0, 7.3, 4, [0, 2, 4, 6]),
        (5, 5, 4, [5]),
    ],
)
def test_it_picks_round_ticks(lo, hi, count, ticks):
    assert charts.nice_ticks(lo, hi, count) == ticks


def test_a_step_path_holds_each_value_breaks_at_gaps_and_clamps_to_the_window():
    box = charts.Box(width=110, height=110, left=10, right=0, top=10, bottom=0)
    path = charts.step_path(
        [(-10, 50), (20, 100), (40, None), (60, 0), (80, 50)],
        x_domain=(0, 100),
        y_domain=(0, 100),
        box=box,
    )
    # x maps 0..100 → 10..110, y maps 0..100 → 110..10.
    assert path == "M10 60H30V10M70 110H90V60"


def test_a_line_chart_is_an_accessible_image_with_the_reference_line():
    svg = charts.line_chart(
        [(0, 90.0), (50, 96.0)],
        chart_id="occ-1",
        title="Occupancy <adult>",
        desc="Latest 96% & rising",
        x_domain=(0, 100),
        y_domain=(80, 100),
        x_ticks=[(50, "Tue 3")],
        y_ticks=[(80, "80%"), (100, "100%")],
        x_label="Day",
        y_label="Occupied %",
        reference=(92, "92% standard"),
    )
    root = parse(svg)  # well-formed, with every text escaped
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "occ-1-title occ-1-desc"
    assert root.find(f"{SVG}title").text == "Occupancy <adult>"
    assert root.find(f"{SVG}desc").text == "Latest 96% & rising"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"80%", "100%", "Tue 3", "Day", "Occupied %", "92% standard"} <= set(texts)
    ref = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "chart-ref")
    expected = charts.scale(92, (80, 100), (BOX.y0, BOX.y1))
    assert float(ref.get("y1")) == pytest.approx(expected, abs=0.05)
    line = next(e for e in root.iter(f"{SVG}path") if e.get("class") == "chart-line")
    assert line.get("d").startswith(f"M{BOX.x0:g} ")
    last = root.find(f"{SVG}circle")  # the latest value, (50, 96%)
    assert float(last.get("cx")) == pytest.approx((BOX.x0 + BOX.x1) / 2, abs=0.05)
    assert float(last.get("cy")) == pytest.approx(
        charts.scale(96, (80, 100), (BOX.y0, BOX.y1)), abs=0.05
    )


def test_a_line_chart_without_values_draws_no_line():
    svg = charts.line_chart(
        [(0, None)], chart_id="x", title="t", desc="d", x_domain=(0, 1), y_domain=(0, 1)
    )
    assert not [e for e in parse(svg).iter(f"{SVG}path")]
    assert parse(svg).find(f"{SVG}circle") is None


def test_a_bar_chart_draws_a_bar_per_known_value_from_the_baseline():
    svg = charts.bar_chart(
        [(0, 2.0), (1, None), (2, 4.0)],
        chart_id="lost",
        title="Lost hours",
        desc="d",
        y_domain=(0, 4),
        x_ticks=[(2, "today")],
    )
    bars = [e for e in parse(svg).iter(f"{SVG}rect") if e.get("class") == "chart-bar"]
    assert len(bars) == 2
    full = BOX.y0 - BOX.y1
    heights = [float(b.get("height")) for b in bars]
    assert heights == [pytest.approx(full / 2, abs=0.1), pytest.approx(full, abs=0.1)]
    assert all(float(b.get("y")) + float(b.get("height")) == pytest.approx(BOX.y0) for b in bars)
    # The third of three slots is centred at five sixths of the width.
    third = float(bars[1].get("x")) + float(bars[1].get("width")) / 2
    assert third == pytest.approx(BOX.x0 + (BOX.x1 - BOX.x0) * 5 / 6, abs=0.1)


# --------------------------------------------------------------------------- the site's charts


def test_occupancy_without_history_says_so():
    chart = occupancy_chart([], now=NOW, days=7, standard_pct=92, chart_id="o")
    assert chart == {"svg": None, "days": [], "summary": "No history yet."}


def test_occupancy_summarises_the_window_and_tabulates_local_days():
    points = [
        (NOW - timedelta(days=8), 90.0),  # in force at the window's start
        (NOW - timedelta(days=2, hours=3), 97.5),
        (NOW - timedelta(days=2), 93.0),
        (NOW - timedelta(hours=1), 91.2),
    ]
    chart = occupancy_chart(points, now=NOW, days=7, standard_pct=92, chart_id="o")
    assert chart["summary"] == (
        "Adult G&A occupancy over the last 7 days: latest 91.2%, highest 97.5%, "
        "lowest 90.0%. The dashed line is the 92% standard."
    )
    assert [(d["date"], d["low"], d["high"], d["last"]) for d in chart["days"]] == [
        (date(2026, 3, 28), 93.0, 97.5, 93.0),
        (date(2026, 3, 30), 91.2, 91.2, 91.2),
    ]
    root = parse(chart["svg"])
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    # Local midnights of the last seven days (Europe/London, across the clock change).
    assert [t for t in ticks if not t.endswith("%")] == [
        "Tue 24",
        "Wed 25",
        "Thu 26",
        "Fri 27",
        "Sat 28",
        "Sun 29",
        "Mon 30",
    ]
    assert "80%" in ticks and "100%" in ticks
    # Sunday 29 March is 23 hours long: its tick gap is 23/24 of Saturday's.
    x = {
        t.text: float(t.get("x"))
        for t in root.iter(f"{SVG}text")
        if t.get("class") == "chart-tick" and not t.text.endswith("%")
    }
    saturday, sunday = x["Sun 29"] - x["Sat 28"], x["Mon 30"] - x["Sun 29"]
    assert sunday / saturday == pytest.approx(23 / 24, abs=0.01)


def test_occupancy_says_when_its_history_starts_inside_the_window():
    points = [(NOW - timedelta(hours=2), 93.0)]  # 13:00 BST on the 30th, less two hours
    chart = occupancy_chart(points, now=NOW, days=7, standard_pct=92, chart_id="o")
    assert chart["summary"].endswith("Readings only since Mon 30 Mar 11:00.")


def test_lost_hours_without_history_says_so():
    days = [(date(2026, 3, d), None) for d in range(1, 31)]
    assert lost_hours_chart(days, standard_min=15, chart_id="l")["summary"] == "No history yet."


def test_lost_hours_summary_names_the_worst_day_and_missing_days():
    days = [(date(2026, 3, 1) + timedelta(days=i), None) for i in range(30)]
    days[5] = (date(2026, 3, 6), 12.5)
    days[-1] = (date(2026, 3, 30), 2.25)
    chart = lost_hours_chart(days, standard_min=15, chart_id="l")
    assert chart["summary"] == (
        "Hours lost to ambulance handovers over 15 minutes, last 30 days: 14.75 h in all, "
        "most 12.5 h on Fri 6 Mar, today 2.25; 28 days without figures."
    )
    root = parse(chart["svg"])
    assert len([e for e in root.iter(f"{SVG}rect")]) == 2
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert "today" in ticks and "23 Mar" in ticks

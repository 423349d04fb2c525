"""The fan chart: history, then the 95% and 50% bands and the dashed mean."""

import re

from apps.board.charts import Box, FanDay, fan_chart

BOX = Box(width=100, height=100, left=0, right=0, top=0, bottom=0)


def test_it_draws_bands_and_joins_the_mean_to_the_last_known_value():
    svg = fan_chart(
        [(0, 10.0), (1, None), (2, 20.0)],
        [FanDay(3, 30, 25, 35, 20, 40), FanDay(4, 30, 25, 35, 20, 40)],
        chart_id="t",
        title="T",
        desc="D",
        x_domain=(0, 4),
        y_domain=(0, 100),
        box=BOX,
        reference=(50, "92%"),
    )
    band95 = re.search(r'class="chart-band95" d="([^"]+)"', svg).group(1)
    # Upper edge left to right at 40, lower edge back at 20 (SVG y grows downwards).
    assert band95 == "M75 60L100 60L100 80L75 80Z"
    assert re.search(r'class="chart-band50" d="M75 65L100 65L100 75L75 75Z"', svg)
    assert re.search(r'class="chart-line" d="M0 90M50 80"', svg)  # the gap breaks the line
    assert re.search(r'class="chart-mean" d="M50 80L75 70L100 70"', svg)
    assert 'class="chart-ref"' in svg and '<title id="t-title">T</title>' in svg


def test_without_a_forecast_only_the_history_is_drawn():
    svg = fan_chart(
        [(0, 1.0), (1, 2.0)], [], chart_id="h", title="H", desc="D",
        x_domain=(0, 1), y_domain=(0, 2), box=BOX,
    )  # fmt: skip
    assert "chart-band" not in svg and "chart-mean" not in svg and "chart-line" in svg

"""Bar chart geometry (portal/charts.py)."""

from __future__ import annotations

import pytest

from portal import charts
from portal.charts import Group, bar_chart, bar_length


def test_bar_length_is_a_share_of_the_track() -> None:
    assert bar_length(50, 100, 62) == 31.0
    assert bar_length(100, 100, 62) == 62.0
    assert bar_length(1, 3, 62) == 20.7  # rounded to a tenth
    assert bar_length(150, 100, 62) == 62.0  # never past the track
    assert bar_length(0, 100, 62) == 0.0
    assert bar_length(-5, 100, 62) == 0.0
    assert bar_length(5, 0, 62) == 0.0  # nothing to scale by


def test_groups_are_stacked_down_the_page_with_one_bar_per_series() -> None:
    chart = bar_chart(
        [Group("Oxhey", [30, 10], ["30%", "10%"], highlight=True), Group("Holywell", [60, 0], ["60%", "0%"])],
        ["Applications", "Share of the area"],
    )

    assert chart.series == ("Applications", "Share of the area")
    oxhey, holywell = chart.groups
    assert (oxhey.label, oxhey.highlight, holywell.highlight) == ("Oxhey", True, False)
    assert [bar.width for bar in oxhey.bars] == [31.0, 10.3]
    assert [bar.width for bar in holywell.bars] == [charts.TRACK_PERCENT, 0.0]
    assert [bar.series for bar in holywell.bars] == [0, 1]
    assert [bar.text for bar in oxhey.bars] == ["30%", "10%"]
    # Label, then bars one under the other, then the next group: nothing overlaps.
    first, second = oxhey.bars
    assert oxhey.label_y < first.y
    assert second.y == first.y + charts.BAR_HEIGHT + charts.BAR_GAP
    assert holywell.label_y > second.y + charts.BAR_HEIGHT
    assert chart.height >= holywell.bars[-1].y + charts.BAR_HEIGHT
    assert all(bar.y < bar.text_y <= bar.y + bar.height for group in chart.groups for bar in group.bars)


def test_a_fixed_maximum_keeps_charts_comparable() -> None:
    chart = bar_chart([Group("Paid", [25], ["£25"])], maximum=100)
    assert chart.groups[0].bars[0].width == 15.5


def test_an_empty_chart_and_mismatched_values() -> None:
    assert bar_chart([]).groups == ()
    assert bar_chart([]).height == 1
    with pytest.raises(ValueError, match="one value and one text"):
        bar_chart([Group("Oxhey", [1], ["1", "2"])], ["a", "b"])

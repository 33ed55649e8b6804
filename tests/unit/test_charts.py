"""The dashboard's bar charts as geometry: lengths follow the figures, zeros draw nothing."""

from __future__ import annotations

from portal.web.charts import VALUE_ROOM, WIDTH, bar_chart


def test_bars_scale_to_the_largest_row_and_carry_their_figure() -> None:
    chart = bar_chart([("a", [10]), ("b", [5]), ("c", [0])])
    widths = [row.bars[0].width if row.bars else 0 for row in chart.rows]
    assert widths == [WIDTH - VALUE_ROOM, (WIDTH - VALUE_ROOM) / 2, 0]
    assert [row.figures[0].value for row in chart.rows] == [10, 5, 0]
    assert chart.height > 0 and chart.rows[0].label == "a"


def test_stacked_series_sit_end_to_end_and_the_total_follows_them() -> None:
    row = bar_chart([("a", [3, 1, 0]), ("b", [2, 0, 2])]).rows[0]
    first, second = row.bars
    assert (first.series, second.series) == (1, 2)
    assert second.x == first.width
    assert row.figures[0].value == 4 and row.figures[0].x > second.x + second.width


def test_series_that_overlap_get_a_bar_each_under_one_label() -> None:
    row = bar_chart([("desk", [2, 1])], stacked=False).rows[0]
    assert [b.x for b in row.bars] == [0.0, 0.0]
    assert row.bars[1].y > row.bars[0].y
    assert [f.value for f in row.figures] == [2, 1]


def test_a_table_of_zeros_draws_no_chart() -> None:
    assert bar_chart([("a", [0]), ("b", [0])]).rows == ()
    assert bar_chart([]).rows == ()

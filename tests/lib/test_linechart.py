from __future__ import annotations

from onemind.lib.linechart import Line, _runs, line_chart


def test_a_gap_breaks_the_line() -> None:
    assert _runs([1.0, 2.0, None, 3.0, 4.0, None]) == [[(0, 1.0), (1, 2.0)], [(3, 3.0), (4, 4.0)]]
    svg = line_chart(
        chart_id="c",
        title="T",
        description="D",
        labels=["a", "b", "c", "d", "e"],
        lines=[Line("x", [1, 2, None, 3, 4])],
    )
    assert svg.count("<polyline") == 2


def test_every_text_is_escaped() -> None:
    svg = line_chart(chart_id="c", title="<b>", description="&", labels=["<i>"], lines=[Line("<s>", [1])])
    assert "<b>" not in svg and "<i>" not in svg and "<s>" not in svg and "&amp;" in svg

"""widgets.svg: the inline SVG charts of views that must redraw in milliseconds."""

import re

import pytest

from widgets import svg


def _rects(text):
    return [dict(re.findall(r"(\w+)='([^']*)'", m)) for m in re.findall(r"<rect class='bar'([^>]*)>", text)]


def test_nice_ticks_are_round_steps_covering_the_range():
    assert svg.nice_ticks(0, 1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert svg.nice_ticks(0, 730) == [0, 200, 400, 600]  # step 200: 1, 2, 2.5 or 5 times a power of ten
    assert svg.nice_ticks(3, 3) == [3.0]  # an empty range: one tick, no loop


def test_bar_height_is_proportional_to_value():
    text = svg.bar_chart(["a", "b"], {"s": [0.25, 1.0]}, ylim=(0.0, 1.0), height=300)
    low, high = (float(r["height"]) for r in _rects(text))
    # the plot area is 300 - 28 (top) - 45 (bottom) = 227 px high: 0.25 -> 56.75 px, 1.0 -> 227 px
    assert high == pytest.approx(227.0, abs=0.1)
    assert low == pytest.approx(227.0 / 4, abs=0.1)


def test_stacked_bars_sit_on_each_other():
    text = svg.bar_chart(["a"], {"yes": [0.3], "no": [0.7]})
    first, second = _rects(text)
    # the second segment ends where the first begins (pixels grow downwards)
    assert float(second["y"]) + float(second["height"]) == pytest.approx(float(first["y"]), abs=0.15)


def test_labels_are_escaped():
    text = svg.bar_chart(["<b>"], {"x&y": [0.5]}, title="a<b")
    assert "<b>" not in text
    assert "&lt;b&gt;" in text and "x&amp;y" in text and "a&lt;b" in text


def test_series_of_wrong_length_is_refused():
    with pytest.raises(ValueError, match=r"series\['s'\] must have one value per category \(2\), got 1"):
        svg.bar_chart(["a", "b"], {"s": [0.5]})


def test_histogram_draws_one_bar_per_bin_and_checks_edges():
    assert len(_rects(svg.histogram([1, 2, 3], [0, 1, 2, 3]))) == 3
    with pytest.raises(ValueError, match="edges must have one more value than counts"):
        svg.histogram([1, 2], [0, 1])

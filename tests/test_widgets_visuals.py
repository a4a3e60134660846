"""The chart chooser: pick a question, read the recommendation, draw an alternative."""

import pytest

import mlkit.visuals
from widgets.visuals import ChartChooser, chart_svg


def test_choosing_a_question_draws_its_recommended_visual():
    w = ChartChooser("comparison")
    w.controls["question"].value = "hierarchy"
    assert w.result.visual == "tree_map" and w.drawn == "tree_map"
    assert "tree map" in w.explanation.value
    # squarify's rectangles, one per region x channel with claims
    assert w.svg.count("<rect class='cell'") == len(mlkit.visuals.chart_data("tree_map")["rects"]) > 4


def test_the_show_control_offers_and_draws_the_alternatives():
    w = ChartChooser("distribution")
    assert list(w.controls["show"].options) == ["recommended", "density_plot", "bar_chart"]
    w.controls["show"].value = "density_plot"
    assert w.drawn == "density_plot" and w.result.visual == "histogram"


def test_changing_the_question_resets_the_alternative():
    w = ChartChooser("distribution")
    w.controls["show"].value = "density_plot"
    w.controls["question"].value = "flow"
    assert w.controls["show"].value == "recommended" and w.drawn == "sankey_diagram"


def test_the_density_note_says_quicksight_lacks_it():
    w = ChartChooser("smooth_distribution")
    assert "does not provide it" in w.explanation.value


def test_a_bad_seed_shows_the_engine_message():
    w = ChartChooser("comparison")
    w.set(seed=-1)
    assert "seed must be an integer >= 0" in w.error


def test_the_chart_is_shown_as_svg_with_its_text_as_text():
    w = ChartChooser("comparison")
    (out,) = w.output.outputs
    svg = out["data"]["image/svg+xml"]
    assert svg.startswith("<svg") and "<text" in svg  # svg.fonttype none: glyphs are not paths


def test_going_back_to_a_chart_shows_the_same_svg_without_drawing_it_again(monkeypatch):
    w = ChartChooser("comparison")
    first = w.output.outputs[0]["data"]["image/svg+xml"]
    w.controls["question"].value = "flow"
    calls = []
    monkeypatch.setattr(mlkit.visuals, "chart_data", lambda *a, **k: calls.append(a))
    w.controls["question"].value = "comparison"
    assert calls == [] and w.output.outputs[0]["data"]["image/svg+xml"] == first
    assert w.drawn == "bar_chart"


def test_another_seed_draws_the_chart_again():
    w = ChartChooser("distribution")
    before = w.output.outputs[0]["data"]["image/svg+xml"]
    w.set(seed=5)
    assert w.output.outputs[0]["data"]["image/svg+xml"] != before


@pytest.mark.parametrize("visual", list(mlkit.visuals.VISUAL_TYPES))
def test_every_visual_type_renders_as_svg_with_its_title(visual):
    import html
    import xml.dom.minidom

    data = mlkit.visuals.chart_data(visual)
    svg = chart_svg(data)
    xml.dom.minidom.parseString(svg)  # well-formed: the browser shows it (a broken one shows nothing)
    assert svg.startswith("<svg") and html.escape(data["title"], quote=True) in svg


def test_bars_are_as_tall_as_the_engine_numbers():
    data = mlkit.visuals.chart_data("bar_chart")
    svg = chart_svg(data)
    # one bar per channel, each bar's tooltip carries the engine's total
    assert svg.count("<rect class='bar'") == len(data["labels"]) == 4
    for label, v in zip(data["labels"], data["values"]):
        assert f"{label} / {data['ylabel']}: {v:.4g}" in svg


def test_the_pie_has_one_wedge_per_category():
    data = mlkit.visuals.chart_data("pie_chart")
    assert chart_svg(data).count("<path class='wedge'") == len(data["labels"])


def test_the_chooser_keeps_no_matplotlib_figure():
    w = ChartChooser("flow")
    assert w.figure is None and w.output.outputs[0]["data"]["image/svg+xml"] == w.svg


def test_chart_svg_refuses_an_unknown_kind():
    with pytest.raises(KeyError):
        chart_svg({"kind": "hologram", "title": "?"})

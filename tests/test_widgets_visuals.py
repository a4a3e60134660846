"""The chart chooser: pick a question, read the recommendation, draw an alternative."""

from widgets.visuals import ChartChooser


def test_choosing_a_question_draws_its_recommended_visual():
    w = ChartChooser("comparison")
    fig = w.figure
    w.controls["question"].value = "hierarchy"
    assert w.result.visual == "tree_map" and w.drawn == "tree_map"
    assert w.figure is fig and "tree map" in w.explanation.value


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
    import mlkit.visuals

    w = ChartChooser("comparison")
    first = w.output.outputs[0]["data"]["image/svg+xml"]
    w.controls["question"].value = "flow"
    calls = []
    monkeypatch.setattr(mlkit.visuals, "draw", lambda *a, **k: calls.append(a))
    w.controls["question"].value = "comparison"
    assert calls == [] and w.output.outputs[0]["data"]["image/svg+xml"] == first
    assert w.drawn == "bar_chart"


def test_another_seed_draws_the_chart_again():
    w = ChartChooser("distribution")
    before = w.output.outputs[0]["data"]["image/svg+xml"]
    w.set(seed=5)
    assert w.output.outputs[0]["data"]["image/svg+xml"] != before

"""QuickSight visual types: one function each, the recommender, the four-dimensional scatter and its request."""

import pandas as pd
import pytest
from matplotlib.figure import Figure

from mlkit import visuals
from mlkit.aws import operation_input_shape, validate_request
from mlkit.datasets import ColumnNotFoundError

# the ten kinds of question the issue lists, and the visual each must map to
ISSUE_KINDS = {
    "comparison": "bar_chart",
    "distribution": "histogram",
    "change over time": "line_chart",
    "correlation": "scatter_plot",
    "part of whole": "pie_chart",
    "hierarchy": "tree_map",
    "flow": "sankey_diagram",
    "KPI against target": "kpi",
    "sequential contributions": "waterfall_chart",
    "word frequency": "word_cloud",
}


@pytest.mark.parametrize("kind, visual", ISSUE_KINDS.items())
def test_each_question_of_the_issue_gets_its_visual_and_a_reason(kind, visual):
    kind = kind.replace("KPI against target", "kpi_vs_target")
    rec = visuals.recommend_visual(kind)
    assert rec.visual == visual and len(rec.reason) > 20 and rec.alternatives


def test_every_quicksight_visual_named_exists_in_quicksights_api():
    visual_shape = operation_input_shape("quicksight", "CreateAnalysis").members["Definition"] \
        .members["Sheets"].member.members["Visuals"].member
    named = {v for v in visuals.VISUAL_TYPES.values() if v}
    assert named <= set(visual_shape.members)


def test_density_plot_is_flagged_as_not_provided_by_quicksight():
    rec = visuals.recommend_visual("smooth distribution")
    assert rec.visual == "density_plot" and rec.quicksight_visual is None
    assert "no density plot" in rec.note
    assert "DensityPlotVisual" not in operation_input_shape("quicksight", "CreateAnalysis") \
        .members["Definition"].members["Sheets"].member.members["Visuals"].member.members


def test_the_four_dimensions_question_is_answered_by_the_scatter_with_colour_and_size():
    assert visuals.recommend_visual("four dimensions").visual == "scatter_4d"


def test_an_unknown_question_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"question_kind must be one of 'comparison', .*got 'beauty'"):
        visuals.recommend_visual("beauty")


@pytest.mark.parametrize("visual", list(visuals.VISUAL_TYPES))
def test_each_visual_draws_a_figure_on_its_sample_data(visual):
    fig = visuals.draw(visual)
    assert isinstance(fig, Figure) and fig.axes


def test_drawing_into_a_figure_reuses_it_and_clears_it():
    fig = Figure()
    fig.add_subplot(2, 2, 1)
    assert visuals.draw("pie_chart", figure=fig) is fig and len(fig.axes) == 1


def test_scatter_4d_puts_one_colour_per_category_and_sizes_by_the_measure():
    data = visuals.recommendations(60, seed=1)
    fig = visuals.scatter_4d(data, "interest_score", "conversion_rate", "category", "impressions")
    ax = fig.axes[0]
    groups = ax.collections[: data["category"].nunique()]
    assert len({tuple(g.get_facecolor()[0][:3]) for g in groups}) == data["category"].nunique()
    sizes = pd.Series(groups[0].get_sizes())
    # marker area proportional to impressions: the largest product gets max_marker = 300
    assert sizes.max() <= 300 + 1e-9
    biggest = data.loc[data["category"] == sorted(data["category"].unique())[0], "impressions"].max()
    assert sizes.max() == pytest.approx(300 * biggest / data["impressions"].max())


def test_scatter_4d_request_is_a_valid_quicksight_analysis():
    req = visuals.scatter_4d_request("interest_score", "conversion_rate", "category", "impressions")
    validate_request("quicksight", "CreateAnalysis", req)
    wells = req["Definition"]["Sheets"][0]["Visuals"][0]["ScatterPlotVisual"]["ChartConfiguration"][
        "FieldWells"]["ScatterPlotUnaggregatedFieldWells"]
    assert set(wells) == {"XAxis", "YAxis", "Category", "Size"}


def test_a_column_that_is_not_there_is_named():
    data = visuals.recommendations(20)
    with pytest.raises(ColumnNotFoundError, match="size='clicks' is not a column"):
        visuals.scatter_4d(data, "interest_score", "conversion_rate", "category", "clicks")


def test_a_text_column_on_a_numeric_axis_is_a_type_error():
    data = visuals.recommendations(20)
    with pytest.raises(TypeError, match="x='category' must be a numeric column"):
        visuals.scatter_plot(data, "category", "conversion_rate")


def test_parts_of_a_whole_must_be_non_negative():
    with pytest.raises(ValueError, match="non-negative amounts with a positive total"):
        visuals.pie_chart(pd.Series({"a": 3, "b": -1}))


def test_gauge_value_outside_its_range_is_refused():
    with pytest.raises(ValueError, match=r"value must be a finite number >= 0.0 and <= 1.0, got 1.5"):
        visuals.gauge(1.5)


def test_radar_needs_three_measures():
    with pytest.raises(ValueError, match="at least 3 measures"):
        visuals.radar_chart(pd.DataFrame({"a": [1], "b": [2]}))


def test_histogram_of_text_is_a_type_error():
    with pytest.raises(TypeError, match="values must be numeric"):
        visuals.histogram(pd.Series(["a", "b"]))


def test_kpi_shows_the_gap_to_target():
    fig = visuals.kpi(110.0, 100.0, label="orders")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("+10.0% vs target" in t for t in texts)  # (110 - 100) / 100


def test_waterfall_bars_start_where_the_previous_ended():
    fig = visuals.waterfall_chart(pd.Series({"start": 100.0, "cost": -30.0, "gain": 10.0}), start_label="start")
    bars = [p for p in fig.axes[0].patches]
    assert [b.get_y() for b in bars[:3]] == [0.0, 100.0, 70.0]
    assert bars[1].get_height() == -30.0 and bars[3].get_height() == 80.0  # the total: 100 - 30 + 10


# -- chart_data: the numbers of each chart, for views that draw them themselves ---------------------------
@pytest.mark.parametrize("visual", list(visuals.VISUAL_TYPES))
def test_chart_data_names_how_to_draw_every_visual(visual):
    data = visuals.chart_data(visual)
    assert data["kind"] in {"bars", "histogram", "lines", "scatter", "heat", "pie", "rects", "table", "kpi",
                            "gauge", "words", "radar", "sankey", "waterfall"} and data["title"]


def test_chart_data_bars_are_the_figures_bars():
    fig = visuals.draw("bar_chart")
    heights = [r.get_height() for r in fig.axes[0].patches]
    assert visuals.chart_data("bar_chart")["values"] == pytest.approx(heights, rel=1e-12)  # same groupby


def test_chart_data_histogram_counts_are_the_figures_bins():
    fig = visuals.draw("histogram")
    heights = [r.get_height() for r in fig.axes[0].patches]
    # matplotlib's hist over the same log-spaced edges counts the same rows per bin
    assert visuals.chart_data("histogram")["counts"] == heights


def test_chart_data_tree_map_has_the_figures_rectangles():
    fig = visuals.draw("tree_map")
    data = visuals.chart_data("tree_map")
    drawn = sorted((round(r.get_x(), 9), round(r.get_y(), 9)) for r in fig.axes[0].patches)
    assert sorted((round(r["x"], 9), round(r["y"], 9)) for r in data["rects"]) == drawn  # same squarify layout


def test_chart_data_sankey_bands_are_the_figures_bands():
    from matplotlib.patches import PathPatch

    fig = visuals.draw("sankey_diagram")
    bands = [p for p in fig.axes[0].patches if isinstance(p, PathPatch)]
    data = visuals.chart_data("sankey_diagram")
    assert len(data["bands"]) == len(bands) > 10
    # every stage's flows add up to all 1,000 claims
    assert sum(b["amount"] for b in data["bands"] if b["stage"] == 0) == 1000


def test_chart_data_refuses_an_unknown_visual():
    with pytest.raises(ValueError, match="visual must be one of"):
        visuals.chart_data("bubble_chart")

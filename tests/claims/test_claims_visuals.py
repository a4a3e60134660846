"""Claims of the visuals topic: each verdict rule can come out either way, and the defaults give the recorded verdicts."""

import pytest

from mlkit import claims
from mlkit.claims.measures import visuals


@pytest.fixture(scope="module")
def quicksight():
    return visuals.quicksight_has_no_density_plot(0)


def test_scatter_plot_carries_four_dimensions():
    m = visuals.scatter_four_dimensions(0)
    assert m.verdict == "holds"
    assert m.figures["distinct_colours"] == m.figures["categories"] == 4
    # the engine scales marker areas linearly with impressions: correlation 1 up to float rounding
    assert m.figures["size_impressions_correlation"] == pytest.approx(1.0, abs=1e-9)
    assert m.figures["field_wells"] == 4


def test_scatter_four_dimensions_refuted_for_a_category_with_many_values():
    m = visuals.scatter_four_dimensions(0, colour="product_id", n_rows=30)
    assert m.verdict == "refuted"
    # 30 products share the palette's 8 colours
    assert (m.figures["categories"], m.figures["distinct_colours"]) == (30, 8)


def test_density_plot_is_closer_to_the_true_density_than_a_histogram():
    m = visuals.density_smooths_noise(0)
    assert m.verdict == "holds"
    f = m.figures
    # on the log axis the amounts are normal, the kernel's best case: at most 2/3 of the histogram's error
    assert f["error_density_log"] < 2 / 3 * f["error_histogram_log"]
    assert f["error_density_linear"] < f["error_histogram_linear"]
    # integrated absolute errors lie in [0, 2] (two densities each integrating to 1)
    assert all(0 <= f[k] <= 2 for k in f if k.startswith("error_"))


def test_one_unlucky_sample_gives_only_a_conditional_verdict():
    # seed 6 with a single sample: its 30-bin histogram happens to be closer on the linear axis
    # (by 0.017); averaging 5 samples, the default, removes such luck
    m = visuals.density_smooths_noise(6, repeats=1)
    assert m.verdict == "holds with conditions"
    assert m.figures["error_histogram_linear"] < m.figures["error_density_linear"]


def test_quicksight_has_no_density_visual(quicksight):
    assert quicksight.verdict == "holds"
    assert quicksight.figures["matching_visual_types"] == 0
    # every QuickSight visual the kit maps to exists in botocore's model of the API
    assert quicksight.figures["kit_visuals_in_api"] == quicksight.figures["kit_visuals"]


def test_quicksight_claim_refuted_when_the_visual_exists():
    m = visuals.quicksight_has_no_density_plot(0, looking_for=("histogram",))
    assert m.verdict == "refuted"
    assert "HistogramVisual" in m.corrected


def test_same_seed_gives_identical_figures(quicksight):
    again = claims.check("visuals-quicksight-no-density-plot", progress=False).results[0]
    assert again.status == quicksight.verdict and again.figures == quicksight.figures

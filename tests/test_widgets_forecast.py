"""The forecast explorer: both families' bands for the chosen series; switching series only redraws."""

import numpy as np
import pytest

from widgets.forecast import ForecastExplorer


@pytest.fixture(scope="module")
def explorer():
    return ForecastExplorer(n_series=6, horizon=4)


def test_both_models_forecast_the_held_out_weeks(explorer):
    res = explorer.result
    for f in res["forecasts"].values():
        assert len(f) == 4 and (f["p10"] <= f["p90"]).all()


def test_the_drawn_median_is_the_forecast(explorer):
    name = explorer.models[1]
    _, y = explorer.medians[name].get_data()
    assert np.allclose(y, explorer.result["forecasts"][name]["p50"])


def test_changing_the_series_reuses_the_fitted_models(explorer):
    fits = dict(explorer._fits)
    other = explorer.controls["item"].options[1]
    explorer.set(item=other)
    assert explorer.result["item"] == other and explorer._fits == fits


def test_switching_to_the_single_series_lists_its_one_item(explorer):
    explorer.set(data="one long seasonal series")
    assert explorer.controls["item"].options == ("series_0",) and explorer.result["item"] == "series_0"
    explorer.set(data="many related series")

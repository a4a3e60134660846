"""Forecasting: generators with truth, both model families, rolling backtests, Forecast's metrics, export."""

import math

import numpy as np
import pandas as pd
import pytest

from mlkit import forecast
from mlkit.aws import validate_request


@pytest.fixture(scope="module")
def related():
    return forecast.related_series(n_series=12, length=60, seed=0)


def test_related_series_hold_short_and_gappy_series_ending_together(related):
    f, truth = related.frame, related.truth
    ends = f.groupby("item_id")["timestamp"].max()
    assert ends.nunique() == 1
    lengths = f.groupby("item_id").size()
    assert set(lengths[lengths < 52].index) == set(truth["short_items"])  # short = less than a season
    for item in truth["items_with_gaps"]:
        assert f.loc[f["item_id"] == item, "target"].isna().sum() >= 3


def test_the_same_seed_gives_the_same_series():
    a = forecast.related_series(n_series=4, seed=5).frame
    b = forecast.related_series(n_series=4, seed=5).frame
    pd.testing.assert_frame_equal(a, b)


def test_metrics_match_the_formulas_on_a_hand_example():
    f = pd.DataFrame({"item_id": ["a", "a"], "timestamp": [0, 1], "target": [10.0, 20.0],
                      "p10": [8.0, 15.0], "p50": [12.0, 18.0], "p90": [14.0, 25.0]})
    m = forecast.metrics(f)
    # wQL[0.1] = 2 * (0.1*2 + 0.1*5) / 30; WAPE = (2 + 2) / 30; RMSE = sqrt((4 + 4) / 2)
    assert math.isclose(m["wQL[0.1]"], 2 * 0.7 / 30)
    assert math.isclose(m["WAPE"], 4 / 30) and math.isclose(m["RMSE"], 2.0)
    assert math.isnan(m["MASE"])  # no history given


def test_mase_divides_by_the_in_sample_naive_error():
    hist = pd.DataFrame({"item_id": "a", "timestamp": range(5), "target": [1.0, 3.0, 5.0, 7.0, 9.0]})
    f = pd.DataFrame({"item_id": ["a"], "timestamp": [5], "target": [11.0], "p10": [9.0], "p50": [10.0],
                      "p90": [12.0]})
    # history shorter than a season: m = 1, naive error 2, forecast error 1 -> MASE 0.5
    assert math.isclose(forecast.metrics(f, hist)["MASE"], 0.5)


def test_the_additive_model_recovers_a_noiseless_trend_and_season():
    data = forecast.single_series(156, noise=0.0, amplitude=0.0, trend_per_year=52.0, seed=0)
    fc = forecast.AdditiveForecaster(horizon=4, ridge=0.0).fit(data.frame).predict()
    # level 100 + 1 per week: weeks 156..159 -> 256..259 exactly (least squares on an exact line)
    assert np.allclose(fc["p50"], [256, 257, 258, 259], atol=1e-6)


def test_global_quantiles_are_ordered_and_cover_every_series(related):
    fc = forecast.GlobalForecaster(horizon=4, max_iter=20).fit(related.frame).predict()
    assert len(fc) == 12 * 4
    assert (fc["p10"] <= fc["p50"]).all() and (fc["p50"] <= fc["p90"]).all()


def test_a_backtest_has_one_row_per_rolling_window(related):
    bt = forecast.backtest(forecast.AdditiveForecaster(horizon=4), related.frame, n_windows=3)
    assert list(bt.windows["window"]) == [0, 1, 2]
    steps = bt.windows["cutoff"].diff().dropna()
    assert (steps == pd.Timedelta(weeks=4)).all()  # origins roll forward by the horizon
    assert bt.forecasts["timestamp"].max() == related.frame["timestamp"].max()


def test_the_global_model_backtests_series_shorter_than_a_season_and_a_horizon(related):
    # 60 weekly points, horizon 8, 2 windows: the first window fits on 44 weeks, so no row has the value one
    # season (52 weeks) back. That feature is held at 0 (scikit-learn's binning fails on a NaN-only column)
    bt = forecast.backtest(forecast.GlobalForecaster(horizon=8, max_iter=20), related.frame, n_windows=2)
    assert list(bt.windows["window"]) == [0, 1] and np.isfinite(bt.windows["WAPE"]).all()
    cutoff = related.frame["timestamp"].max() - pd.Timedelta(weeks=16)
    short = forecast.GlobalForecaster(horizon=8, max_iter=20).fit(related.frame[related.frame["timestamp"] <= cutoff])
    lags = 8
    assert list(np.flatnonzero(short.empty_features_)) == [lags]  # the seasonal feature comes right after the lags
    assert not forecast.GlobalForecaster(horizon=8, max_iter=20).fit(related.frame).empty_features_.any()


def test_the_global_model_wins_on_many_short_series_and_the_additive_one_on_one_long_series():
    table = forecast.compare_families(n_series=12, length=64, single_length=156, n_windows=1, horizon=6)
    winners = dict(zip(table.loc[table["winner"], "data"], table.loc[table["winner"], "model"]))
    # short series cannot pin down a yearly wave alone (the global model learns it from the others);
    # the single series is exactly trend + season, which the additive model extrapolates and trees do not
    assert winners["many related series"].startswith("global")
    assert winners["one long seasonal series"].startswith("additive")


def test_predict_before_fit_is_refused():
    with pytest.raises(RuntimeError, match="not fitted yet"):
        forecast.GlobalForecaster().predict()


def test_quantiles_without_the_median_are_refused():
    with pytest.raises(ValueError, match=r"quantiles must be floats in \(0, 1\) including 0.5"):
        forecast.AdditiveForecaster(quantiles=(0.1, 0.9))


def test_a_frame_without_a_target_column_is_named(related):
    with pytest.raises(KeyError, match="data='target' is not a column"):
        forecast.AdditiveForecaster().fit(related.frame.drop(columns="target"))


def test_too_many_windows_for_the_history_are_refused(related):
    with pytest.raises(ValueError, match="n_windows=20 windows of horizon=8 need at least 164"):
        forecast.backtest(forecast.AdditiveForecaster(), related.frame, n_windows=20)


def test_the_forecasting_request_is_a_valid_create_automl_job_v2():
    req = forecast.forecasting_job_request(horizon=8)
    validate_request("sagemaker", "CreateAutoMLJobV2", req)
    assert req["AutoMLProblemTypeConfig"]["TimeSeriesForecastingJobConfig"]["ForecastQuantiles"] == ["p10", "p50",
                                                                                                     "p90"]

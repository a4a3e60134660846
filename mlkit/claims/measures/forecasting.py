"""Claims of the forecasting topic: a global (DeepAR-like) model for many series, an additive one for one series.

Each measure reuses :mod:`mlkit.forecast` (the seeded generators,
``GlobalForecaster``, ``AdditiveForecaster``, ``backtest``, ``metrics``);
the score is the average weighted quantile loss (avg wQL over p10/p50/p90,
lower is better), the default objective of SageMaker's forecasting jobs.
"""

from __future__ import annotations

from mlkit.claims.ledger import Measurement


def _wql(model, frame) -> float:
    from mlkit import forecast

    return float(forecast.backtest(model, frame, n_windows=1).overall["avg_wQL"])


def global_model_for_many_series(seed: int, n_series: int = 12, length: int = 70, horizon: int = 8,
                                 short_share: float = 0.25, long_length: int = 104) -> Measurement:
    """One global model across many related series against one additive model per series, backtested.

    Two collections of related weekly series
    (:func:`mlkit.forecast.related_series`, ``n_series`` series): one of
    ``length`` weeks where a share ``short_share`` of the series are shorter
    than a season (new products), and one where every series has
    ``long_length`` weeks (two years) of history. Each family is backtested
    on the last ``horizon`` weeks of each (avg wQL).

    Rule: refuted when the global model loses on the collection with short
    series; holds with conditions when it wins there but the per-series
    additive model wins when every series is long (the global model's edge
    is borrowing the season for series that have not seen enough of it);
    holds when it wins on both.
    """
    from mlkit import forecast

    figures = {}
    for label, share, weeks in (("with_short", short_share, length), ("all_long", 0.0, long_length)):
        data = forecast.related_series(n_series=n_series, length=weeks, short_share=share, seed=seed)
        figures[f"wql_global_{label}"] = _wql(forecast.GlobalForecaster(horizon, seed=seed), data.frame)
        figures[f"wql_additive_{label}"] = _wql(forecast.AdditiveForecaster(horizon), data.frame)
    wins_short = figures["wql_global_with_short"] < figures["wql_additive_with_short"]
    wins_long = figures["wql_global_all_long"] < figures["wql_additive_all_long"]
    if not wins_short:
        return Measurement("refuted", figures, corrected=(
            f"with {short_share:.0%} short series the per-series additive model scored avg wQL "
            f"{figures['wql_additive_with_short']:.3f} against the global model's {figures['wql_global_with_short']:.3f}"))
    if not wins_long:
        return Measurement("holds with conditions", figures, condition=(
            f"the global model wins when some series are shorter than a season (avg wQL "
            f"{figures['wql_global_with_short']:.3f} vs {figures['wql_additive_with_short']:.3f}); when every "
            f"series has {long_length} weeks of history the per-series additive model wins ({figures['wql_additive_all_long']:.3f} "
            f"vs {figures['wql_global_all_long']:.3f})"))
    return Measurement("holds", figures)


def additive_model_for_one_series(seed: int, length: int = 120, horizon: int = 8, trend_per_year: float = 20.0,
                                  amplitude: float = 30.0, noise: float = 4.0, margin: float = 0.10) -> Measurement:
    """One weekly series with a trend, a yearly season and noise (:func:`mlkit.forecast.single_series`).

    Both families are backtested on its last ``horizon`` weeks (avg wQL).
    Rule: holds when the additive model's avg wQL is at least ``margin``
    (10 %) lower than the global model's (a clear win, not noise of one
    backtest window); refuted otherwise, with the measured ratio.
    """
    from mlkit import forecast

    data = forecast.single_series(length, trend_per_year=trend_per_year, amplitude=amplitude, noise=noise,
                                  seed=seed)
    additive = _wql(forecast.AdditiveForecaster(horizon), data.frame)
    global_ = _wql(forecast.GlobalForecaster(horizon, seed=seed), data.frame)
    ratio = additive / global_
    figures = {"wql_additive": additive, "wql_global": global_, "ratio_additive_to_global": ratio,
               "trend_per_year": float(trend_per_year), "season_amplitude": float(amplitude), "noise_sd": float(noise)}
    if ratio <= 1 - margin:
        return Measurement("holds", figures)
    return Measurement("refuted", figures, corrected=(
        f"on this series (trend {trend_per_year:g}/year, season amplitude {amplitude:g}, noise sd {noise:g}) the "
        f"additive model's avg wQL was {ratio:.2f} times the global model's: no clear win; its edge comes from a "
        "trend and a season that stand out of the noise"))

"""Time-series forecasting: a global model across many series against a per-series additive model.

The notes' table says: many related time series -> DeepAR (one autoregressive
network trained across all series); one seasonal series -> Prophet (an
additive model of trend and seasonality). This module lets a learner see
why, with numbers, offline:

* data in the long format SageMaker Autopilot/Canvas forecasting takes
  (``item_id``, ``timestamp``, ``target`` and a known-in-advance covariate
  ``promo``): :func:`related_series` (many short related weekly series with a
  shared seasonal shape, per-series level and trend, promotions, missing
  stretches, some very short series) and :func:`single_series` (one long
  seasonal series), each with its injected truth;
* two model families, named for what they are:
  :class:`GlobalForecaster` -- gradient boosting (scikit-learn's
  ``HistGradientBoostingRegressor`` with the quantile loss, one model per
  quantile) trained on the rows of *all* series at once, on scaled lag and
  calendar features (the idea behind DeepAR; DeepAR itself is a recurrent
  network that outputs the parameters of a likelihood and samples paths);
  :class:`AdditiveForecaster` -- per series, a linear trend plus Fourier
  seasonality plus the promotion effect, fitted by numpy least squares
  (Prophet's additive structure without Prophet's changepoints, holidays
  or Stan fitting; Prophet is not used: it needs cmdstan at run time);
* :func:`backtest` with rolling origins, and the metrics SageMaker and
  Amazon Forecast report (:func:`metrics`): average weighted quantile loss
  (wQL over p10/p50/p90), WAPE, RMSE and MASE;
* :func:`compare_families`: both families on both kinds of data;
* :func:`forecasting_job_request`: the ``CreateAutoMLJobV2`` request of a
  time-series forecasting job.

    >>> from mlkit import forecast
    >>> data = forecast.related_series(n_series=8, seed=0)
    >>> fc = forecast.GlobalForecaster(horizon=4).fit(data.frame).predict()
    >>> list(fc.columns)
    ['item_id', 'timestamp', 'p10', 'p50', 'p90']

pandas and scikit-learn are imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

from mlkit._checks import check_float, check_int, check_seed, make_rng
from mlkit.report import Report

__all__ = ["ForecastData", "related_series", "single_series", "GlobalForecaster", "AdditiveForecaster",
           "Backtest", "backtest", "metrics", "compare_families", "forecasting_job_request", "QUANTILES"]

QUANTILES = (0.1, 0.5, 0.9)
COLUMNS = ("item_id", "timestamp", "target")
_START = "2022-01-03"  # a Monday
_FREQ_DAYS = {"W": 7, "D": 1}


@dataclasses.dataclass
class ForecastData:
    """A long frame (item_id, timestamp, target, promo) and the truth the generator put in."""

    frame: Any
    truth: dict
    freq: str = "W"
    season_length: int = 52


def _season(week, amplitude: float):
    import numpy as np

    w = np.asarray(week, dtype=float)
    holiday = np.exp(-0.5 * ((w - 49) / 1.5) ** 2)  # a year-end peak
    return amplitude * (np.sin(2 * np.pi * w / 52) + 0.4 * np.cos(4 * np.pi * w / 52)) + 0.6 * amplitude * holiday


def related_series(n_series: int = 40, length: int = 78, *, short_share: float = 0.25, missing_share: float = 0.2,
                   promo_rate: float = 0.08, promo_lift: float = 0.4, amplitude: float = 0.35,
                   noise: float = 0.08, seed: int | None = 0) -> ForecastData:
    """Many related weekly series ending on the same week: parameters in, :class:`ForecastData` out.

    Every series shares one seasonal shape (``amplitude`` times a yearly
    wave plus a year-end peak, multiplicative); each has its own level
    (log-normal), trend (-15 % to +25 % a year) and promotions (a share
    ``promo_rate`` of weeks lift sales by ``promo_lift``). A share
    ``short_share`` of series is short (16 to 30 weeks: less than a season);
    a share ``missing_share`` has a missing stretch of 3 to 6 weeks in its
    first half. ``truth``: levels, trends, the short and gappy items.

    Errors: ``n_series`` < 2; ``length`` < 40 or > 520; shares outside [0, 1].
    """
    import numpy as np
    import pandas as pd

    check_int("n_series", n_series, low=2, high=10_000)
    check_int("length", length, low=40, high=520)
    for name, v in (("short_share", short_share), ("missing_share", missing_share), ("promo_rate", promo_rate)):
        check_float(name, v, 0.0, 1.0)
    check_float("promo_lift", promo_lift, 0.0, 5.0)
    check_float("amplitude", amplitude, 0.0, 0.9)
    check_float("noise", noise, 0.0, 1.0)
    rng = make_rng(seed)
    end = pd.Timestamp(_START) + pd.Timedelta(weeks=length - 1)
    rows, levels, trends, short, gappy = [], {}, {}, [], []
    for i in range(n_series):
        item = f"item_{i:03d}"
        n = int(rng.integers(16, 31)) if rng.random() < short_share else length
        if n < length:
            short.append(item)
        level = float(np.exp(rng.normal(3.5, 0.8)))
        trend = float(rng.uniform(-0.15, 0.25))
        t = np.arange(length - n, length)  # global week index: every series ends on the same week
        week = (t % 52) + 1
        promo = (rng.random(n) < promo_rate).astype(int)
        mean = level * (1 + trend * t / 52) * (1 + _season(week, amplitude)) * (1 + promo_lift * promo)
        y = np.maximum(mean + rng.normal(0, noise * level, n), 0.0)
        if rng.random() < missing_share and n >= 30:
            start = int(rng.integers(2, n // 2 - 6))
            y[start:start + int(rng.integers(3, 7))] = np.nan
            gappy.append(item)
        stamps = pd.Timestamp(_START) + pd.to_timedelta(t * 7, unit="D")
        rows.append(pd.DataFrame({"item_id": item, "timestamp": stamps, "target": y, "promo": promo}))
        levels[item], trends[item] = level, trend
    frame = pd.concat(rows, ignore_index=True)
    truth = {"levels": levels, "trends_per_year": trends, "short_items": short, "items_with_gaps": gappy,
             "amplitude": amplitude, "promo_lift": promo_lift, "season_length": 52, "end": str(end.date())}
    return ForecastData(frame, truth)


def single_series(length: int = 364, *, level: float = 100.0, trend_per_year: float = 20.0,
                  amplitude: float = 30.0, noise: float = 4.0, seed: int | None = 0) -> ForecastData:
    """One long weekly series: additive linear trend + yearly seasonality + noise (no promotions).

    ``level`` at week 0, ``trend_per_year`` added every 52 weeks,
    ``amplitude`` of the seasonal wave (same shape as :func:`related_series`),
    Gaussian ``noise`` (sd). Errors: ``length`` < 110 or > 2000.
    """
    import numpy as np
    import pandas as pd

    check_int("length", length, low=110, high=2000)
    check_float("noise", noise, 0.0)
    rng = make_rng(seed)
    t = np.arange(length)
    y = level + trend_per_year * t / 52 + _season((t % 52) + 1, 1.0) * amplitude + rng.normal(0, noise, length)
    frame = pd.DataFrame({"item_id": "series_0", "timestamp": pd.Timestamp(_START) + pd.to_timedelta(t * 7, unit="D"),
                          "target": y, "promo": 0})
    return ForecastData(frame, {"level": level, "trend_per_year": trend_per_year, "amplitude": amplitude,
                                "noise_sd": noise, "season_length": 52})


# ---------------------------------------------------------------------------- shared plumbing

def _check_frame(frame) -> Any:
    import pandas as pd

    from mlkit.datasets import ColumnNotFoundError

    if isinstance(frame, ForecastData):
        frame = frame.frame
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame (item_id, timestamp, target[, promo]), "
                        f"got {type(frame).__name__}")
    for col in COLUMNS:
        if col not in frame.columns:
            raise ColumnNotFoundError("data", col, list(frame.columns))
    if len(frame) == 0:
        raise ValueError("data has no rows; a forecaster needs history to learn from")
    return frame


def _to_arrays(frame, step_days: int) -> tuple[dict, Any]:
    """item -> (t index array, y array, promo array); and the time origin."""
    import numpy as np
    import pandas as pd

    origin = pd.Timestamp(frame["timestamp"].min())
    out = {}
    promo = frame["promo"] if "promo" in frame.columns else pd.Series(0, index=frame.index)
    for item, g in frame.assign(_promo=promo).sort_values("timestamp").groupby("item_id", sort=True):
        t = ((g["timestamp"] - origin).dt.days // step_days).to_numpy(dtype=np.int64)
        out[item] = (t, g["target"].to_numpy(dtype=float), g["_promo"].to_numpy(dtype=float))
    return out, origin


class _Base:
    """What both forecasters share: parameters, the future frame, the output frame."""

    name = "base"

    def _check(self) -> None:
        check_int("horizon", self.horizon, low=1, high=500)
        check_int("season_length", self.season_length, low=2, high=1000)
        qs = tuple(self.quantiles)
        if not qs or any(not isinstance(q, float) or not 0 < q < 1 for q in qs) or 0.5 not in qs:
            raise ValueError(f"quantiles must be floats in (0, 1) including 0.5, got {self.quantiles!r}")
        if self.freq not in _FREQ_DAYS:
            raise ValueError(f"freq must be one of {', '.join(_FREQ_DAYS)}, got {self.freq!r}")

    def _future(self, future, item, t_last):
        """Promo for the next horizon steps of ``item`` (0 when not given)."""
        import numpy as np

        steps = np.arange(t_last + 1, t_last + 1 + self.horizon)
        promo = np.zeros(self.horizon)
        if future is not None and item in future:
            ft, fp = future[item]
            lookup = dict(zip(ft.tolist(), fp.tolist()))
            promo = np.array([lookup.get(int(s), 0.0) for s in steps])
        return steps, promo

    def _output(self, rows: list[dict]):
        import pandas as pd

        cols = ["item_id", "timestamp"] + [f"p{round(q * 100)}" for q in self.quantiles]
        return pd.DataFrame(rows, columns=cols)

    def _stamp(self, t):
        import pandas as pd

        return self.origin_ + pd.Timedelta(days=int(t) * _FREQ_DAYS[self.freq])

    def predict(self, future=None):
        """The next ``horizon`` steps after each series' last observation, one row per step.

        ``future``: a frame (item_id, timestamp, promo) of the planned
        promotions (known in advance, as SageMaker's related time series);
        missing means no promotion. Columns: item_id, timestamp, p10, p50,
        p90 (one column per quantile). Raises ``RuntimeError`` before fit.
        """
        if not hasattr(self, "series_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet; call fit(data) first")
        fut = None
        if future is not None:
            f = future.copy()
            if "target" not in f.columns:
                f["target"] = float("nan")
            fut, _ = _to_arrays(f.assign(timestamp=f["timestamp"]), _FREQ_DAYS[self.freq])
            shift = (min(f["timestamp"]) - self.origin_).days // _FREQ_DAYS[self.freq]
            fut = {k: (t + shift, p) for k, (t, _, p) in fut.items()}
        return self._predict(fut)


# ---------------------------------------------------------------------------- the global model

class GlobalForecaster(_Base):
    """A global quantile gradient-boosting forecaster: one model per quantile across all series.

    In: a long frame (item_id, timestamp, target[, promo]). ``fit`` builds,
    for every series and every forecast origin in its history, one row per
    step ahead h = 1..``horizon``: the last ``lags`` values and the value one
    season before the target week (all divided by the series' mean over the
    13 steps before the origin), h, the week of the season, the promotion
    flag of the target week and the log of the scale; the label is the
    target divided by the same scale. One ``HistGradientBoostingRegressor``
    (``loss="quantile"``) per quantile learns from all series at once, so a
    short series borrows the seasonal shape the long ones show. ``predict``
    returns p10/p50/p90 for the next ``horizon`` steps (sorted per step so
    the quantiles never cross). State set by fit: ``models_``,
    ``series_``, ``origin_``, ``n_rows_``, ``empty_features_`` (features no
    training row has, such as the value one season back when every series
    is shorter than a season; held at 0).

    The idea behind DeepAR (one model, many series, scaled inputs,
    probabilistic output); DeepAR itself is an LSTM that outputs the
    parameters of a distribution and samples future paths step by step.

    >>> from mlkit.forecast import related_series
    >>> m = GlobalForecaster(horizon=4).fit(related_series(n_series=6).frame)
    >>> len(m.predict()) == 6 * 4
    True

    Errors: ``horizon``/``lags``/``season_length``/``max_iter`` not positive
    ints; quantiles not floats in (0, 1) with 0.5; a frame without
    item_id/timestamp/target or without rows.
    """

    name = "global gradient boosting (DeepAR-like)"

    def __init__(self, horizon: int = 8, *, lags: int = 8, season_length: int = 52,
                 quantiles: Sequence[float] = QUANTILES, max_iter: int = 60, learning_rate: float = 0.15,
                 freq: str = "W", seed: int | None = 0):
        self.horizon = horizon
        self.lags = lags
        self.season_length = season_length
        self.quantiles = quantiles
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.freq = freq
        self.seed = seed
        self._check()
        check_int("lags", lags, low=1, high=200)
        check_int("max_iter", max_iter, low=1, high=5000)
        check_float("learning_rate", learning_rate, 0.0, 1.0, low_open=True)
        check_seed(seed)

    def _features(self, y, promo_at, t_series, t0_pos: int, steps_t, woy_offset: int):
        """Feature rows for one origin (position t0_pos in the series) and target times steps_t."""
        import numpy as np

        hist = y[:t0_pos + 1]
        recent = hist[-13:]
        recent = recent[~np.isnan(recent)]
        scale = float(recent.mean()) if len(recent) and recent.mean() > 0 else 1.0
        lagv = np.full(self.lags, np.nan)
        tail = hist[-self.lags:][::-1] / scale
        lagv[:len(tail)] = tail
        t0 = t_series[t0_pos]
        rows = []
        pos_of = {int(t): i for i, t in enumerate(t_series)}
        for h, (tt, pr) in enumerate(zip(steps_t, promo_at), start=1):
            j = pos_of.get(int(tt) - self.season_length)
            seas = y[j] / scale if j is not None and j <= t0_pos else np.nan
            rows.append([*lagv, seas, h, (int(tt) + woy_offset) % self.season_length, pr, math.log(scale)])
        return np.array(rows, dtype=float), scale

    def fit(self, data) -> "GlobalForecaster":
        """Fit one quantile model per quantile on every series' history; returns self."""
        import numpy as np
        from sklearn.ensemble import HistGradientBoostingRegressor
        from threadpoolctl import threadpool_limits

        frame = _check_frame(data)
        series, self.origin_ = _to_arrays(frame, _FREQ_DAYS[self.freq])
        self._woy = self._woy_offset()
        X, Y = [], []
        for item, (t, y, promo) in series.items():
            n = len(y)
            for p0 in range(2, n - 1):
                end = min(n, p0 + 1 + self.horizon)
                tgt = y[p0 + 1:end]
                if not np.isfinite(tgt).any():
                    continue
                feats, scale = self._features(y, promo[p0 + 1:end], t, p0, t[p0 + 1:end], self._woy)
                ok = np.isfinite(tgt)
                X.append(feats[ok])
                Y.append(tgt[ok] / scale)
        if not X:
            raise ValueError("data holds no series with at least 4 observations; nothing to learn from")
        X, Y = np.vstack(X), np.concatenate(Y)
        # a feature no row has (the value one season back, when every series is shorter than a season and
        # a horizon) is set to 0 here and in predict: constant, so ignored (scikit-learn's binning fails on a
        # column of NaN only)
        self.empty_features_ = ~np.isfinite(X).any(axis=0)
        X[:, self.empty_features_] = 0.0
        self.n_rows_ = len(Y)
        self.models_ = {}
        for q in self.quantiles:
            model = HistGradientBoostingRegressor(loss="quantile", quantile=q, max_iter=self.max_iter,
                                                  learning_rate=self.learning_rate, max_leaf_nodes=15,
                                                  random_state=self.seed or 0, early_stopping=False)
            with threadpool_limits(1):  # one core: the machine is shared, and OpenMP threads spin
                self.models_[q] = model.fit(X, Y)
        self.series_ = series
        return self

    def _woy_offset(self) -> int:
        # week of the season of t = 0 (so a season index is comparable across fits with other origins)
        return int(((self.origin_ - _origin0()).days // _FREQ_DAYS[self.freq]) % self.season_length)

    def _predict(self, future):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # many small predict calls: OpenMP threads would spin on each
            return self._predict_all(future)

    def _predict_all(self, future):
        import numpy as np

        rows = []
        for item, (t, y, promo) in self.series_.items():
            if np.isfinite(y).sum() < 2:
                continue
            steps, fpromo = self._future(future, item, t[-1])
            feats, scale = self._features(y, fpromo, t, len(y) - 1, steps, self._woy)
            feats[:, self.empty_features_] = 0.0
            preds = np.sort(np.column_stack([self.models_[q].predict(feats) for q in self.quantiles]), axis=1)
            for k, s in enumerate(steps):
                rows.append({"item_id": item, "timestamp": self._stamp(s),
                             **{f"p{round(q * 100)}": float(preds[k, j] * scale)
                                for j, q in enumerate(self.quantiles)}})
        return self._output(rows)


def _origin0():
    import pandas as pd

    return pd.Timestamp(_START)


# ---------------------------------------------------------------------------- the per-series additive model

class AdditiveForecaster(_Base):
    """Per series: target = a + b t + Fourier seasonality (``n_harmonics``) + c promo, by least squares.

    Prophet's additive structure (trend + seasonality + regressors) fitted
    with ``numpy.linalg.lstsq`` (with a small ridge ``ridge`` on every
    coefficient but the intercept); not Prophet (no changepoints, holidays
    or Stan). Each series is fitted on its own observations; quantiles are
    the p50 plus the residuals' empirical quantiles. A series shorter than a
    season cannot pin down a yearly wave: that is the lesson. State set by
    fit: ``coef_`` (item -> coefficients), ``resid_q_``, ``series_``.

    >>> from mlkit.forecast import single_series
    >>> m = AdditiveForecaster(horizon=4).fit(single_series().frame)
    >>> len(m.predict())
    4

    Errors: as :class:`GlobalForecaster`; ``n_harmonics`` not an int in [0, 26].
    """

    name = "additive trend + seasonality per series (Prophet-like, least squares)"

    def __init__(self, horizon: int = 8, *, n_harmonics: int = 10, season_length: int = 52,
                 quantiles: Sequence[float] = QUANTILES, ridge: float = 1e-3, freq: str = "W"):
        self.horizon = horizon
        self.n_harmonics = n_harmonics
        self.season_length = season_length
        self.quantiles = quantiles
        self.ridge = ridge
        self.freq = freq
        self._check()
        check_int("n_harmonics", n_harmonics, low=0, high=26)
        check_float("ridge", ridge, 0.0)

    def _design(self, t, promo):
        import numpy as np

        tt = (np.asarray(t, dtype=float) + self._woy)
        cols = [np.ones_like(tt), np.asarray(t, dtype=float) / self.season_length]
        for k in range(1, self.n_harmonics + 1):
            cols += [np.sin(2 * np.pi * k * tt / self.season_length), np.cos(2 * np.pi * k * tt / self.season_length)]
        cols.append(np.asarray(promo, dtype=float))
        return np.column_stack(cols)

    def fit(self, data) -> "AdditiveForecaster":
        """Fit each series on its own observed points; returns self."""
        import numpy as np

        frame = _check_frame(data)
        series, self.origin_ = _to_arrays(frame, _FREQ_DAYS[self.freq])
        self._woy = int(((self.origin_ - _origin0()).days // _FREQ_DAYS[self.freq]) % self.season_length)
        self.coef_, self.resid_q_ = {}, {}
        for item, (t, y, promo) in series.items():
            ok = np.isfinite(y)
            if ok.sum() < 2:
                continue
            A, b = self._design(t[ok], promo[ok]), y[ok]
            penalty = np.sqrt(self.ridge * len(b)) * np.eye(A.shape[1])[1:]
            coef = np.linalg.lstsq(np.vstack([A, penalty]), np.concatenate([b, np.zeros(len(penalty))]),
                                   rcond=None)[0]
            resid = b - A @ coef
            self.coef_[item] = coef
            self.resid_q_[item] = {q: float(np.quantile(resid, q) - np.quantile(resid, 0.5)) for q in self.quantiles}
        self.series_ = series
        return self

    def _predict(self, future):
        import numpy as np

        rows = []
        for item, coef in self.coef_.items():
            t = self.series_[item][0]
            steps, fpromo = self._future(future, item, t[-1])
            p50 = self._design(steps, fpromo) @ coef
            for k, s in enumerate(steps):
                rows.append({"item_id": item, "timestamp": self._stamp(s),
                             **{f"p{round(q * 100)}": float(p50[k] + self.resid_q_[item][q])
                                for q in self.quantiles}})
        return self._output(rows)


# ---------------------------------------------------------------------------- metrics and backtests

def metrics(forecasts, history=None, *, season_length: int = 52, quantiles: Sequence[float] = QUANTILES) -> dict:
    """Forecast accuracy as SageMaker Autopilot/Amazon Forecast report it.

    ``forecasts``: rows with ``target`` (the truth) and one column per
    quantile (``p10``, ``p50``, ``p90``); rows with a missing truth are left
    out. ``history`` (long frame) gives each series' in-sample seasonal-naive
    error for MASE.

    * ``wQL[tau] = 2 * sum(tau * max(y - q, 0) + (1 - tau) * max(q - y, 0)) / sum(|y|)``,
      ``avg_wQL`` their mean over the quantiles;
    * ``WAPE = sum(|y - p50|) / sum(|y|)``;  ``RMSE = sqrt(mean((y - p50)^2))``;
    * ``MASE``: per series mean(|y - p50|) / mean(|y_t - y_{t-m}|) over its
      history (m = ``season_length``, or 1 when the history is shorter than
      m + 2), averaged over series (NaN without ``history``).
    """
    import numpy as np

    f = forecasts[np.isfinite(forecasts["target"].to_numpy(dtype=float))]
    y = f["target"].to_numpy(dtype=float)
    denom = np.abs(y).sum()
    out = {}
    for q in quantiles:
        qv = f[f"p{round(q * 100)}"].to_numpy(dtype=float)
        out[f"wQL[{q}]"] = float(2 * (q * np.maximum(y - qv, 0) + (1 - q) * np.maximum(qv - y, 0)).sum() / denom)
    out["avg_wQL"] = float(np.mean([out[f"wQL[{q}]"] for q in quantiles]))
    err = y - f["p50"].to_numpy(dtype=float)
    out["WAPE"] = float(np.abs(err).sum() / denom)
    out["RMSE"] = float(np.sqrt(np.mean(err ** 2)))
    mase = []
    if history is not None:
        for item, g in f.assign(_err=np.abs(err)).groupby("item_id"):
            h = history.loc[history["item_id"] == item].sort_values("timestamp")["target"].to_numpy(dtype=float)
            m = season_length if len(h) >= season_length + 2 else 1
            naive = np.abs(h[m:] - h[:-m])
            naive = naive[np.isfinite(naive)]
            if len(naive) and naive.mean() > 0:
                mase.append(g["_err"].mean() / naive.mean())
    out["MASE"] = float(np.mean(mase)) if mase else float("nan")
    return out


@dataclasses.dataclass
class Backtest(Report):
    """A rolling-origin backtest: per-window metrics, the overall metrics, every forecast against the truth.

    ``windows``: window, cutoff (last timestamp trained on), avg_wQL, WAPE,
    RMSE, MASE. ``overall``: :func:`metrics` over all windows' forecasts.
    ``forecasts``: item_id, timestamp, window, target, p10, p50, p90.
    """

    model: str
    horizon: int
    n_windows: int
    windows: Any
    overall: dict
    forecasts: Any = dataclasses.field(repr=False)

    def to_dict(self) -> dict:
        return {"model": self.model, "horizon": self.horizon, "n_windows": self.n_windows,
                "overall": self.overall, "windows": self.windows.to_dict(orient="records")}


def backtest(model, data, *, n_windows: int = 3, progress: bool = False) -> Backtest:
    """Refit ``model`` (a clone per window) on the data up to each cutoff and forecast its horizon.

    The cutoffs step back ``horizon`` steps from the end: the last window
    forecasts the final ``horizon`` steps. Planned promotions of the window
    are passed as known future covariates. ``model`` is not changed.
    Errors: ``n_windows`` not an int in [1, 50]; history too short for the
    windows.
    """
    import copy

    import numpy as np
    import pandas as pd

    frame = _check_frame(data)
    check_int("n_windows", n_windows, low=1, high=50)
    step = pd.Timedelta(days=_FREQ_DAYS[model.freq])
    end = frame["timestamp"].max()
    h = model.horizon
    if frame["timestamp"].nunique() < h * n_windows + 4:
        raise ValueError(f"the data spans {frame['timestamp'].nunique()} steps; n_windows={n_windows} windows of "
                         f"horizon={h} need at least {h * n_windows + 4}")
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_windows, desc=f"backtest {model.name}", unit="window")
    parts, rows = [], []
    try:
        for w in range(n_windows):
            cutoff = end - step * h * (n_windows - w)
            train = frame[frame["timestamp"] <= cutoff]
            test = frame[(frame["timestamp"] > cutoff) & (frame["timestamp"] <= cutoff + step * h)]
            fitted = copy.deepcopy(model).fit(train)
            fc = fitted.predict(test.drop(columns=["target"]))
            merged = fc.merge(test[["item_id", "timestamp", "target"]], on=["item_id", "timestamp"], how="inner")
            merged.insert(2, "window", w)
            m = metrics(merged, train, season_length=model.season_length, quantiles=model.quantiles)
            rows.append({"window": w, "cutoff": cutoff, **{k: m[k] for k in ("avg_wQL", "WAPE", "RMSE", "MASE")}})
            parts.append(merged)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    forecasts = pd.concat(parts, ignore_index=True)
    overall = metrics(forecasts, _history_per_window(frame, forecasts), season_length=model.season_length,
                      quantiles=model.quantiles)
    return Backtest(model.name, h, n_windows, pd.DataFrame(rows), overall, forecasts)


def _history_per_window(frame, forecasts):
    """The history before the first window (MASE's in-sample scale)."""
    first = forecasts["timestamp"].min()
    return frame[frame["timestamp"] < first]


def compare_families(*, horizon: int = 8, n_windows: int = 2, n_series: int = 30, length: int = 78,
                     single_length: int = 260, seed: int | None = 0, progress: bool = False):
    """Backtest both families on many related series and on one long seasonal series.

    Returns a DataFrame: data, model, avg_wQL, WAPE, RMSE, MASE, winner (the
    lower avg_wQL of the two models on that data).
    """
    import pandas as pd

    rows = []
    for label, data in (("many related series", related_series(n_series, length, seed=seed)),
                        ("one long seasonal series", single_series(single_length, seed=seed))):
        results = []
        for model in (GlobalForecaster(horizon), AdditiveForecaster(horizon)):
            bt = backtest(model, data.frame, n_windows=n_windows, progress=progress)
            results.append({"data": label, "model": bt.model,
                            **{k: bt.overall[k] for k in ("avg_wQL", "WAPE", "RMSE", "MASE")}})
        best = min(results, key=lambda r: r["avg_wQL"])
        for r in results:
            r["winner"] = r is best
        rows.extend(results)
    return pd.DataFrame(rows)


def forecasting_job_request(job_name: str = "mlkit-forecast", *, horizon: int = 8, freq: str = "W",
                            quantiles: Sequence[float] = QUANTILES,
                            s3_uri: str = "s3://mlkit-course/forecast/input/") -> dict:
    """``CreateAutoMLJobV2`` parameters of a time-series forecasting job (placeholder role and bucket).

    ``ForecastHorizon`` is ``horizon``; ``ForecastQuantiles`` p10/p50/p90;
    the objective AverageWeightedQuantileLoss (SageMaker's default for
    forecasting). Errors: ``horizon`` not an int >= 1; ``freq`` not W or D;
    more than 5 quantiles (SageMaker's limit).
    """
    check_int("horizon", horizon, low=1)
    if freq not in _FREQ_DAYS:
        raise ValueError(f"freq must be one of {', '.join(_FREQ_DAYS)}, got {freq!r}")
    if not 1 <= len(quantiles) <= 5:
        raise ValueError(f"quantiles must hold 1 to 5 values (ForecastQuantiles), got {len(quantiles)}")
    return {
        "AutoMLJobName": job_name,
        "AutoMLJobInputDataConfig": [{"ChannelType": "training", "ContentType": "text/csv;header=present",
                                      "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": s3_uri}}}],
        "OutputDataConfig": {"S3OutputPath": f"s3://mlkit-course/forecast/{job_name}/"},
        "AutoMLProblemTypeConfig": {"TimeSeriesForecastingJobConfig": {
            "ForecastFrequency": freq, "ForecastHorizon": int(horizon),
            "ForecastQuantiles": [f"p{round(q * 100)}" for q in quantiles],
            "TimeSeriesConfig": {"TargetAttributeName": "target", "TimestampAttributeName": "timestamp",
                                 "ItemIdentifierAttributeName": "item_id"},
            "CompletionCriteria": {"MaxAutoMLJobRuntimeInSeconds": 3600}}},
        "RoleArn": "arn:aws:iam::000000000000:role/SageMakerRole",
        "AutoMLJobObjective": {"MetricName": "AverageWeightedQuantileLoss"},
    }

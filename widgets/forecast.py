"""The forecast explorer: both model families' quantile bands against the truth, one series at a time."""

from __future__ import annotations

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["ForecastExplorer"]

_KINDS = ("many related series", "one long seasonal series")


class ForecastExplorer(MlkitWidget):
    """Pick data and a series; see the global and the additive model's p10-p90 bands and p50 against the truth.

    Contract: for the chosen ``data`` both families are fitted once on the
    history before the last ``horizon`` steps (cached per data and horizon)
    and forecast those steps; ``self.result`` is a dict with ``item``,
    ``history``/``truth`` (frames), ``forecasts`` (model name -> frame of
    p10/p50/p90) and ``metrics`` (model name -> :func:`mlkit.forecast.metrics`
    on that series). Changing ``item`` only redraws.

    >>> w = ForecastExplorer(n_series=6, horizon=4)
    >>> sorted(w.result["forecasts"]) == sorted(w.models)
    True
    """

    retrains = True

    def __init__(self, data: str = _KINDS[0], horizon: int = 8, n_series: int = 16, seed: int = 0):
        from mlkit import forecast

        self.data = data
        self.horizon = horizon
        self.n_series = n_series
        self.seed = seed
        self._frames = {_KINDS[0]: forecast.related_series(n_series=n_series, length=70, seed=seed).frame,
                        _KINDS[1]: forecast.single_series(208, seed=seed).frame}
        self._fits: dict = {}
        self.models = ("global gradient boosting", "additive per series")
        style = {"description_width": "70px"}
        items = sorted(self._frames[data]["item_id"].unique())
        controls = {
            "data": ipywidgets.Dropdown(options=list(_KINDS), value=data, description="data", style=style),
            "item": ipywidgets.Dropdown(options=items, value=items[0], description="series", style=style),
            "horizon": ipywidgets.IntSlider(value=horizon, min=2, max=16, description="horizon", style=style,
                                            continuous_update=False),
        }
        self.table = ipywidgets.HTML()
        super().__init__(controls, title="Forecast explorer: global vs per-series", body=[self.table],
                         figsize=(7.5, 3.2), compute_now=False)
        controls["data"].observe(self._data_changed, names="value")
        ax = self.ax = self.figure.add_subplot(111)
        self.figure.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.15)
        self.history_line, = ax.plot([], [], color="black", lw=1.2, label="history")
        self.truth_line, = ax.plot([], [], color="black", lw=1.2, ls="--", marker=".", label="truth")
        colours = {self.models[0]: "#1f77b4", self.models[1]: "#d62728"}
        self.bands, self.medians = {}, {}
        for name in self.models:
            self.bands[name] = ax.fill_between([0, 0], [0, 0], [0, 0], color=colours[name], alpha=0.2)
            self.medians[name], = ax.plot([], [], color=colours[name], lw=2, label=f"{name} p50 (band p10-p90)")
        ax.legend(loc="upper left", fontsize=7)
        ax.set_ylabel("target")
        self.update()

    def _data_changed(self, change) -> None:
        # the data's own observer has already drawn its first series; list its series (selects the first)
        self.controls["item"].options = sorted(self._frames[change["new"]]["item_id"].unique())

    def _fitted(self, data: str, horizon: int):
        import pandas as pd

        from mlkit import forecast

        key = (data, horizon)
        if key not in self._fits:
            frame = self._frames[data]
            cutoff = frame["timestamp"].max() - pd.Timedelta(weeks=horizon)
            train, test = frame[frame["timestamp"] <= cutoff], frame[frame["timestamp"] > cutoff]
            fcs = {}
            for name, model in zip(self.models, (forecast.GlobalForecaster(horizon),
                                                 forecast.AdditiveForecaster(horizon))):
                fcs[name] = model.fit(train).predict(test.drop(columns="target"))
            self._fits[key] = (train, test, fcs)
        return self._fits[key]

    def compute(self, data, item, horizon):
        from mlkit import forecast

        items = sorted(self._frames[data]["item_id"].unique())
        if item not in items:  # the data just changed: its first series until the list follows
            item = items[0]
        train, test, fcs = self._fitted(data, horizon)
        hist = train[train["item_id"] == item]
        truth = test[test["item_id"] == item]
        out = {"item": item, "history": hist, "truth": truth, "forecasts": {}, "metrics": {}}
        for name, fc in fcs.items():
            f = fc[fc["item_id"] == item].merge(truth[["item_id", "timestamp", "target"]], on=["item_id", "timestamp"])
            out["forecasts"][name] = f
            out["metrics"][name] = forecast.metrics(f, hist)
        return out

    def draw(self, result) -> None:
        import matplotlib.dates as mdates

        hist, truth = result["history"].tail(60), result["truth"]
        self.history_line.set_data(mdates.date2num(hist["timestamp"]), hist["target"])
        self.truth_line.set_data(mdates.date2num(truth["timestamp"]), truth["target"])
        lo, hi = [hist["target"].min(), truth["target"].min()], [hist["target"].max(), truth["target"].max()]
        for name, f in result["forecasts"].items():
            x = mdates.date2num(f["timestamp"])
            self.bands[name].remove()
            self.bands[name] = self.ax.fill_between(x, f["p10"], f["p90"], color=self.medians[name].get_color(),
                                                    alpha=0.2)
            self.medians[name].set_data(x, f["p50"])
            lo.append(f["p10"].min())
            hi.append(f["p90"].max())
        xs = mdates.date2num(hist["timestamp"])
        x_end = mdates.date2num(truth["timestamp"]).max() if len(truth) else xs.max()
        self.ax.set_xlim(xs.min(), x_end + 3)
        lo_v, hi_v = min(v for v in lo if v == v), max(v for v in hi if v == v)
        pad = 0.08 * (hi_v - lo_v or 1)
        self.ax.set_ylim(lo_v - pad, hi_v + pad)
        self.ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        self.ax.set_title(f"{result['item']}: last {len(truth)} weeks held out", loc="left", fontsize=10)
        self.invalidate_background()
        self.refresh_figure()
        rows = "".join(f"<tr><td>{name}</td><td>{m['avg_wQL']:.3f}</td><td>{m['WAPE']:.3f}</td>"
                       f"<td>{m['RMSE']:.2f}</td><td>{m['MASE']:.2f}</td></tr>"
                       for name, m in result["metrics"].items())
        self.table.value = html_block("<table><tr><th>model</th><th>avg wQL</th><th>WAPE</th><th>RMSE</th>"
                                      f"<th>MASE</th></tr>{rows}</table>")

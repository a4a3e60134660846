"""The inference-mode explorer: one workload against real-time, serverless, async and batch."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["InferenceModeExplorer"]

_MODES = ("real-time", "serverless", "async", "batch")
_COLOURS = {"real-time": "#1f77b4", "serverless": "#ff7f0e", "async": "#2ca02c", "batch": "#9467bd"}


class InferenceModeExplorer(MlkitWidget):
    """Controls for a workload; latency percentiles and cost per mode, and the recommended mode.

    Contract: every control change calls
    :func:`mlkit.inference.explore.compare_modes` and shows its
    :class:`~mlkit.inference.explore.ModeComparison` (``self.result``): a
    figure with p50/p95/p99 latency (log scale) and cost per mode, the
    summary table, and the chooser's recommendation with its reasons. The
    last 32 comparisons are kept per setting (the simulation is seeded: a
    setting always gives the same comparison), so going back to one is
    instant.

    >>> w = InferenceModeExplorer(traffic="steady", rate_rps=1.0, hours=1.0)
    >>> w.set(processing_ms=90_000.0)      # 90 s: over the 60 s real-time limit
    >>> w.result.recommendation.mode
    'async'
    """

    def __init__(self, traffic="intermittent", rate_rps=2.0, hours=6.0, payload_mb=0.01,
                 processing_ms=50.0, latency="interactive", needs_vpc=False, cold_starts_ok=False, seed=0):
        from mlkit.inference.chooser import LATENCIES
        from mlkit.inference.explore import TRAFFIC_SHAPES

        self.traffic = traffic
        self.rate_rps = rate_rps
        self.hours = hours
        self.payload_mb = payload_mb
        self.processing_ms = processing_ms
        self.latency = latency
        self.needs_vpc = needs_vpc
        self.cold_starts_ok = cold_starts_ok
        self.seed = seed
        wide = {"style": {"description_width": "120px"}, "continuous_update": False}
        controls = {
            "traffic": ipywidgets.Dropdown(options=TRAFFIC_SHAPES, value=traffic, description="traffic",
                                           style=wide["style"]),
            "rate_rps": ipywidgets.FloatLogSlider(value=rate_rps, base=10, min=-2, max=2, step=0.1,
                                                  description="requests/s", readout_format=".3g", **wide),
            "hours": ipywidgets.FloatSlider(value=hours, min=0.5, max=24, step=0.5, description="hours",
                                            **wide),
            "payload_mb": ipywidgets.FloatLogSlider(value=payload_mb, base=10, min=-3, max=3, step=0.1,
                                                    description="payload MB", readout_format=".3g", **wide),
            "processing_ms": ipywidgets.FloatLogSlider(value=processing_ms, base=10, min=0, max=6.5,
                                                       step=0.1, description="processing ms",
                                                       readout_format=".3g", **wide),
            "latency": ipywidgets.Dropdown(options=LATENCIES, value=latency, description="latency need",
                                           style=wide["style"]),
            "needs_vpc": ipywidgets.Checkbox(value=needs_vpc, description="needs a VPC", indent=False),
            "cold_starts_ok": ipywidgets.Checkbox(value=cold_starts_ok, indent=False,
                                                  description="callers accept a cold start now and then"),
            "seed": ipywidgets.IntText(value=seed, description="seed", style=wide["style"]),
        }
        self.recommendation = ipywidgets.HTML()
        self.table = ipywidgets.HTML(layout=ipywidgets.Layout(overflow="auto"))
        self._axes = None  # made on the first draw, then updated in place
        super().__init__(controls, title="Inference modes side by side",
                         body=[self.recommendation, self.table], figsize=(8.0, 3.0))

    def compute(self, cold_starts_ok, **values):
        from mlkit.inference import explore

        # same controls, same seed: same comparison, so going back to a setting shows it at once
        key = (cold_starts_ok, *sorted(values.items()))
        cache = self.__dict__.setdefault("_comparisons", {})
        if key not in cache:
            # unticked: the chooser's default (only near-real-time callers accept cold starts)
            result = explore.compare_modes(tolerates_cold_starts=True if cold_starts_ok else None, **values)
            if len(cache) >= 32:
                cache.pop(next(iter(cache)))
            cache[key] = result
        return cache[key]

    def draw(self, result) -> None:
        rec = result.recommendation
        reasons = "".join(f"<li>{html.escape(r.text)} <i>[{html.escape(r.rests_on)}]</i></li>"
                          for r in rec.reasons)
        self.recommendation.value = html_block(
            f"<b>Recommended: {html.escape(rec.mode_name)}</b><ul style='margin:2px 0'>{reasons}</ul>")
        shown = result.table[["requests", "served", "cold_starts", "throttled", "timeout", "too_large",
                              "p50_ms", "p99_ms", "instance_hours", "cost"]]
        self.table.value = shown.to_html(float_format=lambda v: f"{v:,.3g}", border=0)
        self._draw_figure(result)

    def _draw_figure(self, result) -> None:
        # Bars are made once; later draws only change their heights (a redraw
        # of cleared log axes costs ten times more).
        table = result.table
        if self._axes is None:
            self._make_axes()
        lat_ax, cost_ax = self._axes
        for col, bars in self._latency_bars.items():
            for mode, bar in zip(_MODES, bars):
                served = table.loc[mode, "served"] > 0
                bar.set_height(max(float(table.loc[mode, col]), 0.1) if served else 0.0)
        for bar, mode in zip(self._cost_bars, _MODES):
            bar.set_height(max(float(table.loc[mode, "cost"]), 1e-6))  # log axis: zero sits below it
        self.refresh_figure(dynamic=[*self._cost_bars, *(b for bars in self._latency_bars.values() for b in bars)])

    def _make_axes(self) -> None:
        fig = self.figure
        lat_ax, cost_ax = self._axes = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.16, top=0.88, wspace=0.35)
        x = list(range(len(_MODES)))
        width = 0.27
        self._latency_bars = {}
        for j, (col, label) in enumerate((("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"))):
            self._latency_bars[col] = lat_ax.bar([i + (j - 1) * width for i in x], [1.0] * len(x), width,
                                                 label=label, alpha=0.55 + 0.2 * j)
        lat_ax.set_yscale("log")
        lat_ax.set_ylim(0.1, 1e8)  # fixed: 0.1 ms to about a day, so no re-autoscaling per draw
        lat_ax.set_yticks([1, 1e3, 6e4, 3.6e6, 8.64e7], ["1 ms", "1 s", "1 min", "1 h", "1 day"])
        lat_ax.set_xticks(x, list(_MODES))
        lat_ax.set_title("latency per request", y=1.0)  # y given: no costly auto-placement
        lat_ax.legend(fontsize=8, loc="upper left")
        self._cost_bars = cost_ax.bar(x, [1e-6] * len(x), color=[_COLOURS[m] for m in _MODES])
        cost_ax.set_yscale("log")
        cost_ax.set_ylim(1e-4, 1e4)  # fixed, like the latency axis: only the bars change per draw
        cost_ax.set_yticks([1e-3, 1e-1, 1e1, 1e3], ["$0.001", "$0.10", "$10", "$1,000"])
        cost_ax.set_xticks(x, list(_MODES))
        cost_ax.set_title("cost of the window (illustrative prices)", y=1.0)

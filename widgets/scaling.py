"""Scaling widgets: a multi-model cache explorer and a simulated week of autoscaling."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["MultiModelCacheExplorer", "ScalingWeek"]

_WIDE = {"style": {"description_width": "150px"}, "continuous_update": False}


class MultiModelCacheExplorer(MlkitWidget):
    """Models, popularity skew and memory budget in; hit rate and latency of a multi-model endpoint out.

    Contract: every control change calls
    :func:`mlkit.inference.multimodel.simulate_cache` and keeps its
    :class:`~mlkit.inference.multimodel.CacheSimulation` in ``self.result``;
    the figure shows the hit rate and the latency percentiles (log scale),
    the table the figures. A budget smaller than one model shows the
    engine's message in the banner.

    >>> w = MultiModelCacheExplorer(n_models=100, memory_budget_mb=1000, model_mb=100)
    >>> w.set(memory_budget_mb=10_000)   # all 100 models fit
    >>> w.result.evictions
    0
    """

    def __init__(self, n_models=200, skew=1.0, memory_budget_mb=2000.0, model_mb=100.0, load_ms_per_mb=5.0,
                 requests=20_000, seed=0):
        self.n_models = n_models
        self.skew = skew
        self.memory_budget_mb = memory_budget_mb
        self.model_mb = model_mb
        self.load_ms_per_mb = load_ms_per_mb
        self.requests = requests
        self.seed = seed
        controls = {
            "n_models": ipywidgets.IntSlider(value=n_models, min=1, max=2000, step=1, description="models", **_WIDE),
            "skew": ipywidgets.FloatSlider(value=skew, min=0.0, max=2.5, step=0.1, description="popularity skew",
                                           **_WIDE),
            "memory_budget_mb": ipywidgets.FloatLogSlider(value=memory_budget_mb, base=10, min=1, max=5, step=0.05,
                                                          description="memory budget MB", readout_format=".4g",
                                                          **_WIDE),
            "model_mb": ipywidgets.FloatLogSlider(value=model_mb, base=10, min=0, max=4, step=0.05,
                                                  description="model size MB", readout_format=".4g", **_WIDE),
            "load_ms_per_mb": ipywidgets.FloatSlider(value=load_ms_per_mb, min=0.0, max=50.0, step=0.5,
                                                     description="load ms per MB", **_WIDE),
            "seed": ipywidgets.IntText(value=seed, description="seed", style=_WIDE["style"]),
        }
        self.table = ipywidgets.HTML()
        self._axes = None
        super().__init__(controls, title="Multi-model endpoint: cache hits and cold loads",
                         body=[self.table], figsize=(8.0, 2.8))

    def compute(self, **values):
        from mlkit.inference.multimodel import simulate_cache

        return simulate_cache(requests=self.requests, **values)

    def draw(self, result) -> None:
        self.table.value = html_block(
            f"<b>{result.requests:,}</b> requests to <b>{result.n_models}</b> models; "
            f"<b>{result.models_fitting}</b> fit in memory at once. Hit rate <b>{result.hit_rate:.1%}</b>, "
            f"cold loads <b>{result.cold_loads:,}</b>, evictions <b>{result.evictions:,}</b>. "
            f"Latency p50 <b>{result.p50_ms:,.0f} ms</b>, p99 <b>{result.p99_ms:,.0f} ms</b>; "
            f"a cold request averages <b>{result.mean_cold_ms:,.0f} ms</b>, a warm one "
            f"<b>{result.mean_warm_ms:,.0f} ms</b>.")
        if self._axes is None:
            self._make_axes()
        self._hit_bar[0].set_height(result.hit_rate)
        values = [result.p50_ms, result.p95_ms, result.p99_ms, result.mean_warm_ms, result.mean_cold_ms]
        for bar, v in zip(self._lat_bars, values):
            bar.set_height(v if v == v and v > 0 else 0.1)  # NaN (no cold request) sits below the axis
        self.refresh_figure(dynamic=[*self._hit_bar, *self._lat_bars])

    def _make_axes(self) -> None:
        fig = self.figure
        hit_ax, lat_ax = self._axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 3]})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.86, wspace=0.3)
        self._hit_bar = hit_ax.bar([0], [0.0], color="#2ca02c")
        hit_ax.set_ylim(0, 1)
        hit_ax.set_xticks([0], ["hit rate"])
        hit_ax.set_title("cache hits", y=1.0)
        labels = ["p50", "p95", "p99", "mean warm", "mean cold"]
        self._lat_bars = lat_ax.bar(range(5), [1.0] * 5,
                                    color=["#1f77b4", "#1f77b4", "#1f77b4", "#2ca02c", "#d62728"])
        lat_ax.set_yscale("log")
        lat_ax.set_ylim(1, 1e6)
        lat_ax.set_yticks([1, 10, 100, 1e3, 1e4, 1e5], ["1 ms", "10 ms", "100 ms", "1 s", "10 s", "100 s"])
        lat_ax.set_xticks(range(5), labels)
        lat_ax.set_title("latency per request (simulated)", y=1.0)


class ScalingWeek(MlkitWidget):
    """Scaling choices in; a simulated week of instances, throttles, latency and cost out.

    Contract: every control change builds a
    :class:`~mlkit.inference.autoscaling.ScalableTarget`, an optional
    :class:`~mlkit.inference.autoscaling.TargetTrackingPolicy` and the
    optional calendar of scheduled actions (weekday floor on Monday 06:00,
    ``wednesday_min`` from Wednesday 08:00, ``friday_max`` from Friday 18:00),
    runs :func:`~mlkit.inference.autoscaling.simulate_scaling` over a week of
    ``mlkit.datasets.traffic`` and keeps the
    :class:`~mlkit.inference.autoscaling.ScalingResult` in ``self.result``.
    The chart (``self.chart``, inline SVG) shows billed instances and
    throttles over the week's traffic; the table the summary. Bad input
    (``min_capacity`` > ``max_capacity``) shows in the banner.

    Speed: the axes and the traffic are built once per seed and kept as SVG
    text; a change adds two lines, the instance count as a step line through
    the minutes where it changes (exact) and the throttles as 10-minute
    maxima (finer than the chart's pixels). The week itself is simulated by
    the engine's stretch-at-a-time loop.

    >>> w = ScalingWeek(target_tracking=False, scheduled=False, initial_instances=3)
    >>> int(w.result.timeline["instances"].max())
    3
    """

    def __init__(self, target_tracking=True, scheduled=True, target_value=1200.0, scale_out_cooldown=300,
                 scale_in_cooldown=300, min_capacity=1, max_capacity=10, initial_instances=4, wednesday_min=6,
                 friday_max=3, base_rps=80.0, seed=0):
        self.target_tracking = target_tracking
        self.scheduled = scheduled
        self.target_value = target_value
        self.scale_out_cooldown = scale_out_cooldown
        self.scale_in_cooldown = scale_in_cooldown
        self.min_capacity = min_capacity
        self.max_capacity = max_capacity
        self.initial_instances = initial_instances
        self.wednesday_min = wednesday_min
        self.friday_max = friday_max
        self.base_rps = base_rps
        self.seed = seed
        controls = {
            "target_tracking": ipywidgets.Checkbox(value=target_tracking, description="target tracking policy",
                                                   indent=False),
            "scheduled": ipywidgets.Checkbox(value=scheduled, description="scheduled actions", indent=False),
            "target_value": ipywidgets.FloatSlider(value=target_value, min=200, max=3000, step=50,
                                                   description="target invocations/instance/min", **_WIDE),
            "scale_out_cooldown": ipywidgets.IntSlider(value=scale_out_cooldown, min=0, max=1800, step=60,
                                                       description="scale-out cooldown s", **_WIDE),
            "scale_in_cooldown": ipywidgets.IntSlider(value=scale_in_cooldown, min=0, max=3600, step=60,
                                                      description="scale-in cooldown s", **_WIDE),
            "min_capacity": ipywidgets.IntSlider(value=min_capacity, min=1, max=20, description="MinCapacity", **_WIDE),
            "max_capacity": ipywidgets.IntSlider(value=max_capacity, min=1, max=20, description="MaxCapacity", **_WIDE),
            "initial_instances": ipywidgets.IntSlider(value=initial_instances, min=1, max=20,
                                                      description="initial instances", **_WIDE),
            "wednesday_min": ipywidgets.IntSlider(value=wednesday_min, min=1, max=20,
                                                  description="Wednesday MinCapacity", **_WIDE),
            "friday_max": ipywidgets.IntSlider(value=friday_max, min=1, max=20, description="Friday MaxCapacity",
                                               **_WIDE),
            "seed": ipywidgets.IntText(value=seed, description="seed", style=_WIDE["style"]),
        }
        self.table = ipywidgets.HTML()
        # the chart: two inline SVGs of the same size stacked in one grid cell; the back one (axes,
        # traffic) changes only with the seed, the front one (instances, throttles) with every change
        self.background = ipywidgets.HTML(layout=ipywidgets.Layout(grid_area="chart"))
        self.chart = ipywidgets.HTML(layout=ipywidgets.Layout(grid_area="chart"))
        self.chart_box = ipywidgets.GridBox([self.background, self.chart], layout=ipywidgets.Layout(
            grid_template_areas='"chart"', grid_template_columns="100%", width="100%", max_width="920px"))
        self._traffic = None
        self._static = None  # (seed, SVG of the axes and the traffic, minutes)
        self.instance_steps = None  # (hours, instances) where the billed instance count changes, as drawn
        super().__init__(controls, title="A week of autoscaling", body=[self.table, self.chart_box])

    def traffic(self, seed):
        """The week of traffic (made once per seed)."""
        from mlkit import datasets

        if self._traffic is None or self._traffic[0] != seed:
            self._traffic = (seed, datasets.traffic(days=7, base_rps=self.base_rps, seed=seed))
        return self._traffic[1]

    def compute(self, target_tracking, scheduled, target_value, scale_out_cooldown, scale_in_cooldown,
                min_capacity, max_capacity, initial_instances, wednesday_min, friday_max, seed):
        from mlkit.inference.autoscaling import ScalableTarget, ScheduledAction, TargetTrackingPolicy, simulate_scaling

        target = ScalableTarget("scaling-week", MinCapacity=min_capacity, MaxCapacity=max_capacity)
        policy = TargetTrackingPolicy(TargetValue=float(target_value), ScaleOutCooldown=scale_out_cooldown,
                                      ScaleInCooldown=scale_in_cooldown) if target_tracking else None
        actions = []
        if scheduled:
            actions = [
                ScheduledAction("weekday-bounds", "cron(0 6 ? * MON *)", MinCapacity=min_capacity,
                                MaxCapacity=max_capacity),
                ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=wednesday_min,
                                MaxCapacity=max(max_capacity, wednesday_min)),
                ScheduledAction("friday-evening", "cron(0 18 ? * FRI *)", MinCapacity=min(min_capacity, friday_max),
                                MaxCapacity=friday_max),
            ]
        return simulate_scaling(self.traffic(seed), target, policy=policy, scheduled=actions,
                                initial_instances=initial_instances, seed=seed)

    def draw(self, result) -> None:
        s = result.summary
        self.table.value = html_block(
            f"<b>{html.escape(s.name)}</b>: {s.requests:,} requests, <b>{s.throttled:,}</b> throttled "
            f"({s.throttle_rate:.2%}); latency p50 <b>{s.p50_ms:,.0f} ms</b>, p95 {s.p95_ms:,.0f} ms, "
            f"p99 <b>{s.p99_ms:,.0f} ms</b>; <b>{s.instance_hours:,.0f}</b> instance-hours, "
            f"cost <b>${s.cost:,.2f}</b> (illustrative prices); {s.scale_outs} scale-outs, {s.scale_ins} scale-ins.")
        self.chart.value = self._svg(result)
        if self.background.value != self._static[1]:
            self.background.value = self._static[1]

    # -- the chart: inline SVG, 900 x 300 px ---------------------------------------------
    _W, _H, _L, _R, _T, _B = 900, 300, 60, 70, 30, 36

    def _x(self, hours):
        import numpy as np

        return self._L + np.asarray(hours, dtype=float) / self._hours * (self._W - self._L - self._R)

    def _open(self) -> str:
        from widgets.svg import _FONT

        return (f"<svg xmlns='http://www.w3.org/2000/svg' width='100%' viewBox='0 0 {self._W} {self._H}' "
                f"style='display:block;max-width:{self._W}px;height:auto' {_FONT} font-size='11'>")

    def _static_svg(self, requests) -> str:
        """Axes, day ticks and the traffic (grey; its 10-minute maxima: finer than the chart's pixels)."""
        import numpy as np

        from widgets.svg import nice_ticks

        W, H, L, R, T, B = self._W, self._H, self._L, self._R, self._T, self._B
        n = len(requests)
        self._hours = n / 60.0
        k = 10
        peaks = np.maximum.reduceat(requests, np.arange(0, n, k)).astype(float)
        self._req_top = float(requests.max()) * 1.1 or 1.0
        xs = self._x(np.arange(0, n, k) / 60.0)
        ys = (H - B) - peaks / self._req_top * (H - B - T)
        area = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
        parts = [self._open(),
                 f"<text x='{W / 2}' y='17' text-anchor='middle' font-size='13'>instances (blue) over a week of "
                 f"traffic (grey; throttled in red)</text>",
                 f"<polygon class='traffic' points='{L},{H - B} {area} {xs[-1]:.1f},{H - B}' fill='#cccccc' "
                 f"fill-opacity='0.6'/>"]
        for v in range(0, 21, 5):  # instances axis (left), 0..21
            y = (H - B) - v / 21 * (H - B - T)
            parts.append(f"<text x='{L - 6}' y='{y + 4:.1f}' text-anchor='end'>{v}</text>")
        for v in nice_ticks(0, self._req_top):  # requests axis (right)
            y = (H - B) - v / self._req_top * (H - B - T)
            parts.append(f"<text x='{W - R + 6}' y='{y + 4:.1f}'>{v:,.0f}</text>")
        for d, day in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]):
            if 24 * d < self._hours:
                x = float(self._x(24 * d + 12))
                parts.append(f"<text x='{x:.1f}' y='{H - B + 16}' text-anchor='middle'>{day}</text>")
        parts.append(f"<path d='M{L},{T}V{H - B}H{W - R}V{T}' fill='none' stroke='#333'/>"
                     f"<text x='14' y='{(H - B + T) / 2}' text-anchor='middle' "
                     f"transform='rotate(-90 14 {(H - B + T) / 2})'>instances</text>"
                     f"<text x='{W - 12}' y='{(H - B + T) / 2}' text-anchor='middle' "
                     f"transform='rotate(90 {W - 12} {(H - B + T) / 2})'>requests / min</text></svg>")
        return "".join(parts)

    def _svg(self, result) -> str:
        import numpy as np

        tl = result.timeline
        seed = self.controls["seed"].value
        if self._static is None or self._static[0] != seed or self._static[2] != len(tl):
            self._static = (seed, self._static_svg(tl["requests"].to_numpy()), len(tl))
        H, B, T = self._H, self._B, self._T
        # instances: a step line through the minutes where the count changes (a few hundred points)
        inst = tl["billed_instances"].to_numpy()
        change = np.flatnonzero(np.diff(inst)) + 1
        starts = np.concatenate([[0], change])
        hours = starts / 60.0
        self.instance_steps = (hours, inst[starts])
        xs = self._x(np.append(hours, len(inst) / 60.0))
        ys = (H - B) - inst[starts] / 21 * (H - B - T)
        steps = "".join(f"H{x1:.1f}V{y:.1f}" for x1, y in zip(xs[1:-1], ys[1:]))
        inst_path = f"M{xs[0]:.1f},{ys[0]:.1f}{steps}H{xs[-1]:.1f}"
        # throttled: each 10 minutes' maximum, as the traffic (finer than the chart's pixels)
        thr = tl["throttled"].to_numpy()
        k = 10
        peaks = np.maximum.reduceat(thr, np.arange(0, len(thr), k)).astype(float)
        # only the ends of runs of equal values: a flat stretch (no throttling) is one segment
        same = np.r_[False, peaks[1:] == peaks[:-1]] & np.r_[peaks[:-1] == peaks[1:], False]
        keep = np.flatnonzero(~same)
        tx = self._x(keep * k / 60.0)
        ty = (H - B) - peaks[keep] / self._req_top * (H - B - T)
        thr_pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(tx, ty))
        return (self._open()
                + f"<polyline class='throttled' points='{thr_pts}' fill='none' stroke='#d62728' stroke-width='0.8'/>"
                + f"<path class='instances' d='{inst_path}' fill='none' stroke='#1f77b4' stroke-width='1.5'/>"
                + "</svg>")

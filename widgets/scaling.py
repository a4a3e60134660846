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
    The figure shows instances and requests over the week; the table the
    summary. Bad input (``min_capacity`` > ``max_capacity``) shows in the banner.

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
        self._axes = None
        self._traffic = None
        super().__init__(controls, title="A week of autoscaling", body=[self.table], figsize=(9.0, 3.0))

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
        tl = result.timeline
        hours = tl.index.to_numpy() / 60.0
        if self._axes is None:
            self._make_axes(hours, tl["requests"].to_numpy())
        self._inst.set_data(hours, tl["billed_instances"].to_numpy())
        self._thr.set_data(hours, tl["throttled"].to_numpy())
        self.refresh_figure(dynamic=[self._inst, self._thr])

    def _make_axes(self, hours, requests) -> None:
        fig = self.figure
        ax = fig.subplots()
        fig.subplots_adjust(left=0.07, right=0.92, bottom=0.16, top=0.88)
        ax2 = ax.twinx()
        self._axes = (ax, ax2)
        ax2.fill_between(hours, requests, color="#cccccc", alpha=0.6, step="post", label="requests/min")
        (self._thr,) = ax2.plot(hours, requests * 0, color="#d62728", lw=0.8, label="throttled/min")
        ax2.set_ylim(0, float(requests.max()) * 1.1)
        ax2.set_ylabel("requests / min")
        (self._inst,) = ax.plot(hours, hours * 0, color="#1f77b4", lw=1.5, drawstyle="steps-post",
                                label="instances")
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.set_ylim(0, 21)
        ax.set_xlim(0, hours[-1])
        ax.set_ylabel("instances")
        ax.set_xticks([24 * d + 12 for d in range(7)], ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        ax.set_title("instances (blue) over a week of traffic (grey; throttled in red)", y=1.0)

"""Variants and deployment guardrails: a live traffic splitter and a rollout simulator."""

from __future__ import annotations

import html
import math

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["TrafficSplitter", "RolloutSimulator"]

_NAMES = ("A", "B", "C")
_COLOURS = {"A": "#1f77b4", "B": "#ff7f0e", "C": "#2ca02c"}


class _ConstantModel:
    """A fitted one-feature model that always predicts ``value``: what each variant serves here.

    The widget shows routing, not models; scikit-learn's DummyRegressor does
    the same but spends most of an invocation checking that it is fitted.
    """

    n_features_in_ = 1

    def __init__(self, value: float):
        self.value = value

    def predict(self, X):
        import numpy as np

        return np.full(len(X), self.value)


def _const_model(value: float):
    return _ConstantModel(value)


class TrafficSplitter(MlkitWidget):
    """Weights as sliders; the configured split beside the split observed over live invocations.

    Contract: one :class:`~mlkit.inference.variants.VariantEndpoint` with
    three production variants (A, B, C) lives as long as the widget. A
    weight change calls its ``update_weights_and_capacities`` (no restart),
    then ``requests`` real invocations run through it; ``self.result`` is
    :meth:`~mlkit.inference.variants.VariantEndpoint.observed_split` (a
    DataFrame: configured and observed share with a 99.9 % Wilson interval
    per variant). Changing ``seed`` builds a new endpoint with that routing
    seed. All weights 0 shows the endpoint's error and keeps the last split.

    >>> w = TrafficSplitter(A=2.0, B=1.0, C=0.0, requests=600)
    >>> bool(w.result["within"].all()), int(w.result.loc["C", "requests"])
    (True, 0)
    """

    def __init__(self, A=2.0, B=1.0, C=0.0, requests=1000, seed=0):
        self.A, self.B, self.C = A, B, C
        self.requests = requests
        self.seed = seed
        style = {"description_width": "110px"}
        controls = {
            name: ipywidgets.FloatSlider(value=value, min=0.0, max=10.0, step=0.5, description=f"weight {name}",
                                         continuous_update=False, style=style)
            for name, value in (("A", A), ("B", B), ("C", C))
        }
        controls["requests"] = ipywidgets.IntSlider(value=requests, min=100, max=5000, step=100,
                                                    description="invocations", continuous_update=False, style=style)
        controls["seed"] = ipywidgets.IntText(value=seed, description="routing seed", style=style)
        self.endpoint = None
        self._endpoint_seed = None
        self.table = ipywidgets.HTML()
        self._bars = None
        super().__init__(controls, title="Production variants: configured vs observed traffic split",
                         body=[self.table], figsize=(7.0, 2.8))

    def _endpoint(self, seed):
        from mlkit.inference.variants import ProductionVariant, VariantEndpoint

        if self.endpoint is None or seed != self._endpoint_seed:
            self.endpoint = VariantEndpoint(
                "splitter", [ProductionVariant(n, _const_model(float(i + 1)), 1.0) for i, n in enumerate(_NAMES)],
                seed=seed)
            self._endpoint_seed = seed
        return self.endpoint

    def compute(self, A, B, C, requests, seed):
        from mlkit._checks import check_int

        check_int("invocations", requests, low=1, high=100_000)
        ep = self._endpoint(seed)
        ep.update_weights_and_capacities([{"VariantName": n, "DesiredWeight": w}
                                          for n, w in (("A", A), ("B", B), ("C", C))])
        ep.reset_counts()
        for _ in range(requests):
            ep.invoke(b"0\n")
        return ep.observed_split()

    def draw(self, result) -> None:
        shown = result[["weight", "configured_share", "requests", "observed_share", "low", "high", "within"]]
        self.table.value = html_block(shown.to_html(float_format=lambda v: f"{v:.3f}", border=0))
        if self._bars is None:
            self._make_axes()
        for i, name in enumerate(_NAMES):
            self._configured[i].set_height(float(result.loc[name, "configured_share"]))
            obs = float(result.loc[name, "observed_share"])
            self._observed[i].set_height(0.0 if math.isnan(obs) else obs)
        lows, highs = result["low"].to_numpy(), result["high"].to_numpy()
        xs = [i + 0.2 for i in range(len(_NAMES))]
        segments = [[(x, lo), (x, hi)] for x, lo, hi in zip(xs, lows, highs)]
        self._intervals.set_segments(segments)
        self.refresh_figure(dynamic=[*self._configured, *self._observed, self._intervals])

    def _make_axes(self) -> None:
        from matplotlib.collections import LineCollection

        ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.86)
        x = list(range(len(_NAMES)))
        self._configured = ax.bar([i - 0.2 for i in x], [0.0] * 3, 0.4, color="#bbbbbb", label="configured")
        self._observed = ax.bar([i + 0.2 for i in x], [0.0] * 3, 0.4, color=[_COLOURS[n] for n in _NAMES],
                                label="observed")
        self._intervals = LineCollection([], colors="black", linewidths=2, label="99.9 % interval")
        ax.add_collection(self._intervals)
        ax.set_xticks(x, [f"variant {n}" for n in _NAMES])
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of requests")
        ax.legend(fontsize=8, loc="upper right")
        ax.set_title("weight / sum of weights, and what the endpoint did", y=1.0)
        self._bars = ax


class RolloutSimulator(MlkitWidget):
    """Policy, canary size, step size, bake time, bad-model toggle; the rollout's timeline.

    Contract: every control change calls
    :func:`mlkit.inference.deployment.simulate_rollout` (simulated time, a
    Poisson stream of 20 requests/s, a fleet of 4 instances, alarms on error
    rate > 2 % and p99 latency > 300 ms when ``alarms`` is ticked) and shows
    its :class:`~mlkit.inference.deployment.RolloutResult` (``self.result``):
    the traffic share of each fleet over time, the minutes an alarm was in
    ALARM, the minutes an in-place fleet was restarting, the rollback, and a
    summary with the blast radius.

    >>> w = RolloutSimulator(policy="CANARY", bad_model=True)
    >>> w.result.outcome
    'rolled back'
    """

    def __init__(self, policy="CANARY", canary_percent=10, step_percent=25, bake_s=600, bad_model=True,
                 alarms=True, seed=0):
        self.policy = policy
        self.canary_percent = canary_percent
        self.step_percent = step_percent
        self.bake_s = bake_s
        self.bad_model = bad_model
        self.alarms = alarms
        self.seed = seed
        style = {"description_width": "130px"}
        controls = {
            "policy": ipywidgets.Dropdown(options=["ALL_AT_ONCE", "CANARY", "LINEAR", "IN_PLACE"], value=policy,
                                          description="policy", style=style),
            "canary_percent": ipywidgets.IntSlider(value=canary_percent, min=5, max=50, step=5,
                                                   description="canary size %", continuous_update=False, style=style),
            "step_percent": ipywidgets.IntSlider(value=step_percent, min=10, max=50, step=5,
                                                 description="linear step %", continuous_update=False, style=style),
            "bake_s": ipywidgets.IntSlider(value=bake_s, min=0, max=1800, step=60, description="bake (s)",
                                           continuous_update=False, style=style),
            "bad_model": ipywidgets.Checkbox(value=bad_model, description="the new model is bad (20 % errors)",
                                             indent=False),
            "alarms": ipywidgets.Checkbox(value=alarms, description="auto-rollback alarms", indent=False),
            "seed": ipywidgets.IntText(value=seed, description="seed", style=style),
        }
        self.summary = ipywidgets.HTML()
        self._ax = None
        self._span = None
        super().__init__(controls, title="Deployment guardrails: a rollout in simulated time",
                         body=[self.summary], figsize=(8.0, 3.0))

    def compute(self, policy, canary_percent, step_percent, bake_s, bad_model, alarms, seed):
        from mlkit.inference import deployment as d

        if policy == "IN_PLACE":
            chosen = d.IN_PLACE
        else:
            size = {"CANARY": {"CanarySize": d.CapacitySize("CAPACITY_PERCENT", canary_percent)},
                    "LINEAR": {"LinearStepSize": d.CapacitySize("CAPACITY_PERCENT", step_percent)}}.get(policy, {})
            chosen = d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig(policy, bake_s, **size),
                                             MaximumExecutionTimeoutInSeconds=28800)
        new = d.ModelHealth(error_rate=0.2) if bad_model else d.ModelHealth()
        watch = [d.CloudWatchAlarm.error_rate("errors-over-2pct", 0.02),
                 d.CloudWatchAlarm.latency("p99-over-300ms", 300)] if alarms else []
        return d.simulate_rollout(chosen, new, alarms=watch, seed=seed)

    def draw(self, result) -> None:
        def t(s):
            return "-" if s is None or (isinstance(s, float) and math.isnan(s)) else f"{s / 60:.0f} min"

        self.summary.value = html_block(
            f"<b>{html.escape(result.outcome)}</b> &middot; blast radius: <b>{result.blast_radius:,}</b> requests "
            f"served by the new model ({result.new_model_errors:,} errors) &middot; refused during restarts: "
            f"{result.unavailable:,} &middot; alarm at {t(result.alarm_s)} &middot; rollback at "
            f"{t(result.rollback_s)} &middot; new model at 100 % at {t(result.full_traffic_s)} &middot; "
            f"finished at {t(result.finished_s)}")
        if self._ax is None:
            self._make_axes()
        ev, tl = result.events, result.timeline
        end = float(tl["time_s"].max()) / 60
        xs = [0.0] + [float(v) / 60 for v in ev["time_s"]] + [end]
        green = [0.0] + [float(v) for v in ev["green_share"]]
        green.append(green[-1])
        self._green.set_data(xs, green)
        self._blue.set_data(xs, [1 - g for g in green])
        minutes = (tl["time_s"] / 60).to_numpy()
        observed = (tl["served_by_new"] / tl["requests"].clip(lower=1)).to_numpy()
        self._observed.set_data(minutes - 0.5, observed)
        alarm_x, alarm_y = [], []
        for m, a in zip(minutes, tl["alarm"]):
            if a:  # one red segment over each minute an alarm was in ALARM
                alarm_x += [m - 1, m, float("nan")]
                alarm_y += [1.07, 1.07, float("nan")]
        self._alarm.set_data(alarm_x, alarm_y)
        down_x, down_y = [], []
        for m, refused in zip(minutes, tl["unavailable"]):
            if refused:  # in place: the fleet was restarting and refused requests
                down_x += [m - 1, m, float("nan")]
                down_y += [0.5, 0.5, float("nan")]
        self._down.set_data(down_x, down_y)
        if math.isnan(result.rollback_s):
            self._rollback.set_visible(False)
        else:
            self._rollback.set_visible(True)
            self._rollback.set_xdata([result.rollback_s / 60] * 2)
        # the time axis snaps to a few lengths, so most changes repaint only the lines over a cached background
        span = next((v for v in (30, 60, 120, 240, 480, 960, 1920) if v >= end), 2880)
        if span != self._span:
            self._span = span
            self._ax.set_xlim(0, span)
            self.invalidate_background()
        self.refresh_figure(dynamic=[self._blue, self._green, self._observed, self._alarm, self._down,
                                     self._rollback])

    def _make_axes(self) -> None:
        ax = self._ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.88)
        (self._blue,) = ax.step([], [], where="post", color="#1f77b4", lw=2, label="blue fleet (old model)")
        (self._green,) = ax.step([], [], where="post", color="#2ca02c", lw=2, label="green fleet (new model)")
        (self._observed,) = ax.plot([], [], ".", color="#2ca02c", ms=4, alpha=0.6, label="served by new, per minute")
        (self._alarm,) = ax.plot([], [], "-", color="#d62728", lw=6, solid_capstyle="butt", label="alarm in ALARM")
        (self._down,) = ax.plot([], [], "-", color="#7f7f7f", lw=10, solid_capstyle="butt",
                                label="fleet restarting: requests refused")
        self._rollback = ax.axvline(0, color="#d62728", ls="--", lw=1.5, label="rollback")
        ax.set_ylim(-0.03, 1.12)
        ax.set_xlabel("minutes since UpdateEndpoint")
        ax.set_ylabel("share of traffic")
        ax.legend(fontsize=7, loc="center right")
        ax.set_title("traffic share per fleet", y=1.0)

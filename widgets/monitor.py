"""The drift dashboard: inject drift, run a monitoring schedule, read distances, violations and alarms."""

from __future__ import annotations

import html
import math
import tempfile

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["DriftDashboard"]

_SCHEDULES = {"hourly": "cron(0 * ? * * *)", "every 6 hours": "cron(0 0/6 ? * * *)", "daily": "cron(0 0 ? * * *)"}
_FEATURES = ("payment_value", "account_duration")
_COLOURS = {"payment_value": "#1f77b4", "account_duration": "#ff7f0e"}


class DriftDashboard(MlkitWidget):
    """Pick a feature, a drift size and the day it starts; see what the monitoring schedule reports.

    Contract: every control change calls
    :func:`mlkit.monitor.schedule.simulate_drift` (``days`` of captured
    claims traffic through the local endpoint, drift injected from
    ``drift_day`` on) and runs the chosen schedule with an alarm on the
    drifted feature's ``feature_baseline_drift`` metric. ``self.result`` is
    a dict: ``scenario`` (:class:`~mlkit.monitor.schedule.DriftScenario`),
    ``run`` (:class:`~mlkit.monitor.schedule.ScheduleRun`) and ``detection``
    (delay to the first violation and alarm, false alarms before the drift).
    The figure shows each feature's L-infinity distance per run against the
    0.1 threshold, the drift start, and the runs in violation and in ALARM.
    Captures go to a temporary local bucket removed with the widget's
    ``close()``.

    >>> w = DriftDashboard(days=3, drift_day=1)
    >>> w.set(size=2.0)
    >>> w.result["detection"]["violation_delay_hours"] is not None
    True
    """

    retrains = True

    def __init__(self, feature: str = "payment_value", size: float = 1.5, drift_day: int = 3,
                 schedule: str = "every 6 hours", days: int = 5, rows_per_hour: int = 8, seed: int = 0):
        self.feature = feature
        self.size = size
        self.drift_day = drift_day
        self.schedule = schedule
        self.days = days
        self.rows_per_hour = rows_per_hour
        self.seed = seed
        self._tmp = tempfile.TemporaryDirectory(prefix="mlkit-drift-")
        style = {"description_width": "110px"}
        controls = {
            "feature": ipywidgets.Dropdown(options=list(_FEATURES), value=feature, description="drifted feature",
                                           style=style),
            "size": ipywidgets.FloatSlider(value=size, min=0.0, max=3.0, step=0.25, description="shift (sd)",
                                           style=style, continuous_update=False),
            "drift_day": ipywidgets.IntSlider(value=drift_day, min=0, max=days - 1, description="drift from day",
                                              style=style, continuous_update=False),
            "schedule": ipywidgets.Dropdown(options=list(_SCHEDULES), value=schedule, description="schedule",
                                            style=style),
            "seed": ipywidgets.IntText(value=seed, description="seed", style=style),
        }
        self.summary = ipywidgets.HTML()
        super().__init__(controls, title="Model Monitor: drift dashboard", body=[self.summary],
                         figsize=(7.6, 4.2), compute_now=False)
        fig = self.figure
        self.ax = fig.add_subplot(211)
        self.ax2 = fig.add_subplot(212, sharex=self.ax)
        fig.subplots_adjust(left=0.1, right=0.98, top=0.92, bottom=0.12, hspace=0.35)
        self.lines = {f: self.ax.plot([], [], marker="o", ms=3, lw=1.5, color=_COLOURS[f], label=f)[0]
                      for f in _FEATURES}
        self.ax.axhline(0.1, color="grey", ls=":", lw=1, label="comparison_threshold 0.1")
        self.drift_line = self.ax.axvline(0, color="red", lw=1, ls="--", label="drift starts")
        self.drift_line2 = self.ax2.axvline(0, color="red", lw=1, ls="--")
        self.ax.set_ylabel("L-inf distance")
        self.ax.set_ylim(0, 1)
        self.ax.set_xlim(0, days * 24)
        self.ax.set_title("feature_baseline_drift per run", loc="left", fontsize=10)
        self.ax.legend(loc="upper left", fontsize=7)
        self.viol_line = self.ax2.step([], [], where="mid", color="#d62728", label="violations in run")[0]
        self.alarm_line = self.ax2.plot([], [], "s", color="black", ms=4, label="alarm in ALARM")[0]
        self.ax2.set_ylabel("violations")
        self.ax2.set_xlabel("hours since Monday 00:00 (simulated)")
        self.ax2.set_ylim(-0.2, 4)
        self.ax2.legend(loc="upper left", fontsize=7)
        self.update()

    def compute(self, feature, size, drift_day, schedule, seed):
        from mlkit.monitor.schedule import MonitorAlarm, simulate_drift
        from mlkit.storage import LocalBucketStore

        if schedule not in _SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(_SCHEDULES)}, got {schedule!r}")
        store = LocalBucketStore(tempfile.mkdtemp(dir=self._tmp.name))
        scenario = simulate_drift(days=self.days, drift_day=drift_day, feature=feature, size=size,
                                  rows_per_hour=self.rows_per_hour, reference_rows=500, store=store, seed=seed)
        alarm = MonitorAlarm(f"{feature}-drift", f"feature_baseline_drift_{feature}", 0.1,
                             EndpointName="claims", MonitoringScheduleName="claims-monitor")
        run = scenario.run(_SCHEDULES[schedule], alarms=[alarm], model_quality=False)
        detection = run.detection(scenario.truth["drift_start"], feature=feature, alarm=alarm.AlarmName)
        return {"scenario": scenario, "run": run, "detection": detection, "feature": feature}

    def draw(self, result) -> None:
        import pandas as pd

        run, scenario = result["run"], result["scenario"]
        start = pd.Timestamp(scenario.truth["start"])
        hours = ((run.metrics["time"] - start) / pd.Timedelta(hours=1)).to_numpy() if len(run.metrics) else []
        for f, line in self.lines.items():
            col = f"feature_baseline_drift_{f}"
            line.set_data(hours, run.metrics[col].to_numpy() if col in run.metrics else [math.nan] * len(hours))
        drift_h = (pd.Timestamp(scenario.truth["drift_start"]) - start) / pd.Timedelta(hours=1)
        self.drift_line.set_xdata([drift_h, drift_h])
        self.drift_line2.set_xdata([drift_h, drift_h])
        ex = run.executions
        ex_hours = ((ex["time"] - start) / pd.Timedelta(hours=1)).to_numpy() if len(ex) else []
        self.viol_line.set_data(ex_hours, ex["violations"].to_numpy() if len(ex) else [])
        alarms = run.alarms[run.alarms["state"] == "ALARM"]
        a_hours = ((alarms["time"] - start) / pd.Timedelta(hours=1)).to_numpy() if len(alarms) else []
        self.alarm_line.set_data(a_hours, [0.0] * len(a_hours))
        self.refresh_figure(dynamic=[*self.lines.values(), self.drift_line, self.drift_line2, self.viol_line,
                                     self.alarm_line])
        d = result["detection"]

        def fmt(h):
            return "never" if h is None else f"{h:g} h after the drift"

        checks = run.violations.groupby(["feature_name", "constraint_check_type"]).size() \
            if len(run.violations) else {}
        rows = "".join(f"<tr><td>{html.escape(str(k[0]))}</td><td>{html.escape(str(k[1]))}</td><td>{v}</td></tr>"
                       for k, v in (checks.items() if len(checks) else []))
        self.summary.value = html_block(
            f"<b>{html.escape(result['feature'])}</b> moved by {scenario.truth['shift']:.1f} "
            f"({scenario.truth['size']:g} sd) from {scenario.truth['drift_start'][:10]}; "
            f"{len(ex)} runs ({(ex['status'] == 'Failed').sum()} with no data).<br>"
            f"First violation: {fmt(d['violation_delay_hours'])}; first alarm: {fmt(d['alarm_delay_hours'])}; "
            f"false alarms before the drift: {d['false_alarm_runs']} run(s).<br>"
            f"<table><tr><th>feature</th><th>check</th><th>runs</th></tr>{rows}</table>")

    def close(self) -> None:
        """Remove the temporary local bucket."""
        self._tmp.cleanup()

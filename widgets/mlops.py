"""MLOps views (topic 11): compare experiment runs, review registry versions, watch a pipeline run.

* :class:`RunComparison` -- the runs of an experiment as a table (the
  ``ExperimentAnalytics`` shape) and one metric's curve per run;
* :class:`RegistryView` -- a model package group's versions, with Approve and
  Reject buttons that record who and why;
* :class:`PipelineView` -- a pipeline's parameters as controls, a Run button,
  and each step's state updated while it runs.

All three are thin: every number comes from :mod:`mlkit.experiments`,
:mod:`mlkit.registry` or :mod:`mlkit.pipelines`.
"""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["RunComparison", "RegistryView", "PipelineView"]

_STATUS_COLOURS = {"Succeeded": "#d9ead3", "Failed": "#f4cccc", "Executing": "#fff2cc", "Skipped": "#eeeeee",
                   "NotStarted": "#ffffff", "Approved": "#d9ead3", "Rejected": "#f4cccc",
                   "PendingManualApproval": "#fff2cc", "Completed": "#d9ead3", "InProgress": "#fff2cc"}


def _table(df, status_column: str | None = None, floats: str = "{:.4g}") -> str:
    head = "".join(f"<th style='padding:2px 8px;text-align:left'>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, rec):
            text = floats.format(v) if isinstance(v, float) else ("" if v is None else str(v))
            style = "padding:2px 8px"
            if c == status_column:
                style += f";background:{_STATUS_COLOURS.get(str(v), '#fff')}"
            cells.append(f"<td style='{style}'>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return html_block(f"<table style='border-collapse:collapse;font-size:12px'><tr>{head}</tr>{''.join(rows)}</table>")


class RunComparison(MlkitWidget):
    """Runs of ``experiment_name`` side by side, and ``metric`` against step for each run.

    Controls: ``metric`` (the metrics the runs logged) and ``stat`` (which
    summary column sorts the table: Last, Max, Min, Avg). ``result`` is
    ``{"table": DataFrame, "history": DataFrame}`` from
    :class:`mlkit.experiments.ExperimentAnalytics` and
    :func:`mlkit.experiments.metric_history`. An experiment with no runs is a
    ``ValueError`` naming the experiments there are.
    """

    def __init__(self, experiment_name: str, *, path=None, metric: str | None = None, stat: str = "Last"):
        from mlkit.experiments import ExperimentAnalytics, list_experiments

        self.experiment_name = experiment_name
        self.path = path
        df = ExperimentAnalytics(experiment_name, path=path).dataframe()
        if df.empty:
            raise ValueError(f"experiment_name {experiment_name!r} has no runs; experiments: "
                             f"{list_experiments(path=path)}")
        metrics = sorted({c.rsplit(" - ", 1)[0] for c in df.columns if c.endswith(" - Count")})
        if not metrics:
            raise ValueError(f"experiment {experiment_name!r} has runs but no metrics to compare")
        self.table_html = ipywidgets.HTML()
        controls = {
            "metric": ipywidgets.Dropdown(options=metrics, value=metric or metrics[0], description="metric"),
            "stat": ipywidgets.Dropdown(options=["Last", "Max", "Min", "Avg"], value=stat, description="sort by"),
        }
        super().__init__(controls, title=f"Runs of {experiment_name}", body=[self.table_html], figsize=(6.5, 3.2))
        self.figure.subplots_adjust(left=0.11, right=0.98, top=0.88, bottom=0.16)

    def compute(self, metric, stat):
        from mlkit.experiments import ExperimentAnalytics, metric_history

        column = f"{metric} - {stat}"
        table = ExperimentAnalytics(self.experiment_name, path=self.path).dataframe()
        if column not in table.columns:
            raise KeyError(f"metric {metric!r} was not logged by any run of {self.experiment_name!r}")
        table = table.sort_values(column, ascending=stat == "Min", kind="stable", na_position="last")
        return {"table": table.reset_index(drop=True),
                "history": metric_history(self.experiment_name, metric, path=self.path), "metric": metric,
                "column": column}

    def draw(self, result):
        t = result["table"]
        keep = ["DisplayName", "Status"] + [c for c in t.columns if " - " not in c and c not in (
            "TrialComponentName", "DisplayName", "ExperimentName", "Status", "StartTime", "EndTime", "FailureReason")]
        keep += [c for c in t.columns if c.startswith(result["metric"] + " - ") and not c.endswith("StdDev")]
        self.table_html.value = _table(t[keep], "Status")
        key = (result["metric"], len(result["history"]))
        if key == getattr(self, "_drawn", None):  # only the sort changed: the curves are already on screen
            return
        self._drawn = key
        fig = self.figure
        fig.clear()
        ax = fig.add_subplot()
        for name, g in result["history"].groupby("run_name", sort=False):
            ax.plot(g["step"], g["value"], marker="o", ms=3, label=name)
        ax.set_xlabel("step")
        ax.set_title(result["metric"], loc="left", fontsize=10)
        ax.legend(fontsize=7)
        self.invalidate_background()
        self.refresh_figure()


class RegistryView(MlkitWidget):
    """The versions of a model package group, one selected; Approve / Reject record ``reviewer`` and ``reason``.

    Controls: ``version``, ``reviewer``, ``reason``. ``result`` is
    ``{"table": DataFrame, "package": ModelPackage, "deployable": str}``. The
    buttons call :meth:`mlkit.registry.ModelRegistry.update_status`; an empty
    reviewer shows the engine's message in the banner.
    """

    def __init__(self, registry, group: str, *, reviewer: str = "reviewer"):
        self.registry = registry
        self.group = group
        versions = registry.list_model_packages(group)["ModelPackageVersion"].tolist()
        if not versions:
            raise ValueError(f"group {group!r} has no versions; groups: {registry.groups()}")
        self.table_html = ipywidgets.HTML()
        self.detail = ipywidgets.HTML()
        self.approve_button = ipywidgets.Button(description="Approve", button_style="success")
        self.reject_button = ipywidgets.Button(description="Reject", button_style="danger")
        self.approve_button.on_click(lambda _: self.decide("Approved"))
        self.reject_button.on_click(lambda _: self.decide("Rejected"))
        controls = {
            "version": ipywidgets.Dropdown(options=versions, value=versions[-1], description="version"),
            "reviewer": ipywidgets.Text(value=reviewer, description="reviewer"),
            "reason": ipywidgets.Text(value="", description="reason"),
        }
        body = [self.detail, ipywidgets.HBox([self.approve_button, self.reject_button]), self.table_html]
        super().__init__(controls, title=f"Model registry: {group}", body=body)

    def compute(self, version, reviewer, reason):
        from mlkit.registry import NotApprovedError

        pkg = self.registry.get(self.group, int(version))
        try:
            self.registry.check_deployable(pkg.ModelPackageArn)
            deployable = "can be deployed"
        except NotApprovedError as exc:
            deployable = f"cannot be deployed: {exc}"
        return {"table": self.registry.list_model_packages(self.group), "package": pkg, "deployable": deployable}

    def draw(self, result):
        t = result["table"].drop(columns=["ModelPackageArn"])
        self.table_html.value = _table(t, "ModelApprovalStatus")
        p = result["package"]
        colour = _STATUS_COLOURS.get(p.ModelApprovalStatus, "#fff")
        self.detail.value = html_block(
            f"<span style='background:{colour};padding:2px 6px'>version {p.ModelPackageVersion}: "
            f"<b>{html.escape(p.ModelApprovalStatus)}</b></span> &mdash; {html.escape(result['deployable'])}")

    def decide(self, status: str) -> None:
        """Set the selected version's status to ``status`` with the reviewer and reason, then redraw."""
        v = self.values()
        try:
            self.registry.update_status(self.registry.get(self.group, int(v["version"])).ModelPackageArn, status,
                                        approved_by=v["reviewer"], reason=v["reason"])
        except (ValueError, TypeError, KeyError) as exc:
            self.show_error(str(exc))
            return
        self.update()

    def refresh_versions(self) -> None:
        """Reload the version list (after the pipeline registered a new one) and select the newest."""
        versions = self.registry.list_model_packages(self.group)["ModelPackageVersion"].tolist()
        self._holding = True
        try:
            self.controls["version"].options = versions
            self.controls["version"].value = versions[-1]
        finally:
            self._holding = False
        self.update()


class PipelineView(MlkitWidget):
    """A pipeline's parameters as controls and a Run button; the step table fills in while the pipeline runs.

    Numbers come first among the controls (Integer, Float), then Boolean,
    then String parameters. ``result`` is the
    :class:`~mlkit.pipelines.PipelineExecution`; ``states`` the list of
    step-status snapshots seen while it ran (one per change).
    """

    retrains = True  # Run executes the pipeline, whose training step trains a model

    def __init__(self, pipeline, *, path=None, max_workers: int = 2, run_now: bool = False):
        from mlkit.pipelines.core import ParameterBoolean, ParameterFloat, ParameterInteger

        self.pipeline = pipeline
        self.path = path
        self.max_workers = max_workers
        self.states: list[dict] = []
        self.status = ipywidgets.HTML()
        self.steps_html = ipywidgets.HTML()
        self.run_button = ipywidgets.Button(description="Run pipeline", button_style="primary")
        self.run_button.on_click(lambda _: self.update())
        order = {ParameterInteger: 0, ParameterFloat: 1, ParameterBoolean: 2}
        controls = {}
        for p in sorted(pipeline.parameters, key=lambda p: order.get(type(p), 3)):
            if isinstance(p, ParameterInteger):
                c = ipywidgets.IntText(value=p.default_value or 0, description=p.name)
            elif isinstance(p, ParameterFloat):
                c = ipywidgets.FloatText(value=p.default_value or 0.0, step=0.01, description=p.name)
            elif isinstance(p, ParameterBoolean):
                c = ipywidgets.Checkbox(value=bool(p.default_value), description=p.name)
            else:
                c = ipywidgets.Text(value=p.default_value or "", description=p.name)
            c.style.description_width = "initial"
            controls[p.name] = c
        super().__init__(controls, title=f"Pipeline {pipeline.name}", live=False, compute_now=run_now,
                         body=[self.run_button, self.status, self.steps_html])
        if not run_now:
            self._show_steps({n: ("NotStarted", "", False) for n in pipeline._definition_order()}, "not run yet")

    def _show_steps(self, states: dict, status: str) -> None:
        import pandas as pd

        df = pd.DataFrame([{"StepName": n, "StepStatus": s, "CacheHit": "yes" if c else "", "Reason": r}
                           for n, (s, r, c) in states.items()])
        self.steps_html.value = _table(df, "StepStatus")
        self.status.value = html_block(f"<b>{html.escape(status)}</b>")

    def _on_step(self, rec, execution) -> None:
        states = {s.StepName: (s.StepStatus, s.FailureReason, s.CacheHit) for s in execution.steps}
        self.states.append({n: s for n, (s, _, _) in states.items()})
        self._show_steps(states, "running...")

    def compute(self, **parameters):
        self.states = []
        self.run_button.disabled = True
        try:
            return self.pipeline.start(parameters, path=self.path, max_workers=self.max_workers,
                                       on_step=self._on_step)
        finally:
            self.run_button.disabled = False

    def draw(self, result):
        states = {s.StepName: (s.StepStatus, s.FailureReason, s.CacheHit) for s in result.steps}
        self._show_steps(states, f"{result.PipelineExecutionStatus}"
                                 + (f": {result.FailureReason}" if result.FailureReason else ""))

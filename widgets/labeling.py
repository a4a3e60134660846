"""The labeling console: a Ground Truth job with automated data labeling, iteration by iteration."""

from __future__ import annotations

import html

import ipywidgets

from widgets import svg
from widgets.base import MlkitWidget, html_block

__all__ = ["LabelingConsole"]


class LabelingConsole(MlkitWidget):
    """Pick worker quality, workers per object and the accuracy target; watch the pool split.

    Contract: every control change runs ``mlkit.labeling.LabelingJob(...).run()``
    and stores its :class:`mlkit.labeling.LabelingJobResult` in
    ``self.result``; the view shows, per iteration, the share of objects
    labeled by humans, by the machine and still unlabeled (a stacked SVG bar
    chart), the cost and accuracy of the job against labeling every object by
    hand, and the iteration table. A value the engine rejects (e.g. more
    workers per object than the workforce has) shows the engine's message in
    the banner and keeps the last good result.

    Parameters (the controls' start values)
    ----------
    dataset : "digits" or "articles"
    worker_quality : float in [0, 1], accuracy of the reliable workers
    workers_per_object : int, ``NumberOfHumanWorkersPerDataObject`` (1-5 here; 5 workers)
    accuracy_target : float in (0, 1], the machine labels' target
    selection : "active" or "random", how the next human batch is picked
    automated : bool, automated data labeling on/off
    seed : int

    >>> c = LabelingConsole(dataset="digits")
    >>> c.result.human_objects + c.result.machine_objects
    1797
    >>> c.set(accuracy_target=1.0)
    >>> c.result.machine_objects
    0
    """

    retrains = True

    def __init__(self, dataset="digits", worker_quality=0.9, workers_per_object=3, accuracy_target=0.95,
                 selection="active", automated=True, seed=0):
        self.dataset = dataset
        self.worker_quality = worker_quality
        self.workers_per_object = workers_per_object
        self.accuracy_target = accuracy_target
        self.selection = selection
        self.automated = automated
        self.seed = seed
        wide = {"style": {"description_width": "150px"}}
        controls = {
            "dataset": ipywidgets.Dropdown(options=["digits", "articles"], value=dataset,
                                           description="dataset", **wide),
            "worker_quality": ipywidgets.FloatSlider(value=worker_quality, min=0.3, max=1.0, step=0.05,
                                                     description="worker quality", readout_format=".2f",
                                                     continuous_update=False, **wide),
            "workers_per_object": ipywidgets.IntSlider(value=workers_per_object, min=1, max=5,
                                                       description="workers per object",
                                                       continuous_update=False, **wide),
            "accuracy_target": ipywidgets.FloatSlider(value=accuracy_target, min=0.8, max=1.0, step=0.01,
                                                      description="accuracy target", readout_format=".2f",
                                                      continuous_update=False, **wide),
            "selection": ipywidgets.Dropdown(options=["active", "random"], value=selection,
                                             description="human batch", **wide),
            "automated": ipywidgets.Checkbox(value=automated, description="automated data labeling", **wide),
            "seed": ipywidgets.IntText(value=seed, description="seed", **wide),
        }
        self.chart = ipywidgets.HTML()
        self.summary = ipywidgets.HTML()
        self.table = ipywidgets.HTML(layout=ipywidgets.Layout(overflow="auto"))
        super().__init__(controls, title="Ground Truth labeling console",
                         body=[self.summary, self.chart, self.table])

    def compute(self, dataset, worker_quality, workers_per_object, accuracy_target, selection, automated, seed):
        from mlkit.labeling import LabelingJob

        job = LabelingJob(f"{dataset}-console", dataset=dataset, worker_quality=worker_quality,
                          NumberOfHumanWorkersPerDataObject=workers_per_object, accuracy_target=accuracy_target,
                          selection=selection, automated=automated, seed=seed)
        return job.run()

    def draw(self, result) -> None:
        it = result.iterations
        n = result.n_objects
        self.chart.value = svg.bar_chart(
            [str(i) for i in it["iteration"]],
            {"human": (it["human_total"] / n).tolist(), "machine": (it["machine_total"] / n).tolist(),
             "unlabeled": (it["unlabeled"] / n).tolist()},
            title=f"{result.dataset}: who labeled the {n:,} objects", xlabel="iteration", ylabel="share of objects")
        m_acc = "no machine labels" if result.machine_objects == 0 else f"{result.machine_accuracy:.1%}"
        self.summary.value = html_block(
            f"<p><b>{result.human_objects:,}</b> objects labeled by people ({result.human_labels:,} paid answers), "
            f"<b>{result.machine_objects:,}</b> by the model (accuracy against the truth: {m_acc}). "
            f"All labels: {result.accuracy:.1%} right. Cost USD {result.cost:,.2f} against "
            f"USD {result.all_human_cost:,.2f} by hand: <b>{result.saving:.0%} saved</b> "
            f"({result.worker_saving:.0%} of the workers' pay; the notes claim up to 70 %).</p>")
        shown = it.rename(columns=lambda c: html.escape(str(c)))
        self.table.value = html_block(shown.to_html(index=False, border=0, na_rep="-",
                                                    float_format=lambda v: f"{v:.3f}"))

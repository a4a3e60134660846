"""The AutoML launcher: choose data, target, mode and budget; the leaderboard fills row by row."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["AutoMLLauncher"]


class AutoMLLauncher(MlkitWidget):
    """Run an :class:`mlkit.automl.AutoMLJob` from controls and watch its leaderboard grow.

    Contract: ``data`` is a dataset name of :mod:`mlkit.datasets` or a path
    to a .csv/.parquet file (typed in the *data* box), ``target`` the column
    to predict, ``mode`` HYPERPARAMETER_TUNING or ENSEMBLING, ``budget``
    MaxCandidates. Nothing trains until *Run the AutoML job* is pressed
    (``w.update()`` from code); while it runs, a tqdm bar counts candidates
    and the leaderboard table is redrawn after every finished candidate.
    ``self.result`` is the :class:`~mlkit.automl.AutoMLJobResult`; a bad
    input (a target that is not a column, a budget of 0) shows the engine's
    message in the banner.

    >>> w = AutoMLLauncher(data="admissions", target="admitted", budget=2, n_rows=300)
    >>> w.update(); len(w.result.leaderboard)
    2
    """

    retrains = True

    def __init__(self, data: str = "loans", target: str = "approved", mode: str = "HYPERPARAMETER_TUNING",
                 budget: int = 6, n_rows: int = 800, seed: int = 0, progress: bool = True):
        self.data = data
        self.target = target
        self.mode = mode
        self.budget = budget
        self.n_rows = n_rows
        self.seed = seed
        self.progress = progress
        style = {"description_width": "110px"}
        controls = {
            "data": ipywidgets.Text(value=data, description="data (name/CSV)", style=style),
            "target": ipywidgets.Text(value=target, description="target", style=style),
            "mode": ipywidgets.Dropdown(options=["HYPERPARAMETER_TUNING", "ENSEMBLING"], value=mode,
                                        description="Mode", style=style),
            "budget": ipywidgets.IntSlider(value=budget, min=0, max=30, description="MaxCandidates", style=style,
                                           continuous_update=False),
        }
        self.run_button = ipywidgets.Button(description="Run the AutoML job", button_style="primary", icon="play")
        self.summary = ipywidgets.HTML()
        self.table = ipywidgets.HTML()
        super().__init__(controls, title="AutoML job (Autopilot's loop)",
                         body=[self.run_button, self.summary, self.table], live=False, compute_now=False)
        self.run_button.on_click(lambda _: self.update())

    def compute(self, data, target, mode, budget):
        from mlkit.automl import AutoMLJob

        job = AutoMLJob(data, target, Mode=mode, MaxCandidates=budget, n_rows=self.n_rows, seed=self.seed)
        return job.run(progress=self.progress, on_candidate=self._show_board)

    def _show_board(self, result) -> None:
        rows = []
        for r in result.leaderboard.itertuples():
            rows.append(f"<tr><td>{r.rank}</td><td>{html.escape(r.CandidateName)}</td><td>{r.algorithm}</td>"
                        f"<td>{r.value:.4f}</td><td>{r.training_seconds:.2f}</td>"
                        f"<td style='font-size:85%'>{html.escape(r.hyperparameters)}</td></tr>")
        self.table.value = html_block(
            f"<table><tr><th>rank</th><th>candidate</th><th>algorithm</th><th>{result.MetricName}</th>"
            f"<th>training s</th><th>hyperparameters</th></tr>{''.join(rows)}</table>")

    def draw(self, result) -> None:
        ex = result.exploration
        leaks = ", ".join(ex.leakage_suspects) or "none"
        self.summary.value = html_block(
            f"<b>{result.ProblemType}</b> ({html.escape(result.problem_type_reason)}); objective "
            f"<b>{result.MetricName}</b>; {ex.n_rows:,} rows, {ex.n_duplicates} duplicates, leakage suspects: "
            f"{html.escape(leaks)}; status <b>{result.AutoMLJobStatus}</b>")
        self._show_board(result)

"""The tuning race: several tuning strategies on the same budget, best-so-far against compute."""

from __future__ import annotations

import html
import math

import ipywidgets

from widgets.base import CheckboxGroup, MlkitWidget, html_block

__all__ = ["TuningRace"]

_COLOURS = {"Random": "#1f77b4", "Random + median stopping": "#ff7f0e", "Bayesian": "#2ca02c",
            "Hyperband": "#d62728", "Grid": "#9467bd"}
_ENTRIES = ("Random", "Random + median stopping", "Bayesian", "Hyperband")


class TuningRace(MlkitWidget):
    """Choose strategies and a budget, press *Run the race*, watch best-so-far against boosting rounds.

    Contract: the *Run the race* button calls :func:`mlkit.tuning.race` with
    the controls' values (real XGBoost jobs on the seeded ``loans`` data) and
    shows its :class:`~mlkit.tuning.RaceResult` (``self.result``): one
    best-so-far curve per strategy against cumulative boosting rounds, and a
    table with the rounds each needed to come within 0.002 of the best any
    found. Changing a control changes nothing until the button is pressed
    (a race trains dozens of models). ``w.update()`` runs it from code.

    >>> w = TuningRace(jobs=4, max_rounds=9, strategies=("Random", "Hyperband"))
    >>> sorted(w.result.table.index)
    ['Hyperband', 'Random']
    """

    retrains = True

    def __init__(self, jobs: int = 10, max_rounds: int = 27, strategies=_ENTRIES, parallel: int = 1,
                 seed: int = 0, n_rows: int = 2000):
        self.jobs = jobs
        self.max_rounds = max_rounds
        self.strategies = strategies
        self.parallel = parallel
        self.seed = seed
        self.n_rows = n_rows
        style = {"description_width": "150px"}
        controls = {
            "jobs": ipywidgets.IntSlider(value=jobs, min=3, max=40, description="MaxNumberOfTrainingJobs",
                                         style=style, continuous_update=False),
            "max_rounds": ipywidgets.IntSlider(value=max_rounds, min=3, max=81, description="rounds per job",
                                               style=style, continuous_update=False),
            "strategies": CheckboxGroup(options=_ENTRIES, value=tuple(strategies)),
            "parallel": ipywidgets.IntSlider(value=parallel, min=1, max=4, description="MaxParallelTrainingJobs",
                                             style=style, continuous_update=False),
            "seed": ipywidgets.IntText(value=seed, description="RandomSeed", style=style),
        }
        self.run_button = ipywidgets.Button(description="Run the race", button_style="primary", icon="play")
        self.table = ipywidgets.HTML()
        self._trainers: dict = {}
        super().__init__(controls, title="Tuning race: best-so-far against compute",
                         body=[self.run_button, self.table], figsize=(7.0, 3.4), live=False,
                         compute_now=False)
        self.run_button.on_click(lambda _: self.update())
        ax = self.ax = self.figure.add_subplot(111)
        self.figure.subplots_adjust(left=0.11, right=0.98, top=0.9, bottom=0.16)
        self.lines = {e: ax.step([], [], where="post", color=_COLOURS[e], label=e, lw=2)[0] for e in _ENTRIES}
        self.target_line = ax.axhline(float("nan"), color="grey", ls=":", lw=1, label="target (best - 0.002)")
        ax.set_xlabel("boosting rounds trained (all jobs together)")
        ax.set_ylabel("best validation AUC so far")
        ax.set_title("Tuning race", loc="left")
        ax.legend(loc="lower right", fontsize=8)
        self.update()

    def _trainer(self, max_rounds: int):
        from mlkit.tuning import XGBoostTrainer

        if max_rounds not in self._trainers:  # keep the prepared data: the same rows for every race
            self._trainers[max_rounds] = XGBoostTrainer("loans", n_rows=self.n_rows, num_round=max_rounds)
        return self._trainers[max_rounds]

    def compute(self, jobs, max_rounds, strategies, parallel, seed):
        from mlkit.tuning import race

        return race(strategies, trainer=self._trainer(max_rounds), MaxNumberOfTrainingJobs=jobs,
                    MaxParallelTrainingJobs=parallel, seed=seed)

    def draw(self, result) -> None:
        lo, hi, xmax = math.inf, -math.inf, 1
        for entry, line in self.lines.items():
            if entry in result.results:
                curve = result.results[entry].best_so_far()
                x = [0, *curve["cumulative_rounds"]]
                y = [curve["best_so_far"].iloc[0], *curve["best_so_far"]]
                line.set_data(x, y)
                line.set_visible(True)
                lo, hi, xmax = min(lo, min(y)), max(hi, max(y)), max(xmax, x[-1])
            else:
                line.set_data([], [])
                line.set_visible(False)
        self.target_line.set_ydata([result.target, result.target])
        if math.isfinite(lo):
            pad = max(1e-3, (hi - lo) * 0.08)
            self.ax.set_ylim(lo - pad, hi + pad)
        self.ax.set_xlim(0, xmax * 1.03)
        self.refresh_figure()
        rows = []
        for entry, row in result.table.iterrows():
            reach = "not reached" if not math.isfinite(row["rounds_to_target"]) else f"{row['rounds_to_target']:.0f}"
            rows.append(f"<tr><td style='color:{_COLOURS[entry]}'><b>{html.escape(entry)}</b></td>"
                        f"<td>{row['jobs']}</td><td>{row['total_rounds']}</td><td>{row['best']:.4f}</td>"
                        f"<td>{reach}</td></tr>")
        self.table.value = html_block(
            "<table><tr><th>strategy</th><th>jobs</th><th>rounds trained</th><th>best AUC</th>"
            f"<th>rounds to within {result.tolerance} of the best</th></tr>{''.join(rows)}</table>")

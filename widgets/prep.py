"""The cleaning pipeline toggler: switch cleaning steps on and off, see the model's validation score move."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import CheckboxGroup, MlkitWidget, html_block

__all__ = ["CleaningPipelineToggler"]


class CleaningPipelineToggler(MlkitWidget):
    """Tick the cleaning steps to run on the messy claims; see the validation AUC and the cleaning report.

    Contract: ``CleaningPipelineToggler(n_rows, seed, steps)`` builds
    ``mlkit.datasets.claims(n_rows, messy=True, seed=seed)`` and, on every
    control change, calls ``mlkit.prep.evaluate_cleaning(data, steps=steps,
    seed=seed)``; ``self.result`` is the :class:`mlkit.prep.CleaningEvaluation`.
    The figure shows three bars: the raw data (no step), the ticked steps and
    every step (the two references are computed once per seed). The table is
    the cleaning report (found, done, injected). Bad input (``n_rows=5``)
    shows the engine's message in the banner.

    >>> w = CleaningPipelineToggler(n_rows=600)
    >>> w.set(steps=("numbers", "impute"))
    >>> w.result.steps
    ('numbers', 'impute')
    """

    retrains = True

    def __init__(self, n_rows: int = 2000, seed: int = 0, steps=None):
        from mlkit import prep

        self.n_rows = n_rows
        self.seed = seed
        self.steps = steps
        chosen = prep.CLEANING_STEPS if steps is None else tuple(steps)
        self._data_key = None
        self._data = None
        self._references: dict = {}
        self.score = ipywidgets.HTML()
        self.report = ipywidgets.HTML(layout=ipywidgets.Layout(overflow="auto"))
        wide = {"style": {"description_width": "70px"}}
        controls = {
            "steps": CheckboxGroup(options=prep.CLEANING_STEPS, value=chosen),
            "seed": ipywidgets.IntText(value=seed, description="seed", **wide),
            "n_rows": ipywidgets.IntText(value=n_rows, description="n_rows", **wide),
        }
        self._axes = None
        super().__init__(controls, title="Cleaning pipeline", body=[self.score, self.report],
                         figsize=(6.0, 2.2))

    def _dataset(self, n_rows, seed):
        from mlkit import datasets

        if self._data_key != (n_rows, seed):
            self._data = datasets.claims(n_rows, messy=True, seed=seed)
            self._data_key = (n_rows, seed)
            self._references = {}
        return self._data

    def compute(self, steps, seed, n_rows):
        from mlkit import prep

        data = self._dataset(n_rows, seed)
        for name, ref_steps in (("raw", ()), ("all", prep.CLEANING_STEPS)):
            if name not in self._references:
                self._references[name] = prep.evaluate_cleaning(data, steps=ref_steps, seed=seed)
        if tuple(steps) in ((), prep.CLEANING_STEPS):  # a reference: already computed
            return self._references["raw" if not steps else "all"]
        return prep.evaluate_cleaning(data, steps=steps, seed=seed)

    def draw(self, result) -> None:
        raw, full = self._references["raw"], self._references["all"]
        if self._axes is None:
            ax = self._axes = self.figure.add_axes((0.22, 0.2, 0.72, 0.68))
            self._bars = ax.barh(["raw data", "your steps", "every step"], [0.5, 0.5, 0.5],
                                 color=["#9e9e9e", "#4c72b0", "#55a868"])
            ax.set_xlim(0.5, 1.0)
            ax.set_xlabel("validation ROC AUC (0.5 = guessing)")
            ax.invert_yaxis()
            ax.set_title("a logistic regression on the claims", y=1.0, fontsize="medium")
        for bar, value in zip(self._bars, (raw.roc_auc, result.roc_auc, full.roc_auc)):
            bar.set_width(max(0.0, value - 0.5))
            bar.set_x(0.5)
        self.refresh_figure(dynamic=list(self._bars))
        steps = ", ".join(result.steps) or "none"
        self.score.value = html_block(
            f"<p>Steps: <b>{html.escape(steps)}</b>. Validation ROC AUC <b>{result.roc_auc:.3f}</b> "
            f"(raw {raw.roc_auc:.3f}, every step {full.roc_auc:.3f}); {result.n_train:,} training and "
            f"{result.n_valid:,} validation rows, {result.n_features:,} encoded features.</p>")
        self.report.value = html_block(result.report.table.to_html(index=False, border=0))

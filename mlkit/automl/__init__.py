"""AutoML as SageMaker Autopilot and Canvas do it (the course's topic 12).

* :class:`AutoMLJob` -- a CSV/Parquet file, a DataFrame or a :mod:`mlkit.datasets`
  name in, with a target column; ``ProblemType`` inferred (with the reason) when
  not given, ``AutoMLJobObjective`` defaulting as SageMaker documents (F1 for
  binary classification, Accuracy for multiclass, MSE for regression), ``Mode``
  ``HYPERPARAMETER_TUNING`` or ``ENSEMBLING``, a candidate and a time budget.
  ``run()`` profiles the data (:class:`DataExplorationReport`), cleans it with
  :class:`mlkit.prep.DataCleaner`, trains candidate pipelines (linear model,
  XGBoost, MLP; a stacked ensemble in ENSEMBLING mode) whose hyperparameters come
  from :mod:`mlkit.tuning`'s ranges and Bayesian proposer, and returns an
  :class:`AutoMLJobResult` with a ranked leaderboard.
* :func:`candidate_notebook` -- a runnable notebook (nbformat) that rebuilds one
  candidate with plain pandas/scikit-learn/XGBoost code and checks its score.

Names are imported on first use.

    >>> from mlkit.automl import AutoMLJob
    >>> result = AutoMLJob("loans", "approved", MaxCandidates=3, n_rows=600).run(progress=False)
    >>> len(result.leaderboard)
    3
"""

from mlkit._lazy import lazy_exports

_WHERE = {
    "AutoMLJob": "mlkit.automl.job",
    "AutoMLJobResult": "mlkit.automl.job",
    "Candidate": "mlkit.automl.job",
    "DataExplorationReport": "mlkit.automl.job",
    "Deployment": "mlkit.automl.job",
    "OBJECTIVES": "mlkit.automl.job",
    "DEFAULT_OBJECTIVE": "mlkit.automl.job",
    "ALGORITHMS": "mlkit.automl.job",
    "profile": "mlkit.automl.job",
    "infer_problem_type": "mlkit.automl.job",
    "candidate_notebook": "mlkit.automl.notebook",
}

__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

"""Candidate notebooks: one runnable notebook per AutoML candidate, in plain pandas/scikit-learn/XGBoost.

Autopilot writes a *candidate definition notebook* so the learner keeps
visibility and control: every candidate is code that can be read, changed
and re-run. :func:`candidate_notebook` writes, for one candidate of an
:class:`~mlkit.automl.AutoMLJobResult`:

* ``<candidate>.data.csv``: the cleaned data the job trained on (feature
  columns, the encoded ``label``, and ``split`` = train/validation);
* ``<candidate>.ipynb``: markdown on what the job found and did, then code
  that reads the CSV, rebuilds exactly that pipeline with scikit-learn (and
  XGBoost), trains it on the train rows, scores the validation rows with the
  job's objective and checks the score equals the leaderboard's.

The notebook imports nothing from mlkit.

    >>> from mlkit.automl import AutoMLJob
    >>> result = AutoMLJob("loans", "approved", MaxCandidates=1, n_rows=400).run(progress=False)
    >>> candidate_notebook(result, folder="/tmp/mlkit-doc").suffix
    '.ipynb'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["candidate_notebook", "pipeline_code"]

_METRIC_CODE = {
    "F1": "metrics.f1_score(y_val, model.predict(X_val), pos_label=1, zero_division=0)",
    "Precision": "metrics.precision_score(y_val, model.predict(X_val), pos_label=1, zero_division=0)",
    "Recall": "metrics.recall_score(y_val, model.predict(X_val), pos_label=1, zero_division=0)",
    "Accuracy": "metrics.accuracy_score(y_val, model.predict(X_val))",
    "BalancedAccuracy": "metrics.balanced_accuracy_score(y_val, model.predict(X_val))",
    "F1macro": "metrics.f1_score(y_val, model.predict(X_val), average='macro', zero_division=0)",
    "AUC": "metrics.roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])",
    "LogLoss": ("metrics.log_loss(y_val, model.predict_proba(X_val), "
                "labels=list(range(model.predict_proba(X_val).shape[1])))"),
    "MSE": "metrics.mean_squared_error(y_val, model.predict(X_val))",
    "RMSE": "np.sqrt(metrics.mean_squared_error(y_val, model.predict(X_val)))",
    "MAE": "metrics.mean_absolute_error(y_val, model.predict(X_val))",
    "R2": "metrics.r2_score(y_val, model.predict(X_val))",
}


def _estimator_code(algorithm: str, hp: dict, classify: bool, seed: int) -> str:
    if algorithm == "linear":
        if classify:
            return f"LogisticRegression(C={float(hp['C'])!r}, max_iter=2000, solver='newton-cholesky')"
        return f"Ridge(alpha={float(hp['alpha'])!r})"
    if algorithm == "xgboost":
        cls = "xgb.XGBClassifier" if classify else "xgb.XGBRegressor"
        return (f"{cls}(n_estimators={int(hp['n_estimators'])}, max_depth={int(hp['max_depth'])}, "
                f"learning_rate={float(hp['learning_rate'])!r}, subsample={float(hp['subsample'])!r}, "
                f"min_child_weight={float(hp['min_child_weight'])!r}, n_jobs=1, random_state={seed}, "
                "tree_method='hist')")
    sizes = tuple(int(x) for x in str(hp["hidden_layer_sizes"]).split(","))
    cls = "MLPClassifier" if classify else "MLPRegressor"
    return (f"{cls}(hidden_layer_sizes={sizes!r}, alpha={float(hp['alpha'])!r}, "
            f"learning_rate_init={float(hp['learning_rate_init'])!r}, max_iter=300, random_state={seed})")


def pipeline_code(result, candidate: str | None = None) -> str:
    """The Python source that builds the (unfitted) pipeline of a candidate as ``model``."""
    cand = result.best_candidate if candidate is None else _get(result, candidate)
    p = result.prepared
    classify = result.ProblemType != "Regression"
    seed = result.job.seed or 0

    def pipe(c) -> str:
        return ("Pipeline([('preprocess', preprocess()), "
                f"('model', {_estimator_code(c.algorithm, c.hyperparameters, classify, seed)})])")

    lines = [
        f"numeric = {p['numeric']!r}",
        f"categorical = {p['categorical']!r}",
        "",
        "def preprocess():",
        "    return ColumnTransformer([",
        "        ('num', Pipeline([('impute', SimpleImputer(strategy='median')), ('scale', StandardScaler())]), numeric),",
        "        ('cat', Pipeline([('impute', SimpleImputer(strategy='most_frequent')),",
        "                          ('onehot', OneHotEncoder(handle_unknown='ignore', sparse_output=False))]), categorical),",
        "    ])",
        "",
    ]
    if cand.algorithm == "ensemble":
        members = [_get(result, m) for m in cand.members]
        inner = ",\n    ".join(f"({m.algorithm!r}, {pipe(m)})" for m in members)
        if classify:
            lines.append(f"model = StackingClassifier([\n    {inner}],\n    final_estimator=LogisticRegression("
                         f"max_iter=2000, solver='newton-cholesky'), cv=StratifiedKFold(3, shuffle=True, random_state={seed}))")
        else:
            lines.append(f"model = StackingRegressor([\n    {inner}],\n    final_estimator=Ridge(alpha=1.0), "
                         f"cv=KFold(3, shuffle=True, random_state={seed}))")
    else:
        lines.append(f"model = {pipe(cand)}")
    return "\n".join(lines)


def _get(result, name: str):
    if name not in result.candidates:
        raise KeyError(f"candidate={name!r} is not a candidate of this job; candidates: "
                       f"{', '.join(result.candidates)}")
    return result.candidates[name]


def candidate_notebook(result, candidate: str | None = None, folder: str | os.PathLike = ".") -> Path:
    """Write ``<candidate>.ipynb`` and ``<candidate>.data.csv`` into ``folder``; return the notebook's path.

    ``candidate`` None: the best candidate. Errors: a name that is not a
    candidate (``KeyError`` listing them); a result with no candidate.
    """
    import nbformat
    import pandas as pd

    if not result.candidates:
        raise ValueError("the job has no finished candidate to write a notebook for")
    cand = result.best_candidate if candidate is None else _get(result, candidate)
    p = result.prepared
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = pd.concat([p["X_train"], p["X_val"]])
    data["label"] = list(p["y_train"]) + list(p["y_val"])
    data["split"] = ["train"] * len(p["X_train"]) + ["validation"] * len(p["X_val"])
    csv = folder / f"{cand.CandidateName}.data.csv"
    data.to_csv(csv, index=False)
    classes = p["classes"]
    cleaning = result.cleaning.table
    did = "\n".join(f"- {r.step}: {r.problem} in `{r.column}` -- found {r.found}, {r.action}"
                    for r in cleaning.itertuples() if r.found)
    md = [
        f"# Candidate `{cand.CandidateName}`\n\n"
        f"Generated by the AutoML job `{result.AutoMLJobName}` ({result.Mode}). Problem type: "
        f"**{result.ProblemType}** ({result.problem_type_reason}). Objective: **{result.MetricName}** on the "
        f"validation rows; this candidate scored **{cand.objective:.6g}**.\n\n"
        "This notebook rebuilds the candidate with plain pandas, scikit-learn and XGBoost. Change anything and "
        "re-run it: it is your model now.",
        "## What the job did to the data\n\n" + (did or "- nothing needed cleaning") +
        ("\n\nClasses were encoded as " + ", ".join(f"`{c}` -> {i}" for i, c in enumerate(classes))
         if classes else ""),
    ]
    read = (
        "import warnings\n\nimport numpy as np\nimport pandas as pd\nimport xgboost as xgb\n"
        "from sklearn import metrics\nfrom sklearn.compose import ColumnTransformer\n"
        "from sklearn.ensemble import StackingClassifier, StackingRegressor\n"
        "from sklearn.impute import SimpleImputer\n"
        "from sklearn.linear_model import LogisticRegression, Ridge\n"
        "from sklearn.model_selection import KFold, StratifiedKFold\n"
        "from sklearn.neural_network import MLPClassifier, MLPRegressor\n"
        "from sklearn.pipeline import Pipeline\n"
        "from sklearn.preprocessing import OneHotEncoder, StandardScaler\n\n"
        f"categorical_columns = {p['categorical']!r}\n"
        f"data = pd.read_csv({csv.name!r}, dtype={{c: 'object' for c in categorical_columns}})\n"
        "train, val = data[data['split'] == 'train'], data[data['split'] == 'validation']\n"
        f"features = {list(p['numeric']) + list(p['categorical'])!r}\n"
        "X_train, y_train = train[features], train['label'].to_numpy()\n"
        "X_val, y_val = val[features], val['label'].to_numpy()\n"
        "len(X_train), len(X_val)"
    )
    fit = (
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')  # an MLP that stops before full convergence is still a candidate\n"
        "    model.fit(X_train, y_train)\n"
        f"score = float({_METRIC_CODE[result.MetricName]})\n"
        f"print('{result.MetricName} on validation:', score)"
    )
    check = (f"leaderboard_value = {cand.objective!r}\n"
             "assert abs(score - leaderboard_value) <= 1e-9 * max(1.0, abs(leaderboard_value)), "
             "(score, leaderboard_value)\nprint('reproduces the leaderboard value', leaderboard_value)")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(md[0]), nbformat.v4.new_markdown_cell(md[1]),
                nbformat.v4.new_code_cell(read),
                nbformat.v4.new_markdown_cell("## The pipeline: preprocessing, then the algorithm"),
                nbformat.v4.new_code_cell(pipeline_code(result, cand.CandidateName) + "\nmodel"),
                nbformat.v4.new_markdown_cell("## Train on the train rows, score the validation rows"),
                nbformat.v4.new_code_cell(fit),
                nbformat.v4.new_code_cell(check)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{cand.CandidateName}.ipynb"
    nbformat.write(nb, path)
    return path

"""The AutoML job: profile, clean, build and tune candidates, rank them (Autopilot's loop, offline).

SageMaker Autopilot (and Canvas, which runs it behind its *Quick build* and
*Standard build*) takes a table and the column to predict, infers the problem
type, explores and cleans the data, generates candidate pipelines
(preprocessing + an algorithm), tunes them and ranks them on a leaderboard by
the objective metric on validation data. :class:`AutoMLJob` does that with
scikit-learn and XGBoost:

* ``ProblemType``: BinaryClassification, MulticlassClassification or
  Regression; :func:`infer_problem_type` says which and why;
* ``AutoMLJobObjective``: ``{"MetricName": ...}``; default per problem type as
  SageMaker documents it (F1, Accuracy, MSE);
* ``Mode``: ``HYPERPARAMETER_TUNING`` (candidates of three algorithms, each
  tuned by :mod:`mlkit.tuning`'s Bayesian proposer over its ranges) or
  ``ENSEMBLING`` (varied candidates, then a stacked ensemble of the best of
  each algorithm -- Autopilot's ensembling mode stacks AutoGluon models);
* budget: ``MaxCandidates`` and ``MaxAutoMLJobRuntimeInSeconds``
  (``CompletionCriteria``).

The algorithms are named for what they are: ``linear`` (scikit-learn
LogisticRegression / Ridge, the part SageMaker's Linear Learner plays),
``xgboost`` (XGBClassifier / XGBRegressor) and ``mlp`` (scikit-learn's
multi-layer perceptron, the part of Autopilot's deep-learning candidates).

pandas, scikit-learn and xgboost are imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import os
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping

from mlkit._checks import check_float, check_int, check_one_of, check_seed, make_rng
from mlkit.aws import AwsRequest
from mlkit.report import Report

__all__ = ["AutoMLJob", "AutoMLJobResult", "Candidate", "DataExplorationReport", "Deployment", "OBJECTIVES",
           "DEFAULT_OBJECTIVE", "ALGORITHMS", "PROBLEM_TYPES", "MODES", "profile", "infer_problem_type"]

PROBLEM_TYPES = ("BinaryClassification", "MulticlassClassification", "Regression")
MODES = ("HYPERPARAMETER_TUNING", "ENSEMBLING")
ALGORITHMS = ("linear", "xgboost", "mlp")
#: AutoMLJobObjective default per problem type (SageMaker's documented defaults)
DEFAULT_OBJECTIVE = {"BinaryClassification": "F1", "MulticlassClassification": "Accuracy", "Regression": "MSE"}
#: metric -> (problem types it applies to, direction)
OBJECTIVES = {
    "F1": (("BinaryClassification",), "Maximize"),
    "AUC": (("BinaryClassification",), "Maximize"),
    "Precision": (("BinaryClassification",), "Maximize"),
    "Recall": (("BinaryClassification",), "Maximize"),
    "Accuracy": (("BinaryClassification", "MulticlassClassification"), "Maximize"),
    "BalancedAccuracy": (("BinaryClassification", "MulticlassClassification"), "Maximize"),
    "F1macro": (("MulticlassClassification",), "Maximize"),
    "LogLoss": (("BinaryClassification", "MulticlassClassification"), "Minimize"),
    "MSE": (("Regression",), "Minimize"),
    "RMSE": (("Regression",), "Minimize"),
    "MAE": (("Regression",), "Minimize"),
    "R2": (("Regression",), "Maximize"),
}
MAX_CANDIDATES = 750  # CompletionCriteria.MaxCandidates: SageMaker allows up to 750
MIN_RUNTIME = 0.0
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/SageMakerRole"
_ID_WORDS = ("id", "key", "uuid")


# ---------------------------------------------------------------------------- reading and profiling

def _read(data: Any, n_rows: int | None, data_seed: int | None):
    """A DataFrame from a path (.csv, .parquet), a DataFrame, a Dataset or a dataset name."""
    import pandas as pd

    from mlkit import datasets

    if isinstance(data, pd.DataFrame):
        return data.copy(), "dataframe"
    if isinstance(data, datasets.Dataset):
        return data.frame.copy(), f"dataset:{data.name}"
    if isinstance(data, (str, os.PathLike)):
        text = str(data)
        if text in datasets.names():
            kwargs = {} if n_rows is None else {"n_rows": n_rows}
            return datasets.load(text, seed=data_seed, **kwargs).frame, f"dataset:{text}"
        path = Path(text)
        if not path.exists():
            raise FileNotFoundError(f"data={text!r} is neither a file nor a dataset name; datasets: "
                                    f"{', '.join(datasets.names())}")
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                frame = pd.read_csv(path)
            elif suffix in (".parquet", ".pq"):
                frame = pd.read_parquet(path)
            else:
                raise ValueError(f"data must be a .csv or .parquet file, got {path.name!r}")
        except pd.errors.EmptyDataError:
            raise ValueError(f"data={text!r} is empty: the CSV has no header and no rows") from None
        return frame, str(path)
    raise TypeError(f"data must be a path, a pandas DataFrame, a mlkit Dataset or a dataset name, "
                    f"got {type(data).__name__}")


def _is_number_text(values) -> bool:
    import pandas as pd

    present = values.dropna()
    if len(present) == 0 or pd.api.types.is_numeric_dtype(values):
        return False
    text = present.astype("str").str.replace(r"[\$,\s]", "", regex=True)
    return bool(pd.to_numeric(text, errors="coerce").notna().all())


def infer_problem_type(target) -> tuple[str, str]:
    """``(ProblemType, reason)`` from a target column, the way Autopilot decides.

    Two distinct values: BinaryClassification. Text/categories or at most 10
    distinct integers with more rows than values: MulticlassClassification.
    Numbers otherwise: Regression. One distinct value raises ``ValueError``.

    >>> import pandas as pd
    >>> infer_problem_type(pd.Series([0, 1, 1, 0]))[0]
    'BinaryClassification'
    """
    import numpy as np
    import pandas as pd

    present = target.dropna()
    k = int(present.nunique())
    name = target.name
    if k < 2:
        raise ValueError(f"target={name!r} has {k} distinct value(s) {present.unique()[:3].tolist()}; a model "
                         "needs at least 2 classes (or a varying number) to learn from")
    if k == 2:
        return "BinaryClassification", f"{name!r} has exactly 2 distinct values"
    numeric = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present)
    if not numeric:
        return "MulticlassClassification", f"{name!r} holds text/categories with {k} distinct values"
    integral = bool(np.all(np.mod(present.to_numpy(dtype=float), 1) == 0))
    if integral and k <= 10 and len(present) > 2 * k:
        return "MulticlassClassification", f"{name!r} holds {k} distinct integers (<= 10): read as classes"
    return "Regression", f"{name!r} holds numbers with {k} distinct values"


@dataclasses.dataclass
class DataExplorationReport(Report):
    """Autopilot's data exploration report: one row per column, and what the data as a whole shows.

    ``columns`` (DataFrame): column, dtype, kind (numeric, numeric_text,
    categorical, id, text, target), missing, missing_share, n_unique, outliers
    (values outside the 3 x IQR fence), leakage_suspect (the column alone
    predicts the target almost perfectly: a value known only after the fact?)
    and note. ``n_duplicates`` counts rows equal to an earlier row;
    ``class_balance`` maps class -> share (classification);
    ``target_missing`` counts rows without a target.
    """

    n_rows: int
    n_columns: int
    target: str
    ProblemType: str
    problem_type_reason: str
    n_duplicates: int
    target_missing: int
    class_balance: dict
    columns: Any

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "columns"}
        d["columns"] = self.columns.to_dict(orient="records")
        return d

    def _repr_html_(self) -> str:
        bal = ", ".join(f"{k}: {v:.1%}" for k, v in self.class_balance.items()) or "n/a (regression)"
        return (f"<p><b>Data exploration</b>: {self.n_rows:,} rows, {self.n_columns} columns; target "
                f"<code>{self.target}</code> -> {self.ProblemType} ({self.problem_type_reason}); "
                f"{self.n_duplicates} duplicate rows; class balance: {bal}</p>"
                + self.columns.to_html(index=False, border=0))

    @property
    def leakage_suspects(self) -> list[str]:
        return self.columns.loc[self.columns["leakage_suspect"], "column"].tolist()


def _leakage(values, target, problem_type: str) -> bool:
    import numpy as np
    import pandas as pd

    ok = values.notna() & target.notna()
    v, t = values[ok], target[ok]
    if len(v) < 10:
        return False
    if problem_type == "Regression":
        if not pd.api.types.is_numeric_dtype(v):
            return False
        if v.std() == 0 or t.std() == 0:
            return False
        return bool(abs(np.corrcoef(v.to_numpy(float), t.to_numpy(float))[0, 1]) >= 0.99)
    # classification: the column's values (numeric: 20 quantile bins) each hold one class
    if pd.api.types.is_numeric_dtype(v) and v.nunique() > 20:
        key = pd.qcut(v.rank(method="first"), 20, labels=False)
    else:
        if v.nunique() > len(v) / 5:
            return False
        key = v.astype(str)
    # the share of rows in their key's majority class (what a crosstab's row maxima sum to, without one)
    key_codes = pd.factorize(key)[0]
    class_codes = pd.factorize(t.astype(str))[0]
    counts = np.zeros((key_codes.max() + 1, class_codes.max() + 1), dtype=np.int64)
    np.add.at(counts, (key_codes, class_codes), 1)
    majority = counts.max(axis=1).sum() / len(v)
    return bool(majority >= 0.99)


def _kinds(frame, target: str) -> dict[str, tuple[str, str]]:
    """column -> (kind, note)."""
    import pandas as pd

    n = len(frame)
    out = {}
    for col in frame.columns:
        s = frame[col]
        if col == target:
            out[col] = ("target", "the column to predict")
            continue
        nun = int(s.nunique())
        lower = str(col).lower()
        is_num = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        idish = any(lower == w or lower.endswith("_" + w) or lower.startswith(w + "_") for w in _ID_WORDS)
        if nun >= 0.9 * n and n > 20 and (idish or not is_num):  # duplicates aside, one value per row
            out[col] = ("id", "unique per row: an identifier, left out of the model")
        elif is_num:
            out[col] = ("numeric", "")
        elif _is_number_text(s):
            out[col] = ("numeric_text", "numbers stored as text: parsed")
        elif nun > max(50, n // 2):
            out[col] = ("text", f"{nun} distinct texts: free text, left out of the model")
        elif nun <= 1:
            out[col] = ("constant", "a single value: carries no information, left out")
        else:
            out[col] = ("categorical", "")
    return out


def profile(frame, target: str, problem_type: str | None = None) -> DataExplorationReport:
    """The data exploration report of ``frame`` for predicting ``target`` (frame unchanged).

    Errors: ``frame`` with no rows, ``target`` not a column
    (:class:`~mlkit.datasets.ColumnNotFoundError`), a target with one class.
    """
    import numpy as np
    import pandas as pd

    from mlkit.datasets import ColumnNotFoundError

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if target not in frame.columns:
        raise ColumnNotFoundError("target", target, list(frame.columns))
    if len(frame) == 0:
        raise ValueError(f"the data has no rows (columns: {', '.join(map(str, frame.columns))}); an AutoML "
                         "job needs rows to learn from")
    if problem_type is None:
        problem_type, reason = infer_problem_type(frame[target])
    else:
        check_one_of("ProblemType", problem_type, PROBLEM_TYPES)
        infer_problem_type(frame[target])  # a one-class target still fails
        reason = "given"
    kinds = _kinds(frame, target)
    rows = []
    for col in frame.columns:
        s = frame[col]
        kind, note = kinds[col]
        outliers = 0
        if kind in ("numeric", "numeric_text"):
            x = s if kind == "numeric" else pd.to_numeric(s.astype(str).str.replace(r"[\$,\s]", "", regex=True),
                                                          errors="coerce")
            q1, q3 = x.quantile(0.25), x.quantile(0.75)
            iqr = q3 - q1
            outliers = int(((x < q1 - 3 * iqr) | (x > q3 + 3 * iqr)).sum()) if iqr > 0 else 0
        leak = kind in ("numeric", "categorical") and _leakage(s, frame[target], problem_type)
        if leak:
            note = (note + "; " if note else "") + "alone predicts the target almost perfectly: leakage?"
        rows.append({"column": col, "dtype": str(s.dtype), "kind": kind, "missing": int(s.isna().sum()),
                     "missing_share": float(s.isna().mean()), "n_unique": int(s.nunique()),
                     "outliers": outliers, "leakage_suspect": bool(leak), "note": note})
    balance = {}
    if problem_type != "Regression":
        shares = frame[target].dropna().astype(str).value_counts(normalize=True).sort_index()
        balance = {str(k): float(v) for k, v in shares.items()}
    return DataExplorationReport(
        n_rows=len(frame), n_columns=frame.shape[1], target=target, ProblemType=problem_type,
        problem_type_reason=reason, n_duplicates=int(frame.duplicated().sum()),
        target_missing=int(frame[target].isna().sum()), class_balance=balance, columns=pd.DataFrame(rows))


# ---------------------------------------------------------------------------- candidates

def _ranges(algorithm: str, problem_type: str) -> list:
    from mlkit.tuning import CategoricalParameter, ContinuousParameter, IntegerParameter

    if algorithm == "linear":
        name = "alpha" if problem_type == "Regression" else "C"
        lo, hi = (1e-3, 1e3) if name == "alpha" else (1e-3, 1e2)
        return [ContinuousParameter(name, lo, hi, "Logarithmic")]
    if algorithm == "xgboost":
        return [IntegerParameter("n_estimators", 50, 400, "Logarithmic"),
                IntegerParameter("max_depth", 2, 8),
                ContinuousParameter("learning_rate", 0.02, 0.3, "Logarithmic"),
                ContinuousParameter("subsample", 0.6, 1.0),
                ContinuousParameter("min_child_weight", 0.5, 10.0, "Logarithmic")]
    return [CategoricalParameter("hidden_layer_sizes", ["32", "64", "64,32"]),
            ContinuousParameter("alpha", 1e-5, 1e-1, "Logarithmic"),
            ContinuousParameter("learning_rate_init", 1e-3, 3e-2, "Logarithmic")]


#: The defaults a first candidate of each algorithm starts from.
_DEFAULTS = {
    "linear": {"C": 1.0, "alpha": 1.0},
    "xgboost": {"n_estimators": 150, "max_depth": 4, "learning_rate": 0.1, "subsample": 0.9,
                "min_child_weight": 1.0},
    "mlp": {"hidden_layer_sizes": "64", "alpha": 1e-4, "learning_rate_init": 1e-3},
}


def build_pipeline(algorithm: str, hyperparameters: Mapping[str, Any], problem_type: str, numeric: list,
                   categorical: list, seed: int):
    """The scikit-learn Pipeline of one candidate: impute + scale/one-hot, then the algorithm."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    hp = dict(hyperparameters)
    pre = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), categorical),
    ])
    classify = problem_type != "Regression"
    if algorithm == "linear":
        if classify:
            from sklearn.linear_model import LogisticRegression
            # Newton-Cholesky: the same L2-regularised optimum as lbfgs, about ten times faster on
            # the kit's few-hundred-row, few-feature tables (lbfgs spends most of its time in overhead)
            model = LogisticRegression(C=float(hp["C"]), max_iter=2000, solver="newton-cholesky")
        else:
            from sklearn.linear_model import Ridge
            model = Ridge(alpha=float(hp["alpha"]))
    elif algorithm == "xgboost":
        import xgboost as xgb
        kw = dict(n_estimators=int(hp["n_estimators"]), max_depth=int(hp["max_depth"]),
                  learning_rate=float(hp["learning_rate"]), subsample=float(hp["subsample"]),
                  min_child_weight=float(hp["min_child_weight"]), n_jobs=1, random_state=seed,
                  tree_method="hist")
        model = xgb.XGBClassifier(**kw) if classify else xgb.XGBRegressor(**kw)
    elif algorithm == "mlp":
        from sklearn.neural_network import MLPClassifier, MLPRegressor
        sizes = tuple(int(x) for x in str(hp["hidden_layer_sizes"]).split(","))
        kw = dict(hidden_layer_sizes=sizes, alpha=float(hp["alpha"]),
                  learning_rate_init=float(hp["learning_rate_init"]), max_iter=300, random_state=seed)
        model = MLPClassifier(**kw) if classify else MLPRegressor(**kw)
    else:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}, got {algorithm!r}")
    return Pipeline([("preprocess", pre), ("model", model)])


def objective_value(metric: str, y_true, model, X, problem_type: str) -> float:
    """The objective ``metric`` of a fitted ``model`` on (X, y_true); y_true is encoded (0..k-1 or numbers)."""
    import numpy as np
    from sklearn import metrics as m

    if metric in ("AUC", "LogLoss"):
        proba = model.predict_proba(X)
        if metric == "AUC":
            return float(m.roc_auc_score(y_true, proba[:, 1]))
        return float(m.log_loss(y_true, proba, labels=list(range(proba.shape[1]))))
    pred = model.predict(X)
    if metric == "F1":
        return float(m.f1_score(y_true, pred, pos_label=1, zero_division=0))
    if metric == "Precision":
        return float(m.precision_score(y_true, pred, pos_label=1, zero_division=0))
    if metric == "Recall":
        return float(m.recall_score(y_true, pred, pos_label=1, zero_division=0))
    if metric == "Accuracy":
        return float(m.accuracy_score(y_true, pred))
    if metric == "BalancedAccuracy":
        return float(m.balanced_accuracy_score(y_true, pred))
    if metric == "F1macro":
        return float(m.f1_score(y_true, pred, average="macro", zero_division=0))
    if metric == "MSE":
        return float(m.mean_squared_error(y_true, pred))
    if metric == "RMSE":
        return float(np.sqrt(m.mean_squared_error(y_true, pred)))
    if metric == "MAE":
        return float(m.mean_absolute_error(y_true, pred))
    return float(m.r2_score(y_true, pred))


@dataclasses.dataclass
class Candidate:
    """One trained candidate: its name, algorithm, hyperparameters, fitted pipeline, validation objective."""

    CandidateName: str
    algorithm: str
    hyperparameters: dict
    pipeline: Any = dataclasses.field(repr=False)
    objective: float
    training_seconds: float
    members: tuple = ()  # for the ensemble: the candidates it stacks


# ---------------------------------------------------------------------------- the job

class AutoMLJob(AwsRequest):
    """An AutoML job (``CreateAutoMLJobV2`` with a tabular problem): data and target in, a ranked result out.

    ``data``: a .csv/.parquet path, a DataFrame, a :class:`mlkit.datasets.Dataset`
    or a dataset name (``n_rows``/``data_seed`` then make it). ``target``: the
    column to predict. ``ProblemType`` None infers it; ``AutoMLJobObjective``
    ``{"MetricName": ...}`` or a metric name, None for SageMaker's default;
    ``Mode`` HYPERPARAMETER_TUNING or ENSEMBLING; ``MaxCandidates`` (>= 1) and
    ``MaxAutoMLJobRuntimeInSeconds`` (None or > 0; measured wall-clock: after the
    first candidate, no new one starts once it is spent) bound the work;
    ``ValidationFraction`` is the share held out (stratified for classes).
    Parameters are stored unchanged and validated here; the data is read and
    checked by :meth:`run`, which changes nothing on the job.

    >>> job = AutoMLJob("loans", "approved", MaxCandidates=3, n_rows=500)
    >>> job.to_request()["AutoMLProblemTypeConfig"]["TabularJobConfig"]["CompletionCriteria"]
    {'MaxCandidates': 3}

    Errors: ``MaxCandidates`` not an int in [1, 750]; a runtime <= 0;
    unknown ``Mode``/``ProblemType``; an objective that does not fit the
    problem type; ``ValidationFraction`` outside [0.05, 0.5]; at run time a
    file with no rows, a target that is not a column, a target with one class.
    """

    def __init__(self, data: Any, target: str, *, ProblemType: str | None = None,
                 AutoMLJobObjective: Mapping | str | None = None, Mode: str = "HYPERPARAMETER_TUNING",
                 MaxCandidates: int = 10, MaxAutoMLJobRuntimeInSeconds: float | None = None,
                 ValidationFraction: float = 0.2, AutoMLJobName: str = "mlkit-automl", seed: int | None = 0,
                 n_rows: int | None = None, data_seed: int | None = 0,
                 S3Uri: str = "s3://mlkit-course/automl/input/data.csv"):
        self.data = data
        self.target = target
        self.ProblemType = ProblemType
        self.AutoMLJobObjective = AutoMLJobObjective
        self.Mode = Mode
        self.MaxCandidates = MaxCandidates
        self.MaxAutoMLJobRuntimeInSeconds = MaxAutoMLJobRuntimeInSeconds
        self.ValidationFraction = ValidationFraction
        self.AutoMLJobName = AutoMLJobName
        self.seed = seed
        self.n_rows = n_rows
        self.data_seed = data_seed
        self.S3Uri = S3Uri
        import re

        if not isinstance(AutoMLJobName, str) or not re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}",
                                                                   AutoMLJobName):
            raise ValueError("AutoMLJobName must be 1 to 32 letters, digits and hyphens, starting and ending "
                             f"with a letter or digit, got {AutoMLJobName!r}")
        if not isinstance(target, str) or not target:
            raise TypeError(f"target must be a column name (a non-empty string), got {target!r}")
        if ProblemType is not None:
            check_one_of("ProblemType", ProblemType, PROBLEM_TYPES)
        check_one_of("Mode", Mode, MODES)
        check_int("MaxCandidates", MaxCandidates, low=1, high=MAX_CANDIDATES)
        if MaxAutoMLJobRuntimeInSeconds is not None:
            check_float("MaxAutoMLJobRuntimeInSeconds", MaxAutoMLJobRuntimeInSeconds, 0.0, low_open=True)
        if Mode == "ENSEMBLING" and MaxCandidates < 2:
            raise ValueError(f"MaxCandidates must be >= 2 in ENSEMBLING mode (base models and the ensemble), "
                             f"got {MaxCandidates}")
        check_float("ValidationFraction", ValidationFraction, 0.05, 0.5)
        check_seed(seed)
        self._metric = self._metric_name()
        if self._metric is not None:
            check_one_of("AutoMLJobObjective.MetricName", self._metric, list(OBJECTIVES))
            if ProblemType is not None and ProblemType not in OBJECTIVES[self._metric][0]:
                raise ValueError(f"AutoMLJobObjective.MetricName={self._metric!r} does not apply to "
                                 f"ProblemType={ProblemType!r}; it applies to {', '.join(OBJECTIVES[self._metric][0])}")

    def _metric_name(self) -> str | None:
        obj = self.AutoMLJobObjective
        if obj is None:
            return None
        if isinstance(obj, str):
            return obj
        if isinstance(obj, Mapping) and set(obj) == {"MetricName"}:
            return obj["MetricName"]
        raise ValueError(f"AutoMLJobObjective must be a metric name or {{'MetricName': ...}}, got {obj!r}")

    # -- export ----------------------------------------------------------
    def to_request(self, problem_type: str | None = None) -> dict:
        """``CreateAutoMLJobV2`` parameters (placeholder role and bucket)."""
        pt = problem_type or self.ProblemType
        cfg: dict = {"CompletionCriteria": {"MaxCandidates": int(self.MaxCandidates)},
                     "Mode": self.Mode, "TargetAttributeName": self.target}
        if self.MaxAutoMLJobRuntimeInSeconds is not None:
            cfg["CompletionCriteria"]["MaxAutoMLJobRuntimeInSeconds"] = max(1, int(self.MaxAutoMLJobRuntimeInSeconds))
        if pt is not None:
            cfg["ProblemType"] = pt
        request = {
            "AutoMLJobName": self.AutoMLJobName,
            "AutoMLJobInputDataConfig": [{"ChannelType": "training", "ContentType": "text/csv;header=present",
                                          "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                          "S3Uri": self.S3Uri}}}],
            "OutputDataConfig": {"S3OutputPath": f"s3://mlkit-course/automl/{self.AutoMLJobName}/"},
            "AutoMLProblemTypeConfig": {"TabularJobConfig": cfg},
            "RoleArn": PLACEHOLDER_ROLE,
            "DataSplitConfig": {"ValidationFraction": float(self.ValidationFraction)},
        }
        metric = self._metric or (DEFAULT_OBJECTIVE[pt] if pt else None)
        if metric is not None:
            request["AutoMLJobObjective"] = {"MetricName": metric}
        return request

    def validate(self) -> dict:
        from mlkit.aws import validate_request

        return validate_request("sagemaker", "CreateAutoMLJobV2", self.to_request())

    # -- running ---------------------------------------------------------
    def prepare(self) -> dict:
        """Read, profile and clean the data and split it; what :meth:`run` trains on (a dict)."""
        import numpy as np
        import pandas as pd
        from sklearn.model_selection import train_test_split

        from mlkit.prep import DataCleaner, Schema

        frame, source = _read(self.data, self.n_rows, self.data_seed)
        report = profile(frame, self.target, self.ProblemType)
        pt = report.ProblemType
        metric = self._metric or DEFAULT_OBJECTIVE[pt]
        if pt not in OBJECTIVES[metric][0]:
            raise ValueError(f"AutoMLJobObjective.MetricName={metric!r} does not apply to the inferred "
                             f"ProblemType={pt!r} ({report.problem_type_reason}); it applies to "
                             f"{', '.join(OBJECTIVES[metric][0])}")
        kinds = dict(zip(report.columns["column"], report.columns["kind"]))
        numeric = [c for c, k in kinds.items() if k in ("numeric", "numeric_text")]
        categorical = [c for c, k in kinds.items() if k == "categorical"]
        dropped = [c for c, k in kinds.items() if k in ("id", "text", "constant")]
        # Canvas-style cleaning through the kit's DataCleaner: duplicates, numbers as text, outliers
        n_in = len(frame)
        frame = frame.loc[frame[self.target].notna()].reset_index(drop=True)
        num_df = frame[[c for c in numeric if kinds[c] == "numeric"]]
        positive = [c for c in num_df.columns if len(num_df[c].dropna()) and num_df[c].min() > 0
                    and num_df[c].nunique() > 10]
        schema = Schema(target=self.target, labels={}, numeric=tuple(numeric), key=(), outliers=tuple(positive))
        cleaned = DataCleaner(schema, steps=("dedupe", "numbers", "outliers")).clean(frame)
        df = cleaned.frame
        actions = cleaned.report.table.copy()
        extra = []
        if n_in > len(frame):
            extra.append({"step": "target", "problem": "rows without a target", "column": self.target,
                          "found": n_in - len(frame), "action": "rows dropped", "done": n_in - len(frame)})
        for c in dropped:
            extra.append({"step": "drop_columns", "problem": f"{kinds[c]} column", "column": c, "found": 1,
                          "action": "left out of the model", "done": 1})
        if extra:
            actions = pd.concat([actions, pd.DataFrame(extra)], ignore_index=True)
        cleaned.report.table = actions
        y_raw = df[self.target]
        if pt == "Regression":
            classes = None
            y = y_raw.to_numpy(dtype=float)
        else:
            classes = sorted(y_raw.astype(str).unique())
            if len(classes) < 2:
                raise ValueError(f"target={self.target!r} has one class after cleaning; need at least 2")
            y = y_raw.astype(str).map({c: i for i, c in enumerate(classes)}).to_numpy(dtype=np.int64)
        X = df[numeric + categorical]
        for c in categorical:
            X[c] = X[c].astype("object").where(X[c].notna(), np.nan).astype(str).where(X[c].notna(), np.nan)
        strat = y if pt != "Regression" and np.bincount(y).min() >= 2 else None
        idx = np.arange(len(df))
        tr, va = train_test_split(idx, test_size=self.ValidationFraction, random_state=self.seed or 0,
                                  stratify=strat)
        tr, va = np.sort(tr), np.sort(va)
        return {"source": source, "exploration": report, "cleaning": cleaned.report, "ProblemType": pt,
                "metric": metric, "maximize": OBJECTIVES[metric][1] == "Maximize", "numeric": numeric,
                "categorical": categorical, "classes": classes, "frame": df, "X_train": X.iloc[tr],
                "y_train": y[tr], "X_val": X.iloc[va], "y_val": y[va], "train_index": tr, "val_index": va}

    def run(self, *, progress: bool = True, on_candidate: Callable[["AutoMLJobResult"], Any] | None = None,
            prepared: Mapping | None = None) -> "AutoMLJobResult":
        """Train the candidates and return an :class:`AutoMLJobResult`.

        ``on_candidate(result)`` is called after every finished candidate with
        the result so far (the widget shows the leaderboard row by row). A
        tqdm bar counts candidates. Interrupting (Ctrl-C, the notebook's stop
        button, a KeyboardInterrupt from ``on_candidate``) keeps every finished
        candidate; ``AutoMLJobStatus`` is then ``Stopped``. ``prepared``: the
        output of :meth:`prepare`, to reuse.
        """
        from mlkit.tuning import _Space, _bayesian_batch

        p = dict(prepared) if prepared is not None else self.prepare()
        rng = make_rng(self.seed)
        result = AutoMLJobResult(AutoMLJobName=self.AutoMLJobName, ProblemType=p["ProblemType"],
                                 problem_type_reason=p["exploration"].problem_type_reason, MetricName=p["metric"],
                                 Mode=self.Mode, exploration=p["exploration"], cleaning=p["cleaning"],
                                 prepared=p, job=self)
        plan = self._plan()
        spaces = {a: _Space(_ranges(a, p["ProblemType"])) for a in ALGORITHMS}
        observed: dict[str, list] = {a: [] for a in ALGORITHMS}
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(plan), desc=f"{self.AutoMLJobName} ({self.Mode})", unit="candidate")
        started = time.perf_counter()
        try:
            for i, algorithm in enumerate(plan):
                if (i > 0 and self.MaxAutoMLJobRuntimeInSeconds is not None
                        and time.perf_counter() - started >= self.MaxAutoMLJobRuntimeInSeconds):
                    result.AutoMLJobStatus, result.stop_reason = "Completed", "MaxAutoMLJobRuntimeInSeconds reached"
                    break
                name = f"{self.AutoMLJobName}-{i + 1:03d}-{algorithm}"
                if algorithm == "ensemble":
                    cand = self._ensemble(name, result, p)
                else:
                    space = spaces[algorithm]
                    if not observed[algorithm]:
                        config = {k: v for k, v in _DEFAULTS[algorithm].items() if k in space.names}
                    elif self.Mode == "ENSEMBLING" or len(observed[algorithm]) < 3:
                        config = space.sample(rng)
                    else:
                        config = _bayesian_batch(space, observed[algorithm], 1, rng, n_candidates=300)[0]
                    config = {k: (v.item() if hasattr(v, "item") else v) for k, v in config.items()}
                    cand = self._fit(name, algorithm, config, p)
                    score = cand.objective if p["maximize"] else -cand.objective
                    observed[algorithm].append((config, score if score == score else -1e300))
                result.candidates[name] = cand
                if bar is not None:
                    bar.update(1)
                if on_candidate is not None:
                    on_candidate(result)
        except KeyboardInterrupt:
            result.AutoMLJobStatus, result.stop_reason = "Stopped", "interrupted"
        finally:
            if bar is not None:
                bar.close()
        return result

    def _plan(self) -> list[str]:
        n = int(self.MaxCandidates)
        if self.Mode == "ENSEMBLING":
            return [ALGORITHMS[i % 3] for i in range(n - 1)] + ["ensemble"]
        return [ALGORITHMS[i % 3] for i in range(n)]

    def _fit(self, name: str, algorithm: str, config: dict, p: Mapping) -> Candidate:
        pipe = build_pipeline(algorithm, config, p["ProblemType"], p["numeric"], p["categorical"], self.seed or 0)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an MLP that has not fully converged is still a candidate
            pipe.fit(p["X_train"], p["y_train"])
        seconds = time.perf_counter() - t0
        value = objective_value(p["metric"], p["y_val"], pipe, p["X_val"], p["ProblemType"])
        return Candidate(name, algorithm, config, pipe, value, seconds)

    def _ensemble(self, name: str, result: "AutoMLJobResult", p: Mapping) -> Candidate:
        from sklearn.base import clone
        from sklearn.ensemble import StackingClassifier, StackingRegressor
        from sklearn.linear_model import LogisticRegression, Ridge
        from sklearn.model_selection import KFold, StratifiedKFold

        best: dict[str, Candidate] = {}
        sign = 1 if p["maximize"] else -1
        for c in result.candidates.values():
            if c.objective == c.objective and (c.algorithm not in best
                                               or sign * c.objective > sign * best[c.algorithm].objective):
                best[c.algorithm] = c
        members = [best[a] for a in ALGORITHMS if a in best]
        estimators = [(c.algorithm, clone(c.pipeline)) for c in members]
        seed = self.seed or 0
        if p["ProblemType"] == "Regression":
            model = StackingRegressor(estimators, final_estimator=Ridge(alpha=1.0),
                                      cv=KFold(3, shuffle=True, random_state=seed))
        else:
            final = LogisticRegression(max_iter=2000, solver="newton-cholesky")
            model = StackingClassifier(estimators, final_estimator=final,
                                       cv=StratifiedKFold(3, shuffle=True, random_state=seed))
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _fit_stack(model, members, p["X_train"], p["y_train"])
        seconds = time.perf_counter() - t0
        value = objective_value(p["metric"], p["y_val"], model, p["X_val"], p["ProblemType"])
        return Candidate(name, "ensemble", {"stacks": ",".join(c.CandidateName for c in members)}, model, value,
                         seconds, tuple(c.CandidateName for c in members))

    def __repr__(self) -> str:
        return (f"AutoMLJob({self.AutoMLJobName!r}, target={self.target!r}, Mode={self.Mode!r}, "
                f"MaxCandidates={self.MaxCandidates})")


def _fit_stack(model, members, X, y):
    """Fit ``model`` (a StackingClassifier/Regressor with a CV splitter) to what ``model.fit(X, y)`` gives.

    ``model.fit`` fits every base estimator twice over: once per CV fold for
    the out-of-fold predictions the final estimator learns from, and once
    more on all of (X, y) for predicting. The second kind is exactly what the
    ``members`` (candidates already fitted on the same X and y with the same
    seeds) are, so they are reused: the base estimators are set as prefit,
    and the final estimator is then refitted on the out-of-fold predictions,
    as the splitter would have it. The fitted model predicts exactly as
    ``model.fit(X, y)`` would (``tests/test_automl.py``); its parameters end
    as they were given.
    """
    from copy import deepcopy

    from sklearn.base import clone
    from sklearn.model_selection import cross_val_predict

    cv, estimators = model.cv, model.estimators
    model.set_params(estimators=[(c.algorithm, c.pipeline) for c in members], cv="prefit")
    try:
        model.fit(X, y)  # estimators_ = the members; stack_method_ and classes_ as usual
        y_fit = model._label_encoder.transform(y) if hasattr(model, "_label_encoder") else y
        predictions = [cross_val_predict(clone(est), X, y_fit, cv=deepcopy(cv), method=meth)
                       for (_, est), meth in zip(estimators, model.stack_method_)]
        final = clone(model.final_estimator)
        final.fit(model._concatenate_predictions(X, predictions), y_fit)
        model.final_estimator_ = final
    finally:
        model.set_params(estimators=estimators, cv=cv)
    return model


@dataclasses.dataclass
class Deployment:
    """A deployed candidate: the endpoint, the model artifact and its metrics file.

    ``body(frame)`` turns raw rows into the ``text/csv`` body the endpoint
    takes (the candidate's preprocessing runs client-side: the kit's endpoint
    takes numeric features; Autopilot's inference container runs both).
    Close the endpoint with ``deployment.endpoint.close()`` or ``with``.
    """

    endpoint: Any
    model_path: str
    metrics_path: str
    preprocess: Any = dataclasses.field(repr=False)
    features: Any = dataclasses.field(default=None, repr=False)

    def body(self, frame) -> bytes:
        """Raw rows (as in the job's data) -> the text/csv body of numeric features."""
        import numpy as np

        rows = self.features(frame) if self.features is not None else frame
        X = np.asarray(self.preprocess.transform(rows), dtype=np.float64)
        return "".join(",".join(repr(float(v)) for v in row) + "\n" for row in X).encode()


@dataclasses.dataclass
class AutoMLJobResult(Report):
    """What an AutoML job did: the exploration and cleaning reports, the candidates, the leaderboard.

    ``leaderboard`` (DataFrame, best first): rank, CandidateName, algorithm,
    ObjectiveMetric, value (on validation), training_seconds,
    hyperparameters. ``AutoMLJobStatus`` is Completed, or Stopped when the run
    was interrupted (the finished candidates are kept). ``best_candidate`` is
    DescribeAutoMLJobV2's BestCandidate (a :class:`Candidate`).
    """

    AutoMLJobName: str
    ProblemType: str
    problem_type_reason: str
    MetricName: str
    Mode: str
    exploration: DataExplorationReport
    cleaning: Any
    candidates: dict = dataclasses.field(default_factory=dict)
    AutoMLJobStatus: str = "Completed"
    stop_reason: str = ""
    prepared: Any = dataclasses.field(default=None, repr=False)
    job: Any = dataclasses.field(default=None, repr=False)

    @property
    def maximize(self) -> bool:
        return OBJECTIVES[self.MetricName][1] == "Maximize"

    @property
    def leaderboard(self):
        import pandas as pd

        rows = [{"CandidateName": c.CandidateName, "algorithm": c.algorithm, "ObjectiveMetric": self.MetricName,
                 "value": c.objective, "training_seconds": c.training_seconds,
                 "hyperparameters": ", ".join(f"{k}={_fmt(v)}" for k, v in c.hyperparameters.items())}
                for c in self.candidates.values()]
        cols = ["rank", "CandidateName", "algorithm", "ObjectiveMetric", "value", "training_seconds",
                "hyperparameters"]
        if not rows:
            return pd.DataFrame(columns=cols)
        board = pd.DataFrame(rows).sort_values("value", ascending=not self.maximize, kind="stable",
                                                na_position="last").reset_index(drop=True)
        board.insert(0, "rank", range(1, len(board) + 1))
        return board[cols]

    @property
    def best_candidate(self) -> Candidate | None:
        board = self.leaderboard
        return None if board.empty else self.candidates[board["CandidateName"].iloc[0]]

    def to_dict(self) -> dict:
        best = self.best_candidate
        return {"AutoMLJobName": self.AutoMLJobName, "AutoMLJobStatus": self.AutoMLJobStatus,
                "ProblemType": self.ProblemType, "AutoMLJobObjective": {"MetricName": self.MetricName},
                "Mode": self.Mode, "BestCandidate": None if best is None else {
                    "CandidateName": best.CandidateName,
                    "FinalAutoMLJobObjectiveMetric": {"MetricName": self.MetricName, "Value": best.objective}},
                "leaderboard": self.leaderboard.to_dict(orient="records")}

    def _repr_html_(self) -> str:
        return (f"<p><b>{self.AutoMLJobName}</b>: {self.AutoMLJobStatus}, {self.ProblemType} "
                f"({self.problem_type_reason}), objective {self.MetricName}, mode {self.Mode}</p>"
                + self.leaderboard.to_html(index=False, border=0))

    def predict(self, frame, candidate: str | None = None):
        """Predictions of a candidate (default the best) for raw rows, in the target's own labels."""
        import numpy as np

        cand = self.best_candidate if candidate is None else self.candidates[candidate]
        p = self.prepared
        X = self.features(frame)
        pred = cand.pipeline.predict(X)
        if p["classes"] is None:
            return pred
        return np.asarray(p["classes"], dtype=object)[np.asarray(pred, dtype=int)]

    def features(self, frame):
        """Raw rows -> the feature frame the candidates take (numbers as text parsed, categories as text)."""
        import numpy as np
        import pandas as pd

        from mlkit.prep import parse_numbers

        p = self.prepared
        X = frame[p["numeric"] + p["categorical"]].copy()
        for c in p["numeric"]:
            if not pd.api.types.is_numeric_dtype(X[c]):
                X[c] = parse_numbers(X[c], name=c)
        for c in p["categorical"]:
            X[c] = X[c].astype("object").where(X[c].notna(), np.nan).astype(str).where(X[c].notna(), np.nan)
        return X

    def candidate_notebook(self, candidate: str | None = None, folder: str | os.PathLike = ".") -> Path:
        """Write the candidate's notebook (and the cleaned data it reads) into ``folder``; return its path."""
        from mlkit.automl.notebook import candidate_notebook

        return candidate_notebook(self, candidate, folder)

    def deploy(self, folder: str | os.PathLike, *, candidate: str | None = None,
               EndpointName: str = "automl-best") -> Deployment:
        """Save the best (or named) candidate's model as ``model.tar.gz`` with ``metrics.json`` and serve it.

        Returns a :class:`Deployment` whose ``endpoint`` is a
        :class:`mlkit.inference.LocalEndpoint` (variant ``AllTraffic``). The
        model registry (#13) has not landed: the artifact and its metrics
        file are kept in ``folder``. The endpoint serves the candidate's
        model on numeric features; ``Deployment.body`` runs its
        preprocessing on raw rows. A stacked ensemble raises ``ValueError``
        (deploy a single-algorithm candidate).
        """
        import json

        from mlkit.artifacts import save_model
        from mlkit.inference.server import LocalEndpoint, ProductionVariant

        cand = self.best_candidate if candidate is None else self.candidates[candidate]
        if cand is None:
            raise ValueError("the job has no finished candidate to deploy")
        if cand.algorithm == "ensemble":
            raise ValueError(f"candidate={cand.CandidateName!r} is a stacked ensemble; deploy a single-algorithm "
                             "candidate (the kit's endpoint serves one model on numeric features)")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        model = cand.pipeline.named_steps["model"]
        path = save_model(model, folder / cand.CandidateName)
        metrics = {"CandidateName": cand.CandidateName, "algorithm": cand.algorithm,
                   "hyperparameters": cand.hyperparameters, "ProblemType": self.ProblemType,
                   "FinalAutoMLJobObjectiveMetric": {"MetricName": self.MetricName, "Value": cand.objective},
                   "classes": self.prepared["classes"],
                   "features": [str(f) for f in cand.pipeline.named_steps["preprocess"].get_feature_names_out()]}
        metrics_path = folder / cand.CandidateName / "metrics.json"
        metrics_path.write_text(json.dumps(metrics, indent=2, default=str))
        endpoint = LocalEndpoint(EndpointName, [ProductionVariant("AllTraffic", path)])
        return Deployment(endpoint, str(path), str(metrics_path), cand.pipeline.named_steps["preprocess"],
                          self.features)


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)

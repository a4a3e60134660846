"""Mitigating class imbalance: resampling, SMOTE and class weights, measured.

Fraud data is skewed: most claims are legitimate, so a model can score well
while missing most fraud. Four fixes, all applied to the *training* rows only:

* ``"oversample"`` -- draw minority rows again, with replacement, until both
  classes have as many rows as the majority;
* ``"undersample"`` -- keep a random subset of the majority as large as the
  minority;
* ``"smote"`` -- SMOTE (imbalanced-learn): new minority rows on the line
  between a minority row and one of its 5 nearest minority neighbours
  (numeric features only);
* ``"class_weight"`` -- keep the rows, weight each class by ``n / (2 n_class)``
  ("balanced"), so both classes carry the same total weight.

:func:`compare_mitigations` trains the same logistic regression after each fix
and measures, on one untouched held-out split, the class imbalance CI of the
training label (weighted for class weights) and the minority class's recall,
precision and the balanced accuracy.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": range(10), "y": ["a"] * 8 + ["b"] * 2})
    >>> resample(df, label="y", method="oversample", seed=0)["y"].value_counts().to_dict()
    {'a': 8, 'b': 8}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from mlkit._checks import check_fraction, check_one_of, make_rng
from mlkit.report import Report

__all__ = ["resample", "class_weights", "compare_mitigations", "MitigationResult", "METHODS"]

#: The mitigation methods, in the order :func:`compare_mitigations` reports them.
METHODS = ("none", "oversample", "undersample", "smote", "class_weight")


def _label_counts(df, label: str):
    from .metrics import _column

    col = _column(df, label, "label")
    counts = col.value_counts()
    if len(counts) != 2:
        raise ValueError(f"label column {label!r} must have exactly 2 classes to rebalance, "
                         f"got {len(counts)}: {sorted(map(str, counts.index))}")
    return col, counts


def resample(df, *, label: str, method: str = "oversample", features: Sequence[str] | None = None,
             seed: int | None = 0):
    """Rebalance two classes of ``label``: a frame in, a new frame with equal class counts out.

    ``method`` is ``"oversample"``, ``"undersample"`` or ``"smote"``; SMOTE
    uses ``features`` (default: every numeric column but the label) and
    returns only those columns and the label. ``df`` is not changed; the same
    seed gives the same rows. Errors: ``label`` not a column or without
    exactly two classes; unknown ``method``; non-numeric SMOTE features.
    """
    import numpy as np
    import pandas as pd

    method = check_one_of("method", method, ["oversample", "undersample", "smote"])
    col, counts = _label_counts(df, label)
    minority, majority = counts.idxmin(), counts.idxmax()
    rng = make_rng(seed)
    idx_min = np.flatnonzero((col == minority).to_numpy())
    idx_maj = np.flatnonzero((col == majority).to_numpy())
    if method == "oversample":
        extra = rng.choice(idx_min, size=len(idx_maj) - len(idx_min), replace=True)
        rows = np.concatenate([np.arange(len(df)), extra])
        return df.iloc[rows].reset_index(drop=True)
    if method == "undersample":
        keep = rng.choice(idx_maj, size=len(idx_min), replace=False)
        rows = np.sort(np.concatenate([idx_min, keep]))
        return df.iloc[rows].reset_index(drop=True)
    from imblearn.over_sampling import SMOTE

    if features is None:
        features = [c for c in df.columns if c != label and pd.api.types.is_numeric_dtype(df[c])]
    bad = [c for c in features if c not in df.columns or not pd.api.types.is_numeric_dtype(df[c])]
    if bad or not features:
        raise ValueError(f"features must be numeric columns of df for SMOTE; not usable: {bad or 'none given'}")
    k = int(min(5, len(idx_min) - 1))
    if k < 1:
        raise ValueError(f"SMOTE needs at least 2 rows of the minority class {minority!r}, got {len(idx_min)}")
    smote = SMOTE(k_neighbors=k, random_state=int(rng.integers(2**31 - 1)))
    X, y = smote.fit_resample(df[list(features)], col)
    out = pd.DataFrame(X, columns=list(features))
    out[label] = np.asarray(y)
    return out


def class_weights(y) -> dict:
    """Balanced class weights ``n / (n_classes * n_class)``: a label column in, ``{class: weight}`` out.

        >>> class_weights(["a"] * 3 + ["b"])
        {'a': 0.6666666666666666, 'b': 2.0}
    """
    import pandas as pd

    counts = pd.Series(list(y)).value_counts()
    n, k = int(counts.sum()), len(counts)
    return {c: n / (k * int(counts[c])) for c in sorted(counts.index)}


@dataclass
class MitigationResult(Report):
    """The comparison table (``table``: one row per method) and what was compared."""

    table: Any
    minority: str
    features: list
    test_rows: int

    def _repr_html_(self) -> str:
        return (f"<p>Minority class <b>{self.minority}</b>; logistic regression on {self.features}; "
                f"metrics on {self.test_rows} held-out rows</p>" + self.table.to_html(index=False, float_format="%.3f"))


def compare_mitigations(df, *, label: str, features: Sequence[str], methods: Sequence[str] = METHODS,
                        test_fraction: float = 0.3, seed: int | None = 0) -> MitigationResult:
    """Each mitigation's effect: a labelled frame in, a :class:`MitigationResult` out.

    Splits ``df`` once (stratified, ``test_fraction`` held out), rebalances the
    training part with each method, fits ``LogisticRegression`` on
    ``features`` (log1p of each, standardised) and reports per method:
    ``train_rows``, ``minority_share``, ``CI`` (Clarify's class imbalance with
    the label as facet and the minority as facet *d*, weighted by the class
    weights for ``"class_weight"``), and on the held-out rows the minority
    class's ``recall`` and ``precision`` and the ``balanced_accuracy``.

        >>> from mlkit.datasets import claims
        >>> ds = claims(3000, suspicious_rate=0.05, seed=0)
        >>> r = compare_mitigations(ds.frame, label="operation_status",
        ...                         features=["payment_value", "account_duration"])
        >>> r.table.set_index("method").loc["oversample", "CI"]
        0.0
    """
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score, precision_score, recall_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    col, counts = _label_counts(df, label)
    features = list(features)
    bad = [c for c in features if c not in df.columns or not pd.api.types.is_numeric_dtype(df[c])]
    if bad or not features:
        raise ValueError(f"features must be numeric columns of df; not usable: {bad or 'none given'}")
    methods = [check_one_of("methods", m, METHODS) for m in methods]
    test_fraction = check_fraction("test_fraction", test_fraction, open_low=True, open_high=True)
    minority = counts.idxmin()
    rng = make_rng(seed)
    data = df[features + [label]].reset_index(drop=True)
    train, test = train_test_split(data, test_size=test_fraction, stratify=data[label],
                                   random_state=int(rng.integers(2**31 - 1)))
    rows = []
    for method in methods:
        weights = None
        if method in ("oversample", "undersample", "smote"):
            fit = resample(train, label=label, method=method, features=features,
                           seed=int(rng.integers(2**31 - 1)))
        else:
            fit = train
        y_fit = (fit[label] == minority).to_numpy()
        if method == "class_weight":
            cw = class_weights(y_fit)
            weights = np.where(y_fit, cw[True], cw[False])
        model = make_pipeline(FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression(max_iter=1000))
        model.fit(fit[features], y_fit, logisticregression__sample_weight=weights)
        pred = model.predict(test[features])
        truth = (test[label] == minority).to_numpy()
        w = np.ones(len(y_fit)) if weights is None else weights
        n_d, n_a = float(w[y_fit].sum()), float(w[~y_fit].sum())
        rows.append({
            "method": method, "train_rows": len(fit), "minority_share": float(y_fit.mean()),
            "CI": round((n_a - n_d) / (n_a + n_d), 12) + 0.0,
            "recall": float(recall_score(truth, pred, zero_division=0.0)),
            "precision": float(precision_score(truth, pred, zero_division=0.0)),
            "balanced_accuracy": float(balanced_accuracy_score(truth, pred)),
        })
    return MitigationResult(table=pd.DataFrame(rows), minority=str(minority), features=features,
                            test_rows=len(test))

"""SHAP explanations, as Clarify's ``explanations`` section reports them.

:func:`shap_values` explains a fitted model on the rows ``X``:

* an XGBoost model (``xgboost.XGBClassifier``/``XGBRegressor``/``Booster``) gets
  **tree SHAP** (``shap.TreeExplainer``): exact, fast, in the model's margin
  (log-odds for a classifier);
* any other model with ``predict_proba`` or ``predict`` gets **kernel SHAP**
  (``shap.KernelExplainer``) over a *baseline* -- the reference rows features
  are "removed" to, as Clarify's ``SHAPConfig`` takes a ``baseline``. A
  classifier is explained in the probability of its positive class
  (``predict_proba[:, 1]``, or the column of ``positive_class``), a regressor
  in its prediction.

Either way the SHAP values of a row add up to the model's output for that row
minus ``expected_value`` (the output averaged over the baseline / the training
data for trees): that additivity is what the tests check.

    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> X = pd.DataFrame({"a": [0., 1, 2, 3], "b": [1., 0, 1, 0]})
    >>> m = LinearRegression().fit(X, 2 * X["a"] - X["b"])
    >>> r = shap_values(m, X, baseline=X, seed=0)
    >>> r.global_importance().index.tolist()
    ['a', 'b']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlkit._checks import check_int, check_seed
from mlkit.report import Report

__all__ = ["shap_values", "ShapResult"]


@dataclass
class ShapResult(Report):
    """SHAP values of some rows: ``values`` (rows x features DataFrame) and ``expected_value``.

    ``method`` is ``"tree"`` or ``"kernel"``; ``output`` says what is explained
    (``"margin"``, ``"probability"`` or ``"prediction"``); ``data`` holds the
    explained rows. :meth:`global_importance` is mean |SHAP| per feature
    (Clarify's global SHAP values); :meth:`local` one row's attributions;
    :meth:`to_dict` is shaped like ``analysis.json``'s ``explanations``.
    """

    values: Any
    expected_value: float
    data: Any
    method: str
    output: str
    label: str = "label0"
    baseline_rows: int = 0

    def global_importance(self):
        """Mean absolute SHAP value per feature, largest first (a pandas Series)."""
        return self.values.abs().mean().sort_values(ascending=False).rename("mean_abs_shap")

    def local(self, row: int):
        """One row's explanation: feature, value, SHAP, sorted by |SHAP| (a DataFrame)."""
        import pandas as pd

        row = check_int("row", row, 0, len(self.values) - 1)
        frame = pd.DataFrame({
            "feature": self.values.columns,
            "value": self.data.iloc[row].to_numpy(),
            "shap": self.values.iloc[row].to_numpy(dtype=float),
        })
        order = frame["shap"].abs().sort_values(ascending=False).index
        return frame.loc[order].reset_index(drop=True)

    def prediction(self, row: int) -> float:
        """``expected_value + sum(SHAP)`` of a row: the explained model output."""
        row = check_int("row", row, 0, len(self.values) - 1)
        return float(self.expected_value + self.values.iloc[row].sum())

    def to_dict(self) -> dict:
        key = "tree_shap" if self.method == "tree" else "kernel_shap"
        return {
            key: {
                self.label: {
                    "global_shap_values": {k: float(v) for k, v in self.global_importance().items()},
                    "expected_value": float(self.expected_value),
                    "local_shap_values": [
                        {c: float(v) for c, v in row.items()} for _, row in self.values.iterrows()
                    ],
                }
            }
        }

    def _repr_html_(self) -> str:
        from mlkit.report import html_table

        return html_table({k: round(float(v), 6) for k, v in self.global_importance().items()},
                          f"Global SHAP (mean |SHAP|, {self.method} SHAP, {self.output})")


def _is_xgboost(model) -> bool:
    return type(model).__module__.split(".")[0] == "xgboost"


def shap_values(model, X, *, baseline=None, n_baseline: int = 50, nsamples: int | str = "auto",
                positive_class=None, seed: int | None = 0) -> ShapResult:
    """SHAP values of ``model`` on the rows ``X``: a fitted model and a DataFrame in, a :class:`ShapResult` out.

    ``baseline`` (DataFrame, kernel SHAP only): reference rows; default a
    seeded sample of ``n_baseline`` rows of ``X`` (Clarify, too, summarises
    data into a baseline). ``nsamples``: coalitions per row for kernel SHAP
    (``"auto"`` is shap's default, ``2 * n_features + 2048``). Nothing is
    changed; the same seed gives the same numbers.

    Errors: ``X`` not a non-empty DataFrame; a model without ``predict``;
    ``positive_class`` not one of ``model.classes_``; ``baseline`` without
    the columns of ``X``; ``n_baseline`` < 1.

        >>> from mlkit.datasets import claims
        >>> import xgboost
        >>> ds = claims(500, seed=0)
        >>> X = ds.frame[["payment_value", "account_duration"]]
        >>> m = xgboost.XGBClassifier(n_estimators=20, max_depth=2, n_jobs=1).fit(X, ds.y == "suspicious")
        >>> r = shap_values(m, X)
        >>> r.method, r.values.shape
        ('tree', (500, 2))
    """
    import numpy as np
    import pandas as pd

    if not isinstance(X, pd.DataFrame) or X.empty:
        raise TypeError(f"X must be a non-empty pandas DataFrame of feature columns, got {type(X).__name__}")
    seed = check_seed(seed)
    if not hasattr(model, "predict"):
        raise TypeError(f"model must be a fitted model with predict(), got {type(model).__name__}")
    import shap

    if _is_xgboost(model):
        explainer = shap.TreeExplainer(model)
        vals = np.asarray(explainer.shap_values(X), dtype=float)
        expected = explainer.expected_value
        if vals.ndim == 3:  # multi-class: explain the last (positive) class
            vals = vals[..., -1]
            expected = np.asarray(expected).ravel()[-1]
        return ShapResult(values=pd.DataFrame(vals, columns=X.columns, index=X.index),
                          expected_value=float(np.asarray(expected).ravel()[0]), data=X,
                          method="tree", output="margin")

    if baseline is None:
        n_baseline = check_int("n_baseline", n_baseline, low=1)
        rng = np.random.default_rng(seed)
        take = rng.choice(len(X), size=min(n_baseline, len(X)), replace=False)
        baseline = X.iloc[np.sort(take)]
    elif not isinstance(baseline, pd.DataFrame) or not set(X.columns) <= set(baseline.columns):
        raise ValueError(f"baseline must be a DataFrame with the columns of X ({list(X.columns)})")
    baseline = baseline[list(X.columns)]
    columns = list(X.columns)

    if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
        classes = list(model.classes_)
        if positive_class is None:
            col = len(classes) - 1
        elif positive_class in classes:
            col = classes.index(positive_class)
        else:
            raise ValueError(f"positive_class must be one of model.classes_ {classes!r}; got {positive_class!r}")

        def f(a):
            return model.predict_proba(pd.DataFrame(a, columns=columns))[:, col]

        output = "probability"
    else:
        def f(a):
            return np.asarray(model.predict(pd.DataFrame(a, columns=columns)), dtype=float)

        output = "prediction"
    np_state = np.random.get_state()
    np.random.seed(0 if seed is None else seed)  # KernelExplainer samples with numpy's global state
    try:
        explainer = shap.KernelExplainer(f, baseline.to_numpy(dtype=float))
        vals = explainer.shap_values(X.to_numpy(dtype=float), nsamples=nsamples, silent=True)
    finally:
        np.random.set_state(np_state)
    vals = np.asarray(vals, dtype=float).reshape(len(X), len(columns))
    return ShapResult(values=pd.DataFrame(vals, columns=X.columns, index=X.index),
                      expected_value=float(np.asarray(explainer.expected_value).ravel()[0]), data=X,
                      method="kernel", output=output, baseline_rows=len(baseline))

"""Clarify's bias metrics, computed from counts in one pass over the columns.

SageMaker Clarify's bias metrics are published by AWS as the open-source
``smclarify`` package; every number here equals what ``smclarify`` 0.5
returns on the same input to 1e-9 (``tests/data/clarify/golden.json``,
made by ``benchmarks/smclarify_reference.py``). The conventions, all taken
from that implementation:

* **Facets.** The rows whose facet value is in ``facet_values_or_threshold``
  (a list), or is greater than it (a number), are facet *d* -- Clarify calls
  it the sensitive, possibly disadvantaged facet. Every other row is facet
  *a*. Several values in the list are merged into one facet *d*.
* **Labels.** Likewise a row's label is *positive* (favourable) when it is in
  ``label_values_or_threshold`` (a list) or greater than it (a number).
  Multi-valued labels are collapsed to positive / not positive before any
  metric, so KL, JS, LP, TVD and KS compare two two-point distributions.
  Predicted labels use the same values or threshold as the labels.
* **A list means categorical values, a number means a threshold.** mlkit never
  guesses from the column's dtype (``smclarify`` does, and turns a value list
  on a small 0/1 integer column into a threshold); a single string is one
  category. The report records which was used.
* **Differences** run *a* minus *d* (CI, DPL, KL, DPPL, DCA, DAR, RD, AD), except
  DCR, DRR, SD and TE, which run *d* minus *a*, as in the reference.
* **Division** ``x / 0`` is ``inf`` (``-inf`` for x < 0) and ``0 / 0`` is ``0``
  in the ratio metrics (DI, DCA, DCR, DAR, DRR, TE); when both facets' ratios are
  ``inf`` their difference is 0.
* **Logarithms** are natural (JS is at most ln 2).

Bad input raises ``ValueError``/``TypeError`` naming the parameter, the value
and what is allowed: a column that is not in the frame, a facet or label value
that matches no row, a threshold on a non-numeric column, missing values (NaN)
in the facet, label, predicted label or group column, a facet that leaves one
side empty, a label that has one class. A metric the reference cannot compute
on a valid input (KL when the facets share no label class, CDD without a group
column) is ``nan``; :func:`metric_notes` says why.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m", "m", "m"], "y": [1, 0, 1, 1, 0, 1]})
    >>> r = pretraining_bias(df, label="y", label_values_or_threshold=[1],
    ...                      facet="sex", facet_values_or_threshold=["f"], methods=["CI", "DPL"])
    >>> round(r["CI"], 4), round(r["DPL"], 4)
    (0.3333, 0.25)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Sequence

__all__ = [
    "PRETRAINING_METRICS",
    "POSTTRAINING_METRICS",
    "METRIC_INFO",
    "pretraining_bias",
    "posttraining_bias",
    "metric_notes",
    "CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL",
    "DPPL", "DI", "DCA", "DCR", "RD", "SD", "DAR", "DRR", "AD", "CDDPL", "TE", "FT", "GE",
]

#: Pre-training metrics, in Clarify's order.
PRETRAINING_METRICS = ("CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL")
#: Post-training metrics, in Clarify's order (smclarify 0.5 registers these 13).
POSTTRAINING_METRICS = ("DPPL", "DI", "DCA", "DCR", "RD", "SD", "DAR", "DRR", "AD", "CDDPL", "TE", "FT", "GE")

INF = float("inf")

#: name -> (full name, range (low, high), value meaning "no bias", sign convention)
METRIC_INFO: dict[str, dict] = {
    "CI": dict(name="Class Imbalance", range=(-1.0, 1.0), fair=0.0,
               sign="(n_a - n_d) / n: positive when facet d has fewer rows than facet a"),
    "DPL": dict(name="Difference in Positive Proportions in Labels", range=(-1.0, 1.0), fair=0.0,
                sign="q_a - q_d: positive when facet a has the favourable label more often"),
    "KL": dict(name="Kullback-Leibler Divergence", range=(-INF, INF), fair=0.0,
               sign="KL(P_a || P_d) in nats; >= 0 unless a label class is missing in one facet"),
    "JS": dict(name="Jensen-Shannon Divergence", range=(0.0, math.log(2)), fair=0.0,
               sign="symmetric, in nats, at most ln 2"),
    "LP": dict(name="L-p Norm (p = 2)", range=(0.0, math.sqrt(2)), fair=0.0,
               sign="Euclidean distance between the label distributions of a and d"),
    "TVD": dict(name="Total Variation Distance", range=(0.0, 1.0), fair=0.0,
                sign="half the L1 distance between the label distributions"),
    "KS": dict(name="Kolmogorov-Smirnov Distance", range=(0.0, 1.0), fair=0.0,
               sign="largest gap between the label distributions"),
    "CDDL": dict(name="Conditional Demographic Disparity in Labels", range=(-1.0, 1.0), fair=0.0,
                 sign="group-weighted P(d | rejected) - P(d | accepted): positive when d is rejected more"),
    "DPPL": dict(name="Difference in Positive Proportions in Predicted Labels", range=(-1.0, 1.0), fair=0.0,
                 sign="q^_a - q^_d: positive when the model accepts facet a more often"),
    "DI": dict(name="Disparate Impact", range=(0.0, INF), fair=1.0,
               sign="q^_d / q^_a: below 1 when the model accepts facet d less often"),
    "DCA": dict(name="Difference in Conditional Acceptance", range=(-INF, INF), fair=0.0,
                sign="c_a - c_d with c = observed / predicted acceptances"),
    "DCR": dict(name="Difference in Conditional Rejection", range=(-INF, INF), fair=0.0,
                sign="r_d - r_a with r = observed / predicted rejections (d minus a)"),
    "RD": dict(name="Recall Difference", range=(-1.0, 1.0), fair=0.0,
               sign="recall_a - recall_d"),
    "SD": dict(name="Specificity Difference", range=(-1.0, 1.0), fair=0.0,
               sign="specificity_d - specificity_a (d minus a)"),
    "DAR": dict(name="Difference in Acceptance Rates", range=(-1.0, 1.0), fair=0.0,
                sign="precision_a - precision_d"),
    "DRR": dict(name="Difference in Rejection Rates", range=(-1.0, 1.0), fair=0.0,
                sign="(TN/predicted negatives)_d - (...)_a (d minus a)"),
    "AD": dict(name="Accuracy Difference", range=(-1.0, 1.0), fair=0.0,
               sign="accuracy_a - accuracy_d"),
    "CDDPL": dict(name="Conditional Demographic Disparity in Predicted Labels", range=(-1.0, 1.0), fair=0.0,
                  sign="CDD computed on the predicted labels"),
    "TE": dict(name="Treatment Equality", range=(-INF, INF), fair=0.0,
               sign="FN_d/FP_d - FN_a/FP_a (d minus a)"),
    "FT": dict(name="Flip Test", range=(-1.0, 1.0), fair=0.0,
               sign="(model positive & kNN-on-a negative) - (model negative & kNN-on-a positive), over n_d"),
    "GE": dict(name="Generalized Entropy (alpha = 2)", range=(0.0, INF), fair=0.0,
               sign="inequality of the benefit yhat - y + 1 over all rows (no facet)"),
}


# ============================================================================ input
@dataclass
class Prepared:
    """The boolean columns every metric works on, and how they were made."""

    d: Any  # bool array: row is in facet d
    y: Any  # bool array: observed label is positive
    yhat: Any = None  # bool array: predicted label is positive (post-training)
    group: Any = None  # int codes of the group variable, or None
    n_groups: int = 0
    features: Any = None  # float matrix for the flip test, or None
    features_error: str | None = None
    facet_rule: dict = field(default_factory=dict)
    label_rule: dict = field(default_factory=dict)


def _is_threshold(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def describe_rule(values_or_threshold) -> dict:
    """``{"kind": "values"|"threshold", ...}`` for a values list or a threshold."""
    if _is_threshold(values_or_threshold):
        return {"kind": "threshold", "threshold": float(values_or_threshold),
                "text": f"> {values_or_threshold:g}"}
    values = [values_or_threshold] if isinstance(values_or_threshold, (str, bool)) else list(values_or_threshold)
    return {"kind": "values", "values": values, "text": ",".join(map(str, values))}


def _column(df, name, parameter):
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(name, str) or name not in df.columns:
        shown = ", ".join(repr(c) for c in list(df.columns)[:20])
        raise ValueError(f"{parameter} must be a column of df ({shown}); got {name!r}")
    col = df[name]
    if pd.api.types.is_numeric_dtype(col):  # cheap here; other columns are checked when factorized
        _no_missing(int(col.isna().sum()), parameter, name)
    return col


def _no_missing(n_missing: int, parameter: str, name) -> None:
    if n_missing:
        raise ValueError(
            f"{parameter} column {name!r} has {n_missing} missing value(s) (NaN); "
            f"Clarify has no facet/label for them -- drop or fill those rows first"
        )


def factorize(col, parameter: str):
    """``(codes, uniques)`` of a column in one hashing pass; raises on missing values."""
    import numpy as np
    import pandas as pd

    values = col
    if pd.api.types.is_string_dtype(col.dtype) and not isinstance(col.dtype, pd.CategoricalDtype):
        values = col.to_numpy(dtype=object)  # hashing the plain array skips the extension-array layer
    codes, uniques = pd.factorize(values, sort=False)
    codes = np.asarray(codes)
    if len(uniques) and codes.min() < 0 or not len(uniques):
        _no_missing(int(np.count_nonzero(codes < 0)), parameter, col.name)
    return codes, uniques


def _mask(col, values_or_threshold, parameter, value_parameter, allow_empty=False):
    """Boolean numpy array: rows in the values list, or above the threshold."""
    import numpy as np
    import pandas as pd

    if values_or_threshold is None:
        raise ValueError(f"{value_parameter} must be a list of values or a number (threshold), got None")
    if _is_threshold(values_or_threshold):
        t = float(values_or_threshold)
        if not math.isfinite(t):
            raise ValueError(f"{value_parameter} must be a finite threshold, got {values_or_threshold!r}")
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise TypeError(
                f"{value_parameter}={values_or_threshold!r} is a threshold, but {parameter} column "
                f"{col.name!r} is not numeric ({col.dtype}); pass a list of its values instead, "
                f"e.g. [{col.iloc[0]!r}]"
            )
        return np.asarray(col.to_numpy(dtype=float) > t)
    if isinstance(values_or_threshold, (str, bool)):
        values = [values_or_threshold]
    elif isinstance(values_or_threshold, (list, tuple, set, frozenset)):
        values = list(values_or_threshold)
    else:
        raise TypeError(
            f"{value_parameter} must be a list of values or a number (threshold), "
            f"got {values_or_threshold!r} ({type(values_or_threshold).__name__})"
        )
    if not values:
        raise ValueError(f"{value_parameter} must not be an empty list")
    codes, uniques = factorize(col, parameter)
    hit = np.asarray(pd.Index(uniques).isin(values), dtype=bool)
    mask = hit[codes]
    if not hit.any() and not allow_empty:
        present = sorted(map(str, uniques))[:10]
        raise ValueError(
            f"{value_parameter}={values!r} matches no row of {parameter} column {col.name!r} "
            f"(values present: {', '.join(present)})"
        )
    return mask


def prepare(df, *, label, label_values_or_threshold, facet, facet_values_or_threshold,
            group_variable=None, predicted_label=None, ft_features=None) -> Prepared:
    """Validate the inputs and make the boolean columns (see the module docstring)."""
    import numpy as np
    import pandas as pd

    d = _facet_mask(df, facet, facet_values_or_threshold)
    lcol = _column(df, label, "label")
    if facet == label:
        raise ValueError(f"facet and label must be different columns, both are {facet!r}")
    n = len(d)
    y = _mask_label(lcol, label_values_or_threshold, "label", "label_values_or_threshold", n)
    prep = Prepared(d=d, y=y, facet_rule=describe_rule(facet_values_or_threshold),
                    label_rule=describe_rule(label_values_or_threshold))
    if predicted_label is not None:
        pcol = _column(df, predicted_label, "predicted_label")
        prep.yhat = _mask_label(pcol, label_values_or_threshold, "predicted_label",
                                "label_values_or_threshold", n, need_both=False)
        if not prep.yhat.any():
            raise ValueError(
                f"predicted_label column {predicted_label!r} has no positive prediction for "
                f"label_values_or_threshold={label_values_or_threshold!r}; post-training metrics need some"
            )
    if group_variable is not None:
        gcol = _column(df, group_variable, "group_variable")
        codes, uniques = factorize(gcol, "group_variable")
        prep.group = codes.astype(np.int64)
        prep.n_groups = len(uniques)
    if predicted_label is not None:
        drop = {facet, label, predicted_label}
        cols = [c for c in df.columns if c not in drop] if ft_features is None else list(ft_features)
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"ft_features must be columns of df; not found: {missing!r}")
        sub = df[cols]
        non_numeric = [c for c in cols if not (pd.api.types.is_numeric_dtype(sub[c]) or pd.api.types.is_bool_dtype(sub[c]))]
        if not cols:
            prep.features_error = "the flip test needs feature columns besides facet and labels"
        elif non_numeric:
            prep.features_error = (
                f"the flip test (FT) needs numeric feature columns; non-numeric: {non_numeric!r} "
                f"(pass ft_features=[...] or encode them)"
            )
        else:
            prep.features = sub.to_numpy(dtype=float)
    return prep


def _facet_mask(df, facet, facet_values_or_threshold):
    """Facet d's rows; raises when facet a or d would be empty."""
    fcol = _column(df, facet, "facet")
    d = _mask(fcol, facet_values_or_threshold, "facet", "facet_values_or_threshold")
    if not d.any():
        raise ValueError(
            f"facet_values_or_threshold={facet_values_or_threshold!r} selects no row of facet "
            f"{facet!r} (its largest value is {fcol.max()!r}), so facet d is empty"
        )
    if d.all():
        raise ValueError(
            f"facet_values_or_threshold={facet_values_or_threshold!r} selects every row of facet "
            f"{facet!r}, so facet a is empty; choose values that leave some rows out"
        )
    return d


def _mask_label(col, values_or_threshold, parameter, value_parameter, n, need_both=True):
    import numpy as np

    if _is_threshold(values_or_threshold) or need_both:
        mask = _mask(col, values_or_threshold, parameter, value_parameter)
    else:  # predictions may lack the positive value; checked by the caller
        mask = _mask(col, values_or_threshold, parameter, value_parameter, allow_empty=True)
    if need_both:
        k = int(np.count_nonzero(mask))
        if k == n:
            raise ValueError(
                f"{parameter} column {col.name!r} has one class for {value_parameter}="
                f"{values_or_threshold!r}: all {n} rows are positive; bias metrics need both classes"
            )
        if k == 0:
            raise ValueError(
                f"{parameter} column {col.name!r} has one class for {value_parameter}="
                f"{values_or_threshold!r}: no row is positive; bias metrics need both classes"
            )
    return mask


# ============================================================================ the arithmetic
def divide(a, b) -> float:
    """Clarify's division: ``0/0 = 0``, ``x/0 = inf`` (``-inf`` for x < 0)."""
    if b == 0 and a == 0:
        return 0.0
    if b == 0:
        return -INF if a < 0 else INF
    return a / b


def _cells(prep: Prepared):
    """Counts of the 8 (d, y, yhat) cells as a (2, 2, 2) array indexed [d, y, yhat]."""
    import numpy as np

    yhat = prep.yhat if prep.yhat is not None else np.zeros_like(prep.y)
    code = prep.d.view(np.uint8) * 4 + prep.y.view(np.uint8) * 2 + yhat.view(np.uint8)
    return np.bincount(code, minlength=8).reshape(2, 2, 2)


def _label_pdfs(n_a0, n_a1, n_d0, n_d1):
    """The two label distributions over (negative, positive), keeping classes non-zero in both."""
    import numpy as np

    na, nd = n_a0 + n_a1, n_d0 + n_d1
    pa = [n_a0 / na, n_a1 / na]
    pd_ = [n_d0 / nd, n_d1 / nd]
    keep = [i for i in range(2) if pa[i] != 0 and pd_[i] != 0]
    return np.array([pa[i] for i in keep]), np.array([pd_[i] for i in keep])


def _cdd(prep: Prepared, positive):
    """Conditional demographic disparity of a boolean outcome over the group codes."""
    import numpy as np

    if prep.group is None:
        return math.nan, "CDD needs group_variable (the strata column); none was given"
    g = prep.group
    k = prep.n_groups
    counts = np.bincount(g, minlength=k).astype(float)
    code = g * 4 + prep.d.view(np.uint8) * 2 + positive.view(np.uint8)
    c = np.bincount(code, minlength=4 * k).reshape(k, 2, 2)  # [group, d, positive]
    num_a = c[:, 1, 1]
    den_a = c[:, 0, 1] + c[:, 1, 1]
    num_d = c[:, 1, 0]
    den_d = c[:, 0, 0] + c[:, 1, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(den_a != 0, num_a / np.where(den_a == 0, 1, den_a), 0.0)
        dd = np.where(den_d != 0, num_d / np.where(den_d == 0, 1, den_d), 0.0)
    return float(divide(np.sum(counts * (dd - a)), np.sum(counts))), None


def _flip_test(prep: Prepared):
    """Clarify's FT: a k-NN trained on facet a's rows and model predictions, run on facet d."""
    import numpy as np

    if prep.features is None:
        return math.nan, prep.features_error
    from sklearn.neighbors import KNeighborsClassifier

    x_a, x_d = prep.features[~prep.d], prep.features[prep.d]
    p_a, p_d = prep.yhat[~prep.d], prep.yhat[prep.d]
    k = 5 if len(x_a) > 9 else 1
    knn = KNeighborsClassifier(n_neighbors=k, weights="uniform", algorithm="auto", leaf_size=30, p=2)
    knn.fit(x_a, p_a)
    if_a = knn.predict(x_d).astype(bool)
    pos = int(np.count_nonzero(p_d & ~if_a))
    neg = int(np.count_nonzero(~p_d & if_a))
    return float(divide(pos - neg, len(x_d))), None


def _compute(prep: Prepared, names: Sequence[str]) -> tuple[dict, dict]:
    """Values and notes (why a value is nan) for the metric ``names``."""
    import numpy as np

    c = _cells(prep)
    values: dict[str, float] = {}
    notes: dict[str, str] = {}
    # observed label counts per facet: [d][y]
    ly = c.sum(axis=2)
    n_a0, n_a1, n_d0, n_d1 = (int(ly[0, 0]), int(ly[0, 1]), int(ly[1, 0]), int(ly[1, 1]))
    na, nd = n_a0 + n_a1, n_d0 + n_d1
    pa, pdd = _label_pdfs(n_a0, n_a1, n_d0, n_d1)
    common_missing = "the facets share no label class, so the divergence is undefined"
    for name in names:
        if name == "CI":
            v = float(na - nd) / (na + nd)
        elif name == "DPL":
            v = n_a1 / na - n_d1 / nd
        elif name == "KL":
            v = float(np.sum(pa * np.log(pa / pdd))) if len(pa) else math.nan
            if not len(pa):
                notes[name] = common_missing
        elif name == "JS":
            if len(pa):
                p = 1 / 2 * (pa + pdd)
                v = float(0.5 * (np.sum(pa * np.log(pa / p)) + np.sum(pdd * np.log(pdd / p))))
            else:
                v, notes[name] = math.nan, common_missing
        elif name in ("LP", "TVD", "KS"):
            if len(pa):
                order = {"LP": 2, "TVD": 1, "KS": np.inf}[name]
                v = float(np.linalg.norm(pa - pdd, order))
                if name == "TVD":
                    v = 0.5 * v
            else:
                v, notes[name] = math.nan, common_missing
        elif name == "CDDL":
            v, note = _cdd(prep, prep.y)
            if note:
                notes[name] = note
        else:
            v = _post(prep, c, name, notes)
        values[name] = float(v)
    return values, notes


def _post(prep: Prepared, c, name: str, notes: dict) -> float:
    import numpy as np

    if prep.yhat is None:
        raise ValueError(f"{name} is a post-training metric; it needs predicted_label")
    # c[d, y, yhat]
    A, D = 0, 1
    TP = lambda f: int(c[f, 1, 1])  # noqa: E731
    FN = lambda f: int(c[f, 1, 0])  # noqa: E731
    FP = lambda f: int(c[f, 0, 1])  # noqa: E731
    TN = lambda f: int(c[f, 0, 0])  # noqa: E731
    n = lambda f: int(c[f].sum())  # noqa: E731
    n1hat = lambda f: TP(f) + FP(f)  # noqa: E731
    n0hat = lambda f: TN(f) + FN(f)  # noqa: E731
    n1 = lambda f: TP(f) + FN(f)  # noqa: E731
    n0 = lambda f: TN(f) + FP(f)  # noqa: E731

    def diff_inf(x_a, x_d, a_minus_d=True):
        v = x_a - x_d if a_minus_d else x_d - x_a
        if x_a == x_d and x_a == INF:
            v = 0.0
        return v

    if name == "DPPL":
        return n1hat(A) / n(A) - n1hat(D) / n(D)
    if name == "DI":
        return divide(n1hat(D) / n(D), n1hat(A) / n(A))
    if name == "DCA":
        return diff_inf(divide(n1(A), n1hat(A)), divide(n1(D), n1hat(D)))
    if name == "DCR":
        return diff_inf(divide(n0(A), n0hat(A)), divide(n0(D), n0hat(D)), a_minus_d=False)
    if name == "DAR":
        return diff_inf(divide(TP(A), n1hat(A)), divide(TP(D), n1hat(D)))
    if name == "DRR":
        return diff_inf(divide(TN(A), n0hat(A)), divide(TN(D), n0hat(D)), a_minus_d=False)
    if name == "RD":
        return diff_inf(divide(TP(A), TP(A) + FN(A)), divide(TP(D), TP(D) + FN(D)))
    if name == "SD":
        return diff_inf(divide(TN(A), TN(A) + FP(A)), divide(TN(D), TN(D) + FP(D)), a_minus_d=False)
    if name == "AD":
        return diff_inf(divide(TP(A) + TN(A), n(A)), divide(TP(D) + TN(D), n(D)))
    if name == "TE":
        return diff_inf(divide(FN(A), FP(A)), divide(FN(D), FP(D)), a_minus_d=False)
    if name == "CDDPL":
        v, note = _cdd(prep, prep.yhat)
        if note:
            notes[name] = note
        return v
    if name == "FT":
        v, note = _flip_test(prep)
        if note:
            notes[name] = note
        return v
    if name == "GE":
        tot = c.sum(axis=0)  # [y, yhat]
        N = int(tot.sum())
        n_b0 = int(tot[1, 0])  # benefit 0: false negatives
        n_b2 = int(tot[0, 1])  # benefit 2: false positives
        n_b1 = N - n_b0 - n_b2
        mean = (n_b1 + 2 * n_b2) / N
        if mean == 0:
            notes[name] = "every prediction is a false negative, so the mean benefit is 0"
            return math.nan
        return (n_b0 * (0.0 - 1) + n_b1 * ((1 / mean) ** 2 - 1) + n_b2 * ((2 / mean) ** 2 - 1)) / (N * 2 * 1)
    raise AssertionError(name)


def _methods(methods, allowed: Sequence[str]) -> list[str]:
    if isinstance(methods, str):
        if methods == "all":
            return list(allowed)
        methods = [methods]
    try:
        names = list(methods)
    except TypeError:
        raise TypeError(f"methods must be 'all' or a list of {', '.join(allowed)}; got {methods!r}") from None
    bad = [m for m in names if m not in allowed]
    if bad or not names:
        raise ValueError(f"methods must be 'all' or a list of {', '.join(allowed)}; got {methods!r}")
    return [m for m in allowed if m in names]


# ============================================================================ public API
def pretraining_bias(df, *, label: str, label_values_or_threshold, facet: str,
                     facet_values_or_threshold, group_variable: str | None = None,
                     methods="all") -> dict[str, float]:
    """Clarify's pre-training bias metrics of one facet: a frame in, ``{abbreviation: value}`` out.

    ``facet_values_or_threshold`` picks facet *d* (a list of values, or a number:
    rows above it); ``label_values_or_threshold`` picks the positive label the
    same way; ``group_variable`` names the strata column CDDL conditions on
    (without it CDDL is ``nan``). ``methods`` is ``"all"`` or a list of
    ``CI, DPL, KL, JS, LP, TVD, KS, CDDL``. Nothing is changed. Values equal
    ``smclarify`` 0.5 to 1e-9; conventions and errors in the module docstring.

        >>> from mlkit.datasets import loans
        >>> df = loans(2000, seed=0).frame
        >>> r = pretraining_bias(df, label="approved", label_values_or_threshold=[1],
        ...                      facet="gender", facet_values_or_threshold=["female"],
        ...                      group_variable="department")
        >>> sorted(r)
        ['CDDL', 'CI', 'DPL', 'JS', 'KL', 'KS', 'LP', 'TVD']
    """
    names = _methods(methods, PRETRAINING_METRICS)
    prep = prepare(df, label=label, label_values_or_threshold=label_values_or_threshold, facet=facet,
                   facet_values_or_threshold=facet_values_or_threshold, group_variable=group_variable)
    return _compute(prep, names)[0]


def posttraining_bias(df, *, label: str, predicted_label: str, label_values_or_threshold, facet: str,
                      facet_values_or_threshold, group_variable: str | None = None,
                      methods="all", ft_features: Sequence[str] | None = None) -> dict[str, float]:
    """Clarify's post-training bias metrics of one facet: a frame with predictions in, a dict out.

    As :func:`pretraining_bias`, plus ``predicted_label`` (the model's label,
    read with the same ``label_values_or_threshold``). Returns the 13 metrics
    ``smclarify`` 0.5 defines: ``DPPL, DI, DCA, DCR, RD, SD, DAR, DRR, AD,
    CDDPL, TE, FT, GE`` (or those in ``methods``).

    FT (flip test) trains a 5-nearest-neighbour classifier (1 when facet *a*
    has <= 9 rows) on facet *a*'s feature rows and *predicted* labels,
    predicts facet *d*'s rows, and returns (model positive and kNN negative -
    model negative and kNN positive) / n_d -- exactly the reference. Its
    features are every column except facet, label and predicted label (the
    reference's choice; it includes the group column) or ``ft_features``; if
    one is not numeric FT is ``nan`` (the reference reports an error there).
    GE (generalized entropy, alpha 2) uses no facet. Extra errors: no
    positive prediction at all (as the reference).

        >>> import pandas as pd
        >>> df = pd.DataFrame({"g": list("aabbbb"), "y": [1, 0, 1, 1, 0, 1],
        ...                    "p": [0, 0, 1, 1, 1, 1], "x": [1., 2., 3., 4., 5., 6.]})
        >>> r = posttraining_bias(df, label="y", predicted_label="p", label_values_or_threshold=[1],
        ...                       facet="g", facet_values_or_threshold=["a"])
        >>> r["DPPL"], r["DI"]
        (1.0, 0.0)
    """
    names = _methods(methods, POSTTRAINING_METRICS)
    prep = prepare(df, label=label, label_values_or_threshold=label_values_or_threshold, facet=facet,
                   facet_values_or_threshold=facet_values_or_threshold, group_variable=group_variable,
                   predicted_label=predicted_label, ft_features=ft_features)
    return _compute(prep, names)[0]


def metric_notes(df, *, label, label_values_or_threshold, facet, facet_values_or_threshold,
                 group_variable=None, predicted_label=None, methods="all",
                 ft_features=None) -> dict[str, str]:
    """Why each ``nan`` metric of the same call is ``nan``: ``{abbreviation: reason}``."""
    allowed = PRETRAINING_METRICS + (POSTTRAINING_METRICS if predicted_label is not None else ())
    names = _methods(methods, allowed)
    prep = prepare(df, label=label, label_values_or_threshold=label_values_or_threshold, facet=facet,
                   facet_values_or_threshold=facet_values_or_threshold, group_variable=group_variable,
                   predicted_label=predicted_label, ft_features=ft_features)
    return _compute(prep, names)[1]


# ---------------------------------------------------------------------------- one function per metric
def _pre_metric(name: str, doc: str):
    def metric(df, *, label=None, label_values_or_threshold=None, facet, facet_values_or_threshold,
               group_variable=None):
        if name == "CI" and label is None:  # CI needs no label
            d = _facet_mask(df, facet, facet_values_or_threshold)
            nd = int(d.sum())
            return float((len(d) - nd) - nd) / len(d)
        return pretraining_bias(df, label=label, label_values_or_threshold=label_values_or_threshold,
                                facet=facet, facet_values_or_threshold=facet_values_or_threshold,
                                group_variable=group_variable, methods=[name])[name]

    metric.__name__ = metric.__qualname__ = name
    metric.__doc__ = doc
    return metric


def _post_metric(name: str, doc: str):
    def metric(df, *, label, predicted_label, label_values_or_threshold, facet, facet_values_or_threshold,
               group_variable=None, ft_features=None):
        return posttraining_bias(df, label=label, predicted_label=predicted_label,
                                 label_values_or_threshold=label_values_or_threshold, facet=facet,
                                 facet_values_or_threshold=facet_values_or_threshold,
                                 group_variable=group_variable, methods=[name], ft_features=ft_features)[name]

    metric.__name__ = metric.__qualname__ = name
    metric.__doc__ = doc
    return metric


CI = _pre_metric("CI", """Class Imbalance ``(n_a - n_d) / (n_a + n_d)`` in [-1, 1]; needs no label.

Positive when facet *d* is the smaller group. Same keywords as :func:`pretraining_bias`.""")
DPL = _pre_metric("DPL", """Difference in Positive Proportions in Labels ``q_a - q_d`` in [-1, 1].

``q`` is the share of the facet with the positive label; positive when *a* gets it more.""")
KL = _pre_metric("KL", """Kullback-Leibler divergence ``sum P_a log(P_a / P_d)`` of the two label distributions, in nats.

Like the reference, only label classes present in both facets are summed
(without renormalising), so KL is negative when one facet lacks a class that
the other has (e.g. facet d has no positive label); ``nan`` when they share none.""")
JS = _pre_metric("JS", """Jensen-Shannon divergence ``(KL(P_a, P) + KL(P_d, P)) / 2``, ``P = (P_a + P_d) / 2``, in [0, ln 2].

Classes missing in either facet are dropped first, as for KL.""")
LP = _pre_metric("LP", """L2 norm of ``P_a - P_d`` (label distributions), in [0, sqrt 2].""")
TVD = _pre_metric("TVD", """Total variation distance ``0.5 * sum |P_a - P_d|``, in [0, 1].""")
KS = _pre_metric("KS", """Kolmogorov-Smirnov distance ``max |P_a - P_d|`` over label classes, in [0, 1].""")
CDDL = _pre_metric("CDDL", """Conditional Demographic Disparity in Labels, in [-1, 1].

For each group ``i`` of ``group_variable``: ``DD_i = P(d | rejected, i) - P(d | accepted, i)``
(a share with no rows is 0); CDDL is ``sum n_i DD_i / n``. ``nan`` without ``group_variable``.""")
DPPL = _post_metric("DPPL", """Difference in Positive Proportions in Predicted Labels ``q^_a - q^_d``, in [-1, 1].""")
DI = _post_metric("DI", """Disparate Impact ``q^_d / q^_a`` in [0, inf); 1 is parity, ``inf`` when a gets no positive prediction.""")
DCA = _post_metric("DCA", """Difference in Conditional Acceptance ``n_a(1)/n^_a(1) - n_d(1)/n^_d(1)`` (``x/0 = inf``, ``0/0 = 0``).""")
DCR = _post_metric("DCR", """Difference in Conditional Rejection ``n_d(0)/n^_d(0) - n_a(0)/n^_a(0)`` -- d minus a, as the reference.""")
RD = _post_metric("RD", """Recall Difference ``TP_a/(TP_a+FN_a) - TP_d/(TP_d+FN_d)``, in [-1, 1].""")
SD = _post_metric("SD", """Specificity Difference ``TN_d/(TN_d+FP_d) - TN_a/(TN_a+FP_a)`` -- d minus a, as the reference.""")
DAR = _post_metric("DAR", """Difference in Acceptance Rates (precision) ``TP_a/n^_a(1) - TP_d/n^_d(1)``.""")
DRR = _post_metric("DRR", """Difference in Rejection Rates ``TN_d/n^_d(0) - TN_a/n^_a(0)`` -- d minus a, as the reference.""")
AD = _post_metric("AD", """Accuracy Difference ``acc_a - acc_d``, in [-1, 1].""")
CDDPL = _post_metric("CDDPL", """Conditional Demographic Disparity in Predicted Labels: CDDL on the predictions.""")
TE = _post_metric("TE", """Treatment Equality ``FN_d/FP_d - FN_a/FP_a`` -- d minus a; ``x/0 = inf``, ``0/0 = 0``.""")
FT = _post_metric("FT", """Flip Test: see :func:`posttraining_bias`; in [-1, 1], ``nan`` with non-numeric features.""")
GE = _post_metric("GE", """Generalized Entropy (alpha 2) of the benefit ``yhat - y + 1`` over all rows; the facet is validated but unused.""")

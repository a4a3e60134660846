"""Data quality monitoring: baselines and checks in the shape of SageMaker's files.

:func:`suggest_baseline` is the baselining job: a DataFrame in, a
:class:`Baseline` out whose ``statistics`` and ``constraints`` dicts follow the
schemas of SageMaker's ``statistics.json`` and ``constraints.json``
(Model Monitor developer guide, "Schema for Statistics (statistics.json file)"
and "Schema for Constraints (constraints.json file)"). :func:`check_data_quality`
is one monitoring execution: a window of data against the baseline gives
the window's statistics, ``constraint_violations.json`` ("Schema for
Violations") and the CloudWatch metrics of that run ("CloudWatch Metrics":
``feature_baseline_drift_{name}``, ``feature_non_null_{name}``, ...).

The checks, with SageMaker's names:

* ``data_type_check`` -- the share of a feature's present values that have the
  baseline's inferred type (an ``Integral`` feature: integers; ``Fractional``:
  numbers) is below ``monitoring_config.datatype_check_threshold``
  (the required share; suggested constraints write 1.0 as SageMaker's do,
  and a hand-written file without the key gets the documented default 0.1).
* ``completeness_check`` -- the share of non-missing values is below the
  feature's ``completeness`` constraint (the baseline's completeness).
* ``baseline_drift_check`` -- numerical features: the L-infinity distance
  between the baseline's and the window's distributions (the largest gap
  between their cumulative distribution functions, read from the KLL
  sketches) is above ``comparison_threshold`` (0.1). ``comparison_method``
  ``"Simple"`` flags on the distance alone; ``"Robust"`` (SageMaker's
  suggestion, and the default here) is "based on Simple but used when there
  are not enough samples; based on the two-sample Kolmogorov-Smirnov test":
  it also requires the distance to exceed the two-sample KS critical value
  ``1.36 * sqrt((n + m) / (n m))`` at the 5% level, so a small window's noise
  is not reported as drift. String features: the L-infinity distance
  between the category frequencies (``categorical_drift_method``
  ``"LInfinity"``) above ``categorical_comparison_threshold`` (0.1).
* ``missing_column_check`` / ``extra_column_check`` -- a baseline column
  absent from the window / a window column absent from the baseline.
* ``categorical_values_check`` -- the share of a string feature's present
  values inside its ``string_constraints.domains`` is below
  ``domain_content_threshold`` (required share; suggested 1.0).

The sketch: SageMaker stores a KLL quantile sketch (parameters ``c`` 0.64,
``k`` 2048). Here ``sketch.data`` holds one level: the values at ``k``
evenly spaced ranks of the sorted column (exact quantiles, each standing
for ``n / k`` rows), which is what a KLL sketch approximates; the L-infinity
distance between two such sketches is the largest CDF gap of the two
equal-weight samples (within ``1/k`` of the exact Kolmogorov-Smirnov statistic).

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"x": rng.normal(size=2000), "g": rng.choice(["a", "b"], 2000)})
    >>> base = suggest_baseline(ref)
    >>> new = ref.assign(x=ref.x + 1.0)
    >>> [v["constraint_check_type"] for v in check_data_quality(new, base).violations]
    ['baseline_drift_check']
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.report import Report, html_table

__all__ = [
    "Baseline",
    "DataQualityResult",
    "suggest_baseline",
    "compute_statistics",
    "check_data_quality",
    "linf_distance",
    "ks_critical_value",
    "CHECK_TYPES",
]

CHECK_TYPES = ("data_type_check", "completeness_check", "baseline_drift_check", "missing_column_check",
               "extra_column_check", "categorical_values_check")
KLL_C, KLL_K = 0.64, 2048
N_BUCKETS = 10
MAX_CATEGORY_BUCKETS = 1000
#: c(alpha) of the two-sample Kolmogorov-Smirnov test at alpha = 0.05: sqrt(-ln(alpha / 2) / 2).
KS_C_ALPHA = math.sqrt(-math.log(0.05 / 2) / 2)
DOC_DEFAULT_THRESHOLD = 0.1  # the documented default of datatype_check_threshold / domain_content_threshold


def _is_integral(values) -> "Any":
    import numpy as np

    return np.equal(np.floor(values), values)


def _column_kind(col):
    """``(kind, numeric_values_or_None)``: kind in Integral/Fractional/String/Unknown; values = float array of present."""
    import numpy as np
    import pandas as pd

    present = col.dropna()
    if len(present) == 0:
        return "Unknown", None
    if pd.api.types.is_bool_dtype(col):
        return "Integral", present.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(col):
        values = present.to_numpy(dtype=np.float64)
        if pd.api.types.is_integer_dtype(col) or bool(_is_integral(values).all()):
            return "Integral", values
        return "Fractional", values
    # text: numbers written as text are numbers (a CSV capture is text)
    head = pd.to_numeric(present.iloc[:1000], errors="coerce")
    if head.isna().any():
        return "String", None
    parsed = pd.to_numeric(present, errors="coerce")
    if parsed.isna().any():
        return "String", None
    values = parsed.to_numpy(dtype=np.float64)
    return ("Integral" if bool(_is_integral(values).all()) else "Fractional"), values


def _type_shares(col) -> dict:
    """Share of present values that are integral / numeric (fractional or integral)."""
    import numpy as np
    import pandas as pd

    present = col.dropna()
    n = len(present)
    if n == 0:
        return {"Integral": 1.0, "Fractional": 1.0, "String": 1.0}
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_integer_dtype(col):
        return {"Integral": 1.0, "Fractional": 1.0, "String": 1.0}
    if pd.api.types.is_numeric_dtype(col):
        values = present.to_numpy(dtype=np.float64)
    else:
        values = pd.to_numeric(present, errors="coerce").to_numpy(dtype=np.float64)
    numeric = ~np.isnan(values)
    integral = numeric & _is_integral(np.where(numeric, values, 0.5))
    return {"Integral": float(integral.sum()) / n, "Fractional": float(numeric.sum()) / n, "String": 1.0}


def _numeric_stats(values, n_missing: int, k: int) -> dict:
    import numpy as np

    n = int(values.size)
    s = np.sort(values)
    total = float(s.sum())
    mean = total / n
    std = float(np.sqrt(max(0.0, float(np.mean((s - mean) ** 2)))))
    lo, hi = float(s[0]), float(s[-1])
    if k >= n:
        sketch = s
    else:
        ranks = np.floor((np.arange(k) + 0.5) * n / k).astype(np.int64)
        sketch = s[ranks]
    edges = np.linspace(lo, hi, N_BUCKETS + 1) if hi > lo else np.array([lo] * (N_BUCKETS + 1))
    if hi > lo:
        counts = np.diff(np.searchsorted(s, edges[1:-1], side="left"), prepend=0, append=n)
    else:
        counts = np.zeros(N_BUCKETS, dtype=np.int64)
        counts[-1] = n
    buckets = [{"lower_bound": float(edges[i]), "upper_bound": float(edges[i + 1]), "count": float(counts[i])}
               for i in range(N_BUCKETS)]
    return {
        "common": {"num_present": n, "num_missing": int(n_missing)},
        "mean": mean, "sum": total, "std_dev": std, "min": lo, "max": hi,
        "distribution": {"kll": {"buckets": buckets,
                                 "sketch": {"parameters": {"c": KLL_C, "k": float(k)},
                                            "data": [sketch.tolist()]}}},
    }


def _string_stats(col, n_missing: int) -> dict:
    counts = col.dropna().astype(str).value_counts()
    n_present = int(counts.sum())
    top = counts.iloc[:MAX_CATEGORY_BUCKETS]
    return {
        "common": {"num_present": n_present, "num_missing": int(n_missing)},
        "distinct_count": float(len(counts)),
        "distribution": {"categorical": {"buckets": [{"value": str(v), "count": float(c)} for v, c in top.items()]}},
    }


def compute_statistics(df, *, types: Mapping[str, str] | None = None, k: int = KLL_K) -> dict:
    """``statistics.json`` of a DataFrame: dataset ``item_count`` and one entry per column.

    Each column's ``inferred_type`` is ``Integral``, ``Fractional``,
    ``String`` or ``Unknown`` (no value present); text that parses as numbers
    is numeric. ``types`` forces a column's type (a monitoring run reads the
    window as the baseline typed it when it can). Numerical columns get
    ``numerical_statistics`` (count, missing, mean, sum, population std_dev,
    min, max, a 10-bucket histogram and the quantile sketch of ``k`` values);
    string columns ``string_statistics`` (distinct count and value counts,
    the 1,000 most frequent). Errors: ``df`` not a DataFrame, a non-string
    column name, ``k`` < 2.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    k = check_int("k", k, low=2, high=1_000_000)
    features = []
    for name in df.columns:
        if not isinstance(name, str):
            raise TypeError(f"column names must be strings (statistics.json names features), got {name!r}")
        col = df[name]
        n_missing = int(col.isna().sum())
        kind, values = _column_kind(col)
        forced = (types or {}).get(name)
        if forced in ("Integral", "Fractional") and kind == "String":
            # a window typed as the baseline typed it: the numbers that are there, the rest counts as missing
            parsed = pd.to_numeric(col, errors="coerce")
            values = parsed.dropna().to_numpy(dtype=np.float64)
            n_missing = int(parsed.isna().sum())
            kind = forced if values.size else "Unknown"
        elif forced and kind in ("Integral", "Fractional") and forced in ("Integral", "Fractional"):
            kind = forced
        entry: dict[str, Any] = {"name": name, "inferred_type": kind}
        if kind in ("Integral", "Fractional"):
            entry["numerical_statistics"] = _numeric_stats(values, n_missing, k)
        elif kind == "String":
            entry["string_statistics"] = _string_stats(col, n_missing)
        else:
            entry["numerical_statistics"] = {"common": {"num_present": 0, "num_missing": n_missing}}
        features.append(entry)
    return {"version": 0, "dataset": {"item_count": int(len(df))}, "features": features}


def _completeness(entry: dict) -> float:
    stats = entry.get("numerical_statistics") or entry.get("string_statistics") or {}
    common = stats.get("common", {})
    present, missing = common.get("num_present", 0), common.get("num_missing", 0)
    total = present + missing
    return 1.0 if total == 0 else present / total


@dataclass
class Baseline(Report):
    """A baselining job's output: ``statistics`` (statistics.json) and ``constraints`` (constraints.json) dicts.

    Edit ``constraints`` as a learner would edit the file (thresholds,
    ``comparison_method``, a feature's ``completeness``). :meth:`write`
    saves both files to a folder or an ``s3://`` prefix in the local bucket;
    :meth:`read` loads them back.
    """

    statistics: dict
    constraints: dict

    @property
    def features(self) -> list[str]:
        return [f["name"] for f in self.constraints["features"]]

    def feature(self, name: str) -> dict:
        for f in self.statistics["features"]:
            if f["name"] == name:
                return f
        raise KeyError(f"feature {name!r} is not in the baseline; it has {self.features}")

    def write(self, where, *, store=None) -> list[str]:
        """Write ``statistics.json`` and ``constraints.json`` under ``where``; returns their paths/URIs."""
        return _write_files(where, {"statistics.json": self.statistics, "constraints.json": self.constraints},
                            store)

    @classmethod
    def read(cls, where, *, store=None) -> "Baseline":
        """Load the two files written by :meth:`write` (or by SageMaker)."""
        files = _read_files(where, ("statistics.json", "constraints.json"), store)
        return cls(files["statistics.json"], files["constraints.json"])

    def to_dict(self) -> dict:
        return {"statistics": self.statistics, "constraints": self.constraints}

    def table(self):
        """One row per feature: name, inferred_type, completeness, mean / distinct values, domain size."""
        import pandas as pd

        rows = []
        cons = {f["name"]: f for f in self.constraints["features"]}
        for f in self.statistics["features"]:
            num = f.get("numerical_statistics", {})
            st = f.get("string_statistics", {})
            rows.append({"feature": f["name"], "inferred_type": f["inferred_type"],
                         "completeness": cons[f["name"]].get("completeness"),
                         "mean": num.get("mean"), "std_dev": num.get("std_dev"),
                         "distinct_count": st.get("distinct_count"),
                         "domain_size": len(cons[f["name"]].get("string_constraints", {}).get("domains", []))
                         if "string_constraints" in cons[f["name"]] else None})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)


def _write_files(where, files: Mapping[str, dict], store) -> list[str]:
    from pathlib import Path

    out = []
    where = str(where)
    for name, content in files.items():
        text = json.dumps(content, indent=2) + "\n"
        if where.startswith("s3://"):
            from mlkit.storage import LocalBucketStore

            st = store if store is not None else LocalBucketStore()
            out.append(st.put(where.rstrip("/") + "/" + name, text))
        else:
            path = Path(where) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            out.append(str(path))
    return out


def _read_files(where, names, store) -> dict:
    from pathlib import Path

    where = str(where)
    out = {}
    for name in names:
        if where.startswith("s3://"):
            from mlkit.storage import LocalBucketStore

            st = store if store is not None else LocalBucketStore()
            text = st.get(where.rstrip("/") + "/" + name).decode("utf-8")
        else:
            text = (Path(where) / name).read_text(encoding="utf-8")
        out[name] = json.loads(text)
    return out


def suggest_baseline(df, *, comparison_method: str = "Robust", comparison_threshold: float = 0.1,
                     categorical_comparison_threshold: float = 0.1, max_domain_size: int = 20,
                     k: int = KLL_K) -> Baseline:
    """The baselining job: a training-like DataFrame in, a :class:`Baseline` out; the input is not changed.

    Statistics as :func:`compute_statistics`. Suggested constraints per
    feature: ``inferred_type``, ``completeness`` (the share present),
    ``num_constraints.is_non_negative`` (numerical: min >= 0) and, for string
    features with at most ``max_domain_size`` distinct values,
    ``string_constraints.domains`` (the observed values). ``monitoring_config``:
    evaluate/emit Enabled, ``datatype_check_threshold`` and
    ``domain_content_threshold`` 1.0, and ``distribution_constraints`` with
    ``comparison_method`` ("Robust" or "Simple"), ``comparison_threshold``,
    ``categorical_comparison_threshold`` and ``categorical_drift_method``
    "LInfinity".

    Errors: ``df`` not a DataFrame or with no rows; ``comparison_method``
    not Robust/Simple; thresholds outside [0, 1]; ``max_domain_size`` < 1.

        >>> import pandas as pd
        >>> b = suggest_baseline(pd.DataFrame({"n": [1, 2, 3], "c": ["a", "b", "a"]}))
        >>> b.constraints["features"][1]["string_constraints"]["domains"]
        ['a', 'b']
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise ValueError("df must have at least one row to baseline, got an empty DataFrame")
    check_one_of("comparison_method", comparison_method, ("Robust", "Simple"))
    comparison_threshold = check_float("comparison_threshold", comparison_threshold, 0.0, 1.0)
    categorical_comparison_threshold = check_float("categorical_comparison_threshold",
                                                   categorical_comparison_threshold, 0.0, 1.0)
    max_domain_size = check_int("max_domain_size", max_domain_size, low=1)
    stats = compute_statistics(df, k=k)
    features = []
    for f in stats["features"]:
        c: dict[str, Any] = {"name": f["name"], "inferred_type": f["inferred_type"],
                             "completeness": _completeness(f)}
        if f["inferred_type"] in ("Integral", "Fractional"):
            c["num_constraints"] = {"is_non_negative": bool(f["numerical_statistics"]["min"] >= 0)}
        elif f["inferred_type"] == "String":
            st = f["string_statistics"]
            if st["distinct_count"] <= max_domain_size:
                c["string_constraints"] = {"domains": sorted(b["value"] for b in
                                                             st["distribution"]["categorical"]["buckets"])}
        features.append(c)
    constraints = {
        "version": 0,
        "features": features,
        "monitoring_config": {
            "evaluate_constraints": "Enabled",
            "emit_metrics": "Enabled",
            "datatype_check_threshold": 1.0,
            "domain_content_threshold": 1.0,
            "distribution_constraints": {
                "perform_comparison": "Enabled",
                "comparison_threshold": comparison_threshold,
                "comparison_method": comparison_method,
                "categorical_comparison_threshold": categorical_comparison_threshold,
                "categorical_drift_method": "LInfinity",
            },
        },
    }
    return Baseline(stats, constraints)


# -- distances -------------------------------------------------------------------
def _sketch(entry: dict):
    import numpy as np

    num = entry.get("numerical_statistics", {})
    data = num.get("distribution", {}).get("kll", {}).get("sketch", {}).get("data")
    if not data:
        return None
    values = np.sort(np.concatenate([np.asarray(level, dtype=np.float64) for level in data]))
    return values


def linf_distance(baseline_sample, current_sample) -> float:
    """The L-infinity distance between two empirical CDFs: ``max_x |F_b(x) - F_c(x)|`` (in [0, 1]).

    Each argument is a 1-D array of values of equal weight (raw data or a
    sketch's quantile points). This is the two-sample Kolmogorov-Smirnov
    statistic, SageMaker's ``baseline_drift_check`` distance for numbers.

        >>> linf_distance([1, 2, 3, 4], [3, 4, 5, 6])
        0.5
    """
    import numpy as np

    a = np.sort(np.asarray(baseline_sample, dtype=np.float64))
    b = np.sort(np.asarray(current_sample, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        raise ValueError("linf_distance needs two non-empty samples")
    points = np.concatenate([a, b])
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def ks_critical_value(n: int, m: int, c_alpha: float = KS_C_ALPHA) -> float:
    """Two-sample KS critical value ``c(alpha) * sqrt((n + m) / (n * m))`` (alpha = 0.05 by default)."""
    return float(c_alpha * math.sqrt((n + m) / (n * m)))


def _categorical_linf(base_entry: dict, cur_entry: dict) -> float:
    def freqs(entry):
        buckets = entry["string_statistics"]["distribution"]["categorical"]["buckets"]
        total = entry["string_statistics"]["common"]["num_present"] or 1
        return {b["value"]: b["count"] / total for b in buckets}

    pb, pc = freqs(base_entry), freqs(cur_entry)
    return float(max(abs(pb.get(v, 0.0) - pc.get(v, 0.0)) for v in set(pb) | set(pc))) if (pb or pc) else 0.0


# -- the check -------------------------------------------------------------------
@dataclass
class DataQualityResult(Report):
    """One data quality monitoring execution: the window's ``statistics``, ``violations``, ``metrics``, ``distances``.

    ``violations`` is the list of ``constraint_violations.json`` (each
    ``feature_name``, ``constraint_check_type``, ``description``);
    ``metrics`` maps CloudWatch metric names (``feature_baseline_drift_x``,
    ``feature_non_null_x``) to values; ``distances`` is a DataFrame per
    feature: ``feature``, ``inferred_type``, ``distance``, ``threshold``,
    ``critical_value`` (Robust), ``drift`` (bool), ``completeness``. ``empty``
    is True when the window had no rows (no check ran; ``message`` says so).
    """

    statistics: dict
    violations: list
    metrics: dict
    distances: Any
    item_count: int = 0
    empty: bool = False
    message: str = ""

    @property
    def violated(self) -> bool:
        return bool(self.violations)

    def constraint_violations(self) -> dict:
        """The ``constraint_violations.json`` content."""
        return {"violations": list(self.violations)}

    def write(self, where, *, store=None) -> list[str]:
        """Write ``statistics.json`` and ``constraint_violations.json`` under ``where`` (folder or s3:// prefix)."""
        return _write_files(where, {"statistics.json": self.statistics,
                                    "constraint_violations.json": self.constraint_violations()}, store)

    def to_dict(self) -> dict:
        return {"item_count": self.item_count, "empty": self.empty, "message": self.message,
                "violations": self.violations, "metrics": self.metrics}

    def _repr_html_(self) -> str:
        head = html_table({"rows checked": self.item_count, "violations": len(self.violations),
                           "message": self.message or "-"}, "Data quality check")
        rows = "".join(f"<tr><td>{v['feature_name']}</td><td>{v['constraint_check_type']}</td>"
                       f"<td>{v['description']}</td></tr>" for v in self.violations)
        return head + (f"<table><tr><th>feature</th><th>check</th><th>description</th></tr>{rows}</table>"
                       if rows else "")


def _violation(feature: str, check: str, description: str) -> dict:
    return {"feature_name": feature, "constraint_check_type": check, "description": description}


def check_data_quality(df, baseline: Baseline) -> DataQualityResult:
    """One monitoring execution: a window DataFrame against a :class:`Baseline` -> :class:`DataQualityResult`.

    Runs the six checks of the module docstring with the thresholds in
    ``baseline.constraints["monitoring_config"]`` and per feature. A window
    with no rows gives ``empty=True``, no violation and a message (SageMaker's
    execution would fail with "no data"); nothing raises. A column whose
    values are of another type than the baseline's (text in a number column)
    gives a ``data_type_check`` violation naming the share that matched.
    Errors: ``df`` not a DataFrame, ``baseline`` not a :class:`Baseline`, a
    ``comparison_method`` or ``categorical_drift_method`` the kit does not
    implement (only ``"LInfinity"`` for categories).
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(baseline, Baseline):
        raise TypeError(f"baseline must be a Baseline (from suggest_baseline or Baseline.read), "
                        f"got {type(baseline).__name__}")
    cfg = baseline.constraints.get("monitoring_config", {})
    dist_cfg = cfg.get("distribution_constraints", {})
    method = check_one_of("comparison_method", dist_cfg.get("comparison_method", "Robust"), ("Robust", "Simple"))
    cat_method = check_one_of("categorical_drift_method", dist_cfg.get("categorical_drift_method", "LInfinity"),
                              ("LInfinity",))
    threshold = float(dist_cfg.get("comparison_threshold", 0.1))
    cat_threshold = float(dist_cfg.get("categorical_comparison_threshold", 0.1))
    compare = dist_cfg.get("perform_comparison", "Enabled") == "Enabled"
    type_threshold = float(cfg.get("datatype_check_threshold", DOC_DEFAULT_THRESHOLD))
    domain_threshold = float(cfg.get("domain_content_threshold", DOC_DEFAULT_THRESHOLD))
    cons = {f["name"]: f for f in baseline.constraints["features"]}
    base_stats = {f["name"]: f for f in baseline.statistics["features"]}
    columns = [c for c in df.columns]

    if len(df) == 0:
        return DataQualityResult({"version": 0, "dataset": {"item_count": 0}, "features": []}, [], {},
                                 pd.DataFrame(columns=["feature", "inferred_type", "distance", "threshold",
                                                       "critical_value", "drift", "completeness"]),
                                 0, True, "The window holds no captured rows: nothing was checked "
                                          "(SageMaker's execution would end with no data to analyse).")

    present_cols = [c for c in columns if c in cons]
    types = {c: cons[c]["inferred_type"] for c in present_cols}
    stats = compute_statistics(df[present_cols], types=types, k=_sketch_k(baseline))
    cur = {f["name"]: f for f in stats["features"]}
    violations, metrics, rows = [], {}, []

    for name in cons:
        if name not in df.columns:
            violations.append(_violation(name, "missing_column_check",
                                         f"Column {name} of the baseline is missing from the current data."))
    for name in columns:
        if name not in cons:
            violations.append(_violation(str(name), "extra_column_check",
                                         f"Column {name} is in the current data but not in the baseline."))

    for name in present_cols:
        c, b, s = cons[name], base_stats.get(name, {}), cur[name]
        expected = c["inferred_type"]
        col = df[name]
        completeness = float(col.notna().mean())
        metrics[f"feature_non_null_{name}"] = completeness
        # data type
        if expected in ("Integral", "Fractional"):
            share = _type_shares(col)[expected]
            if share < type_threshold:
                violations.append(_violation(name, "data_type_check",
                                             f"Data type match requirement is not met. Expected data type: {expected}, "
                                             f"expected match: {type_threshold:.1%}. Observed: only {share:.1%} of "
                                             f"the present values are {expected}."))
        # completeness
        want = float(c.get("completeness", 1.0))
        if completeness < want - 1e-12:
            violations.append(_violation(name, "completeness_check",
                                         f"Data completeness requirement is not met. Expected: {want:.1%} "
                                         f"complete. Observed: only {completeness:.1%} of the values are present."))
        # domain
        domains = c.get("string_constraints", {}).get("domains")
        if domains is not None:
            present = col.dropna().astype(str)
            inside = float(present.isin(set(domains)).mean()) if len(present) else 1.0
            if inside < domain_threshold:
                unknown = sorted(set(present.unique()) - set(domains))[:5]
                violations.append(_violation(name, "categorical_values_check",
                                             f"Values outside the baseline's domain: only {inside:.1%} of the values "
                                             f"are in it (required {domain_threshold:.1%}); new values include "
                                             f"{unknown}."))
        # distribution
        distance = critical = None
        drift = False
        thr = None
        if compare and expected in ("Integral", "Fractional") and s["inferred_type"] in ("Integral", "Fractional"):
            base_sketch, cur_sketch = _sketch(b), _sketch(s)
            if base_sketch is not None and cur_sketch is not None:
                distance = linf_distance(base_sketch, cur_sketch)
                n = b["numerical_statistics"]["common"]["num_present"]
                m = s["numerical_statistics"]["common"]["num_present"]
                critical = ks_critical_value(n, m)
                thr = threshold
                drift = distance > threshold and (method == "Simple" or distance > critical)
        elif compare and expected == "String" and s["inferred_type"] == "String" and "string_statistics" in b:
            distance = _categorical_linf(b, s)
            thr = cat_threshold
            drift = distance > cat_threshold
        if distance is not None:
            metrics[f"feature_baseline_drift_{name}"] = distance
            if drift:
                extra = (f" and the KS critical value {critical:.4f} of this sample size"
                         if method == "Robust" and expected != "String" else "")
                violations.append(_violation(name, "baseline_drift_check",
                                             f"Baseline drift distance: {distance:.4f} exceeds threshold: "
                                             f"{thr}{extra} ({'categorical' if expected == 'String' else method})."))
        rows.append({"feature": name, "inferred_type": expected, "distance": distance, "threshold": thr,
                     "critical_value": critical if expected != "String" else None, "drift": drift,
                     "completeness": completeness})
    if cfg.get("evaluate_constraints", "Enabled") != "Enabled":
        violations = []
    if cfg.get("emit_metrics", "Enabled") != "Enabled":
        metrics = {}
    return DataQualityResult(stats, violations, metrics, pd.DataFrame(rows), int(len(df)))


def _sketch_k(baseline: Baseline) -> int:
    for f in baseline.statistics.get("features", []):
        p = f.get("numerical_statistics", {}).get("distribution", {}).get("kll", {}).get("sketch", {}) \
            .get("parameters", {})
        if "k" in p:
            return int(p["k"])
    return KLL_K

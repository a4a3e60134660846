"""Data preparation: clean a raw table, encode it, and measure what each step is worth.

Real exports have gaps, repeated rows, three spellings of one value and
numbers written as text; algorithms such as XGBoost or a logistic regression
need numbers. This module does the work of a SageMaker Data Wrangler flow (or
a SageMaker Processing job running scikit-learn) with pandas and
scikit-learn, step by step, so each step can be switched off and its effect
on a model's validation score measured:

* :class:`Schema` says what each column is (numeric, nominal, ordinal, date,
  id, target with its 0/1 labels). ``Schema.claims()`` describes
  ``mlkit.datasets.claims(messy=True)``.
* :class:`DataCleaner` runs the pandas steps (``dedupe``, ``formats``,
  ``numbers``, ``outliers``) and returns the cleaned frame with a
  :class:`CleaningReport`: what it found, what it did, and, when the truth of
  a generated dataset is given, what had been injected.
* :func:`build_model` is the scikit-learn part: ``SimpleImputer``,
  ``OneHotEncoder``, ``OrdinalEncoder``, ``KBinsDiscretizer(strategy="quantile")``
  in a ``ColumnTransformer``, then ``LogisticRegression``; the steps
  ``impute``, ``drop_columns`` and ``bin`` choose its branches.
* :func:`evaluate_cleaning` cleans, encodes the target (legitimate 0,
  suspicious 1), splits, trains and scores (ROC AUC on the validation part);
  :func:`compare_steps` does it for every step left out in turn and
  :func:`compare_binning` shows quantile binning on a non-monotone feature.

    >>> from mlkit import datasets, prep
    >>> raw = datasets.claims(1000, messy=True, seed=0)
    >>> ev = prep.evaluate_cleaning(raw, seed=0)
    >>> round(ev.roc_auc, 2) > 0.9
    True

pandas and scikit-learn are imported inside the functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from mlkit._checks import check_float, check_int, check_one_of, check_seed
from mlkit.datasets import ColumnNotFoundError, Dataset
from mlkit.report import Report

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "CLEANING_STEPS",
    "Schema",
    "CleaningReport",
    "CleanedData",
    "DataCleaner",
    "encode_target",
    "normalise_spelling",
    "parse_dates",
    "parse_numbers",
    "QuantileBins",
    "quantile_bins",
    "build_model",
    "CleaningEvaluation",
    "evaluate_cleaning",
    "compare_steps",
    "compare_binning",
    "processing_job_request",
]

#: The cleaning steps, in the order they run. The first four are pandas steps
#: of :class:`DataCleaner`; the last three choose branches of :func:`build_model`.
CLEANING_STEPS = ("dedupe", "formats", "numbers", "outliers", "impute", "drop_columns", "bin")

_STEP_TEXT = {
    "dedupe": "remove rows whose record key repeats (keep the first)",
    "formats": "parse dates written in several formats; unify category spellings",
    "numbers": "turn currency strings and numbers stored as text into numbers",
    "outliers": "set values far outside the log-IQR fence to missing",
    "impute": "fill gaps (SimpleImputer: median / most frequent); off: drop incomplete rows",
    "drop_columns": "leave id and raw date columns out of the model",
    "bin": "quantile-bin the non-monotone numeric columns (KBinsDiscretizer)",
}


# ---------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Schema:
    """What each column of a table is: the cleaner's and the model's map of the data.

    ``target`` and ``labels`` (class -> 0/1, e.g. ``{"legitimate": 0,
    "suspicious": 1}``) define the label; ``numeric`` columns are numbers
    (perhaps written as text or currency), ``nominal`` categories are one-hot
    encoded, ``ordinal`` maps a column to its categories in order
    (ordinal-encoded), ``dates`` maps a column to the formats it may be written
    in, ``key`` names the columns that identify a record (for ``dedupe``;
    empty: the whole row), ``drop`` lists the columns left out of the model
    (ids, raw dates), ``outliers`` the positive numeric columns checked for
    outliers and ``bins`` the numeric columns to quantile-bin, with their
    number of bins.

        >>> Schema.claims().labels
        {'legitimate': 0, 'suspicious': 1}
    """

    target: str
    labels: Mapping[str, int]
    numeric: tuple = ()
    nominal: tuple = ()
    ordinal: Mapping[str, tuple] = field(default_factory=dict)
    dates: Mapping[str, tuple] = field(default_factory=dict)
    key: tuple = ()
    drop: tuple = ()
    outliers: tuple = ()
    bins: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def claims(cls) -> "Schema":
        """The schema of ``mlkit.datasets.claims(messy=True)`` (also fits ``messy=False``'s columns)."""
        return cls(
            target="operation_status",
            labels={"legitimate": 0, "suspicious": 1},
            numeric=("payment_value", "account_duration", "submitted_hour"),
            nominal=("region", "channel"),
            ordinal={"customer_age_group": ("18-24", "25-45", "46-65", "65+")},
            dates={"claim_date": ("%Y-%m-%d", "%d/%m/%Y", "%b %d %Y")},
            key=("claim_id",),
            drop=("claim_id", "claim_date"),
            outliers=("payment_value",),
            bins={"submitted_hour": 6},
        )

    def columns(self) -> dict[str, list[str]]:
        """Every column the schema names, by role (``'target'``, ``'numeric'``, ...)."""
        return {
            "target": [self.target],
            "numeric": list(self.numeric),
            "nominal": list(self.nominal),
            "ordinal": list(self.ordinal),
            "dates": list(self.dates),
            "key": list(self.key),
            "drop": list(self.drop),
            "outliers": list(self.outliers),
            "bins": list(self.bins),
        }

    def check(self, frame: "pandas.DataFrame") -> None:
        """Raise :class:`ColumnNotFoundError` (``schema.<role>=...``) for a column the frame lacks."""
        _check_frame(frame)
        for role, cols in self.columns().items():
            for col in cols:
                if col not in frame.columns:
                    raise ColumnNotFoundError(f"schema.{role}", col, list(frame.columns))
        for col, n in self.bins.items():
            check_int(f"schema.bins[{col!r}]", n, low=2, high=100)


def _check_frame(frame: Any) -> None:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        hint = " (for a Dataset pass dataset.frame, or the Dataset to evaluate_cleaning)" \
            if isinstance(frame, Dataset) else ""
        raise TypeError(f"frame must be a pandas DataFrame{hint}, got {type(frame).__name__}")


def _check_steps(steps: Any) -> tuple[str, ...]:
    if isinstance(steps, str) or not isinstance(steps, Iterable):
        raise TypeError(f"steps must be a list of step names from {list(CLEANING_STEPS)}, got {steps!r}")
    steps = list(steps)
    for s in steps:
        check_one_of("steps", s, CLEANING_STEPS)
    return tuple(s for s in CLEANING_STEPS if s in steps)


# ---------------------------------------------------------------------------- single steps


def normalise_spelling(values: "pandas.Series") -> "pandas.Series":
    """Category spellings unified: trimmed, lower-case, spaces (and dashes between letters) -> ``_``.

    Dashes between digits stay (``"18-24"``); gaps stay gaps.

        >>> import pandas as pd
        >>> normalise_spelling(pd.Series(["Mobile App", " mobile-app", "MOBILE_APP", None])).tolist()
        ['mobile_app', 'mobile_app', 'mobile_app', nan]
    """
    import pandas as pd

    out = (values.astype("str").str.strip().str.lower()
           .str.replace(r"(?<=[a-z])[\s\-]+(?=[a-z])", "_", regex=True)
           .str.replace(r"\s+", "_", regex=True))
    return out.astype("str") if len(out) else pd.Series([], dtype="str", name=values.name)


def parse_numbers(values: "pandas.Series", *, name: str = "values") -> "pandas.Series":
    """Numbers written as text or currency (``"$1,234.56"``) -> float64; gaps stay NaN.

    A numeric column is returned as float64 unchanged. Text that is not a
    number after removing ``$``, ``,`` and spaces raises ``ValueError``
    naming ``name``, the count and examples (a silent NaN would hide it).

        >>> import pandas as pd
        >>> parse_numbers(pd.Series(["$1,234.50", "80", None])).tolist()
        [1234.5, 80.0, nan]
    """
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    text = values.astype("str").str.replace(r"[\$,\s]", "", regex=True)
    out = pd.to_numeric(text, errors="coerce")
    bad = out.isna() & values.notna()
    if bad.any():
        examples = [repr(v) for v in values[bad].unique()[:5]]
        raise ValueError(
            f"{name} has {int(bad.sum())} values that are not numbers even without '$', ',' and "
            f"spaces, e.g. {', '.join(examples)}"
        )
    return out.astype("float64")


def parse_dates(values: "pandas.Series", formats: Iterable[str], *, name: str = "values"):
    """Dates written in several ``formats`` -> ``(datetime64 Series, counts per format)``.

    Each format is tried in order with ``pd.to_datetime(format=...)``; a
    value takes the first format that parses it. Give unambiguous formats
    first in the order you trust them (``"%d/%m/%Y"`` and ``"%m/%d/%Y"`` both
    parse ``"03/04/2025"``). A value no format parses raises ``ValueError``
    naming ``name`` and examples.

        >>> import pandas as pd
        >>> d, counts = parse_dates(pd.Series(["2025-03-14", "14/03/2025", "Mar 14 2025"]),
        ...                         ["%Y-%m-%d", "%d/%m/%Y", "%b %d %Y"])
        >>> d.dt.strftime("%Y-%m-%d").unique().tolist(), counts
        (['2025-03-14'], {'%Y-%m-%d': 1, '%d/%m/%Y': 1, '%b %d %Y': 1})
    """
    import pandas as pd

    formats = list(formats)
    if not formats or not all(isinstance(f, str) for f in formats):
        raise ValueError(f"formats must be a non-empty list of strftime formats, got {formats!r}")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]", name=values.name)
    counts = {}
    for fmt in formats:
        todo = out.isna() & values.notna()
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        counts[fmt] = int(parsed.notna().sum())
        out.loc[parsed.index[parsed.notna()]] = parsed[parsed.notna()]
    bad = out.isna() & values.notna()
    if bad.any():
        examples = [repr(v) for v in values[bad].unique()[:5]]
        raise ValueError(f"{name} has {int(bad.sum())} values in none of the formats {formats}, "
                         f"e.g. {', '.join(examples)}")
    return out, counts


def encode_target(values: "pandas.Series", labels: Mapping[str, int], *, name: str | None = None):
    """A two-class label -> 0/1 integers with the explicit mapping ``labels``.

    ``labels`` maps exactly two classes to 0 and 1 (the notes' example:
    ``{"legitimate": 0, "suspicious": 1}``). Every value must be one of them:
    a third class, a spelling variant or a missing label raises ``ValueError``
    listing the classes found, since guessing would silently mislabel rows.

        >>> import pandas as pd
        >>> encode_target(pd.Series(["legitimate", "suspicious"]), {"legitimate": 0, "suspicious": 1}).tolist()
        [0, 1]
    """
    name = name or (str(values.name) if values.name is not None else "target")
    if not isinstance(labels, Mapping) or sorted(labels.values()) != [0, 1]:
        raise ValueError(f"labels must map exactly two classes to 0 and 1, e.g. "
                         f"{{'legitimate': 0, 'suspicious': 1}}; got {labels!r}")
    if values.isna().any():
        raise ValueError(f"{name} has {int(values.isna().sum())} missing labels; drop those rows "
                         "before encoding (a label cannot be imputed)")
    found = sorted(str(v) for v in values.unique())
    extra = [v for v in found if v not in labels]
    if extra:
        raise ValueError(
            f"{name} has {len(found)} classes ({', '.join(repr(v) for v in found)}) but a binary "
            f"label was asked for with labels {dict(labels)!r}; unknown: {', '.join(repr(v) for v in extra)} "
            "(normalise spellings, or map every class)"
        )
    return values.map(dict(labels)).astype("int64")


@dataclass
class QuantileBins(Report):
    """Result of :func:`quantile_bins`: ``edges`` (n_bins + 1 numbers), ``codes`` (bin of each value), ``counts``."""

    column: str
    n_bins: int
    edges: list
    counts: list
    codes: Any = field(repr=False)

    def to_dict(self) -> dict:
        return {"column": self.column, "n_bins": self.n_bins, "edges": self.edges, "counts": self.counts}


def quantile_bins(values: "pandas.Series", n_bins: int = 4, *, name: str | None = None) -> QuantileBins:
    """Quantile binning with ``KBinsDiscretizer(strategy="quantile")``: a numeric Series -> bins of about equal counts.

    Missing values are left out of the fit and get code -1. Ties can make
    fewer bins than asked (a value cannot be split across bins);
    ``n_bins`` in the result is the number actually made.

        >>> import pandas as pd
        >>> b = quantile_bins(pd.Series(range(100)), 4)
        >>> b.counts
        [25, 25, 25, 25]

    Errors: ``n_bins`` not an int in [2, 100]; a non-numeric Series
    (``TypeError``); a constant column or one with fewer than two distinct
    values (``ValueError``: there is nothing to bin).
    """
    import warnings

    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import KBinsDiscretizer

    name = name or (str(values.name) if values.name is not None else "values")
    n_bins = check_int("n_bins", n_bins, low=2, high=100)
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(f"column {name!r} must be numeric to bin, it has dtype {values.dtype}; "
                        "parse it first (parse_numbers)")
    present = values.dropna()
    distinct = present.nunique()
    if distinct < 2:
        shown = f"every value is {present.iloc[0].item()!r}" if distinct == 1 else "it has no values"
        raise ValueError(f"cannot bin column {name!r}: it is constant ({shown}); quantile binning "
                         "needs at least 2 distinct values")
    kb = KBinsDiscretizer(n_bins=min(n_bins, distinct), encode="ordinal", strategy="quantile",
                          quantile_method="averaged_inverted_cdf")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Bins whose width are too small.*")
        kb.fit(present.to_numpy(dtype=float).reshape(-1, 1))
    codes = np.full(len(values), -1, dtype=np.int64)
    mask = values.notna().to_numpy()
    codes[mask] = kb.transform(present.to_numpy(dtype=float).reshape(-1, 1)).ravel().astype(np.int64)
    made = int(kb.n_bins_[0])
    counts = np.bincount(codes[mask], minlength=made).tolist()
    return QuantileBins(name, made, [float(e) for e in kb.bin_edges_[0]], counts,
                        pd.Series(codes, index=values.index, name=name))


# ---------------------------------------------------------------------------- the cleaner


@dataclass
class CleaningReport(Report):
    """What a :class:`DataCleaner` found and did, per problem and column.

    ``table`` has the columns ``step, problem, column, found, action, done``
    (for missing values ``found`` counts the gaps of the raw column and
    ``done`` the gaps the imputer fills, outliers set to missing included)
    and, when the dataset's truth was given, ``injected`` (what the generator
    put in, counted over the unique claims) and ``match`` (found == injected).
    ``n_rows_in``/``n_rows_out`` are the frame's rows before and after.
    """

    steps: tuple
    n_rows_in: int
    n_rows_out: int
    table: Any

    def to_dict(self) -> dict:
        return {"steps": list(self.steps), "n_rows_in": self.n_rows_in, "n_rows_out": self.n_rows_out,
                "table": self.table.to_dict(orient="records")}

    def _repr_html_(self) -> str:
        return (f"<p><b>CleaningReport</b>: {self.n_rows_in:,} rows in, {self.n_rows_out:,} out; "
                f"steps: {', '.join(self.steps) or 'none'}</p>" + self.table.to_html(index=False, border=0))


@dataclass
class CleanedData:
    """``frame`` (the cleaned DataFrame) and ``report`` (a :class:`CleaningReport`)."""

    frame: Any
    report: CleaningReport

    def __iter__(self):
        return iter((self.frame, self.report))


class DataCleaner:
    """The pandas cleaning steps of a data flow: a raw frame in, a cleaned frame and a report out.

    ``DataCleaner(schema, steps)`` stores its parameters unchanged;
    :meth:`clean` never mutates its input. The steps it runs (in this order,
    each only if listed in ``steps``):

    * ``dedupe``: rows whose ``schema.key`` repeats dropped, the first kept
      (with an empty key, rows equal in every column);
    * ``formats``: dates of ``schema.dates`` parsed with their formats,
      category spellings of ``schema.nominal``/``schema.ordinal`` and of the
      target unified (:func:`normalise_spelling`);
    * ``numbers``: ``schema.numeric`` columns written as text or currency
      parsed to float (:func:`parse_numbers`);
    * ``outliers``: values of ``schema.outliers`` outside
      ``[Q1 - k IQR, Q3 + k IQR]`` on a log10 scale (``k = outlier_k``) set to
      missing, so the imputer treats them as the gaps they are (only when the
      column is numeric, i.e. after ``numbers``).

    ``impute``, ``drop_columns`` and ``bin`` are the model's steps
    (:func:`build_model`); listing them here is allowed and changes nothing.

        >>> from mlkit import datasets
        >>> raw = datasets.claims(500, messy=True, seed=0)
        >>> out = DataCleaner(Schema.claims()).clean(raw.frame, truth=raw.truth)
        >>> out.report.n_rows_in - out.report.n_rows_out
        15

    Errors: a schema column missing from the frame -> :class:`ColumnNotFoundError`
    naming the role (``schema.numeric='x' is not a column ...``); an unknown
    step -> ``ValueError`` listing the steps; ``outlier_k`` not a number > 0.
    """

    def __init__(self, schema: Schema | None = None, steps: Iterable[str] = CLEANING_STEPS, *,
                 outlier_k: float = 3.0):
        self.schema = schema
        self.steps = steps
        self.outlier_k = outlier_k

    def clean(self, frame: "pandas.DataFrame", truth: Mapping | None = None) -> CleanedData:
        """Run the steps on a copy of ``frame``; ``truth`` (a messy dataset's truth) fills ``injected``."""
        import numpy as np
        import pandas as pd

        schema = self.schema if self.schema is not None else Schema.claims()
        if not isinstance(schema, Schema):
            raise TypeError(f"schema must be a mlkit.prep.Schema, got {type(schema).__name__}")
        steps = _check_steps(self.steps)
        k = check_float("outlier_k", self.outlier_k, 0.0, low_open=True)
        schema.check(frame)
        mess = dict((truth or {}).get("messy", {}))
        df = frame.copy()
        rows: list[dict] = []

        def add(step, problem, column, found, action, done, injected=None):
            rows.append({"step": step, "problem": problem, "column": column, "found": int(found),
                         "action": action, "done": int(done), "injected": injected})

        n_in = len(df)
        if "dedupe" in steps:
            key = list(schema.key) or None
            dup = df.duplicated(subset=key, keep="first")
            injected = mess.get("n_duplicate_rows") if mess else None
            add("dedupe", "duplicate rows", ",".join(schema.key) or "(whole row)", int(dup.sum()),
                "later copies dropped", int(dup.sum()), injected)
            df = df.loc[~dup].reset_index(drop=True)
        gaps_before = {col: int(df[col].isna().sum()) for col in df.columns}
        if "formats" in steps:
            for col, formats in schema.dates.items():
                if pd.api.types.is_datetime64_any_dtype(df[col]):
                    continue
                parsed, counts = parse_dates(df[col], formats, name=col)
                odd = sum(v for f, v in counts.items() if f != formats[0])
                injected = sum(v for f, v in mess.get("date_formats", {}).items() if f != formats[0]) \
                    if mess else None
                add("formats", f"dates not in {formats[0]}", col, odd,
                    f"parsed with {len(formats)} formats", int(parsed.notna().sum()), injected)
                df[col] = parsed
            for col in [*schema.nominal, *schema.ordinal, schema.target]:
                if pd.api.types.is_numeric_dtype(df[col]):
                    continue
                fixed = normalise_spelling(df[col])
                changed = int(((fixed != df[col]) & df[col].notna()).sum())
                injected = len(mess["spelling_variants"].get(col, [])) if mess else None
                if changed or injected:
                    add("formats", "spelling variants", col, changed, "trimmed, lower-case, '_' for spaces",
                    changed, injected)
                df[col] = fixed
        if "numbers" in steps:
            for col in schema.numeric:
                if pd.api.types.is_numeric_dtype(df[col]):
                    continue
                text = df[col]
                is_currency = text.str.contains(r"[\$,]", regex=True).fillna(False)
                df[col] = parse_numbers(text, name=col)
                injected_cur = len(mess.get("currency_strings", {}).get(col, [])) if mess else None
                if is_currency.any() or injected_cur:
                    add("numbers", "currency strings", col, int(is_currency.sum()),
                        "'$' and ',' removed, parsed", int(is_currency.sum()), injected_cur)
                injected_txt = None
                if mess:
                    injected_txt = (n_unique(mess) - len(mess.get("missing", {}).get(col, []))
                                    if col in mess.get("numbers_as_text", []) else 0)
                add("numbers", "numbers stored as text", col, int(text.notna().sum()),
                    "parsed to float64", int(df[col].notna().sum()), injected_txt)
        if "outliers" in steps:
            for col in schema.outliers:
                if not pd.api.types.is_numeric_dtype(df[col]):
                    add("outliers", "outliers (skipped: column is text; turn on 'numbers')", col, 0,
                        "none", 0, None)
                    continue
                values = df[col]
                positive = values[values > 0]
                logs = np.log10(positive)
                q1, q3 = logs.quantile(0.25), logs.quantile(0.75)
                lo, hi = 10 ** (q1 - k * (q3 - q1)), 10 ** (q3 + k * (q3 - q1))
                out = values.notna() & ((values < lo) | (values > hi))
                injected = len(mess.get("outliers", {}).get(col, {}).get("rows", [])) if mess else None
                add("outliers", f"outside [{lo:,.4g}, {hi:,.4g}]", col, int(out.sum()),
                    "set to missing (then imputed)", int(out.sum()), injected)
                df.loc[out, col] = np.nan
        for col in df.columns:
            gaps = int(df[col].isna().sum())  # the outliers set to missing included
            injected = len(mess.get("missing", {}).get(col, [])) if mess and col in mess.get("missing", {}) else None
            if gaps or injected:
                action = ("imputed in the model (SimpleImputer)" if "impute" in steps
                          else "rows dropped before training")
                add("impute", "missing values", col, gaps_before.get(col, 0), action, gaps, injected)
        table = pd.DataFrame(rows, columns=["step", "problem", "column", "found", "action", "done", "injected"])
        if mess:
            table["match"] = [None if inj is None or pd.isna(inj) else bool(f == inj)
                              for f, inj in zip(table["found"], table["injected"])]
        else:
            table = table.drop(columns="injected")
        return CleanedData(df, CleaningReport(steps, n_in, len(df), table))


def n_unique(mess: Mapping) -> int:
    """The number of unique claims recorded in a messy truth."""
    return int(mess.get("n_unique_claims", 0))


# ---------------------------------------------------------------------------- the model


def build_model(schema: Schema, frame: "pandas.DataFrame", steps: Iterable[str] = CLEANING_STEPS, *,
                C: float = 1.0):
    """A scikit-learn ``Pipeline`` (``ColumnTransformer`` + ``LogisticRegression``) for the columns of ``frame``.

    Feature columns are all columns but the target (and, with
    ``drop_columns``, those of ``schema.drop``). Numeric columns are scaled
    (``StandardScaler``); with ``bin``, those of ``schema.bins`` are instead
    quantile-binned (``KBinsDiscretizer(strategy="quantile")``) and one-hot
    coded; ``schema.ordinal`` columns get ``OrdinalEncoder`` with their order;
    every other non-numeric column (nominal categories, and numbers still
    written as text) gets ``OneHotEncoder(handle_unknown="ignore")``. With
    ``impute`` each branch starts with a ``SimpleImputer`` (median for
    numbers, most frequent value for categories). The pipeline is not fitted.
    """
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, OrdinalEncoder, StandardScaler
    from sklearn.impute import SimpleImputer

    steps = _check_steps(steps)
    features = feature_columns(schema, frame, steps)
    impute = "impute" in steps
    numeric, binned, ordinal, onehot = [], [], [], []
    for col in features:
        is_num = pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(frame[col])
        if is_num and "bin" in steps and col in schema.bins:
            binned.append(col)
        elif is_num:
            numeric.append(col)
        elif col in schema.ordinal:
            ordinal.append(col)
        else:
            onehot.append(col)

    def branch(imputer_strategy, *rest):
        parts = ([SimpleImputer(strategy=imputer_strategy)] if impute else []) + list(rest)
        return make_pipeline(*parts)

    transformers = []
    if numeric:
        transformers.append(("numeric", branch("median", StandardScaler()), numeric))
    for col in binned:
        kb = KBinsDiscretizer(n_bins=int(schema.bins[col]), encode="onehot-dense", strategy="quantile",
                              quantile_method="averaged_inverted_cdf")
        transformers.append((f"bins_{col}", branch("median", kb), [col]))
    if ordinal:
        cats = [list(schema.ordinal[c]) for c in ordinal]
        enc = OrdinalEncoder(categories=cats, handle_unknown="use_encoded_value", unknown_value=-1)
        transformers.append(("ordinal", branch("most_frequent", enc), ordinal))
    if onehot:
        transformers.append(("onehot", branch("most_frequent", OneHotEncoder(handle_unknown="ignore")), onehot))
    if not transformers:
        raise ValueError("no feature columns left to train on; check schema.drop")
    pre = ColumnTransformer(transformers, sparse_threshold=0.3)
    return Pipeline([("encode", pre), ("model", LogisticRegression(C=C, solver="liblinear"))])


def feature_columns(schema: Schema, frame: "pandas.DataFrame", steps: Iterable[str]) -> list[str]:
    """The columns :func:`build_model` uses: all but the target, less ``schema.drop`` with ``drop_columns``."""
    dropped = set(schema.drop) if "drop_columns" in steps else set()
    return [c for c in frame.columns if c != schema.target and c not in dropped]


@dataclass
class CleaningEvaluation(Report):
    """One configuration scored: ``steps``, validation ``roc_auc``, rows and features used, the cleaning ``report``."""

    steps: tuple
    roc_auc: float
    accuracy: float
    n_train: int
    n_valid: int
    n_features: int
    report: CleaningReport

    def to_dict(self) -> dict:
        return {"steps": list(self.steps), "roc_auc": self.roc_auc, "accuracy": self.accuracy,
                "n_train": self.n_train, "n_valid": self.n_valid, "n_features": self.n_features,
                "report": self.report.to_dict()}


def _frame_schema_truth(data, schema):
    if isinstance(data, Dataset):
        frame, truth = data.frame, data.truth
    else:
        _check_frame(data)
        frame, truth = data, None
    schema = Schema.claims() if schema is None else schema
    if not isinstance(schema, Schema):
        raise TypeError(f"schema must be a mlkit.prep.Schema, got {type(schema).__name__}")
    return frame, schema, truth


def evaluate_cleaning(data, schema: Schema | None = None, steps: Iterable[str] = CLEANING_STEPS, *,
                      test_size: float = 0.3, seed: int | None = 0) -> CleaningEvaluation:
    """Clean with ``steps``, encode the label, split, train :func:`build_model`, score on the validation part.

    ``data`` is a :class:`~mlkit.datasets.Dataset` (its truth fills the
    report's ``injected`` column) or a DataFrame; ``schema`` defaults to
    :meth:`Schema.claims`. The label's spelling is always unified and then
    encoded with ``schema.labels`` (:func:`encode_target`): without a label
    there is no model to score. Without ``impute``, rows with a gap in a
    used column are dropped (training and validation). The split is
    stratified and seeded; ``roc_auc`` and ``accuracy`` are measured on the
    validation rows. Nothing is mutated.

    Errors: those of :class:`DataCleaner` and :func:`encode_target` (e.g. a
    label with three classes), ``test_size`` outside (0, 1), a bad ``seed``.
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split

    frame, schema, truth = _frame_schema_truth(data, schema)
    steps = _check_steps(steps)
    test_size = check_float("test_size", test_size, 0.0, 1.0, low_open=True, high_open=True)
    seed = check_seed(seed)
    cleaned = DataCleaner(schema, steps).clean(frame, truth)
    df = cleaned.frame
    label = df[schema.target]
    if not pd.api.types.is_numeric_dtype(label):
        label = normalise_spelling(label)
    y = encode_target(label, schema.labels, name=schema.target)
    features = feature_columns(schema, df, steps)
    X = df[features]
    if "impute" not in steps:
        keep = X.notna().all(axis=1)
        X, y = X.loc[keep], y.loc[keep]
    if y.nunique() < 2:
        raise ValueError(f"{schema.target} has one class only after cleaning; a score needs both")
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y)
    model = build_model(schema, df, steps).fit(X_train, y_train)
    proba = model.predict_proba(X_valid)[:, 1]
    n_features = int(model.named_steps["encode"].transform(X_valid.iloc[:1]).shape[1])
    return CleaningEvaluation(
        steps=steps,
        roc_auc=float(roc_auc_score(y_valid, proba)),
        accuracy=float(accuracy_score(y_valid, (proba >= 0.5).astype(int))),
        n_train=int(len(X_train)),
        n_valid=int(len(X_valid)),
        n_features=n_features,
        report=cleaned.report,
    )


def compare_steps(data, schema: Schema | None = None, *, test_size: float = 0.3,
                  seed: int | None = 0) -> "pandas.DataFrame":
    """Each step's worth: the score with every step, with none, and with each one left out.

    Returns a DataFrame with the columns ``configuration`` (``"all steps"``,
    ``"without <step>"``, ``"raw (no step)"``), ``roc_auc``, ``accuracy``,
    ``delta_auc`` (this configuration's AUC minus that of all steps: the
    step's contribution, negated), ``n_train``, ``n_valid``, ``n_features``.
    Nine models are trained on the same seeded split.
    """
    import pandas as pd

    configs = [("all steps", CLEANING_STEPS)]
    configs += [(f"without {s}", tuple(x for x in CLEANING_STEPS if x != s)) for s in CLEANING_STEPS]
    configs.append(("raw (no step)", ()))
    rows = []
    for name, steps in configs:
        ev = evaluate_cleaning(data, schema, steps, test_size=test_size, seed=seed)
        rows.append({"configuration": name, "roc_auc": ev.roc_auc, "accuracy": ev.accuracy,
                     "n_train": ev.n_train, "n_valid": ev.n_valid, "n_features": ev.n_features})
    table = pd.DataFrame(rows)
    table.insert(3, "delta_auc", table["roc_auc"] - table.loc[0, "roc_auc"])
    return table


def compare_binning(frame: "pandas.DataFrame", column: str, target: str, labels: Mapping[str, int], *,
                    n_bins: int = 6, test_size: float = 0.3, seed: int | None = 0) -> "pandas.DataFrame":
    """A linear model on one numeric feature, raw versus quantile-binned: which one sees the pattern?

    Trains ``LogisticRegression`` on ``column`` alone, once on the scaled
    number and once on its ``n_bins`` quantile bins (``KBinsDiscretizer``,
    one-hot), on the same seeded split, and returns a DataFrame with the
    columns ``representation`` (``"raw number"``, ``"quantile bins"``),
    ``n_features``, ``roc_auc``. A raw number gives one weight: the
    log-odds can only rise or fall with it. Bins give one weight per range,
    so a pattern that is high at both ends (a U shape) is learnable.

    Errors: ``column`` or ``target`` not in ``frame`` ->
    :class:`ColumnNotFoundError`; a non-numeric or constant ``column`` (see
    :func:`quantile_bins`); a label not matching ``labels`` (see
    :func:`encode_target`).
    """
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import KBinsDiscretizer, StandardScaler

    _check_frame(frame)
    for param, col in (("column", column), ("target", target)):
        if col not in frame.columns:
            raise ColumnNotFoundError(param, col, list(frame.columns))
    bins = quantile_bins(frame[column], n_bins, name=column)  # validates: numeric, not constant
    test_size = check_float("test_size", test_size, 0.0, 1.0, low_open=True, high_open=True)
    seed = check_seed(seed)
    data = frame[[column, target]].dropna()
    y = encode_target(data[target], labels, name=target)
    X = data[[column]].astype(float)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y)
    rows = []
    models = {
        "raw number": make_pipeline(StandardScaler(), LogisticRegression(solver="liblinear")),
        "quantile bins": make_pipeline(
            KBinsDiscretizer(n_bins=bins.n_bins, encode="onehot-dense", strategy="quantile",
                             quantile_method="averaged_inverted_cdf"),
            LogisticRegression(solver="liblinear")),
    }
    import warnings

    for name, model in models.items():
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*Bins whose width are too small.*")
            model.fit(X_train, y_train)
            n_features = int(model[:-1].transform(X_valid.iloc[:1]).shape[1])
            auc = roc_auc_score(y_valid, model.predict_proba(X_valid)[:, 1])
        rows.append({"representation": name, "n_features": n_features, "roc_auc": float(auc)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- SageMaker Processing


def processing_job_request(job_name: str, input_uri: str, output_uri: str, *, code_uri: str,
                           script: str = "prepare.py",
                           role_arn: str = "arn:aws:iam::111122223333:role/SageMakerProcessingRole",
                           instance_type: str = "ml.m5.xlarge", instance_count: int = 1,
                           image_uri: str = "683313688378.dkr.ecr.us-east-1.amazonaws.com/"
                                            "sagemaker-scikit-learn:1.2-1-cpu-py3",
                           max_runtime_s: int = 3600) -> dict:
    """The ``CreateProcessingJob`` request that runs a preparation script on SageMaker Processing.

    The job reads ``input_uri`` (an S3 prefix) into ``/opt/ml/processing/input``,
    the script from ``code_uri`` into ``/opt/ml/processing/input/code``, runs
    ``python3 <script>`` in the scikit-learn container and uploads
    ``/opt/ml/processing/output`` to ``output_uri`` when it ends: the notes'
    pipeline (articles from S3, CountVectorizer, features back to S3), or this
    module's cleaning. Validate it with ``mlkit.aws.validate_request("sagemaker",
    "CreateProcessingJob", request)``.

    Errors: a URI that is not ``s3://bucket/...`` (``ValueError`` from
    :func:`mlkit.storage.parse_s3_uri`); ``instance_count`` outside [1, 100];
    ``max_runtime_s`` outside [1, 777600] (SageMaker's 9-day limit).
    """
    from mlkit.storage import parse_s3_uri

    for uri in (input_uri, output_uri, code_uri):
        parse_s3_uri(uri, allow_prefix=True)
    instance_count = check_int("instance_count", instance_count, low=1, high=100)
    max_runtime_s = check_int("max_runtime_s", max_runtime_s, low=1, high=777_600)
    base = "/opt/ml/processing"
    return {
        "ProcessingJobName": job_name,
        "ProcessingInputs": [
            {"InputName": "raw", "S3Input": {"S3Uri": input_uri, "LocalPath": f"{base}/input",
                                             "S3DataType": "S3Prefix", "S3InputMode": "File"}},
            {"InputName": "code", "S3Input": {"S3Uri": code_uri, "LocalPath": f"{base}/input/code",
                                              "S3DataType": "S3Prefix", "S3InputMode": "File"}},
        ],
        "ProcessingOutputConfig": {"Outputs": [
            {"OutputName": "features", "S3Output": {"S3Uri": output_uri, "LocalPath": f"{base}/output",
                                                    "S3UploadMode": "EndOfJob"}}]},
        "ProcessingResources": {"ClusterConfig": {"InstanceCount": instance_count,
                                                  "InstanceType": instance_type, "VolumeSizeInGB": 30}},
        "StoppingCondition": {"MaxRuntimeInSeconds": max_runtime_s},
        "AppSpecification": {"ImageUri": image_uri,
                             "ContainerEntrypoint": ["python3", f"{base}/input/code/{script}"]},
        "RoleArn": role_arn,
    }

"""Seeded synthetic datasets with known, injected ground truth.

Every topic of the course draws its data from here. Nothing is downloaded:
each generator builds a :class:`Dataset` from one ``seed`` (same seed, same
numbers) and records what it injected in ``Dataset.truth``, so a lesson can
check that a method finds what was put in (a bias gap, a feature ranking, an
idle period, a rare word)::

    >>> from mlkit import datasets
    >>> ds = datasets.load("claims", n_rows=500, suspicious_rate=0.2, seed=1)
    >>> ds.frame.shape
    (500, 7)
    >>> ds.truth["suspicious_rate"]
    0.2
    >>> sorted(datasets.names())
    ['admissions', 'articles', 'claims', 'loans', 'traffic']

Later topics add a generator with the :func:`register` decorator. The
``inject_*`` helpers change an existing frame (drift, a category shift,
missing values, label bias) and return a *new* frame plus a description of
what they changed; the input is never mutated.

Heavy libraries (numpy, pandas) are imported inside the functions, so
``import mlkit.datasets`` stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from mlkit._checks import check_float, check_fraction, check_int, check_one_of, check_seed, make_rng

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "Dataset",
    "Injected",
    "ColumnNotFoundError",
    "register",
    "names",
    "load",
    "claims",
    "loans",
    "admissions",
    "articles",
    "traffic",
    "inject_drift",
    "inject_category_shift",
    "inject_missing",
    "inject_label_bias",
    "Exploration",
    "explore",
]

MIN_ROWS = 10
MAX_ROWS = 5_000_000

#: Keys of ``Dataset.truth`` that list columns which are not model features.
_NON_FEATURE_KEYS = ("id_columns", "time_columns", "label_columns")


# --------------------------------------------------------------------------
# Dataset
# --------------------------------------------------------------------------


@dataclass(repr=False)
class Dataset:
    """A frame plus its injected truth: ``frame`` in, ``X``/``y``/``truth`` out; nothing changes.

    ``truth`` holds the generator's parameters and the exact expected values
    a lesson can check (plain JSON-able values). Its optional keys
    ``id_columns``, ``time_columns`` and ``label_columns`` list columns that
    are neither features nor the target::

        >>> import pandas as pd
        >>> ds = Dataset("toy", pd.DataFrame({"id": [1, 2], "x": [0.5, 1.5], "y": [0, 1]}),
        ...              target="y", description="two rows", truth={"id_columns": ["id"]})
        >>> ds.features
        ['x']
        >>> ds.y.tolist()
        [0, 1]
    """

    name: str
    frame: "pandas.DataFrame"
    target: str | None
    description: str
    truth: dict = field(default_factory=dict)
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.target is not None and self.target not in self.frame.columns:
            raise ColumnNotFoundError("target", self.target, list(self.frame.columns))

    @property
    def features(self) -> list[str]:
        """Columns other than the target and the id/time/label columns listed in ``truth``."""
        skip = set()
        for key in _NON_FEATURE_KEYS:
            skip.update(self.truth.get(key, ()))
        if self.target is not None:
            skip.add(self.target)
        return [c for c in self.frame.columns if c not in skip]

    @property
    def X(self) -> "pandas.DataFrame":
        """The feature columns (a new DataFrame)."""
        return self.frame[self.features].copy()

    @property
    def y(self) -> "pandas.Series":
        """The target column; ``ValueError`` if the dataset has no target."""
        if self.target is None:
            raise ValueError(f"dataset {self.name!r} has no target (target=None); use .frame")
        return self.frame[self.target].copy()

    @property
    def shape(self) -> tuple[int, int]:
        """``frame.shape``."""
        return tuple(self.frame.shape)

    def target_balance(self) -> dict:
        """Share of each target value (categorical target) or its mean/std/min/max (numeric)."""
        if self.target is None:
            return {}
        col = self.frame[self.target]
        if col.nunique(dropna=False) <= 20:
            shares = col.value_counts(normalize=True, dropna=False).sort_index()
            return {_plain(k): round(float(v), 4) for k, v in shares.items()}
        return {
            "mean": round(float(col.mean()), 4),
            "std": round(float(col.std()), 4),
            "min": _plain(col.min()),
            "max": _plain(col.max()),
        }

    def to_dict(self) -> dict:
        """A JSON-able summary: name, description, target, seed, shape, columns, dtypes, truth.

        The rows themselves are not included (use ``frame``).
        """
        return {
            "name": self.name,
            "description": self.description,
            "target": self.target,
            "seed": self.seed,
            "n_rows": int(self.frame.shape[0]),
            "columns": [str(c) for c in self.frame.columns],
            "dtypes": {str(c): str(t) for c, t in self.frame.dtypes.items()},
            "features": self.features,
            "target_balance": {str(k): v for k, v in self.target_balance().items()},
            "truth": _plain(self.truth),
        }

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, shape={self.shape}, target={self.target!r}, "
            f"seed={self.seed!r})"
        )

    def _repr_html_(self) -> str:
        import html
        import json

        esc = html.escape
        rows, cols = self.shape
        parts = [
            f"<div><b>{esc(self.name)}</b> &mdash; {esc(self.description)}<br>",
            f"{rows:,} rows &times; {cols} columns; target: <code>{esc(str(self.target))}</code>;"
            f" seed: {esc(str(self.seed))}</div>",
        ]
        balance = self.target_balance()
        if balance:
            cells = "".join(
                f"<tr><td>{esc(str(k))}</td><td>{esc(str(v))}</td></tr>" for k, v in balance.items()
            )
            parts.append(
                "<table><thead><tr><th>target</th><th>share</th></tr></thead>"
                f"<tbody>{cells}</tbody></table>"
            )
        cells = []
        for key, value in self.truth.items():
            text = json.dumps(_plain(value), default=str)
            if len(text) > 120:
                text = text[:117] + "..."
            cells.append(f"<tr><td>{esc(str(key))}</td><td><code>{esc(text)}</code></td></tr>")
        parts.append(
            "<table><thead><tr><th>truth</th><th>value</th></tr></thead>"
            f"<tbody>{''.join(cells)}</tbody></table>"
        )
        return "".join(parts)


class ColumnNotFoundError(KeyError, ValueError):
    """A column name that the frame does not have (catch it as ``KeyError`` or ``ValueError``)."""

    def __init__(self, parameter: str, column: Any, available: list):
        self.parameter = parameter
        self.column = column
        self.available = list(available)
        shown = ", ".join(repr(c) for c in self.available[:50])
        if len(self.available) > 50:
            shown += ", ..."
        super().__init__(
            f"{parameter}={column!r} is not a column of the frame; available columns: {shown}"
        )

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(repr=False)
class Injected:
    """What an ``inject_*`` helper returns: the new ``frame`` and ``info`` about the change.

    Unpacks like a pair: ``frame, info = inject_missing(df, "x", 0.1, seed=0)``.
    """

    frame: "pandas.DataFrame"
    info: dict

    def __iter__(self):
        return iter((self.frame, self.info))

    def __repr__(self) -> str:
        return f"Injected(shape={tuple(self.frame.shape)}, info={self.info.get('kind')!r})"


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

_REGISTRY: dict[str, Callable[..., Dataset]] = {}


def register(name: str) -> Callable[[Callable[..., Dataset]], Callable[..., Dataset]]:
    """Decorator: add a generator (``seed``/size kwargs -> :class:`Dataset`) under ``name``.

        >>> @register("tiny_example")
        ... def tiny_example(n_rows=10, *, seed=0):
        ...     import pandas as pd
        ...     return Dataset("tiny_example", pd.DataFrame({"x": range(n_rows)}), None, "x", {}, seed)
        >>> load("tiny_example").shape
        (10, 1)
        >>> _ = _REGISTRY.pop("tiny_example")

    A name already taken by another function raises ``ValueError``.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier string such as 'claims', got {name!r}")

    def decorator(func: Callable[..., Dataset]) -> Callable[..., Dataset]:
        old = _REGISTRY.get(name)
        if old is not None and (old.__module__, old.__qualname__) != (
            func.__module__,
            func.__qualname__,
        ):
            raise ValueError(
                f"dataset name {name!r} is already registered by "
                f"{old.__module__}.{old.__qualname__}; choose another name"
            )
        _REGISTRY[name] = func
        return func

    return decorator


def names() -> list[str]:
    """The registered dataset names, sorted."""
    return sorted(_REGISTRY)


def load(name: str, **kwargs: Any) -> Dataset:
    """Build the dataset registered as ``name`` with ``kwargs``; unknown name -> ``ValueError``.

        >>> load("admissions", n_rows=100, seed=3).target
        'admitted'
    """
    try:
        func = _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown dataset {name!r}; known datasets: {', '.join(names())}"
        ) from None
    return func(**kwargs)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """numpy/pandas scalars and containers -> plain Python (JSON-able) values."""
    if isinstance(value, dict):
        return {(_plain(k) if not isinstance(k, str) else k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


def _n_rows(n_rows: Any, name: str = "n_rows") -> int:
    return check_int(name, n_rows, low=MIN_ROWS, high=MAX_ROWS)


def _rng(seed: Any, *stream: int):
    """A Generator from a checked seed; ``stream`` picks an independent sub-stream."""
    import numpy as np

    seed = check_seed(seed)
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng([seed, *stream]) if stream else np.random.default_rng(seed)


def _ids(prefix: str, n: int) -> list[str]:
    width = max(6, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _logit(p: float) -> float | None:
    if p <= 0.0 or p >= 1.0:
        return None
    return math.log(p / (1.0 - p))


def _frame_and_column(frame: Any, column: Any, parameter: str = "column"):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        hint = " (for a Dataset pass dataset.frame)" if isinstance(frame, Dataset) else ""
        raise TypeError(f"frame must be a pandas DataFrame{hint}, got {type(frame).__name__}")
    if column not in frame.columns:
        raise ColumnNotFoundError(parameter, column, list(frame.columns))
    return frame[column]


# --------------------------------------------------------------------------
# 1. claims
# --------------------------------------------------------------------------

_CLAIM_CATEGORIES = {
    "customer_age_group": {"18-24": 0.15, "25-45": 0.40, "46-65": 0.30, "65+": 0.15},
    "region": {"north": 0.30, "south": 0.25, "east": 0.25, "west": 0.20},
    "channel": {"web": 0.40, "mobile_app": 0.25, "phone": 0.20, "agent": 0.15},
}
# class-conditional feature distributions (label -> params)
_CLAIM_PAYMENT = {"legitimate": (250.0, 0.8), "suspicious": (900.0, 0.8)}  # lognormal median, sigma
_CLAIM_DURATION_MEAN = {"legitimate": 48.0, "suspicious": 12.0}  # geometric mean, months


@register("claims")
def claims(
    n_rows: int = 2000,
    *,
    suspicious_rate: float = 0.1,
    facet: str = "customer_age_group",
    favoured: str = "25-45",
    bias: float = 0.0,
    messy: bool = False,
    seed: int | None = 0,
) -> Dataset:
    """Insurance/payment claims for the fraud scenario: parameters in, a labelled :class:`Dataset` out.

    Each claim's facet value is drawn first, then its label ``operation_status``
    with an exact per-facet rate, then its features given the label:
    suspicious claims have larger ``payment_value`` (lognormal, dollars) and
    shorter ``account_duration`` (geometric, months), so the posterior log-odds
    are exactly linear in ``log(payment_value)`` and ``account_duration``
    (coefficients in ``truth["posterior_logit"]``).

    ``suspicious_rate`` is the overall suspicious share in expectation;
    ``bias`` = (suspicious rate of the other facet values) - (suspicious rate
    of ``favoured``). With "legitimate" as the positive (favourable) label,
    ``favoured`` as facet *a* and the rest as facet *d*, the Clarify DPL
    ``q_a - q_d`` is exactly ``bias`` in expectation
    (``truth["expected_dpl"]``).

        >>> ds = claims(1000, suspicious_rate=0.2, bias=0.1, seed=0)
        >>> ds.truth["label_rate_by_facet"]["25-45"], ds.truth["label_rate_by_facet"]["65+"]
        (0.14, 0.24)

    ``messy=True`` returns the raw export a data-preparation lesson starts
    from (see :func:`_make_claims_messy`): the same claims (identical values
    for the same seed) plus two columns, ``claim_date`` and ``submitted_hour``
    (suspicious claims are sent at night more often: a non-monotone feature),
    with missing values, duplicate rows, dates in three formats, currency
    strings, numbers stored as text, spelling variants of categories and of
    the label, and outliers. ``truth["messy"]`` records every injected
    problem by *claim row* (the row's position in ``messy=False``; claim
    ``CLM-000001`` is row 0)::

        >>> raw = claims(500, messy=True, seed=0)
        >>> raw.truth["messy"]["n_duplicate_rows"], raw.frame.shape
        (15, (515, 9))

    Errors: ``n_rows`` outside [10, 5,000,000], ``seed`` not None or an int
    >= 0, ``suspicious_rate`` outside (0, 1), ``facet`` not one of
    customer_age_group/region/channel, ``favoured`` not a value of the facet,
    ``bias`` that would push a facet's rate outside [0, 1], ``messy`` not a bool.
    """
    import numpy as np
    import pandas as pd

    n = _n_rows(n_rows)
    rng = _rng(seed)
    if not isinstance(messy, bool):
        raise TypeError(f"messy must be True or False, got {messy!r} ({type(messy).__name__})")
    s = check_float("suspicious_rate", suspicious_rate, 0.0, 1.0, low_open=True, high_open=True)
    facet = check_one_of("facet", facet, list(_CLAIM_CATEGORIES))
    shares = _CLAIM_CATEGORIES[facet]
    favoured = check_one_of("favoured", favoured, list(shares))
    p = shares[favoured]
    lo = max(-s / p, (s - 1.0) / (1.0 - p))
    hi = min(s / (1.0 - p), (1.0 - s) / p)
    b = check_float("bias", bias)
    if not lo - 1e-12 <= b <= hi + 1e-12:
        raise ValueError(
            f"bias must be between {lo:.4g} and {hi:.4g} when suspicious_rate={s} and "
            f"{facet}={favoured!r} has share {p} (so every facet rate stays in [0, 1]), got {b!r}"
        )
    rate_fav = min(1.0, max(0.0, s - (1.0 - p) * b))
    rate_rest = min(1.0, max(0.0, s + p * b))
    rates = {v: (rate_fav if v == favoured else rate_rest) for v in shares}
    rates = {v: round(r, 12) for v, r in rates.items()}

    cols: dict[str, Any] = {}
    for col, probs in _CLAIM_CATEGORIES.items():
        values = np.array(list(probs), dtype=object)
        cols[col] = values[rng.choice(len(values), size=n, p=list(probs.values()))]
    facet_is_fav = cols[facet] == favoured
    suspicious = rng.random(n) < np.where(facet_is_fav, rate_fav, rate_rest)

    (m0, sig), (m1, _) = _CLAIM_PAYMENT["legitimate"], _CLAIM_PAYMENT["suspicious"]
    mu = np.where(suspicious, math.log(m1), math.log(m0))
    payment = np.round(np.exp(mu + sig * rng.standard_normal(n)), 2)
    q0 = 1.0 / _CLAIM_DURATION_MEAN["legitimate"]
    q1 = 1.0 / _CLAIM_DURATION_MEAN["suspicious"]
    duration = rng.geometric(np.where(suspicious, q1, q0)).astype(np.int64)

    frame = pd.DataFrame(
        {
            "claim_id": _ids("CLM-", n),
            "payment_value": payment,
            "account_duration": duration,
            "region": cols["region"],
            "channel": cols["channel"],
            "customer_age_group": cols["customer_age_group"],
            "operation_status": np.where(suspicious, "suspicious", "legitimate"),
        }
    )
    for col in ("claim_id", "region", "channel", "customer_age_group", "operation_status"):
        frame[col] = frame[col].astype("str")

    # posterior log-odds of "suspicious" given the features (exact for this generator)
    a = (math.log(m1) - math.log(m0)) / sig**2
    c_dur = math.log((1.0 - q1) / (1.0 - q0))
    c0 = -(math.log(m1) ** 2 - math.log(m0) ** 2) / (2 * sig**2) - c_dur + math.log(q1 / q0)
    intercepts = {v: (None if _logit(r) is None else _logit(r) + c0) for v, r in rates.items()}
    truth = {
        "suspicious_rate": s,
        "positive_label": "suspicious",
        "favourable_label": "legitimate",
        "facet": facet,
        "favoured": favoured,
        "bias": b,
        "facet_shares": dict(shares),
        "label_rate_by_facet": rates,
        "expected_dpl": round(rate_rest - rate_fav, 12),
        "dpl_definition": (
            "q_a - q_d with q = share labelled 'legitimate', a = favoured value, "
            "d = all other values of the facet"
        ),
        "payment_value": {
            label: {"distribution": "lognormal", "median": med, "sigma": sd}
            for label, (med, sd) in _CLAIM_PAYMENT.items()
        },
        "account_duration": {
            label: {"distribution": "geometric (months >= 1)", "mean": mean}
            for label, mean in _CLAIM_DURATION_MEAN.items()
        },
        "posterior_logit": {
            "log_payment_value": a,
            "account_duration": c_dur,
            "intercept_by_facet": intercepts,
        },
        "noise_columns": [c for c in _CLAIM_CATEGORIES if c != facet],
        "id_columns": ["claim_id"],
    }
    description = (
        f"{n:,} payment claims, {s:.0%} suspicious in expectation; the facet {facet} "
        f"favours {favoured!r} by {b:+.3g} in suspicious rate"
    )
    if messy:
        # a separate random stream: the clean columns keep their values for the seed
        frame, truth["messy"] = _make_claims_messy(frame, _rng(seed, 1))
        truth["time_columns"] = ["claim_date"]
        description = "raw export (messy) of " + description
    return Dataset(
        name="claims",
        frame=frame,
        target="operation_status",
        description=description,
        truth=_plain(truth),
        seed=check_seed(seed),
    )


#: Shares of the problems ``claims(messy=True)`` injects (of the unique claims).
_MESS = {
    "duplicates": 0.03,
    "missing": {"payment_value": 0.04, "account_duration": 0.03, "region": 0.03},
    "currency_strings": 0.15,
    "outliers": 0.01,
    "outlier_factor": 1000.0,
    "spelling": {"region": 0.08, "channel": 0.08, "operation_status": 0.02},
    "date_formats": {"%Y-%m-%d": 0.70, "%d/%m/%Y": 0.20, "%b %d %Y": 0.10},
    "night_hours": [22, 23, 0, 1, 2, 3, 4],
    "day_hours": list(range(7, 21)),
    "night_share": {"suspicious": 0.6, "legitimate": 0.02},
}
_SPELLINGS = {
    "north": ["North", "NORTH", " north", "north "],
    "south": ["South", "SOUTH", " south", "south "],
    "east": ["East", "EAST", " east", "east "],
    "west": ["West", "WEST", " west", "west "],
    "web": ["Web", "WEB", " web"],
    "mobile_app": ["Mobile App", "mobile-app", "MOBILE_APP", "mobile app"],
    "phone": ["Phone", "PHONE", "phone "],
    "agent": ["Agent", "AGENT", " agent"],
    "legitimate": ["Legitimate", "LEGITIMATE", "legitimate "],
    "suspicious": ["Suspicious", "SUSPICIOUS", "suspicious "],
}


def _make_claims_messy(frame: "pandas.DataFrame", rng) -> tuple:
    """The raw export of a clean claims frame: ``(messy frame, truth)``; the input is not mutated.

    On the ``n`` clean claims, in this order: ``submitted_hour`` (0-23; a
    suspicious claim is sent at night, 22:00-04:59, with probability 0.6, else
    at a uniform hour; a legitimate one at night with probability 0.02, else
    between 07:00 and 20:59) and ``claim_date`` (a day of 2025, written 70 %
    ``%Y-%m-%d``, 20 % ``%d/%m/%Y``, 10 % ``%b %d %Y``); missing values
    (payment 4 %, duration 3 %, region 3 %); 1 % of the claims have their
    (present) ``payment_value`` multiplied by 1,000 (a misplaced decimal
    separator); ``payment_value``
    written as text, 15 % of it as currency (``"$1,234.56"``);
    ``account_duration`` written as text; spelling variants of region (8 %),
    channel (8 %) and the label (2 %). Then 3 % of the claims are repeated
    (exact copies, each placed after its original). Every list of rows in the
    truth holds claim rows (positions in the clean frame), sorted.
    """
    import numpy as np
    import pandas as pd

    n = len(frame)
    out = frame.copy()
    truth: dict[str, Any] = {"n_unique_claims": n}

    def pick(share: float):
        return _pick_rows(rng, np.arange(n), share)

    suspicious = (frame["operation_status"] == "suspicious").to_numpy()
    night, day = np.array(_MESS["night_hours"]), np.array(_MESS["day_hours"])
    p_night = np.where(suspicious, _MESS["night_share"]["suspicious"], _MESS["night_share"]["legitimate"])
    at_night = rng.random(n) < p_night
    other = np.where(suspicious, rng.integers(24, size=n), day[rng.integers(len(day), size=n)])
    out["submitted_hour"] = np.where(at_night, night[rng.integers(len(night), size=n)], other).astype(np.int64)

    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(365, size=n), unit="D")
    formats = list(_MESS["date_formats"])
    fmt_of = rng.choice(len(formats), size=n, p=list(_MESS["date_formats"].values()))
    dates = np.empty(n, dtype=object)
    for k, fmt in enumerate(formats):
        rows = fmt_of == k
        dates[rows] = days[rows].strftime(fmt)
    out.insert(1, "claim_date", dates)

    payment = frame["payment_value"].to_numpy(dtype=float).copy()
    missing = {col: pick(share) for col, share in _MESS["missing"].items()}
    present = np.setdiff1d(np.arange(n), missing["payment_value"])
    outliers = np.sort(rng.choice(present, size=int(round(_MESS["outliers"] * n)), replace=False))
    payment[outliers] = np.round(payment[outliers] * _MESS["outlier_factor"], 2)
    currency = np.sort(rng.choice(present, size=int(round(_MESS["currency_strings"] * len(present))),
                                  replace=False))
    text = np.array([f"{v:.2f}" for v in payment], dtype=object)
    text[currency] = [f"${v:,.2f}" for v in payment[currency]]
    text[missing["payment_value"]] = None
    out["payment_value"] = pd.Series(text, index=out.index, dtype="str")
    duration = frame["account_duration"].astype(str).to_numpy(dtype=object)
    duration[missing["account_duration"]] = None
    out["account_duration"] = pd.Series(duration, index=out.index, dtype="str")

    spelled = {}
    for col, share in _MESS["spelling"].items():  # rows whose value is present
        rows = np.sort(rng.choice(np.setdiff1d(np.arange(n), missing.get(col, [])),
                                  size=int(round(share * n)), replace=False))
        values = out[col].to_numpy(dtype=object)
        for i in rows:
            variants = _SPELLINGS[values[i]]
            values[i] = variants[rng.integers(len(variants))]
        out[col] = pd.Series(values, index=out.index, dtype="str")
        spelled[col] = rows.tolist()
    region = out["region"].to_numpy(dtype=object)
    region[missing["region"]] = None
    out["region"] = pd.Series(region, index=out.index, dtype="str")

    repeated = pick(_MESS["duplicates"])
    copies = out.iloc[repeated]
    # an original keeps its place; its copy goes at a random later place
    key = np.concatenate([np.arange(n, dtype=float), repeated + rng.uniform(0.5, 1.0, len(repeated))
                          * (n - repeated)])
    out = pd.concat([out, copies], ignore_index=True).iloc[np.argsort(key, kind="stable")]
    out = out.reset_index(drop=True)

    truth.update({
        "n_duplicate_rows": int(len(repeated)),
        "duplicate_claim_rows": repeated.tolist(),
        "missing": {col: rows.tolist() for col, rows in missing.items()},
        "outliers": {"payment_value": {"rows": outliers.tolist(), "factor": _MESS["outlier_factor"]}},
        "currency_strings": {"payment_value": currency.tolist()},
        "numbers_as_text": ["payment_value", "account_duration"],
        "date_formats": {fmt: int((fmt_of == k).sum()) for k, fmt in enumerate(formats)},
        "date_format_rows": {fmt: np.flatnonzero(fmt_of == k).tolist()
                             for k, fmt in enumerate(formats) if k > 0},
        "spelling_variants": spelled,
        "submitted_hour": {
            "night_hours": list(_MESS["night_hours"]),
            "night_share": dict(_MESS["night_share"]),
            "otherwise": {"suspicious": "uniform over 0-23", "legitimate": "uniform over 7-20"},
        },
    })
    return out, truth


# --------------------------------------------------------------------------
# 2. loans
# --------------------------------------------------------------------------

_LOAN_FACETS = {
    "gender": ("female", "male"),
    "age_group": ("under_30", "30_and_over"),
    "marital_status": ("single", "married"),
}
# group column -> value -> (acceptance rate, median loan amount); rates high to low
_LOAN_GROUPS = {
    "department": {
        "auto": (0.85, 22_000.0),
        "mortgage": (0.65, 240_000.0),
        "personal": (0.45, 9_000.0),
        "small_business": (0.25, 75_000.0),
    },
    "branch": {
        "suburban": (0.85, 30_000.0),
        "downtown": (0.65, 30_000.0),
        "online": (0.45, 30_000.0),
        "rural": (0.25, 30_000.0),
    },
}
_LOAN_CREDIT = {1: (715.0, 50.0), 0: (655.0, 60.0)}  # approved -> normal mean, sd (clipped 300-850)
_LOAN_INCOME = {1: (62_000.0, 0.45), 0: (47_000.0, 0.5)}  # approved -> lognormal median, sigma


def _loan_design(gap_source: str, phi: float, gap: float, m: list[float]):
    """Per-facet group distributions and acceptance rates (d = disadvantaged, a = advantaged)."""
    k = len(m)
    u = [1.0 / k] * k
    mean_m = sum(m) / k
    v = [mi - mean_m for mi in m]
    if gap_source == "composition":
        sv2 = sum(x * x for x in v)
        tmax = min(u[i] / abs(v[i]) for i in range(k) if v[i] != 0)
        bound = 2 * sv2 * tmax
        if abs(gap) > bound + 1e-12:
            raise ValueError(
                f"approval_gap must be between {-bound:.4g} and {bound:.4g} when "
                f"gap_source='composition' (group composition alone cannot make a larger gap), "
                f"got {gap!r}"
            )
        t = gap / (2 * sv2)
        pg_d = [max(0.0, u[i] - t * v[i]) for i in range(k)]
        pg_a = [max(0.0, u[i] + t * v[i]) for i in range(k)]
        q_d = list(m)
        q_a = list(m)
    else:
        lo = max(max(-(1 - mi) / (1 - phi) for mi in m), max(-mi / phi for mi in m))
        hi = min(min(mi / (1 - phi) for mi in m), min((1 - mi) / phi for mi in m))
        if not lo - 1e-12 <= gap <= hi + 1e-12:
            raise ValueError(
                f"approval_gap must be between {lo:.4g} and {hi:.4g} when "
                f"gap_source='within_group' and facet_share={phi} (so every group's approval "
                f"rate stays in [0, 1]), got {gap!r}"
            )
        pg_d = list(u)
        pg_a = list(u)
        q_d = [min(1.0, max(0.0, mi - (1 - phi) * gap)) for mi in m]
        q_a = [min(1.0, max(0.0, mi + phi * gap)) for mi in m]
    return pg_d, pg_a, q_d, q_a


@register("loans")
def loans(
    n_rows: int = 2000,
    *,
    facet: str = "gender",
    disadvantaged: str = "female",
    facet_share: float = 0.3,
    approval_gap: float = 0.2,
    group: str = "department",
    gap_source: str = "within_group",
    seed: int | None = 0,
) -> Dataset:
    """Credit decisions with a sensitive facet and a strata column: parameters in, :class:`Dataset` out.

    ``approval_gap`` is the overall approval-rate gap ``q_a - q_d`` (Clarify
    DPL, label ``approved == 1``) between the advantaged facet value *a* and
    ``disadvantaged`` (*d*, a share ``facet_share`` of applicants).
    ``gap_source`` chooses how the gap arises:

    * ``"within_group"``: both facet values apply to every ``group`` value
      alike, and inside every group *d* is approved ``approval_gap`` less
      often than *a*: DD > 0 and CDD > 0.
    * ``"composition"``: inside every group both are approved at the same rate,
      but *d* applies more to the low-acceptance groups (Simpson's paradox):
      DD > 0 overall, yet CDD = 0.

    ``truth`` has the per-group acceptance rates per facet value, the
    composition (``P(group | facet)``, ``P(d | group)``) and the exact
    population DPL, DD and CDD (DD = P(d | rejected) - P(d | approved);
    CDD = sum over groups of P(group) * DD_group). ``credit_score`` and
    ``income`` are drawn given the decision (higher when approved);
    ``loan_amount`` depends on the group only.

        >>> ds = loans(500, gap_source="composition", seed=0)
        >>> ds.truth["expected_cdd"], round(ds.truth["expected_dpl"], 3)
        (0.0, 0.2)

    Errors: ``n_rows``/``seed`` as everywhere; ``facet`` not one of
    gender/age_group/marital_status; ``disadvantaged`` not a value of the
    facet; ``facet_share`` outside (0, 1); ``group`` not department/branch;
    ``gap_source`` not within_group/composition; ``approval_gap`` outside the
    range that keeps every rate and share in [0, 1] (the message gives it).
    """
    import numpy as np
    import pandas as pd

    n = _n_rows(n_rows)
    rng = _rng(seed)
    facet = check_one_of("facet", facet, list(_LOAN_FACETS))
    values = _LOAN_FACETS[facet]
    disadvantaged = check_one_of("disadvantaged", disadvantaged, values)
    advantaged = values[1] if disadvantaged == values[0] else values[0]
    phi = check_float("facet_share", facet_share, 0.0, 1.0, low_open=True, high_open=True)
    gap = check_float("approval_gap", approval_gap, -1.0, 1.0)
    group = check_one_of("group", group, list(_LOAN_GROUPS))
    gap_source = check_one_of("gap_source", gap_source, ["within_group", "composition"])
    groups = list(_LOAN_GROUPS[group])
    m = [_LOAN_GROUPS[group][g][0] for g in groups]
    pg_d, pg_a, q_d, q_a = _loan_design(gap_source, phi, gap, m)

    k = len(groups)
    is_d = rng.random(n) < phi
    gi = np.empty(n, dtype=np.int64)
    nd = int(is_d.sum())
    gi[is_d] = rng.choice(k, size=nd, p=np.array(pg_d) / sum(pg_d))
    gi[~is_d] = rng.choice(k, size=n - nd, p=np.array(pg_a) / sum(pg_a))
    rate = np.where(is_d, np.array(q_d)[gi], np.array(q_a)[gi])
    approved = (rng.random(n) < rate).astype(np.int64)

    mean_cs = np.where(approved == 1, _LOAN_CREDIT[1][0], _LOAN_CREDIT[0][0])
    sd_cs = np.where(approved == 1, _LOAN_CREDIT[1][1], _LOAN_CREDIT[0][1])
    credit = np.clip(np.round(mean_cs + sd_cs * rng.standard_normal(n)), 300, 850).astype(np.int64)
    med_inc = np.where(approved == 1, _LOAN_INCOME[1][0], _LOAN_INCOME[0][0])
    sd_inc = np.where(approved == 1, _LOAN_INCOME[1][1], _LOAN_INCOME[0][1])
    income = np.round(np.exp(np.log(med_inc) + sd_inc * rng.standard_normal(n)), -2)
    med_amt = np.array([_LOAN_GROUPS[group][g][1] for g in groups])[gi]
    amount = np.round(np.exp(np.log(med_amt) + 0.5 * rng.standard_normal(n)), -2)

    frame = pd.DataFrame(
        {
            "applicant_id": _ids("APP-", n),
            "income": income,
            "credit_score": credit,
            "loan_amount": amount,
            facet: np.where(is_d, disadvantaged, advantaged),
            group: np.array(groups, dtype=object)[gi],
            "approved": approved,
        }
    )
    for col in ("applicant_id", facet, group):
        frame[col] = frame[col].astype("str")

    # exact population quantities
    pg = [phi * pg_d[i] + (1 - phi) * pg_a[i] for i in range(k)]
    qd_all = sum(pg_d[i] * q_d[i] for i in range(k))
    qa_all = sum(pg_a[i] * q_a[i] for i in range(k))
    acc = phi * qd_all + (1 - phi) * qa_all

    def dd(pd_, qd_, qa_):
        """P(d | rejected) - P(d | approved) with P(d) = pd_."""
        a_ = pd_ * qd_ + (1 - pd_) * qa_
        p_acc = pd_ * qd_ / a_ if a_ > 0 else 0.0
        p_rej = pd_ * (1 - qd_) / (1 - a_) if a_ < 1 else 0.0
        return p_rej - p_acc

    d_share_by_group = [phi * pg_d[i] / pg[i] if pg[i] > 0 else 0.0 for i in range(k)]
    dd_by_group = [dd(d_share_by_group[i], q_d[i], q_a[i]) for i in range(k)]
    cdd = sum(pg[i] * dd_by_group[i] for i in range(k))
    r = lambda x: round(float(x), 12) + 0.0  # noqa: E731  (+0.0 turns -0.0 into 0.0)
    truth = {
        "facet": facet,
        "disadvantaged": disadvantaged,
        "advantaged": advantaged,
        "facet_share": phi,
        "approval_gap": gap,
        "gap_source": gap_source,
        "group": group,
        "positive_label": 1,
        "groups": groups,
        "acceptance_rate_by_group": {
            g: {disadvantaged: r(q_d[i]), advantaged: r(q_a[i])} for i, g in enumerate(groups)
        },
        "group_share_by_facet": {
            disadvantaged: {g: r(pg_d[i]) for i, g in enumerate(groups)},
            advantaged: {g: r(pg_a[i]) for i, g in enumerate(groups)},
        },
        "group_share": {g: r(pg[i]) for i, g in enumerate(groups)},
        "disadvantaged_share_by_group": {g: r(d_share_by_group[i]) for i, g in enumerate(groups)},
        "approval_rate_by_facet": {disadvantaged: r(qd_all), advantaged: r(qa_all)},
        "approval_rate": r(acc),
        "expected_dpl": r(qa_all - qd_all),
        "expected_dd": r(dd(phi, qd_all, qa_all)),
        "expected_dd_by_group": {g: r(dd_by_group[i]) for i, g in enumerate(groups)},
        "expected_cdd": r(cdd),
        "credit_score": {
            "approved": {"mean": _LOAN_CREDIT[1][0], "sd": _LOAN_CREDIT[1][1]},
            "rejected": {"mean": _LOAN_CREDIT[0][0], "sd": _LOAN_CREDIT[0][1]},
        },
        "income": {
            "approved": {"median": _LOAN_INCOME[1][0], "sigma": _LOAN_INCOME[1][1]},
            "rejected": {"median": _LOAN_INCOME[0][0], "sigma": _LOAN_INCOME[0][1]},
        },
        "id_columns": ["applicant_id"],
    }
    how = "within every group" if gap_source == "within_group" else "through group composition only"
    return Dataset(
        name="loans",
        frame=frame,
        target="approved",
        description=(
            f"{n:,} loan decisions; {facet}={disadvantaged!r} ({phi:.0%} of applicants) is approved "
            f"{gap:.3g} less often, {how} ({group} is the strata column)"
        ),
        truth=_plain(truth),
        seed=check_seed(seed),
    )


# --------------------------------------------------------------------------
# 3. admissions
# --------------------------------------------------------------------------

_ADM_FEATURES = ("SAT", "GPA", "class_rank")
_ADM_WEIGHTS = {
    False: {"SAT": 0.70, "GPA": 0.50, "class_rank": 0.05},
    True: {"SAT": 0.10, "GPA": 0.20, "class_rank": 0.70},
}
_ADM_MEAN = {"SAT": 1050.0, "GPA": 3.0, "class_rank": 50.5}
_ADM_SD = {"SAT": 200.0, "GPA": 0.45, "class_rank": 28.87}
_ADM_CORR = [[1.0, 0.35, 0.25], [0.35, 1.0, 0.5], [0.25, 0.5, 1.0]]
_ADM_INTERCEPT = -1.0


@register("admissions")
def admissions(n_rows: int = 2000, *, live: bool = False, seed: int | None = 0) -> Dataset:
    """College applicants: SAT, GPA, class_rank -> ``admitted`` (0/1); parameters in, :class:`Dataset` out.

    ``admitted`` follows a logistic model of the standardized features,
    ``logit P(admitted) = intercept + sum_j w_j * (x_j - mean_j) / sd_j``, with
    the means/sds in ``truth``. Training data (``live=False``) weights SAT
    0.70, GPA 0.50, class_rank 0.05; live data (``live=True``) flips the
    ranking: SAT 0.10, GPA 0.20, class_rank 0.70 — the feature-attribution
    drift that Model Monitor reports. A LogisticRegression on standardized
    features recovers the weights (so the ranking of |coef| or mean |SHAP|).
    ``class_rank`` is a percentile, 100 = top of the class. Live data with
    the same seed draws different applicants (an independent stream).

        >>> ds = admissions(200, live=True, seed=0)
        >>> ds.truth["ranking"]
        ['class_rank', 'GPA', 'SAT']

    Errors: ``n_rows``/``seed`` as everywhere; ``live`` not a bool -> ``TypeError``.
    """
    import numpy as np
    import pandas as pd

    n = _n_rows(n_rows)
    if not isinstance(live, bool):
        raise TypeError(f"live must be True or False, got {live!r} ({type(live).__name__})")
    rng = _rng(seed, 1) if live else _rng(seed)
    z = rng.multivariate_normal(np.zeros(3), np.array(_ADM_CORR), size=n, method="cholesky")
    sat = np.clip(np.round((_ADM_MEAN["SAT"] + _ADM_SD["SAT"] * z[:, 0]) / 10) * 10, 400, 1600)
    gpa = np.clip(np.round(_ADM_MEAN["GPA"] + _ADM_SD["GPA"] * z[:, 1], 2), 0.0, 4.0)
    # percentile from a normal score (logistic approximation of the normal CDF)
    rank = np.clip(np.ceil(100.0 / (1.0 + np.exp(-1.702 * z[:, 2]))), 1, 100).astype(np.int64)
    x = {"SAT": sat, "GPA": gpa, "class_rank": rank}
    w = _ADM_WEIGHTS[live]
    logit = _ADM_INTERCEPT + sum(w[f] * (x[f] - _ADM_MEAN[f]) / _ADM_SD[f] for f in _ADM_FEATURES)
    admitted = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    frame = pd.DataFrame(
        {
            "applicant_id": _ids("STU-", n),
            "SAT": sat.astype(np.int64),
            "GPA": gpa,
            "class_rank": rank,
            "admitted": admitted,
        }
    )
    frame["applicant_id"] = frame["applicant_id"].astype("str")
    ranking = sorted(_ADM_FEATURES, key=lambda f: -w[f])
    truth = {
        "live": live,
        "attribution_weights": dict(w),
        "ranking": ranking,
        "link": "logistic",
        "intercept": _ADM_INTERCEPT,
        "standardize_mean": dict(_ADM_MEAN),
        "standardize_sd": dict(_ADM_SD),
        "coefficient_per_unit": {f: w[f] / _ADM_SD[f] for f in _ADM_FEATURES},
        "feature_correlation": {
            "SAT~GPA": _ADM_CORR[0][1],
            "SAT~class_rank": _ADM_CORR[0][2],
            "GPA~class_rank": _ADM_CORR[1][2],
        },
        "id_columns": ["applicant_id"],
    }
    kind = "live (serving)" if live else "training"
    return Dataset(
        name="admissions",
        frame=frame,
        target="admitted",
        description=f"{n:,} {kind} applicants; admission driven by {' > '.join(ranking)}",
        truth=_plain(truth),
        seed=check_seed(seed),
    )


# --------------------------------------------------------------------------
# 4. articles
# --------------------------------------------------------------------------

_TAG_WORDS = {
    "sports": ["match", "team", "coach", "goal", "season", "league", "striker", "tournament",
               "stadium", "championship", "player", "score", "defender", "victory", "referee",
               "penalty"],
    "politics": ["election", "senate", "minister", "parliament", "vote", "campaign", "policy",
                 "governor", "ballot", "coalition", "legislation", "debate", "president",
                 "congress", "diplomat", "treaty"],
    "technology": ["software", "startup", "algorithm", "smartphone", "cloud", "processor", "app",
                   "developer", "data", "network", "chip", "encryption", "robot", "platform",
                   "browser", "database"],
    "business": ["market", "shares", "profit", "revenue", "investor", "merger", "earnings",
                 "stock", "company", "quarterly", "retail", "inflation", "bank", "dividend",
                 "supplier", "export"],
    "health": ["hospital", "patients", "vaccine", "doctor", "clinic", "disease", "nurses",
               "treatment", "virus", "symptoms", "therapy", "diet", "surgery", "medicine",
               "infection", "wellness"],
    "science": ["researchers", "study", "telescope", "laboratory", "experiment", "climate",
                "species", "physics", "molecule", "fossil", "genome", "orbit", "planet",
                "chemistry", "ocean", "satellite"],
    "entertainment": ["film", "actor", "concert", "album", "festival", "director", "premiere",
                      "celebrity", "series", "studio", "singer", "theatre", "comedy", "award",
                      "streaming", "soundtrack"],
    "travel": ["airline", "hotel", "passengers", "tourism", "flight", "airport", "beach",
               "resort", "cruise", "destination", "visa", "luggage", "booking", "itinerary",
               "museum", "holiday"],
}
_TAG_RARE = {
    "sports": ["hattrick", "peloton", "offside"],
    "politics": ["filibuster", "gerrymander", "plebiscite"],
    "technology": ["kubernetes", "firmware", "latency"],
    "business": ["debenture", "arbitrage", "underwriter"],
    "health": ["epidemiologist", "antibody", "triage"],
    "science": ["exoplanet", "isotope", "tectonic"],
    "entertainment": ["screenplay", "choreographer", "encore"],
    "travel": ["layover", "stopover", "hostel"],
}
_COMMON_WORDS = ["said", "new", "year", "people", "week", "today", "report", "local", "official",
                 "according", "city", "country", "world", "group", "plans", "major"]
#: English stopwords used as filler; all are in scikit-learn's ENGLISH_STOP_WORDS.
_STOPWORDS = ["the", "and", "of", "to", "in", "on", "for", "with", "that", "this", "is", "was",
              "by", "from", "at", "as", "it", "its", "their", "after", "over", "into", "more",
              "has", "have", "will", "about", "which"]
_P_STOP, _P_COMMON, _P_SECONDARY, _P_MULTI, _P_RARE = 0.35, 0.15, 0.35, 0.25, 0.05


@register("articles")
def articles(n_rows: int = 500, *, n_tags: int = 5, seed: int | None = 0) -> Dataset:
    """Short news-like texts with tags: parameters in, :class:`Dataset` (``text`` -> ``primary_tag``) out.

    Each text has 12-40 lower-case words: English stopwords (35%), words common
    to all tags (15%) and keywords of its primary tag (the rest). A quarter of
    the articles have a second tag, which lends 35% of the topic words. About
    5% of a tag's articles carry one of its three *rare words*, and every rare
    word appears at least once, so ``CountVectorizer(stop_words="english")``
    keeps every rare word and drops every stopword. ``tags`` is the
    ``|``-separated list of tags (primary first, the multi-label format of
    Amazon Comprehend); ``truth`` lists keywords, rare words (with their
    document counts), common words and stopwords.

        >>> ds = articles(50, n_tags=3, seed=0)
        >>> ds.truth["tags"]
        ['sports', 'politics', 'technology']
        >>> ds.features
        ['text']

    Errors: ``n_rows``/``seed`` as everywhere; ``n_tags`` not an int in [2, 8].
    """
    import numpy as np
    import pandas as pd

    n = _n_rows(n_rows)
    rng = _rng(seed)
    k = check_int("n_tags", n_tags, low=2, high=len(_TAG_WORDS))
    tags = list(_TAG_WORDS)[:k]
    n_kw = len(_TAG_WORDS[tags[0]])
    vocab = np.array(
        _STOPWORDS + _COMMON_WORDS + [w for t in tags for w in _TAG_WORDS[t]], dtype=object
    )
    off_common = len(_STOPWORDS)
    off_topic = off_common + len(_COMMON_WORDS)

    primary = rng.integers(k, size=n)
    primary[rng.permutation(n)[:k]] = np.arange(k)  # every tag has at least one article
    multi = rng.random(n) < _P_MULTI
    secondary = (primary + rng.integers(1, k, size=n)) % k
    secondary = np.where(multi, secondary, -1)
    lengths = rng.integers(12, 41, size=n)

    total = int(lengths.sum())
    row = np.repeat(np.arange(n), lengths)
    u = rng.random(total)
    word_ids = np.empty(total, dtype=np.int64)
    is_stop = u < _P_STOP
    is_common = (u >= _P_STOP) & (u < _P_STOP + _P_COMMON)
    is_topic = ~(is_stop | is_common)
    word_ids[is_stop] = rng.integers(len(_STOPWORDS), size=int(is_stop.sum()))
    word_ids[is_common] = off_common + rng.integers(len(_COMMON_WORDS), size=int(is_common.sum()))
    use_second = is_topic & (secondary[row] >= 0) & (rng.random(total) < _P_SECONDARY)
    topic_tag = np.where(use_second, secondary[row], primary[row])
    word_ids[is_topic] = (
        off_topic + topic_tag[is_topic] * n_kw + rng.integers(n_kw, size=int(is_topic.sum()))
    )
    words = vocab[word_ids]

    # rare words: ~5% of a tag's articles get one; every rare word appears at least once
    rare_of_row: dict[int, list[str]] = {}
    for i in np.flatnonzero(rng.random(n) < _P_RARE):
        rare_of_row.setdefault(int(i), []).append(_TAG_RARE[tags[primary[i]]][rng.integers(3)])
    for t_idx, tag in enumerate(tags):
        rows_t = np.flatnonzero(primary == t_idx)
        for word in _TAG_RARE[tag]:
            i = int(rows_t[rng.integers(len(rows_t))])
            if word not in rare_of_row.get(i, []):
                rare_of_row.setdefault(i, []).append(word)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    rare_counts = {w: 0 for t in tags for w in _TAG_RARE[t]}
    for i, rare in rare_of_row.items():
        pos = rng.choice(int(lengths[i]), size=len(rare), replace=False)
        words[starts[i] + pos] = rare
        for w in set(rare):
            rare_counts[w] += 1

    texts = []
    for i in range(n):
        chunk = words[starts[i] : starts[i] + lengths[i]]
        text = " ".join(chunk)
        texts.append(text[0].upper() + text[1:] + ".")
    tag_names = np.array(tags, dtype=object)
    tag_lists = [
        tag_names[p] if s < 0 else f"{tag_names[p]}|{tag_names[s]}"
        for p, s in zip(primary, secondary)
    ]
    frame = pd.DataFrame(
        {
            "article_id": _ids("ART-", n),
            "text": texts,
            "primary_tag": tag_names[primary],
            "tags": tag_lists,
        }
    )
    for col in frame.columns:
        frame[col] = frame[col].astype("str")
    truth = {
        "n_tags": k,
        "tags": tags,
        "keywords": {t: list(_TAG_WORDS[t]) for t in tags},
        "rare_words": {t: list(_TAG_RARE[t]) for t in tags},
        "rare_word_document_counts": rare_counts,
        "common_words": list(_COMMON_WORDS),
        "stopwords": list(_STOPWORDS),
        "word_mix": {
            "stopword": _P_STOP,
            "common": _P_COMMON,
            "topic": round(1 - _P_STOP - _P_COMMON, 12),
            "secondary_tag_share_of_topic_words": _P_SECONDARY,
        },
        "multi_label_rate": _P_MULTI,
        "rare_word_rate": _P_RARE,
        "words_per_text": [12, 40],
        "tag_separator": "|",
        "id_columns": ["article_id"],
        "label_columns": ["tags"],
    }
    return Dataset(
        name="articles",
        frame=frame,
        target="primary_tag",
        description=f"{n:,} short news texts over {k} tags ({', '.join(tags)}), some multi-tagged",
        truth=_plain(truth),
        seed=check_seed(seed),
    )


# --------------------------------------------------------------------------
# 5. traffic
# --------------------------------------------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKLY_FACTORS = (1.05, 1.20, 1.35, 1.20, 1.00, 0.65, 0.55)  # mean exactly 1
_DAILY_AMPLITUDE, _DAILY_PEAK_HOUR = 0.6, 14.0
_TRAFFIC_START = "2026-01-05 00:00:00"  # a Monday
_IDLE_BLOCK_MINUTES = 120
_BURST_MINUTES = (5, 30)


@register("traffic")
def traffic(
    days: int = 7,
    *,
    freq_minutes: int = 1,
    base_rps: float = 20.0,
    weekly_shape: bool = True,
    idle_fraction: float = 0.0,
    bursts: int = 0,
    burst_multiplier: float = 10.0,
    seed: int | None = 0,
) -> Dataset:
    """Endpoint request traffic over time: parameters in, a :class:`Dataset` of intervals out.

    One row per ``freq_minutes`` interval from Monday 2026-01-05 00:00:
    ``timestamp``, ``requests_per_second`` (the noise-free rate) and
    ``requests`` (the Poisson count observed in the interval, the target).
    The rate is ``base_rps * weekly[weekday] * (1 + 0.6 cos(2 pi (hour - 14) / 24))``:
    a daily cycle peaking at 14:00 and, if ``weekly_shape``, a midweek peak
    (Wednesday 1.35) and a weekend low (Sunday 0.55); both factors average 1,
    so ``base_rps`` is the weekly mean rate. ``idle_fraction`` of the
    intervals fall in zero-traffic blocks (about two hours each);
    ``bursts`` blocks of 5-30 minutes run at ``burst_multiplier`` times the
    rate. Idle and burst blocks never overlap or touch; ``truth`` lists each
    one (row positions, end exclusive, and ISO timestamps).

        >>> ds = traffic(days=1, freq_minutes=60, base_rps=10.0, seed=0)
        >>> ds.frame.shape, round(float(ds.frame.requests_per_second.mean()), 6)  # Monday: 10 * 1.05
        ((24, 3), 10.5)

    Errors: ``days`` not an int in [1, 3650]; ``freq_minutes`` not a divisor
    of 1440 or giving fewer than 10 or more than 5,000,000 rows; ``base_rps``
    not > 0; ``idle_fraction`` outside [0, 0.9]; ``bursts`` not an int >= 0;
    ``burst_multiplier`` < 1; more idle and burst time than fits; ``seed``
    as everywhere.
    """
    import numpy as np
    import pandas as pd

    days = check_int("days", days, low=1, high=3650)
    freq = check_int("freq_minutes", freq_minutes, low=1, high=1440)
    if 1440 % freq:
        divisors = [d for d in range(1, 1441) if 1440 % d == 0]
        raise ValueError(
            f"freq_minutes must divide a day (1440 minutes), one of {divisors}; got {freq}"
        )
    n = days * 1440 // freq
    if not MIN_ROWS <= n <= MAX_ROWS:
        raise ValueError(
            f"days * 1440 / freq_minutes must give between {MIN_ROWS} and {MAX_ROWS:,} rows, "
            f"got {n:,} (days={days}, freq_minutes={freq})"
        )
    base = check_float("base_rps", base_rps, 0.0, 1e6, low_open=True)
    if not isinstance(weekly_shape, bool):
        raise TypeError(f"weekly_shape must be True or False, got {weekly_shape!r}")
    idle_fraction = check_float("idle_fraction", idle_fraction, 0.0, 0.9)
    n_bursts = check_int("bursts", bursts, low=0, high=10_000)
    mult = check_float("burst_multiplier", burst_multiplier, 1.0, 1000.0)
    rng = _rng(seed)

    timestamps = pd.date_range(_TRAFFIC_START, periods=n, freq=f"{freq}min")
    minutes = np.arange(n, dtype=np.float64) * freq
    hour = (minutes % 1440) / 60.0
    weekday = (minutes // 1440).astype(np.int64) % 7
    weekly = np.array(_WEEKLY_FACTORS if weekly_shape else (1.0,) * 7)
    daily = 1 + _DAILY_AMPLITUDE * np.cos(2 * np.pi * (hour - _DAILY_PEAK_HOUR) / 24)
    rate = base * weekly[weekday] * daily

    # blocks: idle (exact total length) and bursts, shuffled and spread with >= 1 normal gap
    n_idle = int(round(idle_fraction * n))
    block_len = max(1, _IDLE_BLOCK_MINUTES // freq)
    k_idle = 0 if n_idle == 0 else max(1, int(round(n_idle / block_len)))
    k_idle = min(k_idle, max(1, n - n_idle))  # leave room for a gap between blocks
    idle_lengths = []
    if k_idle:
        cuts = np.sort(rng.choice(np.arange(1, n_idle), size=k_idle - 1, replace=False))
        idle_lengths = np.diff(np.concatenate([[0], cuts, [n_idle]])).astype(int).tolist()
    lo, hi = _BURST_MINUTES
    burst_lengths = [max(1, int(round(rng.integers(lo, hi + 1) / freq))) for _ in range(n_bursts)]
    blocks = [("idle", L) for L in idle_lengths] + [("burst", L) for L in burst_lengths]
    n_blocks = len(blocks)
    free = n - sum(L for _, L in blocks) - max(0, n_blocks - 1)
    if free < 0:
        raise ValueError(
            f"idle_fraction={idle_fraction} and bursts={n_bursts} need more than the {n:,} "
            f"intervals of days={days} at freq_minutes={freq}; lower them or add days"
        )
    idle_intervals, burst_intervals = [], []
    if n_blocks:
        order = rng.permutation(n_blocks)
        cuts = np.sort(rng.integers(0, free + 1, size=n_blocks))
        gaps = np.diff(np.concatenate([[0], cuts, [free]]))
        pos = int(gaps[0])
        for j, b_idx in enumerate(order):
            kind, length = blocks[b_idx]
            start, end = pos, pos + length
            ts_end = timestamps[0] + pd.Timedelta(minutes=end * freq)
            item = {
                "start_index": start,
                "end_index": end,
                "start": timestamps[start].isoformat(),
                "end": ts_end.isoformat(),
            }
            if kind == "idle":
                rate[start:end] = 0.0
                idle_intervals.append(item)
            else:
                rate[start:end] *= mult
                burst_intervals.append(item)
            pos = end + 1 + int(gaps[j + 1])
    requests = rng.poisson(rate * freq * 60.0).astype(np.int64)
    frame = pd.DataFrame(
        {"timestamp": timestamps, "requests_per_second": rate, "requests": requests}
    )
    idle_intervals.sort(key=lambda d: d["start_index"])
    burst_intervals.sort(key=lambda d: d["start_index"])
    truth = {
        "start": pd.Timestamp(_TRAFFIC_START).isoformat(),
        "days": days,
        "freq_minutes": freq,
        "base_rps": base,
        "weekly_shape": weekly_shape,
        "weekday_factors": dict(zip(_WEEKDAYS, (float(x) for x in weekly))),
        "daily_amplitude": _DAILY_AMPLITUDE,
        "daily_peak_hour": _DAILY_PEAK_HOUR,
        "rate_formula": (
            "base_rps * weekday_factors[weekday] * "
            "(1 + daily_amplitude * cos(2*pi*(hour - daily_peak_hour)/24)); "
            "0 in idle intervals, * burst_multiplier in burst intervals"
        ),
        "idle_fraction": idle_fraction,
        "idle_rows": n_idle,
        "idle_intervals": idle_intervals,
        "bursts": n_bursts,
        "burst_multiplier": mult,
        "burst_intervals": burst_intervals,
        "time_columns": ["timestamp"],
        "label_columns": ["requests_per_second"],
    }
    return Dataset(
        name="traffic",
        frame=frame,
        target="requests",
        description=(
            f"{days} days of endpoint traffic every {freq} min, {base:g} requests/s on average"
            + (", weekly shape" if weekly_shape else "")
            + (f", {idle_fraction:.0%} idle" if n_idle else "")
            + (f", {n_bursts} bursts x{mult:g}" if n_bursts else "")
        ),
        truth=_plain(truth),
        seed=check_seed(seed),
    )


# --------------------------------------------------------------------------
# injection helpers
# --------------------------------------------------------------------------


def _pick_rows(rng, candidates, fraction: float):
    """Exactly round(fraction * len(candidates)) positions, drawn without replacement, sorted."""
    import numpy as np

    k = int(round(fraction * len(candidates)))
    if k == 0:
        return np.array([], dtype=np.int64)
    return np.sort(rng.choice(candidates, size=k, replace=False))


def inject_drift(
    frame: "pandas.DataFrame",
    column: str,
    *,
    shift: float = 0.0,
    scale: float = 1.0,
    fraction: float = 1.0,
    seed: Any = None,
) -> Injected:
    """Numeric drift: a frame in, a new frame out where a ``fraction`` of ``column`` is moved.

    Exactly ``round(fraction * len(frame))`` rows, drawn at random, become
    ``mean + scale * (x - mean) + shift`` (``mean`` = the column's mean), so
    with ``fraction=1`` the mean moves by ``shift`` and the spread is
    multiplied by ``scale``. Missing values stay missing; the column becomes
    float. The input frame is never mutated.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
        >>> new, info = inject_drift(df, "x", shift=10.0, fraction=0.5, seed=0)
        >>> info["n_changed"], float(new.x.sum() - df.x.sum())
        (2, 20.0)

    Errors: ``column`` not in the frame -> :class:`ColumnNotFoundError`
    (a ``KeyError`` and a ``ValueError``); a non-numeric column -> ``TypeError``;
    ``fraction`` outside [0, 1], ``scale`` < 0 or a non-finite ``shift`` ->
    ``ValueError``; ``frame`` not a DataFrame -> ``TypeError``.
    """
    import numpy as np
    import pandas as pd

    col = _frame_and_column(frame, column)
    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        raise TypeError(
            f"column {column!r} must be numeric for inject_drift, it has dtype {col.dtype}; "
            "use inject_category_shift for categorical columns"
        )
    shift = check_float("shift", shift)
    scale = check_float("scale", scale, 0.0)
    fraction = check_fraction("fraction", fraction)
    rng = make_rng(seed)
    values = col.to_numpy(dtype=np.float64, na_value=np.nan).copy()
    mean = float(np.nanmean(values)) if np.isfinite(values).any() else 0.0
    rows = _pick_rows(rng, np.arange(len(values)), fraction)
    values[rows] = mean + scale * (values[rows] - mean) + shift
    out = frame.copy()
    out[column] = pd.Series(values, index=frame.index, name=column)
    info = {
        "kind": "drift",
        "column": column,
        "shift": shift,
        "scale": scale,
        "fraction": fraction,
        "reference_mean": mean,
        "n_changed": int(len(rows)),
        "row_positions": rows.tolist(),
    }
    return Injected(out, info)


def inject_category_shift(
    frame: "pandas.DataFrame",
    column: str,
    to_value: Any,
    fraction: float,
    seed: Any = None,
) -> Injected:
    """Categorical drift: a frame in, a new frame out with ``fraction`` of the other rows set to ``to_value``.

    Of the rows whose ``column`` is not ``to_value`` (missing values
    included), exactly ``round(fraction * count)`` drawn at random are set to
    ``to_value``, which may be a new category. ``info`` has the share of
    ``to_value`` before and after. The input is never mutated.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"channel": ["web", "web", "phone", "agent"]})
        >>> new, info = inject_category_shift(df, "channel", "web", 1.0, seed=0)
        >>> info["share_before"], info["share_after"]
        (0.5, 1.0)

    Errors: unknown ``column`` -> :class:`ColumnNotFoundError`; ``fraction``
    outside [0, 1] -> ``ValueError``; ``frame`` not a DataFrame -> ``TypeError``.
    """
    import numpy as np
    import pandas as pd

    col = _frame_and_column(frame, column)
    fraction = check_fraction("fraction", fraction)
    rng = make_rng(seed)
    is_target = (col == to_value).fillna(False).to_numpy(dtype=bool)
    rows = _pick_rows(rng, np.flatnonzero(~is_target), fraction)
    if isinstance(col.dtype, pd.CategoricalDtype) and to_value not in col.cat.categories:
        col = col.cat.add_categories([to_value])
    new_col = col.copy()
    try:
        new_col.iloc[rows] = to_value
    except (TypeError, ValueError):
        new_col = col.astype(object)
        new_col.iloc[rows] = to_value
    out = frame.copy()
    out[column] = new_col
    n = max(1, len(col))
    info = {
        "kind": "category_shift",
        "column": column,
        "to_value": _plain(to_value),
        "fraction": fraction,
        "share_before": float(is_target.sum()) / n,
        "share_after": float(is_target.sum() + len(rows)) / n,
        "n_changed": int(len(rows)),
        "row_positions": rows.tolist(),
    }
    return Injected(out, info)


def inject_missing(
    frame: "pandas.DataFrame",
    column: str,
    fraction: float,
    seed: Any = None,
) -> Injected:
    """Missing values: a frame in, a new frame out with ``round(fraction * n)`` rows of ``column`` blank.

    The rows are drawn at random among all rows (a row already missing may be
    drawn again, so ``info["missing_after"]`` is at least ``fraction``).
    Integer columns become float (NaN); the input is never mutated.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
        >>> new, info = inject_missing(df, "x", 0.3, seed=0)
        >>> int(new.x.isna().sum()), info["n_changed"]
        (3, 3)

    Errors: unknown ``column`` -> :class:`ColumnNotFoundError`; ``fraction``
    outside [0, 1] -> ``ValueError``; ``frame`` not a DataFrame -> ``TypeError``.
    """
    import numpy as np

    col = _frame_and_column(frame, column)
    fraction = check_fraction("fraction", fraction)
    rng = make_rng(seed)
    rows = _pick_rows(rng, np.arange(len(col)), fraction)
    mask = np.zeros(len(col), dtype=bool)
    mask[rows] = True
    out = frame.copy()
    out[column] = col.mask(mask)
    n = max(1, len(col))
    info = {
        "kind": "missing",
        "column": column,
        "fraction": fraction,
        "missing_before": float(col.isna().sum()) / n,
        "missing_after": float(out[column].isna().sum()) / n,
        "n_changed": int(len(rows)),
        "row_positions": rows.tolist(),
    }
    return Injected(out, info)


def inject_label_bias(
    frame: "pandas.DataFrame",
    facet: str,
    value: Any,
    label: str,
    positive: Any,
    rate_change: float,
    seed: Any = None,
) -> Injected:
    """Label bias: a frame in, a new frame out where the ``facet == value`` positive rate moves by ``rate_change``.

    Among the rows with ``frame[facet] == value`` (``n_f`` of them, ``k``
    positive), labels are flipped until ``round((k / n_f + rate_change) * n_f)``
    are ``positive``: negatives become ``positive`` when ``rate_change > 0``,
    positives become the other label value when it is < 0. Other rows are
    untouched, so the measured DPL moves by about ``rate_change`` times the
    facet's weight. The label column must be binary (``positive`` and one other
    value). The input is never mutated.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"g": ["f"] * 4 + ["m"] * 4, "y": [1, 0, 0, 0, 1, 1, 0, 0]})
        >>> new, info = inject_label_bias(df, "g", "f", "y", 1, 0.5, seed=0)
        >>> info["rate_before"], info["rate_after"], int(new.y[4:].sum())
        (0.25, 0.75, 2)

    Errors: unknown ``facet`` or ``label`` column -> :class:`ColumnNotFoundError`;
    ``value`` absent from the facet column, a label column that is not binary,
    or a ``rate_change`` that would leave [0, 1] -> ``ValueError`` (with the
    allowed range); ``frame`` not a DataFrame -> ``TypeError``.
    """
    import numpy as np

    fcol = _frame_and_column(frame, facet, "facet")
    lcol = _frame_and_column(frame, label, "label")
    if facet == label:
        raise ValueError(f"facet and label must be different columns, both are {facet!r}")
    rate_change = check_float("rate_change", rate_change, -1.0, 1.0)
    rng = make_rng(seed)
    in_facet = (fcol == value).fillna(False).to_numpy(dtype=bool)
    if not in_facet.any():
        present = [repr(_plain(v)) for v in fcol.dropna().unique()[:30]]
        raise ValueError(
            f"value={value!r} does not occur in column {facet!r}; "
            f"values present: {', '.join(present)}"
        )
    others = [v for v in lcol.dropna().unique() if not (v == positive)]
    if len(others) != 1:
        raise ValueError(
            f"label column {label!r} must be binary: positive={positive!r} and exactly one other "
            f"value; found other values {[_plain(v) for v in others][:20]}"
        )
    negative = others[0]
    is_pos = (lcol == positive).fillna(False).to_numpy(dtype=bool)
    n_f = int(in_facet.sum())
    k = int((in_facet & is_pos).sum())
    rate0 = k / n_f
    if not -rate0 - 1e-12 <= rate_change <= 1 - rate0 + 1e-12:
        raise ValueError(
            f"rate_change must be between {-rate0:.4g} and {1 - rate0:.4g} for {facet}={value!r} "
            f"(its positive rate is {rate0:.4g}), got {rate_change!r}"
        )
    target_k = int(round(min(1.0, max(0.0, rate0 + rate_change)) * n_f))
    if target_k >= k:
        pool = np.flatnonzero(in_facet & ~is_pos)
        new_value = positive
    else:
        pool = np.flatnonzero(in_facet & is_pos)
        new_value = negative
    rows = np.sort(rng.choice(pool, size=abs(target_k - k), replace=False))
    new_col = lcol.copy()
    new_col.iloc[rows] = new_value
    out = frame.copy()
    out[label] = new_col
    info = {
        "kind": "label_bias",
        "facet": facet,
        "value": _plain(value),
        "label": label,
        "positive": _plain(positive),
        "negative": _plain(negative),
        "rate_change": rate_change,
        "rate_before": rate0,
        "rate_after": target_k / n_f,
        "n_changed": int(len(rows)),
        "row_positions": rows.tolist(),
    }
    return Injected(out, info)


# ============================================================================ measuring the truth

#: dataset name -> (truth key of the overall positive rate, truth key of the rate per facet value).
#: These generators inject a rate of ``truth["positive_label"]`` that the explorer measures back.
_INJECTED_RATES = {
    "claims": ("suspicious_rate", "label_rate_by_facet"),
    "loans": ("approval_rate", "approval_rate_by_facet"),
}
#: At most this many target values are drawn as bars; more (a numeric target) gives a histogram.
_MAX_CLASSES = 20


@dataclass
class Exploration:
    """What the explorer shows for one dataset: the dataset, its balance and its truth checked.

    ``balance`` has one row per facet value (or one row ``"all"`` when the
    dataset has no facet), a column per target value holding its share, and
    ``n`` (rows). ``comparison`` has the columns ``quantity, injected,
    measured, n``: each rate the generator injected next to the rate
    measured in the frame (empty when the generator injects no rate).
    """

    dataset: Any
    facet: str | None
    balance: Any
    comparison: Any
    injected_by_facet: dict = field(default_factory=dict)

    @property
    def frame(self):
        """The dataset's frame."""
        return self.dataset.frame


def explore(dataset) -> Exploration:
    """Measure what a :class:`Dataset` injected: its balance per facet value, and injected vs measured rates.

    The dataset is not changed.

    The measurements are counts and shares (pandas group-bys), nothing more.
    """
    import pandas as pd

    frame, target, truth = dataset.frame, dataset.target, dataset.truth
    facet = truth.get("facet") if truth.get("facet") in frame.columns else None
    balance = pd.DataFrame()
    if target is not None and frame[target].nunique() <= _MAX_CLASSES:
        groups = frame[facet] if facet else pd.Series("all", index=frame.index, name="group")
        balance = pd.crosstab(groups, frame[target], normalize="index")
        positive = truth.get("positive_label")
        if positive in balance.columns:  # the positive label first: the bottom of the stacked bars
            balance = balance[[positive, *[c for c in balance.columns if c != positive]]]
        balance["n"] = groups.value_counts().reindex(balance.index).astype(int)
        balance.columns.name = target
    keys = _INJECTED_RATES.get(dataset.name)
    injected = dict(truth.get(keys[1], {})) if keys and facet else {}
    return Exploration(dataset, facet, balance, _comparison(dataset, facet), injected)


def _comparison(dataset, facet):
    import pandas as pd

    rows = []
    keys = _INJECTED_RATES.get(dataset.name)
    truth, frame = dataset.truth, dataset.frame
    if keys and "positive_label" in truth and dataset.target is not None:
        positive = truth["positive_label"]
        hit = frame[dataset.target] == positive
        label = f"share {positive!r}"
        overall, by_facet = keys
        if overall in truth:
            rows.append((label, truth[overall], float(hit.mean()), len(frame)))
        if facet and by_facet in truth:
            rate = hit.groupby(frame[facet]).agg(["mean", "size"])
            for value, injected in truth[by_facet].items():
                if value in rate.index:
                    rows.append((f"{label} where {facet} = {value!r}", injected,
                                 float(rate.loc[value, "mean"]), int(rate.loc[value, "size"])))
        if dataset.name == "claims" and facet:
            fav = frame[facet] == truth["favoured"]
            rows.append((
                f"bias: {label} in other {facet} values minus in {truth['favoured']!r}",
                truth["bias"], float(hit[~fav].mean() - hit[fav].mean()), len(frame),
            ))
        if dataset.name == "loans" and facet:
            adv = frame[facet] == truth["advantaged"]
            rows.append((
                f"approval_gap: {label} in {truth['advantaged']!r} minus in {truth['disadvantaged']!r}",
                truth["approval_gap"], float(hit[adv].mean() - hit[~adv].mean()), len(frame),
            ))
    return pd.DataFrame(rows, columns=["quantity", "injected", "measured", "n"])

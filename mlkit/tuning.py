"""Automatic model tuning (SageMaker AMT) on real XGBoost training jobs, offline.

A *hyperparameter tuning job* trains many *training jobs*, each with other
values of the hyperparameters it tunes, and keeps the one whose objective
metric is best. This module mirrors SageMaker's objects and vocabulary:

* ranges: :class:`IntegerParameter`, :class:`ContinuousParameter`,
  :class:`CategoricalParameter` (``ScalingType`` Auto, Linear, Logarithmic,
  ReverseLogarithmic);
* the algorithm: :class:`XGBoostTrainer` really trains ``xgboost.train`` on a
  seeded :mod:`mlkit.datasets` set and reports the validation metric after
  every boosting round (the resource unit: a round plays the part of an epoch),
  so a strategy can stop a job mid-way;
* the tuning job: :class:`HyperParameterTuningJob` with ``Strategy`` Grid,
  Random, Bayesian or Hyperband (asynchronous successive halving in
  Hyperband's brackets), ``TrainingJobEarlyStoppingType`` Off or Auto
  (SageMaker's median rule), ``MaxNumberOfTrainingJobs``,
  ``MaxParallelTrainingJobs``, ``MaxRuntimeInSeconds``, an objective to
  Maximize or Minimize, a ``RandomSeed`` and a :class:`WarmStartConfig`;
  ``run()`` returns a :class:`TuningJobResult` (jobs table, best job,
  best-so-far versus compute);
* the lesson on overfitting: :func:`overfitting_study`;
* ``to_request()`` exports ``CreateHyperParameterTuningJob`` parameters that
  :func:`mlkit.aws.validate_request` accepts.

Parallel jobs really run in parallel: every wave of up to
``MaxParallelTrainingJobs`` training jobs goes through
``joblib.Parallel`` (loky worker processes by default). joblib's backend is
not fixed here, so on a cluster the same tuning job runs on Dask or Ray::

    import joblib
    with joblib.parallel_config(backend="dask"):   # needs a dask.distributed Client
        result = job.run()

Waves are synchronous (every job of a wave starts when the previous wave has
finished), which makes a run reproducible for a given ``RandomSeed`` whatever
the backend and the machine's timing. With the default loky backend the worker
processes are reused from wave to wave and shut down when ``run()`` returns
(or fails), so none outlives the tuning job.

Example::

    >>> from mlkit import tuning
    >>> job = tuning.HyperParameterTuningJob(
    ...     "demo", Strategy="Random",
    ...     ParameterRanges=[tuning.ContinuousParameter("eta", 0.01, 0.5, "Logarithmic"),
    ...                      tuning.IntegerParameter("max_depth", 1, 8)],
    ...     MaxNumberOfTrainingJobs=4, trainer=tuning.XGBoostTrainer(n_rows=1500, num_round=20),
    ...     RandomSeed=0)
    >>> result = job.run(progress=False)
    >>> len(result.jobs), result.best_training_job.TrainingJobStatus
    (4, 'Completed')
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import time
from typing import Any, Iterable, Mapping, Sequence

from mlkit._checks import check_float, check_int, check_one_of, check_seed, make_rng
from mlkit.aws import AwsRequest
from mlkit.report import Report

__all__ = [
    "SCALING_TYPES",
    "STRATEGIES",
    "METRICS",
    "IntegerParameter",
    "ContinuousParameter",
    "CategoricalParameter",
    "XGBoostTrainer",
    "WarmStartConfig",
    "HyperParameterTuningJob",
    "TuningJobResult",
    "BestTrainingJob",
    "median_stopping_curve",
    "median_rule_stops",
    "asha_promotion",
    "hyperband_brackets",
    "overfitting_study",
    "RACE_ENTRIES",
    "default_ranges",
    "race",
    "RaceResult",
]

SCALING_TYPES = ("Auto", "Linear", "Logarithmic", "ReverseLogarithmic")
STRATEGIES = ("Grid", "Random", "Bayesian", "Hyperband")
EARLY_STOPPING_TYPES = ("Off", "Auto")
MEDIAN_OF = ("running_average", "value")   # the median rule's statistic of earlier jobs (SageMaker's first)
MEDIAN_JOBS = ("all", "completed")         # which earlier jobs it counts (SageMaker's first)
#: objective metrics the XGBoost trainer emits, and the direction SageMaker's XGBoost documents for each
METRICS = {"validation:auc": "Maximize", "validation:logloss": "Minimize", "validation:error": "Minimize"}
#: the API spells the warm start types in CamelCase; the SageMaker Python SDK in capitals
WARM_START_TYPES = {
    "IdenticalDataAndAlgorithm": "IdenticalDataAndAlgorithm",
    "IDENTICAL_DATA_AND_ALGORITHM": "IdenticalDataAndAlgorithm",
    "TransferLearning": "TransferLearning",
    "TRANSFER_LEARNING": "TransferLearning",
}
MAX_PARENT_JOBS = 5  # HyperParameterTuningJobWarmStartConfig.ParentHyperParameterTuningJobs: 1 to 5 items
MAX_RANGES = 30  # each of Integer/Continuous/CategoricalParameterRanges: at most 30 (botocore's model)
#: training jobs per tuning job, every strategy: SageMaker's default limit (automatic-model-tuning-limits)
MAX_TRAINING_JOBS = 750
MAX_RESOURCE_LIMIT = 20_000  # HyperbandStrategyConfig.MaxResource: at most 20,000 epochs (API reference)
HYPERBAND_ETA = 3  # the reduction factor of successive halving
MIN_RUNTIME, MAX_RUNTIME = 120, 15_768_000  # ResourceLimits.MaxRuntimeInSeconds (API reference)
PLACEHOLDER_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/SageMakerRole"


# ---------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------

def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"Name must be a non-empty string (the hyperparameter's name), got {name!r}")
    return name


class _NumericParameter:
    """Shared part of Integer and Continuous ranges: scaling to and from [0, 1]."""

    kind = ""
    integer = False

    def __init__(self, Name: str, MinValue: float, MaxValue: float, ScalingType: str = "Auto"):
        self.Name = Name
        self.MinValue = MinValue
        self.MaxValue = MaxValue
        self.ScalingType = ScalingType
        _check_name(Name)
        check = check_int if self.integer else check_float
        lo = check(f"{Name}.MinValue", MinValue)
        hi = check(f"{Name}.MaxValue", MaxValue)
        if hi < lo:
            raise ValueError(f"{Name}.MaxValue must be >= MinValue ({MinValue}), got {MaxValue!r}")
        check_one_of(f"{Name}.ScalingType", ScalingType, SCALING_TYPES)
        if ScalingType == "Logarithmic" and lo <= 0:
            raise ValueError(
                f"{Name}: a Logarithmic range needs MinValue > 0 (the log of 0 or less is undefined), "
                f"got MinValue={MinValue!r}")
        if ScalingType == "ReverseLogarithmic":
            if self.integer:
                raise ValueError(f"{Name}: ScalingType 'ReverseLogarithmic' is for ContinuousParameter ranges "
                                 f"only (SageMaker), got it on an IntegerParameter")
            if not (0 <= lo and hi < 1):
                raise ValueError(
                    f"{Name}: a ReverseLogarithmic range must lie within [0, 1) (MinValue >= 0 and "
                    f"MaxValue < 1), got [{MinValue!r}, {MaxValue!r}]")
        self._lo, self._hi = float(lo), float(hi)

    @property
    def scale(self) -> str:
        """The scale used: ``Auto`` is searched on a linear scale in the kit (SageMaker's own
        heuristics for Auto are not published)."""
        return "Linear" if self.ScalingType == "Auto" else self.ScalingType

    def to_unit(self, value: float) -> float:
        """Where ``value`` sits in the range, on the range's scale: 0 at one end, 1 at the other."""
        lo, hi = self._lo, self._hi
        v = min(max(float(value), lo), hi)
        if hi == lo:
            return 0.5
        if self.scale == "Logarithmic":
            return (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
        if self.scale == "ReverseLogarithmic":
            return 1.0 - (math.log(1 - v) - math.log(1 - hi)) / (math.log(1 - lo) - math.log(1 - hi))
        return (v - lo) / (hi - lo)

    def from_unit(self, u: float):
        """The value at position ``u`` in [0, 1] (the inverse of :meth:`to_unit`)."""
        lo, hi = self._lo, self._hi
        u = min(max(float(u), 0.0), 1.0)
        if self.scale == "Logarithmic":
            v = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        elif self.scale == "ReverseLogarithmic":
            v = 1 - math.exp(math.log(1 - hi) + (1 - u) * (math.log(1 - lo) - math.log(1 - hi)))
        else:
            v = lo + u * (hi - lo)
        v = min(max(v, lo), hi)
        return int(round(v)) if self.integer else float(v)

    def sample(self, rng):
        """One value drawn uniformly on the range's scale."""
        return self.from_unit(rng.random())

    def to_request(self) -> dict:
        """The range as ``CreateHyperParameterTuningJob`` takes it (values are strings)."""
        return {"Name": self.Name, "MinValue": str(self.MinValue), "MaxValue": str(self.MaxValue),
                "ScalingType": self.ScalingType}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.Name!r}, {self.MinValue!r}, {self.MaxValue!r}, {self.ScalingType!r})"


class IntegerParameter(_NumericParameter):
    """An integer range to tune: ``IntegerParameter(Name, MinValue, MaxValue, ScalingType="Auto")``.

    Values are drawn on the scale ``ScalingType`` names (``Logarithmic``
    needs ``MinValue > 0``; ``ReverseLogarithmic`` is not allowed on
    integers) and rounded. Errors name the parameter and the value.

    >>> IntegerParameter("max_depth", 1, 10).to_request()
    {'Name': 'max_depth', 'MinValue': '1', 'MaxValue': '10', 'ScalingType': 'Auto'}
    """

    kind = "Integer"
    integer = True

    def __init__(self, Name: str, MinValue: int, MaxValue: int, ScalingType: str = "Auto"):
        super().__init__(Name, MinValue, MaxValue, ScalingType)
        # every integer owns a bin of equal width on the scale: the range is widened by
        # (almost) half a unit at each end before rounding, so the end values are not half as likely
        self._lo, self._hi = self._lo - 0.4999, self._hi + 0.4999

    def from_unit(self, u: float) -> int:
        return min(max(super().from_unit(u), int(self.MinValue)), int(self.MaxValue))


class ContinuousParameter(_NumericParameter):
    """A real-valued range to tune: ``ContinuousParameter(Name, MinValue, MaxValue, ScalingType="Auto")``.

    ``Logarithmic`` needs ``MinValue > 0``; ``ReverseLogarithmic`` needs the
    range within [0, 1) and spreads values towards 1 (for a momentum of
    0.9 to 0.999, say).

    >>> p = ContinuousParameter("eta", 0.001, 0.1, "Logarithmic")
    >>> round(p.from_unit(0.5), 6)
    0.01
    """

    kind = "Continuous"


class CategoricalParameter:
    """A list of values to choose from: ``CategoricalParameter(Name, Values)``.

    The only kind of range the Grid strategy accepts. Values may be numbers or
    strings; the request carries them as strings (1 to 30 values).

    >>> CategoricalParameter("max_depth", [2, 4, 6]).to_request()
    {'Name': 'max_depth', 'Values': ['2', '4', '6']}
    """

    kind = "Categorical"

    def __init__(self, Name: str, Values: Sequence[Any]):
        self.Name = Name
        self.Values = Values
        _check_name(Name)
        if isinstance(Values, (str, bytes)) or not isinstance(Values, Iterable):
            raise TypeError(f"{Name}.Values must be a list of 1 to 30 values, got {Values!r}")
        values = list(Values)
        if not 1 <= len(values) <= 30:
            raise ValueError(f"{Name}.Values must hold 1 to 30 values (SageMaker's limit), got {len(values)}")
        if len({str(v) for v in values}) != len(values):
            raise ValueError(f"{Name}.Values must not repeat a value, got {values!r}")
        self._values = values

    def to_unit(self, value) -> list[float]:
        """One-hot position of ``value`` among the values."""
        return [1.0 if v == value else 0.0 for v in self._values]

    def from_unit(self, u: Sequence[float]):
        """The value whose one-hot coordinate is largest."""
        best = max(range(len(self._values)), key=lambda i: u[i])
        return self._values[best]

    def sample(self, rng):
        return self._values[int(rng.integers(len(self._values)))]

    def to_request(self) -> dict:
        return {"Name": self.Name, "Values": [str(v) for v in self._values]}

    def __repr__(self) -> str:
        return f"CategoricalParameter({self.Name!r}, {self._values!r})"


_RANGE_TYPES = (IntegerParameter, ContinuousParameter, CategoricalParameter)


class _Space:
    """The search space: sampling, and the [0, 1]^d encoding the Bayesian surrogate works in."""

    def __init__(self, ranges: Sequence):
        self.ranges = list(ranges)

    @property
    def names(self) -> list[str]:
        return [r.Name for r in self.ranges]

    def sample(self, rng) -> dict:
        return {r.Name: r.sample(rng) for r in self.ranges}

    def encode(self, config: Mapping[str, Any]) -> list[float]:
        out: list[float] = []
        for r in self.ranges:
            u = r.to_unit(config[r.Name])
            out.extend(u if isinstance(u, list) else [u])
        return out

    def decode(self, u: Sequence[float]) -> dict:
        out, i = {}, 0
        for r in self.ranges:
            if isinstance(r, CategoricalParameter):
                k = len(r._values)
                out[r.Name] = r.from_unit(u[i:i + k])
                i += k
            else:
                out[r.Name] = r.from_unit(u[i])
                i += 1
        return out

    @property
    def dim(self) -> int:
        return sum(len(r._values) if isinstance(r, CategoricalParameter) else 1 for r in self.ranges)

    def contains(self, config: Mapping[str, Any]) -> bool:
        for r in self.ranges:
            if r.Name not in config:
                return False
            if isinstance(r, CategoricalParameter) and config[r.Name] not in r._values:
                return False
        return True


# ---------------------------------------------------------------------------
# The algorithm: XGBoost on a seeded dataset, one metric value per round
# ---------------------------------------------------------------------------

class XGBoostTrainer:
    """The training jobs' algorithm: ``xgboost.train`` on a seeded :mod:`mlkit.datasets` set.

    In: a dataset name and size, the share held out for validation, the
    static hyperparameters every job shares (``num_round`` is the number of
    boosting rounds a job trains unless it is stopped). :meth:`train` takes
    one job's hyperparameters and returns the validation metric after every
    boosting round. The data is generated (seeded by ``data_seed``) and
    one-hot encoded once, on first use; id columns are dropped; the label is
    1 for the dataset's positive label.

    ``nthread=1`` per job by default, so parallel jobs do not fight for cores.

    >>> trainer = XGBoostTrainer(n_rows=1000, num_round=10)
    >>> out = trainer.train({"eta": 0.3, "max_depth": 3})
    >>> len(out["curve"]), 0.5 < out["curve"][-1] <= 1.0
    (10, True)

    Errors: ``dataset`` not a registered dataset; ``n_rows`` below 200;
    ``validation_fraction`` outside [0.05, 0.5]; ``num_round`` outside
    [1, 20000]; ``data_seed`` not None or an int >= 0.
    """

    def __init__(self, dataset: str = "loans", n_rows: int = 4000, *, validation_fraction: float = 0.25,
                 num_round: int = 100, static_hyperparameters: Mapping[str, Any] | None = None,
                 data_seed: int | None = 0, nthread: int = 1, dataset_kwargs: Mapping[str, Any] | None = None):
        self.dataset = dataset
        self.n_rows = n_rows
        self.validation_fraction = validation_fraction
        self.num_round = num_round
        self.static_hyperparameters = static_hyperparameters
        self.data_seed = data_seed
        self.nthread = nthread
        self.dataset_kwargs = dataset_kwargs
        from mlkit import datasets

        check_one_of("dataset", dataset, datasets.names())
        check_int("n_rows", n_rows, low=200)
        check_float("validation_fraction", validation_fraction, 0.05, 0.5)
        check_int("num_round", num_round, low=1, high=MAX_RESOURCE_LIMIT)
        check_seed(data_seed, "data_seed")
        check_int("nthread", nthread, low=1)
        self._data = None

    def data(self) -> dict:
        """``{"X_train", "y_train", "X_val", "y_val", "features"}`` as numpy arrays (made once)."""
        if self._data is None:
            import numpy as np
            import pandas as pd

            from mlkit import datasets

            ds = datasets.load(self.dataset, n_rows=self.n_rows, seed=self.data_seed,
                               **dict(self.dataset_kwargs or {}))
            X = ds.X.drop(columns=[c for c in ds.truth.get("id_columns", []) if c in ds.X.columns])
            X = pd.get_dummies(X, dtype=float)
            y = (ds.y == ds.truth["positive_label"]).to_numpy().astype(np.float64)
            order = make_rng(self.data_seed).permutation(len(X))
            n_val = int(round(self.validation_fraction * len(X)))
            val, tr = order[:n_val], order[n_val:]
            Xa = X.to_numpy(dtype=np.float64)
            self._data = {"X_train": Xa[tr], "y_train": y[tr], "X_val": Xa[val], "y_val": y[val],
                          "features": list(X.columns)}
        return self._data

    def params(self, hyperparameters: Mapping[str, Any], metric: str = "validation:auc", seed: int = 0) -> dict:
        """The ``xgboost.train`` parameters of one job (static, then tuned, then fixed plumbing)."""
        params = {"objective": "binary:logistic", "verbosity": 0}
        params.update(dict(self.static_hyperparameters or {}))
        params.update(dict(hyperparameters))
        params.update({"eval_metric": metric.split(":", 1)[1], "nthread": self.nthread, "seed": int(seed)})
        params.pop("num_round", None)
        return params

    def train(self, hyperparameters: Mapping[str, Any], num_round: int | None = None, *,
              metric: str = "validation:auc", seed: int = 0, with_train_metric: bool = False) -> dict:
        """Train one job in this process; ``{"curve": [metric per round], "train_final", "rounds"}``."""
        n = self.num_round if num_round is None else check_int("num_round", num_round, low=1)
        return _train_segment(self.data(), self.params(hyperparameters, metric, seed), n, metric,
                              with_train_metric=with_train_metric)

    def static_request(self, metric: str) -> dict:
        """``StaticHyperParameters`` of the request (strings, as SageMaker takes them)."""
        static = {"objective": "binary:logistic", "num_round": str(self.num_round),
                  "eval_metric": metric.split(":", 1)[1]}
        static.update({k: str(v) for k, v in dict(self.static_hyperparameters or {}).items()})
        return static

    def __repr__(self) -> str:
        return (f"XGBoostTrainer({self.dataset!r}, n_rows={self.n_rows}, num_round={self.num_round}, "
                f"data_seed={self.data_seed})")


def _better(a: float, b: float, maximize: bool) -> bool:
    return a > b if maximize else a < b


def _train_segment(data: Mapping, params: Mapping, rounds: int, metric: str, *,
                   booster_raw: bytes | None = None, median_curve: Sequence[float] | None = None,
                   start_round: int = 0, maximize: bool = True, keep_model: bool = False,
                   with_train_metric: bool = False) -> dict:
    """Run ``rounds`` boosting rounds (continuing ``booster_raw`` if given) in this process.

    The validation metric is read after every round. With ``median_curve``
    (SageMaker's median rule, see :func:`median_rule_stops`) training stops
    after the first round whose value is worse than the median curve at that
    round. Runs in a joblib worker: plain inputs, plain outputs.
    """
    import xgboost as xgb

    started = time.perf_counter()
    threads = int(params.get("nthread", 1))  # DMatrix would otherwise use every core to build itself
    dtrain = xgb.DMatrix(data["X_train"], label=data["y_train"], nthread=threads)
    dval = xgb.DMatrix(data["X_val"], label=data["y_val"], nthread=threads)
    name = metric.split(":", 1)[1]
    curve: list[float] = []
    stopped = [False]

    class _Report(xgb.callback.TrainingCallback):
        def after_iteration(self, model, epoch, evals_log):
            value = float(evals_log["validation"][name][-1])
            curve.append(value)
            if median_curve is not None and median_rule_stops(
                    value, start_round + len(curve) - 1, median_curve, maximize):
                stopped[0] = True
                return True
            return False

    evals = [(dtrain, "train"), (dval, "validation")] if with_train_metric else [(dval, "validation")]
    record: dict = {}
    start = None if booster_raw is None else xgb.Booster(model_file=bytearray(booster_raw))
    booster = xgb.train(dict(params), dtrain, num_boost_round=int(rounds), evals=evals,
                        evals_result=record, verbose_eval=False, xgb_model=start, callbacks=[_Report()])
    out = {"curve": curve, "rounds": len(curve), "stopped_by_rule": stopped[0],
           "train_final": float(record["train"][name][-1]) if with_train_metric else None,
           "wall_seconds": time.perf_counter() - started}
    if keep_model:
        out["booster_raw"] = bytes(booster.save_raw("ubj"))
    return out


# ---------------------------------------------------------------------------
# Early stopping (median rule) and Hyperband's brackets
# ---------------------------------------------------------------------------

def median_stopping_curve(curves: Sequence[Sequence[float]], min_jobs: int = 1, *,
                          running_average: bool = True) -> list[float]:
    """SageMaker's early-stopping threshold after every round, from earlier jobs' metric curves.

    SageMaker documents the rule of ``TrainingJobEarlyStoppingType="Auto"``
    (https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-early-stopping.html):
    after each epoch, compute the running average of the objective metric
    of every previous training job up to that epoch, take the median of those
    running averages, and stop the current job if its objective is worse.
    In: the per-round metric of earlier jobs (lists, possibly of different
    lengths: stopped jobs are shorter). Out: ``threshold[t]`` for round
    ``t + 1``, NaN where fewer than ``min_jobs`` earlier jobs reached it
    (SageMaker documents no minimum; the kit's default, 3 earlier jobs, is
    :class:`HyperParameterTuningJob`'s ``min_jobs_for_stopping``).
    :func:`median_rule_stops` compares the current job's value *at the same
    round* with it. ``running_average=False`` takes the median of the earlier
    jobs' values at that round instead, as Optuna's ``MedianPruner`` does (it
    also counts completed trials only: pass only those curves).

    >>> median_stopping_curve([[0.6, 0.8], [0.7, 0.7], [0.9]])
    [0.7, 0.7]
    >>> median_stopping_curve([[0.6, 0.8], [0.7, 0.7], [0.9]], running_average=False)
    [0.7, 0.75]
    """
    import numpy as np

    check_int("min_jobs", min_jobs, low=1)
    curves = [np.asarray(c, dtype=float) for c in curves if len(c)]
    if not curves:
        return []
    longest = max(len(c) for c in curves)
    running = [np.cumsum(c) / np.arange(1, len(c) + 1) for c in curves] if running_average else curves
    out = []
    for t in range(longest):
        values = [r[t] for r in running if len(r) > t]
        out.append(float(np.median(values)) if len(values) >= min_jobs else float("nan"))
    return out


def median_rule_stops(value: float, t: int, median_curve: Sequence[float], maximize: bool = True) -> bool:
    """Whether SageMaker's median rule stops a job whose objective after round ``t + 1`` is ``value``.

    The documented rule: the job stops when its objective at this round is
    worse (lower when maximizing, higher when minimizing) than the median of
    the running averages of the previous jobs up to the same round,
    ``median_curve[t]`` (from :func:`median_stopping_curve`). It compares the
    current value, not the job's best so far: a job whose metric falls back
    below the median is stopped. No decision (False) where the median is NaN
    or ``t`` lies beyond the curve (too few earlier jobs got that far).

    >>> median_rule_stops(0.65, 1, [0.6, 0.7])   # round 2: 0.65 is below the median 0.7
    True
    >>> median_rule_stops(0.65, 0, [0.6, 0.7])   # round 1: above 0.6
    False
    """
    if t >= len(median_curve):
        return False
    threshold = median_curve[t]
    if threshold != threshold:  # NaN: too few earlier jobs reached this round
        return False
    return _better(threshold, value, maximize)


def hyperband_brackets(MinResource: int, MaxResource: int, eta: int = HYPERBAND_ETA) -> list[dict]:
    """The brackets of successive halving Hyperband runs between the two resources.

    Li et al., *Hyperband* (JMLR 2018): with ``s_max = floor(log_eta(Max/Min))``,
    bracket ``s`` (from ``s_max`` down to 0) starts ``n = ceil((s_max+1)/(s+1) * eta**s)``
    configurations at ``Max * eta**-s`` rounds and keeps the best third (eta=3)
    at each rung, each time giving the survivors ``eta`` times the rounds.
    Out: one dict per bracket: ``{"s", "n", "rungs": [(n_i, rounds_i), ...]}``;
    the last rung of every bracket trains to ``MaxResource``. The tuning job
    runs the brackets asynchronously (see :func:`asha_promotion`): ``n`` is
    each bracket's share of the new jobs and ``rounds_i`` its rungs; the
    ``n_i`` counts are what a synchronous run would keep.

    >>> [b["rungs"] for b in hyperband_brackets(1, 9)]
    [[(9, 1), (3, 3), (1, 9)], [(5, 3), (1, 9)], [(3, 9)]]
    """
    lo = check_int("MinResource", MinResource, low=1)
    hi = check_int("MaxResource", MaxResource, low=1, high=MAX_RESOURCE_LIMIT)
    if hi < lo:
        raise ValueError(f"MaxResource must be >= MinResource ({lo}), got {hi}")
    eta = check_int("eta", eta, low=2)
    s_max = int(math.floor(math.log(hi / lo) / math.log(eta) + 1e-9))
    out = []
    for s in range(s_max, -1, -1):
        n = int(math.ceil((s_max + 1) / (s + 1) * eta ** s - 1e-9))
        rungs = []
        for i in range(s + 1):
            n_i = max(1, int(math.floor(n * eta ** (-i) + 1e-9)))
            r_i = hi if i == s else max(lo, int(round(hi * eta ** (i - s))))
            rungs.append((n_i, r_i))
        out.append({"s": s, "n": n, "rungs": rungs})
    return out


def asha_promotion(rung: Sequence[tuple[float, Any]], promoted: Iterable[Any] = (),
                   eta: int = HYPERBAND_ETA, *, at_least_one: bool = False) -> Any:
    """The job asynchronous successive halving promotes from one rung next, or None.

    Li et al., *A System for Massively Parallel Hyperparameter Tuning* (ASHA,
    MLSys 2020): a job that finished a rung may go on to the next rung as
    soon as it is among the best ``floor(n / eta)`` of the ``n`` jobs that
    have finished that rung so far, and was not promoted already. Nothing
    waits for a rung to fill up: with fewer than ``eta`` jobs at a rung no
    one is promoted yet, and a job left behind may still be promoted later,
    when more jobs have reached its rung. In: ``rung``, ``(score, job)``
    pairs, a higher score being better (ties go to the job listed first);
    the jobs already promoted; ``at_least_one``: the best job of a rung may
    go on even when the rung holds fewer than ``eta`` jobs (the tuning job
    sets it once no new job may start, so that its last jobs do not wait
    forever for rungs that can no longer fill up). Out: the best promotable
    job, or None.

    >>> asha_promotion([(0.7, "a"), (0.9, "b"), (0.8, "c")])            # 3 jobs: the best one
    'b'
    >>> asha_promotion([(0.7, "a"), (0.9, "b"), (0.8, "c")], {"b"}) is None  # only 1 of 3 goes on
    True
    >>> asha_promotion([(0.7, "a"), (0.9, "b")], at_least_one=True)     # the last jobs: the best goes on
    'b'
    """
    eta = check_int("eta", eta, low=2)
    rung = list(rung)
    k = len(rung) // eta
    if at_least_one and rung:
        k = max(k, 1)
    if k == 0:
        return None
    done = set(promoted)
    order = sorted(range(len(rung)), key=lambda i: (-rung[i][0], i))
    for i in order[:k]:
        if rung[i][1] not in done:
            return rung[i][1]
    return None


# ---------------------------------------------------------------------------
# Warm start, results
# ---------------------------------------------------------------------------

class WarmStartConfig:
    """Start a tuning job from what parent tuning jobs learned.

    ``ParentHyperParameterTuningJobs``: 1 to 5 finished
    :class:`TuningJobResult` objects (their names go in the request).
    ``WarmStartType``: ``IdenticalDataAndAlgorithm`` (alias
    ``IDENTICAL_DATA_AND_ALGORITHM``: same data and algorithm; the parents'
    jobs seed the Bayesian surrogate and compete for the best job) or
    ``TransferLearning`` (``TRANSFER_LEARNING``: other data or ranges; the
    parents' jobs seed the surrogate only, the best job is one of the new
    jobs). A parent's job is used when every range of the new job names one of
    its hyperparameters (and a categorical value is one of the new values).

    >>> WarmStartConfig([], "TRANSFER_LEARNING")
    Traceback (most recent call last):
    ...
    ValueError: ParentHyperParameterTuningJobs must hold 1 to 5 finished tuning jobs, got 0
    """

    def __init__(self, ParentHyperParameterTuningJobs: Sequence["TuningJobResult"], WarmStartType: str):
        self.ParentHyperParameterTuningJobs = ParentHyperParameterTuningJobs
        self.WarmStartType = WarmStartType
        parents = list(ParentHyperParameterTuningJobs)
        if not 1 <= len(parents) <= MAX_PARENT_JOBS:
            raise ValueError(f"ParentHyperParameterTuningJobs must hold 1 to {MAX_PARENT_JOBS} finished tuning "
                             f"jobs, got {len(parents)}")
        for i, p in enumerate(parents):
            if not isinstance(p, TuningJobResult):
                raise TypeError(f"ParentHyperParameterTuningJobs[{i}] must be a TuningJobResult (what "
                                f"HyperParameterTuningJob.run() returns), got {type(p).__name__}")
        check_one_of("WarmStartType", WarmStartType, list(WARM_START_TYPES))
        self._type = WARM_START_TYPES[WarmStartType]
        self._parents = parents

    @property
    def identical(self) -> bool:
        return self._type == "IdenticalDataAndAlgorithm"

    def to_request(self) -> dict:
        return {"ParentHyperParameterTuningJobs": [
            {"HyperParameterTuningJobName": p.HyperParameterTuningJobName} for p in self._parents],
            "WarmStartType": self._type}

    def observations(self, space: _Space) -> list[tuple[dict, float]]:
        """The parents' (hyperparameters, objective) pairs usable in ``space``."""
        out = []
        for parent in self._parents:
            for row in parent.jobs.to_dict(orient="records"):
                config = {n: row[n] for n in space.names if n in row}
                if space.contains(config) and row["FinalObjectiveValue"] == row["FinalObjectiveValue"]:
                    out.append((config, float(row["FinalObjectiveValue"])))
        return out


@dataclasses.dataclass
class BestTrainingJob(Report):
    """The best training job of a tuning job, as ``DescribeHyperParameterTuningJob`` reports it."""

    TrainingJobName: str
    TunedHyperParameters: dict
    FinalObjectiveValue: float
    MetricName: str
    TrainingJobStatus: str
    rounds: int
    from_parent: bool = False


@dataclasses.dataclass
class TuningJobResult(Report):
    """What a tuning job did: one row per training job, the best job, best-so-far against compute.

    ``jobs``: TrainingJobName, one column per tuned hyperparameter,
    FinalObjectiveValue (the metric after the job's last round),
    TrainingJobStatus (Completed, or Stopped by early stopping or Hyperband),
    rounds (boosting rounds trained), wave, TrainingStartTime and
    TrainingEndTime (simulated seconds since the tuning job started: a round
    costs ``seconds_per_round`` and a wave starts when the previous one ends),
    wall_seconds (measured). ``events``: one row per finished piece of work,
    in order (for Hyperband a job trains in several pieces).
    ``HyperParameterTuningJobStatus`` is Completed, or Stopped when the run
    was interrupted (what had finished is kept).
    """

    HyperParameterTuningJobName: str
    Strategy: str
    MetricName: str
    Type: str
    jobs: Any
    events: Any
    HyperParameterTuningJobStatus: str = "Completed"
    tuning_job: Any = dataclasses.field(default=None, repr=False)
    parent_best: Any = dataclasses.field(default=None, repr=False)

    @property
    def maximize(self) -> bool:
        return self.Type == "Maximize"

    @property
    def total_rounds(self) -> int:
        """Boosting rounds trained by all training jobs together (the compute spent)."""
        return int(self.jobs["rounds"].sum()) if len(self.jobs) else 0

    @property
    def best_training_job(self) -> BestTrainingJob | None:
        """The job with the best FinalObjectiveValue (a parent's, for an identical-data warm start)."""
        best = None
        if len(self.jobs):
            values = self.jobs["FinalObjectiveValue"]
            i = values.idxmax() if self.maximize else values.idxmin()
            row = self.jobs.loc[i]
            ranges = [c for c in self.jobs.columns if c not in _JOB_COLUMNS]
            best = BestTrainingJob(str(row["TrainingJobName"]), {n: _plain(row[n]) for n in ranges},
                                   float(row["FinalObjectiveValue"]), self.MetricName,
                                   str(row["TrainingJobStatus"]), int(row["rounds"]))
        if self.parent_best is not None and (
                best is None or _better(self.parent_best.FinalObjectiveValue, best.FinalObjectiveValue,
                                        self.maximize)):
            return self.parent_best
        return best

    def best_so_far(self) -> "pandas.DataFrame":
        """Best objective seen against cumulative boosting rounds (and simulated time).

        One row per finished piece of work, in the order the tuning job
        finished them: ``cumulative_rounds``, ``time`` (simulated seconds),
        ``TrainingJobName``, ``objective`` (that job's value then) and
        ``best_so_far``. With an identical-data warm start the parents' best
        is the starting point.
        """
        import pandas as pd

        ev = self.events.copy()
        start = self.parent_best.FinalObjectiveValue if self.parent_best is not None else None
        best, col = start, []
        for v in ev["objective"]:
            best = v if best is None or _better(v, best, self.maximize) else best
            col.append(best)
        ev["cumulative_rounds"] = ev["rounds"].cumsum()
        ev["best_so_far"] = col
        return pd.DataFrame(ev[["cumulative_rounds", "time", "TrainingJobName", "objective", "best_so_far"]])

    def rounds_to_reach(self, target: float) -> float:
        """Cumulative boosting rounds when a job first reached ``target`` (inf if never).

        Read from :meth:`best_so_far`: for Hyperband a job's value at the end of
        a rung counts, even if it later ends lower; :meth:`jobs_to_reach`
        counts final values only.
        """
        curve = self.best_so_far()
        hit = curve["best_so_far"] >= target if self.maximize else curve["best_so_far"] <= target
        return float(curve.loc[hit, "cumulative_rounds"].iloc[0]) if hit.any() else float("inf")

    def jobs_to_reach(self, target: float) -> float:
        """How many new training jobs ran before one reached ``target`` (inf if none)."""
        values = self.jobs["FinalObjectiveValue"]
        hit = values >= target if self.maximize else values <= target
        return float(hit.to_numpy().argmax() + 1) if hit.any() else float("inf")

    def to_request(self) -> dict:
        """The ``CreateHyperParameterTuningJob`` request of the job that produced this result."""
        return self.tuning_job.to_request()

    def to_dict(self) -> dict:
        best = self.best_training_job
        return {"HyperParameterTuningJobName": self.HyperParameterTuningJobName,
                "HyperParameterTuningJobStatus": self.HyperParameterTuningJobStatus,
                "Strategy": self.Strategy,
                "TrainingJobStatusCounters": {
                    "Completed": int((self.jobs["TrainingJobStatus"] == "Completed").sum()),
                    "Stopped": int((self.jobs["TrainingJobStatus"] == "Stopped").sum())},
                "total_rounds": self.total_rounds,
                "BestTrainingJob": best.to_dict() if best is not None else None}

    def __repr__(self) -> str:
        best = self.best_training_job
        shown = "none" if best is None else f"{best.FinalObjectiveValue:.4f}"
        return (f"<TuningJobResult {self.HyperParameterTuningJobName} {self.Strategy}: {len(self.jobs)} jobs, "
                f"{self.total_rounds} rounds, best {self.MetricName} {shown}>")


_JOB_COLUMNS = ("TrainingJobName", "FinalObjectiveValue", "TrainingJobStatus", "rounds", "wave",
                "TrainingStartTime", "TrainingEndTime", "wall_seconds")


def _plain(value):
    return value.item() if hasattr(value, "item") else value


# ---------------------------------------------------------------------------
# Strategies: proposing configurations
# ---------------------------------------------------------------------------

def _expected_improvement(mu, sigma, best, xi=0.01):
    """EI of points with posterior mean ``mu`` and sd ``sigma`` over ``best`` (all in standardised units).

    ``xi`` is the small margin an improvement must clear (0.01 standard
    deviations of the observed objective): enough to stop EI from piling onto
    the incumbent, small enough to keep exploiting what the model has learned.
    """
    import numpy as np
    from scipy.stats import norm

    sigma = np.maximum(sigma, 1e-12)
    z = (mu - best - xi) / sigma
    return (mu - best - xi) * norm.cdf(z) + sigma * norm.pdf(z)


def _bayesian_batch(space: _Space, observed: list[tuple[dict, float]], k: int, rng,
                    n_candidates: int = 1000) -> list[dict]:
    """``k`` configurations by expected improvement under a Gaussian process (kriging believer).

    ``observed``: (configuration, score to maximize). The objective is
    standardised (mean 0, sd 1) before the fit, so the kernel's bounds mean
    the same thing for AUC and for logloss. The GP (a constant times a Matern
    5/2 kernel with one length scale per dimension, bounded to [0.05, 20] in
    the [0, 1]^d encoding that honours each range's ScalingType, plus a white
    noise term for the run-to-run noise of a training job) is fitted on that
    encoding. Candidates: random points of the space plus small moves around
    the best three; each picked point is added with the GP's mean as its value
    before the next pick, so one wave's points spread out.
    """
    import warnings

    import numpy as np
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    from threadpoolctl import threadpool_limits

    X = np.array([space.encode(c) for c, _ in observed], dtype=float)
    y = np.array([s for _, s in observed], dtype=float)
    d = X.shape[1]
    cands = [space.encode(space.sample(rng)) for _ in range(n_candidates)]
    top = X[np.argsort(-y)[:3]]
    for x in top:
        for _ in range(n_candidates // 8):
            cands.append(space.encode(space.decode(np.clip(x + 0.08 * rng.standard_normal(d), 0, 1))))
    C = np.unique(np.array(cands, dtype=float), axis=0)
    C = C[rng.permutation(len(C))]
    picks: list[dict] = []
    for _ in range(k):
        scale = y.std() if y.std() > 0 else 1.0
        z = (y - y.mean()) / scale
        kernel = ConstantKernel(1.0, (1e-2, 1e2)) * Matern(np.full(d, 0.3), (0.05, 20.0), nu=2.5) \
            + WhiteKernel(1e-2, (1e-6, 0.5))
        gp = GaussianProcessRegressor(kernel, normalize_y=False, n_restarts_optimizer=0,
                                      random_state=int(rng.integers(2**31 - 1)))
        with warnings.catch_warnings(), threadpool_limits(1):  # tiny matrices: BLAS threads only cost
            warnings.simplefilter("ignore")
            gp.fit(X, z)
            mu, sd = gp.predict(C, return_std=True)
        ei = _expected_improvement(mu, sd, z.max())
        seen = {tuple(row) for row in X}
        for j in np.argsort(-ei):
            if tuple(C[j]) not in seen:
                break
        picks.append(space.decode(C[j]))
        X = np.vstack([X, C[j]])
        y = np.append(y, y.mean() + scale * mu[j])  # kriging believer: pretend the mean is what we will see
    return picks


# ---------------------------------------------------------------------------
# The tuning job
# ---------------------------------------------------------------------------

class HyperParameterTuningJob(AwsRequest):
    """A SageMaker hyperparameter tuning job over XGBoost training jobs, run locally.

    Parameters (SageMaker's names): ``HyperParameterTuningJobName`` (1 to 32
    letters, digits, hyphens); ``Strategy`` Grid | Random | Bayesian |
    Hyperband; ``ParameterRanges`` (a list of Integer/Continuous/Categorical
    parameters; Grid takes categorical ones only); ``MetricName`` (one of
    :data:`METRICS`) and ``Type`` Maximize | Minimize (default: the metric's
    direction); ``MaxNumberOfTrainingJobs`` (default 20; for Grid the default
    and the maximum is the number of combinations); ``MaxParallelTrainingJobs`` (jobs per wave,
    run in joblib workers); ``MaxRuntimeInSeconds`` (None, or 120 to
    15,768,000 simulated seconds: the tuning job stops when its clock gets
    there, training jobs still running are cut short and marked Stopped;
    with one job at a time and ``seconds_per_round=1`` it is a budget in
    boosting rounds); ``TrainingJobEarlyStoppingType`` Off | Auto (the
    median rule, :func:`median_rule_stops`; must be Off for Hyperband,
    which stops jobs itself); ``HyperbandStrategyConfig`` (``{"MinResource":
    ..., "MaxResource": ...}`` in boosting rounds; default 1 and the
    trainer's ``num_round``; Hyperband is asynchronous, see
    :func:`asha_promotion`); ``WarmStartConfig`` (Random or Bayesian only);
    ``RandomSeed``. The kit's own: ``brackets`` (Hyperband: how many of
    :func:`hyperband_brackets`' brackets new jobs join, the most aggressive
    first; default 1, asynchronous successive halving from MinResource, the
    default of Amazon's own asynchronous Hyperband schedulers in AutoGluon and
    Syne Tune and of Ray Tune's; None for all of Li et al.'s brackets, which
    hedge against early rounds that rank configurations badly at the cost of
    training some jobs from further up), ``trainer`` (:class:`XGBoostTrainer`),
    ``seconds_per_round`` (simulated cost of a round), ``n_initial`` (random
    jobs before Bayesian uses its surrogate; default max(3, number of
    ranges + 1)), ``min_jobs_for_stopping`` (earlier jobs that must have
    reached a round before the median rule applies there, default 3: SageMaker
    does not publish its own minimum), ``median_of`` and ``median_jobs``
    (what the median rule takes the median of: ``"running_average"`` of
    ``"all"`` earlier jobs by default, SageMaker's documented rule;
    ``"value"`` at the round and ``"completed"`` jobs only make it Optuna's
    ``MedianPruner``, a stricter rule, for comparison).

    :meth:`run` trains the jobs and returns a :class:`TuningJobResult`;
    nothing in the object changes. Same ``RandomSeed``, same result (the
    wall-clock column aside), with any ``MaxParallelTrainingJobs`` for Grid
    and Random without early stopping.

    >>> job = HyperParameterTuningJob("grid-demo", Strategy="Grid",
    ...     ParameterRanges=[ContinuousParameter("eta", 0.01, 0.3)])
    Traceback (most recent call last):
    ...
    ValueError: The Grid strategy takes CategoricalParameter ranges only; 'eta' is a ContinuousParameter (write its values as CategoricalParameter('eta', [...]))
    """

    aws_service, aws_operation = "sagemaker", "CreateHyperParameterTuningJob"

    def __init__(self, HyperParameterTuningJobName: str = "mlkit-tuning", *, Strategy: str = "Bayesian",
                 ParameterRanges: Sequence = (), MetricName: str = "validation:auc", Type: str | None = None,
                 MaxNumberOfTrainingJobs: int | None = None, MaxParallelTrainingJobs: int = 1,
                 MaxRuntimeInSeconds: int | None = None, TrainingJobEarlyStoppingType: str = "Off",
                 HyperbandStrategyConfig: Mapping | None = None,
                 WarmStartConfig: "WarmStartConfig | None" = None, RandomSeed: int | None = 0,
                 trainer: XGBoostTrainer | None = None, seconds_per_round: float = 1.0,
                 n_initial: int | None = None, min_jobs_for_stopping: int = 3, brackets: int | None = 1,
                 median_of: str = "running_average", median_jobs: str = "all"):
        self.HyperParameterTuningJobName = HyperParameterTuningJobName
        self.Strategy = Strategy
        self.ParameterRanges = ParameterRanges
        self.MetricName = MetricName
        self.Type = Type
        self.MaxNumberOfTrainingJobs = MaxNumberOfTrainingJobs
        self.MaxParallelTrainingJobs = MaxParallelTrainingJobs
        self.MaxRuntimeInSeconds = MaxRuntimeInSeconds
        self.TrainingJobEarlyStoppingType = TrainingJobEarlyStoppingType
        self.HyperbandStrategyConfig = HyperbandStrategyConfig
        self.WarmStartConfig = WarmStartConfig
        self.RandomSeed = RandomSeed
        self.trainer = trainer
        self.seconds_per_round = seconds_per_round
        self.n_initial = n_initial
        self.min_jobs_for_stopping = min_jobs_for_stopping
        self.brackets = brackets
        self.median_of = median_of
        self.median_jobs = median_jobs
        self._validate()

    # -- validation ------------------------------------------------------
    def _validate(self) -> None:
        import re

        name = self.HyperParameterTuningJobName
        if not isinstance(name, str) or re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}", name) is None:
            raise ValueError("HyperParameterTuningJobName must be 1 to 32 letters, digits and hyphens, starting "
                             f"and ending with a letter or digit, got {name!r}")
        check_one_of("Strategy", self.Strategy, STRATEGIES)
        ranges = list(self.ParameterRanges)
        if not ranges:
            raise ValueError("ParameterRanges must hold at least one IntegerParameter, ContinuousParameter or "
                             "CategoricalParameter, got none")
        for i, r in enumerate(ranges):
            if not isinstance(r, _RANGE_TYPES):
                raise TypeError(f"ParameterRanges[{i}] must be an IntegerParameter, ContinuousParameter or "
                                f"CategoricalParameter, got {r!r}")
        names = [r.Name for r in ranges]
        if len(set(names)) != len(names):
            raise ValueError(f"ParameterRanges must name each hyperparameter once, got {names}")
        for kind in ("Integer", "Continuous", "Categorical"):
            count = sum(r.kind == kind for r in ranges)
            if count > MAX_RANGES:
                raise ValueError(f"{kind}ParameterRanges must hold at most {MAX_RANGES} ranges, got {count}")
        if self.Strategy == "Grid":
            for r in ranges:
                if not isinstance(r, CategoricalParameter):
                    raise ValueError(f"The Grid strategy takes CategoricalParameter ranges only; {r.Name!r} is a "
                                     f"{type(r).__name__} (write its values as CategoricalParameter({r.Name!r}, "
                                     f"[...]))")
        self._space = _Space(ranges)
        check_one_of("MetricName", self.MetricName, list(METRICS))
        self._type = METRICS[self.MetricName] if self.Type is None else check_one_of(
            "Type", self.Type, ["Maximize", "Minimize"])
        if self.Strategy == "Grid":
            n_grid = math.prod(len(r._values) for r in ranges)
            if n_grid > MAX_TRAINING_JOBS:
                raise ValueError(f"The Grid strategy tries every combination, and SageMaker allows at most "
                                 f"{MAX_TRAINING_JOBS} training jobs per tuning job: these ranges have {n_grid:,} "
                                 f"combinations (fewer values, or the Random or Bayesian strategy)")
            if self.MaxNumberOfTrainingJobs is None:
                self._max_jobs = n_grid
            else:
                self._max_jobs = check_int("MaxNumberOfTrainingJobs", self.MaxNumberOfTrainingJobs, low=1,
                                           high=n_grid)
        else:
            n = 20 if self.MaxNumberOfTrainingJobs is None else self.MaxNumberOfTrainingJobs
            high = MAX_TRAINING_JOBS
            if isinstance(n, int) and not isinstance(n, bool) and n > high:
                raise ValueError(f"MaxNumberOfTrainingJobs must be an integer >= 1 and <= {high} (SageMaker's "
                                 f"default limit per tuning job; Random search can be raised to 10,000 by a quota "
                                 f"increase), got {n}")
            self._max_jobs = check_int("MaxNumberOfTrainingJobs", n, low=1, high=high)
        self._parallel = check_int("MaxParallelTrainingJobs", self.MaxParallelTrainingJobs, low=1, high=100)
        if self.MaxRuntimeInSeconds is not None:
            check_int("MaxRuntimeInSeconds", self.MaxRuntimeInSeconds, low=MIN_RUNTIME, high=MAX_RUNTIME)
        check_one_of("TrainingJobEarlyStoppingType", self.TrainingJobEarlyStoppingType, EARLY_STOPPING_TYPES)
        if self.trainer is None:
            self._trainer = XGBoostTrainer()
        elif isinstance(self.trainer, XGBoostTrainer):
            self._trainer = self.trainer
        else:
            raise TypeError(f"trainer must be an XGBoostTrainer, got {type(self.trainer).__name__}")
        if self.Strategy == "Hyperband":
            if self.TrainingJobEarlyStoppingType != "Off":
                raise ValueError("TrainingJobEarlyStoppingType must be 'Off' with the Hyperband strategy (Hyperband "
                                 f"stops jobs itself), got {self.TrainingJobEarlyStoppingType!r}")
            cfg = dict(self.HyperbandStrategyConfig or {})
            unknown = set(cfg) - {"MinResource", "MaxResource"}
            if unknown:
                raise ValueError(f"HyperbandStrategyConfig takes MinResource and MaxResource only, got "
                                 f"{sorted(unknown)}")
            self._hb = {"MinResource": cfg.get("MinResource", 1),
                        "MaxResource": cfg.get("MaxResource", self._trainer.num_round)}
            n_brackets = len(hyperband_brackets(**self._hb))  # validates both
            b = self.brackets
            if b is not None and (isinstance(b, bool) or not isinstance(b, int) or not 1 <= b <= n_brackets):
                raise ValueError(f"brackets must be None (all {n_brackets} of Hyperband's brackets between "
                                 f"MinResource and MaxResource) or an integer from 1 to {n_brackets}, got {b!r}")
            self._brackets = n_brackets if b is None else b
        elif self.HyperbandStrategyConfig is not None:
            raise ValueError(f"HyperbandStrategyConfig is for the Hyperband strategy only, got it with "
                             f"Strategy={self.Strategy!r}")
        elif self.brackets != 1:
            raise ValueError(f"brackets is for the Hyperband strategy only, got brackets={self.brackets!r} with "
                             f"Strategy={self.Strategy!r}")
        if self.WarmStartConfig is not None:
            if not isinstance(self.WarmStartConfig, WarmStartConfig):
                raise TypeError(f"WarmStartConfig must be a WarmStartConfig, got {type(self.WarmStartConfig).__name__}")
            if self.Strategy not in ("Random", "Bayesian"):
                raise ValueError(f"WarmStartConfig works with the Random and Bayesian strategies, got "
                                 f"Strategy={self.Strategy!r}")
        check_seed(self.RandomSeed, "RandomSeed")
        check_float("seconds_per_round", self.seconds_per_round, 0.0, low_open=True)
        self._n_initial = (max(3, len(ranges) + 1) if self.n_initial is None
                           else check_int("n_initial", self.n_initial, low=1))
        check_int("min_jobs_for_stopping", self.min_jobs_for_stopping, low=1)
        check_one_of("median_of", self.median_of, MEDIAN_OF)
        check_one_of("median_jobs", self.median_jobs, MEDIAN_JOBS)
        if (self.median_of, self.median_jobs) != (MEDIAN_OF[0], MEDIAN_JOBS[0]) and \
                self.TrainingJobEarlyStoppingType != "Auto":
            raise ValueError(f"median_of and median_jobs shape the median rule of TrainingJobEarlyStoppingType="
                             f"'Auto', got median_of={self.median_of!r}, median_jobs={self.median_jobs!r} with "
                             f"TrainingJobEarlyStoppingType={self.TrainingJobEarlyStoppingType!r}")

    @property
    def maximize(self) -> bool:
        return self._type == "Maximize"

    # -- export ----------------------------------------------------------
    def to_request(self) -> dict:
        """``CreateHyperParameterTuningJob`` parameters (a placeholder image, role and bucket)."""
        ranges: dict = {"IntegerParameterRanges": [], "ContinuousParameterRanges": [],
                        "CategoricalParameterRanges": []}
        for r in self._space.ranges:
            ranges[f"{r.kind}ParameterRanges"].append(r.to_request())
        config = {
            "Strategy": self.Strategy,
            "HyperParameterTuningJobObjective": {"Type": self._type, "MetricName": self.MetricName},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": self._max_jobs,
                               "MaxParallelTrainingJobs": self._parallel,
                               **({} if self.MaxRuntimeInSeconds is None
                                  else {"MaxRuntimeInSeconds": int(self.MaxRuntimeInSeconds)})},
            "ParameterRanges": {k: v for k, v in ranges.items() if v},
            "TrainingJobEarlyStoppingType": self.TrainingJobEarlyStoppingType,
        }
        if self.Strategy == "Hyperband":
            config["StrategyConfig"] = {"HyperbandStrategyConfig": dict(self._hb)}
        if self.RandomSeed is not None:
            config["RandomSeed"] = int(self.RandomSeed)
        static = self._trainer.static_request(self.MetricName)
        for name in self._space.names:
            static.pop(name, None)
        request = {
            "HyperParameterTuningJobName": self.HyperParameterTuningJobName,
            "HyperParameterTuningJobConfig": config,
            "TrainingJobDefinition": {
                "StaticHyperParameters": static,
                "AlgorithmSpecification": {"TrainingImage": PLACEHOLDER_IMAGE, "TrainingInputMode": "File"},
                "RoleArn": PLACEHOLDER_ROLE,
                "InputDataConfig": [
                    {"ChannelName": ch, "ContentType": "text/csv", "DataSource": {"S3DataSource": {
                        "S3DataType": "S3Prefix", "S3Uri": f"s3://mlkit-course/tuning/{ch}/",
                        "S3DataDistributionType": "FullyReplicated"}}}
                    for ch in ("train", "validation")],
                "OutputDataConfig": {"S3OutputPath": f"s3://mlkit-course/tuning/{self.HyperParameterTuningJobName}/"},
                "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
                "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            },
        }
        if self.WarmStartConfig is not None:
            request["WarmStartConfig"] = self.WarmStartConfig.to_request()
        return request

    # -- running ---------------------------------------------------------
    def _job_name(self, i: int) -> str:
        digest = hashlib.sha256(f"{self.HyperParameterTuningJobName}/{self.RandomSeed}/{i}".encode()).hexdigest()
        return f"{self.HyperParameterTuningJobName}-{i + 1:03d}-{digest[:8]}"

    def run(self, *, progress: bool = True) -> TuningJobResult:
        """Train the training jobs and return a :class:`TuningJobResult`.

        A tqdm bar counts finished pieces of work. Interrupting (Ctrl-C, the
        notebook's stop button) ends the run after keeping every job already
        finished; the result's ``HyperParameterTuningJobStatus`` is then
        ``Stopped``, as it is when ``MaxRuntimeInSeconds`` ends the run.
        """
        runner = _Runner(self, progress)
        try:
            runner.run()
        except (KeyboardInterrupt, _OutOfTime):
            runner.status = "Stopped"
        finally:
            runner.close()
        return runner.result()

    def __repr__(self) -> str:
        return (f"HyperParameterTuningJob({self.HyperParameterTuningJobName!r}, Strategy={self.Strategy!r}, "
                f"{len(self._space.ranges)} ranges, MaxNumberOfTrainingJobs={self._max_jobs}, "
                f"MaxParallelTrainingJobs={self._parallel})")


class _OutOfTime(Exception):
    """The tuning job's clock reached MaxRuntimeInSeconds."""


def _shutdown_loky_workers() -> None:
    """Stop joblib's reusable loky process pool, so no worker process outlives the tuning job.

    joblib keeps its loky workers alive between ``Parallel`` calls (for 300 s)
    to save start-up time; a tuning job reuses them from wave to wave and ends
    them when it ends. Other backends (threads, Dask, Ray) are left alone.
    """
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=True)


class _Runner:
    """One run of a tuning job: waves of jobs through joblib, the records they leave."""

    def __init__(self, job: HyperParameterTuningJob, progress: bool):
        self.job = job
        self.rng = make_rng(job.RandomSeed, "RandomSeed")
        self.data = job._trainer.data()
        self.records: list[dict] = []  # one per training job
        self.events: list[dict] = []   # one per finished piece of work
        self.clock = 0.0
        self.wave = 0
        self.status = "Completed"
        self.warm = job.WarmStartConfig
        self.parent_obs = self.warm.observations(job._space) if self.warm is not None else []
        total = self.job._max_jobs  # the bar counts training jobs started and through their first piece
        self.bar = None
        self.used_loky = False  # set when a wave ran on joblib's default (loky) process pool
        if progress:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=f"{job.HyperParameterTuningJobName} ({job.Strategy})", unit="job")

    def close(self) -> None:
        """Close the progress bar; shut down the loky worker processes this run started."""
        if self.bar is not None:
            self.bar.close()
        if self.used_loky:
            _shutdown_loky_workers()

    # -- executing a wave ------------------------------------------------
    def _execute(self, tasks: list[dict]) -> list[dict]:
        """Run ``tasks`` (each: params, rounds, booster_raw, median_curve...) in waves; return outputs."""
        from joblib import Parallel, delayed

        job = self.job
        out: list[dict] = []
        p = job._parallel
        for start in range(0, len(tasks), p):
            wave = tasks[start:start + p]
            if job.MaxRuntimeInSeconds is not None:
                left = int(math.floor((job.MaxRuntimeInSeconds - self.clock) / job.seconds_per_round + 1e-9))
                if left < 1:
                    raise _OutOfTime
                for t in wave:
                    if t["rounds"] > left:
                        t["rounds"], t["truncated"] = left, True
            kwargs = [dict(rounds=t["rounds"], metric=job.MetricName, booster_raw=t.get("booster_raw"),
                           median_curve=t.get("median_curve"), start_round=t.get("start_round", 0),
                           maximize=job.maximize, keep_model=t.get("keep_model", False)) for t in wave]
            if p == 1 or len(wave) == 1:
                results = [_train_segment(self.data, t["params"], **kw) for t, kw in zip(wave, kwargs)]
            else:
                parallel = Parallel(n_jobs=min(p, len(wave)))
                self.used_loky = self.used_loky or type(parallel._backend).__name__ == "LokyBackend"
                results = parallel(
                    delayed(_train_segment)(self.data, t["params"], **kw) for t, kw in zip(wave, kwargs))
            wave_start = self.clock
            for t, res in zip(wave, results):
                res["start"] = wave_start
                res["end"] = wave_start + res["rounds"] * job.seconds_per_round
                res["wave"] = self.wave
                out.append(res)
            self.clock = max(r["end"] for r in results)
            self.wave += 1
            for t, res in zip(wave, results):
                res["truncated"] = t.get("truncated", False) and not res["stopped_by_rule"]
                t["on_done"](res)
                if self.bar is not None and t.get("new", True):
                    self.bar.update(1)
            if any(r["truncated"] for r in results):
                raise _OutOfTime
        return out

    def _params(self, config: Mapping, index: int) -> dict:
        return self.job._trainer.params(config, self.job.MetricName, seed=self._job_seed(index))

    def _job_seed(self, index: int) -> int:
        base = 0 if self.job.RandomSeed is None else int(self.job.RandomSeed)
        return (base * 1_000_003 + index) % (2**31 - 1)

    def _new_record(self, config: dict) -> dict:
        i = len(self.records)
        rec = {"TrainingJobName": self.job._job_name(i), **config, "FinalObjectiveValue": float("nan"),
               "TrainingJobStatus": "InProgress", "rounds": 0, "wave": None, "TrainingStartTime": None,
               "TrainingEndTime": None, "wall_seconds": 0.0, "_curve": [], "_index": i}
        self.records.append(rec)
        return rec

    def _finish_piece(self, rec: dict, res: dict, status: str) -> None:
        rec["_curve"].extend(res["curve"])
        rec["rounds"] += res["rounds"]
        rec["FinalObjectiveValue"] = rec["_curve"][-1]
        rec["TrainingJobStatus"] = "Stopped" if res.get("truncated") else status
        rec["wall_seconds"] += res["wall_seconds"]
        if rec["TrainingStartTime"] is None:
            rec["TrainingStartTime"], rec["wave"] = res["start"], res["wave"]
        rec["TrainingEndTime"] = res["end"]
        self.events.append({"TrainingJobName": rec["TrainingJobName"], "rounds": res["rounds"],
                            "time": res["end"], "objective": rec["FinalObjectiveValue"]})

    def _score(self, value: float) -> float:
        return value if self.job.maximize else -value

    # -- strategies ------------------------------------------------------
    def run(self) -> None:
        strategy = self.job.Strategy
        if strategy == "Hyperband":
            self._run_hyperband()
        else:
            self._run_sequential_model_based()

    def _configs_grid(self) -> list[dict]:
        ranges = self.job._space.ranges
        combos = itertools.product(*[r._values for r in ranges])
        return [dict(zip([r.Name for r in ranges], c)) for c in itertools.islice(combos, self.job._max_jobs)]

    def _run_sequential_model_based(self) -> None:
        job = self.job
        space = job._space
        n_total = job._max_jobs
        early = job.TrainingJobEarlyStoppingType == "Auto"
        fixed = None
        if job.Strategy == "Grid":
            fixed = self._configs_grid()
        elif job.Strategy == "Random":
            fixed = [space.sample(self.rng) for _ in range(n_total)]
        done = 0
        while done < n_total:
            k = min(job._parallel, n_total - done)
            if fixed is not None:
                configs = fixed[done:done + k]
            else:
                observed = [(c, self._score(v)) for c, v in self.parent_obs]
                observed += [({n: r[n] for n in space.names}, self._score(r["FinalObjectiveValue"]))
                             for r in self.records]
                if len(observed) < job._n_initial:
                    configs = [space.sample(self.rng) for _ in range(k)]
                else:
                    configs = _bayesian_batch(space, observed, k, self.rng)
            median = None
            if early:
                finished = [r["_curve"] for r in self.records
                            if job.median_jobs == "all" or r["TrainingJobStatus"] == "Completed"]
                curve = median_stopping_curve(finished, job.min_jobs_for_stopping,
                                              running_average=job.median_of == "running_average") if finished else []
                median = curve or None
            tasks = []
            for c in configs:
                rec = self._new_record(c)

                def on_done(res, rec=rec):
                    self._finish_piece(rec, res, "Stopped" if res["stopped_by_rule"] else "Completed")

                tasks.append({"params": self._params(c, rec["_index"]), "rounds": job._trainer.num_round,
                              "median_curve": median, "on_done": on_done})
            self._execute(tasks)
            done += k

    def _run_hyperband(self) -> None:
        """Asynchronous Hyperband: ASHA (:func:`asha_promotion`) inside each of Hyperband's brackets.

        Every new job joins a bracket (the one furthest behind its share
        ``n_s`` of Li et al.'s brackets, so brackets fill in Hyperband's
        proportions; only the ``brackets`` most aggressive ones, by default
        the first alone) and trains to that bracket's first rung. Whenever a
        worker is free, a promotion comes first (brackets from the most
        aggressive, rungs from the top), else a new job starts; a promoted
        job resumes its saved booster, so no round is trained twice. Once
        ``MaxNumberOfTrainingJobs`` have started, every rung promotes at least
        its best job (ASHA as published would leave top rungs empty when jobs
        stop coming), so at least one job reaches MaxResource. A job
        is Completed when it reaches MaxResource, Stopped when it waits at a
        lower rung when the tuning job ends. With ``MaxParallelTrainingJobs``
        above 1 each wave's work is chosen before the wave runs (the result
        is the same whatever the timing).
        """
        job = self.job
        brackets = hyperband_brackets(**job._hb)[:job._brackets]
        rungs = [[r for _, r in b["rungs"]] for b in brackets]
        weights = [b["n"] for b in brackets]
        started = [0] * len(brackets)
        at_rung = [[[] for _ in r] for r in rungs]      # (score, record index) per bracket and rung
        promoted = [[set() for _ in r] for r in rungs]
        models: dict[int, bytes] = {}
        names = job._space.names

        def finished(res, rec, b, k):
            last = k == len(rungs[b]) - 1
            self._finish_piece(rec, res, "Completed" if last else "Stopped")
            if "booster_raw" in res:
                models[rec["_index"]] = res.pop("booster_raw")
            if not res["truncated"] and not last:
                at_rung[b][k].append((self._score(rec["FinalObjectiveValue"]), rec["_index"]))

        def next_piece():
            # once MaxNumberOfTrainingJobs have started no new job can fill a rung: each rung then promotes at
            # least its best job, so the tuning job ends with a job trained to MaxResource
            last_jobs = len(self.records) >= job._max_jobs
            for b in range(len(brackets)):
                for k in range(len(rungs[b]) - 2, -1, -1):
                    i = asha_promotion(at_rung[b][k], promoted[b][k], at_least_one=last_jobs)
                    if i is not None:
                        promoted[b][k].add(i)
                        rec = self.records[i]
                        return rec, b, k + 1, False
            if last_jobs:
                return None
            total = sum(started) + 1
            b = max(range(len(brackets)), key=lambda j: (weights[j] * total / sum(weights) - started[j], -j))
            started[b] += 1
            return self._new_record(job._space.sample(self.rng)), b, 0, True

        while True:
            tasks = []
            for _ in range(job._parallel):
                piece = next_piece()
                if piece is None:
                    break
                rec, b, k, new = piece
                last = k == len(rungs[b]) - 1
                tasks.append({"params": self._params({n: rec[n] for n in names}, rec["_index"]),
                              "rounds": rungs[b][k] - rec["rounds"], "start_round": rec["rounds"],
                              "booster_raw": models.pop(rec["_index"], None), "keep_model": not last,
                              "new": new, "on_done": lambda res, rec=rec, b=b, k=k: finished(res, rec, b, k)})
            if not tasks:
                return
            self._execute(tasks)

    # -- result ----------------------------------------------------------
    def result(self) -> TuningJobResult:
        import pandas as pd

        job = self.job
        names = job._space.names
        rows = [{k: v for k, v in r.items() if not k.startswith("_")}
                for r in self.records if r["TrainingJobStatus"] != "InProgress"]
        columns = ["TrainingJobName", *names, "FinalObjectiveValue", "TrainingJobStatus", "rounds", "wave",
                   "TrainingStartTime", "TrainingEndTime", "wall_seconds"]
        jobs = pd.DataFrame(rows, columns=columns)
        if len(jobs):
            jobs["rounds"] = jobs["rounds"].astype("int64")
            jobs["wave"] = jobs["wave"].astype("int64")
        events = pd.DataFrame(self.events, columns=["TrainingJobName", "rounds", "time", "objective"])
        parent_best = None
        if self.warm is not None and self.warm.identical:
            best = None
            for parent in self.warm._parents:
                pb = parent.best_training_job
                if pb is not None and (best is None or _better(pb.FinalObjectiveValue, best.FinalObjectiveValue,
                                                               job.maximize)):
                    best = pb
            if best is not None:
                parent_best = dataclasses.replace(best, from_parent=True)
        return TuningJobResult(job.HyperParameterTuningJobName, job.Strategy, job.MetricName, job._type, jobs,
                               events, self.status, job, parent_best)


# ---------------------------------------------------------------------------
# The overfitting lesson
# ---------------------------------------------------------------------------

def overfitting_study(parameter: str, values: Sequence[Any], *, trainer: XGBoostTrainer | None = None,
                      base: Mapping[str, Any] | None = None, metric: str = "validation:auc",
                      seed: int = 0) -> "pandas.DataFrame":
    """Train once per value of one hyperparameter; measure the train/validation gap.

    In: the hyperparameter (``max_depth``, ``min_child_weight``,
    ``colsample_bytree``, ...), its values, the other hyperparameters
    (``base``, default a deliberately overfitting model: ``max_depth=8,
    eta=0.3, min_child_weight=1``), the trainer. Out: a DataFrame with
    columns ``parameter``, ``value``, ``train``, ``validation`` (the metric
    after the last round on each set) and ``gap`` (train minus validation
    for a metric to maximize, validation minus train otherwise): the larger
    the gap, the more the model overfits.

    >>> overfitting_study("max_depth", [2, 8], trainer=XGBoostTrainer(n_rows=1000, num_round=30))["gap"].is_monotonic_increasing
    True
    """
    import pandas as pd

    if not isinstance(parameter, str) or not parameter:
        raise ValueError(f"parameter must be a hyperparameter's name, got {parameter!r}")
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one value of the hyperparameter, got none")
    check_one_of("metric", metric, list(METRICS))
    trainer = trainer if trainer is not None else XGBoostTrainer()
    if not isinstance(trainer, XGBoostTrainer):
        raise TypeError(f"trainer must be an XGBoostTrainer, got {type(trainer).__name__}")
    maximize = METRICS[metric] == "Maximize"
    rows = []
    for v in values:
        hp = {"max_depth": 8, "eta": 0.3, "min_child_weight": 1, **dict(base or {}), parameter: v}
        out = trainer.train(hp, metric=metric, seed=seed, with_train_metric=True)
        tr, va = out["train_final"], out["curve"][-1]
        rows.append({"parameter": parameter, "value": v, "train": tr, "validation": va,
                     "gap": (tr - va) if maximize else (va - tr)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# A race of strategies on the same budget
# ---------------------------------------------------------------------------

#: the entries a race can run: strategy and early stopping
RACE_ENTRIES = {
    "Random": ("Random", "Off"),
    "Random + median stopping": ("Random", "Auto"),
    "Bayesian": ("Bayesian", "Off"),
    "Hyperband": ("Hyperband", "Off"),
    "Grid": ("Grid", "Off"),
}


def default_ranges() -> list:
    """The ranges the lessons tune: eta and min_child_weight on a log scale, max_depth, subsample."""
    return [ContinuousParameter("eta", 0.005, 0.5, "Logarithmic"), IntegerParameter("max_depth", 1, 10),
            ContinuousParameter("min_child_weight", 0.1, 50.0, "Logarithmic"),
            ContinuousParameter("subsample", 0.5, 1.0)]


@dataclasses.dataclass
class RaceResult(Report):
    """Several tuning jobs on the same data and budget: their results and a summary table.

    ``table``: one row per entry with ``jobs``, ``total_rounds``, ``best``
    (best objective), ``rounds_to_target`` (cumulative rounds when the
    best-so-far first came within ``tolerance`` of the best any entry found;
    inf if never) and ``jobs_to_target``. ``results``: entry -> TuningJobResult.
    """

    target: float
    tolerance: float
    table: Any
    results: dict = dataclasses.field(repr=False)

    def to_dict(self) -> dict:
        from mlkit.report import to_jsonable

        return {"target": self.target, "tolerance": self.tolerance,
                "table": to_jsonable(self.table.reset_index(names="entry"))}


def race(entries: Sequence[str] = ("Random", "Random + median stopping", "Bayesian", "Hyperband"), *,
         trainer: XGBoostTrainer | None = None, ParameterRanges: Sequence | None = None,
         MaxNumberOfTrainingJobs: int = 10, MaxParallelTrainingJobs: int = 1, MinResource: int = 1,
         tolerance: float = 0.002, seed: int = 0, progress: bool = False) -> RaceResult:
    """Run several strategies on the same data, ranges and job budget; compare their compute.

    In: entry names from :data:`RACE_ENTRIES`, the trainer (its ``num_round``
    is every job's full length and Hyperband's MaxResource), the ranges
    (default :func:`default_ranges`; Grid needs categorical ones), the job
    budget, the seed. Out: a :class:`RaceResult`. Same seed, same numbers.

    >>> r = race(["Random", "Hyperband"], trainer=XGBoostTrainer(n_rows=1000, num_round=9),
    ...          MaxNumberOfTrainingJobs=4)
    >>> list(r.table.index)
    ['Random', 'Hyperband']
    """
    import pandas as pd

    entries = list(entries)
    if not entries:
        raise ValueError(f"entries must name at least one of {', '.join(RACE_ENTRIES)}, got none")
    for e in entries:
        check_one_of("entries", e, list(RACE_ENTRIES))
    check_float("tolerance", tolerance, 0.0)
    trainer = trainer if trainer is not None else XGBoostTrainer(n_rows=2000, num_round=27)
    ranges = list(ParameterRanges) if ParameterRanges is not None else default_ranges()
    results = {}
    for e in entries:
        strategy, early = RACE_ENTRIES[e]
        kw = {"HyperbandStrategyConfig": {"MinResource": MinResource, "MaxResource": trainer.num_round}} \
            if strategy == "Hyperband" else {}
        name = "race-" + "".join(ch if ch.isalnum() else "-" for ch in e.lower()).strip("-").replace("--", "-")
        while "--" in name:
            name = name.replace("--", "-")
        job = HyperParameterTuningJob(name[:32].rstrip("-"), Strategy=strategy, ParameterRanges=ranges,
                                      MaxNumberOfTrainingJobs=MaxNumberOfTrainingJobs,
                                      MaxParallelTrainingJobs=MaxParallelTrainingJobs,
                                      TrainingJobEarlyStoppingType=early, trainer=trainer, RandomSeed=seed, **kw)
        results[e] = job.run(progress=progress)
    first = next(iter(results.values()))
    maximize = first.maximize
    bests = [r.best_training_job.FinalObjectiveValue for r in results.values() if r.best_training_job]
    top = max(bests) if maximize else min(bests)
    target = top - tolerance if maximize else top + tolerance
    rows = {e: {"jobs": len(r.jobs), "total_rounds": r.total_rounds,
                "best": r.best_training_job.FinalObjectiveValue if r.best_training_job else float("nan"),
                "rounds_to_target": r.rounds_to_reach(target), "jobs_to_target": r.jobs_to_reach(target)}
            for e, r in results.items()}
    return RaceResult(target, tolerance, pd.DataFrame.from_dict(rows, orient="index"), results)

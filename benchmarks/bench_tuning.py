"""Benchmark: boosting rounds each tuning strategy spends until its best job is within 0.002 AUC of the target.

The landscape is one where hyperparameters matter: a seeded
``sklearn.datasets.make_classification`` problem (``--rows`` 20,000 rows, 20
features of which 10 informative, 4 clusters per class, 10 % flipped labels; a
quarter held out for validation). Validation AUC of a random configuration
ranges from about 0.64 to 0.91 there, and few configurations come within 0.002
of the best. Every strategy tunes the same four XGBoost hyperparameters: eta
(log, 0.001-0.5), max_depth (1-12), min_child_weight (log, 0.1-100) and
subsample (0.5-1), with jobs of ``--max-rounds`` (81) boosting rounds and the
same budget (``--full-jobs`` full jobs' worth of rounds).

The target is the best validation AUC any strategy found on any seed (a large
pooled search: every strategy's every job); the measure is the cumulative
boosting rounds a search has trained when its best job first comes within
``--tolerance`` (0.002) of that target, over ``--seeds`` seeds. A seed that never
gets there counts as the whole budget in the mean (so the mean is a lower bound
for it) and is listed in the "reached" column; the median is over all seeds
with the same convention. "jobs to target" counts training jobs started
(sample efficiency, the Bayesian goal).

Random with median stopping (``TrainingJobEarlyStoppingType="Auto"``) is given
the budget in rounds rather than in jobs: it starts jobs until its jobs have
trained the budget, as Optuna's pruned studies do.

The peer is Optuna (``RandomSampler`` + ``MedianPruner``, ``TPESampler`` and
``RandomSampler`` + ``HyperbandPruner``), one trial per XGBoost job reporting the
AUC after every round to the pruner, stopped when its rounds reach the same
budget. Optuna is a benchmark-only dependency (``pip install optuna``);
without it the peer rows are skipped.

Goals (issue #7): Hyperband at most 1/3 of Random's rounds; Random with median
stopping below Random; Bayesian at least as sample-efficient as Random; mlkit's
strategies match or beat Optuna's comparable ones.

    .venv/bin/python benchmarks/bench_tuning.py                      # 5 seeds, full budget
    .venv/bin/python benchmarks/bench_tuning.py --seeds 2 --full-jobs 20  # a quick look
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

from mlkit import tuning

SPACE = {"eta": (0.001, 0.5), "max_depth": (1, 12), "min_child_weight": (0.1, 100.0), "subsample": (0.5, 1.0)}
LOG = {"eta", "min_child_weight"}


def space():
    return [tuning.ContinuousParameter("eta", *SPACE["eta"], "Logarithmic"),
            tuning.IntegerParameter("max_depth", *SPACE["max_depth"]),
            tuning.ContinuousParameter("min_child_weight", *SPACE["min_child_weight"], "Logarithmic"),
            tuning.ContinuousParameter("subsample", *SPACE["subsample"])]


class BenchTrainer(tuning.XGBoostTrainer):
    """XGBoostTrainer on a make_classification problem (the kit's own datasets are too flat to rank strategies)."""

    def __init__(self, n_rows: int, num_round: int):
        super().__init__("loans", n_rows=n_rows, num_round=num_round, data_seed=0)

    def data(self):
        if self._data is None:
            import numpy as np
            from sklearn.datasets import make_classification

            X, y = make_classification(self.n_rows, n_features=20, n_informative=10, n_redundant=4,
                                       n_clusters_per_class=4, flip_y=0.1, class_sep=0.7, random_state=0)
            order = np.random.default_rng(0).permutation(len(y))
            n_val = int(round(self.validation_fraction * len(y)))
            val, tr = order[:n_val], order[n_val:]
            X, y = X.astype(np.float64), y.astype(np.float64)
            self._data = {"X_train": X[tr], "y_train": y[tr], "X_val": X[val], "y_val": y[val],
                          "features": [f"x{i}" for i in range(X.shape[1])]}
        return self._data


def hyperband_plan_rounds(n_jobs: int, lo: int, hi: int) -> int:
    """Boosting rounds Hyperband plans for ``n_jobs`` configurations (promoted jobs resume)."""
    brackets = tuning.hyperband_brackets(lo, hi)
    left, b, rounds = n_jobs, 0, 0
    while left > 0:
        bracket = brackets[b % len(brackets)]
        n = min(bracket["n"], left)
        left -= n
        prev = 0
        for i, (_, r_i) in enumerate(bracket["rungs"]):
            count = n if i == 0 else max(1, int(math.floor(n * tuning.HYPERBAND_ETA ** (-i) + 1e-9)))
            rounds += count * (r_i - prev)
            prev = r_i
        b += 1
    return rounds


def hyperband_jobs_for_budget(budget: int, lo: int, hi: int) -> int:
    """The most configurations Hyperband can start without planning more than ``budget`` rounds."""
    best = 1
    for n_jobs in range(1, 501):
        if hyperband_plan_rounds(n_jobs, lo, hi) > budget:
            break
        best = n_jobs
    return best


def run_mlkit(name, strategy, trainer, n_jobs, seed, *, early="Off", hb=None, budget=None):
    """One mlkit tuning job. With ``budget`` (boosting rounds), the job may start up to 500 jobs and is
    interrupted, as a user would press stop, once its jobs have trained ``budget`` rounds: a search that
    stops jobs early gets to try more of them with the same compute, as Optuna's pruned studies do."""
    kw = {"HyperbandStrategyConfig": hb} if hb else {}
    job = tuning.HyperParameterTuningJob(
        f"bench-{strategy.lower()}", Strategy=strategy, ParameterRanges=space(),
        MaxNumberOfTrainingJobs=500 if budget else n_jobs, TrainingJobEarlyStoppingType=early,
        trainer=trainer, RandomSeed=seed, **kw)
    started = time.perf_counter()
    real, spent = tuning._train_segment, [0]

    def guarded(*args, **kwargs):  # runs in this process: MaxParallelTrainingJobs is 1 here
        if budget and spent[0] >= budget:
            raise KeyboardInterrupt  # the documented stop: finished jobs are kept
        out = real(*args, **kwargs)
        spent[0] += out["rounds"]
        return out

    tuning._train_segment = guarded
    try:
        result = job.run(progress=False)
    finally:
        tuning._train_segment = real
    curve = result.best_so_far()
    # events: (cumulative rounds, objective of that piece, training jobs started so far)
    index = {n: i + 1 for i, n in enumerate(result.jobs["TrainingJobName"])}
    events = [(int(r), float(v), index[n]) for r, v, n in
              zip(curve["cumulative_rounds"], curve["objective"], curve["TrainingJobName"])]
    return {"name": name, "events": events, "seconds": time.perf_counter() - started}


def run_optuna(name, sampler_name, pruner_name, trainer, budget_rounds, seed, lo, hi):
    import optuna
    import xgboost as xgb

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    data = trainer.data()
    dtrain = xgb.DMatrix(data["X_train"], label=data["y_train"], nthread=1)
    dval = xgb.DMatrix(data["X_val"], label=data["y_val"], nthread=1)
    sampler = (optuna.samplers.RandomSampler(seed=seed) if sampler_name == "random"
               else optuna.samplers.TPESampler(seed=seed))
    pruner = {"median": lambda: optuna.pruners.MedianPruner(n_startup_trials=3),
              "hyperband": lambda: optuna.pruners.HyperbandPruner(min_resource=lo, max_resource=hi,
                                                                  reduction_factor=3),
              "none": lambda: optuna.pruners.NopPruner()}[pruner_name]()
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    spent, events = [0], []

    def objective(trial):
        params = {"objective": "binary:logistic", "eval_metric": "auc", "nthread": 1, "verbosity": 0,
                  "seed": trial.number, "max_depth": trial.suggest_int("max_depth", *SPACE["max_depth"])}
        for key in ("eta", "min_child_weight", "subsample"):
            params[key] = trial.suggest_float(key, *SPACE[key], log=key in LOG)
        curve = []

        class Report(xgb.callback.TrainingCallback):
            def after_iteration(self, model, epoch, evals_log):
                curve.append(float(evals_log["validation"]["auc"][-1]))
                trial.report(curve[-1], epoch + 1)
                return trial.should_prune()

        xgb.train(params, dtrain, num_boost_round=hi, evals=[(dval, "validation")], verbose_eval=False,
                  callbacks=[Report()])
        spent[0] += len(curve)
        events.append((spent[0], curve[-1], trial.number + 1))
        if len(curve) < hi:
            raise optuna.TrialPruned()
        return curve[-1]

    def stop_at_budget(study, trial):
        if spent[0] >= budget_rounds:
            study.stop()

    started = time.perf_counter()
    study.optimize(objective, n_trials=10_000, callbacks=[stop_at_budget])
    return {"name": name, "events": events, "seconds": time.perf_counter() - started}


def one_seed(seed, args, have_optuna):
    """Every strategy on one seed (runs in its own process when --n-jobs > 1)."""
    R, lo, N = args.max_rounds, args.min_rounds, args.full_jobs
    budget = N * R
    trainer = BenchTrainer(args.rows, R)
    trainer.data()
    hb = {"MinResource": lo, "MaxResource": R}
    runs = [
        run_mlkit("mlkit Random", "Random", trainer, N, seed),
        run_mlkit("mlkit Random + median stopping", "Random", trainer, N, seed, early="Auto", budget=budget),
        run_mlkit("mlkit Bayesian", "Bayesian", trainer, N, seed),
        run_mlkit("mlkit Hyperband", "Hyperband", trainer, hyperband_jobs_for_budget(budget, lo, R), seed, hb=hb),
    ]
    if have_optuna:
        runs += [
            run_optuna("Optuna Random + MedianPruner", "random", "median", trainer, budget, seed, lo, R),
            run_optuna("Optuna TPE", "tpe", "none", trainer, budget, seed, lo, R),
            run_optuna("Optuna Random + HyperbandPruner", "random", "hyperband", trainer, budget, seed, lo, R),
        ]
    return runs


def first_reach(events, target, budget):
    """(rounds, jobs) when the best so far first reached ``target`` within ``budget`` rounds; (inf, inf) if not."""
    best = -math.inf
    for rounds, value, jobs in events:
        if rounds > budget:
            break
        best = max(best, value)
        if best >= target:
            return rounds, jobs
    return math.inf, math.inf


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--full-jobs", type=int, default=40, help="budget: this many jobs of --max-rounds rounds")
    ap.add_argument("--max-rounds", type=int, default=81)
    ap.add_argument("--min-rounds", type=int, default=3)
    ap.add_argument("--tolerance", type=float, default=0.002)
    ap.add_argument("--n-jobs", type=int, default=2, help="seeds run side by side in this many processes")
    args = ap.parse_args(argv)
    try:
        import optuna  # noqa: F401
        have_optuna = True
    except ImportError:
        have_optuna = False
        print("optuna is not installed: the peer rows are skipped (pip install optuna)", file=sys.stderr)
    from joblib import Parallel, delayed

    R, lo, N = args.max_rounds, args.min_rounds, args.full_jobs
    budget = N * R
    print(f"make_classification: {args.rows:,} rows; budget {N} jobs x {R} rounds = {budget:,} rounds; "
          f"Hyperband MinResource={lo}, MaxResource={R}, {hyperband_jobs_for_budget(budget, lo, R)} "
          f"configurations; {args.seeds} seeds", flush=True)
    started = time.perf_counter()
    per_seed = Parallel(n_jobs=args.n_jobs)(delayed(one_seed)(s, args, have_optuna) for s in range(args.seeds))
    best = max(v for runs in per_seed for run in runs for _, v, _ in run["events"])
    target = best - args.tolerance
    names = [r["name"] for r in per_seed[0]]
    table = {}
    for name in names:
        runs = [next(r for r in rs if r["name"] == name) for rs in per_seed]
        reach = [first_reach(r["events"], target, budget) for r in runs]
        rounds = [min(r, budget) for r, _ in reach]
        jobs = [j for _, j in reach]
        table[name] = {"mean": statistics.mean(rounds), "median": statistics.median(rounds),
                       "reached": sum(math.isfinite(r) for r, _ in reach),
                       "jobs": statistics.median(jobs),
                       "best": statistics.mean(max(v for _, v, _ in r["events"]) for r in runs),
                       "seconds": statistics.mean(r["seconds"] for r in runs)}
        print(f"{name}: rounds to target per seed {[r for r, _ in reach]}", flush=True)
    base = table["mlkit Random"]
    print()
    print(f"Target: best AUC over every strategy and seed {best:.4f} minus {args.tolerance} = {target:.4f}; "
          f"budget {budget:,} rounds; {args.seeds} seeds; {time.perf_counter() - started:.0f} s in all")
    print()
    print("| strategy | rounds to target (mean) | (median) | mean / Random | median / Random | reached "
          "| jobs to target (median) | best AUC (mean) | seconds per search |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, row in table.items():
        print(f"| {name} | {row['mean']:,.0f} | {row['median']:,.0f} | {row['mean'] / base['mean']:.2f} | "
              f"{row['median'] / base['median']:.2f} | {row['reached']}/{args.seeds} | {row['jobs']:g} | "
              f"{row['best']:.4f} | {row['seconds']:.0f} |")
    print()
    print(f"Hyperband / Random rounds (mean): {table['mlkit Hyperband']['mean'] / base['mean']:.2f} (goal <= 0.33)")
    print(f"Random + median stopping / Random (mean): "
          f"{table['mlkit Random + median stopping']['mean'] / base['mean']:.2f} (goal < 1)")
    print(f"Bayesian jobs to target (median): {table['mlkit Bayesian']['jobs']:g} vs Random {base['jobs']:g} "
          f"(goal: Bayesian <= Random)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

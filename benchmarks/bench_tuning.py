"""Benchmark: boosting rounds each tuning strategy spends until its best job is within 0.002 AUC of the target.

The landscape is one where hyperparameters matter: a seeded
``sklearn.datasets.make_classification`` problem (``--rows`` 20,000 rows, 20
features of which 10 informative, 4 clusters per class, 10 % flipped labels; a
quarter held out for validation). Validation AUC of a random configuration
ranges from about 0.6 to 0.915 there, and few configurations come within 0.002
of the best. Every strategy tunes the same four XGBoost hyperparameters: eta
(log, 0.001-0.5), max_depth (1-12), min_child_weight (log, 0.1-100) and
subsample (0.5-1), with jobs of ``--max-rounds`` (81) boosting rounds and the
same budget (``--full-jobs`` full jobs' worth of rounds), one job at a time.

Hyperband runs twice: as the kit's default, one bracket (asynchronous successive
halving from MinResource, as AutoGluon's and Syne Tune's asynchronous Hyperband
default to), and with all of Li et al.'s brackets (``brackets=None``).

Budget. Random and Bayesian run ``--full-jobs`` jobs. The strategies that stop
jobs early (Random + median stopping, Hyperband) get the same budget in rounds,
not in jobs: ``MaxNumberOfTrainingJobs=750`` and ``MaxRuntimeInSeconds`` = the
budget with one simulated second per round, so they start jobs until their
jobs have trained the budget, as Optuna's pruned studies do.

Target and measure. The target is the best validation AUC any strategy found
on any seed, minus ``--tolerance`` (0.002); the table is printed again for
``--loose-tolerance`` (0.005). A search's cost is the cumulative boosting
rounds it has trained when its best job first reaches the target (a job's value
at the end of each piece counts), averaged over seeds; a seed that does not get
there within the budget counts as the budget, and the mean is then marked as a
lower bound (">="). Random's jobs are independent draws, so its cost is not
capped: the jobs it needs until a first hit are geometric with mean 1/p, and p
is estimated from every Random job of every seed (with a 90 % interval). The
"/ Random" column divides by that expected cost. "jobs to target" counts
training jobs started (sample efficiency, the Bayesian goal).

The peer is Optuna (``RandomSampler`` + ``MedianPruner``, ``TPESampler``,
``RandomSampler`` + ``SuccessiveHalvingPruner``, its asynchronous successive
halving, and ``RandomSampler`` + ``HyperbandPruner``), one trial per XGBoost job reporting the
AUC after every round to the pruner, stopped when its rounds reach the same
budget. Optuna is a benchmark-only dependency (``pip install optuna``);
without it the peer rows are skipped.

Goals (issue #7): Hyperband at most 1/3 of Random's rounds; Random with median
stopping below Random; Bayesian at least as sample-efficient as Random; mlkit's
strategies match or beat Optuna's comparable ones.

    .venv/bin/python benchmarks/bench_tuning.py                        # 3 seeds, 30 full jobs of budget
    .venv/bin/python benchmarks/bench_tuning.py --seeds 1 --full-jobs 20  # a quick look
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


def run_mlkit(name, strategy, trainer, n_jobs, seed, *, early="Off", hb=None, budget=None, **extra):
    """One mlkit tuning job, one training job at a time.

    With ``budget`` (boosting rounds) the tuning job may start up to 750 training jobs (SageMaker's
    MaxNumberOfTrainingJobs ceiling) and ``MaxRuntimeInSeconds`` is the budget: a round costs one
    simulated second, so the tuning job stops when its jobs have trained ``budget`` rounds (the job
    running then is cut short there). A search that stops jobs early thus tries more configurations
    with the same compute, as Optuna's pruned studies do."""
    kw = {"HyperbandStrategyConfig": hb} if hb else {}
    if budget:
        kw["MaxRuntimeInSeconds"] = budget
    job = tuning.HyperParameterTuningJob(
        f"bench-{strategy.lower()}", Strategy=strategy, ParameterRanges=space(),
        MaxNumberOfTrainingJobs=750 if budget else n_jobs, TrainingJobEarlyStoppingType=early,
        trainer=trainer, RandomSeed=seed, seconds_per_round=1.0, **extra, **kw)
    started = time.perf_counter()
    result = job.run(progress=False)
    curve = result.best_so_far()
    # events: (cumulative rounds, objective of that piece, training jobs started so far)
    index = {n: i + 1 for i, n in enumerate(result.jobs["TrainingJobName"])}
    events = [(int(r), float(v), index[n]) for r, v, n in
              zip(curve["cumulative_rounds"], curve["objective"], curve["TrainingJobName"])]
    finals = [float(v) for v in result.jobs["FinalObjectiveValue"]]
    return {"name": name, "events": events, "seconds": time.perf_counter() - started,
            "finals": finals, "jobs": len(result.jobs), "rounds": result.total_rounds}


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
              "asha": lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=lo, reduction_factor=3),
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
    return {"name": name, "events": events, "seconds": time.perf_counter() - started,
            "jobs": len(study.trials), "rounds": spent[0]}


ENTRIES = ["mlkit Random", "mlkit Random + median stopping", "mlkit Random + median stopping (Optuna's rule)",
           "mlkit Bayesian", "mlkit Hyperband",
           "mlkit Hyperband (all brackets)", "Optuna Random + MedianPruner", "Optuna TPE",
           "Optuna Random + SuccessiveHalvingPruner", "Optuna Random + HyperbandPruner"]


def one_search(name, seed, args):
    """One strategy on one seed (the searches run side by side in --n-jobs processes)."""
    R, lo, N = args.max_rounds, args.min_rounds, args.full_jobs
    budget = N * R
    trainer = BenchTrainer(args.rows, R)
    trainer.data()
    hb = {"MinResource": lo, "MaxResource": R}
    if name == "mlkit Random":
        return run_mlkit(name, "Random", trainer, N, seed)
    if name == "mlkit Random + median stopping":
        return run_mlkit(name, "Random", trainer, N, seed, early="Auto", budget=budget)
    if name == "mlkit Random + median stopping (Optuna's rule)":
        return run_mlkit(name, "Random", trainer, N, seed, early="Auto", budget=budget, median_of="value",
                         median_jobs="completed")
    if name == "mlkit Bayesian":
        return run_mlkit(name, "Bayesian", trainer, N, seed)
    if name == "mlkit Hyperband":
        return run_mlkit(name, "Hyperband", trainer, N, seed, hb=hb, budget=budget)
    if name == "mlkit Hyperband (all brackets)":
        return run_mlkit(name, "Hyperband", trainer, N, seed, hb=hb, budget=budget, brackets=None)
    sampler, pruner = {"Optuna Random + MedianPruner": ("random", "median"), "Optuna TPE": ("tpe", "none"),
                       "Optuna Random + SuccessiveHalvingPruner": ("random", "asha"),
                       "Optuna Random + HyperbandPruner": ("random", "hyperband")}[name]
    return run_optuna(name, sampler, pruner, trainer, budget, seed, lo, R)


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


def random_expected(runs, target, R):
    """Random search's expected rounds and jobs to a first job at ``target``, from its jobs' hit rate.

    Random's jobs are independent draws, so the jobs it needs until the first hit are geometric
    with mean 1/p; p is estimated from every Random job of every seed (not capped by the budget).
    Returns (rounds, jobs, hits, n, (low, high) rounds for a 90 % Clopper-Pearson interval on p)."""
    from scipy.stats import beta

    finals = [v for r in runs for v in r["finals"]]
    n, hits = len(finals), sum(v >= target for v in finals)
    p_lo = beta.ppf(0.05, hits, n - hits + 1) if hits else 0.0
    p_hi = beta.ppf(0.95, hits + 1, n - hits)
    jobs = n / hits if hits else math.inf
    return R * jobs, jobs, hits, n, (R / p_hi, R / p_lo if p_lo > 0 else math.inf)


def table_for(per_name, target, budget, args):
    R = args.max_rounds
    rand_rounds, rand_jobs, hits, n, (ci_lo, ci_hi) = random_expected(per_name["mlkit Random"], target, R)
    rows = {}
    for name, runs in per_name.items():
        reach = [first_reach(r["events"], target, budget) for r in runs]
        rounds = [min(r, budget) for r, _ in reach]
        jobs = [j for _, j in reach]
        done = sum(math.isfinite(r) for r, _ in reach)
        # every seed's search counted as one try: the rounds it spent until its hit, or all it spent without one,
        # per hit (as Random's expected cost counts its jobs): what repeating the search until a hit costs
        spent = sum(min(x, run["rounds"]) for (x, _), run in zip(reach, runs))
        rows[name] = {"mean": statistics.mean(rounds), "reached": done, "seeds": len(runs),
                      "per_hit": spent / done if done else math.inf,
                      "lower_bound": done < len(runs),
                      "jobs": statistics.median(jobs),
                      "best": statistics.mean(max(v for _, v, _ in r["events"]) for r in runs),
                      "seconds": statistics.mean(r["seconds"] for r in runs),
                      "started": statistics.mean(r["jobs"] for r in runs)}
    lines = [f"Random's expected cost from its hit rate: {hits} of {n} Random jobs reached {target:.4f}: "
             f"{rand_rounds:,.0f} rounds ({rand_jobs:.1f} jobs; 90 % interval {ci_lo:,.0f} - {ci_hi:,.0f} rounds)",
             "",
             "| strategy | rounds to target (mean over seeds) | / Random (expected) | reached in budget "
             "| rounds per hit | / Random | jobs to target (median) | jobs started (mean) | best AUC (mean) "
             "| seconds per search |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    # no Random job reached the target: Random's cost is only known to be above the interval's low end
    base, base_mark = (rand_rounds, "") if hits else (ci_lo, ">= ")
    lines.append(f"| mlkit Random, expected from its hit rate | {base_mark}{base:,.0f} | 1.00 | {hits}/{n} jobs "
                 f"| {base_mark}{base:,.0f} | 1.00 | {base_mark}{base / R:.1f} | | | |")
    for name, row in rows.items():
        mark = ">= " if row["lower_bound"] else ""
        ratio = f"{row['mean'] / base:.2f}"
        ratio = ("?" if row["lower_bound"] else "<= " + ratio) if not hits else mark + ratio
        row["ratio"] = ratio
        per_hit = f"{row['per_hit']:,.0f}" if math.isfinite(row["per_hit"]) else "none reached"
        per_hit_ratio = (f"{row['per_hit'] / base:.2f}" if hits else "?") if math.isfinite(row["per_hit"]) else ""
        lines.append(f"| {name} | {mark}{row['mean']:,.0f} | {ratio} | {row['reached']}/{row['seeds']} "
                     f"| {per_hit} | {per_hit_ratio} "
                     f"| {row['jobs']:g} | {row['started']:.0f} | {row['best']:.4f} | {row['seconds']:.0f} |")
    return rows, base, f"{base_mark}{base / R:.1f}", lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--full-jobs", type=int, default=30, help="budget: this many jobs of --max-rounds rounds")
    ap.add_argument("--max-rounds", type=int, default=81)
    ap.add_argument("--min-rounds", type=int, default=3)
    ap.add_argument("--tolerance", type=float, default=0.002)
    ap.add_argument("--loose-tolerance", type=float, default=0.005)
    ap.add_argument("--n-jobs", type=int, default=2, help="searches run side by side in this many processes")
    ap.add_argument("--only", default="", help="comma-separated entries to run (default: all)")
    ap.add_argument("--skip-random", action="store_true",
                    help="with --only: leave out the Random baseline (for a run to be merged into another with --load)")
    ap.add_argument("--best", type=float, default=None,
                    help="the best AUC the targets are measured from (default: the best any search found in this run)")
    ap.add_argument("--save", default="", help="write every search's events to this JSON file")
    ap.add_argument("--load", default="", help="print the tables of runs saved with --save (no training; "
                    "comma-separated files are merged, the first file's arguments apply)")
    args = ap.parse_args(argv)
    if args.load:
        import json

        files = args.load.split(",")
        with open(files[0]) as f:
            saved = json.load(f)
        seen = {tuple(t) for t in saved["tasks"]}
        for extra in files[1:]:  # a later file adds the searches the first one lacks
            with open(extra) as f:
                more = json.load(f)
            for task, out in zip(more["tasks"], more["outs"]):
                if tuple(task) not in seen:
                    seen.add(tuple(task))
                    saved["tasks"].append(task)
                    saved["outs"].append(out)
        args = argparse.Namespace(**{**saved["args"], "load": args.load})
    args.seed_list = list(range(args.seeds))
    try:
        import optuna  # noqa: F401
        have_optuna = True
    except ImportError:
        have_optuna = False
        print("optuna is not installed: the peer rows are skipped (pip install optuna)", file=sys.stderr)
    from joblib import Parallel, delayed

    R, lo, N = args.max_rounds, args.min_rounds, args.full_jobs
    budget = N * R
    names = [e for e in ENTRIES if have_optuna or not e.startswith("Optuna")]
    if args.only:
        keep_random = not getattr(args, "skip_random", False)  # runs saved before --skip-random existed lack it
        names = [e for e in names if e in args.only.split(",") or (e == "mlkit Random" and keep_random)]
    print(f"make_classification: {args.rows:,} rows; budget {N} jobs x {R} rounds = {budget:,} rounds; "
          f"Hyperband MinResource={lo}, MaxResource={R}; {args.seeds} seeds", flush=True)
    started = time.perf_counter()
    tasks = [(name, seed) for seed in args.seed_list for name in names]
    outs, elapsed_saved = [], None
    if args.load:
        tasks, outs = [tuple(t) for t in saved["tasks"]], saved["outs"]
        elapsed_saved = saved.get("elapsed")
        names = [e for e in ENTRIES if any(name == e for name, _ in tasks)]
    else:
        searches = Parallel(n_jobs=args.n_jobs, return_as="generator")(
            delayed(one_search)(name, seed, args) for name, seed in tasks)
        for (name, seed), out in zip(tasks, searches):
            outs.append(out)
            print(f"  seed {seed} {name}: {out['jobs']} jobs, {out['rounds']:,} rounds, best AUC "
                  f"{max(v for _, v, _ in out['events']):.4f}, {out['seconds']:.0f} s", flush=True)
    if args.save and not args.load:
        import json

        with open(args.save, "w") as f:
            json.dump({"args": {k: v for k, v in vars(args).items()}, "tasks": tasks, "outs": outs,
                       "elapsed": time.perf_counter() - started}, f)
    per_name = {name: [o for (n, _), o in zip(tasks, outs) if n == name] for name in names}
    if "mlkit Random" not in per_name:
        print("no Random baseline in this run: merge it into one that has it (--load FIRST.json,THIS.json)")
        return 0
    best = max(v for runs in per_name.values() for run in runs for _, v, _ in run["events"])
    if getattr(args, "best", None) is not None:
        print(f"(best found in this run {best:.4f}; targets measured from --best {args.best:.4f})")
        best = args.best
    elapsed = (elapsed_saved or float("nan")) if args.load else time.perf_counter() - started
    for tol in (args.tolerance, args.loose_tolerance):
        target = best - tol
        rows, rand_rounds, rand_jobs, lines = table_for(per_name, target, budget, args)
        print()
        print(f"Target: best AUC over every strategy and seed {best:.4f} minus {tol} = {target:.4f}; "
              f"budget {budget:,} rounds per search; {args.seeds} seeds; {elapsed:.0f} s in all")
        for name in names:
            print(f"  {name}: rounds to target per seed "
                  f"{[first_reach(r['events'], target, budget)[0] for r in per_name[name]]}")
        print()
        print("\n".join(lines))
        print()
        if "mlkit Hyperband" in rows:
            print(f"Hyperband / Random rounds: {rows['mlkit Hyperband']['ratio']} (goal <= 0.33)")
        if "mlkit Random + median stopping" in rows:
            print(f"Random + median stopping / Random: {rows['mlkit Random + median stopping']['ratio']} (goal < 1)")
        if "mlkit Bayesian" in rows:
            print(f"Bayesian jobs to target (median): {rows['mlkit Bayesian']['jobs']:g} vs Random "
                  f"{rand_jobs} expected (goal: Bayesian <= Random)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

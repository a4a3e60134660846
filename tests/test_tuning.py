"""Automatic model tuning: ranges, strategies, early stopping, Hyperband, warm start, export."""

import math
import re

import joblib
import numpy as np
import psutil
import pytest

from mlkit import tuning
from mlkit.aws import validate_request
from mlkit.tuning import (CategoricalParameter, ContinuousParameter, HyperParameterTuningJob, IntegerParameter,
                          WarmStartConfig, XGBoostTrainer)


@pytest.fixture(scope="module")
def trainer():
    t = XGBoostTrainer("loans", n_rows=1000, num_round=12)
    t.data()
    return t


def ranges():
    return [ContinuousParameter("eta", 0.01, 0.5, "Logarithmic"), IntegerParameter("max_depth", 1, 8),
            ContinuousParameter("min_child_weight", 0.1, 20.0, "Logarithmic")]


def run(trainer, strategy="Random", n=6, **kw):
    kw.setdefault("ParameterRanges", ranges())
    return HyperParameterTuningJob("t", Strategy=strategy, MaxNumberOfTrainingJobs=n, trainer=trainer,
                                   **kw).run(progress=False)


def comparable(result):
    return result.jobs.drop(columns=["wall_seconds"])


# -- ranges ------------------------------------------------------------------

def test_a_logarithmic_range_must_be_positive():
    with pytest.raises(ValueError, match="eta: a Logarithmic range needs MinValue > 0.*MinValue=0"):
        ContinuousParameter("eta", 0, 1, "Logarithmic")


def test_a_reverse_logarithmic_range_must_lie_in_zero_one():
    with pytest.raises(ValueError, match=r"momentum: a ReverseLogarithmic range must lie within \[0, 1\)"):
        ContinuousParameter("momentum", 0.5, 1.0, "ReverseLogarithmic")


def test_reverse_logarithmic_is_refused_on_an_integer_range():
    with pytest.raises(ValueError, match="ContinuousParameter ranges only"):
        IntegerParameter("depth", 0, 0, "ReverseLogarithmic")


def test_an_unknown_scaling_type_is_refused():
    with pytest.raises(ValueError, match="eta.ScalingType must be one of 'Auto', 'Linear'"):
        ContinuousParameter("eta", 0.1, 0.2, "Log")


def test_max_below_min_is_refused():
    with pytest.raises(ValueError, match=r"depth.MaxValue must be >= MinValue \(5\), got 2"):
        IntegerParameter("depth", 5, 2)


def test_the_middle_of_a_logarithmic_range_is_the_geometric_mean():
    # log scale: u = 0.5 is exp of the mean of the logs, sqrt(0.001 * 0.1) = 0.01
    assert ContinuousParameter("eta", 0.001, 0.1, "Logarithmic").from_unit(0.5) == pytest.approx(0.01, rel=1e-9)


def test_reverse_logarithmic_spreads_values_towards_one():
    # 1 - v is log-scaled: the middle of [0, 0.99] is 1 - sqrt(1 * 0.01) = 0.9
    p = ContinuousParameter("momentum", 0.0, 0.99, "ReverseLogarithmic")
    assert p.from_unit(0.5) == pytest.approx(0.9, rel=1e-9)
    assert p.to_unit(0.9) == pytest.approx(0.5, rel=1e-9)


def test_integer_sampling_reaches_every_value_uniformly():
    p, rng = IntegerParameter("d", 1, 4), np.random.default_rng(0)
    counts = np.bincount([p.sample(rng) for _ in range(4000)], minlength=5)[1:]
    # equal bins: each value ~1/4 of 4000 draws, binomial sd sqrt(4000 * 1/4 * 3/4) = 27; 5 sd = 137
    assert np.abs(counts - 1000).max() < 137


def test_a_categorical_range_needs_one_to_thirty_values():
    with pytest.raises(ValueError, match="1 to 30 values.*got 31"):
        CategoricalParameter("c", list(range(31)))


# -- grid --------------------------------------------------------------------

def test_grid_refuses_a_continuous_range():
    with pytest.raises(ValueError, match="Grid strategy takes CategoricalParameter ranges only; 'eta'"):
        HyperParameterTuningJob("g", Strategy="Grid", ParameterRanges=[ContinuousParameter("eta", 0.1, 0.3)])


def test_grid_trains_every_combination_once(trainer):
    grid = [CategoricalParameter("max_depth", [2, 4]), CategoricalParameter("eta", [0.1, 0.2, 0.3])]
    result = run(trainer, "Grid", n=None, ParameterRanges=grid)
    combos = set(zip(result.jobs["max_depth"], result.jobs["eta"]))
    assert len(result.jobs) == 6 and combos == {(d, e) for d in (2, 4) for e in (0.1, 0.2, 0.3)}


def test_grid_refuses_more_jobs_than_combinations():
    with pytest.raises(ValueError, match="MaxNumberOfTrainingJobs must be an integer >= 1 and <= 2, got 3"):
        HyperParameterTuningJob("g", Strategy="Grid", MaxNumberOfTrainingJobs=3,
                                ParameterRanges=[CategoricalParameter("max_depth", [2, 4])])


# -- reproducibility and parallel jobs ----------------------------------------

@pytest.mark.parametrize("strategy", ["Random", "Bayesian"])
def test_the_same_seed_gives_the_same_jobs(trainer, strategy):
    a, b = run(trainer, strategy, RandomSeed=3), run(trainer, strategy, RandomSeed=3)
    assert comparable(a).equals(comparable(b))


def test_another_seed_gives_other_jobs(trainer):
    assert not comparable(run(trainer, RandomSeed=1)).equals(comparable(run(trainer, RandomSeed=2)))


def _children() -> set:
    """This process's child processes other than resource trackers (one per interpreter, not workers)."""
    return {c.pid for c in psutil.Process().children(recursive=True)
            if c.is_running() and "resource_tracker" not in " ".join(c.cmdline())}


#: Children that were there before the parallel runs (e.g. a JupyterLab and a browser started by
#: the browser tests in the same session): a tuning job must leave no child beyond these.
_BEFORE: set = set()


def _workers_alive() -> list:
    return sorted(_children() - _BEFORE)


@pytest.fixture(scope="module")
def parallel_random(trainer):
    # one run on joblib's default (loky) processes, shared by the tests below: spawning workers is the cost
    _BEFORE.update(_children())
    return run(trainer, "Random", n=4, RandomSeed=5, MaxParallelTrainingJobs=2)


def test_two_parallel_jobs_give_the_serial_result_for_random(trainer, parallel_random):
    serial = run(trainer, "Random", n=4, RandomSeed=5, MaxParallelTrainingJobs=1)
    cols = ["TrainingJobName", "eta", "max_depth", "min_child_weight", "FinalObjectiveValue", "rounds"]
    assert serial.jobs[cols].equals(parallel_random.jobs[cols])
    assert list(parallel_random.jobs["wave"]) == [0, 0, 1, 1]  # two jobs per wave: they ran side by side


def test_no_worker_process_outlives_a_parallel_tuning_job(parallel_random):
    assert _workers_alive() == []


class _Unpicklable:
    def __reduce__(self):
        raise TypeError("this hyperparameter value cannot travel to a worker")


def test_no_worker_process_outlives_a_failed_parallel_tuning_job():
    _BEFORE.update(_children())
    # the job's parameters cannot be sent to the workers: the run fails after the pool started, and the
    # pool is still shut down (a failure before xgboost loads in the workers keeps this test fast)
    bad = XGBoostTrainer("loans", n_rows=300, num_round=2, static_hyperparameters={"gamma": _Unpicklable()})
    with pytest.raises(Exception, match="Could not pickle the task"):
        run(bad, "Random", n=2, MaxParallelTrainingJobs=2)
    assert _workers_alive() == []


def test_parallel_bayesian_jobs_are_reproducible_on_another_joblib_backend(trainer):
    # the backend is the user's choice (Dask, Ray...); threads stand in for one here. Waves are
    # synchronous, so the same seed gives the same jobs whatever the backend's timing
    _BEFORE.update(_children())
    with joblib.parallel_config(backend="threading"):
        a = run(trainer, "Bayesian", n=5, RandomSeed=2, MaxParallelTrainingJobs=2, n_initial=2)
        b = run(trainer, "Bayesian", n=5, RandomSeed=2, MaxParallelTrainingJobs=2, n_initial=2)
    assert comparable(a).equals(comparable(b))
    assert list(a.jobs["wave"]) == [0, 0, 1, 1, 2]
    assert _workers_alive() == []  # threads, not processes


# -- bayesian ------------------------------------------------------------------

def test_the_surrogate_proposes_next_to_the_known_optimum():
    # f(x) = -(x - 0.7)^2 seen at 7 points: expected improvement is highest around the maximum at 0.7
    space = tuning._Space([ContinuousParameter("x", 0.0, 1.0)])
    observed = [({"x": x}, -(x - 0.7) ** 2) for x in (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0)]
    pick = tuning._bayesian_batch(space, observed, 1, np.random.default_rng(0))[0]["x"]
    assert abs(pick - 0.7) < 0.1


def test_a_batch_of_proposals_spreads_out():
    space = tuning._Space([ContinuousParameter("x", 0.0, 1.0)])
    observed = [({"x": x}, -(x - 0.7) ** 2) for x in (0.0, 0.3, 0.5, 1.0)]
    picks = [c["x"] for c in tuning._bayesian_batch(space, observed, 3, np.random.default_rng(0))]
    assert len(set(picks)) == 3


# -- early stopping ------------------------------------------------------------

def test_the_median_of_running_averages_by_hand():
    # running averages: job1 0.6, 0.7; job2 0.7, 0.7; job3 0.9 -> medians 0.7 (of 0.6 0.7 0.9) and 0.7
    assert tuning.median_stopping_curve([[0.6, 0.8], [0.7, 0.7], [0.9]]) == pytest.approx([0.7, 0.7])


def test_the_median_needs_min_jobs_at_a_round():
    curve = tuning.median_stopping_curve([[0.6, 0.8], [0.7]], min_jobs=2)
    assert curve[0] == pytest.approx(0.65) and math.isnan(curve[1])


def test_the_median_rule_compares_the_value_at_this_round_not_the_best_so_far():
    # a job at 0.9 after round 1 that falls to 0.5 after round 2, median of running averages 0.6 at
    # round 2: SageMaker's rule looks at the current value (0.5 < 0.6: stop), though its best (0.9) is above
    assert tuning.median_rule_stops(0.5, 1, [0.6, 0.6]) is True
    assert tuning.median_rule_stops(0.9, 0, [0.6, 0.6]) is False


def test_the_median_rule_against_earlier_curves_by_hand():
    # earlier jobs [0.6, 0.8, 0.9] and [0.7, 0.7, 0.7]: running averages (0.6, 0.7, 0.767) and (0.7, 0.7, 0.7);
    # medians (0.65, 0.7, 0.733). A job at 0.66, 0.71, 0.72 passes rounds 1 and 2 and stops after round 3
    median = tuning.median_stopping_curve([[0.6, 0.8, 0.9], [0.7, 0.7, 0.7]])
    assert median == pytest.approx([0.65, 0.7, (0.7 + 2.3 / 3) / 2])
    assert [tuning.median_rule_stops(v, t, median) for t, v in enumerate([0.66, 0.71, 0.72])] == [False, False, True]


def test_the_median_rule_when_minimizing_stops_higher_values():
    # logloss: 0.5 is worse than a median of 0.4, 0.3 is better
    assert tuning.median_rule_stops(0.5, 0, [0.4], maximize=False) is True
    assert tuning.median_rule_stops(0.3, 0, [0.4], maximize=False) is False


def test_the_median_rule_takes_no_decision_without_enough_earlier_jobs():
    # NaN where fewer than min_jobs earlier jobs reached the round; nothing beyond the longest earlier job
    median = tuning.median_stopping_curve([[0.9, 0.9], [0.8]], min_jobs=2)
    assert tuning.median_rule_stops(0.1, 1, median) is False and tuning.median_rule_stops(0.1, 5, median) is False


def test_auto_early_stopping_stops_jobs_by_the_median_rule(trainer):
    result = run(trainer, "Random", n=10, RandomSeed=0, TrainingJobEarlyStoppingType="Auto",
                 min_jobs_for_stopping=1)
    stopped = result.jobs[result.jobs["TrainingJobStatus"] == "Stopped"]
    assert len(stopped) > 0 and (stopped["rounds"] < 12).all()
    # every stop is the documented rule: the job's value at a round is worse than the median of the
    # running averages of the jobs that finished before it started (earlier waves), at that round
    for _, row in stopped.iterrows():
        i = result.jobs.index.get_loc(row.name)
        again = tuning.XGBoostTrainer.train(trainer, {k: row[k] for k in ("eta", "max_depth", "min_child_weight")},
                                            seed=i)["curve"]
        earlier = [trainer.train({k: r[k] for k in ("eta", "max_depth", "min_child_weight")}, seed=j)["curve"]
                   [: int(r["rounds"])] for j, (_, r) in enumerate(result.jobs.iloc[:i].iterrows())]
        median, last = tuning.median_stopping_curve(earlier), int(row["rounds"]) - 1
        # stopped after the first round whose value is below the median, not before
        assert again[last] < median[last]
        assert not any(tuning.median_rule_stops(again[t], t, median) for t in range(last))


def test_the_median_of_values_by_hand():
    # Optuna's MedianPruner takes the values at the round: medians of (0.6, 0.7, 0.9) and (0.8, 0.7)
    assert tuning.median_stopping_curve([[0.6, 0.8], [0.7, 0.7], [0.9]], running_average=False) == \
        pytest.approx([0.7, 0.75])


def test_optunas_median_rule_replays_by_hand(trainer):
    # median_of="value", median_jobs="completed": every stop is a value below the median of the values of the
    # earlier *completed* jobs at that round, and no earlier round was below it
    result = run(trainer, "Random", n=10, RandomSeed=0, TrainingJobEarlyStoppingType="Auto",
                 min_jobs_for_stopping=1, median_of="value", median_jobs="completed")
    keys = ("eta", "max_depth", "min_child_weight")
    curves = [trainer.train({k: r[k] for k in keys}, seed=j)["curve"][: int(r["rounds"])]
              for j, (_, r) in enumerate(result.jobs.iterrows())]
    status = list(result.jobs["TrainingJobStatus"])
    assert "Stopped" in status
    for i in range(1, len(curves)):
        earlier = [c for c, st in zip(curves[:i], status[:i]) if st == "Completed"]
        median = tuning.median_stopping_curve(earlier, running_average=False)
        full = trainer.train({k: result.jobs.iloc[i][k] for k in keys}, seed=i)["curve"]
        stops = [tuning.median_rule_stops(full[t], t, median) for t in range(len(full))]
        expected = stops.index(True) + 1 if any(stops) else len(full)
        assert len(curves[i]) == expected


def test_optunas_median_rule_is_stricter_than_sagemakers(trainer):
    # rising AUC curves: a value at a round is above the running average up to it, and completed jobs are
    # the better ones, so Optuna's threshold is higher: on the same draws it stops more and trains fewer rounds
    sagemaker = run(trainer, "Random", n=10, RandomSeed=0, TrainingJobEarlyStoppingType="Auto")
    optuna = run(trainer, "Random", n=10, RandomSeed=0, TrainingJobEarlyStoppingType="Auto",
                 median_of="value", median_jobs="completed")
    assert optuna.total_rounds < sagemaker.total_rounds


@pytest.mark.parametrize("kw, message", [
    ({"median_of": "mean"}, "median_of must be one of 'running_average', 'value'; got 'mean'"),
    ({"median_jobs": "finished"}, "median_jobs must be one of 'all', 'completed'; got 'finished'"),
    ({"median_of": "value", "TrainingJobEarlyStoppingType": "Off"},
     "median_of and median_jobs shape the median rule of TrainingJobEarlyStoppingType='Auto', got "
     "median_of='value', median_jobs='all' with TrainingJobEarlyStoppingType='Off'"),
])
def test_median_rule_options_are_validated(kw, message):
    kw = {"TrainingJobEarlyStoppingType": "Auto", **kw}
    with pytest.raises(ValueError, match=message):
        HyperParameterTuningJob("h", Strategy="Random", ParameterRanges=ranges(), **kw)


def test_auto_early_stopping_spends_fewer_rounds(trainer):
    off = run(trainer, "Random", n=10, RandomSeed=0)
    auto = run(trainer, "Random", n=10, RandomSeed=0, TrainingJobEarlyStoppingType="Auto")
    assert auto.total_rounds < off.total_rounds == 10 * 12


# -- hyperband ------------------------------------------------------------------

def test_hyperband_brackets_as_in_the_paper():
    # Li et al. 2018, R = 81, eta = 3: five brackets starting 81, 34, 15, 8 and 5 configurations
    brackets = tuning.hyperband_brackets(1, 81)
    assert [b["n"] for b in brackets] == [81, 34, 15, 8, 5]
    assert brackets[0]["rungs"] == [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]


def test_asha_promotes_the_best_of_the_first_eta_jobs():
    # 3 jobs at a rung, eta = 3: floor(3 / 3) = 1 may go on, the best (b)
    assert tuning.asha_promotion([(0.7, "a"), (0.9, "b"), (0.8, "c")]) == "b"


def test_asha_promotes_no_one_before_eta_jobs_reached_the_rung():
    # floor(2 / 3) = 0: nobody is promotable yet, a new job starts instead
    assert tuning.asha_promotion([(0.7, "a"), (0.9, "b")]) is None


def test_asha_promotes_a_job_that_entered_the_top_third_later():
    # 6 jobs: the top floor(6 / 3) = 2 are f (0.95) and b (0.9); b went on already, so f goes next,
    # although it reached the rung after b was promoted
    rung = [(0.7, "a"), (0.9, "b"), (0.8, "c"), (0.6, "d"), (0.5, "e"), (0.95, "f")]
    assert tuning.asha_promotion(rung, promoted={"b"}) == "f"
    assert tuning.asha_promotion(rung, promoted={"b", "f"}) is None  # c is third: not in the top 2


def test_asha_breaks_ties_by_arrival():
    assert tuning.asha_promotion([(0.8, "a"), (0.8, "b"), (0.1, "c")]) == "a"


@pytest.fixture(scope="module")
def asha(trainer):
    return run(trainer, "Hyperband", n=12, RandomSeed=0, brackets=None,
               HyperbandStrategyConfig={"MinResource": 2, "MaxResource": 18})


def first_rungs(result):
    return result.events.groupby("TrainingJobName", sort=False)["rounds"].first().value_counts().to_dict()


def test_hyperband_starts_every_job_at_min_resource_by_default(trainer):
    # brackets=1 (the default): asynchronous successive halving from MinResource, as Amazon's own
    # asynchronous Hyperband schedulers (AutoGluon, Syne Tune) default to; 2..18 rounds has rungs 2, 6, 18
    result = run(trainer, "Hyperband", n=12, RandomSeed=0, HyperbandStrategyConfig={"MinResource": 2,
                                                                                     "MaxResource": 18})
    assert first_rungs(result) == {2: 12}
    assert set(result.jobs["rounds"]) <= {2, 6, 18} and 18 in set(result.jobs["rounds"])


def test_hyperband_trains_a_job_to_max_resource_once_no_new_job_may_start(trainer):
    # 12 jobs on rungs 1, 3, 9, 27: ASHA promotes floor(12/3) = 4 to 3 rounds and floor(4/3) = 1 to 9; with
    # a single job at 9 rounds it would never promote to 27. Once the 12 jobs have started, each rung lets
    # its best job go on, so exactly that job trains 27 rounds: 12 x 1 + 4 x 2 + 1 x 6 + 1 x 18 = 44 rounds
    result = run(trainer, "Hyperband", n=12, RandomSeed=0, HyperbandStrategyConfig={"MinResource": 1,
                                                                                     "MaxResource": 27})
    jobs = result.jobs
    assert (jobs["rounds"] == 27).sum() == 1 and result.total_rounds == 44
    assert jobs.loc[jobs["rounds"] == 27, "TrainingJobStatus"].item() == "Completed"
    assert (jobs.loc[jobs["rounds"] < 27, "TrainingJobStatus"] == "Stopped").all()


def test_hyperband_with_two_brackets_shares_jobs_between_the_two_most_aggressive(trainer):
    # the brackets' shares are 9 and 5 (Li et al.): 12 jobs, each joining the bracket furthest behind its
    # share, go 8 and 4 (b0 b1 b0 b0 b1 b0 b0 b1 b0 b1 b0 b0, worked by hand)
    result = run(trainer, "Hyperband", n=12, RandomSeed=0, brackets=2,
                 HyperbandStrategyConfig={"MinResource": 2, "MaxResource": 18})
    assert first_rungs(result) == {2: 8, 6: 4}


@pytest.mark.parametrize("kw, message", [
    ({"brackets": 4}, "brackets must be None (all 3 of Hyperband's brackets between MinResource and "
                      "MaxResource) or an integer from 1 to 3, got 4"),
    ({"brackets": 0}, "or an integer from 1 to 3, got 0"),
    ({"brackets": 1.5}, "or an integer from 1 to 3, got 1.5"),
    ({"brackets": 2, "Strategy": "Random", "HyperbandStrategyConfig": None},
     "brackets is for the Hyperband strategy only, got brackets=2 with Strategy='Random'"),
])
def test_hyperband_brackets_are_validated(kw, message):
    kw = {"Strategy": "Hyperband", "HyperbandStrategyConfig": {"MinResource": 2, "MaxResource": 18}, **kw}
    with pytest.raises(ValueError, match=re.escape(message)):
        HyperParameterTuningJob("h", ParameterRanges=ranges(), **kw)


def test_hyperband_fills_its_brackets_in_hyperbands_proportions(asha):
    # brackets for 2..18 rounds: 9 jobs from 2 rounds, 5 from 6, 3 at 18 (Li et al.); 12 jobs assigned to the
    # bracket furthest behind its share 9:5:3 go 6, 4 and 2 (worked by hand: b0 b1 b0 b2 b0 b1 b0 b2 b0 b1 b0 b1)
    first = asha.events.groupby("TrainingJobName", sort=False)["rounds"].first()
    assert first.value_counts().to_dict() == {2: 6, 6: 4, 18: 2}


def test_hyperband_promotes_only_jobs_in_the_top_third_of_their_rung(asha):
    # replay the pieces in order: a job resumed from rung r was among the best floor(n / 3) of the n jobs
    # of its bracket that had finished rung r at that moment (at least the best one once all 12 jobs started)
    jobs = asha.jobs.set_index("TrainingJobName")
    first = asha.events.groupby("TrainingJobName", sort=False)["rounds"].first()
    reached: dict = {}  # (bracket, rung rounds) -> [(value, job)]
    done: dict = {}
    promotions = 0
    for _, ev in asha.events.iterrows():
        name, bracket = ev["TrainingJobName"], first[ev["TrainingJobName"]]
        if name in done:
            rung = reached[(bracket, done[name])]
            k = len(rung) // 3 if len(done) < 12 else max(1, len(rung) // 3)
            top = sorted(rung, key=lambda p: -p[0])[:k]
            assert name in [j for _, j in top]
            promotions += 1
        done[name] = done.get(name, 0) + int(ev["rounds"])
        reached.setdefault((bracket, done[name]), []).append((ev["objective"], name))
    assert promotions >= 2 and set(jobs["rounds"]) <= {2, 6, 18}


def test_hyperband_resumes_promoted_jobs_instead_of_retraining(asha):
    # a promoted job trains only its extra rounds: its pieces add up to its rounds, and only jobs that
    # reached MaxResource are Completed
    pieces = asha.events.groupby("TrainingJobName")["rounds"].sum()
    jobs = asha.jobs.set_index("TrainingJobName")
    assert (pieces[jobs.index] == jobs["rounds"]).all() and asha.total_rounds == asha.events["rounds"].sum()
    assert ((jobs["TrainingJobStatus"] == "Completed") == (jobs["rounds"] == 18)).all()


def test_resumed_training_equals_training_straight_through(trainer):
    data, params = trainer.data(), trainer.params({"eta": 0.3, "max_depth": 3})
    straight = tuning._train_segment(data, params, 9, "validation:auc")
    first = tuning._train_segment(data, params, 3, "validation:auc", keep_model=True)
    rest = tuning._train_segment(data, params, 6, "validation:auc", booster_raw=first["booster_raw"])
    assert first["curve"] + rest["curve"] == pytest.approx(straight["curve"], abs=1e-6)


def test_hyperband_refuses_auto_early_stopping():
    with pytest.raises(ValueError, match="TrainingJobEarlyStoppingType must be 'Off' with the Hyperband"):
        HyperParameterTuningJob("h", Strategy="Hyperband", ParameterRanges=ranges(),
                                TrainingJobEarlyStoppingType="Auto")


def test_hyperband_config_is_refused_on_another_strategy():
    with pytest.raises(ValueError, match="HyperbandStrategyConfig is for the Hyperband strategy only"):
        HyperParameterTuningJob("h", Strategy="Random", ParameterRanges=ranges(),
                                HyperbandStrategyConfig={"MinResource": 1, "MaxResource": 9})


def test_hyperband_max_resource_is_limited():
    with pytest.raises(ValueError, match="MaxResource must be an integer >= 1 and <= 20000, got 30000"):
        tuning.hyperband_brackets(1, 30000)


def test_hyperband_min_above_max_is_refused():
    with pytest.raises(ValueError, match=r"MaxResource must be >= MinResource \(10\), got 5"):
        tuning.hyperband_brackets(10, 5)


# -- MaxRuntimeInSeconds ------------------------------------------------------------

def test_max_runtime_stops_the_tuning_job_at_its_budget(trainer):
    # one round is one simulated second and one job runs at a time: 130 s is 130 rounds, so the 11th job
    # of 12 rounds is cut after 10 (10 x 12 + 10 = 130) and the tuning job is Stopped
    result = run(trainer, "Random", n=500, MaxRuntimeInSeconds=130, seconds_per_round=1.0)
    assert result.total_rounds == 130 and len(result.jobs) == 11
    assert result.jobs["TrainingJobStatus"].iloc[-1] == "Stopped" and result.jobs["rounds"].iloc[-1] == 10
    assert result.HyperParameterTuningJobStatus == "Stopped"


def test_max_runtime_lets_early_stopping_start_more_jobs(trainer):
    # the same 240 rounds: without stopping 20 jobs of 12 rounds; with the median rule jobs end early
    off = run(trainer, "Random", n=500, MaxRuntimeInSeconds=240, RandomSeed=0)
    auto = run(trainer, "Random", n=500, MaxRuntimeInSeconds=240, RandomSeed=0, TrainingJobEarlyStoppingType="Auto")
    assert off.total_rounds == auto.total_rounds == 240
    assert len(off.jobs) == 20 and len(auto.jobs) > 20


def test_max_runtime_below_two_minutes_is_refused():
    with pytest.raises(ValueError, match="MaxRuntimeInSeconds must be an integer >= 120 and <= 15768000, got 60"):
        HyperParameterTuningJob("t", ParameterRanges=ranges(), MaxRuntimeInSeconds=60)


def test_max_runtime_goes_in_the_resource_limits():
    job = HyperParameterTuningJob("t", Strategy="Hyperband", ParameterRanges=ranges(), MaxRuntimeInSeconds=3600)
    limits = job.validate()["HyperParameterTuningJobConfig"]["ResourceLimits"]
    assert limits == {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 1, "MaxRuntimeInSeconds": 3600}


# -- warm start ----------------------------------------------------------------

@pytest.fixture(scope="module")
def parent(trainer):
    return run(trainer, "Random", n=12, RandomSeed=11)


def test_warm_start_reaches_the_parents_level_with_fewer_new_jobs(trainer, parent):
    # the target: within 0.002 of the parent's best; a cold Bayesian search starts with random jobs,
    # a warm one starts from a surrogate that has seen the parent's 12 jobs
    target = parent.best_training_job.FinalObjectiveValue - 0.002
    cold = [run(trainer, "Bayesian", n=8, RandomSeed=s).jobs_to_reach(target) for s in (1, 2)]
    warm = [run(trainer, "Bayesian", n=8, RandomSeed=s,
                WarmStartConfig=WarmStartConfig([parent], "TRANSFER_LEARNING")).jobs_to_reach(target)
            for s in (1, 2)]
    assert sum(warm) < sum(cold)


def test_identical_data_warm_start_keeps_the_parents_best(trainer, parent):
    child = run(trainer, "Random", n=1, RandomSeed=0,
                WarmStartConfig=WarmStartConfig([parent], "IDENTICAL_DATA_AND_ALGORITHM"))
    best = child.best_training_job
    assert best.FinalObjectiveValue >= parent.best_training_job.FinalObjectiveValue
    assert child.best_so_far()["best_so_far"].iloc[0] >= parent.best_training_job.FinalObjectiveValue


def test_transfer_learning_best_job_is_a_new_job(trainer, parent):
    child = run(trainer, "Random", n=1, RandomSeed=0,
                WarmStartConfig=WarmStartConfig([parent], "TransferLearning"))
    assert child.best_training_job.TrainingJobName == child.jobs["TrainingJobName"].iloc[0]
    assert not child.best_training_job.from_parent


def test_warm_start_takes_at_most_five_parents(parent):
    with pytest.raises(ValueError, match="1 to 5 finished tuning jobs, got 6"):
        WarmStartConfig([parent] * 6, "TransferLearning")


def test_warm_start_parents_must_be_results():
    with pytest.raises(TypeError, match=r"ParentHyperParameterTuningJobs\[0\] must be a TuningJobResult"):
        WarmStartConfig(["old-job"], "TransferLearning")


def test_warm_start_type_must_be_known(parent):
    with pytest.raises(ValueError, match="WarmStartType must be one of"):
        WarmStartConfig([parent], "SameData")


def test_warm_start_is_refused_with_grid(parent):
    with pytest.raises(ValueError, match="WarmStartConfig works with the Random and Bayesian strategies"):
        HyperParameterTuningJob("w", Strategy="Grid", ParameterRanges=[CategoricalParameter("max_depth", [2])],
                                WarmStartConfig=WarmStartConfig([parent], "TransferLearning"))


# -- results ---------------------------------------------------------------------

def test_best_so_far_never_gets_worse_and_adds_up_the_rounds(trainer):
    result = run(trainer, "Random", n=6, RandomSeed=0)
    curve = result.best_so_far()
    assert curve["best_so_far"].is_monotonic_increasing
    assert curve["cumulative_rounds"].iloc[-1] == result.total_rounds == 6 * 12
    assert result.best_training_job.FinalObjectiveValue == result.jobs["FinalObjectiveValue"].max()


def test_minimizing_logloss_picks_the_smallest(trainer):
    result = run(trainer, "Random", n=4, MetricName="validation:logloss")
    assert result.Type == "Minimize"
    assert result.best_training_job.FinalObjectiveValue == result.jobs["FinalObjectiveValue"].min()


def test_an_interrupted_run_keeps_the_finished_jobs(trainer, monkeypatch):
    real, calls = tuning._train_segment, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(tuning, "_train_segment", flaky)
    result = run(trainer, "Random", n=5)
    assert result.HyperParameterTuningJobStatus == "Stopped" and len(result.jobs) == 2


# -- validation of the tuning job ------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"MaxParallelTrainingJobs": 0}, "MaxParallelTrainingJobs must be an integer >= 1 and <= 100, got 0"),
    ({"MaxNumberOfTrainingJobs": 751}, r"MaxNumberOfTrainingJobs must be an integer >= 1 and <= 750 \(SageMaker's "
                                       r"default limit per tuning job; Random search can be raised to 10,000 by a "
                                       r"quota increase\), got 751"),
    ({"MaxNumberOfTrainingJobs": 0}, "MaxNumberOfTrainingJobs must be an integer >= 1 and <= 750, got 0"),
    ({"Strategy": "Grid", "ParameterRanges": [CategoricalParameter(f"p{i}", list(range(10))) for i in range(3)]},
     "SageMaker allows at most 750 training jobs per tuning job: these ranges have 1,000 combinations"),
    ({"MetricName": "validation:f1"}, "MetricName must be one of"),
    ({"Type": "Max"}, "Type must be one of 'Maximize', 'Minimize'"),
    ({"Strategy": "Genetic"}, "Strategy must be one of 'Grid', 'Random', 'Bayesian', 'Hyperband'"),
    ({"ParameterRanges": []}, "ParameterRanges must hold at least one"),
    ({"ParameterRanges": [IntegerParameter("a", 1, 2), IntegerParameter("a", 1, 3)]}, "name each hyperparameter once"),
    ({"HyperParameterTuningJobName": "bad_name"}, "HyperParameterTuningJobName must be 1 to 32 letters"),
])
def test_bad_settings_are_refused_with_their_name(kwargs, message):
    kw = {"ParameterRanges": ranges(), **kwargs}
    name = kw.pop("HyperParameterTuningJobName", "ok")
    with pytest.raises(ValueError, match=message):
        HyperParameterTuningJob(name, **kw)


def test_a_trainer_of_another_kind_is_refused():
    with pytest.raises(TypeError, match="trainer must be an XGBoostTrainer, got dict"):
        HyperParameterTuningJob("t", ParameterRanges=ranges(), trainer={})


def test_a_tiny_dataset_is_refused():
    with pytest.raises(ValueError, match="n_rows must be an integer >= 200, got 50"):
        XGBoostTrainer(n_rows=50)


# -- export ----------------------------------------------------------------------

@pytest.mark.parametrize("strategy", ["Random", "Bayesian", "Hyperband"])
def test_the_request_is_valid_for_botocore(strategy):
    kw = {"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 27}} if strategy == "Hyperband" else {}
    job = HyperParameterTuningJob("xgb-tune", Strategy=strategy, ParameterRanges=ranges(), **kw)
    request = validate_request("sagemaker", "CreateHyperParameterTuningJob", job.to_request())
    config = request["HyperParameterTuningJobConfig"]
    assert config["Strategy"] == strategy
    assert [r["Name"] for r in config["ParameterRanges"]["ContinuousParameterRanges"]] == ["eta", "min_child_weight"]
    assert ("StrategyConfig" in config) == (strategy == "Hyperband")


def test_the_grid_request_is_valid_for_botocore():
    job = HyperParameterTuningJob("g", Strategy="Grid", MaxNumberOfTrainingJobs=None,
                                  ParameterRanges=[CategoricalParameter("max_depth", [2, 4])])
    request = job.validate()
    assert request["HyperParameterTuningJobConfig"]["ParameterRanges"]["CategoricalParameterRanges"] == [
        {"Name": "max_depth", "Values": ["2", "4"]}]
    assert request["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 2


def test_the_warm_start_request_uses_the_api_spelling(trainer, parent):
    job = HyperParameterTuningJob("child", Strategy="Bayesian", ParameterRanges=ranges(), trainer=trainer,
                                  TrainingJobEarlyStoppingType="Auto",
                                  WarmStartConfig=WarmStartConfig([parent], "IDENTICAL_DATA_AND_ALGORITHM"))
    request = job.validate()
    assert request["WarmStartConfig"] == {"ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "t"}],
                                          "WarmStartType": "IdenticalDataAndAlgorithm"}
    assert request["HyperParameterTuningJobConfig"]["TrainingJobEarlyStoppingType"] == "Auto"
    assert request["TrainingJobDefinition"]["StaticHyperParameters"]["num_round"] == "12"


# -- the overfitting lesson --------------------------------------------------------

@pytest.fixture(scope="module")
def lesson_trainer():
    return XGBoostTrainer("loans", n_rows=2000, num_round=40)


def test_lower_max_depth_closes_the_train_validation_gap(lesson_trainer):
    # shallower trees have fewer leaves to fit noise: the gap shrinks with depth (measured 0.16 -> 0.01)
    study = tuning.overfitting_study("max_depth", [8, 4, 2], trainer=lesson_trainer)
    assert study["gap"].is_monotonic_decreasing and study["gap"].iloc[-1] < study["gap"].iloc[0] / 3
    assert study["validation"].iloc[-1] > study["validation"].iloc[0]


def test_lowering_min_child_weight_does_not_close_the_gap(lesson_trainer):
    # a smaller minimum hessian per leaf allows more, smaller leaves: the gap grows (measured 0.10 -> 0.16)
    study = tuning.overfitting_study("min_child_weight", [10, 1, 0], trainer=lesson_trainer)
    assert study["gap"].iloc[-1] > study["gap"].iloc[0]


def test_raising_colsample_bytree_does_not_close_the_gap(lesson_trainer):
    # more features per tree removes randomness that regularised: the gap grows (measured 0.12 -> 0.16)
    study = tuning.overfitting_study("colsample_bytree", [0.3, 0.6, 1.0], trainer=lesson_trainer)
    assert study["gap"].iloc[-1] > study["gap"].iloc[0]

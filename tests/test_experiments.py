"""Experiments: runs log parameters, metrics with steps, artifacts and tags; analytics compare them."""

import multiprocessing as mp

import pytest

from mlkit.experiments import ExperimentAnalytics, JobFailed, Run, load_run, metric_history, plot_metric, remote


@pytest.fixture
def db(tmp_path):
    return tmp_path / "mlops.sqlite"


def test_a_run_logs_parameters_and_metric_summaries(db):
    with Run("churn", "lr-01", path=db) as run:
        run.log_parameters({"learning_rate": 0.1, "max_depth": 3})
        for step, loss in enumerate([0.9, 0.5, 0.3]):
            run.log_metric("train-loss", loss, step=step)
    row = ExperimentAnalytics("churn", path=db).dataframe().iloc[0]
    assert row["Status"] == "Completed"
    assert row["learning_rate"] == 0.1 and row["max_depth"] == 3
    # summaries of [0.9, 0.5, 0.3]: min 0.3, max 0.9, mean 1.7/3, last 0.3, count 3 (exact up to float rounding)
    assert row["train-loss - Min"] == pytest.approx(0.3)
    assert row["train-loss - Max"] == pytest.approx(0.9)
    assert row["train-loss - Avg"] == pytest.approx(1.7 / 3)
    assert row["train-loss - Last"] == pytest.approx(0.3)
    assert row["train-loss - Count"] == 3


def test_runs_survive_a_new_connection_as_after_a_kernel_restart(db):
    run = Run("exp", "first", path=db)
    run.log_metric("auc", 0.8)
    run.close()
    assert ExperimentAnalytics("exp", path=db).dataframe()["auc - Last"].tolist() == [0.8]


def test_a_failing_block_marks_the_run_failed_with_the_reason(db):
    with pytest.raises(RuntimeError):
        with Run("exp", "bad", path=db):
            raise RuntimeError("out of memory")
    row = ExperimentAnalytics("exp", path=db).dataframe().iloc[0]
    assert row["Status"] == "Failed" and "out of memory" in row["FailureReason"]


def test_metric_history_keeps_steps_for_curves(db):
    for name, curve in (("a", [0.5, 0.6, 0.7]), ("b", [0.4, 0.45])):
        with Run("curves", name, path=db) as run:
            for i, v in enumerate(curve):
                run.log_metric("val-auc", v, step=i)
    h = metric_history("curves", "val-auc", path=db)
    assert h[h.run_name == "a"]["step"].tolist() == [0, 1, 2]
    assert h[h.run_name == "b"]["value"].tolist() == [0.4, 0.45]
    ax = plot_metric("curves", "val-auc", path=db)
    assert len(ax.lines) == 2


def test_artifacts_and_tags_are_recorded(db):
    with Run("exp", "art", path=db, tags={"team": "risk"}) as run:
        run.log_artifact("train-data", "s3://bkt/train.csv", is_output=False)
        run.log_artifact("model", "s3://bkt/model.tar.gz")
    row = ExperimentAnalytics("exp", path=db).dataframe().iloc[0]
    assert row["train-data - Value"] == "s3://bkt/train.csv" and row["model - Value"] == "s3://bkt/model.tar.gz"


def test_analytics_filter_and_sort(db):
    for i, depth in enumerate([3, 6, 3]):
        with Run("grid", f"r{i}", path=db) as run:
            run.log_parameter("max_depth", depth)
            run.log_metric("auc", 0.7 + 0.05 * i)
    df = ExperimentAnalytics("grid", path=db, parameters={"max_depth": 3}, sort_by="auc - Last",
                             ascending=False).dataframe()
    assert df["DisplayName"].tolist() == ["r2", "r0"]
    with pytest.raises(KeyError, match="sort_by"):
        ExperimentAnalytics("grid", path=db, sort_by="nope").dataframe()


@pytest.mark.parametrize("kwargs, match", [
    (dict(experiment_name="bad name"), "experiment_name"),
    (dict(experiment_name="ok", run_name="a_b"), "run_name"),
])
def test_bad_names_are_refused(db, kwargs, match):
    with pytest.raises(ValueError, match=match):
        Run(path=db, **kwargs)


def test_bad_metric_values_and_steps_are_refused(db):
    run = Run("exp", "x", path=db)
    with pytest.raises(ValueError, match="finite"):
        run.log_metric("auc", float("nan"))
    with pytest.raises(TypeError, match="number"):
        run.log_metric("auc", "high")
    with pytest.raises(ValueError, match="step"):
        run.log_metric("auc", 0.5, step=-1)
    with pytest.raises(TypeError, match="parameter"):
        run.log_parameter("p", [1, 2])


def test_load_run_outside_a_job_needs_names(monkeypatch):
    monkeypatch.delenv("MLKIT_EXPERIMENT_RUN", raising=False)
    with pytest.raises(RuntimeError, match="@remote"):
        load_run()


def _train_job(n):
    run = load_run()
    for i in range(n):
        run.log_metric("loss", 1.0 / (i + 1), step=i)
    return n * 2


def test_a_remote_job_logs_to_its_run_from_a_child_process(db):
    job = remote("jobs", path=db, run_name="train-1")(_train_job)
    assert job(3) == 6
    row = ExperimentAnalytics("jobs", path=db).dataframe().iloc[0]
    assert row["DisplayName"] == "train-1" and row["Status"] == "Completed"
    assert row["loss - Count"] == 3


def _boom():
    raise ValueError("bad data")


def test_a_failing_remote_job_raises_and_marks_the_run_failed(db):
    with pytest.raises(JobFailed, match="bad data"):
        remote("jobs", path=db, run_name="boom")(_boom)()
    assert ExperimentAnalytics("jobs", path=db).dataframe()["Status"].tolist() == ["Failed"]


def _writer(path, k, n):
    with Run("concurrent", f"w{k}", path=path) as run:
        for i in range(n):
            run.log_metric("m", float(i), step=i)


def test_four_processes_logging_at_once_lose_no_metric(db):
    Run("concurrent", "setup", path=db).close()  # the schema exists before the race
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(db), k, 150)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    h = metric_history("concurrent", "m", path=db)
    # every one of 4 x 150 logged values is there, each run with steps 0..149
    assert len(h) == 600
    assert h.groupby("run_name")["step"].apply(lambda s: sorted(s) == list(range(150))).all()


def test_export_mlflow_writes_the_file_store_layout(db, tmp_path):
    from mlkit.experiments import export_mlflow

    with Run("exp", "r1", path=db) as run:
        run.log_parameter("max_depth", 3)
        run.log_metric("auc", 0.5, step=0)
        run.log_metric("auc", 0.7, step=1)
    root = export_mlflow(tmp_path / "mlruns", path=db)
    run_dirs = [p for p in root.glob("*/*") if p.is_dir()]
    assert len(run_dirs) == 1
    rdir = run_dirs[0]
    assert (rdir / "params" / "max_depth").read_text() == "3"
    # MLflow's metric file: one "<timestamp ms> <value> <step>" line per value
    assert [line.split()[1:] for line in (rdir / "metrics" / "auc").read_text().splitlines()] == [
        ["0.5", "0"], ["0.7", "1"]]
    assert (rdir / "tags" / "mlflow.runName").read_text() == "r1"
    with pytest.raises(ValueError, match="experiment_name"):
        export_mlflow(tmp_path / "x", experiment_name="none", path=db)

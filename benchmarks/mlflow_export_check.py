"""Check that MLflow itself reads what ``mlkit.experiments.export_mlflow`` writes.

    python benchmarks/mlflow_export_check.py

MLflow is not a dependency of the kit: this script makes its own venv under
``~/.cache/mlkit-bench/mlflow`` (``mlflow-skinny==2.*``) when missing, logs two
runs with mlkit, exports them, and asks MLflow's ``search_runs`` and
``get_metric_history`` in a subprocess for the parameters, last metric values
and steps, then compares them with mlkit's own ``ExperimentAnalytics``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

VENV = Path.home() / ".cache" / "mlkit-bench" / "mlflow"
PEER = r"""
import json, sys
import mlflow
from mlflow.tracking import MlflowClient
mlflow.set_tracking_uri(sys.argv[1])
client = MlflowClient()
exp = client.get_experiment_by_name("exported")
out = {}
for r in client.search_runs([exp.experiment_id]):
    hist = client.get_metric_history(r.info.run_id, "auc")
    out[r.data.tags["mlflow.runName"]] = {"params": r.data.params, "auc_last": r.data.metrics["auc"],
                                          "steps": [m.step for m in hist], "status": r.info.status}
print(json.dumps(out))
"""


def main() -> None:
    from mlkit.experiments import ExperimentAnalytics, Run, export_mlflow

    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "mlflow-skinny==2.*"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "m.sqlite"
        for name, curve in (("a", [0.6, 0.7, 0.75]), ("b", [0.5, 0.8])):
            with Run("exported", name, path=db) as run:
                run.log_parameters({"max_depth": len(curve), "eta": 0.3})
                for i, v in enumerate(curve):
                    run.log_metric("auc", v, step=i)
        root = export_mlflow(Path(tmp) / "mlruns", path=db)
        peer = json.loads(subprocess.run([str(VENV / "bin" / "python"), "-c", PEER, root.as_uri()], check=True,
                                         capture_output=True, text=True).stdout)
        ours = ExperimentAnalytics("exported", path=db).dataframe().set_index("DisplayName")
    ok = True
    for name, got in sorted(peer.items()):
        want_last = float(ours.loc[name, "auc - Last"])
        same = (got["auc_last"] == want_last and got["params"]["max_depth"] == str(ours.loc[name, "max_depth"])
                and got["steps"] == list(range(int(ours.loc[name, "auc - Count"]))) and got["status"] == "FINISHED")
        ok &= same
        print(f"run {name}: MLflow reads auc last={got['auc_last']} steps={got['steps']} params={got['params']} "
              f"status={got['status']} -> {'same as mlkit' if same else 'DIFFERENT'}")
    if not ok or len(peer) != 2:
        raise SystemExit("MLflow did not read back what mlkit exported")


if __name__ == "__main__":
    main()

"""The peer side of ``bench_monitor.py``: Evidently's data drift preset, run in its own venv.

Usage (run by ``bench_monitor.py`` with ``~/.cache/mlkit-bench/evidently/bin/python``, which has
``evidently==0.7.*`` and ``pandas<3``)::

    python evidently_drift_peer.py REFERENCE.csv CURRENT.csv OUT.json

Reads both files, runs ``Report([DataDriftPreset()])`` with Evidently's defaults, and writes
``{"seconds", "peak_rss_mb", "columns": {name: {"drift", "method", "value", "threshold"}}}``.
The timer covers the report only (reading the files is outside it, as on the kit's side).
"""

import json
import re
import resource
import sys
import time

import pandas as pd

from _rss import PeakRss  # benchmarks/_rss.py, next to this file


def main(ref_path, cur_path, out_path):
    kw = dict(dtype={f"c{i}": "category" for i in range(5)})
    ref, cur = pd.read_csv(ref_path, **kw), pd.read_csv(cur_path, **kw)
    from evidently import Report
    from evidently.presets import DataDriftPreset

    t0 = time.perf_counter()
    with PeakRss() as rss:
        snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
    seconds = time.perf_counter() - t0
    columns = {}
    for m in snapshot.dict()["metrics"]:
        name = str(m.get("metric_name") or m.get("metric_id") or "")
        found = re.match(r"ValueDrift\(column=(.*?),method=(.*?),threshold=([0-9.eE-]+)\)", name)
        if not found:
            continue
        col, method, thr = found.group(1), found.group(2), float(found.group(3))
        value = float(m["value"])
        is_p_value = "p_value" in method or "test" in method.lower()
        columns[col] = {"method": method, "value": value, "threshold": thr,
                        "drift": bool(value < thr) if is_p_value else bool(value >= thr)}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"seconds": seconds, "peak_rss_mb": peak, "analysis_mb": rss.peak_mb, "columns": columns},
              open(out_path, "w"))


if __name__ == "__main__":
    main(*sys.argv[1:4])

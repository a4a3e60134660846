"""Benchmark: the "automated data labeling cuts labeling cost by up to 70 %" claim, measured.

In one run, for each dataset (scikit-learn's digits images, the kit's articles texts),
size and seed, three labeling jobs label the same objects with the same simulated
workforce (5 workers, quality 0.9, one careless, one adversarial; 3 workers per object;
Dawid-Skene consolidation):

* ``all_human``: every object to people (the baseline, measured in the same run);
* ``random``: automated data labeling, the next human batch drawn at random;
* ``active``: automated data labeling, the next human batch = the least confident objects.

Printed (markdown): per dataset, size and strategy the mean over seeds of the worker-pay
saving (1 - human objects / all objects), the total saving with the per-object fee, the
cost ratio against ``all_human`` and the final label accuracy; then the accuracy of
majority vote and Dawid-Skene as worker quality falls.

    .venv/bin/python benchmarks/bench_labeling.py           # 3 seeds, digits 1250/1797, articles 1250/2500/5000
    .venv/bin/python benchmarks/bench_labeling.py --quick   # 1 seed, digits 1797, articles 2500
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from mlkit.labeling import compare_strategies, consolidation_vs_quality


def markdown(frame: pd.DataFrame) -> str:
    """A markdown table (floats to 3 decimals) without the optional tabulate package."""
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in cells])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seeds = [0] if args.quick else [0, 1, 2]
    plan = {"digits": [1797] if args.quick else [1250, 1797],
            "articles": [2500] if args.quick else [1250, 2500, 5000]}
    start = time.perf_counter()
    frames = []
    for dataset, sizes in plan.items():
        for seed in seeds:
            t = compare_strategies((dataset,), tuple(sizes), seed=seed)
            t["seed"] = seed
            frames.append(t)
    runs = pd.concat(frames, ignore_index=True)
    base = runs[runs.strategy == "all_human"].set_index(["dataset", "n_objects", "seed"])["cost"]
    runs["cost_ratio"] = [c / base[(d, n, s)] for c, d, n, s in
                          zip(runs.cost, runs.dataset, runs.n_objects, runs.seed)]
    table = (runs.groupby(["dataset", "n_objects", "strategy"], sort=False)
             [["worker_saving", "saving", "cost_ratio", "accuracy", "machine_accuracy"]].mean().reset_index())
    table["claimed_saving"] = 0.70
    print(f"## Automated data labeling against labeling by hand ({len(seeds)} seed(s), "
          f"{time.perf_counter() - start:.0f} s)\n")
    print(markdown(table))
    print("\n## Consolidation accuracy as worker quality falls (digits, 3 of 5 workers per image)\n")
    print(markdown(consolidation_vs_quality((1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4), seed=0)))


if __name__ == "__main__":
    main()

"""How long `mlkit claims check` takes for every claim, against the issue's 5-minute goal.

Goal (issue #18): every claim measured in under 5 minutes on this 2-core
machine, and the same seed gives the same verdicts. This script runs the
whole ledger in a fresh interpreter (as `mlkit claims check` does, imports
included), prints each claim's time and the total as a ratio of the goal,
and with `--twice` runs it again and compares every verdict and figure:

    python benchmarks/bench_claims.py [--twice] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

GOAL_S = 300.0


def run_ledger(seed: int) -> tuple[dict, float]:
    mlkit = str(Path(sys.executable).with_name("mlkit"))
    t0 = time.perf_counter()
    out = subprocess.run([mlkit, "claims", "check", "--json", "--seed", str(seed)], capture_output=True,
                         text=True, env=dict(os.environ, TQDM_DISABLE="1"))
    elapsed = time.perf_counter() - t0
    if out.returncode not in (0, 1):  # 1: some claim's measure raised; it is still a ledger
        sys.exit(f"mlkit claims check failed: {out.stderr}")
    return json.loads(out.stdout), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--twice", action="store_true", help="run again and compare verdicts and figures")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    first, wall = run_ledger(args.seed)
    rows = sorted(first["results"], key=lambda r: -(r["seconds"] or 0))
    print(f"{'claim':<46} {'status':<22} {'seconds':>8}")
    for r in rows:
        print(f"{r['id']:<46} {r['status']:<22} {r['seconds']:8.1f}")
    print(f"\n{len(rows)} claims, wall time {wall:.0f} s including start-up (goal {GOAL_S:.0f} s): "
          f"{wall / GOAL_S:.2f} of the goal; load average before the run {load:.1f}")
    if args.twice:
        from mlkit import claims

        second, wall2 = run_ledger(args.seed)
        by_id = {c.id: c for c in claims.load_claims()}

        def result(row):
            return claims.ClaimResult.from_dict(by_id[row["id"]], row, source="measured")

        diffs = {a["id"]: claims.compare(result(a), result(b)) for a, b in zip(first["results"], second["results"])}
        changed = {k: v for k, v in diffs.items() if v}
        print(f"second run {wall2:.0f} s: {len(rows) - len(changed)} of {len(rows)} claims identical"
              + "".join(f"\n  {k}: {'; '.join(v)}" for k, v in changed.items()))


if __name__ == "__main__":
    main()

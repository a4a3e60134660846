"""Per widget: time from a control change to the updated view, in JupyterLab in headless Chromium.

Goal (issue #12): under 150 ms for every widget, under 2 s for a widget that
retrains a model (``retrains = True``). Run:

    python benchmarks/bench_widgets_browser.py [--repeats 5] [--markdown]

It starts JupyterLab from the installed kit and the system's Chromium (the
harness of ``tests/browser``), runs every notebook of ``notebooks/``, and
changes the first control of each live widget ``--repeats`` times (a manual
widget: once, then its button). A latency is measured in the page, from the
control's message leaving the browser to the last change of the widget's
view (MutationObserver); "kernel" is the part until the kernel reported idle
again (the Python side: engine, drawing, sending). The baseline, measured in the same run, is a
trivial live widget (a slider echoed into an HTML line: the browser <->
kernel round trip and the DOM update, no engine, no figure); each widget is
also given as a ratio to it. Exits 1 if a widget misses its goal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import harness  # noqa: E402

BASELINE = '''
import ipywidgets
from widgets.base import MlkitWidget

class Echo(MlkitWidget):
    def __init__(self):
        self.shown = ipywidgets.HTML()
        super().__init__({"n": ipywidgets.IntSlider(value=3, min=0, max=20)}, title="Echo",
                         body=[self.shown])
    def compute(self, n):
        return n
    def draw(self, result):
        self.shown.value = f"n = {result}"
Echo()
'''


def _median(values) -> float:
    return statistics.median(values) if values else float("nan")


def _write_baseline(root: Path) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(BASELINE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = root / "bench"
    folder.mkdir(exist_ok=True)
    (folder / "baseline.ipynb").write_text(nbformat.writes(nb))
    return "bench/baseline.ipynb"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="changes per live widget (default 5)")
    parser.add_argument("--markdown", action="store_true", help="also print rows for docs/benchmarks.md")
    parser.add_argument("--screenshots", default=None, help="save the widgets' screenshots here")
    args = parser.parse_args()
    reason = harness.missing_requirement()
    if reason:
        sys.exit(f"cannot run: {reason}")
    from playwright.sync_api import sync_playwright

    shots = Path(args.screenshots) if args.screenshots else None
    reports = []
    with harness.LabServer(notebooks=harness.course_notebooks()) as lab, \
            harness.ChromiumProcess() as chromium, sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(chromium.cdp_url)
        page = harness.LabPage(lab, browser)
        page.load()
        baseline_path = _write_baseline(lab.root)
        base = page.check_notebook(baseline_path, repeats=args.repeats)
        base.assert_ok()
        for nb in harness.course_notebooks():
            reports.append(page.check_notebook(f"notebooks/{nb.name}", repeats=args.repeats,
                                               screenshots=shots))
        browser.close()

    floor = base.widgets[0].latency_ms
    print(f"baseline: trivial live widget (slider -> HTML), median {floor:.0f} ms "
          f"over {len(base.widgets[0].latencies_ms)} changes")
    print(f"{'notebook':<26} {'widget':<22} {'control':<10} {'n':>2} {'median':>8} {'min':>7} {'max':>7} "
          f"{'goal':>7} {'x base':>7} {'kernel':>7}  verdict")
    misses, rows = [], []
    for report in reports:
        if report.problems:
            print(f"{report.notebook}: PROBLEMS (latencies may be missing):\n  " + "\n  ".join(report.problems))
        for w in report.widgets:
            if w.latency_ms is None:
                print(f"{report.notebook:<26} {w.name:<22} {str(w.control):<10}  -  (no control changed)")
                continue
            verdict = "ok" if w.meets_goal else "MISSES GOAL"
            if not w.meets_goal:
                misses.append(f"{report.notebook} {w.name}")
            print(f"{report.notebook:<26} {w.name:<22} {str(w.control):<10} {len(w.latencies_ms):>2} "
                  f"{w.latency_ms:>6.0f}ms {min(w.latencies_ms):>5.0f}ms {max(w.latencies_ms):>5.0f}ms "
                  f"{w.goal_ms:>5.0f}ms {w.latency_ms / floor:>7.1f} {_median(w.kernel_ms):>5.0f}ms  {verdict}")
            rows.append((report.notebook, w))
    if args.markdown:
        print()
        for notebook, w in rows:
            print(f"| `{w.name}` ({notebook}): control change to updated view in the browser under "
                  f"{w.goal_ms:.0f} ms (issue #12) | median {w.latency_ms:.0f} ms over "
                  f"{len(w.latencies_ms)} changes of `{w.control}` (min {min(w.latencies_ms):.0f}, "
                  f"max {max(w.latencies_ms):.0f}) | trivial slider-to-HTML widget {floor:.0f} ms "
                  f"(ratio {w.latency_ms / floor:.1f}) | `python benchmarks/bench_widgets_browser.py "
                  f"--repeats {args.repeats}` | |")
    if any(r.problems for r in reports):
        sys.exit("FAIL: problems in the browser (see above)")
    if misses:
        sys.exit("FAIL: latency goal missed by: " + ", ".join(misses))


if __name__ == "__main__":
    main()

"""The input-mode explorer: data set shape, mode and storage -> a timeline of fetching vs compute, and a disk gauge."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["InputModeExplorer"]

#: How many settings' runs the explorer keeps, to show them again without re-running.
_KEEP = 32

_ROWS = (("fetch before training", "#d62728"), ("read / stream", "#1f77b4"), ("compute", "#2ca02c"))


def _row_of(lane: str) -> int:
    if lane in ("list", "download"):
        return 0
    return 2 if lane == "compute" else 1


def _fmt_bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:,.3g} {unit}"
    return f"{n:,.0f} B"


def _fmt_s(s: float) -> str:
    if s >= 3600:
        return f"{s / 3600:,.3g} h"
    if s >= 60:
        return f"{s / 60:,.3g} min"
    return f"{s:,.3g} s"


class InputModeExplorer(MlkitWidget):
    """Controls for a workload; one training job's timeline, disk use and headline numbers.

    Contract: every control change calls
    :func:`mlkit.input_modes.measure` (real bytes through the chosen mode,
    timed on the simulated clock) and shows its
    :class:`~mlkit.input_modes.TrainingJobRun` (``self.result``): a timeline
    of when data was fetched before training, read or streamed, and computed
    on (as a share of the job's time), a gauge of the peak local disk against
    the ML storage volume (``self.chart``, inline SVG; ``self.spans``,
    ``self.first_batch_share`` and ``self.disk_share`` hold what it shows), a caption above them (modes, total time, first
    batch, disk), and a table of
    time to first batch, total time, disk and bytes read. A combination SageMaker refuses (FSx for Lustre with
    Pipe, say) shows the engine's message in the banner.

    Speed: a setting already run (workload, files, size, mode, storage) is
    shown again from the explorer's memory of its last 32 runs instead of
    running the job again: the job's numbers depend only
    on the setting (simulated clock, seeded sample data), so a rerun would
    show the same. A new setting runs the job.

    >>> w = InputModeExplorer(scenario="many-small-random", mode="FastFile")
    >>> w.set(mode="File")
    >>> w.result.peak_disk_bytes >= 100e9   # File mode copies the whole 100 GB first
    True
    """

    def __init__(self, scenario="large-sequential", mode="Pipe", storage="s3", n_files=None, file_MB=None,
                 store=None):
        from mlkit.input_modes.channel import INPUT_MODES
        from mlkit.input_modes.scenarios import SCENARIOS
        from mlkit.input_modes.storage import STORAGE

        self.scenario = scenario
        self.mode = mode
        self.storage = storage
        self.n_files = n_files
        self.file_MB = file_MB
        self.store = store
        base = SCENARIOS[scenario] if scenario in SCENARIOS else next(iter(SCENARIOS.values()))
        style = {"description_width": "110px"}
        controls = {
            "scenario": ipywidgets.Dropdown(options=list(SCENARIOS), value=scenario, description="workload",
                                            style=style),
            "n_files": ipywidgets.IntText(value=n_files if n_files is not None else base.n_files,
                                          description="files", style=style),
            "file_MB": ipywidgets.FloatLogSlider(value=file_MB if file_MB is not None else base.file_MB, base=10,
                                                 min=-2, max=5, step=0.1, description="MB per file",
                                                 readout_format=".3g", continuous_update=False, style=style),
            "mode": ipywidgets.ToggleButtons(options=list(INPUT_MODES), value=mode, description="InputMode",
                                             style=style),
            "storage": ipywidgets.Dropdown(options=[(p.title, k) for k, p in STORAGE.items()], value=storage,
                                           description="storage", style=style),
        }
        self.table = ipywidgets.HTML()
        self.caption = ipywidgets.HTML()  # above the chart: the modes, the total, the first batch, the disk
        self.chart = ipywidgets.HTML()  # the timeline and the disk gauge, as inline SVG
        self.spans = [[] for _ in _ROWS]
        self.first_batch_share = self.disk_share = 0.0
        self._runs: dict = {}  # setting -> TrainingJobRun, most recently used last (the last _KEEP settings)
        self._holding = False

        def new_workload(change):
            # runs before the base class's observer: a new workload brings its own shape,
            # and the job is computed once, when the base class sees the workload change
            sc = SCENARIOS[change["new"]]
            self._holding = True
            try:
                controls["n_files"].value = sc.n_files
                controls["file_MB"].value = sc.file_MB
            finally:
                self._holding = False

        controls["scenario"].observe(new_workload, names="value")
        # the workloads' training steps use scikit-learn: imported now (about a second, once) rather
        # than in the first control change that switches to such a workload
        import sklearn.linear_model  # noqa: F401
        super().__init__(controls, title="Training input modes: where the time and the disk go",
                         body=[self.caption, self.chart])

    def layout(self):
        return [*super().layout(), self.table]

    def compute(self, scenario, n_files, file_MB, mode, storage):
        from mlkit.input_modes.scenarios import measure

        key = (scenario, n_files, file_MB, mode, storage)
        run = self._runs.pop(key, None)
        if run is None:  # a setting not run yet: run the job (a job's numbers depend only on its setting)
            run = measure(scenario, mode, storage, n_files=n_files, file_MB=file_MB, store=self.store)
            if len(self._runs) >= _KEEP:
                self._runs.pop(next(iter(self._runs)))
        self._runs[key] = run  # most recently used last
        return run

    # -- the view ---------------------------------------------------------------------
    def draw(self, result) -> None:
        s = result.summary()
        rows = [("time to first batch", _fmt_s(s["time_to_first_batch_s"])),
                ("total job time", _fmt_s(s["total_time_s"])),
                ("of which waiting for data", _fmt_s(s["waiting_s"])),
                ("download before training", _fmt_s(s["download_time_s"])),
                ("peak local disk", _fmt_bytes(result.peak_disk_bytes)),
                ("bytes read from storage", _fmt_bytes(result.bytes_read)),
                ("requests", f"{result.requests:,.0f}")]
        caption = (f"<b>{html.escape('/'.join(result.modes.values()))}</b> on "
                   f"<b>{html.escape('/'.join(result.storage.values()))}</b>: total {_fmt_s(result.total_time_s)}, "
                   f"first batch at {_fmt_s(result.time_to_first_batch_s)} (dashed line); disk "
                   f"{_fmt_bytes(result.peak_disk_bytes)} of a {_fmt_bytes(result.volume_bytes)} volume")
        self.caption.value = html_block(caption)
        self.table.value = html_block("<table>" + "".join(
            f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in rows) + "</table>")
        self._draw_figure(result)

    # -- the chart: inline SVG (a few dozen rectangles; the browser lays out the text) ----------
    _W, _H = 850, 240

    def _draw_figure(self, result) -> None:
        total = max(result.total_time_s, 1e-9)
        spans = [[] for _ in _ROWS]
        for lane, start, end in result.timeline[["lane", "start_s", "end_s"]].itertuples(index=False):
            spans[_row_of(lane)].append((100 * start / total, max(100 * (end - start) / total, 0.15)))
        self.spans = spans  # per row, (start %, width %) of each bar, as drawn
        self.first_batch_share = 100 * min(result.time_to_first_batch_s / total, 1.0)
        self.disk_share = min(100 * result.peak_disk_bytes / result.volume_bytes, 100.0)
        self.chart.value = self._svg()

    def _svg(self) -> str:
        from widgets.svg import _FONT, _esc

        W, H = self._W, self._H
        x0, x1, top, row_h = 170, 640, 34, 52  # timeline plot area; three rows
        bottom = top + row_h * len(_ROWS)

        def X(pct):
            return x0 + pct / 100 * (x1 - x0)

        parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='100%' viewBox='0 0 {W} {H}' "
                 f"style='max-width:{W}px;height:auto' {_FONT} font-size='11'>",
                 f"<text x='{(x0 + x1) / 2}' y='18' text-anchor='middle' font-size='12'>where the job's time goes</text>"]
        for i, ((label, colour), bars) in enumerate(zip(_ROWS, self.spans)):
            y = top + i * row_h + 0.15 * row_h
            parts.append(f"<text x='{x0 - 8}' y='{y + 0.35 * row_h + 4:.1f}' text-anchor='end'>{_esc(label)}</text>")
            parts.extend(f"<rect class='span' x='{X(a):.1f}' y='{y:.1f}' width='{max(0.5, X(a + w) - X(a)):.1f}' "
                         f"height='{0.7 * row_h:.1f}' fill='{colour}'/>" for a, w in bars)
        for t in range(0, 101, 20):
            parts.append(f"<text x='{X(t):.1f}' y='{bottom + 16}' text-anchor='middle'>{t}</text>")
        fx = X(self.first_batch_share)
        parts.append(f"<path d='M{x0},{top}V{bottom}H{x1}' fill='none' stroke='#333'/>"
                     f"<line class='first-batch' x1='{fx:.1f}' x2='{fx:.1f}' y1='{top}' y2='{bottom}' stroke='black' "
                     f"stroke-dasharray='5,3'/><text x='{(x0 + x1) / 2}' y='{bottom + 32}' text-anchor='middle'>"
                     f"share of the job's time (%)</text>")
        gx, gw = 730, 40  # the disk gauge
        gy = top + (bottom - top) * (1 - self.disk_share / 100)
        parts.append(f"<text x='{gx + gw / 2}' y='18' text-anchor='middle' font-size='12'>peak disk</text>"
                     f"<rect x='{gx}' y='{top}' width='{gw}' height='{bottom - top}' fill='none' stroke='#333'/>"
                     f"<rect class='disk' x='{gx}' y='{gy:.1f}' width='{gw}' height='{bottom - gy:.1f}' fill='#9467bd'/>")
        for t in range(0, 101, 25):
            y = top + (bottom - top) * (1 - t / 100)
            parts.append(f"<text x='{gx - 5}' y='{y + 4:.1f}' text-anchor='end'>{t}</text>")
        parts.append(f"<text x='{gx + gw + 14}' y='{(top + bottom) / 2}' text-anchor='middle' "
                     f"transform='rotate(90 {gx + gw + 14} {(top + bottom) / 2})'>% of the volume</text></svg>")
        return "".join(parts)

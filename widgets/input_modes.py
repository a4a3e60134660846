"""The input-mode explorer: data set shape, mode and storage -> a timeline of fetching vs compute, and a disk gauge."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["InputModeExplorer"]

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
    the ML storage volume, a caption above them (modes, total time, first
    batch, disk: HTML, so a change repaints only the bars), and a table of
    time to first batch, total time, disk and bytes read. A combination SageMaker refuses (FSx for Lustre with
    Pipe, say) shows the engine's message in the banner.

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
        self.caption = ipywidgets.HTML()  # above the figure: text that changes is HTML, not pixels to redraw
        self._artists = None
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
                         body=[self.caption], figsize=(8.5, 2.4))

    def layout(self):
        return [*super().layout(), self.table]

    def compute(self, scenario, n_files, file_MB, mode, storage):
        from mlkit.input_modes.scenarios import measure

        return measure(scenario, mode, storage, n_files=n_files, file_MB=file_MB, store=self.store)

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

    def _make_axes(self) -> None:
        fig = self.figure
        time_ax, disk_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [4, 1]})
        fig.subplots_adjust(left=0.2, right=0.97, bottom=0.2, top=0.82, wspace=0.45)
        time_ax.set_xlim(0, 100)
        time_ax.set_ylim(-0.6, len(_ROWS) - 0.4)
        time_ax.set_yticks(range(len(_ROWS)), [r[0] for r in _ROWS])
        time_ax.invert_yaxis()
        time_ax.set_xlabel("share of the job's time (%)")
        bars = [time_ax.broken_barh([], (i - 0.35, 0.7), facecolors=colour) for i, (_, colour) in enumerate(_ROWS)]
        first = time_ax.axvline(0, color="black", lw=1, ls="--")
        time_ax.set_title("where the job's time goes", y=1.0, fontsize=9)
        disk_ax.set_xlim(-0.5, 0.5)
        disk_ax.set_ylim(0, 100)
        disk_ax.set_xticks([])
        disk_ax.set_ylabel("% of the volume")
        disk_bar = disk_ax.bar([0], [0], width=0.6, color="#9467bd")[0]
        disk_ax.set_title("peak disk", y=1.0, fontsize=9)
        self._artists = {"bars": bars, "first": first, "disk": disk_bar}

    def _draw_figure(self, result) -> None:
        if self._artists is None:
            self._make_axes()
        a = self._artists
        total = max(result.total_time_s, 1e-9)
        spans = [[] for _ in _ROWS]
        for lane, start, end in result.timeline[["lane", "start_s", "end_s"]].itertuples(index=False):
            spans[_row_of(lane)].append((100 * start / total, max(100 * (end - start) / total, 0.15)))
        for i, collection in enumerate(a["bars"]):
            y = i - 0.35
            collection.set_verts([[(x, y), (x, y + 0.7), (x + w, y + 0.7), (x + w, y)] for x, w in spans[i]])
        ttfb = 100 * min(result.time_to_first_batch_s / total, 1.0)
        a["first"].set_xdata([ttfb, ttfb])
        share = 100 * result.peak_disk_bytes / result.volume_bytes
        a["disk"].set_height(min(share, 100.0))
        self.refresh_figure(dynamic=[*a["bars"], a["first"], a["disk"]])

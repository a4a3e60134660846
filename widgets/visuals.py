"""The chart chooser: pick a kind of question, see the recommended QuickSight visual drawn and the alternatives."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["ChartChooser"]


class ChartChooser(MlkitWidget):
    """Choose a question kind; the recommended visual is drawn on suitable data, with its reason and alternatives.

    Contract: ``ChartChooser(question, seed)``; every change calls
    ``mlkit.visuals.recommend_visual(question)`` and draws the visual from
    ``mlkit.visuals.chart_data(visual, seed=seed)`` (the numbers the
    engine's matplotlib chart of :func:`mlkit.visuals.draw` shows) as an
    inline SVG chart; ``self.result`` is the
    :class:`mlkit.visuals.VisualRecommendation`, ``self.drawn`` the visual
    shown, ``self.svg`` its SVG document. The ``show`` control draws an
    alternative instead (``"recommended"`` or one of the alternatives'
    visual types). :func:`mlkit.visuals.draw` gives the same chart as a
    matplotlib Figure, for a notebook or a report.

    Speed: each question brings another kind of chart, so nothing of the
    previous one can be reused; a matplotlib figure costs 50-400 ms to build
    and export from scratch. The SVG charts are strings built in about a
    millisecond from the engine's numbers (which take 5-50 ms), and the
    browser lays out their text. Each drawn chart is kept per (visual, seed)
    (the last 64), so going back to a chart shows it at once.

    >>> w = ChartChooser("flow")
    >>> w.result.visual, w.svg.startswith("<svg")
    ('sankey_diagram', True)
    """

    def __init__(self, question: str = "comparison", seed: int = 0):
        from mlkit.visuals import QUESTION_KINDS, recommend_visual

        self.question = question
        self.seed = seed
        recommend_visual(question)  # a bad question fails here, naming the choices
        wide = {"style": {"description_width": "70px"}}
        controls = {
            "question": ipywidgets.Dropdown(options=[(k.replace("_", " "), k) for k in QUESTION_KINDS],
                                            value=recommend_visual(question).question_kind,
                                            description="question", **wide),
            "show": ipywidgets.Dropdown(options=["recommended"], value="recommended", description="draw", **wide),
            "seed": ipywidgets.IntText(value=seed, description="seed", **wide),
        }
        self.explanation = ipywidgets.HTML()
        self.drawn = None
        self.svg = ""
        self._svgs: dict = {}  # (visual, seed) -> SVG text, most recently used last
        _import_drawing_libraries()
        self.controls = controls
        self._holding = False
        self._reset_show()
        # observed before the base class observes it: the alternatives are reset before recomputing
        controls["question"].observe(self._reset_show, names="value")
        super().__init__(controls, title="Chart chooser", body=[self.explanation])

    def _reset_show(self, _change=None) -> None:
        from mlkit.visuals import recommend_visual

        rec = recommend_visual(self.controls["question"].value)
        options = ["recommended", *[a["visual"] for a in rec.alternatives]]
        self._holding = True
        try:
            self.controls["show"].options = options
            self.controls["show"].value = "recommended"
        finally:
            self._holding = False

    def compute(self, question, show, seed):
        from mlkit.visuals import chart_data, recommend_visual

        rec = recommend_visual(question)
        visual = rec.visual if show == "recommended" else show
        allowed = [rec.visual, *[a["visual"] for a in rec.alternatives]]
        if visual not in allowed:
            raise ValueError(f"show must be 'recommended' or one of {allowed[1:]}, got {show!r}")
        key = (visual, seed)
        svg = self._svgs.pop(key, None)
        if svg is None:
            svg = chart_svg(chart_data(visual, seed=seed))
            if len(self._svgs) >= 64:
                self._svgs.pop(next(iter(self._svgs)))
        self._svgs[key] = svg
        self.drawn, self.svg = visual, svg
        return rec

    def draw(self, result) -> None:
        self.show_svg(self.svg)
        qs = result.quicksight_visual or "none: QuickSight does not provide it"
        alts = "".join(f"<li><code>{html.escape(a['visual'])}</code>: {html.escape(a['when'])}</li>"
                       for a in result.alternatives)
        note = f"<p><i>{html.escape(result.note)}</i></p>" if result.note else ""
        self.explanation.value = html_block(
            f"<p><b>{html.escape(result.question_kind.replace('_', ' '))}</b> &rarr; "
            f"<b>{html.escape(result.visual.replace('_', ' '))}</b> (QuickSight: <code>{html.escape(qs)}</code>), "
            f"because {html.escape(result.reason)}. Drawn: <code>{html.escape(self.drawn or '')}</code>.</p>"
            f"{note}<p>Alternatives:</p><ul>{alts}</ul>")

    def show_svg(self, svg: str) -> None:
        """Show ``svg`` (an SVG document) in ``self.output``, replacing what was there in one step."""
        self.output.outputs = ({"output_type": "display_data",
                                "data": {"image/svg+xml": svg, "text/plain": f"<{self.drawn} chart>"},
                                "metadata": {}},)


def _import_drawing_libraries() -> None:
    """Import what some charts' numbers need (squarify's layout, scipy's density, the word sample's
    scikit-learn) now, once, not in the first control change that draws them."""
    import importlib

    for name in ("squarify", "scipy.stats", "sklearn.feature_extraction.text",
                 "sklearn.linear_model", "sklearn.multiclass", "sklearn.naive_bayes"):
        try:
            importlib.import_module(name)
        except ImportError:  # mlkit.visuals names the missing package when that chart is drawn
            pass


# -- the charts as inline SVG ------------------------------------------------------------
# Each renderer takes mlkit.visuals.chart_data(...) (the numbers) and returns an SVG document;
# the browser lays out the text. Sizes in pixels; colours are the engine's palette.

_W, _H = 660, 360
_PAL = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")


def _n(v: float) -> str:
    return f"{v:.1f}"


class _Axes:
    """A plot area with linear (or log10) x and y scales, for the renderers below."""

    def __init__(self, xlim, ylim, *, left=62, right=20, top=30, bottom=46, width=_W, height=_H, xlog=False):
        import math

        self.x0, self.x1, self.y0, self.y1 = left, width - right, height - bottom, top
        self.xlog = xlog
        f = math.log10 if xlog else float
        self.xlo, self.xhi = f(xlim[0]), f(xlim[1])
        self.ylo, self.yhi = float(ylim[0]), float(ylim[1])
        if self.xhi <= self.xlo:
            self.xhi = self.xlo + 1.0
        if self.yhi <= self.ylo:
            self.yhi = self.ylo + 1.0

    def x(self, v):
        import math

        v = math.log10(v) if self.xlog else float(v)
        return self.x0 + (v - self.xlo) / (self.xhi - self.xlo) * (self.x1 - self.x0)

    def y(self, v):
        return self.y0 - (float(v) - self.ylo) / (self.yhi - self.ylo) * (self.y0 - self.y1)

    def frame(self, parts, *, xticks=None, yticks=None, xlabel="", ylabel=""):
        from widgets.svg import _esc, _fmt, nice_ticks

        for t in (nice_ticks(self.ylo, self.yhi) if yticks is None else yticks):
            if self.ylo - 1e-9 <= t <= self.yhi + 1e-9:
                y = self.y(t)
                parts.append(f"<line x1='{self.x0}' x2='{self.x1}' y1='{_n(y)}' y2='{_n(y)}' stroke='#e6e6e6'/>"
                             f"<text x='{self.x0 - 5}' y='{_n(y + 4)}' text-anchor='end'>{_fmt(t)}</text>")
        if xticks is None:
            if self.xlog:
                import math
                xticks = [(10.0 ** k, _fmt(10.0 ** k)) for k in range(math.ceil(self.xlo), math.floor(self.xhi) + 1)]
            else:
                xticks = [(t, _fmt(t)) for t in nice_ticks(self.xlo, self.xhi)]
        for t, label in xticks:
            x = self.x(t)
            if self.x0 - 1 <= x <= self.x1 + 1:
                parts.append(f"<line x1='{_n(x)}' x2='{_n(x)}' y1='{self.y0}' y2='{self.y0 + 4}' stroke='#333'/>"
                             f"<text x='{_n(x)}' y='{self.y0 + 16}' text-anchor='middle'>{_esc(label)}</text>")
        parts.append(f"<path d='M{self.x0},{self.y1}V{self.y0}H{self.x1}' fill='none' stroke='#333'/>")
        if xlabel:
            parts.append(f"<text x='{_n((self.x0 + self.x1) / 2)}' y='{self.y0 + 34}' text-anchor='middle'>"
                         f"{_esc(xlabel)}</text>")
        if ylabel:
            cy = (self.y0 + self.y1) / 2
            parts.append(f"<text x='13' y='{_n(cy)}' text-anchor='middle' transform='rotate(-90 13 {_n(cy)})'>"
                         f"{_esc(ylabel)}</text>")


def _doc(d: dict, body: list[str], width: int = _W, height: int = _H) -> str:
    from widgets.svg import _FONT, _esc

    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' {_FONT} font-size='11'>"
            f"<text x='{width / 2:.0f}' y='17' text-anchor='middle' font-size='13'>{_esc(d['title'])}</text>"
            + "".join(body) + "</svg>")


def _legend(parts, names, x, y, *, title="", colours=_PAL):
    from widgets.svg import _esc

    if title:
        parts.append(f"<text x='{x}' y='{y}' font-weight='bold'>{_esc(title)}</text>")
        y += 15
    for i, name in enumerate(names):
        parts.append(f"<rect x='{x}' y='{y + 15 * i - 9}' width='10' height='10' fill='{colours[i % len(colours)]}'/>"
                     f"<text x='{x + 14}' y='{y + 15 * i}'>{_esc(name)}</text>")


def _ticks_over(low: float, high: float) -> list[float]:
    """Round ticks from ``low`` whose last one is at or above ``high`` (the axis ends on a tick)."""
    from widgets.svg import nice_ticks

    ticks = nice_ticks(low, high)
    if ticks[-1] < high:
        step = ticks[1] - ticks[0] if len(ticks) > 1 else (abs(high - low) or 1.0)
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _svg_bars(d):
    from widgets.svg import bar_chart

    top = _ticks_over(0.0, max(d["values"]) * 1.02)[-1]
    return bar_chart(d["labels"], {d["ylabel"]: d["values"]}, ylim=(0.0, top), title=d["title"],
                     xlabel=d["xlabel"], ylabel="", width=_W, height=_H)


def _svg_histogram(d):
    from widgets.svg import _fmt

    edges, counts = d["edges"], d["counts"]
    ticks = _ticks_over(0.0, max(counts) * 1.02)
    ax = _Axes((edges[0], edges[-1]), (0, ticks[-1]), xlog=d["log"])
    parts = []
    ax.frame(parts, yticks=ticks, xlabel=d["xlabel"] + (" (log scale)" if d["log"] else ""), ylabel=d["ylabel"])
    for c, a, b in zip(counts, edges[:-1], edges[1:]):
        xa, xb, y = ax.x(a), ax.x(b), ax.y(c)
        parts.append(f"<rect class='bar' x='{_n(xa)}' y='{_n(y)}' width='{_n(max(0.5, xb - xa - 0.8))}' "
                     f"height='{_n(ax.y0 - y)}' fill='{_PAL[0]}'><title>{_fmt(a)} to {_fmt(b)}: {c}</title></rect>")
    return _doc(d, parts)


def _svg_lines(d):
    x = d["x"]
    values = [v for ys in d["series"].values() for v in ys]
    ticks = _ticks_over(min(0.0, min(values)), max(values) * 1.02)
    multi = len(d["series"]) > 1
    ax = _Axes((x[0], x[-1]), (ticks[0], ticks[-1]), right=130 if multi else 20)
    parts = []
    ax.frame(parts, yticks=ticks, xticks=d.get("xticks"), xlabel=d["xlabel"], ylabel=d["ylabel"])
    for i, (name, ys) in enumerate(d["series"].items()):
        pts = " ".join(f"{_n(ax.x(a))},{_n(ax.y(b))}" for a, b in zip(x, ys))
        colour = _PAL[i % len(_PAL)]
        if d.get("fill"):
            parts.append(f"<polygon points='{_n(ax.x(x[0]))},{_n(ax.y0)} {pts} {_n(ax.x(x[-1]))},{_n(ax.y0)}' "
                         f"fill='{colour}' fill-opacity='0.15'/>")
        parts.append(f"<polyline class='line' points='{pts}' fill='none' stroke='{colour}' stroke-width='1.4'/>")
    if multi:
        _legend(parts, list(d["series"]), ax.x1 + 12, ax.y1 + 10, title=d.get("legend_title", ""))
    return _doc(d, parts)


def _svg_scatter(d):
    import math

    from widgets.svg import nice_ticks

    groups = d.get("groups") or {"": {"x": d["x"], "y": d["y"], "area": None}}
    xs = [v for g in groups.values() for v in g["x"]]
    ys = [v for g in groups.values() for v in g["y"]]
    pad_x, pad_y = 0.04 * (max(xs) - min(xs) or 1), 0.06 * (max(ys) - min(ys) or 1)
    xt, yt = nice_ticks(min(xs) - pad_x, max(xs) + pad_x), nice_ticks(min(ys) - pad_y, max(ys) + pad_y)
    legend = "groups" in d
    ax = _Axes((min(xs) - pad_x, max(xs) + pad_x), (min(ys) - pad_y, max(ys) + pad_y), right=170 if legend else 20)
    parts = []
    ax.frame(parts, yticks=yt, xticks=[(t, f"{t:g}") for t in xt], xlabel=d["xlabel"], ylabel=d["ylabel"])
    max_r = 12.0
    for i, g in enumerate(groups.values()):
        colour = _PAL[i % len(_PAL)]
        areas = g["area"] or [None] * len(g["x"])
        for a, b, s in zip(g["x"], g["y"], areas):
            r = 2.5 if s is None else max(1.0, max_r * math.sqrt(s))
            parts.append(f"<circle cx='{_n(ax.x(a))}' cy='{_n(ax.y(b))}' r='{r:.1f}' fill='{colour}' "
                         f"fill-opacity='{0.5 if s is None else 0.6}' stroke='white' stroke-width='0.5'/>")
    if legend:
        _legend(parts, list(groups), ax.x1 + 14, ax.y1 + 8, title=d["legend_title"])
        y = ax.y1 + 8 + 15 * (len(groups) + 1) + 10
        for f, label in d["size_legend"]:
            r = max_r * math.sqrt(f)
            parts.append(f"<circle cx='{ax.x1 + 26}' cy='{_n(y + r)}' r='{r:.1f}' fill='#9e9e9e' fill-opacity='0.6'/>"
                         f"<text x='{ax.x1 + 44}' y='{_n(y + r + 4)}'>{label}</text>")
            y += 2 * r + 8
    return _doc(d, parts)


def _diverging(v, lo, hi):
    """RdBu_r-like colour of v in [lo, hi]: blue (low), white (middle), red (high)."""
    t = min(1.0, max(0.0, (v - lo) / ((hi - lo) or 1.0)))
    blue, white, red = (33, 102, 172), (247, 247, 247), (178, 24, 43)
    a, b, u = (blue, white, t / 0.5) if t < 0.5 else (white, red, (t - 0.5) / 0.5)
    return "#" + "".join(f"{round(p + (q - p) * u):02x}" for p, q in zip(a, b))


def _svg_heat(d):
    from widgets.svg import _esc

    rows, cols, values = d["rows"], d["columns"], d["values"]
    left, top, cw, ch = 110, 40, 100, 62
    parts = []
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            x, y = left + j * cw, top + i * ch
            parts.append(f"<rect x='{x}' y='{y}' width='{cw}' height='{ch}' fill='{_diverging(v, d['vmin'], d['vmax'])}' "
                         f"stroke='white'/><text x='{x + cw / 2}' y='{y + ch / 2 + 4}' text-anchor='middle'>{v:.2f}</text>")
    for i, r in enumerate(rows):
        parts.append(f"<text x='{left - 6}' y='{top + i * ch + ch / 2 + 4}' text-anchor='end'>{_esc(r)}</text>")
    for j, c in enumerate(cols):
        parts.append(f"<text x='{left + j * cw + cw / 2}' y='{top + len(rows) * ch + 16}' text-anchor='middle'>"
                     f"{_esc(c)}</text>")
    bar_x = left + len(cols) * cw + 24
    for k in range(20):
        v = d["vmax"] - k * (d["vmax"] - d["vmin"]) / 19
        parts.append(f"<rect x='{bar_x}' y='{top + k * len(rows) * ch / 20:.1f}' width='14' "
                     f"height='{len(rows) * ch / 20 + 0.5:.1f}' fill='{_diverging(v, d['vmin'], d['vmax'])}'/>")
    parts.append(f"<text x='{bar_x + 18}' y='{top + 8}'>{d['vmax']:g}</text>"
                 f"<text x='{bar_x + 18}' y='{top + len(rows) * ch}'>{d['vmin']:g}</text>")
    return _doc(d, parts)


def _svg_pie(d):
    import math

    from widgets.svg import _esc

    cx, cy, r = 260, 190, 140
    total = sum(d["values"]) or 1.0
    hole = d["hole"] * r
    parts, angle = [], 0.0  # clockwise from 12 o'clock, as the figure's startangle=90, counterclock=False
    for i, (label, v) in enumerate(zip(d["labels"], d["values"])):
        share = v / total
        a0, a1 = angle, angle + 2 * math.pi * share
        angle = a1

        def pt(a, rad):
            return cx + rad * math.sin(a), cy - rad * math.cos(a)

        big = 1 if a1 - a0 > math.pi else 0
        (x0, y0), (x1, y1) = pt(a0, r), pt(a1, r)
        if hole:
            (u1, v1), (u0, v0) = pt(a1, hole), pt(a0, hole)
            path = (f"M{_n(x0)},{_n(y0)}A{r},{r} 0 {big} 1 {_n(x1)},{_n(y1)}L{_n(u1)},{_n(v1)}"
                    f"A{_n(hole)},{_n(hole)} 0 {big} 0 {_n(u0)},{_n(v0)}Z")
        else:
            path = f"M{cx},{cy}L{_n(x0)},{_n(y0)}A{r},{r} 0 {big} 1 {_n(x1)},{_n(y1)}Z"
        parts.append(f"<path class='wedge' d='{path}' fill='{_PAL[i % len(_PAL)]}' stroke='white'>"
                     f"<title>{_esc(label)}: {v:,.0f}</title></path>")
        mid = (a0 + a1) / 2
        tx, ty = pt(mid, (r + hole) / 2 if hole else 0.6 * r)
        lx, ly = pt(mid, r + 14)
        parts.append(f"<text x='{_n(tx)}' y='{_n(ty + 4)}' text-anchor='middle' fill='white'>{share:.0%}</text>"
                     f"<text x='{_n(lx)}' y='{_n(ly + 4)}' text-anchor='{'start' if math.sin(mid) >= 0 else 'end'}'>"
                     f"{_esc(label)}</text>")
    if hole:
        parts.append(f"<text x='{cx}' y='{cy}' text-anchor='middle'>{d['total']:,.0f}</text>"
                     f"<text x='{cx}' y='{cy + 15}' text-anchor='middle'>total</text>")
    return _doc(d, parts)


def _svg_rects(d):
    from widgets.svg import _esc

    left, top, w, h = 20, 28, _W - 40, _H - 40
    sx, sy = w / d["width"], h / d["height"]
    parts = []
    for r in d["rects"]:
        x, y, rw, rh = left + r["x"] * sx, top + r["y"] * sy, r["dx"] * sx, r["dy"] * sy
        label = " / ".join(r["path"])
        parts.append(f"<rect class='cell' x='{_n(x)}' y='{_n(y)}' width='{_n(rw)}' height='{_n(rh)}' "
                     f"fill='{_PAL[r['group'] % len(_PAL)]}' stroke='white'><title>{_esc(label)}: {r['amount']:,.0f}"
                     f"</title></rect>")
        if rw > 40 and rh > 24:
            parts.append(f"<text x='{_n(x + 4)}' y='{_n(y + 12)}' fill='white' font-size='9'>{_esc(label)}</text>"
                         f"<text x='{_n(x + 4)}' y='{_n(y + 23)}' fill='white' font-size='9'>{r['amount']:,.0f}</text>")
    return _doc(d, parts)


def _svg_table(d):
    from widgets.svg import _esc

    rows, cols = d["rows"], d["columns"]
    cw, ch, left, top = 78, 22, 210, 44
    width = left + cw * len(cols) + 20
    height = top + ch * (len(rows) + 1) + 16
    parts = [f"<text x='{left - 8}' y='{top + 15}' text-anchor='end' font-weight='bold'>{_esc(d['corner'])}</text>"]
    for j, c in enumerate(cols):
        parts.append(f"<text x='{left + (j + 1) * cw - 6}' y='{top + 15}' text-anchor='end' font-weight='bold'>"
                     f"{_esc(c)}</text>")
    for i, (r, cells) in enumerate(zip(rows, d["cells"])):
        y = top + (i + 1) * ch
        if i % 2 == 0:
            parts.append(f"<rect x='10' y='{y}' width='{width - 20}' height='{ch}' fill='#f3f3f3'/>")
        parts.append(f"<text x='{left - 8}' y='{y + 15}' text-anchor='end'>{_esc(r)}</text>")
        for j, cell in enumerate(cells):
            parts.append(f"<text x='{left + (j + 1) * cw - 6}' y='{y + 15}' text-anchor='end'>{_esc(cell)}</text>")
    return _doc(d, parts, width=max(width, 300), height=height)


def _svg_kpi(d):
    from widgets.svg import _esc

    colour = "#2e7d32" if d["good"] else "#c62828"
    arrow = "&#9650;" if d["gap"] >= 0 else "&#9660;"
    w, h = 420, 250
    parts = [f"<text x='{w / 2}' y='92' text-anchor='middle' font-size='40' font-weight='bold'>"
             f"{_esc(d['value_text'])}</text>",
             f"<text x='{w / 2}' y='135' text-anchor='middle' font-size='14' fill='{colour}'>{arrow} "
             f"{d['gap']:+.1%} vs target {_esc(d['target_text'])}</text>",
             "<rect x='42' y='190' width='336' height='14' fill='#e0e0e0'/>",
             f"<rect class='bar' x='42' y='190' width='{336 * d['share']:.1f}' height='14' fill='{colour}'/>"]
    return _doc(d, parts, width=w, height=h)


def _svg_gauge(d):
    import math

    from widgets.svg import _esc

    cx, cy, r, inner = 210, 200, 160, 112
    lo, hi = d["low"], d["high"]
    colours = ["#66bb6a", "#ffca28", "#ef5350", "#8e24aa"]

    def pt(v, rad):
        a = math.pi * (1 - (v - lo) / (hi - lo))  # low on the left, high on the right
        return cx + rad * math.cos(a), cy - rad * math.sin(a)

    parts = []
    for i, (a, b) in enumerate(zip(d["edges"][:-1], d["edges"][1:])):
        (x0, y0), (x1, y1), (u1, v1), (u0, v0) = pt(a, r), pt(b, r), pt(b, inner), pt(a, inner)
        colour = colours[i % len(colours)] if len(d["edges"]) > 2 else _PAL[0]
        parts.append(f"<path class='band' d='M{_n(x0)},{_n(y0)}A{r},{r} 0 0 1 {_n(x1)},{_n(y1)}L{_n(u1)},{_n(v1)}"
                     f"A{inner},{inner} 0 0 0 {_n(u0)},{_n(v0)}Z' fill='{colour}'/>")
    nx, ny = pt(d["value"], 0.85 * r)
    parts.append(f"<line class='needle' x1='{cx}' y1='{cy}' x2='{_n(nx)}' y2='{_n(ny)}' stroke='black' "
                 f"stroke-width='3'/><circle cx='{cx}' cy='{cy}' r='8' fill='black'/>"
                 f"<text x='{cx}' y='{cy + 30}' text-anchor='middle' font-size='14'>{_esc(d['label'])}: "
                 f"{d['value']:,.3g}</text><text x='{cx - r}' y='{cy + 16}' text-anchor='middle'>{lo:g}</text>"
                 f"<text x='{cx + r}' y='{cy + 16}' text-anchor='middle'>{hi:g}</text>")
    return _doc(d, parts, width=420, height=250)


def _svg_words(d):
    """Words in rows, largest first, font size growing with the square root of the count (a flow layout)."""
    import math

    from widgets.svg import _esc

    words = d["words"]
    top = words[0][1] if words else 1.0
    parts, x, y, row_h = [], 12.0, 30.0, 0.0
    for i, (word, count) in enumerate(words):
        size = 10 + 30 * math.sqrt(count / top)
        width = 0.66 * size * len(word) + 12
        if x + width > _W - 10:
            x, y, row_h = 12.0, y + row_h + 4, 0.0
        if y + size > _H - 4:
            break
        parts.append(f"<text x='{x:.0f}' y='{y + size:.0f}' font-size='{size:.0f}' fill='{_PAL[i % len(_PAL)]}'>"
                     f"<title>{_esc(word)}: {count:g}</title>{_esc(word)}</text>")
        x += width
        row_h = max(row_h, size)
    return _doc(d, parts)


def _svg_radar(d):
    import math

    from widgets.svg import _esc

    cx, cy, r = 240, 200, 140
    m = len(d["measures"])
    angle = [math.pi / 2 - 2 * math.pi * k / m for k in range(m)]  # first measure at the top, then clockwise
    parts = []
    for ring in (0.5, 1.0):
        pts = " ".join(f"{_n(cx + ring * r * math.cos(a))},{_n(cy - ring * r * math.sin(a))}" for a in angle)
        parts.append(f"<polygon points='{pts}' fill='none' stroke='#ddd'/>")
    for a, name in zip(angle, d["measures"]):
        parts.append(f"<line x1='{cx}' y1='{cy}' x2='{_n(cx + r * math.cos(a))}' y2='{_n(cy - r * math.sin(a))}' "
                     f"stroke='#ddd'/><text x='{_n(cx + (r + 14) * math.cos(a))}' y='{_n(cy - (r + 14) * math.sin(a) + 4)}' "
                     f"text-anchor='middle' font-size='10'>{_esc(name)}</text>")
    for i, row in enumerate(d["scaled"]):
        pts = " ".join(f"{_n(cx + v * r * math.cos(a))},{_n(cy - v * r * math.sin(a))}" for v, a in zip(row, angle))
        colour = _PAL[i % len(_PAL)]
        parts.append(f"<polygon class='profile' points='{pts}' fill='{colour}' fill-opacity='0.12' stroke='{colour}' "
                     f"stroke-width='1.5'/>")
    _legend(parts, d["items"], 470, 60)
    return _doc(d, parts)


def _svg_sankey(d):
    from widgets.svg import _esc

    left, top, w, h = 30, 46, _W - 90, _H - 60

    def X(v):
        return left + v * w

    def Y(v):
        return top + (1.0 - v) * h  # axes units: 1 at the top

    colours = {cat: _PAL[i % len(_PAL)] for i, cat in enumerate(d["nodes"][0])}
    parts = []
    for b in d["bands"]:
        x0, x1 = X(b["x0"]), X(b["x1"])
        xm = (x0 + x1) / 2
        ya, yb, ya2, yb2 = Y(b["top_a"]), Y(b["top_b"]), Y(b["top_a"] - b["ha"]), Y(b["top_b"] - b["hb"])
        colour = colours.get(b["source"], "#9e9e9e") if b["stage"] == 0 else "#9e9e9e"
        parts.append(f"<path class='band' d='M{_n(x0)},{_n(ya)}C{_n(xm)},{_n(ya)} {_n(xm)},{_n(yb)} {_n(x1)},{_n(yb)}"
                     f"L{_n(x1)},{_n(yb2)}C{_n(xm)},{_n(yb2)} {_n(xm)},{_n(ya2)} {_n(x0)},{_n(ya2)}Z' fill='{colour}' "
                     f"fill-opacity='0.35'><title>{_esc(b['source'])} &#8594; {_esc(b['target'])}: {b['amount']:,.0f}"
                     f"</title></path>")
    last = len(d["nodes"]) - 1
    for k, pos in enumerate(d["nodes"]):
        x = X(d["xs"][k])
        for cat, (bottom, hgt) in pos.items():
            colour = colours.get(cat, "#616161") if k == 0 else "#616161"
            parts.append(f"<rect x='{_n(x)}' y='{_n(Y(bottom + hgt))}' width='{_n(d['width'] * w)}' "
                         f"height='{_n(hgt * h)}' fill='{colour}'/>")
            tx = x + d["width"] * w + 4 if k < last else x - 4
            parts.append(f"<text x='{_n(tx)}' y='{_n(Y(bottom + hgt / 2) + 4)}' font-size='9' "
                         f"text-anchor='{'start' if k < last else 'end'}'>{_esc(cat)}</text>")
        parts.append(f"<text x='{_n(x + d['width'] * w / 2)}' y='{top - 8}' text-anchor='middle' font-weight='bold'>"
                     f"{_esc(d['stages'][k])}</text>")
    return _doc(d, parts)


def _svg_waterfall(d):
    from widgets.svg import _esc

    labels = [*d["labels"], d["total_label"]]
    lows = [min(s, s + a) for s, a in zip(d["starts"], d["amounts"])] + [min(0.0, d["total"])]
    highs = [max(s, s + a) for s, a in zip(d["starts"], d["amounts"])] + [max(0.0, d["total"])]
    ticks = _ticks_over(min(0.0, min(lows)), max(highs) * 1.02)
    ax = _Axes((0, len(labels)), (ticks[0], ticks[-1]), left=70, bottom=56)
    parts = []
    ax.frame(parts, yticks=ticks, xticks=[])
    slot = (ax.x1 - ax.x0) / len(labels)
    for i, (label, lo, hi) in enumerate(zip(labels, lows, highs)):
        if i < len(d["amounts"]):
            colour = "#2e7d32" if d["amounts"][i] >= 0 else "#c62828"
        else:
            colour = _PAL[0]
        x = ax.x0 + i * slot + 0.15 * slot
        parts.append(f"<rect class='bar' x='{_n(x)}' y='{_n(ax.y(hi))}' width='{_n(0.7 * slot)}' "
                     f"height='{_n(ax.y(lo) - ax.y(hi))}' fill='{colour}'/>"
                     f"<text x='{_n(x + 0.35 * slot)}' y='{ax.y0 + 16}' text-anchor='middle' font-size='9'>"
                     f"{_esc(label)}</text>")
    return _doc(d, parts)


_RENDERERS = {"bars": _svg_bars, "histogram": _svg_histogram, "lines": _svg_lines, "scatter": _svg_scatter,
              "heat": _svg_heat, "pie": _svg_pie, "rects": _svg_rects, "table": _svg_table, "kpi": _svg_kpi,
              "gauge": _svg_gauge, "words": _svg_words, "radar": _svg_radar, "sankey": _svg_sankey,
              "waterfall": _svg_waterfall}


def chart_svg(data: dict) -> str:
    """The SVG document of one chart from :func:`mlkit.visuals.chart_data`'s numbers (raises KeyError on an unknown kind)."""
    return _RENDERERS[data["kind"]](data)

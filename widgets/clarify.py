"""Clarify views: the bias explorer (metrics as bars with their ranges) and the SHAP explorer."""

from __future__ import annotations

import html
import math

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["BiasExplorer", "ShapExplorer"]

_PRE = ("CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL")
_LABELS = {"approved = 1": "approved", "credit_score > threshold": "credit_score"}


def _facet_options(df, facet):
    """Dropdown options for one facet: its values, or thresholds at quartiles for a numeric column."""
    import pandas as pd

    col = df[facet]
    if pd.api.types.is_numeric_dtype(col) and col.nunique() > 10:
        qs = sorted({float(round(col.quantile(q), -2 if col.max() > 10_000 else 0)) for q in (0.25, 0.5, 0.75)})
        return [(f"> {q:,.0f}", q) for q in qs]
    return [(str(v), str(v)) for v in sorted(map(str, pd.unique(col)))]


class BiasExplorer(MlkitWidget):
    """Choose facet, facet value (or threshold) and label; see Clarify's pre-training metrics.

    Contract: the data are :func:`mlkit.datasets.loans` (``n_rows``, ``seed``)
    with the injected ``approval_gap`` made ``gap_source`` ("within_group" or
    "composition"). Every change calls :func:`mlkit.clarify.bias_report` for
    the chosen facet *d* (``facet_value``: a value, or for a numeric facet a
    threshold) and label (``approved = 1``, or ``credit_score`` above
    ``label_threshold``) with ``department`` as the group variable, and shows
    ``self.result`` (a :class:`~mlkit.clarify.BiasReport`) as bars inside each
    metric's range and a table of plain-language readings. Bad input (e.g. a
    threshold no row passes) shows the engine's message in the banner.

    >>> w = BiasExplorer()
    >>> w.set(approval_gap=0.0)
    >>> abs(w.result.value("DPL")) < 0.1
    True
    """

    def __init__(self, facet="gender", facet_value="female", label="approved", label_threshold=700.0,
                 approval_gap=0.2, gap_source="within_group", n_rows=3000, seed=0):
        from mlkit.datasets import loans

        self.facet = facet
        self.facet_value = facet_value
        self.label = label
        self.label_threshold = label_threshold
        self.approval_gap = approval_gap
        self.gap_source = gap_source
        self.n_rows = n_rows
        self.seed = seed
        self._base = loans(n_rows, seed=seed).frame
        style = {"description_width": "120px"}
        facets = ["gender", "department", "income", "credit_score", "loan_amount"]
        controls = {
            "facet": ipywidgets.Dropdown(options=facets, value=facet, description="facet", style=style),
            "facet_value": ipywidgets.Dropdown(options=_facet_options(self._base, facet), value=facet_value,
                                               description="facet d", style=style),
            "label": ipywidgets.Dropdown(options=list(_LABELS.items()), value=label,
                                         description="positive label", style=style),
            "label_threshold": ipywidgets.FloatSlider(value=label_threshold, min=550, max=800, step=10,
                                                      description="credit_score >", style=style,
                                                      continuous_update=False),
            "approval_gap": ipywidgets.FloatSlider(value=approval_gap, min=-0.3, max=0.3, step=0.05,
                                                   description="injected gap", style=style,
                                                   continuous_update=False),
            "gap_source": ipywidgets.Dropdown(options=["within_group", "composition"], value=gap_source,
                                              description="gap source", style=style),
        }
        self.summary = ipywidgets.HTML()
        self.readings = ipywidgets.HTML(layout=ipywidgets.Layout(overflow="auto"))
        self._bars = None
        super().__init__(controls, title="Clarify bias explorer (loans)", body=[self.summary, self.readings],
                         figsize=(7.5, 3.2))

    def _on_change(self, change) -> None:
        # a new facet brings its own values: swap the options without computing twice
        if change.owner is self.controls["facet"] and not self._holding:
            from mlkit.datasets import loans

            frame = self._frame_for(loans)
            self._holding = True
            try:
                options = _facet_options(frame, change.new)
                self.controls["facet_value"].options = options
                self.controls["facet_value"].value = options[0][1]
            finally:
                self._holding = False
        super()._on_change(change)

    def _frame_for(self, loans, approval_gap=None, gap_source=None):
        gap = self.controls["approval_gap"].value if approval_gap is None else approval_gap
        src = self.controls["gap_source"].value if gap_source is None else gap_source
        # generated once per (gap, source): a facet or label change reuses the rows (same seed, same rows)
        cache = self.__dict__.setdefault("_frames", {})
        key = (float(gap), src)
        if key not in cache:
            if len(cache) >= 16:
                cache.pop(next(iter(cache)))
            cache[key] = loans(self.n_rows, approval_gap=gap, gap_source=src, seed=self.seed).frame
        return cache[key]

    def compute(self, facet, facet_value, label, label_threshold, approval_gap, gap_source):
        from mlkit.clarify import bias_report
        from mlkit.datasets import loans

        df = self._frame_for(loans, approval_gap, gap_source)
        lvt = [1] if label == "approved" else float(label_threshold)
        fvt = facet_value if isinstance(facet_value, float) else [facet_value]
        return bias_report(df, label=label, label_values_or_threshold=lvt, facet=facet,
                           facet_values_or_threshold=fvt, group_variable="department")

    def draw(self, result) -> None:
        entry = result.facets[0]
        self.summary.value = html_block(
            f"facet <b>d</b>: {html.escape(result.facet)} {'=' if entry['kind'] == 'values' else ''}"
            f"{html.escape(entry['value_or_threshold'])} ({entry['kind']}); positive label: "
            f"{html.escape(result.label)} {'in' if result.label_rule['kind'] == 'values' else ''} "
            f"{html.escape(result.label_rule['text'])} ({result.label_rule['kind']})")
        frame = result.to_frame()
        rows = "".join(f"<tr><td><b>{r.metric}</b></td><td>{html.escape(r.reading)}</td></tr>"
                       for r in frame.itertuples())
        self.readings.value = html_block(f"<table>{rows}</table>")
        if self._bars is None:
            self._make_axes()
        for bar, text, name in zip(self._bars, self._texts, _PRE):
            v = entry["pre"][name]
            shown = 0.0 if math.isnan(v) else max(-1.0, min(1.0, v))
            bar.set_width(shown)
            bar.set_color("#d62728" if abs(shown) >= 0.1 else "#1f77b4")
            text.set_text("n/a" if math.isnan(v) else f"{v:+.3f}")
        self.refresh_figure(dynamic=[*self._bars, *self._texts])

    def _make_axes(self) -> None:
        from mlkit.clarify import METRIC_INFO

        ax = self.figure.add_subplot(1, 1, 1)
        self.figure.subplots_adjust(left=0.1, right=0.86, top=0.9, bottom=0.12)
        y = list(range(len(_PRE)))[::-1]
        for yi, name in zip(y, _PRE):  # each metric's range, clipped to the axis
            lo, hi = METRIC_INFO[name]["range"]
            ax.plot([max(lo, -1), min(hi, 1)], [yi, yi], color="#dddddd", linewidth=10, solid_capstyle="butt",
                    zorder=0)
        self._bars = list(ax.barh(y, [0.0] * len(_PRE), height=0.5, zorder=2))
        self._texts = [ax.text(1.02, yi, "", va="center", fontsize=9, transform=ax.get_yaxis_transform())
                       for yi in y]
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlim(-1, 1)
        ax.set_yticks(y, list(_PRE))
        ax.set_title("pre-training bias (grey: the metric's range; red: |value| >= 0.1)", y=1.0, fontsize=10)


class ShapExplorer(MlkitWidget):
    """SHAP for a loan-approval model: global importance and one applicant's explanation.

    Contract: trains the chosen ``model`` ("xgboost": tree SHAP on the
    margin; "logistic": kernel SHAP on the probability, over a 30-row
    baseline) once on :func:`mlkit.datasets.loans` (``income``,
    ``credit_score``, ``loan_amount`` -> ``approved``) and explains
    ``n_explained`` rows with :func:`mlkit.clarify.shap_values`, cached per
    model; ``row`` picks the applicant shown. ``self.result`` is the
    :class:`~mlkit.clarify.ShapResult`.

    >>> w = ShapExplorer(n_explained=20)
    >>> w.result.global_importance().index[0]
    'credit_score'
    """

    retrains = True
    features = ["income", "credit_score", "loan_amount"]

    def __init__(self, model="xgboost", row=0, n_rows=1500, n_explained=40, seed=0):
        from mlkit.datasets import loans

        self.model = model
        self.row = row
        self.n_rows = n_rows
        self.n_explained = n_explained
        self.seed = seed
        self._frame = loans(n_rows, seed=seed).frame
        self._cache = {}
        style = {"description_width": "120px"}
        controls = {
            "model": ipywidgets.Dropdown(options=[("XGBoost (tree SHAP)", "xgboost"),
                                                  ("logistic regression (kernel SHAP)", "logistic")],
                                         value=model, description="model", style=style),
            "row": ipywidgets.IntSlider(value=row, min=0, max=n_explained - 1, description="applicant",
                                        style=style, continuous_update=False),
        }
        self.local_table = ipywidgets.HTML()
        self._axes = None
        super().__init__(controls, title="SHAP explanations (loans)", body=[self.local_table], figsize=(8.0, 2.8))

    def _explain(self, model):
        if model not in self._cache:
            import numpy as np
            from mlkit.clarify import shap_values

            X, y = self._frame[self.features], self._frame["approved"]
            if model == "xgboost":
                import xgboost

                fitted = xgboost.XGBClassifier(n_estimators=60, max_depth=3, random_state=self.seed, n_jobs=1).fit(X, y)
            elif model == "logistic":
                from sklearn.linear_model import LogisticRegression
                from sklearn.pipeline import make_pipeline
                from sklearn.preprocessing import StandardScaler

                fitted = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
            else:
                raise ValueError(f"model must be 'xgboost' or 'logistic'; got {model!r}")
            rng = np.random.default_rng(self.seed)
            baseline = X.iloc[np.sort(rng.choice(len(X), 30, replace=False))]
            self._cache[model] = shap_values(fitted, X.iloc[: self.n_explained], baseline=baseline,
                                             nsamples=64, seed=self.seed)
        return self._cache[model]

    def compute(self, model, row):
        result = self._explain(model)
        result.local(row)  # validates the row
        return result

    def draw(self, result) -> None:
        row = self.controls["row"].value
        local = result.local(row)
        self.local_table.value = html_block(
            f"applicant {row}: model output {result.prediction(row):+.3f} ({result.output}) = "
            f"expected {result.expected_value:+.3f} + sum of SHAP values<br>"
            + local.to_html(index=False, float_format=lambda v: f"{v:,.4g}", border=0))
        if self._axes is None:
            g_ax, l_ax = self._axes = self.figure.subplots(1, 2)
            self.figure.subplots_adjust(left=0.14, right=0.98, bottom=0.15, top=0.86, wspace=0.55)
            y = [2, 1, 0]
            self._gbars = list(g_ax.barh(y, [0, 0, 0], color="#1f77b4"))
            self._lbars = list(l_ax.barh(y, [0, 0, 0]))
            g_ax.set_yticks(y, self.features)
            l_ax.set_yticks(y, self.features)
            l_ax.axvline(0, color="black", linewidth=0.8)
            g_ax.set_title("global: mean |SHAP|", y=1.0, fontsize=10)
            l_ax.set_title("local: this applicant", y=1.0, fontsize=10)
        g_ax, l_ax = self._axes
        imp = result.global_importance()
        vals = result.values.iloc[row]
        for bar, f in zip(self._gbars, self.features):
            bar.set_width(float(imp[f]))
        for bar, f in zip(self._lbars, self.features):
            bar.set_width(float(vals[f]))
            bar.set_color("#2ca02c" if vals[f] >= 0 else "#d62728")
        top = max(float(imp.max()), 1e-9) * 1.1
        ltop = max(float(result.values.abs().to_numpy().max()), 1e-9) * 1.1
        if getattr(self, "_limits", None) != (top, ltop):  # new model: new scales
            g_ax.set_xlim(0, top)
            l_ax.set_xlim(-ltop, ltop)
            self._limits = (top, ltop)
            self.invalidate_background()
        self.refresh_figure(dynamic=[*self._gbars, *self._lbars])

"""SageMaker Clarify, offline: bias metrics, SHAP explanations, imbalance mitigation (topic 08).

What is here, by Clarify's name:

* :func:`pretraining_bias` -- CI, DPL, KL, JS, LP, TVD, KS, CDDL of one facet
  (each also a function of its own: :func:`CI`, :func:`DPL`, ...);
* :func:`posttraining_bias` -- DPPL, DI, DCA, DCR, RD, SD, DAR, DRR, AD, CDDPL,
  TE, FT, GE on a model's predicted labels;
  both equal the open-source ``smclarify`` 0.5 to 1e-9 (see :mod:`mlkit.clarify.metrics`);
* :func:`bias_report` -- a :class:`BiasReport` shaped like Clarify's
  ``analysis.json``, with an HTML view and a plain-language reading per metric;
  :class:`BiasConfig` exports the ``CreateProcessingJob`` request and the
  ``analysis_config.json`` Clarify's processing container reads;
* :func:`shap_values` -- SHAP attributions (tree SHAP for XGBoost, kernel SHAP
  over a baseline for any scikit-learn model) as a :class:`ShapResult`;
* :func:`resample` and :func:`compare_mitigations` -- random over/undersampling,
  SMOTE and class weights, with their effect on class imbalance and on
  minority-class recall.

Names are imported on first use, so ``import mlkit.clarify`` stays cheap.

    >>> import pandas as pd
    >>> from mlkit.clarify import pretraining_bias
    >>> df = pd.DataFrame({"sex": list("ffmmmm"), "y": [1, 0, 1, 1, 0, 1]})
    >>> pretraining_bias(df, label="y", label_values_or_threshold=[1], facet="sex",
    ...                  facet_values_or_threshold=["f"], methods=["DPL"])["DPL"]
    0.25
"""

from __future__ import annotations

from mlkit._lazy import lazy_exports

_WHERE = {
    # metrics
    "pretraining_bias": "metrics",
    "posttraining_bias": "metrics",
    "metric_notes": "metrics",
    "PRETRAINING_METRICS": "metrics",
    "POSTTRAINING_METRICS": "metrics",
    "METRIC_INFO": "metrics",
    **{m: "metrics" for m in ("CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL", "DPPL", "DI", "DCA",
                              "DCR", "RD", "SD", "DAR", "DRR", "AD", "CDDPL", "TE", "FT", "GE")},
    # report
    "bias_report": "report",
    "BiasReport": "report",
    "BiasConfig": "report",
    "reading": "report",
    # explanations
    "shap_values": "explain",
    "ShapResult": "explain",
    # mitigation
    "resample": "mitigation",
    "class_weights": "mitigation",
    "compare_mitigations": "mitigation",
    "MitigationResult": "mitigation",
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

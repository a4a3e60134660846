"""widgets: thin ipywidgets views over mlkit's engine.

Each widget sets an mlkit object's parameters from controls, calls the engine
and shows the result; no algorithm lives here. Importing this package is
cheap: a widget's module (and ipywidgets, pandas, matplotlib) is imported
the first time the widget is asked for::

    >>> import widgets
    >>> widgets.StudyMap.__name__
    'StudyMap'

Later topics add their widget here: one line in ``_WHERE``.
"""

from __future__ import annotations

from mlkit._lazy import lazy_exports

#: Public name -> the submodule that defines it.
_WHERE = {
    "MlkitWidget": "widgets.base",
    "CheckboxGroup": "widgets.base",
    "Quiz": "widgets.quiz",
    "StudyMap": "widgets.study_map",
    "ClaimsLedger": "widgets.claims",
    "DatasetExplorer": "widgets.datasets",
    "InferenceModeExplorer": "widgets.inference",
    "PickList": "widgets.base",
    "CleaningPipelineToggler": "widgets.prep",
    "ChartChooser": "widgets.visuals",
    "InputModeExplorer": "widgets.input_modes",
    "TuningRace": "widgets.tuning",
    "TrafficSplitter": "widgets.variants",
    "RolloutSimulator": "widgets.variants",
    "MultiModelCacheExplorer": "widgets.scaling",
    "ScalingWeek": "widgets.scaling",
    "BiasExplorer": "widgets.clarify",
    "ShapExplorer": "widgets.clarify",
    "DriftDashboard": "widgets.monitor",
    "PracticeExamWidget": "widgets.exam",
    "GridWorldExplorer": "widgets.rl",
    "CompressionBench": "widgets.compression",
    "LabelingConsole": "widgets.labeling",
    "RunComparison": "widgets.mlops",
    "RegistryView": "widgets.mlops",
    "PipelineView": "widgets.mlops",
    "AutoMLLauncher": "widgets.automl",
    "ForecastExplorer": "widgets.forecast",
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

"""The course map: every topic in study order, with its notebook and features.

One table, read by the study map (``%study``, ``mlkit topics``, the
``StudyMap`` widget), the quiz bank (a question's ``topic`` must be one of
these ids) and ``mlkit lab``. A topic whose notebook is not in the course yet
is shown as *coming*.

    >>> from mlkit.topics import get_topic
    >>> get_topic("inference").notebook
    '05_inference_modes.ipynb'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Topic", "TOPICS", "topic_ids", "get_topic", "study_map"]


@dataclass(frozen=True)
class Topic:
    """One topic of the course: ``id`` names it everywhere (quiz bank, progress)."""

    id: str
    number: int
    title: str
    notebook: str
    features: tuple[str, ...]
    widget: str | None = None
    #: The kit's modules that are this topic's engine (``mlkit.tuning``, ...).
    engine: tuple[str, ...] = ()
    #: The real requests the topic exports and validates, as ``service:Operation``.
    requests: tuple[str, ...] = ()

    @property
    def notebook_id(self) -> str:
        """The notebook's file name without ``.ipynb`` (the key in the progress file)."""
        return self.notebook.removesuffix(".ipynb")


TOPICS: tuple[Topic, ...] = (
    Topic("start", 0, "Start here", "00_start_here.ipynb",
          ("how the kit maps to SageMaker", "datasets with known truth", "quizzes"),
          "DatasetExplorer",
          engine=('mlkit.datasets',), requests=()),
    Topic("data_preparation", 1, "Data preparation and text features", "01_data_preparation.ipynb",
          ("Data Wrangler-style cleaning", "label encoding", "CountVectorizer", "quantile binning"),
          "CleaningPipelineToggler",
          engine=('mlkit.prep', 'mlkit.text'), requests=('sagemaker:CreateProcessingJob',)),
    Topic("visuals", 2, "Visualizing data (QuickSight visual types)", "02_visualizing_data.ipynb",
          ("QuickSight visual types", "histograms, heat maps, scatter plots", "SPICE"),
          "ChartChooser",
          engine=('mlkit.visuals',), requests=('quicksight:CreateAnalysis',)),
    Topic("input_modes", 3, "Training input modes and storage", "03_input_modes.ipynb",
          ("TrainingInputMode File|FastFile|Pipe", "S3 Express One Zone", "FSx for Lustre", "EFS",
           "RecordIO"),
          "InputModeExplorer",
          engine=('mlkit.input_modes', 'mlkit.recordio'), requests=('sagemaker:CreateTrainingJob',)),
    Topic("tuning", 4, "Automatic model tuning", "04_tuning.ipynb",
          ("Strategy Grid|Random|Bayesian|Hyperband", "early stopping", "warm start"),
          "TuningRace",
          engine=('mlkit.tuning',), requests=('sagemaker:CreateHyperParameterTuningJob',)),
    Topic("inference", 5, "Inference modes and a local endpoint", "05_inference_modes.ipynb",
          ("real-time endpoints", "ServerlessConfig", "AsyncInferenceConfig", "batch transform",
           "InvokeEndpoint"),
          "InferenceModeExplorer",
          engine=('mlkit.inference',), requests=('sagemaker:CreateEndpointConfig',)),
    Topic("variants", 6, "Production and shadow variants, deployment guardrails",
          "06_variants_and_deployment.ipynb",
          ("ProductionVariant", "InitialVariantWeight", "shadow variants", "blue/green, canary, linear",
           "auto-rollback"),
          "TrafficSplitter, RolloutSimulator",
          engine=('mlkit.inference.variants', 'mlkit.inference.deployment'), requests=('sagemaker:CreateEndpointConfig', 'sagemaker:UpdateEndpointWeightsAndCapacities')),
    Topic("scaling", 7, "Multi-model endpoints and autoscaling", "07_scaling_and_multi_model.ipynb",
          ("multi-model endpoints", "inference components and adapters", "target tracking",
           "scheduled scaling"),
          "MultiModelCacheExplorer, ScalingWeek",
          engine=('mlkit.inference.multimodel', 'mlkit.inference.components', 'mlkit.inference.autoscaling'), requests=('sagemaker:CreateModel',)),
    Topic("clarify", 8, "Clarify: bias metrics and SHAP", "08_clarify_bias_and_shap.ipynb",
          ("CI, DPL, KL, JS, LP, TVD, KS, CDD", "post-training bias", "SHAP explanations"),
          "BiasExplorer, ShapExplorer",
          engine=('mlkit.clarify',), requests=('sagemaker:CreateProcessingJob',)),
    Topic("monitor", 9, "Model Monitor", "09_model_monitor.ipynb",
          ("data capture", "baselines", "data quality, model quality", "bias and attribution drift"),
          "DriftDashboard",
          engine=('mlkit.monitor',), requests=('sagemaker:CreateMonitoringSchedule', 'cloudwatch:PutMetricAlarm')),
    Topic("rl", 10, "Reinforcement learning", "10_reinforcement_learning.ipynb",
          ("Q-learning", "epsilon-greedy exploration", "MDPs"),
          "GridWorldExplorer",
          engine=('mlkit.rl',), requests=('sagemaker:CreateTrainingJob',)),
    Topic("mlops", 11, "Experiments, registry, lineage and pipelines", "11_mlops_loop.ipynb",
          ("SageMaker Experiments", "Model Registry", "lineage tracking", "Pipelines"),
          "RunComparison, RegistryView, PipelineView",
          engine=('mlkit.experiments', 'mlkit.registry', 'mlkit.lineage', 'mlkit.pipelines'), requests=('sagemaker:CreateModelPackage', 'sagemaker:CreatePipeline')),
    Topic("automl", 12, "AutoML: Autopilot and Canvas", "12_automl_canvas.ipynb",
          ("Autopilot", "Canvas", "leaderboard"),
          "AutoMLLauncher",
          engine=('mlkit.automl',), requests=('sagemaker:CreateAutoMLJobV2',)),
    Topic("forecasting", 13, "Time-series forecasting", "13_forecasting.ipynb",
          ("DeepAR", "Prophet-style models", "Canvas forecasting"),
          "ForecastExplorer",
          engine=('mlkit.forecast',), requests=('sagemaker:CreateAutoMLJobV2',)),
    Topic("ground_truth", 14, "Ground Truth labeling", "14_ground_truth_labeling.ipynb",
          ("labeling jobs", "annotation consolidation", "automated data labeling"),
          "LabelingConsole",
          engine=('mlkit.labeling',), requests=('sagemaker:CreateLabelingJob',)),
    Topic("edge", 15, "Compression, compilation and edge inference", "15_compression_and_edge.ipynb",
          ("quantization, pruning, distillation", "SageMaker Neo", "IoT Greengrass"),
          "CompressionBench",
          engine=('mlkit.compression', 'mlkit.edge'), requests=('sagemaker:CreateCompilationJob',)),
    Topic("ledger", 16, "The claims ledger", "16_claims_ledger.ipynb",
          ("every measurable claim of the notes, tested",),
          "ClaimsLedger",
          engine=('mlkit.claims',), requests=()),
    Topic("exam", 17, "Practice exam", "17_practice_exam.ipynb",
          ("MLA-C01 style questions", "domain weights", "timed, graded at the end"),
          "PracticeExamWidget",
          engine=('mlkit.quiz.exam', 'mlkit.quiz.guide'), requests=()),
)

_BY_ID = {t.id: t for t in TOPICS}


def topic_ids() -> list[str]:
    """The topic ids in study order."""
    return [t.id for t in TOPICS]


def get_topic(topic_id: str) -> Topic:
    """The :class:`Topic` with this id; an unknown id raises ``ValueError`` listing the valid ones."""
    try:
        return _BY_ID[topic_id]
    except (KeyError, TypeError):
        raise ValueError(
            f"topic must be one of {', '.join(topic_ids())}; got {topic_id!r}"
        ) from None


def study_map(progress=None):
    """The study map as a DataFrame: one row per topic, with the learner's state.

    Columns: ``number, topic, title, notebook, features, widget, engine, available``
    (the notebook exists in the course), ``state`` (``'not started'``,
    ``'opened'`` or ``'completed'``) and ``quiz_best`` (``'3/4'``, or ``''``
    when the topic's quiz was never finished).

    >>> from mlkit.progress import Progress
    >>> import tempfile, os
    >>> p = Progress(os.path.join(tempfile.mkdtemp(), "progress.json"))
    >>> study_map(p).loc[0, "state"]
    'not started'
    """
    import pandas as pd

    from mlkit.course import available_notebooks
    from mlkit.progress import Progress

    progress = Progress() if progress is None else progress
    states = progress.notebook_states()
    scores = progress.quiz_scores()
    present = set(available_notebooks())
    rows = []
    for t in TOPICS:
        best = scores.get(t.id, {}).get("best")
        rows.append(
            {
                "number": t.number,
                "topic": t.id,
                "title": t.title,
                "notebook": t.notebook,
                "features": ", ".join(t.features),
                "widget": t.widget or "",
                "engine": ", ".join(t.engine),
                "available": t.notebook in present,
                "state": states.get(t.notebook_id, "not started"),
                "quiz_best": f"{best[0]}/{best[1]}" if best else "",
            }
        )
    return pd.DataFrame(rows)

"""SageMaker Model Monitor, offline: data capture, baselines and the four kinds of drift (topic 09).

What is here, by SageMaker's name:

* :class:`DataCaptureConfig` and the :class:`DataCapture` endpoint hook: JSON
  Lines in SageMaker's capture format under ``{endpoint}/{variant}/yyyy/mm/dd/hh/``
  in the local bucket; :func:`read_captures` reads a window back, reporting
  malformed lines by file and line (:mod:`mlkit.monitor.capture`);
* data quality: :func:`suggest_baseline` (``statistics.json`` and
  ``constraints.json``) and :func:`check_data_quality`
  (``constraint_violations.json`` with SageMaker's six check types and the
  L-infinity distance, Simple or Robust) (:mod:`mlkit.monitor.data_quality`);
* model quality: ground truth merged by inference id, binary / multiclass /
  regression metrics, constraints with comparison operators
  (:mod:`mlkit.monitor.model_quality`);
* bias drift on top of :func:`mlkit.clarify.posttraining_bias`
  (:mod:`mlkit.monitor.bias_drift`);
* feature attribution drift: :func:`ndcg` exactly as SageMaker defines it,
  alerting below 0.90 (:mod:`mlkit.monitor.attribution`);
* :class:`MonitoringSchedule` with cron expressions over simulated days of
  captured traffic, metric time series, :class:`MonitorAlarm` rules,
  detection delay and false alarms (:mod:`mlkit.monitor.schedule`);
* request export: ``CreateEndpointConfig`` with ``DataCaptureConfig``,
  ``CreateMonitoringSchedule`` and the four job definitions
  (:mod:`mlkit.monitor.requests`).

Names are imported on first use, so ``import mlkit.monitor`` stays cheap.

    >>> from mlkit.monitor import ndcg
    >>> round(ndcg({"SAT": 0.70, "GPA": 0.50, "class_rank": 0.05},
    ...            {"SAT": 0.10, "GPA": 0.20, "class_rank": 0.70}), 4)
    0.6876
"""

from __future__ import annotations

from mlkit._lazy import lazy_exports

_WHERE = {
    # capture
    "DataCaptureConfig": "capture",
    "DataCapture": "capture",
    "CaptureWindow": "capture",
    "BadLine": "capture",
    "read_captures": "capture",
    "capture_prefix": "capture",
    # data quality
    "Baseline": "data_quality",
    "DataQualityResult": "data_quality",
    "suggest_baseline": "data_quality",
    "compute_statistics": "data_quality",
    "check_data_quality": "data_quality",
    "linf_distance": "data_quality",
    "ks_critical_value": "data_quality",
    # model quality
    "GroundTruth": "model_quality",
    "write_ground_truth": "model_quality",
    "read_ground_truth": "model_quality",
    "merge_ground_truth": "model_quality",
    "model_quality_statistics": "model_quality",
    "suggest_model_quality_constraints": "model_quality",
    "check_model_quality": "model_quality",
    "ModelQualityResult": "model_quality",
    # bias drift
    "BiasDriftBaseline": "bias_drift",
    "suggest_bias_baseline": "bias_drift",
    "check_bias_drift": "bias_drift",
    "BiasDriftResult": "bias_drift",
    # attribution drift
    "ndcg": "attribution",
    "AttributionBaseline": "attribution",
    "suggest_attribution_baseline": "attribution",
    "check_attribution_drift": "attribution",
    "AttributionDriftResult": "attribution",
    # schedules
    "CronSchedule": "schedule",
    "MonitorAlarm": "schedule",
    "MonitoringSchedule": "schedule",
    "ScheduleRun": "schedule",
    "DriftScenario": "schedule",
    "simulate_drift": "schedule",
    # requests
    "DataQualityJobDefinition": "requests",
    "ModelQualityJobDefinition": "requests",
    "ModelBiasJobDefinition": "requests",
    "ModelExplainabilityJobDefinition": "requests",
    "CreateMonitoringSchedule": "requests",
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

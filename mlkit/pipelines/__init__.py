"""SageMaker Pipelines, locally: a DAG of steps with parameters, caching, retries and execution records (topic 11).

What is here, by SageMaker's name:

* pipeline parameters (:class:`ParameterString`, :class:`ParameterInteger`,
  :class:`ParameterFloat`, :class:`ParameterBoolean`), :class:`Join`
  (``Std:Join``), step properties (``step.properties["model"]`` becomes a
  ``Get`` expression) and conditions (:class:`ConditionGreaterThanOrEqualTo`
  and friends);
* steps: :class:`ProcessingStep`, :class:`TrainingStep`, :class:`TuningStep`,
  :class:`EvaluationStep`, :class:`ConditionStep`, :class:`RegisterModelStep`,
  :class:`TransformStep`, :class:`FailStep`, each with a
  :class:`CacheConfig` and :class:`RetryPolicy` list;
* :class:`Pipeline`: ``definition()`` (the JSON ``CreatePipeline`` takes,
  schema version ``2020-12-01``), ``to_request()``, and ``start()`` which runs
  the steps locally in dependency order, independent steps in parallel, and
  returns a :class:`PipelineExecution` (per step: status, start/end, outputs,
  cache hit, attempts, failure reason);
* :func:`run_mlops_loop`: the whole loop of the notes' retraining question
  (:mod:`mlkit.pipelines.loop`).

Names are imported on first use, so ``import mlkit.pipelines`` stays cheap.
"""

from __future__ import annotations

from mlkit._lazy import lazy_exports

_WHERE = {
    name: "core"
    for name in (
        "ParameterString", "ParameterInteger", "ParameterFloat", "ParameterBoolean", "Join",
        "ConditionEquals", "ConditionGreaterThan", "ConditionGreaterThanOrEqualTo", "ConditionLessThan",
        "ConditionLessThanOrEqualTo", "CacheConfig", "RetryPolicy", "Step", "ProcessingStep", "TrainingStep",
        "TuningStep", "EvaluationStep", "ConditionStep", "RegisterModelStep", "TransformStep", "FailStep",
        "Pipeline", "PipelineExecution", "StepExecution", "ServiceFault", "Throttling", "JobInternalError",
        "CapacityError", "ResourceLimit", "PipelineDefinitionError",
    )
}
_WHERE.update({"run_mlops_loop": "loop", "LoopResult": "loop"})

__all__ = sorted(_WHERE)

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

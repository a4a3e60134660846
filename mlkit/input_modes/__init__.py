"""Training input modes (File, FastFile, Pipe) over S3, S3 Express One Zone, FSx for Lustre and EFS.

What is here, by SageMaker name:

* storage profiles with cited figures (:data:`STORAGE`, :class:`StorageProfile`,
  :func:`fsx_lustre`) and the instance side (:class:`TrainingInstance`);
* :class:`Channel`: one element of ``InputDataConfig`` (``InputMode``,
  ``ContentType``, ``RecordWrapperType``, ``ShuffleConfig``, S3 or file-system
  data source), refusing what SageMaker refuses;
* :class:`LocalTrainingJob`: a training function run against channels that
  move real bytes (File copies, FastFile lazy files, Pipe through a real
  FIFO per epoch), timed on a simulated clock; ``to_request()`` is the
  ``CreateTrainingJob`` request;
* scenarios and measurements (:class:`Scenario`, :data:`SCENARIOS`,
  :func:`measure`, :func:`compare_input_modes`) with built-in training loops.

Names are imported on first use, so ``import mlkit.input_modes`` stays cheap.

    >>> from mlkit.input_modes import Channel
    >>> Channel("train", "s3://my-bucket/train/", InputMode="FastFile").to_channel()["InputMode"]
    'FastFile'
"""

from __future__ import annotations

from mlkit._lazy import lazy_exports

_WHERE = {
    "StorageProfile": "storage",
    "TrainingInstance": "storage",
    "STORAGE": "storage",
    "get_profile": "storage",
    "fsx_lustre": "storage",
    "Channel": "channel",
    "INPUT_MODES": "channel",
    "LocalTrainingJob": "job",
    "TrainingContext": "job",
    "TrainingJobRun": "job",
    "VolumeFullError": "job",
    "Read": "job",
    "replay": "timing",
    "Scenario": "scenarios",
    "SCENARIOS": "scenarios",
    "measure": "scenarios",
    "compare_input_modes": "scenarios",
    "prepare_sample": "scenarios",
}

__all__ = sorted(_WHERE)

__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

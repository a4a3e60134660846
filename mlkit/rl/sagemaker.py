"""What an RL training job is in SageMaker: a ``CreateTrainingJob`` request.

SageMaker RL runs your training script in a container (the SageMaker RL
images shipped Coach and Ray RLlib with TensorFlow, MXNet or, for Ray,
PyTorch; since April 2024 those images are no longer updated, and AWS
points to building your own image). Rollouts and training spread over the
instances of ``ResourceConfig.InstanceCount`` and the cores of each.
:class:`RLTrainingJob` exports the request for a job that would run one of
the kit's agents there, with its parameters as hyperparameters.

    >>> from mlkit.rl.agents import QLearning
    >>> job = RLTrainingJob("frozenlake-q", QLearning(episodes=8000, n_envs=512), "FrozenLake8x8-v1")
    >>> job.to_request()["HyperParameters"]["episodes"]
    '8000'
"""

from __future__ import annotations

import json

from mlkit._checks import check_int
from mlkit.aws import AwsRequest

__all__ = ["RLTrainingJob"]

DEFAULT_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mlkit-rl:latest"


class RLTrainingJob(AwsRequest):
    """A SageMaker training job that would train ``agent`` on ``env_id``: ``to_request()`` is the
    ``CreateTrainingJob`` request (validated by ``validate()`` against botocore's model).

    Parameters are stored unchanged: ``TrainingJobName``, ``agent`` (a
    :class:`~mlkit.rl.agents.QLearning` or :class:`~mlkit.rl.agents.Sarsa`),
    ``env_id``, ``RoleArn``, ``TrainingImage`` (your own RL image in ECR),
    ``InstanceType``, ``InstanceCount`` (instances sharing rollouts),
    ``rollout_workers`` per instance, ``S3OutputPath``, ``entry_point``,
    ``MaxRuntimeInSeconds``. Hyperparameter values are strings, as the API
    requires. ``to_request()`` raises ``ValueError`` for a count below 1.
    """

    aws_service, aws_operation = "sagemaker", "CreateTrainingJob"

    def __init__(self, TrainingJobName: str, agent, env_id: str, *,
                 RoleArn: str = "arn:aws:iam::123456789012:role/SageMakerRole",
                 TrainingImage: str = DEFAULT_IMAGE, InstanceType: str = "ml.c5.2xlarge", InstanceCount: int = 1,
                 rollout_workers: int = 8, S3OutputPath: str = "s3://mlkit-course/rl-output/",
                 entry_point: str = "train_rl.py", MaxRuntimeInSeconds: int = 3600):
        self.TrainingJobName = TrainingJobName
        self.agent = agent
        self.env_id = env_id
        self.RoleArn = RoleArn
        self.TrainingImage = TrainingImage
        self.InstanceType = InstanceType
        self.InstanceCount = InstanceCount
        self.rollout_workers = rollout_workers
        self.S3OutputPath = S3OutputPath
        self.entry_point = entry_point
        self.MaxRuntimeInSeconds = MaxRuntimeInSeconds

    def to_request(self) -> dict:
        count = check_int("InstanceCount", self.InstanceCount, low=1)
        workers = check_int("rollout_workers", self.rollout_workers, low=1)
        params = {k: v for k, v in self.agent.get_params().items() if v is not None}
        hyper = {k: str(v) for k, v in params.items()}
        hyper.update({"algorithm": self.agent.algorithm, "env_id": self.env_id, "rollout_workers": str(workers),
                      "sagemaker_program": json.dumps(self.entry_point)})
        return {
            "TrainingJobName": self.TrainingJobName,
            "AlgorithmSpecification": {"TrainingImage": self.TrainingImage, "TrainingInputMode": "File"},
            "RoleArn": self.RoleArn,
            "HyperParameters": hyper,
            "OutputDataConfig": {"S3OutputPath": self.S3OutputPath},
            "ResourceConfig": {"InstanceType": self.InstanceType, "InstanceCount": count, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": self.MaxRuntimeInSeconds},
        }

    def __repr__(self) -> str:
        return f"RLTrainingJob({self.TrainingJobName!r}, {self.agent!r}, {self.env_id!r})"

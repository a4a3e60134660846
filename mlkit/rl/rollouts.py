"""Rollouts spread over workers with gymnasium's vector environments.

SageMaker RL distributes *rollouts* (playing episodes to gather experience)
over cores or instances while a trainer updates the policy. Here the same
split on a laptop: :func:`parallel_rollouts` plays a policy in ``n_workers``
copies of the environment, each in its own process
(``gymnasium.vector.AsyncVectorEnv``) or all in this one
(``SyncVectorEnv``), and gathers the episodes. Every worker process is closed
before the function returns, also on error or Ctrl-C.

    >>> import numpy as np
    >>> report = parallel_rollouts("FrozenLake-v1", np.zeros(16, dtype=int), n_workers=2, episodes=10,
    ...                            mode="sync")
    >>> len(report.episodes)
    10
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import numpy as np

from mlkit._checks import check_int, check_one_of, check_seed
from mlkit.report import Report

__all__ = ["RolloutReport", "parallel_rollouts"]


@dataclass(repr=False)
class RolloutReport(Report):
    """Episodes gathered by the workers: ``episodes`` is a DataFrame
    ``worker, episode, return, length, success``; ``seconds`` wall time; ``steps`` env steps."""

    env_id: str
    n_workers: int
    mode: str
    episodes: object
    steps: int
    seconds: float

    @property
    def success_rate(self) -> float:
        return float(self.episodes["success"].mean())

    @property
    def mean_return(self) -> float:
        return float(self.episodes["return"].mean())

    def to_dict(self) -> dict:
        per_worker = self.episodes.groupby("worker")["episode"].count()
        return {"env_id": self.env_id, "n_workers": self.n_workers, "mode": self.mode,
                "episodes": int(len(self.episodes)), "steps": self.steps, "seconds": self.seconds,
                "success_rate": self.success_rate, "mean_return": self.mean_return,
                "episodes_per_worker": {int(k): int(v) for k, v in per_worker.items()}}

    def __repr__(self) -> str:
        return (f"RolloutReport({self.env_id!r}, n_workers={self.n_workers}, mode={self.mode!r}, "
                f"episodes={len(self.episodes)}, success_rate={self.success_rate:.3f}, "
                f"mean_return={self.mean_return:.3f})")


def parallel_rollouts(env_id: str, policy, *, n_workers: int = 2, episodes: int = 100, seed: int | None = 0,
                      mode: str = "async") -> RolloutReport:
    """Play ``policy`` (one action per state) for ``episodes`` episodes over ``n_workers`` workers.

    In: a gymnasium id (mlkit ids are registered in each worker), an integer
    policy array, ``n_workers`` in 1..64, ``episodes >= 1``, ``mode``
    ``"async"`` (one process per worker) or ``"sync"`` (one process).
    Worker ``i`` is seeded with ``seed + i``. Out: :class:`RolloutReport`
    with exactly ``episodes`` episodes (the first ones to finish). The vector
    environment is closed before returning. Raises ``ValueError`` naming the
    parameter for bad counts, an unknown mode or a policy that does not fit
    the environment.
    """
    import gymnasium as gym
    import pandas as pd

    from mlkit.rl.evaluate import _check_policy
    from mlkit.rl.model import as_table, make_env

    n_workers = check_int("n_workers", n_workers, low=1, high=64)
    episodes = check_int("episodes", episodes, low=1, high=1_000_000)
    seed = check_seed(seed)
    check_one_of("mode", mode, ("async", "sync"))
    if not isinstance(env_id, str):
        raise TypeError(f"env_id must be a gymnasium id (workers make their own copy), got {type(env_id).__name__}")
    table = as_table(env_id)
    policy = _check_policy(policy, table)
    success_reward = table.success_reward
    fns = [functools.partial(make_env, env_id) for _ in range(n_workers)]
    started = time.perf_counter()
    vector_cls = gym.vector.AsyncVectorEnv if mode == "async" else gym.vector.SyncVectorEnv
    envs = vector_cls(fns, autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    rows, steps = [], 0
    try:
        obs, _ = envs.reset(seed=seed)
        total = np.zeros(n_workers)
        length = np.zeros(n_workers, dtype=np.int64)
        count = np.zeros(n_workers, dtype=np.int64)
        while len(rows) < episodes:
            obs, reward, terminated, truncated, info = envs.step(policy[obs])
            total += reward
            length += 1
            steps += n_workers
            for i in np.flatnonzero(terminated | truncated):
                if len(rows) < episodes:
                    rows.append((int(i), int(count[i]), float(total[i]), int(length[i]),
                                 bool(terminated[i] and reward[i] == success_reward)))
                count[i] += 1
                total[i], length[i] = 0.0, 0
    finally:
        envs.close()
    frame = pd.DataFrame(rows, columns=["worker", "episode", "return", "length", "success"])
    return RolloutReport(env_id, n_workers, mode, frame, steps, time.perf_counter() - started)

"""The lessons as measurements: exploration, discounting, and Q-learning against SARSA on the cliff.

Each function trains agents under one setting at a time and returns a
DataFrame (or a small report) of what happened, so a claim of the lesson
is a number in a table rather than a sentence:

* :func:`epsilon_sweep`: constant epsilon from 0 to 1. Too little
  exploration settles on the first path that paid; too much never uses
  what it learned (low return while learning).
* :func:`discount_sweep`: gamma from 0 to nearly 1. A short-sighted agent
  cannot see a reward many steps away.
* :func:`cliff_walking_comparison`: Sutton and Barto's example 6.6. Q-learning
  learns the optimal path along the cliff edge (return -13) but falls off
  while exploring; SARSA learns the safer path and earns more while learning.

Each shows a tqdm bar over its runs (``progress=False`` hides it); Ctrl-C ends a sweep and
returns the runs that finished.

    >>> frame = epsilon_sweep(epsilons=(0.1,), seeds=(0,), episodes=500, progress=False)
    >>> list(frame.columns)[:3]
    ['epsilon', 'seed', 'success_probability']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlkit._checks import check_fraction, check_int
from mlkit.report import Report

__all__ = ["epsilon_sweep", "discount_sweep", "cliff_walking_comparison", "CliffComparison", "GridWorldRun",
           "train_and_score"]


def _runs(settings, progress, body, desc: str) -> bool:
    """Call ``body(*setting)`` for each setting, with a tqdm bar when asked.

    Ctrl-C ends the sweep and keeps what finished; returns True when it was interrupted.
    """
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(settings), desc=desc, unit="run", leave=True)
    try:
        for setting in settings:
            body(*setting)
            if bar is not None:
                bar.update(1)
    except KeyboardInterrupt:
        return True
    finally:
        if bar is not None:
            bar.close()
    return False


def _seeds(seeds) -> list[int]:
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    return [check_int("seeds[i]", s, low=0) for s in seeds]


def epsilon_sweep(env="FrozenLake-v1", epsilons=(0.0, 0.05, 0.2, 0.5, 1.0), *, seeds=(0, 1, 2),
                  episodes: int = 3000, alpha: float = 0.1, gamma: float = 0.99, progress: bool = True):
    """Q-learning with a constant epsilon per row: how the greedy policy and the online return fare.

    Out: DataFrame ``epsilon, seed, success_probability`` (exact, of the
    greedy policy), ``of_optimal`` (that over the value-iteration optimum's),
    ``online_return`` (mean reward per episode while learning, exploration
    included). Raises ``ValueError`` for an epsilon outside [0, 1] or no seeds.
    """
    import pandas as pd

    from mlkit.rl.agents import QLearning
    from mlkit.rl.evaluate import evaluate_policy, optimal_evaluation
    from mlkit.rl.model import as_table

    epsilons = [check_fraction("epsilons[i]", e) for e in epsilons]
    seeds = _seeds(seeds)
    table = as_table(env)
    best = optimal_evaluation(table, episodes=0).success_probability
    rows = []

    def run(eps, seed):
        result = QLearning(alpha=alpha, gamma=gamma, epsilon=eps, epsilon_decay=1.0, epsilon_min=0.0,
                           episodes=episodes, seed=seed).train(table)
        ev = evaluate_policy(table, result.policy, episodes=0)
        rows.append((eps, seed, ev.success_probability, ev.success_probability / best,
                     float(result.returns.mean())))

    _runs([(e, s) for e in epsilons for s in seeds], progress, run, "epsilon sweep")
    return pd.DataFrame(rows, columns=["epsilon", "seed", "success_probability", "of_optimal", "online_return"])


def discount_sweep(env="FrozenLake-v1", gammas=(0.0, 0.5, 0.9, 0.99), *, seeds=(0, 1, 2), episodes: int = 3000,
                   alpha: float = 0.1, progress: bool = True):
    """Q-learning (epsilon decaying from 1) per gamma: the greedy policy's success and value iteration's.

    Out: DataFrame ``gamma, seed, success_probability`` (learned greedy
    policy, exact), ``optimal_at_gamma`` (value iteration's policy for this
    gamma), ``optimal`` (the best over gammas, value iteration at 0.999).
    Raises ``ValueError`` for a gamma outside [0, 1] or no seeds.
    """
    import pandas as pd

    from mlkit.rl.agents import QLearning
    from mlkit.rl.evaluate import evaluate_policy, optimal_evaluation
    from mlkit.rl.model import as_table

    gammas = [check_fraction("gammas[i]", g) for g in gammas]
    seeds = _seeds(seeds)
    table = as_table(env)
    best = optimal_evaluation(table, episodes=0).success_probability
    at_gamma = {g: optimal_evaluation(table, gamma=g, episodes=0).success_probability for g in gammas}
    rows = []

    def run(g, seed):
        result = QLearning(alpha=alpha, gamma=g, epsilon=1.0, epsilon_decay=0.999, episodes=episodes,
                           seed=seed).train(table)
        rows.append((g, seed, evaluate_policy(table, result.policy, episodes=0).success_probability,
                     at_gamma[g], best))

    _runs([(g, s) for g in gammas for s in seeds], progress, run, "discount sweep")
    return pd.DataFrame(rows, columns=["gamma", "seed", "success_probability", "optimal_at_gamma", "optimal"])


@dataclass(repr=False)
class CliffComparison(Report):
    """Q-learning and SARSA on CliffWalking with the same constant epsilon.

    ``online``: DataFrame ``episode, Q-learning, SARSA`` of the reward per
    episode while learning, averaged over seeds; ``greedy``: DataFrame per
    algorithm and seed of the greedy policy's ``return`` (exact),
    ``path`` (states from the start) and ``min_row`` (how far up the grid
    the path climbs, row 0 is the top; the cliff lies along row 3).
    """

    online: object
    greedy: object
    results: dict

    def to_dict(self) -> dict:
        g = self.greedy.groupby("algorithm")[["return", "path_length"]].mean()
        last = self.online.tail(100)[["Q-learning", "SARSA"]].mean()
        return {"greedy_return": g["return"].to_dict(), "greedy_path_length": g["path_length"].to_dict(),
                "online_return_last_100": last.to_dict()}

    def __repr__(self) -> str:
        return f"CliffComparison({self.to_dict()})"


def cliff_walking_comparison(*, episodes: int = 500, epsilon: float = 0.1, alpha: float = 0.5,
                             seeds=(0, 1, 2), progress: bool = True) -> CliffComparison:
    """Sutton and Barto's cliff: Q-learning versus SARSA, constant ``epsilon``, gamma 1.

    Out: :class:`CliffComparison`. Raises ``ValueError`` for epsilon
    outside [0, 1], alpha outside (0, 1], episodes below 1 or no seeds.
    """
    import pandas as pd

    from mlkit.rl.agents import QLearning, Sarsa
    from mlkit.rl.evaluate import evaluate_policy, greedy_path
    from mlkit.rl.model import as_table

    seeds = _seeds(seeds)
    table = as_table("CliffWalking-v1")
    online, greedy, results = {}, [], {}

    def run(cls, seed):
        result = cls(alpha=alpha, gamma=1.0, epsilon=epsilon, epsilon_decay=1.0, epsilon_min=0.0,
                     episodes=episodes, seed=seed).train(table)
        results[(result.algorithm, seed)] = result
        online.setdefault(result.algorithm, []).append(result.returns)
        path = greedy_path(table, result.policy, max_steps=100)
        greedy.append((result.algorithm, seed, evaluate_policy(table, result.policy, episodes=0,
                                                               max_steps=100).expected_return,
                       path, len(path) - 1, min(s // 12 for s in path)))

    _runs([(c, s) for c in (QLearning, Sarsa) for s in seeds], progress, run, "cliff walking")
    frame = pd.DataFrame({"episode": np.arange(episodes)})
    for name, runs in online.items():  # an interrupted sweep averages the runs that finished
        frame[name] = np.mean(runs, axis=0)
    greedy_frame = pd.DataFrame(greedy, columns=["algorithm", "seed", "return", "path", "path_length", "min_row"])
    return CliffComparison(frame, greedy_frame, results)


@dataclass(repr=False)
class GridWorldRun(Report):
    """One training run scored against the optimum: ``training`` (:class:`~mlkit.rl.agents.TrainingResult`),
    ``evaluation`` of its greedy policy and ``optimal`` (value iteration's), both exact."""

    training: object
    evaluation: object
    optimal: object

    @property
    def of_optimal(self) -> float:
        """The greedy policy's success probability over the optimum's (expected return for CliffWalking)."""
        ev, opt = self.evaluation, self.optimal
        if opt.success_probability > 0 and not self.training.env_id.startswith("CliffWalking"):
            return ev.success_probability / opt.success_probability
        return opt.expected_return / ev.expected_return if ev.expected_return < 0 else float("nan")

    def to_dict(self) -> dict:
        return {"training": self.training.to_dict(), "evaluation": self.evaluation.to_dict(),
                "optimal": self.optimal.to_dict(), "of_optimal": self.of_optimal}

    def __repr__(self) -> str:
        return (f"GridWorldRun({self.training.algorithm}, {self.training.env_id!r}, "
                f"success={self.evaluation.success_probability:.3f}, of_optimal={self.of_optimal:.3f})")


def train_and_score(env="FrozenLake-v1", algorithm: str = "Q-learning", **agent_params) -> GridWorldRun:
    """Train ``algorithm`` (``"Q-learning"`` or ``"SARSA"``) with ``agent_params`` on ``env`` and score it.

    The transition table and the optimum of an id are computed once per
    process and reused (the grid-world explorer retrains on every slider
    move). Raises ``ValueError`` for an unknown algorithm and whatever the
    agent raises for bad parameters.
    """
    from mlkit._checks import check_one_of
    from mlkit.rl.agents import QLearning, Sarsa
    from mlkit.rl.evaluate import evaluate_policy

    check_one_of("algorithm", algorithm, ("Q-learning", "SARSA"))
    table, optimal = _model(env) if isinstance(env, str) else _solve(env)
    cls = QLearning if algorithm == "Q-learning" else Sarsa
    training = cls(**agent_params).train(table)
    return GridWorldRun(training, evaluate_policy(table, training.policy, episodes=0), optimal)


def _solve(env):
    from mlkit.rl.evaluate import optimal_evaluation
    from mlkit.rl.model import as_table

    table = as_table(env)
    return table, optimal_evaluation(table, episodes=0)


_MODELS: dict = {}


def _model(env_id: str):
    if env_id not in _MODELS:
        _MODELS[env_id] = _solve(env_id)
    return _MODELS[env_id]

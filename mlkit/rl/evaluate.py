"""How good is a policy? Exact expectations from the model, and seeded episodes.

:func:`evaluate_policy` scores a deterministic policy (one action per state)
two ways under the environment's time limit: exactly, by dynamic programming
over the transition table (``success_probability``, ``expected_return``),
and by playing ``episodes`` seeded episodes (``success_rate``,
``mean_return``, ``mean_length``). The sampled numbers scatter around the
exact ones by about ``sqrt(p (1 - p) / episodes)``.

*Success* is ending an episode on the best-rewarded terminating transition:
FrozenLake's goal, Taxi's drop-off, CliffWalking's goal.

    >>> from mlkit.rl.model import value_iteration
    >>> vi = value_iteration("FrozenLake-v1", gamma=0.99)
    >>> ev = evaluate_policy("FrozenLake-v1", vi.policy, episodes=2000, seed=0)
    >>> round(ev.success_probability, 2)
    0.74
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlkit._checks import check_int, check_seed
from mlkit.report import Report

__all__ = ["PolicyEvaluation", "evaluate_policy", "optimal_evaluation", "greedy_path"]


@dataclass
class PolicyEvaluation(Report):
    """Scores of one policy under a time limit of ``max_steps``.

    Exact (from the model): ``success_probability``, ``expected_return``.
    Sampled (``episodes`` seeded episodes; NaN when ``episodes=0``):
    ``success_rate``, ``mean_return``, ``mean_length``.
    """

    env_id: str | None
    max_steps: int
    success_probability: float
    expected_return: float
    episodes: int
    success_rate: float
    mean_return: float
    mean_length: float


def _check_policy(policy, table) -> np.ndarray:
    policy = np.asarray(policy)
    if policy.shape != (table.n_states,) or not np.issubdtype(policy.dtype, np.integer):
        raise ValueError(f"policy must be an integer array with one action per state, shape ({table.n_states},), "
                         f"got dtype {policy.dtype} and shape {policy.shape}")
    if policy.min() < 0 or policy.max() >= table.n_actions:
        raise ValueError(f"policy actions must be in 0..{table.n_actions - 1}, got {policy.min()}..{policy.max()}")
    return policy.astype(np.int64)


def evaluate_policy(env, policy, *, episodes: int = 1000, seed: int | None = 0,
                    max_steps: int | None = None) -> PolicyEvaluation:
    """Score ``policy`` on ``env`` exactly and over ``episodes`` seeded episodes.

    In: an id, a gymnasium env or a :class:`~mlkit.rl.model.TransitionTable`;
    ``policy`` an integer array, one action per state; ``max_steps`` the time
    limit (None: the environment's). Out: :class:`PolicyEvaluation`. Nothing
    is changed. The episodes are played together on the transition table,
    drawing as gymnasium's ``reset``/``step`` would. Raises ``ValueError``
    for a policy of the wrong shape or with actions out of range,
    ``episodes < 0`` or ``max_steps < 1``.
    """
    from mlkit.rl.model import as_table

    table = as_table(env)
    policy = _check_policy(policy, table)
    episodes = check_int("episodes", episodes, low=0, high=10_000_000)
    seed = check_seed(seed)
    limit = table.max_episode_steps if max_steps is None else check_int("max_steps", max_steps, low=1)

    # exact: V_h(s) = sum_k p_k [r_k + (not terminated_k) V_{h-1}(s'_k)], h = limit
    s = np.arange(table.n_states)
    prob = table.prob[s, policy]
    nxt = table.next_state[s, policy]
    live = prob * ~table.terminated[s, policy]
    win = prob * (table.terminated[s, policy] & (table.reward[s, policy] == table.success_reward))
    r = (prob * table.reward[s, policy]).sum(axis=1)
    w = win.sum(axis=1)
    value, success = np.zeros(table.n_states), np.zeros(table.n_states)
    for _ in range(limit):
        value = r + (live * value[nxt]).sum(axis=1)
        success = w + (live * success[nxt]).sum(axis=1)
    start = np.diff(table.start_cum_prob, prepend=0.0)

    rate = mean_return = mean_length = float("nan")
    if episodes:
        rng = np.random.default_rng(seed)
        state = table.sample_start(rng.random(episodes))
        total = np.zeros(episodes)
        length = np.zeros(episodes, dtype=np.int64)
        won = np.zeros(episodes, dtype=bool)
        running = np.ones(episodes, dtype=bool)
        for _ in range(limit):
            idx = np.flatnonzero(running)
            if len(idx) == 0:
                break
            s2, rew, term = table.sample(state[idx], policy[state[idx]], rng.random(len(idx)))
            total[idx] += rew
            length[idx] += 1
            state[idx] = s2
            won[idx] = term & (rew == table.success_reward)
            running[idx] = ~term
        rate, mean_return, mean_length = float(won.mean()), float(total.mean()), float(length.mean())
    return PolicyEvaluation(table.env_id, int(limit), float(start @ success), float(start @ value), episodes,
                            rate, mean_return, mean_length)


def optimal_evaluation(env, gamma: float = 0.999, **kwargs) -> PolicyEvaluation:
    """:func:`evaluate_policy` of value iteration's optimal policy: the yardstick for learned ones.

    gamma 0.999 by default: nearly undiscounted, so the policy maximises the chance of success
    (on FrozenLake 8x8 gamma 0.99 gives up a few points of success to finish sooner).
    """
    from mlkit.rl.model import as_table, value_iteration

    table = as_table(env)
    return evaluate_policy(table, value_iteration(table, gamma=gamma).policy, **kwargs)


def greedy_path(env, policy, max_steps: int | None = None) -> list[int]:
    """The states visited following ``policy`` from the most likely start, taking each
    action's most likely outcome; stops at a terminating transition, a repeated state or
    ``max_steps``. For deterministic grids (CliffWalking) this is the path itself."""
    from mlkit.rl.model import as_table

    table = as_table(env)
    policy = _check_policy(policy, table)
    limit = table.max_episode_steps if max_steps is None else check_int("max_steps", max_steps, low=1)
    state = int(np.argmax(np.diff(table.start_cum_prob, prepend=0.0)))
    path, seen = [state], {state}
    for _ in range(limit):
        a = policy[state]
        k = int(np.argmax(table.prob[state, a]))
        nxt, done = int(table.next_state[state, a, k]), bool(table.terminated[state, a, k])
        path.append(nxt)
        if done or nxt in seen:
            break
        seen.add(nxt)
        state = nxt
    return path

"""Tabular agents: Q-learning and SARSA with epsilon-greedy exploration.

The lesson's loop, one gymnasium step at a time (``engine="readable"``)::

    action = epsilon_greedy(Q[state], epsilon, rng)
    next_state, reward, terminated, truncated, _ = env.step(action)
    target = reward if terminated else reward + gamma * Q[next_state].max()
    Q[state, action] += alpha * (target - Q[state, action])

The learning rate ``alpha`` sets the step size; the discount ``gamma``
weighs the next state's value. (The study notes write
``Q += discount * (reward + max Q(s') - Q)``: gamma as the step size and no
discount on the future. That is not Q-learning.) A terminating transition
bootstraps with 0: nothing comes after it. A truncated one (the time limit)
bootstraps as usual: the state still has a future, the clock merely stopped.

``engine="fast"`` (the default) runs the same algorithm on ``n_envs`` copies
of the environment in lockstep, stepping a :class:`~mlkit.rl.model.TransitionTable`
read from the environment's own model with numpy. With ``n_envs=1`` it draws
the same random numbers in the same order as the readable loop on
gymnasium's ``env.step`` and gives the same Q table, bit for bit. With more
copies the updates of one lockstep that hit the same ``(s, a)`` are averaged
into one (as a minibatch would): a different random path to the same answer.

    >>> result = QLearning(episodes=3000, seed=0).train("FrozenLake-v1")
    >>> result.Q.shape, len(result.returns)
    ((16, 4), 3000)
"""

from __future__ import annotations

import time
from bisect import bisect_right
from itertools import chain
from dataclasses import dataclass, field

import numpy as np

from mlkit._checks import check_float, check_fraction, check_int, check_one_of, check_seed
from mlkit.report import Report

__all__ = ["QLearning", "Sarsa", "TrainingResult", "epsilon_greedy", "epsilon_schedule", "agent_streams"]

ENGINES = ("fast", "readable")


def epsilon_greedy(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """One action: random with probability ``epsilon``, else a best one, ties broken at random.

    Always draws two uniforms (``explore``, ``pick``): ``pick`` chooses
    among all actions when exploring, among the best ones otherwise. Always
    drawing two keeps the random stream the same whatever happens.

    >>> epsilon_greedy(np.array([0.0, 1.0, 1.0]), 0.0, np.random.default_rng(0)) in (1, 2)
    True
    """
    explore, pick = rng.random(2)
    candidates = np.arange(len(q_row)) if explore < epsilon else np.flatnonzero(q_row == q_row.max())
    return int(candidates[int(pick * len(candidates))])


def epsilon_schedule(episode, epsilon: float, decay: float, minimum: float):
    """Epsilon for episode number ``episode`` (0-based): ``max(minimum, epsilon * decay**episode)``.

    ``decay=1`` keeps it constant.
    """
    return np.maximum(minimum, epsilon * np.power(decay, episode))


def agent_streams(seed):
    """``(env_rng, agent_rng)`` for a seed: the first is what gymnasium's ``reset(seed=seed)`` makes
    (``PCG64(SeedSequence(seed))``), the second an independent child stream for the agent's choices."""
    seq = np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(seq)), np.random.Generator(np.random.PCG64(seq.spawn(1)[0]))


@dataclass(repr=False)
class TrainingResult(Report):
    """What training produced: the Q table, the per-episode online returns and lengths, the greedy policy.

    ``Q[s, a]``; ``returns[e]``/``lengths[e]``: reward sum and steps of
    episode ``e`` while learning (exploration included); ``policy[s] =
    argmax_a Q[s, a]`` (ties to the lowest action); ``steps``: environment
    steps taken; ``interrupted``: training was stopped early (Ctrl-C) and
    the arrays hold the finished episodes only.
    """

    algorithm: str
    env_id: str | None
    Q: np.ndarray
    returns: np.ndarray
    lengths: np.ndarray
    params: dict
    steps: int
    seconds: float
    interrupted: bool = False
    table: object = field(default=None, repr=False)

    @property
    def policy(self) -> np.ndarray:
        return self.Q.argmax(axis=1)

    @property
    def V(self) -> np.ndarray:
        """``max_a Q[s, a]``: the learned value of each state."""
        return self.Q.max(axis=1)

    def curve(self, window: int = 100):
        """Learning curve: DataFrame ``episode, return, length, mean_return`` (moving mean over ``window``)."""
        import pandas as pd

        window = check_int("window", window, low=1)
        frame = pd.DataFrame({"episode": np.arange(len(self.returns)), "return": self.returns,
                              "length": self.lengths})
        frame["mean_return"] = frame["return"].rolling(window, min_periods=1).mean()
        return frame

    def evaluate(self, **kwargs):
        """:func:`mlkit.rl.evaluate.evaluate_policy` of the greedy policy on the training environment."""
        from mlkit.rl.evaluate import evaluate_policy

        return evaluate_policy(self.table if self.table is not None else self.env_id, self.policy, **kwargs)

    def to_dict(self) -> dict:
        from mlkit.report import to_jsonable

        return {"algorithm": self.algorithm, "env_id": self.env_id, "params": to_jsonable(self.params),
                "episodes": int(len(self.returns)), "steps": int(self.steps), "seconds": self.seconds,
                "interrupted": self.interrupted, "policy": to_jsonable(self.policy),
                "Q": to_jsonable(self.Q), "mean_return_last_100": float(np.mean(self.returns[-100:]))
                if len(self.returns) else None}

    def __repr__(self) -> str:
        last = float(np.mean(self.returns[-100:])) if len(self.returns) else float("nan")
        return (f"TrainingResult({self.algorithm}, {self.env_id!r}, episodes={len(self.returns)}, "
                f"steps={self.steps}, mean return of the last 100={last:.3f})")


class _TabularAgent:
    """Shared parameters, validation and the two engines of :class:`QLearning` and :class:`Sarsa`."""

    algorithm = ""

    def __init__(self, alpha: float = 0.1, gamma: float = 0.99, epsilon: float = 1.0,
                 epsilon_decay: float = 0.999, epsilon_min: float = 0.01, episodes: int = 5000,
                 max_steps: int | None = None, n_envs: int = 1, seed: int | None = 0):
        self.alpha = alpha
        self.gamma = gamma
        self.epsilon = epsilon
        self.epsilon_decay = epsilon_decay
        self.epsilon_min = epsilon_min
        self.episodes = episodes
        self.max_steps = max_steps
        self.n_envs = n_envs
        self.seed = seed

    def get_params(self) -> dict:
        return {k: getattr(self, k) for k in ("alpha", "gamma", "epsilon", "epsilon_decay", "epsilon_min",
                                              "episodes", "max_steps", "n_envs", "seed")}

    def _checked(self) -> dict:
        p = self.get_params()
        p["alpha"] = check_float("alpha", p["alpha"], 0.0, 1.0, low_open=True)
        p["gamma"] = check_fraction("gamma", p["gamma"])
        p["epsilon"] = check_fraction("epsilon", p["epsilon"])
        p["epsilon_decay"] = check_float("epsilon_decay", p["epsilon_decay"], 0.0, 1.0, low_open=True)
        p["epsilon_min"] = check_float("epsilon_min", p["epsilon_min"], 0.0, p["epsilon"])
        p["episodes"] = check_int("episodes", p["episodes"], low=1, high=10_000_000)
        if p["max_steps"] is not None:
            p["max_steps"] = check_int("max_steps", p["max_steps"], low=1)
        p["n_envs"] = check_int("n_envs", p["n_envs"], low=1, high=65_536)
        p["seed"] = check_seed(p["seed"])
        if p["seed"] is None:
            p["seed"] = int(np.random.SeedSequence().generate_state(1)[0])
        return p

    def train(self, env, *, engine: str = "fast", progress: bool = False) -> TrainingResult:
        """Learn a Q table on ``env``; return a :class:`TrainingResult`. The agent is not changed.

        ``env``: a gymnasium id (``"FrozenLake-v1"``), a gymnasium env with
        discrete observations and actions, or a
        :class:`~mlkit.rl.model.TransitionTable`. ``engine="fast"`` steps
        the environment's transition table (``n_envs`` copies at once);
        ``engine="readable"`` runs the lesson's loop on gymnasium's
        ``env.step`` (``n_envs`` must be 1). ``progress`` shows a tqdm bar.
        Ctrl-C stops early and returns the finished episodes
        (``interrupted=True``).

        Raises ``ValueError``/``TypeError`` naming the parameter for alpha
        outside (0, 1], gamma or epsilon outside [0, 1], epsilon_decay
        outside (0, 1], epsilon_min outside [0, epsilon], episodes, n_envs or
        max_steps below 1, an unknown engine, or an environment whose
        observation or action space is not ``Discrete``.
        """
        from mlkit.rl.model import TransitionTable, make_env

        p = self._checked()
        check_one_of("engine", engine, ENGINES)
        if engine == "readable":
            if p["n_envs"] != 1:
                raise ValueError(f"n_envs must be 1 with engine='readable' (it steps one gymnasium env), "
                                 f"got {p['n_envs']}")
            if isinstance(env, TransitionTable):
                raise TypeError("env must be a gymnasium id or env with engine='readable', got a TransitionTable")
            made = isinstance(env, str)
            gym_env = make_env(env)
            try:
                return self._train_readable(gym_env, p, progress)
            finally:
                if made:
                    gym_env.close()
        table = env if isinstance(env, TransitionTable) else TransitionTable.from_env(env)
        if min(p["n_envs"], p["episodes"]) == 1:
            return self._train_scalar(table, p, progress)
        return self._train_fast(table, p, progress)

    # -- the lesson's loop on gymnasium ------------------------------------
    def _train_readable(self, env, p, progress) -> TrainingResult:
        from mlkit.rl.model import DEFAULT_MAX_STEPS, check_discrete_env

        n_states, n_actions = check_discrete_env(env)
        limit = p["max_steps"] or (env.spec.max_episode_steps if env.spec and env.spec.max_episode_steps
                                   else DEFAULT_MAX_STEPS)
        alpha, gamma, sarsa = p["alpha"], p["gamma"], self.algorithm == "sarsa"
        _, rng = agent_streams(p["seed"])
        Q = np.zeros((n_states, n_actions))
        returns, lengths, steps = [], [], 0
        started = time.perf_counter()
        bar = _bar(p["episodes"], progress, self.algorithm)
        try:
            for episode in range(p["episodes"]):
                epsilon = float(epsilon_schedule(episode, p["epsilon"], p["epsilon_decay"], p["epsilon_min"]))
                state, _ = env.reset(seed=p["seed"] if episode == 0 else None)
                action = epsilon_greedy(Q[state], epsilon, rng) if sarsa else None
                total, t = 0.0, 0
                while True:
                    if not sarsa:
                        action = epsilon_greedy(Q[state], epsilon, rng)
                    next_state, reward, terminated, truncated, _ = env.step(action)
                    t += 1
                    total += reward
                    if sarsa:  # on-policy: bootstrap on the action it will really take next
                        next_action = epsilon_greedy(Q[next_state], epsilon, rng)
                        target = reward if terminated else reward + gamma * Q[next_state, next_action]
                    else:      # off-policy: bootstrap on the best next action
                        target = reward if terminated else reward + gamma * Q[next_state].max()
                    Q[state, action] += alpha * (target - Q[state, action])
                    state = next_state
                    if sarsa:
                        action = next_action
                    if terminated or truncated or t >= limit:
                        break
                returns.append(total)
                lengths.append(t)
                steps += t
                if bar is not None:
                    bar.update(1)
            interrupted = False
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if bar is not None:
                bar.close()
        return self._result(env.spec.id if env.spec else None, Q, np.asarray(returns, dtype=float),
                            np.asarray(lengths, dtype=np.int64), p, steps, started, interrupted, None)

    # -- the fast engine, one copy: the lesson's loop on the table, in plain Python ---
    def _train_scalar(self, table, p, progress) -> TrainingResult:
        # Python floats are IEEE doubles like numpy's, and the random numbers are
        # drawn in blocks from the same streams in the same order as the readable
        # loop: the Q table comes out bit for bit the same, about ten times faster.
        n_actions = table.n_actions
        limit = p["max_steps"] or table.max_episode_steps
        alpha, gamma, sarsa, episodes = p["alpha"], p["gamma"], self.algorithm == "sarsa", p["episodes"]
        cum, nxt = table.cum_prob.tolist(), table.next_state.tolist()
        rew, term = table.reward.tolist(), table.terminated.tolist()
        start = table.start_cum_prob.tolist()
        env_rng, rng = agent_streams(p["seed"])
        env_u, agent_u = _uniforms(env_rng), _uniforms(rng)
        Q = [[0.0] * n_actions for _ in range(table.n_states)]
        schedule = epsilon_schedule(np.arange(episodes), p["epsilon"], p["epsilon_decay"], p["epsilon_min"]).tolist()
        actions = list(range(n_actions))

        def choose(row, epsilon):
            explore, pick = next(agent_u), next(agent_u)
            if explore < epsilon:
                return int(pick * n_actions)
            best = max(row)
            if row.count(best) == 1:          # one best action: the pick cannot change it
                return row.index(best)
            ties = [a for a in actions if row[a] == best]
            return ties[int(pick * len(ties))]

        def reset():
            k = bisect_right(start, next(env_u))   # how many running sums are <= u
            return 0 if k >= len(start) else k

        returns, lengths, steps = [], [], 0
        started = time.perf_counter()
        bar = _bar(episodes, progress, self.algorithm)
        interrupted = False
        try:
            for episode in range(episodes):
                epsilon = schedule[episode]
                state = reset()
                action = choose(Q[state], epsilon) if sarsa else 0
                total, t = 0.0, 0
                while True:
                    if not sarsa:
                        action = choose(Q[state], epsilon)
                    k = bisect_right(cum[state][action], next(env_u))
                    next_state, reward, ended = nxt[state][action][k], rew[state][action][k], term[state][action][k]
                    t += 1
                    total += reward
                    row = Q[next_state]
                    if sarsa:
                        next_action = choose(row, epsilon)
                        target = reward if ended else reward + gamma * row[next_action]
                    else:
                        target = reward if ended else reward + gamma * max(row)
                    q = Q[state]
                    q[action] += alpha * (target - q[action])
                    if sarsa:
                        action = next_action
                    state = next_state
                    if ended or t >= limit:
                        break
                returns.append(total)
                lengths.append(t)
                steps += t
                if bar is not None:
                    bar.update(1)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if bar is not None:
                bar.close()
        return self._result(table.env_id, np.array(Q, dtype=float), np.asarray(returns, dtype=float),
                            np.asarray(lengths, dtype=np.int64), p, steps, started, interrupted, table)

    # -- the fast engine, n_envs > 1 copies of the transition table in lockstep ---
    def _train_fast(self, table, p, progress) -> TrainingResult:
        n_states, n_actions = table.n_states, table.n_actions
        limit = p["max_steps"] or table.max_episode_steps
        alpha, gamma, sarsa, episodes = p["alpha"], p["gamma"], self.algorithm == "sarsa", p["episodes"]
        n = min(p["n_envs"], episodes)
        env_rng, rng = agent_streams(p["seed"])
        Q = np.zeros((n_states, n_actions))
        q_flat = Q.reshape(-1)
        returns = np.zeros(episodes)
        lengths = np.zeros(episodes, dtype=np.int64)
        finished = np.zeros(episodes, dtype=bool)
        size = n_states * n_actions
        keep_rate = (1.0 - alpha) ** np.arange(n + 1)   # what k updates at rate alpha leave of the old value
        all_actions = np.ones((n, n_actions), dtype=bool)
        schedule = epsilon_schedule(np.arange(episodes), p["epsilon"], p["epsilon_decay"], p["epsilon_min"])

        def choose(states, eps):
            rows = Q[states]
            explore, pick = rng.random((2, len(states)))
            cand = np.where((explore < eps)[:, None], all_actions[:len(states)], rows == rows.max(axis=1)[:, None])
            j = (pick * cand.sum(axis=1)).astype(np.int64)
            return (np.cumsum(cand, axis=1) > j[:, None]).argmax(axis=1)

        state = table.sample_start(env_rng.random(n))
        episode = np.arange(n)
        eps = schedule[episode]
        active = np.ones(n, dtype=bool)
        total = np.zeros(n)
        t = np.zeros(n, dtype=np.int64)
        next_episode = n
        steps = 0
        action = choose(state, eps) if sarsa else None
        started = time.perf_counter()
        bar = _bar(episodes, progress, self.algorithm)
        interrupted = False
        try:
            while True:
                if not sarsa:
                    action = choose(state, eps)
                next_state, reward, terminated = table.sample(state, action, env_rng.random(n))
                if sarsa:
                    next_action = choose(next_state, eps)
                    bootstrap = Q[next_state, next_action]
                else:
                    bootstrap = Q[next_state].max(axis=1)
                target = reward + gamma * np.where(terminated, 0.0, bootstrap)
                sa = state * n_actions + action
                # k copies hit the same (s, a) in one lockstep: k updates towards their mean target
                td = np.where(active, target - q_flat[sa], 0.0)
                counts = np.bincount(sa[active], minlength=size)
                q_flat += (1.0 - keep_rate[counts]) * (np.bincount(sa, weights=td, minlength=size)
                                                       / np.maximum(counts, 1))
                t += 1
                total += reward
                steps += int(active.sum())
                state = next_state
                if sarsa:
                    action = next_action
                done = (terminated | (t >= limit)) & active
                if done.any():
                    ended = np.flatnonzero(done)
                    returns[episode[ended]] = total[ended]
                    lengths[episode[ended]] = t[ended]
                    finished[episode[ended]] = True
                    if bar is not None:
                        bar.update(len(ended))
                    fresh = next_episode + np.arange(len(ended))
                    keep = fresh < episodes
                    next_episode += int(keep.sum())
                    active[ended[~keep]] = False
                    if not active.any():
                        break
                    restart = ended[keep]
                    if len(restart):
                        episode[restart] = fresh[keep]
                        eps[restart] = schedule[fresh[keep]]
                        state[restart] = table.sample_start(env_rng.random(len(restart)))
                        total[restart] = 0.0
                        t[restart] = 0
                        if sarsa:
                            action[restart] = choose(state[restart], eps[restart])
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if bar is not None:
                bar.close()
        if interrupted:
            returns, lengths = returns[finished], lengths[finished]
        return self._result(table.env_id, Q, returns, lengths, p, steps, started, interrupted, table)

    def _result(self, env_id, Q, returns, lengths, p, steps, started, interrupted, table) -> TrainingResult:
        name = {"q_learning": "Q-learning", "sarsa": "SARSA"}[self.algorithm]
        return TrainingResult(name, env_id, Q, returns, lengths, p, int(steps),
                              time.perf_counter() - started, interrupted, table)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


class QLearning(_TabularAgent):
    """Tabular Q-learning with epsilon-greedy exploration (off-policy).

    Update: ``Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]``.
    Parameters are stored unchanged and checked by :meth:`train`:
    ``alpha`` in (0, 1] the learning rate, ``gamma`` in [0, 1] the
    discount, ``epsilon`` in [0, 1] the exploration rate of episode 0,
    multiplied by ``epsilon_decay`` in (0, 1] after each episode down to
    ``epsilon_min`` (``epsilon_decay=1``: constant epsilon), ``episodes``,
    ``max_steps`` (None: the environment's time limit), ``n_envs`` copies
    stepped together by the fast engine, ``seed``. Q starts at zero.

    >>> r = QLearning(episodes=500, epsilon_decay=1.0, epsilon=0.1, seed=0).train("CliffWalking-v1")
    >>> r.policy.shape
    (48,)
    """

    algorithm = "q_learning"


class Sarsa(_TabularAgent):
    """Tabular SARSA (on-policy): bootstraps on the action the epsilon-greedy policy really takes next.

    Update: ``Q(s,a) <- Q(s,a) + alpha [r + gamma Q(s',a') - Q(s,a)]`` with
    ``a'`` chosen epsilon-greedily in ``s'``. Because its targets include the
    exploration's slips, it learns a policy that is safe *while exploring*
    (on CliffWalking: the path away from the edge). Same parameters as
    :class:`QLearning`.

    >>> r = Sarsa(episodes=500, epsilon_decay=1.0, epsilon=0.1, seed=0).train("CliffWalking-v1")
    >>> r.algorithm
    'SARSA'
    """

    algorithm = "sarsa"


def _uniforms(rng, block: int = 4096):
    """An iterator of uniforms from ``rng``, drawn in blocks: the same numbers as one ``random()`` call each."""
    return chain.from_iterable(iter(lambda: rng.random(block).tolist(), None))


def _bar(total: int, progress: bool, name: str):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=name, unit="episode", leave=True)

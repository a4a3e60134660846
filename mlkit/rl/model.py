"""The environment's model: a transition table read from ``env.unwrapped.P``, value iteration.

Gymnasium's toy-text environments (FrozenLake, Taxi, CliffWalking) and the
kit's own ``mlkit/CatAndMouse-v0`` carry their Markov decision process in
``env.unwrapped.P``: ``P[s][a]`` lists the outcomes ``(probability,
next_state, reward, terminated)`` of action ``a`` in state ``s``. That is
``P_a(s, s')`` and ``R_a(s, s')`` of the textbook, as data.

:class:`TransitionTable` turns it into padded numpy arrays so that many
environment steps are sampled at once, drawing outcomes exactly the way
gymnasium's own ``step`` does (``argmax(cumsum(p) > u)`` for one uniform
``u``), so the same random numbers give the same trajectory.
:func:`value_iteration` solves the MDP: the ground truth the learning agents
are measured against.

    >>> table = TransitionTable.from_env("FrozenLake-v1")
    >>> table.n_states, table.n_actions, table.max_episode_steps
    (16, 4, 100)
    >>> vi = value_iteration(table, gamma=0.99)
    >>> vi.policy.shape
    (16,)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlkit._checks import check_float, check_int, check_fraction
from mlkit.report import Report

__all__ = [
    "TransitionTable",
    "ValueIterationResult",
    "value_iteration",
    "make_env",
    "check_discrete_env",
    "mdp_table",
    "DEFAULT_MAX_STEPS",
]

#: Episode cap for environments registered without a time limit (CliffWalking-v1).
DEFAULT_MAX_STEPS = 1000


def make_env(env, **kwargs):
    """A gymnasium environment from an id (``"FrozenLake-v1"``, ``"mlkit/CatAndMouse-v0"``) or as given.

    mlkit's own ids are registered on first use. An unknown id raises
    ``ValueError`` naming it. ``kwargs`` go to ``gymnasium.make``.
    """
    import gymnasium as gym

    if isinstance(env, str):
        if env.startswith("mlkit/"):
            from mlkit.rl.envs import register_envs

            register_envs()
        try:
            return gym.make(env, **kwargs)
        except gym.error.Error as exc:
            raise ValueError(f"env must be a registered gymnasium id such as 'FrozenLake-v1', got {env!r} ({exc})") from None
    if not isinstance(env, gym.Env):
        raise TypeError(f"env must be a gymnasium id or a gymnasium.Env, got {type(env).__name__}")
    return env


def check_discrete_env(env) -> tuple[int, int]:
    """``(n_states, n_actions)`` of an environment whose observations and actions are ``Discrete``.

    Raises ``ValueError`` naming the space otherwise (a continuous
    observation space, say), since a Q table needs a row per state.
    """
    from gymnasium import spaces

    obs, act = env.observation_space, env.action_space
    if not isinstance(obs, spaces.Discrete):
        raise ValueError(
            f"observation_space must be gymnasium.spaces.Discrete (a Q table has one row per state), got {obs}; "
            "discretise a continuous space first (e.g. with bins) or use a function approximator")
    if not isinstance(act, spaces.Discrete):
        raise ValueError(f"action_space must be gymnasium.spaces.Discrete (one Q column per action), got {act}")
    if int(obs.start) != 0 or int(act.start) != 0:
        raise ValueError(f"observation and action spaces must start at 0, got {obs} and {act}")
    return int(obs.n), int(act.n)


@dataclass(repr=False)
class TransitionTable:
    """``P_a(s, s')`` and ``R_a(s, s')`` of a discrete environment as padded arrays.

    Contract: ``TransitionTable.from_env(env)`` reads ``env.unwrapped.P``
    (``P[s][a] = [(p, s', r, terminated), ...]``) and the start distribution
    ``initial_state_distrib``; the environment is not stepped or changed. Arrays,
    indexed ``[s, a, k]`` over the ``k``-th outcome, padded to ``K`` outcomes
    plus one: ``prob`` (0 on padding), ``cum_prob`` (the running sum, 2.0 on
    padding), ``next_state``, ``reward``, ``terminated``. The extra column
    repeats outcome 0, which is what gymnasium's ``argmax(cumsum(p) > u)``
    returns when rounding leaves ``u`` above the last running sum.
    :meth:`sample` and :meth:`sample_start` draw as gymnasium's ``step`` and
    ``reset`` do. ``max_episode_steps`` is the registered time limit, or
    :data:`DEFAULT_MAX_STEPS` when there is none.

    >>> t = TransitionTable.from_env("CliffWalking-v1")
    >>> int(t.sample(np.array([36]), np.array([0]), np.array([0.5]))[0][0])   # UP from the start
    24
    """

    prob: np.ndarray
    cum_prob: np.ndarray
    next_state: np.ndarray
    reward: np.ndarray
    terminated: np.ndarray
    start_cum_prob: np.ndarray
    max_episode_steps: int
    env_id: str | None = None
    grid_shape: tuple[int, int] | None = None
    action_names: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls, env) -> "TransitionTable":
        """Read the model of ``env`` (an id or a gymnasium env). ``ValueError`` if it has none."""
        made = isinstance(env, str)
        env = make_env(env)
        try:
            n_states, n_actions = check_discrete_env(env)
            inner = env.unwrapped
            model = getattr(inner, "P", None)
            if model is None:
                raise ValueError(f"env must expose its transition model as env.unwrapped.P "
                                 f"(gymnasium's toy-text convention); {type(inner).__name__} has none")
            if getattr(inner, "fickle_passenger", False):
                raise ValueError("Taxi with fickle_passenger=True changes the destination outside env.unwrapped.P; "
                                 "use fickle_passenger=False")
            isd = getattr(inner, "initial_state_distrib", None)
            if isd is None:
                raise ValueError(f"env must expose its start distribution as env.unwrapped.initial_state_distrib; "
                                 f"{type(inner).__name__} has none")
            k_max = max(len(model[s][a]) for s in range(n_states) for a in range(n_actions))
            shape = (n_states, n_actions, k_max + 1)
            prob = np.zeros(shape)
            cum = np.full(shape, 2.0)
            nxt = np.zeros(shape, dtype=np.int64)
            rew = np.zeros(shape)
            term = np.zeros(shape, dtype=bool)
            for s in range(n_states):
                for a in range(n_actions):
                    outcomes = model[s][a]
                    p = np.asarray([o[0] for o in outcomes], dtype=float)
                    k = len(outcomes)
                    prob[s, a, :k] = p
                    cum[s, a, :k] = np.cumsum(p)   # the very sums gymnasium compares with u
                    for j, (_, s2, r, done) in enumerate(list(outcomes) + [outcomes[0]] * (k_max + 1 - k)):
                        nxt[s, a, j], rew[s, a, j], term[s, a, j] = int(s2), float(r), bool(done)
            spec = env.spec
            limit = spec.max_episode_steps if spec is not None and spec.max_episode_steps else DEFAULT_MAX_STEPS
            grid = None
            if hasattr(inner, "nrow") and hasattr(inner, "ncol"):
                grid = (int(inner.nrow), int(inner.ncol))
            elif hasattr(inner, "shape") and len(getattr(inner, "shape")) == 2:
                grid = tuple(int(v) for v in inner.shape)
            names = tuple(getattr(inner, "action_names", ())) or _known_action_names(spec.id if spec else None,
                                                                                     n_actions)
            return cls(prob, cum, nxt, rew, term, np.cumsum(np.asarray(isd, dtype=float)), int(limit),
                       spec.id if spec is not None else None, grid, names)
        finally:
            if made:
                env.close()

    @property
    def n_states(self) -> int:
        return self.prob.shape[0]

    @property
    def n_actions(self) -> int:
        return self.prob.shape[1]

    @property
    def success_reward(self) -> float:
        """The best reward of any terminating transition: ending on it counts as success.

        FrozenLake: 1 (the goal, a hole pays 0); Taxi: 20 (a drop-off);
        CliffWalking: -1 (the goal; the cliff does not end the episode).
        """
        ends = self.terminated & (self.prob > 0)
        return float(self.reward[ends].max()) if ends.any() else float("nan")

    @property
    def end_states(self) -> np.ndarray:
        """States the agent never acts in: entered only by terminating transitions (holes, goals),
        or never entered at all except as a start (CliffWalking's cliff sends you back to the start)."""
        live = self.prob > 0
        entered_live = np.zeros(self.n_states, dtype=bool)
        entered_live[self.next_state[live & ~self.terminated]] = True
        start = np.diff(self.start_cum_prob, prepend=0.0) > 0
        return np.flatnonzero(~entered_live & ~start)

    def sample(self, state: np.ndarray, action: np.ndarray, u: np.ndarray):
        """``(next_state, reward, terminated)`` arrays for uniforms ``u``, as gymnasium's ``step`` draws.

        The outcome is the first ``k`` with ``cum_prob[s, a, k] > u``,
        counted as the number of running sums ``<= u`` (they are sorted).
        """
        k = (self.cum_prob[state, action] <= u[:, None]).sum(axis=1)
        return self.next_state[state, action, k], self.reward[state, action, k], self.terminated[state, action, k]

    def sample_start(self, u: np.ndarray) -> np.ndarray:
        """Start states for uniforms ``u``, as ``reset`` draws them (``argmax(cumsum(isd) > u)``)."""
        k = (self.start_cum_prob[None, :] <= np.asarray(u)[:, None]).sum(axis=1)
        return np.where(k >= len(self.start_cum_prob), 0, k)

    def expected(self) -> tuple[np.ndarray, np.ndarray]:
        """``(R, T)``: expected immediate reward ``[s, a]`` and the probability matrix ``[s, a, s']``
        of moving to ``s'`` without the episode ending (the ending mass goes nowhere)."""
        r = (self.prob * self.reward).sum(axis=2)
        t = np.zeros((self.n_states, self.n_actions, self.n_states))
        s_idx, a_idx = np.indices((self.n_states, self.n_actions))
        live = self.prob * ~self.terminated
        for k in range(self.prob.shape[2]):
            np.add.at(t, (s_idx, a_idx, self.next_state[:, :, k]), live[:, :, k])
        return r, t

    def __repr__(self) -> str:
        return (f"TransitionTable({self.env_id!r}, n_states={self.n_states}, n_actions={self.n_actions}, "
                f"max_episode_steps={self.max_episode_steps})")


def _known_action_names(env_id: str | None, n_actions: int) -> tuple[str, ...]:
    if env_id and env_id.startswith("FrozenLake"):
        return ("left", "down", "right", "up")
    if env_id and env_id.startswith("CliffWalking"):
        return ("up", "right", "down", "left")
    if env_id and env_id.startswith("Taxi"):
        return ("south", "north", "east", "west", "pickup", "dropoff")
    return tuple(str(a) for a in range(n_actions))


def as_table(env) -> TransitionTable:
    """``env`` itself if it is a :class:`TransitionTable`, else its table."""
    return env if isinstance(env, TransitionTable) else TransitionTable.from_env(env)


@dataclass(repr=False)
class ValueIterationResult(Report):
    """The solved MDP: optimal values ``V[s]``, ``Q[s, a]``, the greedy ``policy[s]``.

    ``iterations`` sweeps were needed for the largest change to fall below ``theta``.
    """

    V: np.ndarray
    Q: np.ndarray
    policy: np.ndarray
    gamma: float
    iterations: int
    theta: float

    def __repr__(self) -> str:
        return f"ValueIterationResult(gamma={self.gamma}, iterations={self.iterations}, V[0]={self.V[0]:.4f})"


def value_iteration(env, gamma: float = 0.99, theta: float = 1e-10, max_iterations: int = 100_000) -> ValueIterationResult:
    """Solve the MDP of ``env`` by value iteration: the optimum the agents are measured against.

    Repeats ``V(s) <- max_a sum_s' P_a(s, s') [R_a(s, s') + gamma V(s')]``
    (``V(s') = 0`` after a terminating transition) until no value moves by
    more than ``theta``. In: an id, a gymnasium env or a
    :class:`TransitionTable`; ``gamma`` in [0, 1] (1 is allowed for episodic
    tasks whose values stay finite; ``max_iterations`` bounds the sweeps).
    Out: :class:`ValueIterationResult`; the greedy policy breaks ties
    towards the lowest action number. Raises ``ValueError`` for a gamma outside
    [0, 1] or when the values do not settle within ``max_iterations``.

    >>> vi = value_iteration("CliffWalking-v1", gamma=1.0)
    >>> float(vi.V[36])      # 13 steps along the edge of the cliff, -1 each
    -13.0
    """
    gamma = check_fraction("gamma", gamma)
    theta = check_float("theta", theta, 0.0, low_open=True)
    max_iterations = check_int("max_iterations", max_iterations, low=1)
    table = as_table(env)
    r, t = table.expected()
    v = np.zeros(table.n_states)
    for it in range(1, max_iterations + 1):
        q = r + gamma * (t @ v)
        v_new = q.max(axis=1)
        delta = np.abs(v_new - v).max()
        v = v_new
        if delta < theta:
            break
    else:
        raise ValueError(f"value iteration did not converge within max_iterations={max_iterations} "
                         f"(last change {delta:.3g} > theta={theta}); lower gamma or raise max_iterations")
    q = r + gamma * (t @ v)
    return ValueIterationResult(v, q, q.argmax(axis=1), gamma, it, theta)


def mdp_table(env, states=None):
    """The MDP pieces as a DataFrame: one row per outcome of each (state, action).

    Columns ``state, action, action_name, probability`` (``P_a(s, s')``),
    ``next_state, reward`` (``R_a(s, s')``), ``terminated``. ``states``
    limits the rows (default: all). Read from the environment's own model.

    >>> mdp_table("FrozenLake-v1", states=[0]).shape[0]     # 4 actions x 3 slips
    12
    """
    import pandas as pd

    table = as_table(env)
    chosen = range(table.n_states) if states is None else [check_int("states[i]", s, 0, table.n_states - 1)
                                                              for s in states]
    rows = []
    for s in chosen:
        for a in range(table.n_actions):
            for k in range(table.prob.shape[2]):
                if table.prob[s, a, k] > 0:
                    rows.append((s, a, table.action_names[a] if table.action_names else str(a),
                                 table.prob[s, a, k], int(table.next_state[s, a, k]), table.reward[s, a, k],
                                 bool(table.terminated[s, a, k])))
    return pd.DataFrame(rows, columns=["state", "action", "action_name", "probability", "next_state", "reward",
                                       "terminated"])

"""The kit's own environment: cat and mouse in a small maze (the notes' game-AI example).

The mouse (the agent) looks for the cheese; a cat walks the maze, chasing
the mouse part of the time. ``mlkit/CatAndMouse-v0`` is registered with
gymnasium when this module is imported (``register_envs()``, called by
:func:`mlkit.rl.model.make_env` for any ``mlkit/`` id), so ``import mlkit``
stays light. gymnasium can also import it itself:
``gymnasium.make("mlkit.rl.envs:mlkit/CatAndMouse-v0")``.

    >>> import gymnasium
    >>> register_envs()
    >>> env = gymnasium.make("mlkit/CatAndMouse-v0", render_mode="ansi")
    >>> state, info = env.reset(seed=0)
    >>> print(env.render())
    M..#.
    .#...
    .#.#.
    ...#C
    #...*
    <BLANKLINE>
"""

from __future__ import annotations

from collections import deque

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from mlkit._checks import check_fraction

__all__ = ["CatAndMouseEnv", "register_envs", "ENV_ID", "DEFAULT_LAYOUT"]

ENV_ID = "mlkit/CatAndMouse-v0"

#: M mouse start, C cat start, * cheese, # wall, . floor.
DEFAULT_LAYOUT = (
    "M..#.",
    ".#...",
    ".#.#.",
    "...#C",
    "#...*",
)

_MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))   # left, down, right, up (FrozenLake's order)
_COLOURS = {"floor": (236, 233, 224), "wall": (70, 70, 80), "cheese": (250, 205, 40),
            "mouse": (120, 120, 130), "cat": (230, 110, 30)}


def _categorical(prob, rng) -> int:
    """gymnasium's ``categorical_sample``: ``argmax(cumsum(p) > u)`` for one uniform ``u``."""
    return int(np.argmax(np.cumsum(prob) > rng.random()))


class CatAndMouseEnv(gym.Env):
    """A mouse (the agent) in a maze with a cat; reach the cheese (+1) before the cat catches you (-1).

    Contract: observation ``Discrete(n_open ** 2)``, ``mouse_cell * n_open +
    cat_cell`` over the open cells in reading order; action ``Discrete(4)``:
    0 left, 1 down, 2 right, 3 up (a wall or the edge: the mouse stays). The
    mouse moves first: onto the cheese ends the episode with +1, onto the
    cat with -1. Then the cat moves: with probability ``cat_chase`` one step
    along a shortest path to the mouse (ties split evenly), otherwise one of
    its four moves or staying, uniformly (blocked moves stay); onto the mouse
    ends with -1. Every other step pays 0. The model is in ``self.P``
    (``P[s][a] = [(p, s', r, terminated), ...]``, gymnasium's toy-text
    convention) and ``step`` samples it as toy-text environments do.
    ``render_mode``: ``"ansi"`` (text) or ``"rgb_array"`` (an image, 32
    pixels per cell). Raises ``ValueError`` for ``cat_chase`` outside [0, 1],
    a layout without exactly one M, C and * or with rows of unequal length.

    >>> env = CatAndMouseEnv(cat_chase=0.0)
    >>> int(env.observation_space.n), int(env.action_space.n)
    (361, 4)
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}
    action_names = ("left", "down", "right", "up")

    def __init__(self, render_mode: str | None = None, layout=DEFAULT_LAYOUT, cat_chase: float = 0.5):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None, got {render_mode!r}")
        self.render_mode = render_mode
        self.cat_chase = check_fraction("cat_chase", cat_chase)
        rows = [str(r) for r in layout]
        if not rows or len({len(r) for r in rows}) != 1:
            raise ValueError(f"layout must be rows of equal length, got {rows!r}")
        text = "".join(rows)
        for mark in "MC*":
            if text.count(mark) != 1:
                raise ValueError(f"layout must hold exactly one {mark!r} (M mouse, C cat, * cheese), "
                                 f"got {text.count(mark)}")
        if set(text) - set("MC*#."):
            raise ValueError(f"layout may hold only M, C, *, # and ., got {sorted(set(text) - set('MC*#.'))}")
        self.layout = tuple(rows)
        self.rows, self.cols = len(rows), len(rows[0])
        self.cells = [(r, c) for r in range(self.rows) for c in range(self.cols) if rows[r][c] != "#"]
        self.index = {cell: i for i, cell in enumerate(self.cells)}
        n = self.n_open = len(self.cells)
        find = lambda mark: self.index[divmod(text.index(mark), self.cols)]  # noqa: E731
        self.mouse_start, self.cat_start, self.cheese = find("M"), find("C"), find("*")
        self.observation_space = spaces.Discrete(n * n)
        self.action_space = spaces.Discrete(4)
        self._neighbour = np.array([[self._move(i, m) for m in range(4)] for i in range(n)])
        self._distance = self._all_distances()
        self.P = self._build_model()
        self.initial_state_distrib = np.zeros(n * n)
        self.initial_state_distrib[self.encode(self.mouse_start, self.cat_start)] = 1.0
        self.s = self.encode(self.mouse_start, self.cat_start)

    # -- the model ---------------------------------------------------------
    def encode(self, mouse: int, cat: int) -> int:
        return mouse * self.n_open + cat

    def decode(self, state: int) -> tuple[int, int]:
        return divmod(int(state), self.n_open)

    def _move(self, i: int, m: int) -> int:
        r, c = self.cells[i]
        dr, dc = _MOVES[m]
        return self.index.get((r + dr, c + dc), i)

    def _all_distances(self) -> np.ndarray:
        n = self.n_open
        dist = np.full((n, n), n * n, dtype=np.int64)
        for source in range(n):
            dist[source, source] = 0
            queue = deque([source])
            while queue:
                i = queue.popleft()
                for j in self._neighbour[i]:
                    if dist[source, j] > dist[source, i] + 1:
                        dist[source, j] = dist[source, i] + 1
                        queue.append(j)
        return dist

    def _cat_moves(self, cat: int, mouse: int) -> dict[int, float]:
        moves: dict[int, float] = {}
        options = [*self._neighbour[cat], cat]
        for j in options:                       # wandering: 4 moves or stay, uniformly
            moves[j] = moves.get(j, 0.0) + (1.0 - self.cat_chase) / len(options)
        closer = sorted({int(j) for j in self._neighbour[cat] if self._distance[j, mouse] < self._distance[cat, mouse]})
        chase = closer or [cat]
        for j in chase:
            moves[j] = moves.get(j, 0.0) + self.cat_chase / len(chase)
        return moves

    def _build_model(self) -> dict:
        n = self.n_open
        model = {}
        for s in range(n * n):
            mouse, cat = self.decode(s)
            if mouse == cat or mouse == self.cheese:      # absorbing: the episode is over
                model[s] = {a: [(1.0, s, 0.0, True)] for a in range(4)}
                continue
            model[s] = {}
            for a in range(4):
                m2 = int(self._neighbour[mouse, a])
                if m2 == self.cheese:
                    model[s][a] = [(1.0, self.encode(m2, cat), 1.0, True)]
                elif m2 == cat:
                    model[s][a] = [(1.0, self.encode(m2, cat), -1.0, True)]
                else:
                    model[s][a] = [(p, self.encode(m2, c2), -1.0 if c2 == m2 else 0.0, c2 == m2)
                                   for c2, p in sorted(self._cat_moves(cat, m2).items()) if p > 0]
        return model

    # -- the gymnasium API -------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.s = _categorical(self.initial_state_distrib, self.np_random)
        return int(self.s), {"prob": 1.0}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (left), 1 (down), 2 (right) or 3 (up), got {action!r}")
        outcomes = self.P[self.s][int(action)]
        p, s2, reward, terminated = outcomes[_categorical([o[0] for o in outcomes], self.np_random)]
        self.s = s2
        return int(s2), float(reward), bool(terminated), False, {"prob": float(p)}

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() needs a render_mode: gymnasium.make(..., render_mode='ansi' or 'rgb_array')")
            return None
        mouse, cat = self.decode(self.s)
        grid = [["#" if ch == "#" else "." for ch in row] for row in self.layout]
        for i, mark in ((self.cheese, "*"), (mouse, "M"), (cat, "C")):
            r, c = self.cells[i]
            grid[r][c] = mark
        if self.render_mode == "ansi":
            return "".join("".join(row) + "\n" for row in grid)
        size = 32
        image = np.empty((self.rows * size, self.cols * size, 3), dtype=np.uint8)
        names = {"#": "wall", ".": "floor", "*": "cheese", "M": "mouse", "C": "cat"}
        for r, row in enumerate(grid):
            for c, mark in enumerate(row):
                block = image[r * size:(r + 1) * size, c * size:(c + 1) * size]
                block[:] = _COLOURS["wall" if mark == "#" else "floor"]
                if mark not in "#.":
                    block[6:-6, 6:-6] = _COLOURS[names[mark]]
        image[::size, :] = image[:, ::size] = 200   # grid lines
        return image


def register_envs() -> None:
    """Register ``mlkit/CatAndMouse-v0`` with gymnasium (time limit 100 steps); safe to call again."""
    if ENV_ID not in gym.registry:
        gym.register(id=ENV_ID, entry_point="mlkit.rl.envs:CatAndMouseEnv", max_episode_steps=100)


register_envs()

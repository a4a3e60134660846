"""The grid-world explorer: sliders for exploration and learning, a retrained agent on every move."""

from __future__ import annotations

import html

import ipywidgets
import numpy as np

from widgets.base import MlkitWidget, html_block

__all__ = ["GridWorldExplorer"]

ENVS = ("FrozenLake-v1", "FrozenLake8x8-v1", "CliffWalking-v1")
#: Arrow (dx, dy) per action in image coordinates (row 0 at the top).
_ARROWS = {
    "FrozenLake": ((-1, 0), (0, 1), (1, 0), (0, -1)),      # left, down, right, up
    "CliffWalking": ((0, -1), (1, 0), (0, 1), (-1, 0)),    # up, right, down, left
}


class GridWorldExplorer(MlkitWidget):
    """Q-learning or SARSA on a grid world, retrained on every control change.

    Contract: each change calls :func:`mlkit.rl.lessons.train_and_score`
    with the controls' values (``env``, ``algorithm``, ``epsilon``,
    ``epsilon_decay``, ``alpha``, ``gamma``, ``episodes``, ``seed``) and shows
    its :class:`~mlkit.rl.lessons.GridWorldRun` (``self.result``): the
    learned state values ``max_a Q`` as a heat map with the greedy policy's
    arrows, the learning curve (moving mean of the return per episode) against
    the optimum, and a line with the greedy policy's exact success against
    value iteration's. Bad values show the engine's message in the banner.

    >>> w = GridWorldExplorer(episodes=1000)
    >>> w.set(epsilon=0.2, epsilon_decay=1.0)
    >>> w.result.training.params["epsilon"]
    0.2
    """

    retrains = True

    def __init__(self, env="FrozenLake-v1", algorithm="Q-learning", epsilon=1.0, epsilon_decay=0.999,
                 alpha=0.1, gamma=0.99, episodes=3000, seed=0):
        self.env = env
        self.algorithm = algorithm
        self.epsilon = epsilon
        self.epsilon_decay = epsilon_decay
        self.alpha = alpha
        self.gamma = gamma
        self.episodes = episodes
        self.seed = seed
        style = {"description_width": "110px"}
        slider = dict(style=style, continuous_update=False, layout=ipywidgets.Layout(width="420px"))
        controls = {
            "env": ipywidgets.Dropdown(options=ENVS, value=env, description="environment", style=style),
            "algorithm": ipywidgets.ToggleButtons(options=("Q-learning", "SARSA"), value=algorithm,
                                                  description="algorithm", style=style),
            "epsilon": ipywidgets.FloatSlider(value=epsilon, min=0.0, max=1.0, step=0.01, description="epsilon",
                                              **slider),
            "epsilon_decay": ipywidgets.FloatSlider(value=epsilon_decay, min=0.99, max=1.0, step=0.0005,
                                                    readout_format=".4f", description="epsilon decay", **slider),
            "alpha": ipywidgets.FloatSlider(value=alpha, min=0.01, max=1.0, step=0.01, description="alpha",
                                            **slider),
            "gamma": ipywidgets.FloatSlider(value=gamma, min=0.0, max=1.0, step=0.01, description="gamma",
                                            **slider),
            "episodes": ipywidgets.IntSlider(value=episodes, min=100, max=6000, step=100, description="episodes",
                                             **slider),
            "seed": ipywidgets.IntText(value=seed, description="seed", style=style,
                                       layout=ipywidgets.Layout(width="200px")),
        }
        self.summary = ipywidgets.HTML()
        self._static_key = None
        super().__init__(controls, title="Grid-world explorer: Q-learning and SARSA", body=[self.summary],
                         figsize=(9.0, 3.4))

    def compute(self, env, algorithm, **params):
        from mlkit.rl.lessons import train_and_score

        # the explorer's floor for a decaying epsilon, never above epsilon itself
        return train_and_score(env, algorithm, epsilon_min=min(0.01, params["epsilon"]), **params)

    def draw(self, result) -> None:
        ev, opt, tr = result.evaluation, result.optimal, result.training
        self.summary.value = html_block(
            f"<b>{html.escape(tr.algorithm)}</b> on {html.escape(str(tr.env_id))}: greedy policy succeeds "
            f"<b>{ev.success_probability:.1%}</b> of episodes (expected return {ev.expected_return:.2f}); "
            f"the optimum {opt.success_probability:.1%} ({opt.expected_return:.2f}). "
            f"{tr.steps:,} environment steps in {tr.seconds:.2f} s.")
        self._draw_figure(result)

    # -- the figure: static axes per (env, episodes); image, arrows and curve change --
    def _draw_figure(self, result) -> None:
        tr = result.training
        table = tr.table
        key = (tr.env_id, len(tr.returns))
        if key != self._static_key:
            self._make_axes(table, len(tr.returns), result.optimal.expected_return)
            self._static_key = key
        rows, cols = table.grid_shape
        values = tr.V.reshape(rows, cols).copy()
        ends = table.end_states
        values.reshape(-1)[ends] = np.nan
        self._image.set_data(np.ma.masked_invalid(values))
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self._image.set_clim(low, high if high > low else low + 1e-9)
        arrows = np.array(_ARROWS["CliffWalking" if tr.env_id.startswith("CliffWalking") else "FrozenLake"],
                          dtype=float)
        uv = arrows[tr.policy]
        uv[ends] = 0.0
        self._quiver.set_UVC(uv[:, 0], uv[:, 1])
        window = max(1, len(tr.returns) // 50)
        curve = tr.curve(window)["mean_return"].to_numpy()
        self._line.set_data(np.arange(len(curve)), curve)
        self.refresh_figure(dynamic=[self._image, self._quiver, self._line])

    def _make_axes(self, table, episodes, optimum) -> None:
        from matplotlib.patches import Rectangle

        fig = self.figure
        fig.clear()
        self.invalidate_background()
        grid_ax, curve_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
        fig.subplots_adjust(left=0.04, right=0.98, bottom=0.15, top=0.88, wspace=0.18)
        rows, cols = table.grid_shape
        self._image = grid_ax.imshow(np.zeros((rows, cols)), cmap="viridis", interpolation="nearest")
        ys, xs = np.divmod(np.arange(rows * cols), cols)
        self._quiver = grid_ax.quiver(xs, ys, np.zeros(rows * cols), np.zeros(rows * cols), angles="xy",
                                      scale_units="xy", scale=2.5, color="white", width=0.012, pivot="middle")
        for s in table.end_states:
            r, c = divmod(int(s), cols)
            grid_ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="#444", edgecolor="none"))
        grid_ax.set_xticks([])
        grid_ax.set_yticks([])
        grid_ax.set_title("state value max Q and greedy action", y=1.0, fontsize=9)
        low = {"CliffWalking-v1": -200.0}.get(table.env_id, 0.0)
        high = {"CliffWalking-v1": 0.0}.get(table.env_id, 1.0)
        curve_ax.set_xlim(0, episodes)
        curve_ax.set_ylim(low, high)
        curve_ax.axhline(optimum, color="#d62728", linestyle="--", linewidth=1, label="optimal policy")
        (self._line,) = curve_ax.plot([], [], color="#1f77b4", label="return while learning (moving mean)")
        curve_ax.set_xlabel("episode", fontsize=8)
        curve_ax.tick_params(labelsize=8)
        curve_ax.legend(fontsize=7, loc="upper left")
        curve_ax.set_title("learning curve", y=1.0, fontsize=9)

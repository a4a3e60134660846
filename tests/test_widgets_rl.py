"""The grid-world explorer: set controls in plain pytest, read the retrained run."""

import numpy as np
import pytest

from widgets.rl import GridWorldExplorer


@pytest.fixture
def w():
    return GridWorldExplorer(episodes=1000)


def test_moving_a_slider_retrains_with_the_new_value(w):
    first = w.result
    w.controls["alpha"].value = 0.3
    assert w.result is not first and w.result.training.params["alpha"] == 0.3
    assert "mlkit-retrains" in w.view._dom_classes


def test_no_exploration_gets_stuck_far_below_the_optimum(w):
    # epsilon 0 with Q starting at 0: the first lucky path is kept (measured 0.04 of 0.74 over
    # three seeds in mlkit.rl.lessons.epsilon_sweep); epsilon 0.2 reaches 0.95 of it or better
    w.set(epsilon=0.0, epsilon_decay=1.0, episodes=2000)
    stuck = w.result.of_optimal
    w.set(epsilon=0.2)
    assert stuck < 0.5 < 0.9 < w.result.of_optimal


def test_switching_to_cliff_walking_redraws_a_4_by_12_grid(w):
    w.set(env="CliffWalking-v1", epsilon=0.1, epsilon_decay=1.0, alpha=0.5, gamma=1.0, episodes=300)
    assert w._image.get_array().shape == (4, 12)
    assert w.result.evaluation.expected_return == -13.0       # Q-learning's greedy path: the optimum


def test_arrows_show_the_greedy_policy(w):
    u, v = w._quiver.U, w._quiver.V
    policy = w.result.training.policy
    ends = w.result.training.table.end_states
    live = np.setdiff1d(np.arange(16), ends)
    # FrozenLake: 0 left (-1, 0), 1 down (0, 1), 2 right (1, 0), 3 up (0, -1)
    expected = np.array([(-1, 0), (0, 1), (1, 0), (0, -1)])[policy[live]]
    np.testing.assert_array_equal(np.c_[u[live], v[live]], expected)


def test_the_learning_curve_has_one_point_per_episode(w):
    x, _ = w._line.get_data()
    assert len(x) == 1000


def test_an_engine_error_is_shown_not_raised():
    w = GridWorldExplorer(episodes=200)
    before = w.result
    w.controls["alpha"].min = 0.0
    w.controls["alpha"].value = 0.0           # alpha 0 would never learn
    assert w.error == "alpha must be a finite number > 0.0 and <= 1.0, got 0.0"
    assert w.result is before

"""Reinforcement learning: the model table, the agents, evaluation, the custom env, rollouts, lessons, export."""

import gymnasium as gym
import numpy as np
import pytest

from mlkit.aws import validate_request
from mlkit.rl import lessons as rl_lessons
from mlkit.rl import (CatAndMouseEnv, QLearning, Sarsa, TransitionTable, cliff_walking_comparison, epsilon_greedy,
                      evaluate_policy, make_env, mdp_table, optimal_evaluation, parallel_rollouts, value_iteration,
                      RLTrainingJob)


@pytest.fixture(scope="module")
def lake():
    return TransitionTable.from_env("FrozenLake-v1")


@pytest.fixture(scope="module")
def cliff():
    return TransitionTable.from_env("CliffWalking-v1")


# -- the transition table against gymnasium's own step --------------------------

@pytest.mark.parametrize("env_id", ["FrozenLake-v1", "Taxi-v4", "CliffWalkingSlippery-v1", "mlkit/CatAndMouse-v0"])
def test_table_steps_exactly_as_gymnasium_for_the_same_random_numbers(env_id):
    table = TransitionTable.from_env(env_id)
    env = make_env(env_id)
    rng = np.random.default_rng(1)
    env_rng = np.random.default_rng(7)          # what env.reset(seed=7) makes
    state, _ = env.reset(seed=7)
    assert state == table.sample_start(env_rng.random(1))[0]
    for _ in range(2000):
        action = int(rng.integers(table.n_actions))
        s2, r, term, trunc, _ = env.step(action)
        t2, tr, tt = table.sample(np.array([state]), np.array([action]), env_rng.random(1))
        assert (s2, r, term) == (t2[0], tr[0], tt[0])
        state = s2
        if term or trunc:
            state, _ = env.reset()
            assert state == table.sample_start(env_rng.random(1))[0]
    env.close()


def test_table_outcome_frequencies_match_the_model_probabilities(lake):
    # 30,000 draws from state 6, action 1 (three slips of 1/3): each frequency within
    # 5 standard errors (sqrt(p(1-p)/n) = 0.0027) of 1/3
    n = 30_000
    s2, _, _ = lake.sample(np.full(n, 6), np.full(n, 1), np.random.default_rng(0).random(n))
    counts = {int(k): v / n for k, v in zip(*np.unique(s2, return_counts=True))}
    expected = {o.next_state: 0.0 for o in mdp_table(lake, states=[6]).query("action == 1").itertuples()}
    for o in mdp_table(lake, states=[6]).query("action == 1").itertuples():
        expected[o.next_state] += o.probability
    assert counts.keys() == expected.keys()
    for k in counts:
        assert counts[k] == pytest.approx(expected[k], abs=5 * 0.0027)


def test_mdp_table_prints_the_slippery_pieces(lake):
    rows = mdp_table(lake, states=[0])
    assert list(rows.columns) == ["state", "action", "action_name", "probability", "next_state", "reward",
                                  "terminated"]
    assert len(rows) == 12 and rows["probability"].sum() == pytest.approx(4.0)   # each action's outcomes sum to 1


# -- value iteration: the ground truth ------------------------------------------

def test_value_iteration_finds_the_13_step_cliff_path(cliff):
    vi = value_iteration(cliff, gamma=1.0)
    assert vi.V[36] == -13.0          # 13 moves of -1 along the edge: known optimum


@pytest.mark.parametrize("env_id,field,expected,tol", [
    ("FrozenLake-v1", "success_probability", 0.74, 0.005),   # the issue's ~0.73 (0.7298 at gamma 0.9)
    ("Taxi-v4", "expected_return", 7.93, 0.005),             # the issue's ~7.9
    ("CliffWalking-v1", "expected_return", -13.0, 1e-9),     # deterministic: exactly -13
])
def test_optimal_policies_score_the_known_values_under_the_time_limit(env_id, field, expected, tol):
    assert getattr(optimal_evaluation(env_id, episodes=0), field) == pytest.approx(expected, abs=tol)


def test_sampled_episodes_agree_with_the_exact_success_probability(lake):
    ev = evaluate_policy(lake, value_iteration(lake).policy, episodes=20_000, seed=0)
    # binomial standard error sqrt(0.74 * 0.26 / 20000) = 0.0031; allow 4 of them
    assert ev.success_rate == pytest.approx(ev.success_probability, abs=4 * 0.0031)


# -- the agents ------------------------------------------------------------------

@pytest.mark.parametrize("cls", [QLearning, Sarsa])
@pytest.mark.parametrize("env_id", ["FrozenLake-v1", "CliffWalking-v1"])
def test_fast_engine_gives_the_readable_loops_q_table_bit_for_bit(cls, env_id):
    agent = cls(episodes=60, epsilon_decay=0.97, seed=3)
    readable = agent.train(env_id, engine="readable")     # gymnasium's env.step, one step at a time
    fast = agent.train(env_id)
    np.testing.assert_array_equal(fast.Q, readable.Q)
    np.testing.assert_array_equal(fast.returns, readable.returns)
    np.testing.assert_array_equal(fast.lengths, readable.lengths)


def test_same_seed_same_q_table_with_parallel_copies(lake):
    a = QLearning(episodes=400, n_envs=16, seed=5).train(lake)
    b = QLearning(episodes=400, n_envs=16, seed=5).train(lake)
    np.testing.assert_array_equal(a.Q, b.Q)
    assert len(a.returns) == 400 and a.lengths.min() >= 1


def test_q_learning_reaches_within_5_percent_of_optimal_on_frozenlake_4x4(lake):
    best = optimal_evaluation(lake, episodes=0).success_probability
    result = QLearning(alpha=0.1, gamma=0.99, epsilon_decay=0.999, episodes=3000, seed=0).train(lake)
    assert evaluate_policy(lake, result.policy, episodes=0).success_probability >= 0.95 * best


def test_parallel_copies_reach_within_5_percent_of_optimal_on_frozenlake_4x4(lake):
    # the lockstep engine follows a different random path to the same answer
    best = optimal_evaluation(lake, episodes=0).success_probability
    result = QLearning(alpha=0.1, gamma=0.99, epsilon_decay=0.999, episodes=4000, n_envs=64, seed=1).train(lake)
    assert evaluate_policy(lake, result.policy, episodes=0).success_probability >= 0.95 * best


def test_q_learning_reaches_within_5_percent_of_optimal_on_taxi():
    taxi = TransitionTable.from_env("Taxi-v4")
    best = optimal_evaluation(taxi, episodes=0).expected_return     # 7.93
    result = QLearning(alpha=0.5, gamma=0.99, epsilon_decay=0.995, episodes=2000, seed=0).train(taxi)
    assert evaluate_policy(taxi, result.policy, episodes=0).expected_return >= 0.95 * best


def test_cliff_walking_greedy_q_learning_returns_the_optimal_minus_13(cliff):
    result = QLearning(alpha=0.5, gamma=1.0, epsilon=0.1, epsilon_decay=1.0, epsilon_min=0.0, episodes=500,
                       seed=0).train(cliff)
    assert evaluate_policy(cliff, result.policy, episodes=0).expected_return == -13.0


def test_sarsa_walks_the_safer_path_and_earns_more_while_learning():
    comparison = cliff_walking_comparison(episodes=500, seeds=(0, 1))
    g = comparison.greedy.set_index(["algorithm", "seed"])
    for seed in (0, 1):
        assert g.loc[("Q-learning", seed), "min_row"] == 2          # along the edge, just above the cliff
        assert g.loc[("SARSA", seed), "min_row"] < 2                # climbs away from it
    last = comparison.online.tail(100)
    # Sutton & Barto, Example 6.6: about -25 for SARSA against about -50 for Q-learning
    assert last["SARSA"].mean() > last["Q-learning"].mean() + 10


def test_epsilon_greedy_breaks_ties_at_random():
    rng = np.random.default_rng(0)
    picks = [epsilon_greedy(np.array([1.0, 0.0, 1.0]), 0.0, rng) for _ in range(2000)]
    # two tied best actions, chosen half the time each: 5 standard errors of 0.011
    assert set(picks) == {0, 2} and np.mean(np.array(picks) == 0) == pytest.approx(0.5, abs=0.056)


def test_epsilon_one_picks_every_action_uniformly():
    rng = np.random.default_rng(0)
    picks = [epsilon_greedy(np.array([5.0, 0.0, 0.0, 0.0]), 1.0, rng) for _ in range(4000)]
    assert np.bincount(picks, minlength=4) / 4000 == pytest.approx([0.25] * 4, abs=0.035)  # 5 s.e. of 0.0068


def test_interrupting_training_keeps_the_finished_episodes(lake, monkeypatch):
    import mlkit.rl.agents as agents

    real = agents._uniforms

    def stopping(rng, block=4096):      # Ctrl-C after 3000 random numbers of a stream
        for i, u in enumerate(real(rng, block)):
            if i == 3000:
                raise KeyboardInterrupt
            yield u

    monkeypatch.setattr(agents, "_uniforms", stopping)
    result = QLearning(episodes=10_000, seed=0).train(lake)
    assert result.interrupted and 0 < len(result.returns) < 10_000
    assert len(result.returns) == len(result.lengths)


# -- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,match", [
    ({"epsilon": 1.5}, r"epsilon must be a finite number >= 0.0 and <= 1.0, got 1.5"),
    ({"epsilon": -0.1}, r"epsilon must be .* got -0.1"),
    ({"gamma": 1.2}, r"gamma must be a finite number >= 0.0 and <= 1.0, got 1.2"),
    ({"alpha": 0.0}, r"alpha must be a finite number > 0.0 and <= 1.0, got 0.0"),
    ({"epsilon_decay": 0.0}, r"epsilon_decay must be"),
    ({"epsilon": 0.1, "epsilon_min": 0.2}, r"epsilon_min must be a finite number >= 0.0 and <= 0.1, got 0.2"),
    ({"episodes": 0}, r"episodes must be an integer >= 1"),
    ({"n_envs": 0}, r"n_envs must be an integer >= 1"),
    ({"max_steps": 0}, r"max_steps must be an integer >= 1"),
])
def test_bad_parameters_name_the_parameter_value_and_range(lake, kwargs, match):
    with pytest.raises(ValueError, match=match):
        QLearning(**kwargs).train(lake)


def test_a_continuous_observation_space_is_refused():
    with pytest.raises(ValueError, match=r"observation_space must be gymnasium.spaces.Discrete .* Box"):
        QLearning().train("CartPole-v1")


def test_an_unknown_engine_and_a_readable_run_with_copies_are_refused(lake):
    with pytest.raises(ValueError, match="engine must be one of 'fast', 'readable'; got 'turbo'"):
        QLearning().train(lake, engine="turbo")
    with pytest.raises(ValueError, match="n_envs must be 1 with engine='readable'"):
        QLearning(n_envs=4).train("FrozenLake-v1", engine="readable")


def test_value_iteration_refuses_a_gamma_outside_0_1(lake):
    with pytest.raises(ValueError, match="gamma must be a finite number >= 0.0 and <= 1.0, got -0.5"):
        value_iteration(lake, gamma=-0.5)


def test_value_iteration_reports_when_it_does_not_settle(lake):
    with pytest.raises(ValueError, match="did not converge within max_iterations=3"):
        value_iteration(lake, gamma=0.99, max_iterations=3)


def test_a_policy_of_the_wrong_shape_or_range_is_refused(lake):
    with pytest.raises(ValueError, match=r"one action per state, shape \(16,\)"):
        evaluate_policy(lake, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"policy actions must be in 0..3, got 7..7"):
        evaluate_policy(lake, np.full(16, 7))


def test_an_unknown_env_id_is_named():
    with pytest.raises(ValueError, match="env must be a registered gymnasium id .* 'NoSuchLake-v9'"):
        TransitionTable.from_env("NoSuchLake-v9")


def test_an_env_without_a_model_is_refused():
    class Blind(gym.Env):
        observation_space = gym.spaces.Discrete(3)
        action_space = gym.spaces.Discrete(2)

    with pytest.raises(ValueError, match="env.unwrapped.P"):
        TransitionTable.from_env(Blind())


# -- the custom environment -----------------------------------------------------------

def test_cat_and_mouse_passes_gymnasiums_environment_checker():
    from gymnasium.utils.env_checker import check_env

    check_env(make_env("mlkit/CatAndMouse-v0", render_mode="rgb_array").unwrapped, skip_render_check=False)


def test_cat_and_mouse_renders_text_and_an_image():
    env = make_env("mlkit/CatAndMouse-v0", render_mode="ansi")
    env.reset(seed=0)
    assert env.render().splitlines()[0] == "M..#." and "C" in env.render()
    env.close()
    image = CatAndMouseEnv(render_mode="rgb_array").render()
    assert image.shape == (160, 160, 3) and image.dtype == np.uint8


def test_gymnasium_can_import_the_cat_and_mouse_itself():
    env = gym.make("mlkit.rl.envs:mlkit/CatAndMouse-v0")
    assert env.spec.max_episode_steps == 100
    env.close()


def test_a_caught_mouse_ends_the_episode_with_minus_one():
    env = CatAndMouseEnv(layout=("M.C", "..*"), cat_chase=1.0)   # the cat steps onto the mouse's new cell
    env.reset(seed=0)
    _, reward, terminated, _, _ = env.step(2)                   # right: next to the chasing cat
    assert (reward, terminated) == (-1.0, True)


def test_q_learning_learns_to_reach_the_cheese():
    table = TransitionTable.from_env("mlkit/CatAndMouse-v0")
    result = QLearning(alpha=0.5, gamma=0.95, epsilon_decay=0.995, episodes=1500, seed=0).train(table)
    # the optimum wins always (success 1.0, value iteration); 95% of it
    assert evaluate_policy(table, result.policy, episodes=0).success_probability >= 0.95


@pytest.mark.parametrize("kwargs,match", [
    ({"cat_chase": 1.5}, "cat_chase must be a finite number >= 0.0 and <= 1.0, got 1.5"),
    ({"layout": ("M..", "C.")}, "layout must be rows of equal length"),
    ({"layout": ("M..", "C..")}, r"layout must hold exactly one '\*'"),
    ({"render_mode": "human"}, "render_mode must be one of"),
])
def test_cat_and_mouse_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CatAndMouseEnv(**kwargs)


# -- scale-out ---------------------------------------------------------------------------

def test_rollouts_over_worker_processes_gather_every_episode_and_close_them():
    import multiprocessing

    policy = value_iteration("FrozenLake-v1").policy
    report = parallel_rollouts("FrozenLake-v1", policy, n_workers=2, episodes=30, seed=0, mode="async")
    assert len(report.episodes) == 30 and set(report.episodes["worker"]) == {0, 1}
    assert multiprocessing.active_children() == []        # every worker process is gone
    assert report.to_dict()["episodes"] == 30


def test_rollouts_refuse_a_policy_that_does_not_fit():
    with pytest.raises(ValueError, match="one action per state"):
        parallel_rollouts("FrozenLake-v1", np.zeros(3, dtype=int), mode="sync")


# -- in SageMaker -------------------------------------------------------------------------

def test_training_job_request_is_valid_for_create_training_job():
    job = RLTrainingJob("frozenlake-q", QLearning(episodes=8000, n_envs=512), "FrozenLake8x8-v1", InstanceCount=2)
    request = validate_request("sagemaker", "CreateTrainingJob", job.to_request())
    assert request["ResourceConfig"]["InstanceCount"] == 2
    assert all(isinstance(v, str) for v in request["HyperParameters"].values())


def test_training_job_refuses_zero_instances():
    with pytest.raises(ValueError, match="InstanceCount must be an integer >= 1, got 0"):
        RLTrainingJob("j", QLearning(), "FrozenLake-v1", InstanceCount=0).to_request()


# -- the lessons as measurements ------------------------------------------------------------

def test_epsilon_sweep_shows_both_failures_of_exploration(lake):
    frame = rl_lessons.epsilon_sweep(lake, epsilons=(0.0, 0.2, 1.0), seeds=(0,), episodes=2000, progress=False)
    by = frame.set_index("epsilon")
    assert by.loc[0.0, "of_optimal"] < 0.5          # stuck on the first path that paid (measured 0.04)
    assert by.loc[0.2, "of_optimal"] > 0.9          # measured 0.99
    # never exploiting: the online return of random play (measured 0.015) is far below epsilon 0.2's (0.17)
    assert by.loc[1.0, "online_return"] < 0.5 * by.loc[0.2, "online_return"]


def test_gamma_zero_sees_only_the_next_reward(lake):
    frame = rl_lessons.discount_sweep(lake, gammas=(0.0,), seeds=(0,), episodes=500, progress=False)
    # with gamma 0 value iteration's own policy succeeds 0.0: only the step into the goal counts
    assert frame.loc[0, "optimal_at_gamma"] == pytest.approx(0.0, abs=1e-9)


def test_an_interrupted_sweep_keeps_the_finished_runs(lake, monkeypatch):
    calls = {"n": 0}
    real = QLearning.train

    def train(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(QLearning, "train", train)
    frame = rl_lessons.epsilon_sweep(lake, epsilons=(0.1, 0.2, 0.3), seeds=(0,), episodes=50, progress=False)
    assert list(frame["epsilon"]) == [0.1, 0.2]


def test_sweeps_refuse_bad_values(lake):
    with pytest.raises(ValueError, match=r"epsilons\[i\] must be a finite number >= 0.0 and <= 1.0, got 2.0"):
        rl_lessons.epsilon_sweep(lake, epsilons=(2.0,), progress=False)
    with pytest.raises(ValueError, match="seeds must hold at least one seed"):
        rl_lessons.discount_sweep(lake, seeds=(), progress=False)

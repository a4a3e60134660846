"""The rl topic's claims: each verdict rule can come out both ways, and the default runs give the recorded verdicts."""

from mlkit.claims.measures import rl as measures


def test_notes_q_update_rule_is_refuted_on_frozenlake_by_a_wide_margin():
    m = measures.notes_q_update_rule(0)
    assert m.verdict == "refuted"
    # The notes' rule is alpha=0.99, gamma=1: on slippery ice each update jumps almost all the way to one noisy
    # sample, and its greedy policy never reaches the goal (exactly 0, scored from the model, no sampling).
    assert m.figures["notes_rule_of_optimal"] < 0.1
    # The textbook rule with alpha=0.1 reaches the optimum within 5 % (the topic notebook asserts >= 0.95).
    assert m.figures["corrected_rule_of_optimal"] > 0.95
    assert "alpha" in m.corrected and "gamma" in m.corrected


def test_notes_q_update_rule_holds_with_conditions_on_deterministic_cliffwalking():
    # Opposite verdict: on CliffWalking (deterministic moves, -1 per step) a step size near 1 and no discount are
    # harmless, so the notes' rule learns the optimal path too and the rule must not call it refuted.
    m = measures.notes_q_update_rule(0, env="CliffWalking-v1", episodes=300, epsilon_decay=0.99)
    assert m.verdict == "holds with conditions"
    # both reach the optimum's return of -13 exactly (of_optimal is optimum return / learned return)
    assert abs(m.figures["notes_rule_of_optimal"] - 1.0) < 1e-9
    assert "CliffWalking-v1" in m.condition


def test_epsilon_exploration_holds_on_slippery_frozenlake():
    m = measures.epsilon_exploration(0)
    assert m.verdict == "holds"
    # always-greedy follows the first path that paid: far below the optimum (margin rule: 0.1 of the optimum)
    assert m.figures["of_optimal_epsilon_0.2"] - m.figures["of_optimal_epsilon_0"] > 0.1
    # epsilon 1 wanders at random: FrozenLake pays 1 per success and a random walk rarely gets there
    assert m.figures["online_return_epsilon_1"] < 0.05


def test_epsilon_exploration_is_refuted_on_a_non_slippery_lake():
    # Opposite verdict: without slipping, the first path that reaches the goal is already optimal (success 1),
    # so always-greedy (ties broken at random) loses nothing and the rule must say so.
    m = measures.epsilon_exploration(0, slippery=False, episodes=500)
    assert m.verdict == "refuted"
    assert m.figures["of_optimal_epsilon_0"] == 1.0  # exact: a deterministic path to the goal
    assert "always taking the best Q" in m.corrected


def test_same_seed_gives_identical_figures():
    a = measures.epsilon_exploration(3, episodes=300)
    b = measures.epsilon_exploration(3, episodes=300)
    assert a.to_dict() == b.to_dict()

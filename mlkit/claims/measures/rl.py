"""Claims of the reinforcement-learning topic: the notes' Q-learning update rule, and epsilon exploration.

Both measures train :mod:`mlkit.rl`'s tabular agents on gymnasium's
FrozenLake (or CliffWalking) and score each greedy policy *exactly* against
value iteration's optimum (:func:`mlkit.rl.train_and_score`,
:func:`mlkit.rl.epsilon_sweep`), averaged over three agent seeds
``seed, seed + 1, seed + 2``.
"""

from __future__ import annotations

from mlkit.claims.ledger import Measurement

#: How far below the corrected rule the notes' rule must score (share of the optimum) to be called worse.
#: The corrected rule's greedy policy varies by about 0.01 of the optimum from seed to seed on FrozenLake,
#: so 0.1 is ten times that spread.
RULE_MARGIN = 0.1
#: Exploration must lift the greedy policy by this share of the optimum over always-greedy to count.
EXPLORE_MARGIN = 0.1
#: ... and the moderate epsilon must earn this much more reward per episode while learning than epsilon 1.
#: FrozenLake pays 1 per success, so 0.05 is five more successes per hundred episodes.
EXPLOIT_MARGIN = 0.05


def _seeds(seed: int) -> tuple[int, int, int]:
    return (seed, seed + 1, seed + 2)


def notes_q_update_rule(seed: int, *, env: str = "FrozenLake-v1", discount: float = 0.99, alpha: float = 0.1,
                        episodes: int = 3000, epsilon_decay: float = 0.999) -> Measurement:
    """The notes' update ``Q(s,a) += discount * (r + max Q(s') - Q(s,a))`` against the textbook rule.

    Measured: the notes' rule *is* the textbook update
    ``Q += alpha (r + gamma max Q(s') - Q)`` with ``alpha = discount`` and
    ``gamma = 1`` (the discount becomes the step size and the next state's
    value is never discounted), so :class:`mlkit.rl.QLearning` runs it
    exactly with those two settings. Both rules learn on ``env`` with the
    same exploration (epsilon from 1, times ``epsilon_decay`` per episode),
    three seeds each; each greedy policy is scored exactly as a share of
    value iteration's optimum (``of_optimal``, mean over seeds).

    Rule: **refuted** when the notes' rule scores more than
    :data:`RULE_MARGIN` (0.1 of the optimum, ten times the corrected rule's
    seed-to-seed spread) below the corrected rule; otherwise **holds with
    conditions** (the notes' rule learned as well, on this environment only).

        >>> notes_q_update_rule(0).verdict
        'refuted'
    """
    import numpy as np

    from mlkit.rl import train_and_score

    common = {"epsilon": 1.0, "epsilon_decay": epsilon_decay, "episodes": episodes}
    notes, correct = [], []
    for s in _seeds(seed):
        notes.append(train_and_score(env, alpha=discount, gamma=1.0, seed=s, **common))
        correct.append(train_and_score(env, alpha=alpha, gamma=discount, seed=s, **common))
    notes_share = float(np.mean([r.of_optimal for r in notes]))
    correct_share = float(np.mean([r.of_optimal for r in correct]))
    figures = {"notes_rule_of_optimal": notes_share, "corrected_rule_of_optimal": correct_share,
               "notes_rule_success_probability": float(np.mean([r.evaluation.success_probability for r in notes])),
               "optimal_success_probability": float(notes[0].optimal.success_probability)}
    if notes_share < correct_share - RULE_MARGIN:
        return Measurement("refuted", figures, corrected=(
            "Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]: alpha is the step size, gamma "
            "discounts the next state's value, and the target is r alone when the step ends the episode. "
            f"On {env} the notes' rule (step size {discount:g}, no discount) reaches {notes_share:.2f} of the "
            f"optimum, the corrected rule (alpha {alpha:g}, gamma {discount:g}) {correct_share:.2f}"))
    return Measurement("holds with conditions", figures, condition=(
        f"on {env} the notes' rule learned as well ({notes_share:.2f} against {correct_share:.2f} of the "
        f"optimum), because it equals the textbook rule with alpha = {discount:g} and gamma = 1, which is "
        "harmless there; it is still not the Q-learning update"))


def epsilon_exploration(seed: int, *, slippery: bool = True, epsilon: float = 0.2, episodes: int = 2000,
                        alpha: float = 0.1, gamma: float = 0.99) -> Measurement:
    """Always-greedy explores badly, epsilon-greedy fixes it, and epsilon 1 never uses what it learned.

    Measured with :func:`mlkit.rl.epsilon_sweep` on FrozenLake (slippery
    unless ``slippery=False``): Q-learning with a constant epsilon of 0,
    ``epsilon`` and 1, three seeds each; ``of_optimal`` is the learned greedy
    policy's success probability over the optimum's (exact),
    ``online_return`` the mean reward per episode while learning.

    Rule: **holds** when the moderate epsilon's greedy policy beats
    always-greedy by more than :data:`EXPLORE_MARGIN` (0.1 of the optimum)
    *and* earns more than :data:`EXPLOIT_MARGIN` (0.05 reward per episode)
    more while learning than epsilon 1; otherwise **refuted**.

        >>> epsilon_exploration(0).verdict
        'holds'
    """
    from mlkit.rl import epsilon_sweep, make_env

    lake = make_env("FrozenLake-v1", is_slippery=bool(slippery))
    frame = epsilon_sweep(lake, epsilons=(0.0, epsilon, 1.0), seeds=_seeds(seed), episodes=episodes,
                          alpha=alpha, gamma=gamma, progress=False)
    mean = frame.groupby("epsilon")[["of_optimal", "online_return"]].mean()
    greedy, mid, full = (mean.loc[e] for e in (0.0, epsilon, 1.0))
    figures = {"of_optimal_epsilon_0": float(greedy["of_optimal"]),
               f"of_optimal_epsilon_{epsilon:g}": float(mid["of_optimal"]),
               "of_optimal_epsilon_1": float(full["of_optimal"]),
               f"online_return_epsilon_{epsilon:g}": float(mid["online_return"]),
               "online_return_epsilon_1": float(full["online_return"])}
    explores = mid["of_optimal"] > greedy["of_optimal"] + EXPLORE_MARGIN
    exploits = mid["online_return"] > full["online_return"] + EXPLOIT_MARGIN
    if explores and exploits:
        return Measurement("holds", figures)
    if not explores:
        corrected = (f"always taking the best Q (ties broken at random) learned as good a policy as epsilon "
                     f"{epsilon:g} here ({float(greedy['of_optimal']):.2f} against {float(mid['of_optimal']):.2f} "
                     "of the optimum): exploration pays on environments where the first path found is not the best")
    else:
        corrected = (f"epsilon 1 earned as much while learning as epsilon {epsilon:g} "
                     f"({float(full['online_return']):.3f} against {float(mid['online_return']):.3f} per episode)")
    return Measurement("refuted", figures, corrected=corrected)

"""Reinforcement learning: tabular Q-learning and SARSA on gymnasium, value iteration as ground truth.

Names are imported from their submodule on first use (``import mlkit`` stays light)::

    from mlkit.rl import QLearning, value_iteration, evaluate_policy
"""

from mlkit._lazy import lazy_exports

_WHERE = {
    "QLearning": "agents", "Sarsa": "agents", "TrainingResult": "agents", "epsilon_greedy": "agents",
    "epsilon_schedule": "agents", "agent_streams": "agents",
    "TransitionTable": "model", "value_iteration": "model", "ValueIterationResult": "model", "make_env": "model",
    "mdp_table": "model", "check_discrete_env": "model",
    "evaluate_policy": "evaluate", "optimal_evaluation": "evaluate", "PolicyEvaluation": "evaluate",
    "greedy_path": "evaluate",
    "CatAndMouseEnv": "envs", "register_envs": "envs",
    "parallel_rollouts": "rollouts", "RolloutReport": "rollouts",
    "epsilon_sweep": "lessons", "discount_sweep": "lessons", "cliff_walking_comparison": "lessons",
    "CliffComparison": "lessons", "GridWorldRun": "lessons", "train_and_score": "lessons",
    "RLTrainingJob": "sagemaker",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

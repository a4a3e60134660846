"""Benchmark: environment steps per second, and time to near-optimal on FrozenLake 8x8.

Measured in one run on this machine:

1. Steps per second on FrozenLake8x8-v1 (slippery) of
   * a plain loop over gymnasium's ``env.step`` (random actions: the floor cost of any
     agent that steps gymnasium),
   * mlkit's readable Q-learning loop (``engine="readable"``, gymnasium's ``env.step``),
   * mlkit's fast engine with one copy (plain Python over the transition table),
   * mlkit's fast engine with 1024 copies in lockstep (numpy over the transition table),
   each with its ratio to the plain ``env.step`` loop.
2. Wall time to a greedy policy within 5% of the optimal success probability (value
   iteration, evaluated exactly under the 200-step limit), per seed:
   * a plain gymnasium Q-learning loop written here (``env.step``, numpy's argmax, the
     same hyperparameters as mlkit's one-copy run), checked every 500 episodes (checks not
     timed), given at most ``--peer-budget`` seconds;
   * mlkit's one-copy engine, checked the same way;
   * mlkit's one-copy engine with a fixed budget (4000 episodes), one run, and
   * mlkit's 1024-copy engine with the notebook's settings (12000 episodes), one run;
     the last two show the success reached, since a fixed budget is what a learner sets.

    .venv/bin/python benchmarks/bench_rl.py            # full
    .venv/bin/python benchmarks/bench_rl.py --quick    # fewer seeds, smaller budgets
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np

from mlkit.rl import QLearning, TransitionTable, evaluate_policy, optimal_evaluation

ENV = "FrozenLake8x8-v1"


def steps_per_second_gym(n_steps: int) -> float:
    env = gym.make(ENV)
    rng = np.random.default_rng(0)
    actions = rng.integers(4, size=n_steps)
    env.reset(seed=0)
    start = time.perf_counter()
    for a in actions:
        _, _, terminated, truncated, _ = env.step(int(a))
        if terminated or truncated:
            env.reset()
    elapsed = time.perf_counter() - start
    env.close()
    return n_steps / elapsed



def peer_time_to_target(target: float, table, seed: int, budget: float, check_every: int = 500):
    """Plain gymnasium Q-learning: seconds of training until the greedy policy reaches ``target``."""
    env = gym.make(ENV)
    rng = np.random.default_rng(seed)
    Q = np.zeros((64, 4))
    alpha, gamma, eps, decay, eps_min = 0.1, 0.999, 1.0, 0.9995, 0.01
    trained = 0.0
    episode = 0
    state, _ = env.reset(seed=seed)
    while trained < budget:
        start = time.perf_counter()
        for _ in range(check_every):
            epsilon = max(eps_min, eps * decay ** episode)
            state, _ = env.reset()
            while True:
                if rng.random() < epsilon:
                    action = int(rng.integers(4))
                else:
                    row = Q[state]
                    action = int(rng.choice(np.flatnonzero(row == row.max())))
                nxt, reward, terminated, truncated, _ = env.step(action)
                target_q = reward if terminated else reward + gamma * Q[nxt].max()
                Q[state, action] += alpha * (target_q - Q[state, action])
                state = nxt
                if terminated or truncated:
                    break
            episode += 1
        trained += time.perf_counter() - start
        if evaluate_policy(table, Q.argmax(axis=1), episodes=0).success_probability >= target:
            env.close()
            return trained, episode
    env.close()
    return float("nan"), episode


def mlkit_one_copy_time_to_target(target: float, table, seed: int, budget: float, check_every: int = 500):
    """mlkit's one-copy engine, retrained with growing budgets (each run timed whole)."""
    episodes = check_every
    while True:
        result = QLearning(alpha=0.1, gamma=0.999, epsilon_decay=0.9995, episodes=episodes, seed=seed).train(table)
        if evaluate_policy(table, result.policy, episodes=0).success_probability >= target:
            return result.seconds, episodes
        if result.seconds > budget:
            return float("nan"), episodes
        episodes += check_every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--peer-budget", type=float, default=None, help="seconds of training per peer run")
    args = parser.parse_args()
    seeds = (0, 1) if args.quick else (0, 1, 2, 3, 4)
    peer_budget = args.peer_budget or (20.0 if args.quick else 60.0)

    table = TransitionTable.from_env(ENV)
    optimum = optimal_evaluation(table, episodes=0).success_probability
    target = 0.95 * optimum

    print(f"## Environment steps per second, {ENV}\n")
    gym_rate = steps_per_second_gym(20_000 if args.quick else 50_000)
    readable = QLearning(alpha=0.1, gamma=0.999, epsilon_decay=0.9995, episodes=300, seed=0).train(ENV, engine="readable")
    one = QLearning(alpha=0.1, gamma=0.999, epsilon_decay=0.9995, episodes=3000, seed=0).train(table)
    many = QLearning(alpha=0.1, gamma=0.999, epsilon_decay=0.9996, episodes=12000, n_envs=1024, seed=0).train(table)
    rows = [("plain gymnasium env.step loop (random actions)", gym_rate),
            ("mlkit Q-learning, readable loop on env.step", readable.steps / readable.seconds),
            ("mlkit Q-learning, fast engine, 1 copy", one.steps / one.seconds),
            ("mlkit Q-learning, fast engine, 1024 copies", many.steps / many.seconds)]
    print("| loop | steps/s | vs env.step loop |\n|---|---:|---:|")
    for name, rate in rows:
        print(f"| {name} | {rate:,.0f} | {rate / gym_rate:.1f}x |")

    print(f"\n## Time to within 5% of optimal success, {ENV} (optimum {optimum:.3f}, target {target:.3f})\n")
    print("| seed | plain gymnasium Q-learning, checked every 500 ep. | mlkit 1 copy, checked every 500 ep. | "
          "mlkit 1 copy, fixed 4000 ep. | its success / optimum | mlkit 1024 copies, fixed 12000 ep. | "
          "its success / optimum |\n|---|---:|---:|---:|---:|---:|---:|")
    fast_times = []
    for seed in seeds:
        peer_s, peer_ep = peer_time_to_target(target, table, seed, peer_budget)
        one_s, one_ep = mlkit_one_copy_time_to_target(target, table, seed, peer_budget)
        fixed = QLearning(alpha=0.1, gamma=0.999, epsilon_decay=0.9993, episodes=4000, seed=seed).train(table)
        fixed_ratio = evaluate_policy(table, fixed.policy, episodes=0).success_probability / optimum
        run = QLearning(alpha=0.1, gamma=0.999, epsilon_decay=0.9996, episodes=12000, n_envs=1024, seed=seed).train(table)
        ratio = evaluate_policy(table, run.policy, episodes=0).success_probability / optimum
        fast_times.append(run.seconds)
        peer_txt = f"{peer_s:.1f} s ({peer_ep} ep.)" if peer_s == peer_s else f"> {peer_budget:.0f} s ({peer_ep} ep.)"
        one_txt = f"{one_s:.2f} s ({one_ep} ep.)" if one_s == one_s else f"not within budget ({one_ep} ep.)"
        print(f"| {seed} | {peer_txt} | {one_txt} | {fixed.seconds:.2f} s | {fixed_ratio:.3f} | {run.seconds:.2f} s | "
              f"{ratio:.3f} |", flush=True)
    load = open("/proc/loadavg").read().split()[0] if __import__("os").path.exists("/proc/loadavg") else "?"
    print(f"\nmedian 1024-copy run: {np.median(fast_times):.2f} s; load average during the run: {load}")


if __name__ == "__main__":
    main()

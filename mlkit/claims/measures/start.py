"""Claims of the start topic, measured on the kit's datasets whose truth is known.

Both measures only generate a seeded dataset (:mod:`mlkit.datasets`) and
count rows in it; pandas is imported by the generators.
"""

from __future__ import annotations

import math

from mlkit.claims.ledger import Measurement


def class_share_matches_rate(seed: int, n_rows: int = 2000, suspicious_rate: float = 0.10,
                             claimed_rate: float = 0.10) -> Measurement:
    """A 10 % class imbalance means about one claim in ten is suspicious: is that what a sample shows?

    Draws ``datasets.claims(n_rows, suspicious_rate=...)`` and reads the
    measured suspicious share from ``datasets.explore`` (injected vs
    measured). Rule: holds when the measured share is within 3 standard
    errors of ``claimed_rate``, the standard error being
    ``sqrt(p (1 - p) / n)`` of a binomial share with ``p = claimed_rate``
    (3 SE: a sample of an exact 10 % generator lands outside only 0.3 % of
    the time, so a miss means the claimed rate is not the data's).
    Refuted otherwise, with the measured share.

        >>> class_share_matches_rate(0).verdict
        'holds'
    """
    from mlkit import datasets

    ds = datasets.claims(n_rows, suspicious_rate=suspicious_rate, seed=seed)
    table = datasets.explore(ds).comparison
    share = float(table.loc[table["quantity"] == "share 'suspicious'", "measured"].iloc[0])
    n = len(ds.frame)
    se = math.sqrt(claimed_rate * (1 - claimed_rate) / n)
    z = (share - claimed_rate) / se
    figures = {"rows": n, "claimed_share": claimed_rate, "suspicious_share": share,
               "standard_error": se, "z_score": z}
    if abs(z) <= 3:
        return Measurement("holds", figures)
    return Measurement("refuted", figures, corrected=(
        f"the sample's suspicious share is {share:.3f}, {abs(z):.1f} standard errors from "
        f"{claimed_rate:.2f}: the data's imbalance is about {share:.0%}, not {claimed_rate:.0%}"))


def overall_gap_not_within_groups(seed: int, n_rows: int = 20_000, gap_source: str = "composition",
                                  approval_gap: float = 0.2, threshold: float = 0.05) -> Measurement:
    """The naive reading of an outcome gap: a facet approved less often overall is approved less often in each group.

    Draws ``datasets.loans(n_rows, gap_source=..., approval_gap=...)`` (the
    Simpson's-paradox generator: with ``"composition"`` the female
    applicants apply more to the departments that accept few, with
    ``"within_group"`` they are accepted less inside every department) and
    measures the overall approval gap (male minus female, from
    ``datasets.explore``) and the same gap inside each department.

    Rule (``threshold`` 0.05, about 3 standard errors of a department's gap
    at 20,000 rows): holds when every department's gap has the overall
    gap's sign and is at least half of it; refuted when the overall gap is
    at least ``threshold`` but no department's gap reaches ``threshold``
    (the gap is all composition); holds with conditions otherwise (some
    departments show it, some do not).

        >>> overall_gap_not_within_groups(0).verdict
        'refuted'
    """
    from mlkit import datasets

    ds = datasets.loans(n_rows, gap_source=gap_source, approval_gap=approval_gap, seed=seed)
    truth, frame = ds.truth, ds.frame
    facet, group = truth["facet"], truth["group"]
    adv, dis = truth["advantaged"], truth["disadvantaged"]
    comparison = datasets.explore(ds).comparison
    overall = float(comparison[comparison["quantity"].str.startswith("approval_gap")]["measured"].iloc[0])
    rates = frame.groupby([group, facet])["approved"].mean().unstack()
    within = (rates[adv] - rates[dis]).to_dict()
    gaps = list(within.values())
    figures = {"rows": len(frame), "overall_gap": overall, "largest_within_gap": max(gaps),
               "smallest_within_gap": min(gaps), "groups": len(gaps)}
    if all(g * overall > 0 and abs(g) >= abs(overall) / 2 for g in gaps):
        return Measurement("holds", figures)
    if abs(overall) >= threshold and all(abs(g) < threshold for g in gaps):
        return Measurement("refuted", figures, corrected=(
            f"{dis} applicants are approved {overall:.2f} less often overall, yet inside every {group} "
            f"the gap is under {threshold:.2f} (between {min(gaps):+.3f} and {max(gaps):+.3f}): the overall "
            f"gap comes from which {group}s they apply to (Simpson's paradox), which is why Clarify's CDD "
            "looks at the gap by subgroup"))
    shown = [k for k, g in within.items() if abs(g) >= threshold]
    return Measurement("holds with conditions", figures, condition=(
        f"the overall gap of {overall:.2f} shows inside only some {group}s ({', '.join(shown)})"))

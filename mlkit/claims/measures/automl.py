"""Claims of the AutoML topic: the inferred problem type, and Canvas/Autopilot's automatic data cleaning.

Each measure reuses :mod:`mlkit.automl` (``infer_problem_type``,
``profile``, ``AutoMLJob``) on the kit's seeded datasets.
"""

from __future__ import annotations

from mlkit.claims.ledger import Measurement


def problem_type_inferred(seed: int, n_rows: int = 400, max_count: int = 8) -> Measurement:
    """Autopilot works out the problem type from the target column: three targets, one of them a count.

    Measured with :func:`mlkit.automl.infer_problem_type` (Autopilot's
    documented rule) on the ``loans`` data: ``approved`` (two values),
    ``income`` (a continuous amount) and a count target (claims filed, a
    seeded Poisson count clipped to 0..``max_count``) that a person would
    model as a number (regression).

    Rule: refuted when the two-valued or the continuous target is
    misread; holds with conditions when those are right but the count is
    read as classes (the rule reads at most 10 distinct integers as
    classes, so ``ProblemType`` must be set by hand); holds when all three
    are right.
    """
    import numpy as np
    import pandas as pd

    from mlkit.automl import infer_problem_type
    from mlkit.datasets import loans

    frame = loans(n_rows, seed=seed).frame
    rng = np.random.default_rng(seed)
    count = pd.Series(np.minimum(rng.poisson(max_count / 3, len(frame)), max_count), name="claims_filed")
    binary = infer_problem_type(frame["approved"])[0]
    amount = infer_problem_type(frame["income"])[0]
    counted, reason = infer_problem_type(count)
    figures = {"approved_read_as": binary, "income_read_as": amount, "count_read_as": counted,
               "count_distinct_values": int(count.nunique())}
    if binary != "BinaryClassification" or amount != "Regression":
        return Measurement("refuted", figures, corrected=(
            f"approved was read as {binary} and income as {amount}: set ProblemType by hand"))
    if counted != "Regression":
        return Measurement("holds with conditions", figures, condition=(
            f"two values and continuous amounts are read right, but a count with {count.nunique()} distinct "
            f"integers is read as {counted} ({reason}); give ProblemType='Regression' for small counts"))
    return Measurement("holds", figures)


def cleaning_is_automatic(seed: int, leak: bool = True, n_rows: int = 400, candidates: int = 2) -> Measurement:
    """A loans CSV spoiled the usual ways, through an AutoML job (Canvas's automatic data cleaning).

    The ``loans`` table gets money written as text, gaps in ``loan_amount``,
    five repeated rows and (``leak``) a column ``decision_code`` that is the
    answer in letters (known only after the decision). Measured with
    :class:`mlkit.automl.AutoMLJob` (``candidates`` candidates): duplicates
    removed, whether the money column was parsed, whether the leak was
    flagged, and the best validation F1 with the data as given and without
    the leaking column.

    Rule: refuted when duplicates or text numbers are left as they were;
    holds with conditions when those are repaired but the leak (flagged or
    not) stays in the model and lifts F1 by more than 0.05 over the job
    without it: cleaning does not decide what is known at prediction time;
    holds when nothing lifts the score that way.
    """
    import numpy as np
    import pandas as pd

    from mlkit.automl import AutoMLJob
    from mlkit.datasets import loans

    frame = loans(n_rows, seed=seed).frame
    if leak:
        frame["decision_code"] = frame["approved"].map({0: "D", 1: "A"})
    frame["income"] = frame["income"].map(lambda v: f"${v:,.2f}")
    frame.loc[[3, 7, 11], "loan_amount"] = np.nan
    frame = pd.concat([frame, frame.iloc[:5]], ignore_index=True)
    given = AutoMLJob(frame, "approved", MaxCandidates=candidates, seed=seed).run(progress=False)
    clean = AutoMLJob(frame.drop(columns=["decision_code"], errors="ignore"), "approved",
                      MaxCandidates=candidates, seed=seed).run(progress=False)
    table = given.cleaning.table
    dupes = table.loc[table["step"].astype(str).str.contains("dedupe"), "done"]
    kinds = dict(zip(given.exploration.columns["column"], given.exploration.columns["kind"]))
    f1_given = float(given.leaderboard["value"].iloc[0])
    f1_clean = float(clean.leaderboard["value"].iloc[0])
    figures = {"duplicates_removed": int(dupes.sum()) if len(dupes) else 0,
               "income_parsed": int(kinds.get("income") == "numeric_text"),
               "leak_flagged": int("decision_code" in given.exploration.leakage_suspects),
               "best_f1_as_given": f1_given, "best_f1_without_leak": f1_clean}
    if figures["duplicates_removed"] < 5 or not figures["income_parsed"]:
        return Measurement("refuted", figures, corrected=(
            f"the job removed {figures['duplicates_removed']} of 5 repeated rows and "
            f"{'parsed' if figures['income_parsed'] else 'did not parse'} the money column"))
    if f1_given - f1_clean > 0.05:
        return Measurement("holds with conditions", figures, condition=(
            f"repeated rows and money written as text were repaired, but the leaking column was "
            f"{'flagged and ' if figures['leak_flagged'] else ''}kept: the leaderboard showed F1 {f1_given:.3f} "
            f"against {f1_clean:.3f} without it; a person must drop what is not known at prediction time"))
    return Measurement("holds", figures)

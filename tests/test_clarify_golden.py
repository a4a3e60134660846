"""mlkit.clarify equals AWS's smclarify 0.5 to 1e-9 on 48 seeded cases.

The golden values come from smclarify itself, run in its own pinned venv by
``benchmarks/smclarify_reference.py golden`` (binary, multi-valued and
thresholded labels; one-value, two-value and thresholded facets; integer and
string group variables; edge cases: a facet with no positive label (KL < 0),
a facet with no positive prediction (x/0 ratios), perfect predictions (0/0),
a facet a of 6 rows (the flip test's 1-neighbour rule)). A ``None`` in the
file is a metric smclarify reports as an error; mlkit gives ``nan`` there.
"""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from mlkit.clarify import POSTTRAINING_METRICS, PRETRAINING_METRICS, posttraining_bias, pretraining_bias

GOLDEN = json.loads((Path(__file__).parent / "data" / "clarify" / "golden.json").read_text())
CASES = GOLDEN["cases"]


def _frame(case):
    return pd.DataFrame(case["data"])


def _kwargs(case):
    return dict(label="label", label_values_or_threshold=case["label_values_or_threshold"], facet="facet",
                facet_values_or_threshold=case["facet_values_or_threshold"],
                group_variable=case["group_variable"])


def _assert_same(mine: dict, ref: dict, names):
    for name in names:
        want, got = ref[name], mine[name]
        if want is None:  # smclarify reports an error: mlkit's documented nan
            assert math.isnan(got), (name, got)
        elif isinstance(want, str):  # "inf" / "-inf"
            assert got == float(want), (name, got, want)
        else:
            # the same counts through the same formulas: only float rounding differs
            assert got == pytest.approx(want, abs=1e-9), (name, got, want)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"case{c['id']}")
def test_pretraining_metrics_equal_smclarify(case):
    mine = pretraining_bias(_frame(case), **_kwargs(case))
    _assert_same(mine, case["pretraining"], PRETRAINING_METRICS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"case{c['id']}")
def test_posttraining_metrics_equal_smclarify(case):
    mine = posttraining_bias(_frame(case), predicted_label="pred", **_kwargs(case))
    _assert_same(mine, case["posttraining"], POSTTRAINING_METRICS)


def test_golden_cases_cover_the_edge_cases():
    # the fixture must keep the cases the module docstring promises
    kl = [c["pretraining"]["KL"] for c in CASES if isinstance(c["pretraining"]["KL"], float)]
    assert min(kl) < 0  # a class missing in one facet
    assert any(c["posttraining"]["DI"] == 0.0 for c in CASES)
    assert any(c["posttraining"]["TE"] == "inf" for c in CASES)
    assert any(c["posttraining"]["FT"] is None for c in CASES)  # non-numeric group feature
    assert any(c["pretraining"]["CDDL"] is None for c in CASES)  # no group variable
    kinds = {(type(c["facet_values_or_threshold"]).__name__, type(c["label_values_or_threshold"]).__name__)
             for c in CASES}
    assert kinds == {(f, l) for f in ("list", "float") for l in ("list", "float")}

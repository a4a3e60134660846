"""The cleaning pipeline toggler: tick steps, read the score; bad input in the banner."""

from widgets.prep import CleaningPipelineToggler


def test_unticking_numbers_lowers_the_score():
    w = CleaningPipelineToggler(n_rows=1000)
    full = w.result.roc_auc
    w.controls["steps"].value = tuple(s for s in w.controls["steps"].options if s != "numbers")
    # numbers as text become one-hot categories that validation rows never match (see test_prep)
    assert w.result.roc_auc < full - 0.02
    assert "numbers" not in w.result.steps


def test_the_bars_show_raw_current_and_all_scores():
    w = CleaningPipelineToggler(n_rows=1000)
    w.set(steps=("numbers",))
    widths = [b.get_width() + 0.5 for b in w._bars]
    refs = w._references
    assert widths == [refs["raw"].roc_auc, w.result.roc_auc, refs["all"].roc_auc]


def test_the_report_table_lists_what_was_found():
    w = CleaningPipelineToggler(n_rows=1000)
    assert "duplicate rows" in w.report.value and "currency strings" in w.report.value


def test_too_few_rows_shows_the_engine_message_and_keeps_the_result():
    w = CleaningPipelineToggler(n_rows=1000)
    before = w.result
    w.set(n_rows=5)
    assert "n_rows must be an integer >= 10" in w.error and w.result is before

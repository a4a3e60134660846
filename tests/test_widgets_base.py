"""MlkitWidget: the controls -> compute -> result -> draw loop, the banner, the figure."""

import base64

import ipywidgets
import pytest

import widgets
from mlkit._checks import check_int, make_rng
from widgets.base import CheckboxGroup, MlkitWidget


class Noise(MlkitWidget):
    """A tiny widget: n normal draws from a seeded Generator, plotted as a line."""

    def __init__(self, n=5, seed=0, figure=False):
        self.n = n
        self.seed = seed
        self.calls = 0
        self.drawn = []
        super().__init__(
            {
                "n": ipywidgets.IntText(value=n, description="n"),
                "seed": ipywidgets.IntText(value=seed, description="seed"),
            },
            title="Noise",
            figsize=(3, 2) if figure else None,
        )

    def compute(self, n, seed):
        self.calls += 1
        n = check_int("n", n, low=1)  # the engine's style of message
        return make_rng(seed).normal(size=n)

    def draw(self, result):
        self.drawn.append(result)
        if self.figure is not None:
            if not self.figure.axes:
                self.figure.add_subplot()
            ax = self.figure.axes[0]
            ax.clear()
            ax.plot(result)
            self.refresh_figure()


def test_computes_once_on_creation():
    w = Noise()
    assert w.calls == 1
    assert len(w.result) == 5
    assert w.error is None


def test_setting_a_control_recomputes_and_result_follows():
    w = Noise(seed=0)
    w.controls["seed"].value = 3
    # same seed, same numbers: the widget's result is the engine's for seed 3
    assert list(w.result) == list(make_rng(3).normal(size=5))


def test_set_changes_several_controls_with_one_recompute():
    w = Noise()
    before = w.calls
    w.set(n=7, seed=4)
    assert w.calls == before + 1
    assert w.values() == {"n": 7, "seed": 4}
    assert len(w.result) == 7


def test_set_unknown_control_raises_naming_it_and_changes_nothing():
    w = Noise()
    with pytest.raises(ValueError, match=r"control must be one of 'n', 'seed'; got 'colour'"):
        w.set(seed=9, colour="red")
    assert w.values()["seed"] == 0


def test_values_reads_every_control():
    assert Noise(n=3, seed=2).values() == {"n": 3, "seed": 2}


def test_bad_input_shows_engine_message_in_banner():
    w = Noise()
    w.controls["n"].value = 0
    assert w.error == "n must be an integer >= 1, got 0"
    assert w.banner.layout.display != "none"
    # the message is HTML-escaped in the banner (">=" would otherwise be markup)
    assert "n must be an integer &gt;= 1, got 0" in w.banner.value


def test_banner_hidden_when_fine_and_clears_after_good_input():
    w = Noise()
    assert w.banner.layout.display == "none"
    w.controls["n"].value = 0
    w.controls["n"].value = 4
    assert w.error is None
    assert w.banner.layout.display == "none"
    assert w.banner.value == ""
    assert len(w.result) == 4


def test_last_good_result_kept_on_bad_input():
    w = Noise(seed=1)
    good = w.result
    drawn = len(w.drawn)
    w.controls["n"].value = -2
    assert w.result is good
    assert len(w.drawn) == drawn  # nothing redrawn from a failed compute


def test_key_error_message_is_shown_without_quotes():
    class Lookup(MlkitWidget):
        def __init__(self):
            super().__init__({"key": ipywidgets.Text(value="a")})

        def compute(self, key):
            table = {"a": 1}
            if key not in table:
                raise KeyError(f"key must be one of 'a'; got {key!r}")
            return table[key]

    w = Lookup()
    w.controls["key"].value = "z"
    assert w.error == "key must be one of 'a'; got 'z'"
    assert w.result == 1


def test_other_exceptions_are_not_swallowed():
    # a bug in compute (not a bad input) must surface, not hide in the banner
    class Broken(MlkitWidget):
        def __init__(self):
            super().__init__({"x": ipywidgets.IntText(value=1)}, compute_now=False)

        def compute(self, x):
            raise ZeroDivisionError("bug")

    w = Broken()
    with pytest.raises(ZeroDivisionError):
        w.update()


def test_figure_is_the_same_object_after_several_updates():
    w = Noise(figure=True)
    figure = w.figure
    for seed in range(1, 5):
        w.controls["seed"].value = seed
    assert w.figure is figure
    assert len(figure.axes) == 1


def test_refresh_figure_replaces_the_output_with_one_png():
    w = Noise(figure=True)
    for seed in range(1, 4):
        w.controls["seed"].value = seed
    # one image in the output after four draws: replaced in place, not appended
    assert len(w.output.outputs) == 1
    png = base64.b64decode(w.output.outputs[0]["data"]["image/png"])
    assert png.startswith(b"\x89PNG")


def test_refresh_figure_without_figure_raises():
    w = Noise()
    with pytest.raises(ValueError, match="has no figure"):
        w.refresh_figure()


def test_non_widget_control_rejected_naming_it():
    with pytest.raises(TypeError, match=r"controls\['n'\] must be an ipywidgets.ValueWidget, got int"):
        MlkitWidget({"n": 3})


def test_view_holds_title_controls_banner_and_output():
    w = Noise()
    assert isinstance(w.view, ipywidgets.Box)
    assert w.view.children == (w.heading, w.controls_box, w.banner, w.output)
    assert list(w.controls_box.children) == list(w.controls.values())


def test_widget_displays_as_its_view():
    w = Noise()
    bundle = w._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == w.view.model_id
    assert bundle["text/plain"] == "<Noise result=ndarray>"


def test_checkbox_group_value_and_boxes_agree():
    g = CheckboxGroup(["A", "B", "C"])
    g.value = ("C", "A")
    assert [b.value for b in g.boxes.values()] == [True, False, True]
    g.boxes["C"].value = False
    assert g.value == ("A",)


def test_checkbox_group_rejects_unknown_key():
    g = CheckboxGroup(["A", "B"])
    with pytest.raises(ValueError, match=r"value must contain only 'A', 'B'; got \['Z'\]"):
        g.value = ("Z",)


def test_package_exposes_widgets_lazily():
    assert widgets.MlkitWidget is MlkitWidget
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        widgets.Nope


def test_set_rejected_by_a_control_still_recomputes_what_was_set():
    import traitlets

    w = Noise()
    with pytest.raises(traitlets.TraitError):
        w.set(n=3, seed="not a number")
    assert len(w.result) == 3  # n=3 was applied and computed before the error surfaced


def test_css_classes_mark_the_parts_for_the_browser_tests():
    w = Noise()
    assert {"mlkit-widget", "mlkit-name-Noise"} <= set(w.view._dom_classes)
    assert "mlkit-manual" not in w.view._dom_classes
    assert "mlkit-controls" in w.controls_box._dom_classes
    assert "mlkit-error" in w.banner._dom_classes
    assert "mlkit-control-seed" in w.controls["seed"]._dom_classes


def test_manual_widget_computes_only_on_update():
    class Manual(MlkitWidget):
        def __init__(self):
            super().__init__({"x": ipywidgets.IntText(value=1)}, live=False, compute_now=False)

        def compute(self, x):
            return x * 10

    w = Manual()
    assert "mlkit-manual" in w.view._dom_classes
    w.set(x=2)
    w.controls["x"].value = 3
    assert w.result is None  # nothing computed until asked
    assert w.update() == 30

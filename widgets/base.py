"""The small base every mlkit widget reuses: controls -> engine -> result -> view.

A widget is a view over one mlkit call. :class:`MlkitWidget` owns the loop:
it watches its controls, calls :meth:`MlkitWidget.compute` with their values
(the subclass calls the engine there, nothing else), keeps the answer in
``self.result`` and hands it to :meth:`MlkitWidget.draw`. A ``ValueError``,
``TypeError`` or ``KeyError`` from the engine (whose messages name the
parameter, the value and what is allowed) goes to an error banner instead of a
traceback, and the last good result stays on screen.

Everything runs in plain Python: traitlets observers fire synchronously, so a
test sets ``w.controls["seed"].value = 3`` and reads ``w.result`` with no
browser and no kernel.

    >>> import ipywidgets
    >>> class Square(MlkitWidget):
    ...     def __init__(self, x=2):
    ...         self.x = x
    ...         self.shown = ipywidgets.HTML()
    ...         super().__init__({"x": ipywidgets.IntText(value=x, description="x")},
    ...                          title="Square", body=[self.shown])
    ...     def compute(self, x):
    ...         if x < 0:
    ...             raise ValueError(f"x must be an integer >= 0, got {x}")
    ...         return x * x
    ...     def draw(self, result):
    ...         self.shown.value = f"<b>{result}</b>"
    >>> w = Square()
    >>> w.result
    4
    >>> w.controls["x"].value = 3
    >>> w.result
    9
    >>> w.set(x=-1)
    >>> w.error, w.result
    ('x must be an integer >= 0, got -1', 9)
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Iterable, Mapping

import ipywidgets
import traitlets

__all__ = ["MlkitWidget", "CheckboxGroup", "html_block"]

#: Exceptions whose message is shown in the banner (bad input), not raised.
INPUT_ERRORS = (ValueError, TypeError, KeyError)


def html_block(content: str) -> str:
    """Wrap HTML for an ``ipywidgets.HTML``: text lines at reading height.

    ipywidgets gives HTML content the height of a control row (28 px) per
    line, which spreads tables and paragraphs apart.
    """
    return f"<div style='line-height:1.45'>{content}</div>"


def error_text(exc: BaseException) -> str:
    """The message of ``exc`` as a learner should read it.

    ``str(KeyError("x"))`` is ``"'x'"``; the message itself is more useful.
    """
    if isinstance(exc, KeyError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc) or type(exc).__name__


class MlkitWidget:
    """Controls in, ``compute(**values)`` -> ``self.result``, ``draw(result)`` out.

    Contract: ``MlkitWidget(controls, title=..., body=..., figsize=...)``
    lays out ``self.view`` (title, controls, error banner, ``body`` widgets,
    ``self.output``), observes every control's ``value`` and computes once;
    every later control change recomputes, updating ``self.result`` (on
    success) or ``self.error`` (the message of a ``ValueError``/``TypeError``/
    ``KeyError``, else None).

    Subclasses store their own parameters unchanged, build their controls,
    call ``super().__init__`` and override :meth:`compute` (call the engine)
    and :meth:`draw` (update the view). With ``figsize`` the widget owns one
    ``matplotlib.figure.Figure`` (``self.figure``) for its whole life: update
    its artists in :meth:`draw` and call :meth:`refresh_figure`.

    Parameters
    ----------
    controls : dict[str, ipywidgets.ValueWidget]
        The inputs, keyed by the keyword :meth:`compute` receives.
    title : str
        Shown as a heading above the controls.
    body : iterable of ipywidgets.Widget
        The subclass's own output widgets (tables, text), shown below the
        banner.
    figsize : (float, float) or None
        Size in inches of the widget's figure; None for no figure.
    live : bool
        Recompute on every control change (default). With ``live=False`` a
        control change only changes the control; :meth:`update` (e.g. from a
        *Run* or *Check* button) computes, and :meth:`set` only sets.
    compute_now : bool
        Compute once at the end of ``__init__`` (default True).

    CSS classes (for the browser tests in ``tests/browser``): the view has
    ``mlkit-widget``, ``mlkit-name-<Class>``, ``mlkit-manual`` when not
    ``live`` and ``mlkit-retrains`` when the class sets ``retrains = True``
    (a change trains a model); the controls box ``mlkit-controls``, each
    control ``mlkit-control-<name>``, the banner ``mlkit-error``.

    Example
    -------
    >>> import ipywidgets
    >>> class Double(MlkitWidget):
    ...     def __init__(self):
    ...         super().__init__({"n": ipywidgets.IntText(value=1)}, title="Double")
    ...     def compute(self, n):
    ...         return 2 * n
    >>> d = Double()
    >>> d.set(n=21)
    >>> d.result, d.values()
    (42, {'n': 21})
    """

    #: Set True in a subclass whose compute trains a model (slower updates expected).
    retrains: bool = False

    def __init__(
        self,
        controls: Mapping[str, ipywidgets.ValueWidget],
        *,
        title: str = "",
        body: Iterable[ipywidgets.Widget] = (),
        figsize: tuple[float, float] | None = None,
        live: bool = True,
        compute_now: bool = True,
    ):
        self.controls: dict[str, ipywidgets.ValueWidget] = dict(controls)
        for name, control in self.controls.items():
            if not isinstance(control, ipywidgets.ValueWidget):
                raise TypeError(
                    f"controls[{name!r}] must be an ipywidgets.ValueWidget, "
                    f"got {type(control).__name__}"
                )
        self.live = live
        self.result: Any = None
        self.error: str | None = None
        self._holding = False

        self.heading = ipywidgets.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>")
        self.controls_box = ipywidgets.VBox(list(self.controls.values()))
        self.banner = ipywidgets.HTML(layout=ipywidgets.Layout(display="none"))
        self.body = list(body)
        self.output = ipywidgets.Output()
        self.figure = None
        if figsize is not None:
            from matplotlib.figure import Figure  # lazily: matplotlib is heavy

            # A Figure made directly, not through pyplot, so no backend shows a
            # second copy of it and it lives exactly as long as the widget. No
            # layout engine: constrained layout triples the cost of a redraw;
            # set margins with self.figure.subplots_adjust(...) instead.
            self.figure = Figure(figsize=figsize)
        self._background = None  # cached pixels of the figure's static part (see refresh_figure)
        self._background_key = None
        self.view = ipywidgets.VBox(self.layout())
        self.view.add_class("mlkit-widget").add_class(f"mlkit-name-{type(self).__name__}")
        if not live:
            self.view.add_class("mlkit-manual")
        if self.retrains:
            self.view.add_class("mlkit-retrains")
        self.controls_box.add_class("mlkit-controls")
        self.banner.add_class("mlkit-error")

        for name, control in self.controls.items():
            control.add_class(f"mlkit-control-{name}")
            control.observe(self._on_change, names="value")
        if compute_now:
            self.update()

    # -- to override -----------------------------------------------------
    def compute(self, **values: Any) -> Any:
        """Call the engine with the controls' values and return its result."""
        raise NotImplementedError(f"{type(self).__name__} must define compute(**values)")

    def draw(self, result: Any) -> None:
        """Show ``result`` (update body widgets, or the figure and then
        :meth:`refresh_figure`). The default shows nothing."""

    def layout(self) -> list[ipywidgets.Widget]:
        """The children of ``self.view``, top to bottom."""
        return [self.heading, self.controls_box, self.banner, *self.body, self.output]

    # -- the loop --------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The controls' current values, keyed as :meth:`compute` receives them."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Set several controls, then recompute exactly once (not at all if not ``live``).

        Raises ``ValueError`` naming the control if a key is not one of
        ``self.controls`` (nothing is changed then). If a control rejects its
        value (a ``traitlets.TraitError``), the values set before it stay
        and the widget still recomputes, so the view matches the controls.
        """
        for name in values:
            if name not in self.controls:
                allowed = ", ".join(repr(k) for k in self.controls)
                raise ValueError(f"control must be one of {allowed}; got {name!r}")
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
            if self.live:
                self.update()

    def update(self) -> Any:
        """Compute from the controls now; return the result (None on bad input)."""
        try:
            result = self.compute(**self.values())
        except INPUT_ERRORS as exc:
            self.show_error(error_text(exc))
            return None
        self.result = result
        self.show_error(None)
        self.draw(result)
        return result

    def show_error(self, message: str | None) -> None:
        """Show ``message`` in the banner (None hides it) and store it in ``self.error``."""
        self.error = message
        if message is None:
            self.banner.value = ""
            self.banner.layout.display = "none"
        else:
            self.banner.value = html_block(
                "<div style='background:#fdecea;color:#611a15;border-left:4px solid #d32f2f;"
                f"padding:6px 10px;margin:4px 0'>&#9888; {html.escape(message)}</div>"
            )
            self.banner.layout.display = None

    def _on_change(self, change) -> None:
        if self.live and not self._holding:
            self.update()

    # -- the figure ------------------------------------------------------
    def refresh_figure(self, dynamic: Iterable[Any] = ()) -> None:
        """Show the current state of ``self.figure`` in ``self.output``, in place.

        The output's content is replaced in one step (what
        ``clear_output(wait=True)`` then ``display(figure)`` does in a kernel),
        so the figure never flickers or piles up, and it works without a
        kernel too. The same Figure object is reused; never build a new one.

        ``dynamic``: the artists that change from one draw to the next (bars
        whose heights follow the result, say). With them, everything else
        (axes, ticks, labels: most of the cost of a redraw is text) is drawn
        once and kept as pixels, and later refreshes only paint the dynamic
        artists over it. Call :meth:`invalidate_background` when the static
        part changes (new axes, labels or limits).
        """
        if self.figure is None:
            raise ValueError(f"{type(self).__name__} has no figure: pass figsize=(w, h) to MlkitWidget")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        fig = self.figure
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        dynamic = list(dynamic)
        key = tuple(id(a) for a in dynamic)
        if not dynamic:
            canvas.draw()
        else:
            if self._background is None or self._background_key != key:
                for artist in dynamic:
                    artist.set_animated(True)  # left out of canvas.draw(): the background is static only
                canvas.draw()
                self._background, self._background_key = canvas.copy_from_bbox(fig.bbox), key
            else:
                canvas.restore_region(self._background)
            for artist in dynamic:
                fig.draw_artist(artist)
        width, height = canvas.get_width_height()
        buffer = io.BytesIO()
        # fast zlib level: encoding at the default level is a sixth of a redraw
        Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.output.outputs = (
            {
                "output_type": "display_data",
                "data": {"image/png": png, "text/plain": repr(fig)},
                "metadata": {"image/png": {"width": int(width), "height": int(height)}},
            },
        )

    def invalidate_background(self) -> None:
        """Forget the cached static part of the figure; the next refresh draws it all again."""
        self._background = self._background_key = None

    # -- display ---------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = dict(self.view._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = repr(self)  # what a front end without widgets shows
        return bundle

    def __repr__(self) -> str:
        state = f"error={self.error!r}" if self.error else f"result={type(self.result).__name__}"
        return f"<{type(self).__name__} {state}>"


class CheckboxGroup(ipywidgets.VBox, ipywidgets.ValueWidget):
    """Several checkboxes as one control whose ``value`` is the tuple of ticked keys.

    ipywidgets has no multi-choice control that wraps long labels or reads
    like a form; this is one, usable wherever a ``ValueWidget`` is expected.
    Setting ``value`` ticks the boxes; ticking a box updates ``value``
    (in ``options`` order). Unknown keys raise ``ValueError``.

    >>> g = CheckboxGroup(options=["A", "B", "C"])
    >>> g.value = ("C", "A")
    >>> g.value
    ('A', 'C')
    >>> g.boxes["B"].value = True
    >>> g.value
    ('A', 'B', 'C')
    """

    value = traitlets.Tuple()

    def __init__(self, options: Iterable[str], value: Iterable[str] = (), horizontal: bool = True, **kwargs):
        options = [str(o) for o in options]
        self.options = tuple(options)
        self.boxes = {
            key: ipywidgets.Checkbox(value=False, description=key, indent=False,
                                     layout=ipywidgets.Layout(width="auto", margin="0 12px 0 0"))
            for key in options
        }
        self._syncing = False
        super().__init__(**kwargs)
        self.children = (
            [ipywidgets.HBox(list(self.boxes.values()))] if horizontal else list(self.boxes.values())
        )
        for box in self.boxes.values():
            box.observe(self._box_changed, names="value")
        self.value = tuple(value)

    @traitlets.validate("value")
    def _valid_value(self, proposal):
        chosen = set(proposal["value"])
        unknown = chosen - set(self.options)
        if unknown:
            allowed = ", ".join(repr(o) for o in self.options)
            raise ValueError(f"value must contain only {allowed}; got {sorted(unknown)!r}")
        return tuple(o for o in self.options if o in chosen)

    @traitlets.observe("value")
    def _value_changed(self, change):
        self._syncing = True
        try:
            for key, box in self.boxes.items():
                box.value = key in change["new"]
        finally:
            self._syncing = False

    def _box_changed(self, change):
        if not self._syncing:
            self.value = tuple(k for k, b in self.boxes.items() if b.value)


class PickList(ipywidgets.VBox, ipywidgets.ValueWidget):
    """One dropdown per label, as one control whose ``value`` is the tuple of picks (None: not picked yet).

    For answers that assign something to every slot: the step in each place
    of an ordering question, the response for each prompt of a matching
    one. Setting ``value`` sets the dropdowns; a dropdown change updates
    ``value``. A pick that is not one of ``options``, or a value of the
    wrong length, raises ``ValueError``.

    >>> p = PickList(["1st", "2nd"], options=["A", "B"])
    >>> p.value
    (None, None)
    >>> p.dropdowns[1].value = "A"
    >>> p.value
    (None, 'A')
    """

    value = traitlets.Tuple()

    def __init__(self, labels: Iterable[str], options: Iterable[str], value: Iterable | None = None, **kwargs):
        self.labels = tuple(str(x) for x in labels)
        self.options = tuple(str(o) for o in options)
        self.dropdowns = [
            ipywidgets.Dropdown(options=[("-", None)] + [(o, o) for o in self.options], value=None,
                                description=label, style={"description_width": "60px"},
                                layout=ipywidgets.Layout(width="160px"))
            for label in self.labels
        ]
        self._syncing = False
        super().__init__(**kwargs)
        self.children = [ipywidgets.HBox(self.dropdowns, layout=ipywidgets.Layout(flex_flow="row wrap"))]
        for d in self.dropdowns:
            d.observe(self._dropdown_changed, names="value")
        self.value = tuple(value) if value is not None else (None,) * len(self.labels)

    @traitlets.validate("value")
    def _valid_value(self, proposal):
        picks = tuple(proposal["value"])
        if len(picks) != len(self.labels):
            raise ValueError(f"value must have one pick per label ({len(self.labels)}), got {len(picks)}")
        for p in picks:
            if p is not None and p not in self.options:
                allowed = ", ".join(repr(o) for o in self.options)
                raise ValueError(f"value must contain only {allowed} or None; got {p!r}")
        return picks

    @traitlets.observe("value")
    def _value_changed(self, change):
        self._syncing = True
        try:
            for d, v in zip(self.dropdowns, change["new"]):
                d.value = v
        finally:
            self._syncing = False

    def _dropdown_changed(self, change):
        if not self._syncing:
            self.value = tuple(d.value for d in self.dropdowns)

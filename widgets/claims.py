"""The claims ledger as a widget: filter the notes' claims by topic and verdict, re-measure a topic."""

from __future__ import annotations

import html

import ipywidgets

from widgets import svg
from widgets.base import MlkitWidget, html_block

__all__ = ["ClaimsLedger"]

_COLOURS = {"holds": "#1a7f37", "holds with conditions": "#bf8700", "refuted": "#cf222e",
            "error": "#6e7781", "not measured": "#d0d7de"}


class ClaimsLedger(MlkitWidget):
    """The recorded ledger, filtered by ``topic`` and ``status``; *Measure now* re-measures a topic.

    Controls: ``topic`` (``"all"`` or a topic id with claims), ``status``
    (``"all"`` or one of :data:`mlkit.claims.STATUSES`). ``result`` is the
    filtered :class:`mlkit.claims.Ledger`. The button calls
    :func:`mlkit.claims.show` for the chosen topic: its quick claims are
    measured now (marked *measured*), the others stay *recorded*.

        >>> w = ClaimsLedger()
        >>> w.set(topic="rl")
        >>> {r.claim.topic for r in w.result}
        {'rl'}
    """

    def __init__(self, ledger=None, *, topic: str = "all", status: str = "all"):
        from mlkit import claims
        from mlkit.claims.ledger import STATUSES

        self.ledger = ledger if ledger is not None else claims.recorded()
        topics = [t for t in dict.fromkeys(r.claim.topic for r in self.ledger)]
        self.chart = ipywidgets.HTML()
        self.table = ipywidgets.HTML()
        self.measure_button = ipywidgets.Button(description="Measure now", icon="play",
                                                tooltip="measure the chosen topic's quick claims again")
        self.measure_button.on_click(lambda _: self.measure_now())
        controls = {
            "topic": ipywidgets.Dropdown(options=["all", *topics], value=topic, description="topic"),
            "status": ipywidgets.Dropdown(options=["all", *STATUSES], value=status, description="verdict"),
        }
        super().__init__(controls, title="The claims ledger", body=[self.chart, self.measure_button, self.table])

    def compute(self, topic, status):
        return self.ledger.filter(topic=None if topic == "all" else topic,
                                  status=None if status == "all" else status)

    def draw(self, result):
        from mlkit.claims.ledger import STATUSES, format_figures

        topics = list(dict.fromkeys(r.claim.topic for r in self.ledger))
        series = {s: [sum(1 for r in self.ledger if r.claim.topic == t and r.status == s) for t in topics]
                  for s in STATUSES if any(r.status == s for r in self.ledger)}
        top = max([sum(col) for col in zip(*series.values())] or [1])
        chosen = self.values()["topic"]
        markers = [(topics.index(chosen), top)] if chosen in topics else []
        self.chart.value = svg.bar_chart(topics, series, ylim=(0, top), title="verdicts by topic",
                                         ylabel="claims", markers=markers, marker_label="chosen",
                                         width=720, height=260)
        rows = []
        for r in result:
            note = r.condition or r.corrected or r.error or ""
            rows.append(
                f"<tr><td><code>{html.escape(r.claim.id)}</code></td><td>{html.escape(r.claim.claim)}</td>"
                f"<td style='color:{_COLOURS[r.status]}'><b>{html.escape(r.status)}</b> <i>({r.source})</i></td>"
                f"<td>{html.escape(format_figures(r.figures))}</td><td>{html.escape(note)}</td></tr>")
        head = "<tr><th>claim</th><th>in our words</th><th>verdict</th><th>measured</th><th>why</th></tr>"
        self.table.value = html_block(f"<p>{len(result)} of {len(self.ledger)} claims</p>"
                                      f"<table style='text-align:left'>{head}{''.join(rows)}</table>")

    def measure_now(self) -> None:
        """Re-measure the chosen topic's quick claims (the others keep their recorded rows)."""
        from mlkit import claims

        topic = self.values()["topic"]
        if topic == "all":
            self.show_error("choose a topic first: Measure now re-measures one topic's quick claims")
            return
        fresh = {r.claim.id: r for r in claims.show(topic)}
        self.ledger = claims.Ledger([fresh.get(r.claim.id, r) for r in self.ledger], seed=self.ledger.seed)
        self.update()


"""The IPython extension behind ``%load_ext mlkit``.

Magics:

``%quiz TOPIC``
    Show the topic's quiz widget (``%quiz`` alone: every topic).
``%claims TOPIC``
    Show the topic's claims of the notes: quick ones measured now, the others
    as recorded (``%claims ID`` measures that claim now; ``%claims`` alone: the
    recorded ledger).
``%study``
    Show the study map with the learner's progress.
``%study done NOTEBOOK``
    Record that a course notebook was run to the end (its last cell does this).
"""

from __future__ import annotations

import shlex

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.display import display

__all__ = ["MlkitMagics", "load_ipython_extension", "unload_ipython_extension"]

_USAGE_STUDY = "usage: %study  |  %study done NOTEBOOK"


@magics_class
class MlkitMagics(Magics):
    """``%quiz``, ``%exam`` and ``%study``; each displays its widget."""

    @line_magic
    def quiz(self, line: str = ""):
        """%quiz [TOPIC]: show the quiz for TOPIC (all topics when omitted)."""
        from widgets import Quiz

        parts = shlex.split(line)
        if len(parts) > 1:
            raise ValueError(f"%quiz takes at most one topic, got {line!r}")
        widget = Quiz(parts[0] if parts else None)
        display(widget)
        return None

    @line_magic
    def exam(self, line: str = ""):
        """%exam [N]: a timed practice exam of N questions (default 65) across every topic."""
        from widgets import PracticeExamWidget

        parts = shlex.split(line)
        if len(parts) > 1 or (parts and not parts[0].isdigit()):
            raise ValueError(f"usage: %exam [NUMBER_OF_QUESTIONS]; got {line!r}")
        display(PracticeExamWidget(int(parts[0]) if parts else 65))
        return None

    @line_magic
    def claims(self, line: str = ""):
        """%claims [TOPIC|ID]: the claims ledger, a topic's claims, or one claim measured now."""
        from mlkit import claims as _claims
        from mlkit import topics

        parts = shlex.split(line)
        if len(parts) > 1:
            raise ValueError(f"usage: %claims [TOPIC|CLAIM_ID]; got {line!r}")
        if not parts:
            display(_claims.recorded())
        elif parts[0] in topics.topic_ids():
            display(_claims.show(parts[0]))
        else:
            display(_claims.check(parts[0], progress=False))
        return None

    @line_magic
    def study(self, line: str = ""):
        """%study: show the study map;  %study done NOTEBOOK: mark a notebook completed."""
        parts = shlex.split(line)
        if not parts:
            from widgets import StudyMap

            display(StudyMap())
            return None
        if parts[0] == "done" and len(parts) == 2:
            from mlkit.progress import Progress

            Progress().mark_notebook(parts[1], "completed")
            print(f"Recorded: {parts[1]} completed. Run %study to see the map.")
            return None
        raise ValueError(f"{_USAGE_STUDY}; got {line!r}")


def load_ipython_extension(ipython) -> None:
    """Register the magics (idempotent)."""
    ipython.register_magics(MlkitMagics)


def unload_ipython_extension(ipython) -> None:
    """Remove the magics again."""
    for kind in ("line",):
        table = ipython.magics_manager.magics[kind]
        for name in ("quiz", "exam", "claims", "study"):
            table.pop(name, None)

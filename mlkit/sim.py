"""Simulated time: the discrete-event core every mlkit simulation runs on.

A :class:`Simulation` holds a clock in simulated seconds, an event queue
(``heapq``) and one seeded ``numpy.random.Generator``. Callbacks scheduled at
the same simulated time run in the order they were scheduled (FIFO) unless
given a ``priority`` (lower runs first), and the
same seed replays exactly, so a simulated week takes a second and gives the
same numbers every time. Nothing ever sleeps::

    >>> sim = Simulation(seed=0)
    >>> log = []
    >>> def ping(name):
    ...     log.append((sim.now, name))
    ...     if name == "a":
    ...         sim.schedule(2.5, ping, "c")
    >>> _ = sim.schedule(1.0, ping, "a")
    >>> _ = sim.schedule(1.0, ping, "b")
    >>> sim.run()
    3
    >>> log
    [(1.0, 'a'), (1.0, 'b'), (3.5, 'c')]
"""

from __future__ import annotations

import heapq
import itertools
import math
from typing import Any, Callable

from mlkit._checks import check_float, make_rng

__all__ = ["Simulation", "Event"]


class Event:
    """A scheduled callback: ``time``, ``callback``, ``args``; ``cancel()`` drops it.

    Returned by :meth:`Simulation.schedule`; a cancelled event stays in the
    queue but is skipped when its time comes.
    """

    __slots__ = ("time", "priority", "seq", "callback", "args", "cancelled")

    def __init__(self, time: float, priority: int, seq: int, callback: Callable, args: tuple):
        self.time = time
        self.priority = priority
        self.seq = seq
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        """Skip this event when its time comes (no effect if it already ran)."""
        self.cancelled = True

    def __lt__(self, other: "Event") -> bool:
        return (self.time, self.priority, self.seq) < (other.time, other.priority, other.seq)

    def __repr__(self) -> str:
        name = getattr(self.callback, "__name__", repr(self.callback))
        state = " cancelled" if self.cancelled else ""
        return f"<Event t={self.time:g} {name}{self.args!r}{state}>"


class Simulation:
    """A clock, an event queue and one seeded RNG; ``run()`` advances the clock event by event.

    In: ``seed`` (None, an int >= 0, or a ``numpy.random.Generator`` to share).
    State: ``now`` (simulated seconds, starts at 0), the queue, ``rng``,
    ``events_processed``. Callbacks receive the arguments given to
    :meth:`schedule` and may schedule more events.

    >>> sim = Simulation(seed=1)
    >>> _ = sim.schedule(10, lambda: None)
    >>> sim.run(until=4)
    0
    >>> sim.now, sim.pending
    (4.0, 1)
    """

    def __init__(self, seed: Any = None):
        self.seed = seed
        self.rng = make_rng(seed)
        self.now = 0.0
        self.events_processed = 0
        self._queue: list[Event] = []
        self._seq = itertools.count()

    @property
    def pending(self) -> int:
        """Number of events waiting in the queue (cancelled ones included)."""
        return len(self._queue)

    def schedule(self, delay: float, callback: Callable, *args: Any, priority: int = 0) -> Event:
        """Run ``callback(*args)`` ``delay`` simulated seconds from now; return its :class:`Event`.

        Events at the same time run by ``priority`` (lower first), then in
        the order they were scheduled (FIFO). Raises ``ValueError`` if ``delay`` is negative or not finite,
        ``TypeError`` if ``callback`` is not callable.
        """
        if not (isinstance(delay, (int, float)) and not isinstance(delay, bool) and 0 <= delay < math.inf):
            check_float("delay", delay, low=0.0)  # raises with the standard message
        return self.schedule_at(self.now + delay, callback, *args, priority=priority)

    def schedule_at(self, time: float, callback: Callable, *args: Any, priority: int = 0) -> Event:
        """Run ``callback(*args)`` at simulated time ``time`` (>= ``now``); return its :class:`Event`."""
        if not (isinstance(time, (int, float)) and not isinstance(time, bool) and self.now <= time < math.inf):
            time = check_float("time", time, low=self.now)  # raises naming the value; accepts numpy numbers
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r} ({type(callback).__name__})")
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise TypeError(f"priority must be an integer, got {priority!r} ({type(priority).__name__})")
        event = Event(float(time), priority, next(self._seq), callback, args)
        heapq.heappush(self._queue, event)
        return event

    def peek(self) -> float:
        """Time of the next live event, or ``math.inf`` if none is left."""
        queue = self._queue
        while queue and queue[0].cancelled:
            heapq.heappop(queue)
        return queue[0].time if queue else math.inf

    def step(self) -> bool:
        """Run the next live event; return False if the queue was empty."""
        queue = self._queue
        while queue:
            event = heapq.heappop(queue)
            if event.cancelled:
                continue
            self.now = event.time
            self.events_processed += 1
            event.callback(*event.args)
            return True
        return False

    def run(self, until: float | None = None) -> int:
        """Run events in time order until the queue is empty or the next one is after ``until``.

        Returns the number of events run. With ``until``, the clock ends at
        ``until`` (events at exactly ``until`` run); without it, at the last
        event's time. Raises ``ValueError`` if ``until`` is before ``now``.
        """
        if until is not None:
            until = check_float("until", until, low=self.now)
        queue = self._queue
        done = 0
        while queue:
            event = queue[0]
            if event.cancelled:
                heapq.heappop(queue)
                continue
            if until is not None and event.time > until:
                break
            heapq.heappop(queue)
            self.now = event.time
            self.events_processed += 1
            done += 1
            event.callback(*event.args)
        if until is not None:
            self.now = until
        return done

    def __repr__(self) -> str:
        return f"Simulation(seed={self.seed!r}) at t={self.now:g}s, {self.pending} pending"

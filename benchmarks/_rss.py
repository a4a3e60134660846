"""Peak resident memory of a block of code, above what the process held before it.

``ru_maxrss`` is the whole process's peak, so reading the input files dominates it. This
samples ``/proc/self/statm`` from a thread every few milliseconds while the block runs and
reports the largest rise over the resident size at its start: the memory the analysis
itself needed. Used on both sides of a benchmark, so the comparison is like for like.

    with PeakRss() as rss:
        work()
    rss.peak_mb
"""

import os
import threading

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


class PeakRss:
    def __init__(self, every_s: float = 0.005):
        self.every_s = every_s
        self.peak_mb = 0.0

    def __enter__(self):
        self._start = _rss_bytes()
        self._peak = self._start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.wait(self.every_s):
            self._peak = max(self._peak, _rss_bytes())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, _rss_bytes())
        self.peak_mb = (self._peak - self._start) / 2**20
        return False

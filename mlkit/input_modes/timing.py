"""The timing model: replay a job's recorded reads on a simulated clock.

The model, in plain words (every figure from the storage profile or the
training instance, see :mod:`mlkit.input_modes.storage`):

* **Listing** (S3 channels): ``ceil(files / 1000)`` LIST requests, one after
  another, before anything else.
* **File mode download**: ``download_concurrency`` objects at once; each
  pays the first-byte latency once and transfers with ``ranged_gets``
  parallel ranged GETs at ``min(ranged_gets x stream, ceiling / in-flight)``
  where the ceiling is the smallest of
  the store's aggregate, the instance network and the volume's write
  throughput. Training starts when the last object has landed.
* **Reads** (the training function's, in its order): a pool of ``readers``
  workers fetches ahead of the consumer (at most ``2 x readers`` reads
  ahead); reads of one object are sequential on one stream. File mode reads
  the volume (``volume_latency_s`` or the IOPS limit per read, volume
  throughput shared); FastFile reads S3 (first-byte latency only when a read
  does not continue the previous one: a new file or a seek); FSx for Lustre
  and EFS are read in place (latency per read).
* **Pipe**: one ordered stream per channel; each object pays the first-byte
  latency in turn, and within an object ``ranged_gets`` ranged GETs run in
  parallel (``min(ranged_gets x stream, aggregate, network)``).
* **Compute**: ``compute_s_per_MB`` per MB read, one read after another,
  overlapping the fetching of later reads.
* Reads are cut into pieces of at least 64 MB (about 400 pieces at most) before
  the replay, so the result does not depend on how the small sample was read.
* Request rates: a request never takes less than ``in-flight / max_requests_per_s``.

A real read of ``n`` bytes stands for ``count_scale`` files of
``n x size_scale`` bytes: ``count_scale`` requests and
``n x size_scale x count_scale`` bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlkit.sim import Simulation

__all__ = ["Timing", "replay"]


@dataclass
class Timing:
    """Simulated times (s) and bytes of one job; ``timeline`` is a DataFrame (lane, start_s, end_s)."""

    time_to_first_batch_s: float
    total_time_s: float
    download_time_s: float
    compute_s: float
    bytes_read: float
    requests: float
    timeline: object


class _Cost:
    """Duration of one transfer for a lane kind, given how many are in flight."""

    def __init__(self, latency: float, stream: float, ceiling: float, max_rps: float):
        self.latency, self.stream, self.ceiling, self.max_rps = latency, stream, ceiling, max_rps

    def rate(self, in_flight: int) -> float:  # bytes/s
        return min(self.stream, self.ceiling / max(1, in_flight)) * 1e6

    def request_s(self, in_flight: int) -> float:
        return max(self.latency, max(1, in_flight) / self.max_rps)

    def __call__(self, nbytes: float, requests: float, in_flight: int) -> float:
        return requests * self.request_s(in_flight) + nbytes / self.rate(in_flight)


def _costs(channel, kind: str, instance, readers: int):
    p = channel.profile
    net = instance.network_MBps
    if kind == "download":
        return _Cost(p.first_byte_latency_s, instance.ranged_gets * p.stream_MBps,
                     min(p.aggregate_MBps, net, instance.volume_MBps),
                     p.max_requests_per_s), instance.download_concurrency
    if kind == "local":
        return _Cost(instance.volume_latency_s, instance.volume_MBps, instance.volume_MBps,
                     instance.volume_iops), readers
    if kind in ("fastfile", "mounted"):
        return _Cost(p.first_byte_latency_s, p.stream_MBps, min(p.aggregate_MBps, net), p.max_requests_per_s), readers
    if kind == "pipe":
        stream = min(instance.ranged_gets * p.stream_MBps, p.aggregate_MBps, net)
        return _Cost(p.first_byte_latency_s, stream, stream, p.max_requests_per_s), 1
    raise ValueError(f"kind must be download, local, fastfile, mounted or pipe; got {kind!r}")


class _Pool:
    def __init__(self, cost, k: int, items: list[int]):
        self.cost, self.k, self.items, self.head, self.busy = cost, k, items, 0, 0


def _merge(intervals, gap: float):
    out = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1] + gap:
            if end > out[-1][1]:
                out[-1][1] = end
        else:
            out.append([start, end])
    return out


def replay(channels, trace, downloads, listed, *, instance, size_scale: float, count_scale: int,
           compute_s_per_MB: float, readers: int, first_batch_MB: float) -> Timing:
    """Time a recorded job; see the module docstring for the model. Returns a :class:`Timing`."""
    import pandas as pd

    by_name = {ch.ChannelName: ch for ch in channels}
    per_byte = size_scale * count_scale
    sim = Simulation(seed=0)
    segments: list[tuple[str, float, float]] = []
    requests_total = 0.0
    bytes_total = 0.0

    # listing, then File mode's downloads, all before training starts
    t0 = 0.0
    for name, ch in by_name.items():
        if not ch.profile.is_file_system:
            pages = math.ceil(listed.get(name, 0) * count_scale / 1000)
            dt = pages * ch.profile.first_byte_latency_s
            if dt > 0:
                segments.append(("list", t0, t0 + dt))
                t0 += dt
                requests_total += pages
    download_end = t0
    for name, objects in downloads.items():
        cost, k = _costs(by_name[name], "download", instance, readers)
        # a real file that stands for count_scale files is cut into independent pieces,
        # enough to keep every download slot busy
        parts = min(count_scale, max(1, math.ceil(10 * k / max(1, len(objects)))))
        sizes = [size * per_byte / parts for _, size in objects for _ in range(parts)]
        files_each = count_scale / parts
        pool = _Pool(cost, k, list(range(len(sizes))))
        start_at = download_end

        def start(pool=pool, sizes=sizes, files_each=files_each):
            while pool.busy < pool.k and pool.head < len(sizes):
                i = pool.items[pool.head]
                pool.head += 1
                pool.busy += 1
                t = pool.cost(sizes[i], files_each, pool.busy)
                segments.append(("download", sim.now, sim.now + t))
                sim.schedule(t, done, pool, sizes, files_each)

        def done(pool, sizes, files_each):
            pool.busy -= 1
            start(pool, sizes, files_each)

        sim.schedule_at(max(start_at, sim.now), start)
        sim.run()
        download_end = max(download_end, sim.now)
        requests_total += len(objects) * count_scale
        bytes_total += sum(sizes)
    download_time = download_end

    # the training function's reads, replayed in its order, cut into pieces of at most
    # `piece` simulated bytes so the result does not depend on how the sample was read
    total_read = sum(r.nbytes for r in trace) * per_byte
    piece = max(64e6, total_read / 400)
    units = []  # (lane, stream, bytes, requests)
    for r in trace:
        b = r.nbytes * per_byte
        parts = max(1, math.ceil(b / piece))
        if count_scale > 1:  # the read stands for count_scale distinct files: independent pieces
            parts = min(parts, count_scale)
        for j in range(parts):
            if count_scale > 1:
                units.append((r.lane, (r.lane, r.key, len(units)), b / parts,
                              count_scale / parts if r.new_request else 0.0))
            else:  # pieces of one read of one file: one stream, one request
                units.append((r.lane, (r.lane, r.key), b / parts, 1.0 if (r.new_request and j == 0) else 0.0))
    n = len(units)
    nbytes = [u[2] for u in units]
    reqs = [u[3] for u in units]
    compute = [compute_s_per_MB * b / 1e6 for b in nbytes]
    lanes = sorted({u[0] for u in units})
    pools = {}
    for lane in lanes:
        name, kind = lane.rsplit(":", 1)
        cost, k = _costs(by_name[name], kind, instance, readers)
        pools[lane] = _Pool(cost, k, [i for i, u in enumerate(units) if u[0] == lane])
    previous = [None] * n  # the previous piece of the same stream
    last: dict = {}
    for i, u in enumerate(units):
        previous[i] = last.get(u[1])
        last[u[1]] = i
    fetched = [None] * n
    first = {"start": None, "in_flight": 1}
    state = {"pos": 0, "computing": False, "end": download_end}
    prefetch = {lane: max(2 * pool.k, 2) for lane, pool in pools.items()}

    def dispatch(lane):
        pool = pools[lane]
        while pool.busy < pool.k and pool.head < len(pool.items):
            i = pool.items[pool.head]
            if i >= state["pos"] + prefetch[lane]:
                break
            if previous[i] is not None and fetched[previous[i]] is None:
                break  # one stream per object: wait for the read before it
            pool.head += 1
            pool.busy += 1
            t = pool.cost(nbytes[i], reqs[i], pool.busy)
            if i == 0:
                first["start"], first["in_flight"], first["lane"] = sim.now, pool.busy, lane
            segments.append((f"read {lane.rsplit(':', 1)[0]}", sim.now, sim.now + t))
            sim.schedule(t, on_fetched, lane, i)

    def on_fetched(lane, i):
        fetched[i] = sim.now
        pools[lane].busy -= 1
        for other in pools:
            dispatch(other)
        consume()

    def consume():
        pos = state["pos"]
        if state["computing"] or pos >= n or fetched[pos] is None:
            return
        state["computing"] = True
        segments.append(("compute", sim.now, sim.now + compute[pos]))
        sim.schedule(compute[pos], on_consumed)

    def on_consumed():
        state["pos"] += 1
        state["computing"] = False
        state["end"] = sim.now
        for lane in pools:
            dispatch(lane)
        consume()

    if n:
        sim.schedule_at(max(download_end, sim.now), lambda: [dispatch(lane) for lane in pools])
        sim.run()
        cost = pools[first["lane"]].cost
        batch = min(first_batch_MB * 1e6, nbytes[0])
        ttfb = first["start"] + (cost.request_s(first["in_flight"]) if reqs[0] else 0.0) \
            + batch / cost.rate(first["in_flight"])
        ttfb = min(ttfb, fetched[0])
        total = state["end"]
    else:
        ttfb = total = download_end
    for lane, pool in pools.items():
        if not lane.endswith(":local"):  # local re-reads come from the volume, not the storage
            bytes_total += sum(nbytes[i] for i in pool.items)
            requests_total += sum(reqs[i] for i in pool.items)
    span = max(total, 1e-9)
    rows = []
    for lane in dict.fromkeys(s[0] for s in segments):
        for start, end in _merge([(s, e) for name, s, e in segments if name == lane], span / 400):
            rows.append({"lane": lane, "start_s": start, "end_s": end})
    timeline = pd.DataFrame(rows, columns=["lane", "start_s", "end_s"])
    return Timing(time_to_first_batch_s=float(ttfb), total_time_s=float(total),
                  download_time_s=float(download_time), compute_s=float(sum(compute)),
                  bytes_read=float(bytes_total), requests=float(requests_total), timeline=timeline)

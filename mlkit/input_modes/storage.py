"""Storage profiles: how fast each place a training job can read from answers.

A :class:`StorageProfile` holds the figures the timing model charges on the
simulated clock: first-byte latency, throughput of one stream, the store's
aggregate throughput for one job, and its request-rate limit. Figures come
from AWS documentation where published (the page is in ``sources``); the
rest are marked ``"illustrative"`` there and are round numbers of the right
size, not promises. :class:`TrainingInstance` holds the instance side: its
network bandwidth and its ML storage volume (EBS), which File mode fills.

    >>> get_profile("s3-express").first_byte_latency_s
    0.005
    >>> round(fsx_lustre(capacity_TiB=2.4, per_unit_MBps_per_TiB=250).aggregate_MBps)
    600
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.report import Report

__all__ = ["StorageProfile", "TrainingInstance", "STORAGE", "get_profile", "fsx_lustre"]

S3_PERF = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html"
S3_PATTERNS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance-design-patterns.html"
S3X_PERF = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-performance.html"
FSX_PERF = "https://docs.aws.amazon.com/fsx/latest/LustreGuide/performance.html"
FSX_THROUGHPUT = "https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemLustreConfiguration.html"
EFS_PERF = "https://docs.aws.amazon.com/efs/latest/ug/performance.html"
EBS_GP3 = "https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html"
EC2_NET = "https://aws.amazon.com/ec2/instance-types/m5/"
ILLUSTRATIVE = "illustrative"


@dataclass(frozen=True)
class StorageProfile(Report):
    """Performance of one storage choice, as the simulated clock charges it.

    ``first_byte_latency_s``: time to the first byte of a request;
    ``stream_MBps``: throughput of one connection/stream (MB = 10^6 bytes);
    ``aggregate_MBps``: the store's ceiling for one job (the instance's
    network is a second ceiling, in :class:`TrainingInstance`);
    ``max_requests_per_s``: request-rate limit (per prefix for S3 Standard);
    ``data_source``: ``"S3DataSource"`` or ``"FileSystemDataSource"`` (the
    ``DataSource`` member of a training channel); ``sources``: where each
    figure comes from (a URL, or ``"illustrative"``).
    """

    name: str
    title: str
    first_byte_latency_s: float
    stream_MBps: float
    aggregate_MBps: float
    max_requests_per_s: float
    data_source: str
    sources: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        check_float("first_byte_latency_s", self.first_byte_latency_s, low=0.0)
        for name in ("stream_MBps", "aggregate_MBps", "max_requests_per_s"):
            check_float(name, getattr(self, name), low=0.0, low_open=True)
        check_one_of("data_source", self.data_source, ("S3DataSource", "FileSystemDataSource"))

    @property
    def is_file_system(self) -> bool:
        """True for FSx for Lustre and EFS: mounted, not downloaded."""
        return self.data_source == "FileSystemDataSource"


def fsx_lustre(capacity_TiB: float = 2.4, per_unit_MBps_per_TiB: int = 250) -> StorageProfile:
    """An FSx for Lustre profile whose throughput scales with its size.

    FSx for Lustre's throughput is provisioned per TiB of storage
    (``PerUnitStorageThroughput``: 125, 250, 500 or 1000 MB/s/TiB for
    PERSISTENT_2 SSD; 200 for SCRATCH_2) and file systems come in 1.2 TiB,
    2.4 TiB and then 2.4 TiB steps.
    """
    capacity_TiB = check_float("capacity_TiB", capacity_TiB, low=1.2)
    check_one_of("per_unit_MBps_per_TiB", per_unit_MBps_per_TiB, (125, 200, 250, 500, 1000))
    aggregate = capacity_TiB * per_unit_MBps_per_TiB
    return StorageProfile(
        name="fsx-lustre", title=f"FSx for Lustre ({capacity_TiB:g} TiB x {per_unit_MBps_per_TiB} MB/s/TiB)",
        first_byte_latency_s=0.0005, stream_MBps=aggregate, aggregate_MBps=aggregate,
        max_requests_per_s=100_000.0, data_source="FileSystemDataSource",
        sources={"first_byte_latency_s": f"{FSX_PERF} (sub-millisecond latencies; 0.5 ms taken)",
                 "aggregate_MBps": f"{FSX_THROUGHPUT} (PerUnitStorageThroughput x storage capacity)",
                 "stream_MBps": ILLUSTRATIVE + " (a Lustre client stripes one file over all servers)",
                 "max_requests_per_s": ILLUSTRATIVE})


#: The four storage choices of the notes, by name.
STORAGE: dict[str, StorageProfile] = {
    "s3": StorageProfile(
        name="s3", title="S3 Standard (general purpose bucket)",
        first_byte_latency_s=0.1, stream_MBps=90.0, aggregate_MBps=100_000.0, max_requests_per_s=5500.0,
        data_source="S3DataSource",
        sources={"first_byte_latency_s": f"{S3_PATTERNS} (small requests see 100-200 ms; 100 ms taken)",
                 "max_requests_per_s": f"{S3_PERF} (5,500 GET/HEAD per second per partitioned prefix)",
                 "stream_MBps": ILLUSTRATIVE + " (one connection; S3 scales by parallel connections)",
                 "aggregate_MBps": ILLUSTRATIVE + " (S3 itself is not the ceiling; the instance network is)"}),
    "s3-express": StorageProfile(
        name="s3-express", title="S3 Express One Zone (directory bucket)",
        first_byte_latency_s=0.005, stream_MBps=90.0, aggregate_MBps=100_000.0, max_requests_per_s=200_000.0,
        data_source="S3DataSource",
        sources={"first_byte_latency_s": f"{S3X_PERF} (single-digit millisecond first-byte latency, up to "
                                         "10x faster than S3 Standard; 5 ms taken)",
                 "max_requests_per_s": f"{S3X_PERF} (200,000 reads per second per directory bucket by default)",
                 "stream_MBps": ILLUSTRATIVE, "aggregate_MBps": ILLUSTRATIVE}),
    "fsx-lustre": fsx_lustre(),
    "efs": StorageProfile(
        name="efs", title="Amazon EFS (Regional, Elastic throughput)",
        first_byte_latency_s=0.001, stream_MBps=300.0, aggregate_MBps=1500 * 1.048576,
        max_requests_per_s=250_000.0, data_source="FileSystemDataSource",
        sources={"first_byte_latency_s": f"{EFS_PERF} (reads as low as 250 us in the best case; 1 ms taken)",
                 "aggregate_MBps": f"{EFS_PERF} (1,500 MiB/s per client with Elastic throughput)",
                 "max_requests_per_s": f"{EFS_PERF} (250,000 read IOPS for frequently accessed data)",
                 "stream_MBps": ILLUSTRATIVE}),
}


def get_profile(storage) -> StorageProfile:
    """The profile named ``storage`` (a key of :data:`STORAGE`) or ``storage`` itself if a profile."""
    if isinstance(storage, StorageProfile):
        return storage
    return STORAGE[check_one_of("storage", storage, list(STORAGE))]


@dataclass(frozen=True)
class TrainingInstance(Report):
    """The training instance's side: network and ML storage volume.

    ``network_MBps``: the instance's network bandwidth (ml.m5.xlarge: up to
    10 Gbit/s = 1,250 MB/s); ``volume_MBps``, ``volume_iops``,
    ``volume_latency_s``: the ML storage volume File mode downloads to (gp3
    baseline: 125 MiB/s and 3,000 IOPS); ``download_concurrency``: parallel
    objects File mode downloads at once; ``ranged_gets``: parallel ranged
    GETs used for one large object (Pipe's prefetch, File's download; both
    illustrative).
    """

    instance_type: str = "ml.m5.xlarge"
    network_MBps: float = 1250.0
    volume_MBps: float = 125 * 1.048576
    volume_iops: float = 3000.0
    volume_latency_s: float = 0.001
    download_concurrency: int = 32
    ranged_gets: int = 16
    sources: dict = field(default_factory=lambda: {
        "network_MBps": f"{EC2_NET} (up to 10 Gbit/s)",
        "volume_MBps": f"{EBS_GP3} (gp3 baseline 125 MiB/s)",
        "volume_iops": f"{EBS_GP3} (gp3 baseline 3,000 IOPS)",
        "volume_latency_s": ILLUSTRATIVE, "download_concurrency": ILLUSTRATIVE,
        "ranged_gets": ILLUSTRATIVE}, compare=False)

    def __post_init__(self):
        for name in ("network_MBps", "volume_MBps", "volume_iops"):
            check_float(name, getattr(self, name), low=0.0, low_open=True)
        check_float("volume_latency_s", self.volume_latency_s, low=0.0)
        check_int("download_concurrency", self.download_concurrency, low=1)
        check_int("ranged_gets", self.ranged_gets, low=1)

    def replace(self, **changes) -> "TrainingInstance":
        """A copy with some figures changed (validated)."""
        return replace(self, **changes)

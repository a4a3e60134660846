"""An illustrative price table for the inference simulator.

**These are not current AWS prices.** They are round figures of the right
order of magnitude (on-demand, us-east-1-like) so that the simulator's cost
column shows the trade-offs between modes: an always-on instance costs the
same idle or busy, serverless pays per millisecond of compute and per GB of
data, provisioned concurrency pays to stay warm, batch and scale-to-zero
async pay only while instances run. Look up the current figures on
https://aws.amazon.com/sagemaker/pricing/ and pass your own :class:`Prices`.

>>> prices = Prices(instance_per_hour={"ml.m5.large": 0.10})
>>> prices.hourly("ml.m5.large")
0.1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from mlkit._checks import check_float

__all__ = ["Prices", "DEFAULT_PRICES", "ILLUSTRATIVE_INSTANCE_PER_HOUR"]

#: Illustrative USD per instance-hour (not current AWS prices).
ILLUSTRATIVE_INSTANCE_PER_HOUR: Mapping[str, float] = MappingProxyType({
    "ml.t2.medium": 0.056,
    "ml.m5.large": 0.115,
    "ml.m5.xlarge": 0.23,
    "ml.m5.2xlarge": 0.461,
    "ml.m5.4xlarge": 0.922,
    "ml.c5.large": 0.102,
    "ml.c5.xlarge": 0.204,
    "ml.c5.2xlarge": 0.408,
    "ml.c5.4xlarge": 0.816,
    "ml.r5.large": 0.151,
    "ml.r5.xlarge": 0.302,
    "ml.g4dn.xlarge": 0.736,
    "ml.g5.xlarge": 1.408,
    "ml.p3.2xlarge": 3.825,
})


@dataclass(frozen=True)
class Prices:
    """Prices the simulator multiplies usage by (USD; defaults illustrative, not current AWS prices).

    In: ``instance_per_hour`` (instance type -> USD per instance-hour) and the
    serverless rates per GB-second of memory and per GB of data processed.
    Out: :meth:`hourly` looks an instance type up (``KeyError`` naming the
    type and the known ones). Immutable.
    """

    instance_per_hour: Mapping[str, float] = field(default_factory=lambda: dict(ILLUSTRATIVE_INSTANCE_PER_HOUR))
    serverless_per_gb_second: float = 0.0000200
    serverless_provisioned_per_gb_second: float = 0.0000048
    serverless_provisioned_compute_per_gb_second: float = 0.0000140
    serverless_per_gb_data: float = 0.016

    def __post_init__(self):
        if not isinstance(self.instance_per_hour, Mapping):
            raise TypeError(f"instance_per_hour must be a dict of instance type -> USD per hour, got {type(self.instance_per_hour).__name__}")
        for name, price in self.instance_per_hour.items():
            check_float(f"instance_per_hour[{name!r}]", price, low=0.0)
        for name in ("serverless_per_gb_second", "serverless_provisioned_per_gb_second",
                     "serverless_provisioned_compute_per_gb_second", "serverless_per_gb_data"):
            check_float(name, getattr(self, name), low=0.0)

    def hourly(self, instance_type: str) -> float:
        """USD per hour of one ``instance_type`` instance."""
        try:
            return float(self.instance_per_hour[instance_type])
        except KeyError:
            known = ", ".join(sorted(self.instance_per_hour))
            raise KeyError(
                f"no price for instance type {instance_type!r}; known: {known}. "
                f"Pass prices=Prices(instance_per_hour={{{instance_type!r}: ...}})"
            ) from None


#: The default, illustrative price table.
DEFAULT_PRICES = Prices()

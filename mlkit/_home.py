"""Where the kit keeps the learner's state: one folder, one rule.

``MLKIT_HOME`` (an environment variable) wins; otherwise the user's data
directory (``platformdirs.user_data_dir("mlkit")``, e.g.
``~/.local/share/mlkit`` on Linux). The progress file, the local bucket and
other per-learner state live below it. Tests point ``MLKIT_HOME`` at a
temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_home"]


def data_home() -> Path:
    """The kit's data folder (not created here)."""
    env = os.environ.get("MLKIT_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mlkit", appauthor=False))

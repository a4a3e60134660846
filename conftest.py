"""Test-wide setup: the learner's state goes to a throwaway folder.

``MLKIT_HOME`` is set before any test runs, so neither the unit tests nor the
notebooks that nbmake executes (their kernels inherit this environment) touch
the real user's progress file or local bucket.
"""

import os
import tempfile

_home = tempfile.mkdtemp(prefix="mlkit-test-home-")
os.environ["MLKIT_HOME"] = _home

"""The claims ledger: every measurable claim of the study notes, measured by the kit.

Claims are package data (``data/<topic>.yaml``); each names a function in
:mod:`mlkit.claims.measures` that measures it with the topic's engine and
returns a :class:`Measurement` (a verdict and the figures behind it).
``mlkit claims check`` (or :func:`check`) measures, :func:`record` keeps the
results as package data, :func:`render_markdown` writes ``docs/claims.md``.
See :mod:`mlkit.claims.ledger` for the schema and contracts.

    >>> from mlkit import claims
    >>> len(claims.load_claims()) >= 25
    True
"""

from mlkit._lazy import lazy_exports

_WHERE = {name: "ledger" for name in (
    "VERDICTS", "STATUSES", "Claim", "ClaimsError", "Measurement", "ClaimResult", "Ledger",
    "load_claims", "get_claim", "check", "measure_one", "show", "record", "recorded", "compare",
    "render_markdown", "format_figures", "RESULTS_PATH",
)}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)

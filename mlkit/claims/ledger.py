"""Claims of the study notes as data, measured by the topic engines, recorded as a ledger.

A **claim** is one measurable sentence of the notes, in our words, with where
it comes from, the topic and notebook that teach it, the function that
measures it and what would confirm or refute it. Claims are YAML package data
(``mlkit/claims/data/<topic>.yaml``), validated on load::

    - id: variants-weights-two-to-one        # unique, [a-z0-9-]+
      topic: variants                        # a topic id of mlkit.topics
      claim: ...                             # the claim, in our words
      notes_section: ...                     # where in the notes it comes from
      measure: mlkit.claims.measures.variants:weights_two_to_one
      confirms: ...                          # what measurement would confirm it
      refutes: ...                           # what measurement would refute it
      quick: true                            # optional: measures in < 3 s (topic notebooks re-run it)

A **measure** is a function ``measure(seed: int) -> Measurement`` living in
the kit (``module:function``). It reuses the topic engine, decides the
verdict from what it measured and returns the figures it measured:
``holds``, ``holds with conditions`` (``condition`` says which) or
``refuted`` (``corrected`` says what is true instead). Figures are numbers
or short strings; a figure that is a wall-clock time is listed in
``volatile`` so that a re-measurement is compared on everything else.

:func:`check` runs measures and returns a :class:`Ledger`; a measure that
raises is an ``error`` row with its message, never a dropped row.
:func:`record` writes a ledger as the package's recorded results
(``mlkit/claims/data/results.json``), :func:`recorded` reads them back, and
:func:`render_markdown` turns them into ``docs/claims.md``.

    >>> from mlkit import claims
    >>> ledger = claims.check("variants-weights-two-to-one", progress=False)
    >>> ledger.results[0].verdict
    'holds'
"""

from __future__ import annotations

import functools
import importlib
import json
import math
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from mlkit._checks import check_int
from mlkit.report import Report, to_jsonable

__all__ = [
    "VERDICTS",
    "Claim",
    "ClaimsError",
    "Measurement",
    "ClaimResult",
    "Ledger",
    "load_claims",
    "get_claim",
    "check",
    "show",
    "record",
    "recorded",
    "compare",
    "render_markdown",
    "RESULTS_PATH",
]

#: What a measurement can conclude about a claim.
VERDICTS = ("holds", "holds with conditions", "refuted")
#: A ledger row's status: a verdict, ``error`` (the measure raised) or ``not measured``.
STATUSES = VERDICTS + ("error", "not measured")
DATA_DIR = Path(__file__).with_name("data")
RESULTS_PATH = DATA_DIR / "results.json"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MEASURE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")
_FIELDS = ("id", "topic", "claim", "notes_section", "measure", "confirms", "refutes")
_OPTIONAL = ("quick",)
_SIGNIFICANT = 6  # figures are kept to 6 significant digits, so a record is stable text


class ClaimsError(ValueError):
    """A malformed claims file or an unknown claim: the message names the file, claim and field."""


@dataclass(frozen=True)
class Claim:
    """One claim of the notes: what it says, where it comes from and how it is measured."""

    id: str
    topic: str
    claim: str
    notes_section: str
    measure: str
    confirms: str
    refutes: str
    quick: bool = False

    @property
    def notebook(self) -> str:
        """The topic's notebook, where the claim is taught and re-measured."""
        from mlkit import topics

        return topics.get_topic(self.topic).notebook

    def measure_function(self) -> Callable[[int], "Measurement"]:
        """The measuring function, imported on first use."""
        module, _, name = self.measure.partition(":")
        try:
            fn = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise ClaimsError(f"claim {self.id!r}: measure {self.measure!r} cannot be imported: {exc}") from exc
        if not callable(fn):
            raise ClaimsError(f"claim {self.id!r}: measure {self.measure!r} is not callable")
        return fn


def _round(value):
    if type(value).__module__.startswith("numpy") and hasattr(value, "item"):
        value = value.item()  # numpy scalars become plain Python numbers (np.float64 is a float subclass)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value == 0.0:
            return float(value)
        return float(f"{value:.{_SIGNIFICANT}g}")
    raise TypeError(f"a figure must be a number or a short string, got {type(value).__name__}: {value!r}")


@dataclass
class Measurement(Report):
    """What a measure found: the verdict it reached and the figures it reached it from.

    ``verdict`` is one of :data:`VERDICTS`. ``holds with conditions`` needs
    ``condition`` (the conditions, stated); ``refuted`` needs ``corrected``
    (the statement that does hold). ``figures`` maps a name to a number or a
    short string; floats are kept to 6 significant digits. ``volatile``
    names the figures that are wall-clock measurements: a re-measurement is
    compared on every other figure.

        >>> Measurement("holds", {"share_a": 0.667}).verdict
        'holds'
        >>> Measurement("refuted", {"x": 1})
        Traceback (most recent call last):
        ...
        ValueError: corrected must state what holds instead when verdict is 'refuted', got None
    """

    verdict: str
    figures: dict[str, Any] = field(default_factory=dict)
    condition: str | None = None
    corrected: str | None = None
    volatile: tuple[str, ...] = ()

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {self.verdict!r}")
        if self.verdict == "holds with conditions" and not self.condition:
            raise ValueError(f"condition must state the conditions when verdict is 'holds with conditions', got {self.condition!r}")
        if self.verdict == "refuted" and not self.corrected:
            raise ValueError(f"corrected must state what holds instead when verdict is 'refuted', got {self.corrected!r}")
        if not isinstance(self.figures, Mapping) or not self.figures:
            raise ValueError(f"figures must be a non-empty mapping of what was measured, got {self.figures!r}")
        self.figures = {str(k): _round(v) for k, v in self.figures.items()}
        self.volatile = tuple(self.volatile)
        unknown = [k for k in self.volatile if k not in self.figures]
        if unknown:
            raise ValueError(f"volatile must name figures of this measurement ({', '.join(self.figures)}), got {unknown}")


@dataclass
class ClaimResult(Report):
    """One row of a ledger: the claim, its status and what was measured (or the error)."""

    claim: Claim
    status: str
    figures: dict[str, Any] = field(default_factory=dict)
    condition: str | None = None
    corrected: str | None = None
    volatile: tuple[str, ...] = ()
    error: str | None = None
    seconds: float | None = None
    seed: int | None = None
    source: str = "measured"  # measured now | recorded

    @property
    def id(self) -> str:
        return self.claim.id

    @classmethod
    def from_dict(cls, claim: Claim, row: Mapping[str, Any], *, source: str = "recorded") -> "ClaimResult":
        """The row :meth:`to_dict` wrote (recorded results, ``mlkit claims check --json``), for ``claim``."""
        return cls(claim, row["status"], row.get("figures") or {}, row.get("condition"), row.get("corrected"),
                   tuple(row.get("volatile") or ()), row.get("error"), row.get("seconds"), row.get("seed"),
                   source=source)

    @property
    def verdict(self) -> str:
        """The status (a verdict, ``error`` or ``not measured``)."""
        return self.status

    def to_dict(self) -> dict:
        return {
            "id": self.claim.id,
            "status": self.status,
            "figures": to_jsonable(self.figures),
            "condition": self.condition,
            "corrected": self.corrected,
            "volatile": list(self.volatile),
            "error": self.error,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
            "seed": self.seed,
        }


@dataclass
class Ledger(Report):
    """Results of measuring claims: one :class:`ClaimResult` per claim, in the order asked.

    ``interrupted`` is True when the run was stopped (Ctrl-C) before every
    claim was measured; the rows measured so far are kept.
    """

    results: list[ClaimResult]
    seed: int | None = None
    interrupted: bool = False

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    def get(self, claim_id: str) -> ClaimResult:
        for r in self.results:
            if r.claim.id == claim_id:
                return r
        raise KeyError(f"claim {claim_id!r} is not in this ledger")

    def filter(self, *, topic: str | None = None, status: str | None = None) -> "Ledger":
        """The rows of one topic and/or one status (None: any), as a new ledger."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)} or None, got {status!r}")
        if topic is not None:
            from mlkit import topics

            topics.get_topic(topic)
        rows = [r for r in self.results if (topic is None or r.claim.topic == topic)
                and (status is None or r.status == status)]
        return Ledger(rows, seed=self.seed, interrupted=self.interrupted)

    def counts(self) -> dict[str, int]:
        """How many rows have each status (every status listed, zeros included)."""
        out = {s: 0 for s in STATUSES}
        for r in self.results:
            out[r.status] += 1
        return out

    def to_frame(self):
        """A pandas DataFrame: id, topic, claim, status, figures, condition, corrected, error, seconds, source."""
        import pandas as pd

        rows = [
            {
                "id": r.claim.id,
                "topic": r.claim.topic,
                "claim": r.claim.claim,
                "status": r.status,
                "figures": format_figures(r.figures),
                "condition": r.condition,
                "corrected": r.corrected,
                "error": r.error,
                "seconds": r.seconds,
                "source": r.source,
            }
            for r in self.results
        ]
        return pd.DataFrame(rows, columns=["id", "topic", "claim", "status", "figures", "condition",
                                           "corrected", "error", "seconds", "source"])

    def to_dict(self) -> dict:
        return {"seed": self.seed, "interrupted": self.interrupted,
                "results": [r.to_dict() for r in self.results]}

    def _repr_html_(self) -> str:
        import html

        colour = {"holds": "#1a7f37", "holds with conditions": "#9a6700", "refuted": "#cf222e",
                  "error": "#cf222e", "not measured": "#57606a"}
        rows = []
        for r in self.results:
            note = r.condition or r.corrected or r.error or ""
            rows.append(
                "<tr>"
                f"<td style='text-align:left'><code>{html.escape(r.claim.id)}</code></td>"
                f"<td style='text-align:left'>{html.escape(r.claim.claim)}</td>"
                f"<td style='text-align:left;color:{colour[r.status]}'><b>{html.escape(r.status)}</b>"
                f"{'' if r.source == 'measured' else ' <i>(recorded)</i>'}</td>"
                f"<td style='text-align:left'>{html.escape(format_figures(r.figures))}</td>"
                f"<td style='text-align:left'>{html.escape(note)}</td></tr>"
            )
        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("claim", "in our words", "verdict", "measured", "condition / correction / error"))
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items() if n)
        return f"<table><caption style='text-align:left'><b>Claims ledger</b>: {counts}</caption><tr>{head}</tr>{''.join(rows)}</table>"


def format_figures(figures: Mapping[str, Any]) -> str:
    """``name = value`` pairs, numbers shown with up to 4 significant digits."""
    parts = []
    for k, v in figures.items():
        if isinstance(v, float):
            shown = f"{v:.4g}"
        elif isinstance(v, int) and not isinstance(v, bool):
            shown = f"{v:,}"
        else:
            shown = str(v)
        parts.append(f"{k} = {shown}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- loading
def _parse(raw: Any, where: str, topic_ids: set[str]) -> Claim:
    if not isinstance(raw, Mapping):
        raise ClaimsError(f"{where}: each claim must be a mapping, got {type(raw).__name__}")
    cid = raw.get("id", "?")
    here = f"{where}, claim {cid!r}"
    missing = [f for f in _FIELDS if not raw.get(f)]
    if missing:
        raise ClaimsError(f"{here}: field {missing[0]!r} is required and must be non-empty")
    unknown = sorted(set(raw) - set(_FIELDS) - set(_OPTIONAL))
    if unknown:
        raise ClaimsError(f"{here}: field {unknown[0]!r} is not allowed; allowed: {', '.join(_FIELDS + _OPTIONAL)}")
    for f in _FIELDS:
        if not isinstance(raw[f], str):
            raise ClaimsError(f"{here}: field {f!r} must be a string, got {type(raw[f]).__name__}")
    if not _ID_RE.match(raw["id"]):
        raise ClaimsError(f"{where}: field 'id' must match [a-z0-9][a-z0-9-]*, got {raw['id']!r}")
    if raw["topic"] not in topic_ids:
        raise ClaimsError(f"{here}: field 'topic' must be one of {', '.join(sorted(topic_ids))}, got {raw['topic']!r}")
    if not _MEASURE_RE.match(raw["measure"]):
        raise ClaimsError(f"{here}: field 'measure' must look like 'package.module:function', got {raw['measure']!r}")
    quick = raw.get("quick", False)
    if not isinstance(quick, bool):
        raise ClaimsError(f"{here}: field 'quick' must be true or false, got {quick!r}")
    return Claim(**{f: raw[f].strip() for f in _FIELDS}, quick=quick)


def load_claims(directory: str | Path | None = None) -> list[Claim]:
    """Every claim of the package (or of ``directory``), validated, in study order of topics.

    Raises :class:`ClaimsError` naming the file, claim and field of the
    first malformed entry, or a duplicate id.
    """
    if directory is None:
        return list(_load_package())
    return _load(Path(directory))


@functools.lru_cache(maxsize=1)
def _load_package() -> tuple[Claim, ...]:
    return tuple(_load(DATA_DIR))


def _load(directory: Path) -> list[Claim]:
    import yaml

    from mlkit import topics

    topic_ids = set(topics.topic_ids())
    claims: list[Claim] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise ClaimsError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(data, list):
            raise ClaimsError(f"{path.name}: must be a list of claims, got {type(data).__name__}")
        for i, raw in enumerate(data):
            claim = _parse(raw, f"{path.name} entry {i + 1}", topic_ids)
            if claim.id in seen:
                raise ClaimsError(f"{path.name}: claim id {claim.id!r} is already used in {seen[claim.id]}")
            seen[claim.id] = path.name
            claims.append(claim)
    order = {t: i for i, t in enumerate(topics.topic_ids())}
    claims.sort(key=lambda c: order[c.topic])  # stable: file order within a topic
    return claims


def get_claim(claim_id: str, claims: Iterable[Claim] | None = None) -> Claim:
    """The claim with this id; :class:`ClaimsError` listing close ids otherwise."""
    claims = list(claims) if claims is not None else load_claims()
    for c in claims:
        if c.id == claim_id:
            return c
    import difflib

    close = difflib.get_close_matches(claim_id, [c.id for c in claims], n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; {len(claims)} claims exist (mlkit claims list)"
    raise ClaimsError(f"claim must be the id of a known claim, got {claim_id!r}{hint}")


def _select(ids, topic, claims: list[Claim]) -> list[Claim]:
    if isinstance(ids, str):
        ids = [ids]
    if ids is not None and topic is not None:
        raise ValueError("give ids or topic, not both")
    if topic is not None:
        from mlkit import topics

        topics.get_topic(topic)  # unknown topic: the topics module's error
        return [c for c in claims if c.topic == topic]
    if ids is None:
        return list(claims)
    return [get_claim(i, claims) for i in ids]


# --------------------------------------------------------------------------- measuring
def measure_one(claim: Claim, seed: int = 0) -> ClaimResult:
    """Run one claim's measure; an exception becomes an ``error`` row with its message."""
    start = time.perf_counter()
    try:
        fn = claim.measure_function()
        m = fn(seed)
        if not isinstance(m, Measurement):
            raise TypeError(f"measure {claim.measure} returned {type(m).__name__}, not a Measurement")
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure is reported in the ledger
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return ClaimResult(claim, "error", error=f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})",
                           seconds=time.perf_counter() - start, seed=seed)
    return ClaimResult(claim, m.verdict, dict(m.figures), m.condition, m.corrected, m.volatile,
                       seconds=time.perf_counter() - start, seed=seed)


def check(ids: str | Iterable[str] | None = None, *, topic: str | None = None, seed: int = 0,
          progress: bool = True, claims: Iterable[Claim] | None = None) -> Ledger:
    """Measure claims now and return the :class:`Ledger`.

    ``ids``: one id or several (default: every claim); or ``topic``: that
    topic's claims. ``seed`` fixes every measurement (same seed, same
    verdicts and figures). A measure that raises is an ``error`` row. Ctrl-C
    stops after the claim being measured and returns the rows so far with
    ``interrupted=True``.
    """
    seed = check_int("seed", seed, low=0)  # a ledger is reproducible: None is not allowed
    chosen = _select(ids, topic, list(claims) if claims is not None else load_claims())
    results: list[ClaimResult] = []
    bar = None
    if progress and len(chosen) > 1:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(chosen), desc="claims", unit="claim")
    try:
        for claim in chosen:
            if bar is not None:
                bar.set_postfix_str(claim.id)
            results.append(measure_one(claim, seed))
            if bar is not None:
                bar.update(1)
    except KeyboardInterrupt:
        return Ledger(results, seed=seed, interrupted=True)
    finally:
        if bar is not None:
            bar.close()
    return Ledger(results, seed=seed)


def show(topic: str, *, seed: int = 0, results_path: str | Path | None = None) -> Ledger:
    """A topic's claims: the quick ones measured now, the others from the recorded results.

    This is what a topic notebook's claim cell shows (``%claims TOPIC``).
    """
    chosen = _select(None, topic, load_claims())
    quick = [c.id for c in chosen if c.quick]
    now = check(quick, seed=seed, progress=False) if quick else Ledger([], seed=seed)
    past = recorded(results_path)
    rows = []
    for c in chosen:
        rows.append(now.get(c.id) if c.quick else past.get(c.id))
    return Ledger(rows, seed=seed)


# --------------------------------------------------------------------------- recording
def record(ledger: Ledger, path: str | Path | None = None, *, merge: bool = True,
           claims: Iterable[Claim] | None = None) -> Path:
    """Write ``ledger`` as recorded results (JSON); returns the path.

    With ``merge`` (default) rows of claims not in ``ledger`` are kept from
    the existing file, so measuring one claim updates only its row. Rows of
    claims that no longer exist (in ``claims``, default the package's) are
    dropped. Refuses an interrupted ledger.
    """
    if ledger.interrupted:
        raise ValueError("ledger was interrupted before every claim was measured; record a complete run")
    path = Path(path) if path is not None else RESULTS_PATH
    rows: dict[str, dict] = {}
    if merge and path.exists():
        for row in json.loads(path.read_text(encoding="utf-8")).get("results", []):
            rows[row["id"]] = row
    for r in ledger.results:
        if r.source != "measured":
            continue
        rows[r.claim.id] = r.to_dict()
    known = list(dict.fromkeys([c.id for c in (claims if claims is not None else load_claims())]
                               + [r.claim.id for r in ledger.results]))
    data = {"seed": ledger.seed, "results": [rows[i] for i in known if i in rows]}
    path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return path


def recorded(path: str | Path | None = None, *, claims: Iterable[Claim] | None = None) -> Ledger:
    """The recorded results as a :class:`Ledger` of every claim (``not measured`` when missing).

    ``claims``: the claims to show (default: the package's).
    """
    path = Path(path) if path is not None else RESULTS_PATH
    rows = {}
    seed = None
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        seed = data.get("seed")
        rows = {row["id"]: row for row in data.get("results", [])}
    out = []
    for c in (list(claims) if claims is not None else load_claims()):
        row = rows.get(c.id)
        if row is None:
            out.append(ClaimResult(c, "not measured", source="recorded"))
            continue
        out.append(ClaimResult.from_dict(c, row))
    return Ledger(out, seed=seed)


def compare(past: ClaimResult, now: ClaimResult, *, rel_tol: float = 1e-4) -> list[str]:
    """How ``now`` differs from ``past`` (status, conditions, non-volatile figures); empty when equal."""
    diffs = []
    if past.status != now.status:
        diffs.append(f"status: recorded {past.status!r}, measured {now.status!r}")
    for name in ("condition", "corrected"):
        if getattr(past, name) != getattr(now, name):
            diffs.append(f"{name}: recorded {getattr(past, name)!r}, measured {getattr(now, name)!r}")
    volatile = set(past.volatile) | set(now.volatile)
    if set(past.figures) != set(now.figures):
        diffs.append(f"figures: recorded {sorted(past.figures)}, measured {sorted(now.figures)}")
    for k in past.figures:
        if k in volatile or k not in now.figures:
            continue
        a, b = past.figures[k], now.figures[k]
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            if not math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12):
                diffs.append(f"figure {k}: recorded {a}, measured {b}")
        elif a != b:
            diffs.append(f"figure {k}: recorded {a!r}, measured {b!r}")
    return diffs


# --------------------------------------------------------------------------- the ledger page
def render_markdown(ledger: Ledger | None = None) -> str:
    """``docs/claims.md``: every claim with its verdict, figures and notebook, by topic."""
    from mlkit import topics

    ledger = ledger if ledger is not None else recorded()
    counts = ledger.counts()
    lines = [
        "# The claims ledger",
        "",
        "Every measurable claim of the study notes, measured by the kit's engines with seed "
        f"{ledger.seed}. Generated by `mlkit claims ledger --output docs/claims.md` from the recorded "
        "results (`mlkit claims check --record` measures them again); a test fails when this page "
        "or the recorded results are out of date.",
        "",
        "**" + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + "**",
        "",
    ]
    by_topic: dict[str, list[ClaimResult]] = {}
    for r in ledger.results:
        by_topic.setdefault(r.claim.topic, []).append(r)
    for t in topics.TOPICS:
        rows = by_topic.get(t.id)
        if not rows:
            continue
        lines += [f"## {t.number:02d} {t.title}", "",
                  f"Notebook: [`{t.notebook}`](../notebooks/{t.notebook})", "",
                  "| claim | verdict | measured | condition, correction or error |", "|---|---|---|---|"]
        for r in rows:
            note = r.condition or r.corrected or r.error or ""
            cell = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines.append(f"| **{r.claim.id}**: {cell(r.claim.claim)} | {r.status} | {cell(format_figures(r.figures))} | {cell(note)} |")
        lines.append("")
    return "\n".join(lines)

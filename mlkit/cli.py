"""The ``mlkit`` command.

::

    mlkit lab [--dir DIR] [--port N] [--no-browser] [-- JUPYTER ARGS]
    mlkit topics [--json] [--exam]
    mlkit exam [--questions N] [--minutes M] [--seed S]
    mlkit quiz [TOPIC] [--shuffle] [--seed N]
    mlkit claims list [--topic T]
    mlkit claims check [ID ...] [--topic T] [--seed N] [--record] [--json]
    mlkit claims ledger [--output docs/claims.md]
    mlkit serve MODEL [--name NAME] [--host 127.0.0.1] [--port 8080] ...

``mlkit lab`` copies the course notebooks that are missing into
``DIR/notebooks`` (never overwriting a learner's file) and starts JupyterLab
on ``notebooks/00_start_here.ipynb``, bound to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

__all__ = ["main", "build_parser", "lab_command"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlkit",
        description="mlkit: SageMaker AI, hands-on and offline.",
    )
    from mlkit import __version__

    parser.add_argument("--version", action="version", version=f"mlkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lab = sub.add_parser("lab", help="start JupyterLab on the start notebook")
    lab.add_argument("--dir", default=".", help="the learner's folder (default: the current one); "
                     "notebooks go to DIR/notebooks")
    lab.add_argument("--port", type=int, default=None, help="port for JupyterLab (default: its own)")
    lab.add_argument("--ip", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER,
                     help="further arguments for jupyter lab, after --")

    topics = sub.add_parser("topics", help="list the topics, their notebooks and your progress")
    topics.add_argument("--json", action="store_true", help="print JSON instead of a table")
    topics.add_argument("--exam", action="store_true",
                        help="the exam guide's task statements and what in the course covers each")

    quiz = sub.add_parser("quiz", help="take a topic's quiz in the terminal")
    quiz.add_argument("topic", nargs="?", default=None, help="a topic id (default: every topic)")
    quiz.add_argument("--shuffle", action="store_true", help="shuffle the questions")
    quiz.add_argument("--seed", type=int, default=None, help="seed for --shuffle")

    exam = sub.add_parser("exam", help="a timed practice exam across every topic, graded at the end")
    exam.add_argument("--questions", type=int, default=65, help="how many questions (default 65, as the exam)")
    exam.add_argument("--minutes", type=float, default=None, help="time limit (default two minutes a question)")
    exam.add_argument("--seed", type=int, default=None, help="same seed, same questions")

    claims = sub.add_parser("claims", help="the claims of the study notes, measured: list, check, ledger")
    csub = claims.add_subparsers(dest="claims_command", metavar="ACTION")
    clist = csub.add_parser("list", help="list the claims (id, topic, quick, the claim)")
    clist.add_argument("--topic", default=None, help="only this topic's claims")
    ccheck = csub.add_parser("check", help="measure claims now and show each verdict")
    ccheck.add_argument("ids", nargs="*", metavar="ID", help="claim ids (default: every claim)")
    ccheck.add_argument("--topic", default=None, help="measure this topic's claims")
    ccheck.add_argument("--seed", type=int, default=0, help="seed of every measurement (default 0)")
    ccheck.add_argument("--record", action="store_true",
                        help="write the results as the recorded results (the ledger's source)")
    ccheck.add_argument("--results", default=None, help="recorded results file (default: the package's)")
    ccheck.add_argument("--json", action="store_true", help="print JSON instead of a table")
    cledger = csub.add_parser("ledger", help="the ledger page (markdown) from the recorded results")
    cledger.add_argument("--output", default=None, help="write to this file instead of printing")
    cledger.add_argument("--results", default=None, help="recorded results file (default: the package's)")

    # `mlkit serve ...` is handed to mlkit.inference.server.serve_main whole (see main); listed for --help.
    sub.add_parser("serve", help="serve a model on a local SageMaker-style endpoint (mlkit serve --help)")
    return parser


def lab_command(directory, *, port=None, ip="127.0.0.1", no_browser=False, extra=()) -> tuple[list[str], Path]:
    """The JupyterLab command line and working folder for ``mlkit lab`` (copies notebooks)."""
    from mlkit.course import START_NOTEBOOK, install_notebooks

    root = Path(directory).expanduser().resolve()
    copied = install_notebooks(root / "notebooks")
    if copied:
        print(f"mlkit: copied {len(copied)} course notebook(s) into {root / 'notebooks'}")
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", f"--ServerApp.ip={ip}"]
    if port is not None:
        cmd.append(f"--ServerApp.port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers often run as root; JupyterLab refuses otherwise
    extra = [a for a in extra if a != "--"]
    cmd += extra
    cmd.append(f"notebooks/{START_NOTEBOOK}")
    return cmd, root


def _run_lab(args) -> int:
    cmd, root = lab_command(args.dir, port=args.port, ip=args.ip, no_browser=args.no_browser,
                            extra=args.jupyter_args)
    proc = subprocess.Popen(cmd, cwd=root)

    def _forward_term(signum, frame):  # `kill mlkit` must not orphan JupyterLab
        proc.terminate()

    previous = signal.signal(signal.SIGTERM, _forward_term)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached JupyterLab too; make sure it ends, then end ourselves.
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                proc.send_signal(sig)
                return proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue
        proc.kill()
        return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_exam(args) -> int:
    import textwrap

    from mlkit.quiz.guide import coverage, load_exam_guide

    guide = load_exam_guide()
    table = coverage()
    if args.json:
        print(json.dumps(table.to_dict(orient="records"), indent=2))
        return 0
    print(f"{guide.exam}: {guide.title}. Task statements and what covers them "
          "(notebooks in the course now; quiz items in the bank).")
    for d in guide.domains:
        print(f"\nDomain {d.id} ({d.weight} %): {d.title}")
        for row in table[table["domain"] == d.id].itertuples():
            mark = "" if row.covered else "  ** not covered yet **"
            print(textwrap.fill(f"{row.task}  {row.title}{mark}", width=100, subsequent_indent="     "))
            print(f"     topics: {row.topics}")
            print(f"     notebooks: {row.notebooks or '(coming)'}; widgets: {row.widgets or '-'}; "
                  f"quiz items: {row.quiz_items}")
    return 0


def _run_topics(args) -> int:
    from mlkit.topics import study_map

    if args.exam:
        return _run_exam(args)
    table = study_map()
    if args.json:
        print(json.dumps(table.to_dict(orient="records"), indent=2))
        return 0
    print(f"{'#':>2}  {'topic':<17} {'notebook':<36} {'state':<12} {'quiz':<6} title")
    for row in table.itertuples():
        notebook = row.notebook if row.available else "(coming)"
        print(f"{row.number:>2}  {row.topic:<17} {notebook:<36} {row.state:<12} "
              f"{row.quiz_best or '-':<6} {row.title}")
    return 0


def _run_exam_cmd(args) -> int:
    from mlkit.quiz import terminal

    terminal.run_exam(args.questions, seed=args.seed, minutes=args.minutes)
    return 0


def _run_claims(args) -> int:
    import textwrap

    from mlkit import claims

    if args.claims_command is None:
        print("usage: mlkit claims {list,check,ledger} ... (mlkit claims --help)", file=sys.stderr)
        return 2
    if args.claims_command == "list":
        chosen = [c for c in claims.load_claims() if args.topic is None or c.topic == args.topic]
        if args.topic is not None:
            from mlkit.topics import get_topic

            get_topic(args.topic)
        for c in chosen:
            print(f"{c.id:<44} {c.topic:<17} {'quick' if c.quick else '':<5} "
                  + textwrap.shorten(c.claim, width=90))
        print(f"{len(chosen)} claims")
        return 0
    if args.claims_command == "ledger":
        text = claims.render_markdown(claims.recorded(args.results))
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
            print(f"wrote {args.output}")
        else:
            print(text)
        return 0
    ledger = claims.check(args.ids or None, topic=args.topic, seed=args.seed, progress=not args.json)
    past = claims.recorded(args.results)
    if args.json:
        print(json.dumps(ledger.to_dict(), indent=2))
    else:
        for r in ledger:
            print(f"{r.claim.id:<44} {r.status:<22} {r.seconds:6.1f} s  {claims.format_figures(r.figures)}")
            for note in (r.condition, r.corrected, r.error):
                if note:
                    print(textwrap.fill(note, width=100, initial_indent="    ", subsequent_indent="    "))
            before = past.get(r.claim.id)
            if before.status != "not measured":
                diffs = claims.compare(before, r)
                if diffs:
                    print("    differs from the recorded result: " + "; ".join(diffs))
        counts = ", ".join(f"{n} {s}" for s, n in ledger.counts().items() if n)
        total = sum(r.seconds or 0 for r in ledger)
        print(f"{len(ledger)} claims measured in {total:.0f} s with seed {ledger.seed}: {counts}"
              + (" (interrupted)" if ledger.interrupted else ""))
    if args.record:
        if ledger.interrupted:
            print("not recorded: the run was interrupted", file=sys.stderr)
            return 1
        path = claims.record(ledger, args.results)
        print(f"recorded in {path}", file=sys.stderr if args.json else sys.stdout)
    return 1 if ledger.counts()["error"] or ledger.interrupted else 0


def _run_quiz(args) -> int:
    from mlkit.progress import Progress
    from mlkit.quiz import terminal
    from mlkit.topics import get_topic

    if args.topic is not None:
        get_topic(args.topic)
    terminal.run(args.topic, shuffle=args.shuffle, seed=args.seed, progress=Progress())
    return 0


def main(argv=None) -> int:
    """Run the ``mlkit`` command; returns the exit code (2 for bad input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:  # the endpoint has its own options (and --help): hand them over whole
        command = "serve"
        from mlkit.inference.server import serve_main

        def run():
            return serve_main(argv[1:])
    else:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        command = args.command
        handlers = {"lab": _run_lab, "topics": _run_topics, "quiz": _run_quiz, "exam": _run_exam_cmd,
                    "claims": _run_claims}

        def run():
            return handlers[command](args)
    try:
        return run()
    except (ValueError, TypeError, FileNotFoundError, NotADirectoryError) as exc:
        print(f"mlkit {command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

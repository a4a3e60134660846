"""``mlkit claims list|check|ledger``: the ledger from the terminal (``%claims`` is tested with the other magics)."""

import json
import subprocess
import sys
from pathlib import Path


from mlkit import claims

MLKIT = str(Path(sys.executable).with_name("mlkit"))
CLAIM = "variants-weights-two-to-one"  # quick (about 1 s): 6,000 requests through a live endpoint


def run(*args):
    return subprocess.run([MLKIT, "claims", *args], capture_output=True, text=True, timeout=180)


def test_list_shows_every_claim_with_its_topic():
    out = run("list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1] == f"{len(claims.load_claims())} claims"
    assert any(line.startswith(CLAIM) and " variants " in line for line in lines)


def test_check_measures_a_claim_records_it_and_the_ledger_page_shows_it(tmp_path):
    results = tmp_path / "results.json"
    out = run("check", CLAIM, "--record", "--results", str(results))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(CLAIM) and " holds " in out.stdout.splitlines()[0]
    assert "1 claims measured" in out.stdout and "1 holds" in out.stdout
    (row,) = [r for r in json.loads(results.read_text())["results"] if r["id"] == CLAIM]
    assert row["status"] == "holds" and row["seed"] == 0
    page = tmp_path / "claims.md"
    assert run("ledger", "--results", str(results), "--output", str(page)).returncode == 0
    assert f"| **{CLAIM}**:" in page.read_text() and "| holds | requests = 6,000;" in page.read_text()


def test_check_with_json_prints_the_ledger(tmp_path):
    out = run("check", CLAIM, "--json", "--seed", "1")
    data = json.loads(out.stdout)
    assert data["seed"] == 1 and data["results"][0]["id"] == CLAIM


def test_an_unknown_claim_is_a_clear_error_with_exit_code_2():
    out = run("check", "pipe-is-magic")
    assert out.returncode == 2 and "claim must be the id of a known claim, got 'pipe-is-magic'" in out.stderr
    assert "Traceback" not in out.stderr


def test_an_unknown_topic_is_a_clear_error_with_exit_code_2():
    out = run("check", "--topic", "nlp")
    assert out.returncode == 2 and "topic must be one of" in out.stderr


def test_claims_without_an_action_shows_usage():
    out = run()
    assert out.returncode == 2 and "usage: mlkit claims" in out.stderr

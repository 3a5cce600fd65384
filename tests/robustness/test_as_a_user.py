"""The readers run as a user runs them: real processes, their exit status, stdout and stderr.

One process per reader and per class of mistake of issue 10 (CliRunner covers the many damaged files;
these check that the installed command behaves the same: the message on stderr, nothing on stdout,
exit status 1 for bad input, 2 for a run that cannot start).
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

HIV = str(resources.files("purgetoll.mse.datasets").joinpath("rcapture_HIV.csv"))
HINT = ("No number is reported; to get a result marked as not estimable, pass mark_not_estimable=True "
        "(CLI: --mark-not-estimable)")


def purgetoll(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("purgetoll")
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from purgetoll.cli import main; main()"]
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


CASES = {
    "duplicated column": (["mse", "estimate", "dup.csv"], {"dup.csv": b"A,B,A,count\n1,0,0,5\n0,1,1,3\n"}, 1,
                          "error: dup.csv, line 1: column 'A' appears twice in the header (columns 1 and 3); give "
                          "each column its own name\n"),
    "row counted from the file": (["mse", "estimate", "bad.csv", "--method", "loglinear:Mt"],
                                  {"bad.csv": b"A,B,count\n0,1,5\n1,0,-3\n"}, 1,
                                  "error: bad.csv, line 3: column 'count' must be a non-negative integer; got -3\n"),
    "a directory": (["mse", "estimate", "adir"], {"adir/x": b""}, 1, "error: adir: is a directory, not a file\n"),
    "two lists without overlap": (["mse", "estimate", "n.csv", "--method", "loglinear:Mt"],
                                  {"n.csv": b"A,B,count\n1,0,50\n0,1,40\n1,1,0\n"}, 1,
                                  "error: loglinear:Mt on n.csv: the estimate of N does not exist: no individual is on "
                                  "more than one of the lists A, B: without an overlap nothing in the table bounds the "
                                  f"number on no list. {HINT}\n"),
    "a hundred million replicates": (["mse", "estimate", HIV, "--n-boot", "100000000"], {}, 1,
                                     f"error: stepwise on {HIV}: 100,000,000 bootstrap replicates exceeds the limit "
                                     "mse_boot = 10,000 (bootstrap replicates of one estimate (--n-boot); each "
                                     "replicate reruns the whole estimation, model selection included; the default is "
                                     "1,000). Use fewer replicates, or raise the limit with --limit mse_boot=100000000 "
                                     "(Python: limits={'mse_boot': 100000000})\n"),
    "scenario not UTF-8": (["verdict", "s.toml", "--seeds", "1"], {"s.toml": b'[scenario]\nname = "x\xff"\n'}, 2,
                           "error: s.toml: 1 problem\n  - not UTF-8 text: byte 0xff at byte offset 20 (line 2); save "
                           "the file as UTF-8\n"),
    "claims a directory": (["claims", "--file", "adir"], {"adir/x": b""}, 1,
                           "error: adir: 1 problem\n  - is a directory, not a file\n"),
    "cohort width 0": (["demog", "deficit", "--width", "0"], {}, 1,
                       "error: cohorts: cohort width must be a whole number of years in 1..100 (the ages tracked, 0 to "
                       "100+, span 101 birth years); got 0\n"),
    "births file line": (["demog", "project", "--base", "census:1959", "--to", "1960-01-15", "--births", "b.csv"],
                         {"b.csv": b"year,sex,count\n1959,male,5\n1959,male,6\n"}, 1,
                         "error: b.csv, line 3: year 1959, male given twice (first on line 2); give each year and sex "
                         "once\n"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_as_a_user(tmp_path, name):
    args, files, status, stderr = CASES[name]
    for rel, data in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    res = purgetoll(*args, cwd=tmp_path)
    assert (res.returncode, res.stderr, res.stdout) == (status, stderr, "")
    assert "Traceback" not in res.stderr


def test_a_run_that_cannot_start_writes_nothing(tmp_path):
    res = purgetoll("sim", "run", "--out", "run", "--scale", "1", "--end", "2100-01-01", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.startswith("error: simulation 1926-12-17 to 2100-01-01 at scale 1: ")
    assert not (tmp_path / "run").exists() and list(tmp_path.iterdir()) == []

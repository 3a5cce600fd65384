"""The readers run as a user runs them: real processes, their exit status, stdout and stderr.

One process per reader and per class of mistake of issue 10 (CliRunner covers the many damaged files;
these check that the installed command behaves the same: the message on stderr, nothing on stdout,
exit status 2 for bad input or a refused limit, 1 for what could not be done, such as an estimate
that does not exist: the rule of every command, purgetoll.terminal).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from purgetoll.demography import census_single
from purgetoll.verdict.census_file import census_frame

HIV = str(resources.files("purgetoll.mse.datasets").joinpath("rcapture_HIV.csv"))
HINT = ("No number is reported; to get a result marked as not estimable, pass mark_not_estimable=True "
        "(CLI: --mark-not-estimable)")


def purgetoll(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("purgetoll")
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from purgetoll.cli import main; main()"]
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


CASES = {
    "duplicated column": (["mse", "estimate", "dup.csv"], {"dup.csv": b"A,B,A,count\n1,0,0,5\n0,1,1,3\n"}, 2,
                          "error: dup.csv, line 1: column 'A' appears twice in the header (columns 1 and 3); give "
                          "each column its own name\n"),
    "row counted from the file": (["mse", "estimate", "bad.csv", "--method", "loglinear:Mt"],
                                  {"bad.csv": b"A,B,count\n0,1,5\n1,0,-3\n"}, 2,
                                  "error: bad.csv, line 3: column 'count' must be a non-negative integer; got -3\n"),
    "a directory": (["mse", "estimate", "adir"], {"adir/x": b""}, 2, "error: adir: is a directory, not a file\n"),
    "two lists without overlap": (["mse", "estimate", "n.csv", "--method", "loglinear:Mt"],
                                  {"n.csv": b"A,B,count\n1,0,50\n0,1,40\n1,1,0\n"}, 1,
                                  "error: loglinear:Mt on n.csv: the estimate of N does not exist: no individual is on "
                                  "more than one of the lists A, B: without an overlap nothing in the table bounds the "
                                  f"number on no list. {HINT}\n"),
    "a hundred million replicates": (["mse", "estimate", HIV, "--n-boot", "100000000"], {}, 2,
                                     f"error: stepwise on {HIV}: 100,000,000 bootstrap replicates exceeds the limit "
                                     "mse_boot = 10,000 (bootstrap replicates of one estimate (--n-boot); each "
                                     "replicate reruns the whole estimation, model selection included; the default is "
                                     "1,000). Use fewer replicates, or raise the limit with --limit mse_boot=100000000 "
                                     "(Python: limits={'mse_boot': 100000000})\n"),
    "scenario not UTF-8": (["verdict", "s.toml", "--seeds", "1"], {"s.toml": b'[scenario]\nname = "x\xff"\n'}, 2,
                           "error: s.toml: 1 problem\n  - not UTF-8 text: byte 0xff at byte offset 20 (line 2); save "
                           "the file as UTF-8\n"),
    "census a bad cell": (["verdict", "no_terror", "--census", "c.csv"],
                          {"c.csv": b"date,sex,age,age_end,age_group,count\n1939-01-17,male,0,,0+,-5\n"}, 2,
                          "error: c.csv, row 1 (line 2): column count: expected a whole number of persons from 0 to "
                          "10,000,000,000; got '-5'\n"),
    "census a directory": (["verdict", "no_terror", "--census", "adir"], {"adir/x": b""}, 2,
                           "error: adir: is a directory, not a file\n"),
    "claims a directory": (["claims", "--file", "adir"], {"adir/x": b""}, 2,
                           "error: adir: 1 problem\n  - is a directory, not a file\n"),
    "cohort width 0": (["demog", "deficit", "--width", "0"], {}, 2,
                       "error: cohorts: cohort width must be a whole number of years in 1..100 (the ages tracked, 0 to "
                       "100+, span 101 birth years); got 0\n"),
    "births file line": (["demog", "project", "--base", "census:1959", "--to", "1960-01-15", "--births", "b.csv"],
                         {"b.csv": b"year,sex,count\n1959,male,5\n1959,male,6\n"}, 2,
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
    res = purgetoll("sim", "run", "--out", "run", "--scale", "1", "--end", "2100-01-01", "--past-data", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.startswith("error: simulation 1926-12-17 to 2100-01-01 at scale 1: ")
    assert not (tmp_path / "run").exists() and list(tmp_path.iterdir()) == []


def test_the_verdict_reads_a_census_as_a_user_wrote_it(tmp_path):
    """A census of its own (not the real one), as a spreadsheet saves it (byte order mark, CRLF, every cell
    quoted, rows in another order, a blank line): the verdict judges against exactly its counts (at scale
    0.00001 and 200 draws: the census is what is checked here, not the simulation)."""
    pop = census_single(1939) * 0.9
    pop[0, 20:40] *= 0.8
    frame = census_frame(pop).sample(frac=1, random_state=1)
    text = frame.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    (tmp_path / "c.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\r\n\r\n", 1).encode())
    res = purgetoll("verdict", "no_terror", "--census", "c.csv", "--seeds", "1", "--scale", "0.00001", "--draws",
                    "200", "--workers", "1", "--format", "json", cwd=tmp_path)
    assert (res.returncode, res.stderr) == (0, "")
    out = json.loads(res.stdout)
    assert out["settings"]["census"].startswith("the 1939 census of c.csv ")
    counts = {(r.sex, r.age): r.count for r in frame.itertuples()}
    rows = out["census_1939"]
    assert {r["sex"] for r in rows} == {"male", "female"} and len(rows) == 36
    for r in rows:
        ages = range(r["age"], r["age"] + 5) if r["age"] < 85 else range(85, 101)
        assert r["census_counted"] == pytest.approx(sum(counts.get((r["sex"], a), 0) for a in ages), rel=1e-12)

"""Bit-for-bit: same seed same bytes, another seed other bytes, a killed run resumed to the same bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purgetoll.errors import DataError
from purgetoll.folders import find_stagings
from purgetoll.sim import Demography, Interrupted, Sim, SimSettings, Territory

SETTINGS = dict(start="1926-12-17", end="1931-03-01", scale=0.002, seed=5, event_chunk_rows=20_000)


def make_sim(inputs, **overrides) -> Sim:
    return Sim(SimSettings(**{**SETTINGS, **overrides}), [Territory(inputs), Demography(inputs)])


def unfinished(out: Path) -> Path:
    """The staging folder of the unfinished run of ``out`` (beside it, until it is finished)."""
    (staging,) = find_stagings(out.parent, out.name)
    return staging.path


def files(out: Path) -> dict[str, bytes]:
    """Every output file by relative path (timings excluded: wall time is not reproducible)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "timings.json"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, toy_inputs):
    out = tmp_path_factory.mktemp("ref") / "run"
    make_sim(toy_inputs).run(out)
    return out, files(out)


def test_same_seed_gives_identical_bytes(reference, toy_inputs, tmp_path):
    ref_dir, ref = reference
    make_sim(toy_inputs).run(tmp_path / "again")
    again = files(tmp_path / "again")
    assert sorted(again) == sorted(ref)
    assert "snapshots.parquet" in ref and "manifest.json" in ref and "events/part-0004.parquet" in ref
    for name in ref:
        assert again[name] == ref[name], name
    assert not (ref_dir / "checkpoint").exists()  # removed once the run is finished


def test_a_different_seed_changes_the_snapshots(reference, toy_inputs, tmp_path):
    _, ref = reference
    make_sim(toy_inputs, seed=6).run(tmp_path / "other")
    a = pd.read_parquet(tmp_path / "other" / "snapshots.parquet")
    b = pd.read_parquet(reference[0] / "snapshots.parquet")
    assert files(tmp_path / "other")["snapshots.parquet"] != ref["snapshots.parquet"]
    later = a["state_date"] > "1927-06-01"
    assert (a.loc[later, "agents"] != b.loc[later, "agents"]).mean() > 0.3


def test_interrupted_run_resumes_to_identical_bytes(reference, toy_inputs, tmp_path):
    _, ref = reference
    out = tmp_path / "killed"
    with pytest.raises(Interrupted):
        make_sim(toy_inputs).run(out, stop_at=31)  # last checkpoint at step 24, part of the window written
    work = unfinished(out)
    assert (work / "checkpoint" / "meta.json").exists()
    assert not out.exists()  # nothing at the target until the run is finished
    assert not list(work.rglob("*.tmp")), "a half-written file was left behind"
    make_sim(toy_inputs).run(out, resume=True)
    got = files(out)
    assert sorted(got) == sorted(ref)
    for name in ref:
        assert got[name] == ref[name], name


def test_killed_process_resumes_to_identical_bytes(reference, toy_inputs, tmp_path):
    """SIGKILL a real process mid-run (no cleanup code runs), then resume in this process."""
    _, ref = reference
    out = tmp_path / "sigkill"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import toy_initial, toy_qx, toy_births
        from purgetoll.sim import DemographyInputs, Sim, SimSettings, Territory, Demography
        annexed = toy_initial(10.0).assign(date="1929-11-01", label="west")
        inputs = DemographyInputs(initial=toy_initial(), qx=toy_qx, births_between=toy_births,
                                  annexations=annexed, tables={{"toy": "synthetic test inputs"}})
        def progress(k, n, date, alive, rss):
            print(k, flush=True)
            if k >= 30:
                time.sleep(60)  # wait here to be killed
        Sim(SimSettings(**{SETTINGS!r}), [Territory(inputs), Demography(inputs)]).run({str(out)!r}, progress=progress)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    for line in proc.stdout:
        if int(line) >= 30 or time.time() > deadline:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    parts = unfinished(out) / "run" / "events"
    assert sorted(p.name for p in parts.glob("part-*.parquet")) == ["part-0000.parquet", "part-0001.parquet"]
    make_sim(toy_inputs).run(out, resume=True)
    got = files(out)
    for name in ref:
        assert got[name] == ref[name], name


def test_resume_refuses_other_settings_and_guards_finished_runs(reference, toy_inputs, tmp_path):
    out = tmp_path / "guard"
    with pytest.raises(Interrupted):
        make_sim(toy_inputs).run(out, stop_at=13)
    with pytest.raises(DataError) as err:
        make_sim(toy_inputs, seed=9).run(out, resume=True)
    work = unfinished(out)
    assert str(err.value) == f"{work / 'checkpoint' / 'meta.json'}: cannot resume: setting 'seed' is 9 but the checkpoint was made with 5"
    with pytest.raises(FileExistsError) as err:
        make_sim(toy_inputs).run(out)
    assert str(err.value) == (f"{out}: holds an unfinished run (in {work}); pass --resume to "
                              "continue it or --force to start afresh")
    with pytest.raises(FileExistsError) as err:
        make_sim(toy_inputs).run(reference[0])
    assert str(err.value) == (f"{reference[0]}: already holds a finished run; pass --force to "
                              "replace it (only once the new one is complete)")
    with pytest.raises(DataError) as err:
        make_sim(toy_inputs).run(reference[0], resume=True)
    assert str(err.value) == f"{reference[0]}: the run is already finished (manifest.json is there); nothing to resume"
    with pytest.raises(DataError) as err:
        make_sim(toy_inputs).run(tmp_path / "empty", resume=True)
    assert str(err.value) == f"{tmp_path / 'empty'}: no unfinished run to resume (run without --resume to start afresh)"


def test_events_balance_the_population(reference):
    """Conservation: start + births + annexed - deaths = end, and every event row is readable."""
    out, _ = reference
    ev = pd.read_parquet(out / "events")
    snaps = pd.read_parquet(out / "snapshots.parquet")
    first = snaps[snaps["date"] == "1926-12-17"]["agents"].sum()
    last = snaps[snaps["date"] == "1931-03-01"]["agents"].sum()
    n = ev["event"].astype(str).value_counts()
    assert first + n["birth"] + n["annexed"] - n["death"] == last
    assert ev["person_id"].is_unique is False  # a person is born and may die
    assert not ev[ev["event"] == "death"]["person_id"].duplicated().any()  # nobody dies twice
    assert set(ev.columns) == {"step", "date", "person_id", "event", "sex", "age"}
    assert np.all(np.diff(ev["step"].to_numpy()) >= 0)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**40), months=st.integers(2, 48))
def test_population_change_is_births_plus_arrivals_minus_deaths_by_sex(toy_inputs, seed, months):
    """Conservation by sex for any seed and length (crossing the 1929 annexation or not)."""
    end = (pd.Timestamp("1926-12-17") + pd.DateOffset(months=months)).date().isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        sim = Sim(SimSettings(start="1926-12-17", end=end, scale=0.0005, seed=seed,
                              snapshot_dates=("1926-12-17", end)), [Territory(toy_inputs), Demography(toy_inputs)])
        result = sim.run(Path(tmp) / "run")
        ev = pd.read_parquet(Path(tmp) / "run" / "events")
    snaps = result.snapshots.groupby(["date", "sex"])["agents"].sum()
    n = ev.assign(event=ev["event"].astype(str), sex=ev["sex"].astype(str)).groupby(["event", "sex"]).size()
    for sex in ("male", "female"):
        change = snaps[(end, sex)] - snaps[("1926-12-17", sex)]
        assert change == n.get(("birth", sex), 0) + n.get(("annexed", sex), 0) - n.get(("death", sex), 0)
    assert snaps[(end, "male")] + snaps[(end, "female")] == result.people_alive


def test_committed_baseline_is_reproduced_exactly(reference):
    """A small fixed-seed run against the numbers committed in baseline_toy_seed5.json.

    The same on every machine (integer hashing, no platform randomness). If a deliberate change of
    the model alters it, regenerate the file and say why in the commit.
    """
    import hashlib
    import json

    out, _ = reference
    base = json.loads((Path(__file__).parent / "baseline_toy_seed5.json").read_text())
    snaps = pd.read_parquet(out / "snapshots.parquet")
    got = {f"{d}|{x}": int(v) for (d, x), v in snaps.groupby(["date", "sex"])["agents"].sum().items()}
    assert got == base["agents_by_date_and_sex"]
    assert hashlib.sha256(snaps["agents"].to_numpy(np.int64).tobytes()).hexdigest() == base["snapshot_agents_sha256"]
    counts = pd.read_parquet(out / "events")["event"].astype(str).value_counts().to_dict()
    assert counts == {k: v for k, v in base["event_counts"].items() if v}

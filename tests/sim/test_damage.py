"""Damaged checkpoints and run folders, generated: whatever is done to a file purgetoll wrote (bytes
flipped, truncated, extended, deleted, JSON garbled or edited), the result is either right or a
purgetoll error naming that file (issue 10's robustness suite for checkpoints and run folders).

The damage is drawn by hypothesis over every file of an unfinished run (checkpoint arrays, its
sealed meta.json, the event parts written so far) and of a finished one (manifest, parts,
snapshots, timings); a bounded number of examples keeps the suite fast.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from purgetoll.errors import DamagedError, ForeignContentError
from purgetoll.folders import find_stagings, verify_folder, verify_run_files
from purgetoll.sim import Demography, Interrupted, Sim, SimSettings, Territory
from tests.faults import tree

SETTINGS = dict(start="1926-12-17", end="1929-03-01", scale=0.0005, seed=5, event_chunk_rows=5_000,
                checkpoint_every_steps=6)
EXAMPLES = settings(max_examples=int(os.environ.get("PURGETOLL_DAMAGE_EXAMPLES", 25)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def make_sim(inputs) -> Sim:
    return Sim(SimSettings(**SETTINGS), [Territory(inputs), Demography(inputs)])


@st.composite
def damages(draw, files: dict[str, int]):
    """``(relative path, what was done, function that does it to the file's bytes or None to delete)``."""
    rel = draw(st.sampled_from(sorted(files)))
    size = files[rel]
    kinds = ["flip", "truncate", "delete", "extend"] + (["json_edit", "json_garble"] if rel.endswith(".json") else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "flip":
        where = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=4, unique=True))
        xor = draw(st.integers(1, 255))

        def flip(raw: bytes) -> bytes:
            out = bytearray(raw)
            for i in where:
                out[i] ^= xor
            return bytes(out)

        return rel, f"flip bytes {where} ^ {xor}", flip
    if kind == "truncate":
        n = draw(st.integers(0, size - 1))
        return rel, f"truncate to {n}", lambda raw: raw[:n]
    if kind == "extend":
        extra = draw(st.binary(min_size=1, max_size=64))
        return rel, f"extend by {extra!r}", lambda raw: raw + extra
    if kind == "delete":
        return rel, "delete", None
    if kind == "json_garble":
        i = draw(st.integers(0, size - 1))
        c = draw(st.sampled_from(list('{}[],:"x0 ')))
        return rel, f"garble byte {i} to {c!r}", lambda raw: raw[:i] + c.encode() + raw[i + 1:]
    value = draw(st.one_of(st.integers(-10, 10**6), st.text(max_size=4), st.none(), st.booleans()))

    def edit(raw: bytes) -> bytes:
        obj = json.loads(raw)
        key = sorted(obj)[draw(st.integers(0, len(obj) - 1))]
        obj[key] = value if obj[key] != value else [value]
        return json.dumps(obj).encode()

    return rel, f"set a key to {value!r}", edit


def apply(path: Path, change) -> None:
    if change is None:
        path.unlink()
    else:
        path.write_bytes(change(path.read_bytes()))


# -- an unfinished run, damaged, then resumed ---------------------------------------------------------


@pytest.fixture(scope="module")
def unfinished(tmp_path_factory, toy_inputs):
    base = tmp_path_factory.mktemp("unfinished")
    with pytest.raises(Interrupted):
        make_sim(toy_inputs).run(base / "r", stop_at=20)  # checkpoint at step 18, parts 0 to 2
    (staging,) = find_stagings(base, "r")
    files = {k: len(v) for k, v in tree(staging.path).items() if k != "staging.json"}
    assert sorted(files) == ["checkpoint/__snapshots.npy", "checkpoint/alive.npy", "checkpoint/birth_month.npy",
                             "checkpoint/death_step.npy", "checkpoint/meta.json", "checkpoint/person_id.npy",
                             "checkpoint/sex.npy", "run/events/part-0000.parquet", "run/events/part-0001.parquet",
                             "run/events/part-0002.parquet"]
    return base, staging.path.name, files


@pytest.fixture(scope="module")
def unfinished_files(unfinished):
    return unfinished[2]


@EXAMPLES
@given(data=st.data())
def test_any_damage_to_an_unfinished_run_is_named_on_resume(unfinished, toy_inputs, data):
    base, name, files = unfinished
    rel, what, change = data.draw(damages(files), label="damage")
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        shutil.copytree(base, case)
        path = case / name / rel
        original = path.read_bytes()
        apply(path, change)
        assume(not path.exists() or path.read_bytes() != original)  # a damage that changes nothing is none
        before = {k: v for k, v in tree(case / name).items() if k != "staging.json"}
        with pytest.raises(DamagedError) as err:
            make_sim(toy_inputs).run(case / "r", resume=True)
        assert str(err.value).startswith(f"{path}: "), (what, str(err.value))
        after = {k: v for k, v in tree(case / name).items() if k != "staging.json"}
        assert after == before and not (case / "r").exists()  # nothing removed, nothing written


# -- a finished run, damaged, then verified, read and replaced ------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory, toy_inputs):
    base = tmp_path_factory.mktemp("finished")
    make_sim(toy_inputs).run(base / "r")
    return base, {k: len(v) for k, v in tree(base / "r").items()}


@EXAMPLES
@given(data=st.data())
def test_any_damage_to_a_finished_run_is_named_by_verify_and_by_readers(finished, toy_inputs, data):
    base, files = finished
    rel, what, change = data.draw(damages(files), label="damage")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r"
        shutil.copytree(base / "r", out)
        path = out / rel
        original = path.read_bytes()
        apply(path, change)
        assume(not path.exists() or path.read_bytes() != original)
        report = verify_folder(out)
        if rel == "timings.json" and change is not None:
            assert report.ok, what  # wall-clock timings: listed, not checksummed (they differ run to run)
        elif rel == "manifest.json" and change is None:  # without its manifest, a folder is no run
            assert report.problems == [f"{out}: holds no purgetoll run (no manifest.json naming purgetoll)"]
        elif rel == "manifest.json":
            assert report.problems == [report.problems[0]] and report.problems[0].startswith(f"{path}: "), what
        else:
            assert report.problems[0].startswith(f"{path}: "), (what, report.problems)
        if rel.startswith("events/") or rel == "manifest.json":
            with pytest.raises(DamagedError, match=f"^{path}: "):
                verify_run_files(out, "events/")
        # the damaged run is replaced whole by --force, unless its manifest is no longer JSON (then
        # which files are the run's cannot be told, and nothing is touched)
        snapshot = tree(out)
        try:
            make_sim(toy_inputs).run(out, force=True)
        except ForeignContentError as exc:  # which files are the run's cannot be told: nothing touched
            assert rel == "manifest.json", what
            assert str(exc).startswith(f"{out}: ") and any(why in str(exc) for why in (
                "its manifest.json is damaged (not valid JSON)", "its manifest.json was altered since it was "
                "written", "exists and holds no purgetoll run")), str(exc)
            assert tree(out) == snapshot
        else:
            assert tree(out).keys() == tree(base / "r").keys() and verify_folder(out).ok

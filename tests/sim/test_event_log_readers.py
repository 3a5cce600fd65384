"""The event log as a reader opens it, without purgetoll.

pandas and pyarrow alone (and DuckDB, when installed) read a label for every coded column of a
mechanism-mode run, and the labels are those of the people's own codes; every part and row group
holds each column's whole label list, so the parts concatenate as categoricals; a run killed and
resumed writes the same bytes; ``docs/EVENTS.md`` says what the manifest says.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from purgetoll.folders import find_stagings
from purgetoll.scenarios import Scenario, build_sim
from purgetoll.sim.attributes_tables import NATIONALITIES, REGIONS, SOCIAL_GROUPS
from purgetoll.sim.events import EventLog
from purgetoll.sim.modules.attributes import PARTY
from purgetoll.sim.modules.terror import (
    BODIES,
    CAMP_TYPES,
    CATEGORIES,
    EVENT_MEANINGS,
    EXECUTED,
    OPERATIONS,
    Terror,
)
from purgetoll.sim.state import SEXES
from tests.faults import in_child, tree

SCALE = 0.0005
SEED = 3
#: The declared label list of every coded column but ``event`` (whose list is the run's kinds).
LABELS: dict[str, tuple[str, ...]] = {
    "sex": SEXES, "operation": OPERATIONS, "body": BODIES, "category": CATEGORIES, "camp_type": CAMP_TYPES,
    "region": REGIONS, "nationality": NATIONALITIES, "social_group": SOCIAL_GROUPS,
}
WHO = ("region", "urban", "nationality", "social_group", "party", "household_id")
#: The terror's event kinds that set each column of their own (the others leave it null).
SET_BY = {"body": {"sentence"}, "category": {"sentence", "execution", "camp_admission", "in_camp_at_start"},
          "camp_type": {"camp_admission", "in_camp_at_start", "camp_death", "release"}}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "EVENTS.md"

# Run by a fresh interpreter: reads the run with pandas, pyarrow and (when installed) DuckDB, and
# never imports purgetoll.
READER = """
import json, sys
import pandas as pd, pyarrow.parquet as pq
run = sys.argv[1]
ev = pd.read_parquet(run + "/events")
manifest = json.load(open(run + "/manifest.json"))

def records(df):
    rows = [[None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row]
            for row in df.astype(object).itertuples(index=False)]
    return sorted(rows, key=lambda row: ["" if v is None else str(v) for v in row])

terror = ev[~ev["event"].isin(["birth", "death", "annexed"])]
out = {"columns": list(ev.columns), "dtypes": {c: str(t) for c, t in ev.dtypes.items()},
       "categories": {c: list(ev[c].cat.categories) for c in ev.columns if str(ev[c].dtype) == "category"},
       "codes": manifest["outputs"]["events"]["codes"],
       "null_outside_terror": {c: int(ev.loc[ev["event"].isin(["birth", "death"]), c].notna().sum())
                               for c in ev.columns[6:]},
       "terror": records(terror.assign(date=terror["date"].astype(str))),
       "rows": len(ev)}
try:
    import duckdb
except ImportError:
    out["duckdb"] = None
else:
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{run}/events/*.parquet') "
                     "WHERE event NOT IN ('birth', 'death', 'annexed')")
    df = pd.DataFrame(rel.fetchall(), columns=rel.columns)
    out["duckdb"] = {"types": dict(zip(rel.columns, [str(t) for t in rel.types])),
                     "terror": records(df.assign(date=df["date"].astype(str)))}
out["purgetoll_loaded"] = sorted(m for m in sys.modules if m.startswith("purgetoll"))
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def base_inputs():
    from purgetoll.sim import default_inputs

    return default_inputs()


def _sim(base):
    return build_sim(Scenario.load("archival"), scale=SCALE, seed=SEED, base=base, mode="mechanism")


@pytest.fixture(scope="module")
def run(base_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("eventlog") / "run"
    sim = _sim(base_inputs)
    sim.run(out)
    return sim, out


@pytest.fixture(scope="module")
def read(run):
    _, out = run
    done = subprocess.run([sys.executable, "-c", READER, str(out)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_pandas_reads_labels_nullable_booleans_and_integers_never_float_codes(run, read):
    sim, out = run
    assert read["purgetoll_loaded"] == []
    coded = ["event", *LABELS]
    assert {c: read["dtypes"][c] for c in coded} == dict.fromkeys(coded, "category")
    assert {c: read["dtypes"][c] for c in ("urban", "party", "household_id")} == {
        "urban": "boolean", "party": "boolean", "household_id": "UInt32"}
    assert not [c for c, t in read["dtypes"].items() if t.startswith("float")]
    # the categories are the declared lists, and the manifest's codes tables say the same
    assert read["categories"] == {"event": list(sim.events.kinds), **{c: list(v) for c, v in LABELS.items()}}
    assert {c: [r["label"] for r in rows] for c, rows in read["codes"].items()} == read["categories"]
    assert all(r["code"] == i for rows in read["codes"].values() for i, r in enumerate(rows))
    meanings = {r["label"]: r.get("meaning") for r in read["codes"]["event"]}
    assert {k: meanings[k] for k in EVENT_MEANINGS} == EVENT_MEANINGS
    assert "prison admission" in meanings["arrest"] and "custody" in meanings["arrest"]
    # births and deaths say nothing of the terror: null, not 0 or -1
    assert read["null_outside_terror"] == dict.fromkeys(read["columns"][6:], 0)


def test_every_terror_event_has_the_labels_of_the_persons_own_codes(run, read):
    """The labels read back are those the people's codes stand for (the attributes, the operation of
    an arrest, the camp of a prisoner), not shifted or swapped."""
    sim, _ = run
    ev = pd.DataFrame(read["terror"], columns=read["columns"])
    assert len(ev) > 2000 and set(ev["event"]) >= {"arrest", "sentence", "execution", "camp_admission",
                                                   "in_camp_at_start", "camp_death", "release"}
    for col in WHO[:-1]:
        assert ev[col].notna().all(), col
    for col, kinds in SET_BY.items():
        assert ev[col].notna().to_numpy().tolist() == ev["event"].isin(kinds).tolist(), col
    assert ev["operation"].notna().all() and set(ev["body"].dropna()) <= set(BODIES[1:])
    p = sim.people
    slot = np.searchsorted(p["person_id"], ev["person_id"].to_numpy(np.uint32))
    found = (slot < p.n) & (p["person_id"][np.minimum(slot, p.n - 1)] == ev["person_id"].to_numpy())
    ev, slot = ev[found].reset_index(drop=True), slot[found]
    assert len(ev) > 1000
    assert ev["sex"].tolist() == [SEXES[c] for c in p["sex"][slot]]
    assert ev["region"].tolist() == [REGIONS[c] for c in p["region"][slot]]
    assert ev["nationality"].tolist() == [NATIONALITIES[c] for c in p["nationality"][slot]]
    assert ev["social_group"].tolist() == [SOCIAL_GROUPS[c] for c in p["social_group"][slot]]
    assert ev["urban"].tolist() == p["urban"][slot].tolist()
    assert ev["party"].tolist() == ((p["roles"][slot] & PARTY) != 0).tolist()
    assert ev["household_id"].tolist() == [int(h) if h else None for h in p["household_id"][slot]]
    once = ev[ev["event"] == "arrest"].drop_duplicates("person_id", keep=False)
    assert len(once) > 500
    assert once["operation"].tolist() == [OPERATIONS[c] for c in p["t_operation"][slot[once.index]]]
    gulag = sim.module("gulag")
    camp = dict(zip(gulag.camp_ids.tolist(), (CAMP_TYPES[c] for c in gulag.camp_type), strict=True))
    last_in = ev[ev["event"].isin(["camp_admission", "in_camp_at_start"])].drop_duplicates("person_id", keep="last")
    inside = last_in[last_in["person_id"].isin(camp)]
    assert len(inside) > 500 and inside["camp_type"].tolist() == [camp[i] for i in inside["person_id"]]
    shot = set(ev.loc[ev["event"] == "execution", "person_id"])
    assert shot and shot <= set(ev.loc[(ev["event"] == "sentence") & (ev["category"] == "shooting"), "person_id"])
    assert shot == set(ev["person_id"][p["t_status"][slot] == EXECUTED])


def test_duckdb_reads_the_same_labels(read):
    if read["duckdb"] is None:
        pytest.skip("DuckDB is not installed")
    types = read["duckdb"]["types"]
    assert {c: types[c] for c in ("event", *LABELS)} == dict.fromkeys(("event", *LABELS), "VARCHAR")
    assert (types["urban"], types["party"], types["household_id"]) == ("BOOLEAN", "BOOLEAN", "UINTEGER")
    assert read["duckdb"]["terror"] == read["terror"]


def test_every_part_and_row_group_holds_the_whole_label_lists(run):
    sim, out = run
    parts = sorted((out / "events").glob("part-*.parquet"))
    assert len(parts) == 2
    want = {"event": list(sim.events.kinds), **{c: list(v) for c, v in LABELS.items()}}
    for part in parts:
        f = pq.ParquetFile(part)
        for g in range(f.metadata.num_row_groups):
            table = f.read_row_group(g)
            assert {c: table.column(c).chunk(0).dictionary.to_pylist() for c in want} == want, (part.name, g)
    joined = pd.concat([pd.read_parquet(part) for part in parts], ignore_index=True)
    assert {c: list(joined[c].cat.categories) for c in want} == want
    pd.testing.assert_frame_equal(joined, pd.read_parquet(out / "events"))


def _objects(column: pd.Series) -> list:
    return column.astype(object).where(column.notna(), None).tolist()


def test_a_row_group_or_part_without_any_terror_event_keeps_the_lists(tmp_path):
    """Small row groups: one of births only (the terror's columns all null), a window of deaths only."""
    log = EventLog(tmp_path, ("birth", "death", "arrest"), Terror.event_columns, dt.date(1937, 1, 6), chunk_rows=3)
    one = np.ones(3, dtype=np.int8)
    log.log(0, "birth", np.arange(3), one, np.zeros(3))
    log.log(1, "arrest", np.arange(3, 6), 0 * one, np.full(3, 40), operation=2 * one, region=np.array([0, 17, -1]),
            household_id=np.array([0, 7, 9], dtype=np.uint32), urban=np.array([True, False, True]))
    log.close_window(0)
    log.log(12, "death", np.arange(2), one[:2], np.full(2, 70))
    log.close_window(1)
    log.shutdown()
    want = {c.name: list(c.labels) for c in Terror.event_columns if c.labels is not None}
    parts = [pq.ParquetFile(tmp_path / name) for name in ("part-0000.parquet", "part-0001.parquet")]
    assert [f.metadata.num_row_groups for f in parts] == [2, 1]
    for f in parts:
        for g in range(f.metadata.num_row_groups):
            table = f.read_row_group(g)
            assert {c: table.column(c).chunk(0).dictionary.to_pylist() for c in want} == want
    ev = pd.concat([pd.read_parquet(tmp_path / f"part-000{i}.parquet") for i in (0, 1)], ignore_index=True)
    assert {c: list(ev[c].cat.categories) for c in want} == want
    assert _objects(ev["operation"]) == [None] * 3 + ["order_00447"] * 3 + [None] * 2
    assert _objects(ev["region"]) == [None] * 3 + ["Leningrad oblast", "annexed 1939-40"] + [None] * 3
    assert ev["household_id"].tolist()[3:6] == [pd.NA, 7, 9]  # 0: no household
    assert ev["urban"].tolist()[2:6] == [pd.NA, True, False, True] and str(ev["urban"].dtype) == "boolean"


def test_a_killed_and_resumed_run_hashes_equal(base_inputs, run, tmp_path):
    """SIGKILL after the checkpoint of January 1938 was sealed (step 18), then --resume: every file,
    its size and SHA-256 in the manifest, the same as the run never stopped."""
    _, whole = run
    cut = tmp_path / "cut"

    def killed():
        def progress(k, n, date, alive, rss):
            if k == 20:
                os.kill(os.getpid(), signal.SIGKILL)

        _sim(base_inputs).run(cut, progress=progress)

    assert in_child(killed) == -signal.SIGKILL
    assert [s.resumable for s in find_stagings(cut.parent, cut.name)] == [True]
    _sim(base_inputs).run(cut, resume=True)
    files = {k: v for k, v in tree(cut).items() if k != "timings.json"}
    assert files == {k: v for k, v in tree(whole).items() if k != "timings.json"}
    listed = json.loads((cut / "manifest.json").read_text())["files"]
    assert [e["path"] for e in listed] == ["events/part-0000.parquet", "events/part-0001.parquet", "snapshots.parquet"]


def _cells(line: str) -> list[str]:
    return [c.strip().strip("`") for c in line.strip().strip("|").split(" | ")]


def test_the_docs_say_what_the_manifest_says(run):
    """docs/EVENTS.md's table of columns and its codes tables are the manifest's, row for row."""
    _, out = run
    events = json.loads((out / "manifest.json").read_text())["outputs"]["events"]
    text = DOCS.read_text(encoding="utf-8")
    columns_part = text.split("## Columns", 1)[1].split("\n## ", 1)[0]
    rows = [_cells(line) for line in columns_part.splitlines() if line.startswith("| `")]
    assert rows == [[c["name"], c["type"], c["meaning"], c["unit"], c["null"]] for c in events["columns"]]
    codes_part = text.split("## Codes", 1)[1]
    tables = dict(re.findall(r"### `(\w+)`\n\n\|[^\n]*\n\|[-|]*\n((?:\|[^\n]*\n?)*)", codes_part))
    assert set(tables) == set(events["codes"])
    for name, rows_text in tables.items():
        doc = [_cells(line) for line in rows_text.strip().splitlines()]
        want = [[str(r["code"]), r["label"], *([r["meaning"]] if name == "event" else [])]
                for r in events["codes"][name]]
        assert doc == want, name

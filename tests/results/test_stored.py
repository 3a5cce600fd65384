"""The stored form: every kind of result saved and loaded back to the byte, readable without
purgetoll, and refused (naming the file) when damaged."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from purgetoll import claims, demography, mse
from purgetoll.errors import DamagedError, DataError
from purgetoll.results import KINDS, kind_of, load_result, save_result
from purgetoll.sim import SimSettings, demography_sim
from purgetoll.stored import FORMAT, load_stored

CAPTURE = str(resources.files("purgetoll.mse.datasets").joinpath("mse_Korea_comfort_women_palembang.csv"))


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal to the byte as CSV, with the same dtypes, index and attrs."""
    assert _csv(a) == _csv(b)
    assert a.dtypes.to_dict() == b.dtypes.to_dict()
    assert a.index.equals(b.index)
    assert json.loads(json.dumps(a.attrs, default=str)) == b.attrs


@pytest.fixture(scope="module")
def deficit():
    return demography.deficit("adh:1939", "census:1959", draws=50, seed=3)


def test_a_demography_result_comes_back_the_same(tmp_path, deficit):
    path = save_result(deficit, tmp_path / "deficit")
    back = load_result(path)
    _same(deficit, back)
    assert back.attrs["assumptions"] == deficit.attrs["assumptions"]
    m = json.loads((path / "manifest.json").read_text())
    assert m["format"] == FORMAT and m["kind"] == "demography.deficit"
    assert m["settings"].items() >= {"start": "adh:1939", "end": "census:1959", "level": 0.95, "draws": 50,
                                     "seed": 3}.items()
    assert m["seeds"] == 3
    assert m["inputs"]["purgetoll/data/tables/census_1959_5y.csv"] == load_stored(path).manifest["inputs"][
        "purgetoll/data/tables/census_1959_5y.csv"]
    assert len(m["inputs"]["purgetoll/data/tables/adh_5y.csv"]) == 64
    assert {"python", "pandas", "pyarrow"} <= set(m["versions"]) and m["purgetoll_version"]
    assert m["created"].endswith("Z") and isinstance(m["command"], str)


def test_cohort_survival_claims_and_mse_come_back_the_same(tmp_path):
    surv = demography.cohort_survival("adh:1939", "census:1959", "1890-1926", draws=50, seed=1)
    _same(surv, load_result(save_result(surv, tmp_path / "surv")))
    checked = claims.run_claim_checks()
    back = load_result(save_result(checked, tmp_path / "claims"))
    assert isinstance(back, claims.ClaimChecks)
    _same(checked.table, back.table)
    _same(checked.splits, back.splits)
    table = mse.read_capture_csv(CAPTURE)
    comparison = mse.compare_methods(table, ["loglinear:M0", "bic", "no_such_method"])
    _same(comparison, load_result(save_result(comparison, tmp_path / "mse")))
    fit = mse.configured_estimator("loglinear:Mt", 0, None).fit(table)
    rows = load_result(save_result(fit, tmp_path / "fit", kind="mse.estimate"))
    _same(mse.summary_rows(fit), rows)
    assert rows.loc[0, "n_observed"] == 123 and rows.loc[0, "model"] == "Mt"


def test_one_shape_for_a_comparison_and_a_summary():
    """`compare every method` (the mse package's compare_methods) has the summary()'s columns."""
    table = mse.read_capture_csv(CAPTURE)
    comparison = mse.compare_methods(table, ["loglinear:M0", "no_such_method"])
    assert list(comparison.columns[: len(mse.SUMMARY_COLUMNS)]) == list(mse.SUMMARY_COLUMNS)
    assert tuple(comparison.columns) == mse.COMPARISON_COLUMNS
    m0 = mse.configured_estimator("loglinear:M0", 0, None).fit(table).summary()
    assert comparison.loc[0, "estimate"] == m0.loc[0, "estimate"]
    assert comparison.loc[0, "lower_95"] == m0.loc[0, "lower_95"] and comparison.loc[0, "n_observed"] == 123
    bad = comparison.loc[1]
    assert bad["status"].startswith("error: unknown method 'no_such_method'") and pd.isna(bad["estimate"])


def test_a_simulation_run_loads_from_its_folder(tmp_path):
    settings = SimSettings(start="1926-12-17", end="1927-12-17", scale=0.0002, seed=4)
    result = demography_sim(settings).run(tmp_path / "sim")
    back = load_result(tmp_path / "sim")
    assert type(back) is type(result)
    _same(result.snapshots, back.snapshots)
    assert back.event_counts == result.event_counts and back.people_alive == result.people_alive
    assert back.manifest["kind"] == "sim.run" and back.manifest["seeds"] == 4
    with pytest.raises(DataError, match="stored by running it with an output folder"):
        save_result(back, tmp_path / "again")


def test_every_kind_names_its_real_type():
    """A result's kind is found from its type's dotted name: each name is the real class's."""
    import importlib

    for kind in KINDS.values():
        module, _, name = kind.type_name.rpartition(".")
        assert getattr(importlib.import_module(module), name).__qualname__ == name, kind.name
    assert kind_of(demography.deficit("adh:1939", "census:1959", draws=10)).name == "demography.deficit"
    with pytest.raises(DataError, match=r"which kind is a DataFrame with attrs\['table'\] = None\? say kind="):
        kind_of(pd.DataFrame({"a": [1]}))


def test_pandas_and_pyarrow_read_a_stored_result_without_purgetoll(tmp_path, deficit):
    """A user opens the tables and the manifest with pandas and pyarrow alone (DuckDB reads the
    same Parquet files: ``SELECT * FROM 'DIR/tables/*.parquet'``)."""
    path = save_result(deficit, tmp_path / "deficit")
    code = f"""
import json, sys
import pandas as pd, pyarrow.parquet as pq
folder = {str(path)!r}
manifest = json.load(open(folder + "/manifest.json"))
entry = manifest["tables"]["deficit"]
df = pd.read_parquet(folder + "/" + entry["file"])
assert pq.read_table(folder + "/" + entry["file"]).num_rows == entry["rows"] == len(df)
assert list(df.columns) == entry["columns"]
assert not [m for m in sys.modules if m.startswith("purgetoll")]
print(df.to_csv(index=False, lineterminator="\\n"), end="")
print(manifest["settings"]["draws"], manifest["attributes"], manifest["tables"]["deficit"]["attrs"]["seed"])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout
    assert out == _csv(deficit) + "50 {} 3\n"


def test_a_damaged_result_is_named_never_read(tmp_path, deficit):
    path = save_result(deficit, tmp_path / "deficit")
    table = path / "tables" / "deficit.parquet"
    data = table.read_bytes()
    table.write_bytes(data[:-10])
    with pytest.raises(DamagedError, match=r"deficit\.parquet: truncated"):
        load_result(path)
    table.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    with pytest.raises(DamagedError, match=r"deficit\.parquet: altered since it was written"):
        load_result(path)
    table.write_bytes(data)
    manifest = path / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"draws": 50', '"draws": 5000'))
    with pytest.raises(DamagedError, match="manifest.json: altered since it was written"):
        load_result(path)


def test_a_folder_of_something_else_is_refused(tmp_path, deficit):
    with pytest.raises(DataError, match="no such folder"):
        load_result(tmp_path / "missing")
    (tmp_path / "other").mkdir()
    with pytest.raises(DataError, match="not a stored result: no manifest.json"):
        load_result(tmp_path / "other")
    path = save_result(deficit, tmp_path / "deficit")
    with pytest.raises(DataError, match="a stored 'demography.deficit', where 'verdict' was expected"):
        load_result(path, kind="verdict")
    with pytest.raises(Exception, match="already holds a finished run; pass --force"):
        save_result(deficit, path)
    assert save_result(deficit, path, force=True) == Path(path)

"""The data framework: catalog, load, the check registry and the generic checks."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import purgetoll.data as data
from purgetoll.data import Problem, TableInfo, catalog, check_all, check_table, load
from purgetoll.data._catalog import REQUIRED_FIELDS, parse_catalog, read_table_text
from purgetoll.data._registry import generic_problems, known_kinds, register_kind
from purgetoll.errors import DataError

DEMOGRAPHIC = {
    "census_1926_single", "census_1926_5y", "census_1937_single", "census_1937_5y",
    "census_1939_single", "census_1939_5y", "census_1959_single", "census_1959_5y",
    "census_10y", "sex_ratio_yearbook", "adh_5y", "life_tables", "life_expectancy_summary",
    "census_national_totals", "census_by_republic_and_city", "census_nationality_partial",
}  # fmt: skip


def _entry(name: str, **over: str) -> str:
    fields = {f: f"{f} of {name}" for f in REQUIRED_FIELDS} | {"name": name} | over
    body = "\n".join(f'{k} = "{v}"' for k, v in fields.items())
    return f"[[table]]\n{body}\n"


def test_catalog_lists_every_demographic_table_with_its_citation():
    cat = catalog()
    assert set(cat["name"]) >= DEMOGRAPHIC
    assert cat["name"].is_unique
    for col in ("name", "title", "kind", "unit", "territory", "period", "source", "caveats", "origin"):
        assert (cat[col].str.len() > 0).all(), col
    demo = cat[cat["group"] == "demographic"]
    assert set(demo["name"]) == DEMOGRAPHIC


def test_catalog_caveats_carry_the_documented_warnings():
    cav = catalog().set_index("name")["caveats"]
    assert "1,681,043 men and 1,526 women" in cav["census_1937_5y"]
    assert "162,003,225" in cav["census_1937_5y"]
    assert "2.8-2.9 MILLION" in cav["census_1939_5y"]
    assert "UNDERSTATE MORTALITY" in cav["life_tables"]
    assert "at most 3 thousand" in cav["adh_5y"]
    assert "POST-1945 BORDERS" in cav["census_1959_single"]


@pytest.mark.parametrize("name", sorted(DEMOGRAPHIC))
def test_load_attaches_citation_unit_and_caveats(name):
    df = load(name)
    info = data.table_info(name)
    assert len(df) > 0
    assert df.attrs["table"] == name
    assert df.attrs["source"] == info.source
    assert df.attrs["unit"] == info.unit
    assert df.attrs["caveats"] == info.caveats


def test_unknown_table_name_lists_the_valid_names():
    valid = ", ".join(sorted(catalog()["name"]))
    with pytest.raises(DataError) as err:
        load("census_1940")
    assert str(err.value) == f"census_1940: no such table in the catalog (valid names: {valid})"
    assert err.value.table == "census_1940"


def test_duplicate_table_names_name_both_catalog_files():
    with pytest.raises(DataError) as err:
        parse_catalog({"archive.toml": _entry("t1"), "demographic.toml": _entry("t1")})
    assert str(err.value) == (
        "catalog/demographic.toml, row [[table]] 1 (t1): table name 't1' is already defined in "
        "catalog/archive.toml"
    )


def test_catalog_entry_missing_fields_is_named():
    text = "[[table]]\nname = \"t1\"\nfile = \"t1.csv\"\n"
    with pytest.raises(DataError) as err:
        parse_catalog({"x.toml": text})
    assert str(err.value) == (
        "catalog/x.toml, row [[table]] 1 (t1): missing field(s) title, kind, unit, territory, "
        "period, source, caveats, origin"
    )


def test_catalog_empty_source_is_rejected():
    with pytest.raises(DataError) as err:
        parse_catalog({"x.toml": _entry("t1", source=" ")})
    assert str(err.value) == "catalog/x.toml, row [[table]] 1 (t1): field(s) source must be non-empty strings"


def test_catalog_bad_toml_names_the_file():
    with pytest.raises(DataError) as err:
        parse_catalog({"x.toml": "[[table]\nname = 1"})
    assert str(err.value).startswith("catalog/x.toml: not valid TOML (")


def test_catalog_merges_files_and_keeps_extra_fields():
    entries = parse_catalog({"b.toml": _entry("zz", kind="census") + 'ages = "5y"\n', "a.toml": _entry("aa")})
    assert [e.name for e in entries] == ["aa", "zz"]
    assert entries[1].group == "b" and entries[1].extra["ages"] == "5y"


def test_bundled_tables_pass_every_check():
    assert check_all() == []


def _info(kind: str, name: str = "t") -> TableInfo:
    return TableInfo(name, "t.csv", "t", kind, "persons", "USSR", "1937", "src", "none", "o", "g", MappingProxyType({}))


def test_unknown_kind_is_a_problem():
    (p,) = generic_problems(_info("no_such_kind"), pd.DataFrame({"a": [1]}))
    assert str(p) == f"t: kind 'no_such_kind' has no declared schema (known kinds: {', '.join(known_kinds())})"


def test_missing_column_is_named_with_the_expected_schema():
    df = load("census_1959_5y").drop(columns=["age_end"])
    assert [str(p) for p in check_table("census_1959_5y", df)] == [
        "census_1959_5y: missing column(s) age_end (expected date, sex, age, age_end, age_group, count)"
    ]


def test_duplicate_key_is_named():
    df = load("census_1926_5y")
    df = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    assert [str(p) for p in check_table("census_1926_5y", df)] == [
        "census_1926_5y, row date=1926-12-17, sex=male, age_group=15-19: duplicate key "
        "(expected one row per date, sex, age_group)"
    ]


def test_non_numeric_cell_is_named_on_read():
    info = data.table_info("census_1926_5y")
    text = "date,sex,age,age_end,age_group,count\n1926-12-17,male,0,4,0-4,12x\n"
    with pytest.raises(DataError) as err:
        read_table_text(info, text)
    assert str(err.value) == "census_1926_5y, row 0: column 'count' must hold whole numbers; got '12x'"


def test_declaring_a_kind_twice_is_refused():
    with pytest.raises(ValueError, match="table kind 'census' is declared twice"):
        register_kind("census", required=("a",), keys=("a",))


def test_problem_formats_like_data_error():
    p = Problem("t", "sex=male", "bad")
    assert str(p) == str(DataError("t", "bad", "sex=male")) == "t, row sex=male: bad"
    assert str(Problem("t", None, "bad")) == str(DataError("t", "bad"))


def test_every_private_module_is_imported_and_its_loaders_exported():
    """The discovery contract other families rely on (e.g. ``_archive.py``)."""
    for mod in pkgutil.iter_modules(data.__path__):
        if mod.name.startswith("_") and not mod.name.startswith("__"):
            module = importlib.import_module(f"purgetoll.data.{mod.name}")
            for name in getattr(module, "__all__", ()):
                assert getattr(data, name) is getattr(module, name)
                assert name in data.__all__


def test_a_crashing_check_is_reported_not_raised():
    df = load("sex_ratio_yearbook")
    df["age"] = df["age"].astype(object)
    df.loc[1, "age"] = "zero"
    problems = [str(p) for p in check_table("sex_ratio_yearbook", df)]
    assert len(problems) == 1
    assert problems[0].startswith("sex_ratio_yearbook: check yearbook_matches_1959_census could not run: ")


def test_package_code_never_reads_the_shared_folder():
    """The reference folder is read only by the maintainer tools (tools/), which the package does
    not contain."""
    root = Path(data.__file__).parents[1]
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "retab" not in path.name and "import retab" not in text, path
        assert "/work/shared" not in text and "../shared" not in text.replace("``../shared``", ""), path.name


def test_a_damaged_bundled_file_fails_on_load(monkeypatch):
    """Checks on load: a negative count in the file itself is refused by `load`, naming the row."""
    from purgetoll.data import _catalog

    info = data.table_info("census_1937_5y")
    text = "date,sex,age,age_end,age_group,count\n1937-01-06,male,0,4,0-4,-3\n1937-01-06,male,0,4,0-4,5\n"
    monkeypatch.setattr(_catalog, "table_info", lambda name: info)
    monkeypatch.setattr(_catalog, "_package_root", lambda: _FakeRoot(text))
    _catalog._load_bundled.cache_clear()
    try:
        with pytest.raises(DataError) as err:
            _catalog.load("census_1937_5y")
    finally:
        _catalog._load_bundled.cache_clear()
    assert str(err.value) == (
        "census_1937_5y, row date=1937-01-06, sex=male, age_group=0-4: duplicate key (expected one "
        "row per date, sex, age_group) (and 1 more problem(s); run `purgetoll data check`)"
    )


class _FakeRoot:
    """A stand-in for the package folder holding one table file."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __truediv__(self, _part: str) -> _FakeRoot:
        return self

    def is_file(self) -> bool:
        return True

    def read_text(self, encoding: str) -> str:
        return self.text


_names = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True), min_size=1, max_size=8, unique=True)


@given(names=_names, files=st.integers(1, 3), dup=st.data())
def test_catalog_merge_is_order_free_and_refuses_any_duplicate(names, files, dup):
    texts = {f"g{k}.toml": "" for k in range(files)}
    for i, n in enumerate(names):
        texts[f"g{i % files}.toml"] += _entry(n)
    assert [e.name for e in parse_catalog(texts)] == sorted(names)
    again = dup.draw(st.sampled_from(names))
    first = next(f for f in sorted(texts) if f'name = "{again}"' in texts[f])
    texts["zz.toml"] = _entry(again)
    with pytest.raises(DataError) as err:
        parse_catalog(texts)
    assert str(err.value).endswith(f"table name {again!r} is already defined in catalog/{first}")

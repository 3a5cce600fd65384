"""The results cache: a result is computed once and reused; the key covers everything it is
computed from; a damaged or stale entry is recomputed, never trusted; a busy entry is not waited
for."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import pytest

from purgetoll.folders import FolderLock, seal
from purgetoll.results import Need, ResultCache
from purgetoll.results.cache import ENV, default_cache_dir

CAPTURE = resources.files("purgetoll.mse.datasets").joinpath("mse_Korea_comfort_women_palembang.csv")
NEED = Need("demography.cohort_survival", start="adh:1939", end="census:1959", cohorts="1890-1926", draws=40,
            seed=2)


def _whats(cache: ResultCache) -> list[str]:
    return [what.split(":")[0] for _, _, what in cache.log]


def test_computed_once_then_reused_as_loaded(tmp_path):
    cache = ResultCache(tmp_path)
    first = cache.obtain(NEED)
    again = cache.obtain(NEED)
    assert _whats(cache) == ["computed", "reused"]
    assert first.to_csv() == again.to_csv() and first.attrs == again.attrs
    (entry,) = (tmp_path / "demography.cohort_survival").iterdir()
    manifest = json.loads((entry / "manifest.json").read_text())
    assert manifest["cache_key"] == cache.log[0][1] and entry.name == manifest["cache_key"][:32]
    assert manifest["settings"] == {**NEED.settings}


def test_the_key_covers_settings_version_code_data_and_named_files(tmp_path, monkeypatch):
    cache = ResultCache(tmp_path)
    key = cache.key(NEED.kind, NEED.settings)
    assert key == cache.key(NEED.kind, dict(reversed(NEED.settings.items())))  # canonical
    assert key != cache.key(NEED.kind, {**NEED.settings, "seed": 3})
    monkeypatch.setattr("purgetoll.results.cache.__version__", "9.9")
    assert key != cache.key(NEED.kind, NEED.settings)
    monkeypatch.undo()
    monkeypatch.setattr("purgetoll.results.cache.package_fingerprint", lambda: {"code": "other", "data": "same"})
    assert key != cache.key(NEED.kind, NEED.settings)
    monkeypatch.undo()
    # a file the settings name: its SHA-256 is part of the key
    capture = tmp_path / "lists.csv"
    shutil.copy(CAPTURE, capture)
    need = Need("mse.comparison", file=str(capture), specs=["loglinear:M0"])
    first = cache.obtain(need)
    capture.write_text(capture.read_text().replace(",6\n", ",7\n", 1))
    second = cache.obtain(need)
    assert _whats(cache) == ["computed", "computed"] and cache.log[0][1] != cache.log[1][1]
    assert first.loc[0, "n_observed"] + 1 == second.loc[0, "n_observed"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest", "stale"])
def test_a_damaged_or_stale_entry_is_recomputed_and_replaced(tmp_path, damage):
    cache = ResultCache(tmp_path)
    good = cache.obtain(NEED)
    (entry,) = (tmp_path / "demography.cohort_survival").iterdir()
    table = entry / "tables" / "cohort_survival.parquet"
    data = table.read_bytes()
    if damage == "truncate":
        table.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        table.write_bytes(data[:50] + bytes([data[50] ^ 4]) + data[51:])
    elif damage == "delete":
        table.unlink()
    elif damage == "manifest":
        text = (entry / "manifest.json").read_text()
        (entry / "manifest.json").write_text(text.replace('"draws": 40', '"draws": 41'))
    else:  # sealed again by hand, but made for other inputs than its key
        m = json.loads((entry / "manifest.json").read_text())
        m["cache_key"] = "0" * 64
        (entry / "manifest.json").write_text(json.dumps(seal(m)))
    again = ResultCache(tmp_path)
    back = again.obtain(NEED)
    (kind, key, what), = again.log
    assert what.startswith("recomputed: ") and str(entry) in what
    assert back.to_csv() == good.to_csv()
    (aside,) = (tmp_path / "damaged" / "demography.cohort_survival").iterdir()  # kept for a look
    assert aside.name.startswith(entry.name) and f"moved to {aside}" in what
    third = ResultCache(tmp_path)
    third.obtain(NEED)
    assert _whats(third) == ["reused"]  # the entry was replaced by a sound one


def test_an_entry_another_process_writes_is_computed_here_and_not_kept(tmp_path):
    cache = ResultCache(tmp_path)
    entry = cache.entry(NEED.kind, cache.key(NEED.kind, NEED.settings))
    entry.parent.mkdir(parents=True)
    with FolderLock(entry):  # held: as another process writing the same entry would
        result = cache.obtain(NEED)
    assert _whats(cache) == ["not kept"] and len(result) == 2
    assert not entry.exists()


def test_the_tests_never_write_to_the_users_cache():
    from tests.conftest import ENV as TESTS_ENV

    assert TESTS_ENV == ENV and default_cache_dir().name.startswith("purgetoll-cache-")


def test_without_a_cache_everything_is_computed_and_nothing_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path / "never"))
    cache = ResultCache(None)
    cache.obtain(NEED)
    cache.obtain(NEED)
    assert _whats(cache) == ["computed", "computed"]
    assert not (tmp_path / "never").exists()
    assert default_cache_dir() == tmp_path / "never"
    monkeypatch.delenv(ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "purgetoll"

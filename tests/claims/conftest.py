"""Shared helpers for the claims tests: the bundled records as TOML text, for damaging copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from purgetoll.claims import default_claims_path

#: The seed text, beside the repository (never read by the package at run time).
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_ba67f5ddd337c4cf.txt"


@pytest.fixture
def claims_text() -> str:
    """The bundled claims file, as text."""
    return default_claims_path().read_text(encoding="utf-8")


@pytest.fixture
def seed_lines() -> list[str]:
    """The seed text split into lines (skips when the shared folder is not beside the repo)."""
    if not SEED.exists():
        pytest.skip(f"seed text not found at {SEED} (only present in the development tree)")
    return SEED.read_text(encoding="utf-8").split("\n")

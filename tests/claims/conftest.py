"""Shared helpers for the claims tests: the bundled records as TOML text, for damaging copies."""

from __future__ import annotations

import pytest

from purgetoll.claims import default_claims_path
from tests.shared_folder import shared_path


@pytest.fixture
def claims_text() -> str:
    """The bundled claims file, as text."""
    return default_claims_path().read_text(encoding="utf-8")


@pytest.fixture
def seed_lines() -> list[str]:
    """The seed text split into lines (skips when the shared folder is not beside the repo).

    The package never reads it at run time."""
    return shared_path("seed", "000_ba67f5ddd337c4cf.txt").read_text(encoding="utf-8").split("\n")

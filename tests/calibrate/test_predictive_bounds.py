"""The archival figure's predictive interval stays within what such a figure can be."""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.calibrate.predictive import predictive_check


def _statistic(name: str, unit: str, value: float, sd: float) -> dict:
    return {"name": name, "role": "held_out", "group": "test", "value": value, "sd": sd, "unit": unit}


def test_a_share_near_zero_and_a_small_count_keep_their_bounds():
    rng = np.random.default_rng(3)
    draws = pd.DataFrame({"share_small": rng.uniform(0.0, 0.02, 400),  # the archive's sd dwarfs the draws
                          "share_large": rng.uniform(0.97, 1.0, 400),
                          "count_small": rng.poisson(3.0, 400).astype(float)})
    stats = pd.DataFrame([_statistic("share_small", "share", 0.01, 0.05),
                          _statistic("share_large", "share", 0.99, 0.05),
                          _statistic("count_small", "persons", 2.0, 10.0)])
    check = predictive_check(draws, stats, seed=1).set_index("name")
    # a normal error alone would reach about -0.09 and -19
    assert check.loc["share_small", "lower_95"] == 0.0 and check.loc["count_small", "lower_95"] == 0.0
    assert check.loc["share_large", "upper_95"] == 1.0
    assert check.loc["share_small", "upper_95"] < 0.12
    assert check["inside"].tolist() == [True, True, True]


def test_a_figure_far_from_its_bounds_is_judged_as_before():
    """Away from 0 the bounds change nothing: the interval is the simulation plus the archive's error."""
    rng = np.random.default_rng(4)
    x = rng.normal(700_000.0, 20_000.0, 2000)
    stats = pd.DataFrame([_statistic("arrests", "persons", 936_750.0, 46_000.0)])
    row = predictive_check(pd.DataFrame({"arrests": x}), stats, seed=2).iloc[0]
    half_width = 1.96 * np.hypot(20_000.0, 46_000.0)
    assert abs(row["lower_95"] - (700_000.0 - half_width)) < 6_000
    assert abs(row["upper_95"] - (700_000.0 + half_width)) < 6_000
    assert not row["inside"]

"""A toy terror machine whose truth is known: the calibration is tested on it.

Not history: a few lines of dynamics with the shape of the real mechanism (lists that grow by
the names the interrogated give, arrests limited by the interrogators' capacity, sentences a
month later, camps whose deaths follow a hazard), fast enough (well under a millisecond a run) to
calibrate hundreds of times. It takes the same call as a real simulator,
``ToyMachine()(values, seed, scale) -> {summary: value}``, with counts drawn as agents at ``scale``
(Poisson and binomial draws of ``count x scale`` agents, divided by ``scale``), so its Monte Carlo
noise shrinks with the scale like an agent model's.

Parameters (:data:`TOY_PRIORS`, :data:`TOY_TRUTH`): ``names_per_interrogation`` (names each
arrested person gives), ``capacity_persons_per_month`` (arrests the interrogators can make in a
month at full strength), ``shooting_share`` (of those sentenced), ``camp_mortality_per_1000_per_year``.
Fixed: lists of 300,000 at the start, the interrogators at a quarter strength until July 1937,
full strength August 1937 to October 1938, the halt in November 1938; 1,200,000 prisoners at the
start, who leave at 5% a year; the newly admitted die at twice the hazard for three months.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from purgetoll.calibrate.keys import seed_words
from purgetoll.calibrate.priors import Prior

__all__ = ["ToyMachine", "TOY_PRIORS", "TOY_TRUTH", "TOY_OUTPUTS", "toy_statistics", "TOY_FIT", "TOY_HELD_OUT"]

TOY_PRIORS: tuple[Prior, ...] = (
    Prior("names_per_interrogation", 0.5, 4.0, "linear", "persons", "assumption: toy"),
    Prior("capacity_persons_per_month", 2e4, 4e5, "log", "persons per month", "assumption: toy"),
    Prior("shooting_share", 0.2, 0.8, "linear", "share", "assumption: toy"),
    Prior("camp_mortality_per_1000_per_year", 10.0, 150.0, "log", "per 1000 per year", "assumption: toy"),
)
#: The parameter values the toy's synthetic archives are made with.
TOY_TRUTH: dict[str, float] = {"names_per_interrogation": 1.6, "capacity_persons_per_month": 9e4,
                               "shooting_share": 0.5, "camp_mortality_per_1000_per_year": 45.0}
MONTHS = 24  # 1937-01 .. 1938-12
_STRENGTH = np.array([0.25] * 7 + [1.0] * 15 + [0.02] * 2)
_LISTS_AT_START = 300_000.0
_PRISONERS_AT_START = 1_200_000.0
_RELEASE_PER_MONTH = 1 - np.exp(-0.05 / 12)
#: Every summary the toy returns.
TOY_OUTPUTS: tuple[str, ...] = (
    "arrests_1937", "arrests_1938", "convictions_1937", "convictions_1938", "death_sentences_1937",
    "death_sentences_1938", "camp_deaths_1937", "camp_deaths_1938", "camp_population_mean_1937",
    "camp_population_mean_1938", "camp_population_1939_01_01", "executions_1937_1938",
    "listed_1938_12", "months_to_saturation", "toll_executed", "toll_died_in_camps",
)
#: The toy archive's fitted and held-out statistics (:func:`toy_statistics`).
TOY_FIT: tuple[str, ...] = ("arrests_1937", "arrests_1938", "death_sentences_1937", "death_sentences_1938",
                            "camp_deaths_1937", "camp_deaths_1938", "camp_population_1939_01_01")
TOY_HELD_OUT: tuple[str, ...] = ("convictions_1937", "convictions_1938", "executions_1937_1938",
                                 "camp_population_mean_1937", "camp_population_mean_1938")


def toy_statistics(seed: int = 0, truth: Mapping[str, float] | None = None, relative_sd: float = 0.05,
                   scale: float = 1.0) -> pd.DataFrame:
    """A synthetic archive made by the toy at ``truth`` (default :data:`TOY_TRUTH`): one run at ``scale``
    with ``seed``, each figure then given an archival error (normal, ``relative_sd`` of the figure,
    keyed by the seed) and that sd, as a statistics table (:mod:`purgetoll.calibrate.statistics`)."""
    run = ToyMachine()({**TOY_TRUTH, **(truth or {})}, seed, scale)
    rng = np.random.default_rng(seed_words(seed, "toy-archive"))
    rows = []
    for role, names in (("fit", TOY_FIT), ("held_out", TOY_HELD_OUT)):
        for n in names:
            sd = relative_sd * abs(run[n])
            rows.append({"name": n, "role": role, "group": "toy", "value": run[n] + sd * rng.standard_normal(),
                         "sd": sd, "unit": "persons", "confidence": "toy", "sd_rule": f"{relative_sd:.0%} of the value",
                         "table": "toy", "rows": "", "citation": f"ToyMachine at {dict(truth or TOY_TRUTH)}, seed {seed}",
                         "note": "synthetic"})
    return pd.DataFrame(rows)


class ToyMachine:
    """The toy simulator (see the module docstring); deterministic in ``(values, seed, scale)``."""

    name = "toy"

    def priors(self) -> list[Prior]:
        return list(TOY_PRIORS)

    def reference_values(self) -> dict[str, float]:
        """Where the Monte Carlo noise is measured: the prior medians."""
        return {p.name: p.median() for p in TOY_PRIORS}

    def describe(self) -> dict[str, Any]:
        return {"simulator": "toy", "doc": (__doc__ or "").strip().splitlines()[0], "outputs": list(TOY_OUTPUTS)}

    def __call__(self, values: Mapping[str, float], seed: int, scale: float) -> dict[str, float]:
        v = {**TOY_TRUTH, **values}
        rng = np.random.default_rng(seed)
        r = float(v["names_per_interrogation"])
        cap = float(v["capacity_persons_per_month"]) * scale
        q = float(v["shooting_share"])
        h = 1 - np.exp(-float(v["camp_mortality_per_1000_per_year"]) / 1000 / 12)
        lists = _LISTS_AT_START * scale
        old = rng.binomial(int(round(_PRISONERS_AT_START * scale)), 1.0)  # agents inside at the start
        new = np.zeros(MONTHS + 1)  # admitted in month m, still inside
        arrests = np.zeros(MONTHS)
        conv = np.zeros(MONTHS)
        shot = np.zeros(MONTHS)
        deaths = np.zeros(MONTHS)
        pop = np.zeros(MONTHS + 1)
        saturated = -1
        pending = 0
        for m in range(MONTHS):
            pop[m] = old + new.sum()
            conv[m] = pending
            shot[m] = rng.binomial(int(pending), q)
            new[m] += pending - shot[m]
            want = cap * _STRENGTH[m]
            if saturated < 0 and lists > want and m >= 7:
                saturated = m
            a = rng.poisson(min(want, max(lists, 0.0)))
            arrests[m] = a
            pending = a
            lists += rng.poisson(r * a) - a
            # deaths: the old at h, the newly admitted at 2h for three months
            d_old = rng.binomial(int(old), h)
            rel = rng.binomial(int(old - d_old), _RELEASE_PER_MONTH)
            old -= d_old + rel
            d_new = 0
            for k in range(max(0, m - 12), m + 1):
                if new[k] > 0:
                    hk = 1 - (1 - h) ** 2 if m - k < 3 else h
                    dk = rng.binomial(int(new[k]), hk)
                    new[k] -= dk
                    d_new += dk
            deaths[m] = d_old + d_new
        pop[MONTHS] = old + new.sum()
        s = 1.0 / scale
        y37, y38 = slice(0, 12), slice(12, 24)
        return {
            "arrests_1937": arrests[y37].sum() * s, "arrests_1938": arrests[y38].sum() * s,
            "convictions_1937": conv[y37].sum() * s, "convictions_1938": conv[y38].sum() * s,
            "death_sentences_1937": shot[y37].sum() * s, "death_sentences_1938": shot[y38].sum() * s,
            "camp_deaths_1937": deaths[y37].sum() * s, "camp_deaths_1938": deaths[y38].sum() * s,
            "camp_population_mean_1937": pop[0:13].mean() * s, "camp_population_mean_1938": pop[12:25].mean() * s,
            "camp_population_1939_01_01": pop[MONTHS] * s,
            "executions_1937_1938": shot.sum() * s,
            "listed_1938_12": max(lists, 0.0) * s,
            "months_to_saturation": float(saturated) if saturated >= 0 else float("nan"),
            "toll_executed": shot.sum() * s,
            "toll_died_in_camps": deaths.sum() * s,
        }

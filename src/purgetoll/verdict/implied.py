"""The toll the censuses imply: excess deaths 6 Jan 1937 - 17 Jan 1939 over the error model.

For each draw of the error model (:mod:`purgetoll.demography.evidence`):

* the **expected** 1939 population: the 1937 census corrected by the draw (coverage, digit
  preference, army and NKVD contingent: :func:`~purgetoll.demography.census_errors.true_1937`) carried
  to 17 Jan 1939 by the cohort-component projection under the draw's baseline (life tables with its
  under-registration factors, births scaled: :mod:`purgetoll.demography.baseline`); those born between
  the censuses (ages 0-2 in 1939) are in it, from the births series;
* the **observed** 1939 population: the 1939 census (the real one or the user's) corrected by the
  draw (digit preference, the padding placed by the draw:
  :func:`~purgetoll.demography.census_errors.true_1939`);
* the **implied excess** = expected - observed, by sex and single age in 1939.

**The baseline anchored where the Terror barely reached** (the method, stated in every output).
Women were about 2% of the executed and 6-8% of the prisoners; children under 15 were not shot. The
draws are weighted by how well two quantities the Terror barely touched come out (importance
weighting of the prior draws with Gaussian kernels, a form of approximate Bayesian computation):

1. women's implied excess, all ages and aged 20-59 in 1939 (two anchors), against women's share of
   the documented deaths applied to the men's implied excess of the same ages, ``F - r M`` with ``r`` =
   women's / men's documented deaths in the same draw (:mod:`.floor`), tolerance
   ``anchor_women_tolerance_persons`` each;
2. the implied excess of children under 15 in 1939 (both sexes) against 0, tolerance
   ``anchor_children_tolerance_persons``.

The corrections that move both sexes alike (the padding total, the 1937 under-count, the baseline
mortality, births) are thereby pinned by the women and the children; the men's excess is read over
the weighted draws. Intervals are equal-tailed weighted quantiles (:func:`purgetoll.intervals.quantile_interval`),
reported only from at least 200 effective draws.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from purgetoll.demography import census_single
from purgetoll.demography.baseline import BASELINE_METHOD, expected, qx_for
from purgetoll.demography.census_errors import true_1937, true_1939
from purgetoll.demography.evidence import ErrorDraws, ErrorModel, component, components
from purgetoll.intervals import Interval, quantile_interval
from purgetoll.params import format_number
from purgetoll.verdict.floor import Floor, floor_draws
from purgetoll.verdict.sampler import PILOT_SHARE, ROUNDS, TARGET_ESS, Proposal, fit_proposal

__all__ = ["Reading", "read_census", "AGES", "CHILDREN", "METHOD", "DEFAULT_DRAWS", "CENSUS_1937", "CENSUS_1939",
           "closers"]

CENSUS_1937, CENSUS_1939 = "1937-01-06", "1939-01-17"
SEXES = ("male", "female")
#: The age groups of the implied toll, by age on 17 Jan 1939 (inclusive; None: open).
AGES: dict[str, tuple[int, int | None]] = {"all": (0, None), "20-59": (20, 59)}
CHILDREN = (0, 14)
DEFAULT_DRAWS = 20_000
METHOD = (
    "Implied excess deaths 6 Jan 1937 - 17 Jan 1939 = expected 1939 population (the 1937 census corrected by each "
    "draw of the error model, projected by cohort components under the draw's baseline mortality and births; "
    "those born between the censuses included) minus the 1939 census corrected by the same draw (digit "
    "preference, padding by sex and age). The baseline is anchored where the Terror barely reached: draws are "
    "weighted (importance weights, Gaussian kernels) by how close women's implied excess, all ages and aged 20-59, "
    "comes to women's share of the documented deaths times the men's (tolerance {tau_f:,.0f} each) and the implied "
    "excess of children under 15 to 0 (tolerance {tau_k:,.0f}); the men's excess is read over the weighted draws. "
    "95% intervals: "
    "equal-tailed weighted quantiles of the draws (seed {seed}), reported from at least 200 effective draws."
)


def _group(arr: np.ndarray, lo: int, hi: int | None) -> np.ndarray:
    return arr[..., lo:(hi + 1 if hi is not None else None)].sum(-1)


def _hash(*arrays: np.ndarray | None) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(b"none" if a is None else np.ascontiguousarray(a, dtype=float).tobytes())
    return h.hexdigest()


_EXPECTED_CACHE: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _expected(census_1937: np.ndarray, draws: ErrorDraws,
              key: tuple[Any, ...] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 1937 population (D, 2, 101), the expected 1939 population (D, 2, 101) and the baseline death
    rate of men 20-59 (D,) of each draw; cached by ``key`` (the same draws of the same census)."""
    if key is not None and key in _EXPECTED_CACHE:
        return _EXPECTED_CACHE[key]
    p37 = true_1937(census_1937, draws)
    exp = expected(p37, CENSUS_1937, CENSUS_1939, draws).population
    q = qx_for(draws)(1938.0)[:, 0, 20:60]
    w = exp[:, 0, 20:60]
    rate = (w * -np.log1p(-q)).sum(-1) / w.sum(-1)
    out = (p37, exp, rate)
    if key is not None:
        if len(_EXPECTED_CACHE) > 8:
            _EXPECTED_CACHE.clear()
        _EXPECTED_CACHE[key] = out
    return out


@dataclass(frozen=True)
class Reading:
    """A census read through the error model: per-draw expected and observed 1939 populations, weights."""

    reference: str
    draws: ErrorDraws
    start: np.ndarray  # (D, 2, 101) the 1937 population of each draw
    expected: np.ndarray  # (D, 2, 101)
    observed: np.ndarray  # (D, 2, 101)
    weights: np.ndarray  # (D,)
    floor: Floor
    seed: int
    census_1937: np.ndarray = field(repr=False)
    census_1939: np.ndarray | None = field(repr=False)  # None: the observed population is given as is (ADH)
    prior_ratio: np.ndarray = field(repr=False, default_factory=lambda: np.ones(0))  # p / q of each draw
    sampler: str = "prior"

    @property
    def excess(self) -> np.ndarray:
        """Implied excess deaths (D, 2, 101) by sex and age on 17 Jan 1939 (computed once)."""
        cached = self.__dict__.get("_excess")
        if cached is None:
            cached = self.expected - self.observed
            object.__setattr__(self, "_excess", cached)
        return cached

    def measure(self, sex: str, ages: str | tuple[int, int | None]) -> np.ndarray:
        """Implied excess (D,) of ``sex`` (``male``, ``female`` or ``both``) at ``ages`` (a key of
        :data:`AGES` or a (lo, hi) pair)."""
        lo, hi = AGES[ages] if isinstance(ages, str) else ages
        e = self.excess if sex == "both" else self.excess[:, SEXES.index(sex)]
        out = _group(e, lo, hi)
        return out.sum(-1) if sex == "both" else out

    def interval(self, x: np.ndarray) -> Interval:
        return quantile_interval(x, self.weights)

    @property
    def ess(self) -> float:
        w = self.weights
        return float(w.sum() ** 2 / np.square(w).sum())

    def method(self) -> str:
        tau_f = float(self.draws["anchor_women_tolerance_persons"][0])
        tau_k = float(self.draws["anchor_children_tolerance_persons"][0])
        return (METHOD.format(tau_f=tau_f, tau_k=tau_k, n=self.draws.n, seed=self.seed) + f" Draws: {self.sampler}. "
                f"Baseline: {BASELINE_METHOD}.")

    def anchors(self) -> pd.DataFrame:
        """The anchors: what each is held to, its tolerance, and how it came out before and after weighting.

        Three weigh the draws (women all ages, women 20-59, children under 15 of both sexes); boys and girls
        apart are shown, not weighted (``weighted`` false)."""
        r = self.floor.deaths["female"] / self.floor.deaths["male"]
        share = "0: women's share of the documented deaths (women_share_executed, women_share_camp_deaths)"
        rows = []
        for name, sex, ages, x, target, tol, weighted in (
            ("women, all ages: implied excess minus women's share x men's", "female", "all",
             self.measure("female", "all") - r * self.measure("male", "all"), share,
             "anchor_women_tolerance_persons", True),
            ("women aged 20-59 in 1939: implied excess minus women's share x men's", "female", "20-59",
             self.measure("female", "20-59") - r * self.measure("male", "20-59"), share,
             "anchor_women_tolerance_persons", True),
            ("children under 15 in 1939, both sexes: implied excess", "both", "0-14", self.measure("both", CHILDREN),
             "0", "anchor_children_tolerance_persons", True),
            ("boys under 15 in 1939: implied excess (shown, not weighted)", "male", "0-14",
             self.measure("male", CHILDREN), "0", "anchor_children_tolerance_persons", False),
            ("girls under 15 in 1939: implied excess (shown, not weighted)", "female", "0-14",
             self.measure("female", CHILDREN), "0", "anchor_children_tolerance_persons", False),
        ):
            prior = quantile_interval(x, self.prior_ratio if self.prior_ratio.size else None)
            post = self.interval(x)
            rows.append({"anchor": name, "sex": sex, "ages": ages, "target": target, "weighted": weighted,
                         "tolerance": float(self.draws[tol][0]),
                         "prior_estimate": prior.estimate, "prior_lower_95": prior.lower,
                         "prior_upper_95": prior.upper, "estimate": post.estimate, "lower_95": post.lower,
                         "upper_95": post.upper, "effective_draws": self.ess, "n_draws": self.draws.n})
        return pd.DataFrame(rows)


def _weights(excess: np.ndarray, floor: Floor, draws: ErrorDraws) -> np.ndarray:
    r = floor.deaths["female"] / floor.deaths["male"]
    tau_f, tau_k = draws["anchor_women_tolerance_persons"], draws["anchor_children_tolerance_persons"]
    log_w = -0.5 * (_group(excess, *CHILDREN).sum(-1) / tau_k) ** 2
    for lo, hi in AGES.values():
        women, men = _group(excess[:, 1], lo, hi), _group(excess[:, 0], lo, hi)
        log_w = log_w - 0.5 * ((women - r * men) / tau_f) ** 2
    return np.exp(log_w - log_w.max())


def _read(c37: np.ndarray, c39: np.ndarray | None, observed: np.ndarray | None, d: ErrorDraws, ratio: np.ndarray,
          key: tuple[Any, ...] | None, reference: str, seed: int, sampler: str) -> Reading:
    p37, exp, rate = _expected(c37, d, key)
    if observed is not None:
        obs = np.broadcast_to(np.asarray(observed, dtype=float), exp.shape).copy()
    elif c39 is not None:
        obs = true_1939(c39, d)
    else:
        raise ValueError("the 1939 census or observed counts are needed")
    fl = floor_draws(d, rate)
    w = _weights(exp - obs, fl, d) * ratio
    return Reading(reference, d, p37, exp, obs, w / w.max(), fl, seed, c37, c39, ratio, sampler)


def read_census(census_1939: np.ndarray | None, *, model: ErrorModel | None = None, draws: int = DEFAULT_DRAWS,
                seed: int = 0, census_1937: np.ndarray | None = None, observed: np.ndarray | None = None,
                reference: str = "census", adapt: bool = True, proposal: Proposal | None = None,
                pilot: int | None = None) -> Reading:
    """Read a 1939 census (persons by sex and age, (2, 101), padding included) through the error model.

    ``census_1937`` defaults to the bundled 1937 census age table (unknown ages spread). Give
    ``observed`` (2, 101) instead of ``census_1939`` to read a population that needs no census
    correction (ADH's reconstruction): it is taken as the 1939 population in every draw.

    Draws (:mod:`purgetoll.verdict.sampler`): with ``adapt`` (default) a pilot of ``pilot`` prior draws
    (default a quarter of ``draws``, at least 4,000; its projection is cached, so readings of several
    censuses share it) fits a proposal where the anchors put weight, and ``draws`` draws come from its defensive
    mixture with the prior, importance-weighted back to the prior; ``proposal`` reuses a fitted one
    (its draws are then the same whatever the census, so their projection is computed once);
    ``adapt=False`` draws from the prior alone.
    """
    model = model or ErrorModel.default()
    c37 = census_single(1937) if census_1937 is None else np.asarray(census_1937, dtype=float)
    c39 = None if observed is not None else np.asarray(census_1939, dtype=float)
    settings = tuple(sorted(model.settings.items()))
    if proposal is None and adapt:
        n_pilot = pilot if pilot is not None else max(int(draws * PILOT_SHARE), 4000)
        pilot_draws = model.draw(n_pilot, seed)
        pilot_reading = _read(c37, c39, observed, pilot_draws, np.ones(n_pilot),
                              (settings, n_pilot, seed, _hash(c37), "prior"), reference, seed, "prior")
        proposal = fit_proposal(model, pilot_reading.draws, pilot_reading.weights, seed)
    if proposal is None:
        d, ratio = model.draw(draws, seed), np.ones(draws)
        return _read(c37, c39, observed, d, ratio, (settings, draws, seed, _hash(c37), "prior"), reference, seed,
                     f"{draws:,} draws of the prior")
    reading: Reading | None = None
    for _ in range(ROUNDS):
        d, ratio = proposal.draw(model, draws, seed)
        sampler = (f"{draws:,} draws: {proposal.defensive:.0%} from the prior, the rest from a normal proposal over "
                   f"{len(proposal.names)} continuous components fitted to weighted draws (round {proposal.round}), "
                   "importance-weighted back to the prior")
        reading = _read(c37, c39, observed, d, ratio, (settings, draws, seed, _hash(c37), proposal.key), reference,
                        seed, sampler)
        if reading.ess >= TARGET_ESS or not adapt:
            break
        refit = fit_proposal(model, reading.draws, reading.weights, seed, round=proposal.round + 1)
        if refit is None:
            break
        proposal = refit
    if reading is None:  # ROUNDS >= 1
        raise RuntimeError("no round of the adaptive sampler ran")
    return reading


# -- which assumption closes a gap ----------------------------------------------------------------
def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    return quantile_interval(x, w, min_draws=0).estimate


def closers(reading: Reading, sex: str, ages: str | tuple[int, int | None], target: float, *,
            points: int = 41) -> list[dict[str, Any]]:
    """For the implied excess of ``sex`` at ``ages``: each drawn assumption that, moved alone within its
    range (the others at their weighted medians), brings the excess to ``target``; with the value that
    does it. Sorted by how far into its range the value lies."""
    model = reading.draws.model
    drawn = [c for c in components() if model.prior(c.name)[0] != "fixed"]
    base = {c.name: _weighted_median(reading.draws[c.name], reading.weights) for c in components()}
    for c in components():
        if model.prior(c.name)[0] == "fixed":
            base[c.name] = float(reading.draws[c.name][0])
    grids: dict[str, np.ndarray] = {}
    rows: list[dict[str, float]] = []
    for c in drawn:
        _, lo, hi = model.prior(c.name)
        g = np.linspace(lo, hi, points)
        if c.draw == "integers":
            g = np.unique(np.round(g))
        grids[c.name] = g
        for v in g:
            rows.append(base | {c.name: float(v)})
    values = {name: np.array([r[name] for r in rows]) for name in base}
    d = ErrorDraws(values, None, model)
    _, exp, _ = _expected(reading.census_1937, d, None)
    obs = (np.broadcast_to(reading.observed[0], exp.shape) if reading.census_1939 is None
           else true_1939(reading.census_1939, d))
    lo_a, hi_a = AGES[ages] if isinstance(ages, str) else ages
    e = exp - obs
    y = _group(e, lo_a, hi_a).sum(-1) if sex == "both" else _group(e[:, SEXES.index(sex)], lo_a, hi_a)
    out, k = [], 0
    for name, g in grids.items():
        ys = y[k:k + g.size]
        k += g.size
        s = np.sign(ys - target)
        cross = np.nonzero(s[:-1] * s[1:] <= 0)[0]
        if cross.size == 0:
            continue
        j = int(cross[0])
        y0, y1 = ys[j], ys[j + 1]
        v = float(g[j] if y1 == y0 else g[j] + (target - y0) * (g[j + 1] - g[j]) / (y1 - y0))
        c = component(name)
        _, plo, phi = model.prior(name)
        out.append({"assumption": name, "value": v, "range_low": plo, "range_high": phi, "unit": c.param.unit,
                    "central": base[name]})
    return out


def describe_closers(found: list[dict[str, Any]]) -> str:
    """``padding_1939_persons at 2,950,000 persons (range 1,686,093-2,957,093); ...`` or a statement that none does."""
    if not found:
        return "no single assumption within its stated range closes it"

    def fmt(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 1000 else format_number(round(x, 4))

    return "; ".join(f"{f['assumption']} at {fmt(f['value'])} (range {fmt(f['range_low'])}-{fmt(f['range_high'])}"
                     f"{' ' + f['unit'] if f['unit'] else ''})" for f in found)


def with_reference(reading: Reading, observed: np.ndarray, reference: str) -> Reading:
    """The same draws, expected populations and weights read against another 1939 population (ADH's):
    the baseline as the census's anchors pinned it, ADH's 1939 in place of the corrected census."""
    obs = np.broadcast_to(np.asarray(observed, dtype=float), reading.expected.shape).copy()
    return replace(reading, reference=reference, observed=obs, census_1939=None)

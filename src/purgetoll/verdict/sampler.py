"""Where the verdict draws the error model: the prior, or a proposal fitted to where the anchors put weight.

Weighting draws of the prior by the anchors keeps only a few per cent of them (the anchors pin a few
combinations of twenty-odd components), so a 95% interval from 200 effective draws would need tens of
thousands of projections. A proposal spends the draws where the weight is, and importance weights
correct for it exactly, so the answer is the same as from the prior, with less noise:

* a pilot of prior draws is weighted by the anchors;
* the continuous components drawn uniformly (those of the censuses and the baseline; the floor's and
  the anchors' stay at their prior) get a multivariate normal with the pilot's weighted mean and
  covariance, inflated (``INFLATE``), truncated to the prior's box;
* the final draws come from the defensive mixture ``q = a p + (1 - a) g / Z`` (``a`` = :data:`DEFENSIVE`
  of them from the prior ``p``, the rest from the truncated normal ``g``, ``Z`` its mass in the box), so
  every region of the prior keeps draws; each draw's weight is the anchors' likelihood times ``p / q``.

If the final draws keep fewer than :data:`TARGET_ESS` effective draws, the proposal is refitted on them
and the draws made again (at most :data:`ROUNDS` rounds).

Integer components, fixed ones and the padding's Dirichlet spread are drawn from the prior in every
draw (they cancel in ``p / q``). Everything is keyed by the seed: the same census, settings and seed
give the same draws and the same numbers on any machine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from purgetoll.demography.evidence import ErrorDraws, ErrorModel, components
from purgetoll.demography.streams import stream

__all__ = ["Proposal", "fit_proposal", "adapted_names", "INFLATE", "DEFENSIVE", "PILOT_SHARE", "TARGET_ESS", "ROUNDS"]

#: Covariance of the pilot's weighted draws is multiplied by this (wider than the target: safe tails).
INFLATE = 2.0
#: Share of the final draws taken from the prior (the defensive part of the mixture).
DEFENSIVE = 0.2
#: Share of the draws spent on the pilot.
PILOT_SHARE = 0.25
#: Effective draws below which the proposal is refitted and the draws made again, and the most rounds.
TARGET_ESS, ROUNDS = 400, 3
#: Groups of components adapted (the floor's and the anchors' stay at their prior).
ADAPTED_GROUPS = ("1937 census", "1937 and 1939 censuses", "1939 census", "baseline", "territory")


def adapted_names(model: ErrorModel) -> tuple[str, ...]:
    """The components drawn from the proposal: continuous, drawn uniformly, in an adapted group."""
    return tuple(c.name for c in components()
                 if c.group in ADAPTED_GROUPS and model.prior(c.name)[0] == "uniform"
                 and model.prior(c.name)[1] < model.prior(c.name)[2])


@dataclass(frozen=True)
class Proposal:
    """A truncated multivariate normal over the adapted components, mixed with the prior."""

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    chol: np.ndarray
    box_mass: float
    defensive: float = DEFENSIVE
    round: int = 1

    @property
    def key(self) -> str:
        h = hashlib.sha256()
        for a in (self.low, self.high, self.mean, self.chol, np.array([self.box_mass, self.defensive, self.round])):
            h.update(np.ascontiguousarray(a, dtype=float).tobytes())
        h.update(",".join(self.names).encode())
        return h.hexdigest()[:16]

    def _logpdf(self, x: np.ndarray) -> np.ndarray:
        z = np.linalg.solve(self.chol, (x - self.mean).T).T
        k = len(self.names)
        return -0.5 * (z ** 2).sum(-1) - np.log(np.diag(self.chol)).sum() - 0.5 * k * np.log(2 * np.pi)

    def _sample(self, n: int, seed: int) -> np.ndarray:
        gen = stream(seed, f"verdict.proposal.{self.round}")
        out, have = [], 0
        while have < n:
            z = gen.standard_normal(size=(max(2 * n, 1000), len(self.names)))
            x = self.mean + z @ self.chol.T
            x = x[((x >= self.low) & (x <= self.high)).all(-1)]
            out.append(x)
            have += len(x)
        return np.concatenate(out)[:n]

    def draw(self, model: ErrorModel, n: int, seed: int) -> tuple[ErrorDraws, np.ndarray]:
        """``n`` draws from the mixture and each draw's prior over proposal density ratio ``p / q``."""
        d = model.draw(n, seed)
        k = n - int(round(self.defensive * n))
        values = {name: np.array(v, copy=True) for name, v in d.values.items()}
        x = np.stack([values[name] for name in self.names], axis=-1)
        x[n - k:] = self._sample(k, seed)
        for j, name in enumerate(self.names):
            values[name] = x[:, j]
        volume = float(np.prod(self.high - self.low))
        g = np.exp(self._logpdf(x)) / self.box_mass
        ratio = 1.0 / (self.defensive + (1 - self.defensive) * g * volume)
        return ErrorDraws(values, d.dirichlet_normals, model), ratio


def fit_proposal(model: ErrorModel, pilot: ErrorDraws, weights: np.ndarray, seed: int,
                 *, inflate: float = INFLATE, defensive: float = DEFENSIVE, round: int = 1) -> Proposal | None:
    """A proposal from weighted draws (``weights``: the anchors' likelihood times prior over proposal
    density, i.e. the posterior weights); None when they have too few effective draws (under 20) to
    estimate a covariance, or nothing is adapted. ``round`` keys the proposal's own stream."""
    names = adapted_names(model)
    w = np.asarray(weights, dtype=float)
    if not names or w.sum() <= 0 or w.sum() ** 2 / np.square(w).sum() < 20:
        return None
    x = np.stack([pilot[name] for name in names], axis=-1)
    p = w / w.sum()
    mean = p @ x
    cov = ((x - mean) * p[:, None]).T @ (x - mean) * inflate
    low = np.array([model.prior(n)[1] for n in names])
    high = np.array([model.prior(n)[2] for n in names])
    cov += np.diag(((high - low) * 1e-4) ** 2)  # never singular
    chol = np.linalg.cholesky(cov)
    gen = stream(seed, "verdict.proposal.box")
    z = gen.standard_normal(size=(200_000, len(names)))
    inside = ((mean + z @ chol.T >= low) & (mean + z @ chol.T <= high)).all(-1).mean()
    if inside <= 0:
        return None
    return Proposal(names, low, high, mean, chol, float(inside), defensive, round)

"""Order 00447 in mechanism mode: the limits as issued, raised at the regions' requests, filled within capacity.

**Limits as issued** (30 Jul 1937, ``operations("limits")``, Werth's table): by republic, category 1
(shooting) and 2 (camps) (the 10,000 category-1 limit of the NKVD camps is
not drawn: prisoners already in camps are not re-arrested). Each republic's NKVD worked through its
oblast administrations; the bundle has the limits of only a few of them, so each republic's limit is
split evenly into ``limit_unit_persons``-sized units (the RSFSR's 189,600 into 47 units of about
4,000, the size of Kalinin oblast's limit; an assumption standing for the oblasts).

**Filling** (from ``order_yyyymm`` to the halt): each month a unit asks to arrest
``limit_fill_share_per_month`` of what is left of its limit; the operations share the interrogators'
capacity (:mod:`~purgetoll.sim.modules.custody`); the operation's whole agents are split among the
republics in proportion to what their units asked (:func:`split_whole`, each republic its due on
average at every scale), and a republic's arrests are charged to its units in proportion to what each
asked.

**Raised on the regions' requests** (until ``limit_requests_until_yyyymm``): a unit that has used
``limit_request_threshold`` of its limit asks Moscow for more with probability
``limit_request_probability_per_month`` (a keyed draw per unit and month); the Politburo granted
``limit_raise_share`` of the unit's initial limit each time, ``limit_raise_category1_share`` of it in
category 1 (Kalinin oblast: +1,500 category 1 on 16 Sep 1937, +700 and +1,000 on 13 Dec 1937, +1,500
and +500 on 31 Jan 1938, ``operations("regional_limits")``). How far the limits were raised, and so how
many were arrested and shot under the order, emerges.

**Categories**: the troikas (``sentencing``) sentence to category 1 within what is left of the
republic's category-1 limit (:meth:`Limits.take_category1`), which is charged, like the arrests
(:meth:`Limits.record`), with what was due rather than with its whole agents.

Random decisions: ``terror.limits.request`` (step, unit number), ``terror.limits.by_republic`` (step, 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from purgetoll.data import operations
from purgetoll.errors import DataError
from purgetoll.sim import rng

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Limits", "initial_limits", "split_whole"]


def initial_limits() -> dict[str, tuple[float, float]]:
    """Republic -> (category 1, category 2) initial limits of 30 Jul 1937 (Werth, ``operations("limits")``)."""
    df = operations("limits")
    df = df[(df["stage"] == "initial") & (df["region_type"] == "republic") & df["category"].astype(str).isin(["1", "2"])]
    out: dict[str, list[float]] = {}
    for row in df.itertuples():
        out.setdefault(str(row.region), [0.0, 0.0])[int(str(row.category)) - 1] += float(row.value)
    if not out:
        raise DataError("order_00447_limits_1937", "no republic limits found (expected rows of region_type 'republic')")
    return {r: (c[0], c[1]) for r, c in out.items()}


def split_whole(agents: int, weights: np.ndarray, u: float) -> np.ndarray:
    """``agents`` whole agents split in proportion to ``weights`` (non-negative, not all 0).

    Systematic sampling from the offset ``u`` in [0, 1): part ``i`` gets the whole numbers that fall
    in its stretch ``[C_(i-1) + u, C_i + u)`` of the cumulative dues ``C``, so the floor or the ceiling
    of its due, exactly its due on average over ``u``, and the parts add up to ``agents``. Why not a
    carry per part with the largest remainders: a carry driven below -1 asks for a negative number of
    agents, which no draw takes back, so the small republics would get about one agent too many a run
    (a thousand persons at scale 0.001, ten thousand at 0.0001), taken from the RSFSR's arrests and
    from its requests for higher limits.
    """
    due = np.cumsum(agents * np.asarray(weights, dtype=float) / float(np.sum(weights)))
    due[-1] = agents  # exact: the parts add up to agents whatever the rounding of the sum
    edges = np.floor(np.concatenate(([0.0], due)) + u)
    return np.diff(edges).astype(np.int64)


class Limits:
    """The limits of Order 00447 by unit (state of ``mass_operation`` in mechanism mode)."""

    def __init__(self, values: Mapping[str, Any], republics: tuple[str, ...]) -> None:
        self.v = values
        table = initial_limits()
        unit = float(values["limit_unit_persons"])
        rep, cat1, cat2 = [], [], []
        for r, name in enumerate(republics):
            if name not in table:
                continue
            c1, c2 = table[name]
            k = max(1, int(round((c1 + c2) / unit)))
            rep += [r] * k
            cat1 += [c1 / k] * k
            cat2 += [c2 / k] * k
        self.republic = np.asarray(rep, dtype=np.int64)  # republic index of each unit
        self.n_republics = len(republics)
        self.initial1, self.initial2 = np.asarray(cat1), np.asarray(cat2)
        self.limit1, self.limit2 = self.initial1.copy(), self.initial2.copy()  # persons
        self.used = np.zeros(self.republic.size)  # persons charged against the unit's limit (record)
        self.used1 = np.zeros(self.n_republics)  # category-1 sentences charged by republic (persons)
        self.requests = np.zeros(self.republic.size, dtype=np.int64)
        self._asked = np.zeros(self.republic.size)

    def state_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k).tolist() for k in ("limit1", "limit2", "used", "used1", "requests")}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for k in ("limit1", "limit2", "used", "used1"):
            setattr(self, k, np.asarray(state[k], dtype=float))
        self.requests = np.asarray(state["requests"], dtype=np.int64)

    def demand_persons(self) -> float:
        """What the units ask to arrest this month (persons)."""
        left = np.maximum(self.limit1 + self.limit2 - self.used, 0.0)
        self._asked = float(self.v["limit_fill_share_per_month"]) * left
        return float(self._asked.sum())

    def by_republic(self, sim: Sim, step: int, agents: int) -> np.ndarray:
        """Whole agents per republic for ``agents`` granted this month, in proportion to what was asked
        (:func:`split_whole`, from the keyed draw ``terror.limits.by_republic`` of the month)."""
        asked_r = np.bincount(self.republic, weights=self._asked, minlength=self.n_republics)
        if agents <= 0 or asked_r.sum() <= 0:
            return np.zeros(self.n_republics, dtype=np.int64)
        u = rng.uniform_scalar(sim.settings.seed, rng.decision_key("terror.limits.by_republic"), step, 0)
        return split_whole(agents, asked_r, u)

    def record(self, granted_agents: float, due: np.ndarray, got: np.ndarray, scale: float) -> None:
        """Charge the units with the month's grant (persons).

        ``granted_agents`` is the operation's share of the capacity before it is made whole (a fraction
        of an agent included), split among the units in proportion to what each asked, times the share
        of its republic's whole agents that were found (``got`` of ``due``; 1 where none were due). The
        arrests are whole-agent draws of this grant, equal to it on average: what the units ask next,
        when they ask for more and so how far the limits are raised follow the grant, not the draws:
        charged with whole agents, a unit whose limit is a fraction of an agent (4,000 persons are 0.4
        agent at scale 0.0001) would keep asking until one whole agent came, two and a half times its
        limit, and a threshold counted in whole agents is crossed at another point at every scale.
        """
        total = float(self._asked.sum())
        if granted_agents <= 0 or total <= 0:
            return
        found = np.where(due > 0, got / np.maximum(due, 1), 1.0)
        self.used += granted_agents / scale * (self._asked / total) * found[self.republic]

    def requests_of_the_month(self, sim: Sim, step: int) -> int:
        """Units that have used enough of their limits ask for more; each request is granted."""
        full = self.used >= float(self.v["limit_request_threshold"]) * (self.limit1 + self.limit2)
        if not full.any():
            return 0
        u = rng.uniform(sim.settings.seed, "terror.limits.request", step, np.arange(self.republic.size, dtype=np.uint32))
        ask = full & (u < float(self.v["limit_request_probability_per_month"]))
        raise_ = float(self.v["limit_raise_share"]) * (self.initial1 + self.initial2)
        c1 = float(self.v["limit_raise_category1_share"])
        self.limit1[ask] += c1 * raise_[ask]
        self.limit2[ask] += (1 - c1) * raise_[ask]
        self.requests[ask] += 1
        return int(ask.sum())

    def category1_left(self, republic: int) -> float:
        """Category-1 sentences still allowed in ``republic`` (persons)."""
        return float(self.limit1[self.republic == republic].sum()) - float(self.used1[republic])

    def take_category1(self, republic: int, persons: float) -> None:
        """Charge ``persons`` category-1 sentences (what was due, fractional) to ``republic``'s limit."""
        self.used1[republic] += persons

    def summary(self) -> dict[str, float]:
        """Limits reached (persons) and requests granted, for the manifest."""
        return {"units": int(self.republic.size), "limit_category1_persons": float(self.limit1.sum()),
                "limit_category2_persons": float(self.limit2.sum()), "used_persons": float(self.used.sum()),
                "requests_granted": int(self.requests.sum())}

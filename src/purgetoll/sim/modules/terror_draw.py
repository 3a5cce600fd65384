"""Arrests by budget: how many a month (a schedule), and who (a weighted, keyed draw from a pool).

Used by the modules whose sources give counts (``mass_operation``, ``national_operations``,
``elite_purges``). A :class:`Budget` turns a series ``{"1937-08": persons, ...}`` (or a total spread
evenly over months ``first..last``) into whole agents per step: persons x scale, rounded so the
running sum never drifts (:func:`~purgetoll.sim.modules.terror.carry_round`). :func:`draw` picks that
many from a pool with weights, men and women separately so that a source's share of women holds,
using the keyed uniforms of the decision (``terror.arrest.<operation>``) at the step: the same
person gets the same draw in every scenario (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numba as nb
import numpy as np

from purgetoll.errors import DataError
from purgetoll.sim import rng
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.custody import start_carry
from purgetoll.sim.modules.terror import by_step, carry_round, weighted_pick
from purgetoll.sim.state import FEMALE, MALE

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Budget", "draw", "pick_weighted", "pick_free", "arrest_shares", "PooledArrests", "count_free", "FreePool", "age_weights", "spread", "thinned_pool", "thinned_pools", "coded_pool",
           "coded_pools", "coded_pools_sized"]


def spread(total: float, first: str, last: str) -> dict[str, float]:
    """A total spread evenly over the months ``first..last`` (labels ``YYYY-MM``)."""
    y0, m0, y1, m1 = int(first[:4]), int(first[5:7]), int(last[:4]), int(last[5:7])
    months = [(y, m) for y in range(y0, y1 + 1) for m in range(1, 13) if (y0, m0) <= (y, m) <= (y1, m1)]
    if not months:
        raise DataError("spread", f"empty month range {first}..{last}")
    return {f"{y:04d}-{m:02d}": total / len(months) for y, m in months}


@dataclass(frozen=True)
class Budget:
    """Persons per month (``series``: label ``YYYY-MM`` or ``YYYY`` -> persons) for one decision."""

    name: str
    series: dict[str, float]

    def per_step(self, sim: Sim, halt_step: int | None = None) -> np.ndarray:
        """Agents to arrest in each step (whole numbers; persons x scale, drift-free rounding).

        A year label spreads its value evenly over the months of that year. Months outside the run
        are dropped; months from ``halt_step`` on are zero (the halt of November 1938).
        """
        persons = by_step(sim, self.series)
        if halt_step is not None and halt_step < sim.n_steps:
            persons[max(halt_step, 0):] = 0.0
        return carry_round(np.cumsum(persons) * sim.settings.scale)


def age_weights(ages: np.ndarray, low: int, high: int, peak_low: int = 30, peak_high: int = 55,
                outside_peak: float = 0.5) -> np.ndarray:
    """Relative weight by age: 0 outside ``[low, high]``, 1 in ``[peak_low, peak_high]``, else ``outside_peak``.

    The peak is Conquest's "between thirty and fifty-five" (seed, "How many died?" context); the
    weight outside it is a named assumption of each module.
    """
    if isinstance(ages, np.ndarray) and ages.dtype == np.uint8:
        # ages from Sim.ages: a 256-entry table of the same weights, no int64 or float temporaries
        return _age_weights_int(np.arange(256), low, high, peak_low, peak_high, outside_peak)[ages]
    return _age_weights_int(np.asarray(ages, dtype=np.int64), low, high, peak_low, peak_high, outside_peak)


def _age_weights_int(a: np.ndarray, low: int, high: int, peak_low: int, peak_high: int,
                     outside_peak: float) -> np.ndarray:
    w = np.where((a >= peak_low) & (a <= peak_high), 1.0, outside_peak)
    return np.where((a >= low) & (a <= high), w, 0.0)


def draw(sim: Sim, pool: np.ndarray, weights: np.ndarray, n: int, female_share: float,
         decision: str, step: int, fill_other_sex: bool = False) -> np.ndarray:
    """Slots of ``n`` people from ``pool`` (slots), about ``n * female_share`` of them women.

    The number of women is ``n * female_share`` rounded up or down at random (keyed: decision
    ``<decision>.women`` at the step), so small numbers keep the share on average. ``weights`` are
    per pool member (0 excludes). If one sex runs short, fewer are drawn (the caller falls back on
    another pool or carries the shortfall), unless ``fill_other_sex``. Draws are keyed by (seed,
    ``decision``, step, person id).
    """
    if n <= 0 or pool.size == 0:
        return np.empty(0, dtype=np.int64)
    p = sim.people
    u = rng.uniform(sim.settings.seed, decision, step, p["person_id"][pool])
    sex = p["sex"][pool]
    expected_f = n * female_share
    u_f = rng.uniform(sim.settings.seed, f"{decision}.women", step, np.zeros(1, dtype=np.uint32))[0]
    n_f = min(int(np.floor(expected_f)) + int(u_f < expected_f - np.floor(expected_f)), n)
    picked = []
    for s, want in ((FEMALE, n_f), (MALE, n - n_f)):
        idx = np.flatnonzero(sex == s)
        chosen = idx[weighted_pick(u[idx], weights[idx], want)]
        picked.append(chosen)
    got = sum(len(c) for c in picked)
    if got < n and fill_other_sex:
        rest = np.ones(pool.size, bool)
        for c in picked:
            rest[c] = False
        idx = np.flatnonzero(rest)
        picked.append(idx[weighted_pick(u[idx], weights[idx], n - got)])
    return pool[np.sort(np.concatenate(picked))]


def pick_weighted(sim: Sim, pool: np.ndarray, weights: np.ndarray, n: int, decision: str, step: int) -> np.ndarray:
    """Slots of ``n`` people from ``pool`` drawn without replacement with probability ~ ``weights``
    (keyed by (seed, ``decision``, step, person id)); nothing is imposed on their sex: mechanism mode."""
    if n <= 0 or pool.size == 0:
        return np.empty(0, dtype=np.int64)
    u = rng.uniform(sim.settings.seed, decision, step, sim.people["person_id"][pool])
    return pool[weighted_pick(u, weights, n)]


@dataclass(frozen=True)
class FreePool:
    """A window's pool prepared for monthly draws (:func:`pick_free`): slots, person ids and weights
    (the sex factor included) side by side, so a month reads only who is still free and listed."""

    slots: np.ndarray
    pid: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, sim: Sim, slots: np.ndarray, weights: np.ndarray, female_weight: float = 1.0) -> FreePool:
        p = sim.people
        slots = np.asarray(slots, dtype=np.int64)
        w = np.asarray(weights, dtype=np.float64) * np.where(p["sex"][slots] == FEMALE, female_weight, 1.0)
        return cls(slots, p["person_id"][slots].copy(), w)

    def part(self, a: int, b: int) -> FreePool:
        return FreePool(self.slots[a:b], self.pid[a:b], self.weights[a:b])

    @property
    def size(self) -> int:
        return int(self.slots.size)


def pick_free(sim: Sim, pool: FreePool, n: int, decision: str, step: int, listed_weight: float = 1.0) -> np.ndarray:
    """Slots of ``n`` people drawn from the free members of ``pool`` with probability ~ their weight x
    ``listed_weight`` for someone on the lists (mechanism mode).

    The draw of :func:`pick_weighted` over the free members with those weights (Efraimidis-Spirakis:
    the ``n`` smallest ``-log(u) / w`` of the keyed uniforms of (seed, ``decision``, step, person id)),
    in one compiled pass over the pool: the operations draw every month from pools of millions.
    """
    if n <= 0 or pool.size == 0:
        return np.empty(0, dtype=np.int64)
    p = sim.people
    keys = np.empty(pool.size)
    m = _free_keys(pool.slots, pool.pid, pool.weights, p["alive"], p["t_status"], p["t_listed"],
                   rng.stream_of(sim.settings.seed, decision), np.int64(step), float(listed_weight), keys)
    n = min(n, m)
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    idx = np.argpartition(keys, n - 1)[:n] if n < keys.size else np.arange(keys.size)
    idx = idx[np.isfinite(keys[idx])]
    return np.sort(pool.slots[idx])


class PooledArrests(Module):
    """A terror module whose decisions (purges, operations) each arrest from a pool of their own.

    Its state: the plan by decision (agents per step, or the active months in mechanism mode), the
    window's pools (slots and weights), mechanism mode's free pools (``_free``), what each decision
    asked this month (``_asked``) and the remainders carried to next month (``_carry``), and the
    agents each decision's pool fell short by (``short``); the remainders and shortfalls are
    checkpointed.
    """

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._plan: dict[str, np.ndarray] = {}
        self._pools: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._free: dict[str, FreePool] = {}
        self._asked: dict[str, float] = {}
        self._carry: dict[str, float] = {}
        self.short: dict[str, int] = {}

    def state_dict(self) -> dict[str, Any]:
        return {"carry": self._carry, "short": self.short}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._carry = dict(state.get("carry", {}))
        self.short = {k: int(v) for k, v in state.get("short", {}).items()}

    def draw_free(self, sim: Sim, terror: Any, name: str, n: int, female_share: float, step: int) -> np.ndarray:
        """Up to ``n`` of the free members of the pool ``name`` (:func:`draw`: weighted, women at
        ``female_share``, keyed ``terror.arrest.<name>`` at ``step``)."""
        pool, w = self._pools[name]
        free = terror.free_mask(sim, pool)
        return draw(sim, pool[free], w[free], n, female_share, f"terror.arrest.{name}", step)

    def count_short(self, name: str, wanted: int, chosen: np.ndarray) -> None:
        """Add to ``short[name]`` the agents of ``wanted`` that ``chosen`` lacks (none when it has them all)."""
        if len(chosen) < wanted:
            self.short[name] = self.short.get(name, 0) + wanted - len(chosen)


def arrest_shares(sim: Sim, step: int, terror: Any, module: PooledArrests, pools: dict[str, FreePool]) -> None:
    """Mechanism mode: the allowance the interrogators gave ``module`` this month, shared among its
    decisions in proportion to what each asked (``module._asked``), to whole persons with the remainders
    carried to next month (``module._carry``, started at a keyed draw:
    :func:`~purgetoll.sim.modules.custody.start_carry`); each decision then picks from its free pool (``pools``; a
    decision without one takes none) and arrests; a pool that runs out adds to ``module.short``."""
    n = terror.allowance(module.name)
    total = sum(module._asked.values())
    if n <= 0 or total <= 0:
        return
    counts = {}
    for name, asked in module._asked.items():
        carry = module._carry[name] if name in module._carry else start_carry(sim.settings.seed, f"{module.name}.{name}")
        v = n * asked / total + carry
        counts[name] = int(np.floor(v + 1e-9))
        module._carry[name] = v - counts[name]
    listed = float(module.values["listed_weight"])
    for name, k in counts.items():
        if k <= 0 or name not in pools:
            continue
        chosen = pick_free(sim, pools[name], k, f"terror.arrest.{name}", step, listed)
        module.count_short(name, k, chosen)
        terror.arrest(sim, chosen, step, name)


def count_free(sim: Sim, pool: np.ndarray) -> int:
    """How many of ``pool`` (slots) are alive and free to be arrested (one compiled pass)."""
    p = sim.people
    return int(_count_free(pool, p["alive"], p["t_status"]))


@nb.njit(cache=True)
def _count_free(pool, alive, status):
    m = 0
    for i in range(pool.shape[0]):
        s = pool[i]
        if alive[s] and (status[s] == 0 or status[s] == 4):
            m += 1
    return m


@nb.njit(cache=True)
def _free_keys(slots, pid, weights, alive, status, listed, stream, step, listed_weight, keys):
    """Key -log(u) / w of each free member with w > 0 (inf otherwise); returns how many are finite."""
    m = 0
    for i in range(slots.shape[0]):
        s = slots[i]
        st = status[s]
        w = weights[i]
        if listed[s]:
            w *= listed_weight
        if not alive[s] or not (st == 0 or st == 4) or w <= 0.0:  # free: never arrested (0) or released (4)
            keys[i] = np.inf
            continue
        keys[i] = -np.log(rng.uniform_one(stream, step, pid[i])) / w
        m += 1
    return m


def thinned_pool(sim: Sim, mask: Callable[[slice], np.ndarray], need: float, decision: str,
                 margin: float = 20.0, chunk: int = 1 << 23) -> np.ndarray:
    """Slots where ``mask(slice)`` holds, thinned to about ``margin x need`` by a keyed draw per person.

    At 1:1 a pool such as "workers and kolkhozniks aged 16-80" holds about 100 million people, of
    whom a window's draw needs a few tens of thousands: drawing weighted keys for all of them every
    month costs seconds and gigabytes. Keeping each person with probability ``margin x need /
    pool size`` (keyed by person, decision ``decision`` at step 0, so every window and every scenario
    keeps the same people: common random numbers) and drawing from those is the same weighted draw
    as long as the pool is not depleted (``margin`` 20: a draw takes at most 5% of the thinned pool).
    ``mask`` is evaluated chunk by chunk (a function of a slice of slots), so no temporary is the
    population's size.
    """
    n = sim.people.n
    chunks = [slice(a, min(a + chunk, n)) for a in range(0, n, chunk)]
    size = sum(int(np.count_nonzero(mask(sl))) for sl in chunks)  # first pass: count only
    fraction = margin * need / size if size else 1.0
    pid = sim.people["person_id"]
    parts = []
    for sl in chunks:
        idx = np.flatnonzero(mask(sl)) + sl.start
        if fraction < 1.0:
            idx = idx[rng.uniform(sim.settings.seed, decision, 0, pid[idx]) < fraction]
        parts.append(idx)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def thinned_pools(sim: Sim, base: Callable[[slice], np.ndarray],
                  masks: dict[str, Callable[[slice, np.ndarray], np.ndarray]], needs: dict[str, float],
                  decision: str, margin: float = 20.0, chunk: int = 1 << 23) -> dict[str, np.ndarray]:
    """Several :func:`thinned_pool` at once: ``base(sl)`` (e.g. alive and of age) is computed once per
    chunk and pass, and each pool ``name`` is ``base & masks[name](sl, base)``, thinned to ``margin x
    needs[name]`` with the keyed decision ``<decision>.<name>``. Two passes over the people in all."""
    n = sim.people.n
    chunks = [slice(a, min(a + chunk, n)) for a in range(0, n, chunk)]
    sizes = dict.fromkeys(masks, 0)
    for sl in chunks:
        b = base(sl)
        for name, fn in masks.items():
            sizes[name] += int(np.count_nonzero(b & fn(sl, b)))
    fraction = {name: (margin * needs[name] / sizes[name] if sizes[name] else 1.0) for name in masks}
    pid = sim.people["person_id"]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in masks}
    for sl in chunks:
        b = base(sl)
        for name, fn in masks.items():
            idx = np.flatnonzero(b & fn(sl, b)) + sl.start
            if fraction[name] < 1.0:
                idx = idx[rng.uniform(sim.settings.seed, f"{decision}.{name}", 0, pid[idx]) < fraction[name]]
            parts[name].append(idx)
    return {name: (np.concatenate(v) if v else np.empty(0, dtype=np.int64)) for name, v in parts.items()}


@nb.njit(cache=True)
def _coded_counts(alive, bm, bm_low, bm_high, a, lut_a, b, lut_b, c, lut_c, n_pools):
    """Members of each pool (bit j of ``lut_a[a] & lut_b[b] & lut_c[c]``) among the alive born in
    ``(bm_low, bm_high]``."""
    counts = np.zeros(n_pools, dtype=np.int64)
    for i in range(alive.shape[0]):
        if not alive[i] or bm[i] > bm_high or bm[i] <= bm_low:
            continue
        bits = lut_a[a[i]] & lut_b[b[i]] & lut_c[c[i]]
        j = 0
        while bits:
            if bits & np.uint64(1):
                counts[j] += 1
            bits >>= np.uint64(1)
            j += 1
    return counts


@nb.njit(cache=True)
def _coded_fill(alive, bm, bm_low, bm_high, a, lut_a, b, lut_b, c, lut_c, pid, streams, fraction, cap_off, out):
    """Slots of each pool, each kept if ``fraction[j] >= 1`` or its keyed uniform (stream ``j``, step 0)
    is below ``fraction[j]``, written from ``cap_off[j]``; returns the number kept per pool, or -1
    for a pool that overran its room (the caller then counts exactly and calls again)."""
    n_pools = fraction.shape[0]
    filled = np.zeros(n_pools, dtype=np.int64)
    for i in range(alive.shape[0]):
        if not alive[i] or bm[i] > bm_high or bm[i] <= bm_low:
            continue
        bits = lut_a[a[i]] & lut_b[b[i]] & lut_c[c[i]]
        j = 0
        while bits:
            if (bits & np.uint64(1) and filled[j] >= 0
                    and (fraction[j] >= 1.0 or rng.uniform_one(streams[j], 0, pid[i]) < fraction[j])):
                if cap_off[j] + filled[j] < cap_off[j + 1]:
                    out[cap_off[j] + filled[j]] = i
                    filled[j] += 1
                else:
                    filled[j] = -1
            bits >>= np.uint64(1)
            j += 1
    return filled


def coded_pool(sim: Sim, step: int, low: int, high: int, need: float, decision: str,
               margin: float = 20.0) -> np.ndarray:
    """:func:`thinned_pool` of "alive and aged ``low``..``high`` at ``step``" (decision ``decision``),
    in two compiled passes (:func:`coded_pools` with a pool that looks at no attribute)."""
    return _coded(sim, step, low, high, {"all": {}}, {"all": need}, {"all": decision}, margin)[0]["all"]


def coded_pools(sim: Sim, step: int, low: int, high: int, pools: dict[str, dict[str, np.ndarray]],
                needs: dict[str, float], decision: str, margin: float = 20.0) -> dict[str, np.ndarray]:
    """:func:`thinned_pools` for pools defined by attribute codes, in two compiled passes over the people.

    ``base`` is "alive and aged ``low``..``high`` at ``step``" (:func:`~purgetoll.sim.modules.mass_operation.age_between`);
    pool ``name`` is ``base`` and, for each ``column: codes`` of ``pools[name]`` (at most three
    distinct int8/uint8/bool columns over all pools), the person's value in ``codes``. The result is
    the same as ``thinned_pools`` with those masks (same sizes, same fractions, same keyed decisions
    ``<decision>.<name>`` at step 0, slots in increasing order), without a boolean temporary per
    pool and chunk: at 1:1 each window's pools cost one counting pass and one selecting pass.
    """
    return _coded(sim, step, low, high, pools, needs, {name: f"{decision}.{name}" for name in pools}, margin)[0]


def coded_pools_sized(sim: Sim, step: int, low: int, high: int, pools: dict[str, dict[str, np.ndarray]],
                      needs: dict[str, float] | Callable[[dict[str, int]], dict[str, float]], decision: str,
                      margin: float = 20.0) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """:func:`coded_pools` and the size of each whole pool before thinning (so a hazard can be applied to
    the whole pool while the draw uses the thinned one). ``needs`` may be a function of the whole
    pools' sizes (counted in the first pass): a hazard's need is a share of its pool."""
    return _coded(sim, step, low, high, pools, needs, {name: f"{decision}.{name}" for name in pools}, margin)


def _coded(sim: Sim, step: int, low: int, high: int, pools: dict[str, dict[str, np.ndarray]],
           needs: dict[str, float] | Callable[[dict[str, int]], dict[str, float]], decisions: dict[str, str],
           margin: float
           ) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    names = list(pools)
    cols = sorted({c for spec in pools.values() for c in spec})
    if not names:
        return {}, {}
    if len(names) > 64 or len(cols) > 3:
        raise ValueError(f"coded_pools takes at most 64 pools and 3 columns; got {len(names)} and {cols}")
    p = sim.people
    views, luts = [], []
    for c in cols:
        arr = p[c]
        if arr.dtype.itemsize != 1:
            raise ValueError(f"coded_pools: column {c!r} is {arr.dtype}, expected a one-byte code")
        lut = np.zeros(256, dtype=np.uint64)
        for j, name in enumerate(names):
            bit = np.uint64(1) << np.uint64(j)
            if c in pools[name]:
                lut[np.asarray(pools[name][c], dtype=np.int64) & 0xFF] |= bit
            else:
                lut[:] |= bit  # the pool does not look at this column
        views.append(arr.view(np.uint8))
        luts.append(lut)
    while len(views) < 3:  # unused columns: every value passes
        views.append(views[0] if views else p["alive"].view(np.uint8))
        luts.append(np.full(256, (1 << len(names)) - 1 if len(names) < 64 else np.iinfo(np.uint64).max,
                            dtype=np.uint64))  # only the pools' bits: the kernels count bit j in pool j
    m = sim.month(step)
    bm_high, bm_low = m - 12 * low, m - 12 * (high + 1)  # age_between: bm <= high, bm > low
    args = (p["alive"], p["birth_month"], np.int64(bm_low), np.int64(bm_high),
            views[0], luts[0], views[1], luts[1], views[2], luts[2])
    sizes = _coded_counts(*args, len(names))
    if callable(needs):  # the needs as a function of the whole pools' sizes (a hazard on a pool)
        needs = needs({name: int(sizes[j]) for j, name in enumerate(names)})
    fraction = np.array([margin * needs[name] / sizes[j] if sizes[j] else 1.0 for j, name in enumerate(names)])
    streams = np.array([rng.stream_of(sim.settings.seed, decisions[name]) for name in names], dtype=np.uint64)
    # room per pool: the whole pool when kept whole, else the expected number plus 12 standard deviations
    expect = np.minimum(fraction, 1.0) * sizes
    room = np.where(fraction >= 1.0, sizes, np.minimum(sizes, np.ceil(expect + 12 * np.sqrt(expect) + 64))).astype(np.int64)
    for _ in range(2):
        cap_off = np.concatenate([[0], np.cumsum(room)]).astype(np.int64)
        out = np.empty(int(cap_off[-1]), dtype=np.int64)
        filled = _coded_fill(*args, p["person_id"], streams, fraction, cap_off, out)
        if np.all(filled >= 0):
            return ({name: out[cap_off[j]: cap_off[j] + filled[j]].copy() for j, name in enumerate(names)},
                    {name: int(sizes[j]) for j, name in enumerate(names)})
        room = np.where(filled < 0, sizes, room)  # an overrun (beyond 12 sd): the whole pool's room
    raise AssertionError("coded_pools: a pool overran the room of its whole size")  # cannot happen

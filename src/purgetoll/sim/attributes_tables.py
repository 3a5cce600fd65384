"""The target distributions of the people's attributes, from the bundled tables (pure functions).

Each function returns the distribution the :class:`~purgetoll.sim.modules.attributes.Attributes`
module draws from, with the table it comes from; where no bundled source gives a number, the
value is a declared parameter of that module (an assumption with a range, see its
``parameter_specs``). Sources:

* **region**: the union republics, census of 17 Dec 1926 and 17 Jan 1939 in 1939 boundaries
  (``census_by_republic_and_city``), shares interpolated geometrically to the start date
  (assumption: constant growth by republic between the censuses); inside the RSFSR the regions
  with Order 00447 limits of their own (``order_00447_limits_regional``: Leningrad, Kalinin,
  Omsk, Orenburg oblasts, Krasnoyarsk krai, Karelian ASSR) take shares of the RSFSR given as
  assumptions (no bundled table gives oblast populations).
* **urban/rural**: the census of the start date (``census_national_totals``: 17.9% urban in 1926,
  27.0% in 1937, ``urban population`` of ``total population``).
* **nationality**: Russians from the census (``census_national_totals`` ``ethnic Russians``, 1937 and
  1926); the groups of the national operations from Krieger's arrests by
  nationality and their over/under-representation (``arrests_by_nationality_1936_1938``): a
  group's population share is its share of arrests divided by (1 + representation/100), the
  share that index implies; Koreans of the Far East from ``census_nationality_partial`` (more than
  172,000); Greeks an assumption. The region x nationality table is fitted (iterative
  proportional fitting) to both margins from the republics' published compositions
  (``census_nationality_partial``, 1939).
* **social group**: the 1927 baseline (``social_structure_1927_baseline``, Sokolov 1999) by
  settlement type; special settlers on register (``special_settlers_kulak_exile_1930_1940``);
  clergy and "former people" assumptions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from purgetoll.data import figure, load, machinery
from purgetoll.errors import DataError

__all__ = [
    "REPUBLICS", "OBLASTS_00447", "REGIONS", "ANNEXED_REGION", "NATIONALITIES", "SOCIAL_GROUPS", "Marginal",
    "republic_shares", "urban_share", "nationality_shares", "region_nationality", "social_group_shares",
    "special_settler_share", "ipf",
]

REPUBLICS: tuple[str, ...] = (
    "RSFSR", "Ukrainian SSR", "Belorussian SSR", "Azerbaijan SSR", "Georgian SSR", "Armenian SSR",
    "Turkmen SSR", "Uzbek SSR", "Tajik SSR", "Kazakh SSR", "Kirghiz SSR",
)
#: RSFSR regions with limits of their own in ``order_00447_limits_regional`` (codes follow REPUBLICS).
OBLASTS_00447: tuple[str, ...] = (
    "Leningrad oblast", "Kalinin oblast", "Karelian ASSR", "Krasnoyarsk krai", "Omsk oblast", "Orenburg oblast",
)
#: The region of the people annexed in 1939-40 (no bundled table places them in a republic).
ANNEXED_REGION = "annexed 1939-40"
#: Regions of the ``region`` attribute, the codes their positions: the RSFSR regions with Order 00447
#: limits of their own, the rest of the RSFSR, the other union republics, and the annexed territories.
REGIONS: tuple[str, ...] = (*OBLASTS_00447, "RSFSR (other)", *REPUBLICS[1:], ANNEXED_REGION)
NATIONALITIES: tuple[str, ...] = (
    "Russians", "Ukrainians", "Belorussians", "Jews", "Poles", "Germans", "Latvians", "Estonians", "Finns",
    "Greeks", "Koreans", "Iranians", "others",
)
SOCIAL_GROUPS: tuple[str, ...] = (
    "kolkhoznik", "worker", "employee", "former_kulak", "clergy", "former_people", "other",
)
#: Krieger's labels for the groups derived from his table (others come from elsewhere).
_KRIEGER = {"Ukrainians": "ukrainians", "Belorussians": "belorussians", "Jews": "jews", "Poles": "poles",
            "Germans": "germans", "Latvians": "latvians", "Estonians": "estonians", "Finns": "finns",
            "Iranians": "iranians"}


@dataclass(frozen=True)
class Marginal:
    """A distribution over ``labels`` (shares summing to 1) and the tables behind it."""

    labels: tuple[str, ...]
    shares: np.ndarray
    tables: dict[str, str]

    def __post_init__(self) -> None:
        s = np.asarray(self.shares, dtype=float)
        if s.shape != (len(self.labels),) or np.any(s < 0) or not np.isclose(s.sum(), 1.0):
            raise DataError("attributes", f"shares over {self.labels} must be >= 0 and sum to 1; got {s}")


def _years(date: str) -> float:
    d = dt.date.fromisoformat(date)
    return d.year + (d.timetuple().tm_yday - 1) / 365.25


def republic_shares(date: str) -> Marginal:
    """Shares of the union republics at ``date`` (1939 boundaries), geometric interpolation 1926-1939."""
    df = load("census_by_republic_and_city")
    rep = df[df["unit_type"] == "republic"]
    counts = {}
    for d in ("1926-12-17", "1939-01-17"):
        part = rep[rep["date"] == d].set_index("unit")["count"]
        missing = [r for r in REPUBLICS if r not in part.index]
        if missing:
            raise DataError("census_by_republic_and_city", f"missing republic(s) {missing}", f"date={d}")
        counts[d] = np.array([float(part[r]) for r in REPUBLICS])
    t0, t1, t = _years("1926-12-17"), _years("1939-01-17"), _years(date)
    w = (t - t0) / (t1 - t0)
    shares = np.exp((1 - w) * np.log(counts["1926-12-17"]) + w * np.log(counts["1939-01-17"]))
    return Marginal(REPUBLICS, shares / shares.sum(), {"census_by_republic_and_city": df.attrs.get("source", "")})


def urban_share(date: str) -> tuple[float, str]:
    """Urban share of the census at (or, before 1937, nearest to) ``date``, with its table's citation."""
    df = load("census_national_totals")
    census_date = "1926-12-17" if date < "1937-01-06" else ("1937-01-06" if date < "1939-01-17" else "1939-01-17")
    part = df[df["date"] == census_date].drop_duplicates("metric").set_index("metric")["value"]
    return float(part["urban population"]) / float(part["total population"]), df.attrs.get("source", "")


def nationality_shares(date: str, greeks_share: float) -> Marginal:
    """Population shares of :data:`NATIONALITIES` (see the module docstring for each source)."""
    k = machinery("arrests_by_nationality_1936_1938").set_index("id")["value"]
    total_arrests = float(k["all"])
    shares = {}
    for label, key in _KRIEGER.items():
        shares[label] = float(k[key]) / total_arrests / (1 + float(k[f"{key}_representation"]) / 100)
    totals = load("census_national_totals")
    census_date = "1926-12-17" if date < "1937-01-06" else "1937-01-06"
    part = totals[totals["date"] == census_date].drop_duplicates("metric").set_index("metric")["value"]
    shares["Russians"] = float(part["ethnic Russians"]) / float(part["total population"])
    nat = load("census_nationality_partial")
    koreans = nat[nat["nationality"].str.startswith("Koreans")]
    if koreans.empty:
        raise DataError("census_nationality_partial", "expected the row of the Koreans deported from the Far East")
    shares["Koreans"] = float(koreans["persons"].iloc[0]) / float(part["total population"])
    shares["Greeks"] = float(greeks_share)
    named = sum(shares.values())
    if named >= 1:
        raise DataError("attributes", f"the named nationalities sum to {named:.3f} >= 1 of the population")
    shares["others"] = 1 - named
    return Marginal(NATIONALITIES, np.array([shares[n] for n in NATIONALITIES]), {
        "arrests_by_nationality_1936_1938": k.attrs.get("source", "Krieger 2013 via machinery()"),
        "census_national_totals": totals.attrs.get("source", ""),
        "census_nationality_partial": nat.attrs.get("source", ""),
    })


def ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, iterations: int = 200, tol: float = 1e-12) -> np.ndarray:
    """Iterative proportional fitting: a table like ``seed`` with row sums ``rows`` and column sums ``cols``."""
    t = np.asarray(seed, dtype=float).copy()
    if np.any(t < 0) or not np.isclose(rows.sum(), cols.sum()):
        raise DataError("ipf", "seed must be >= 0 and the two margins must have the same total")
    for _ in range(iterations):
        t *= (rows / np.where(t.sum(1) > 0, t.sum(1), 1))[:, None]
        t *= (cols / np.where(t.sum(0) > 0, t.sum(0), 1))[None, :]
        if np.abs(t.sum(1) - rows).max() < tol:
            break
    return t


def region_nationality(regions: Marginal, nationalities: Marginal) -> tuple[np.ndarray, dict[str, str]]:
    """Joint shares (region, nationality) fitted to both margins, seeded by the published compositions.

    Seed: each region's row is the national composition, except the republics whose composition
    ``census_nationality_partial`` gives (1939: RSFSR, Ukrainian SSR, Belorussian SSR; listed
    groups at their printed percent, "others" spread like the national shares of the unlisted
    groups), the Koreans, all in the RSFSR (the Far East) in 1937, and the Finns, weighted 20 times
    in the Karelian ASSR (assumption). RSFSR sub-regions start from the RSFSR's row.
    """
    nat = load("census_nationality_partial")
    pct = nat[(nat["year"] == 1939) & nat["percent"].notna() & (nat["nationality"] != "all")]
    # one composition per territory: the first source printed (likbez for Ukraine)
    seed = np.tile(nationalities.shares, (len(regions.labels), 1))
    idx = {n: i for i, n in enumerate(NATIONALITIES)}
    for r, region in enumerate(regions.labels):
        territory = "RSFSR" if region in OBLASTS_00447 or region == "RSFSR (other)" else region
        rows = pct[pct["territory"] == territory]
        if rows.empty:
            continue
        rows = rows[rows["source"] == rows["source"].iloc[0]]
        row = np.zeros(len(NATIONALITIES))
        listed = [idx[n] for n in rows["nationality"] if n in idx]
        rest = float(rows.loc[~rows["nationality"].isin(NATIONALITIES[:-1]), "percent"].sum())
        for n, p in zip(rows["nationality"], rows["percent"], strict=True):
            if n in idx and n != "others":
                row[idx[n]] = float(p)
        unlisted = [i for i in range(len(NATIONALITIES)) if i not in listed or NATIONALITIES[i] == "others"]
        w = nationalities.shares[unlisted]
        row[unlisted] = rest * w / w.sum()
        seed[r] = row / row.sum()
    korea = idx["Koreans"]
    for r, region in enumerate(regions.labels):
        if not (region in OBLASTS_00447 or region.startswith("RSFSR")):
            seed[r, korea] = 0.0
    if "Karelian ASSR" in regions.labels:
        seed[regions.labels.index("Karelian ASSR"), idx["Finns"]] *= 20
    joint = ipf(seed * regions.shares[:, None], regions.shares, nationalities.shares)
    return joint / joint.sum(), {"census_nationality_partial": nat.attrs.get("source", "")}


def special_settler_share(date: str) -> tuple[float, str]:
    """Special settlers (kulak exile) on register at the end of the year before ``date``, per person."""
    df = machinery("special_settlers_kulak_exile_1930_1940")
    year = int(date[:4]) - 1
    reg = df[df["metric"].eq("on register at 31 December") & df["period"].astype(str).eq(str(max(year, 1932)))]
    if reg.empty or reg["value"].isna().all():
        raise DataError("special_settlers_kulak_exile_1930_1940", f"no register count for 31 December {year}")
    census = "1937-01-06" if date >= "1937-01-06" else "1926-12-17"
    total = figure(f"census_national_totals:{census}/total population")
    return float(reg["value"].iloc[0]) / total, df.attrs.get("source", "")


def social_group_shares(urban: bool, *, clergy_share: float, former_people_share: float,
                        former_kulak_share: float) -> Marginal:
    """Shares of :data:`SOCIAL_GROUPS` among urban (or rural) people.

    From the 1927 baseline (population with dependants, Sokolov 1999): urban people are urban
    workers (7.8%), employees (5.9%, all counted urban: assumption) and artisans (3.9%, "other")
    in those proportions; rural people are peasants other than the well-off (73.0% - 4.0%: the
    kolkhozniks and individual peasants of 1937, assumption) and rural workers (3.0%). Former
    kulaks (special settlers and others), clergy and "former people" are taken out of these in
    the shares given (former kulaks and clergy rural, former people urban: assumption).
    """
    df = machinery("social_structure_1927_baseline").set_index("id")["value"]
    src = {"social_structure_1927_baseline": df.attrs.get("source", "Sokolov 1999 via machinery()")}
    s = dict.fromkeys(SOCIAL_GROUPS, 0.0)
    if urban:
        s["worker"] = float(df["workers_urban_population_share"])
        s["employee"] = float(df["employees_population_share"])
        s["other"] = float(df["artisans_population_share"])
        base = sum(s.values())
        s = {k: v / base * (1 - former_people_share) for k, v in s.items()}
        s["former_people"] = former_people_share
    else:
        s["kolkhoznik"] = float(df["peasants_population_share"]) - float(df["peasants_kulaks_population_share"])
        s["worker"] = float(df["workers_rural_population_share"])
        base = sum(s.values())
        s = {k: v / base * (1 - clergy_share - former_kulak_share) for k, v in s.items()}
        s["clergy"] = clergy_share
        s["former_kulak"] = former_kulak_share
    return Marginal(SOCIAL_GROUPS, np.array([s[g] for g in SOCIAL_GROUPS]), src)

"""Who people are: region, settlement type, social group, party, army and NKVD roles, nationality,
household and workplace, synthesised from census and archival marginals.

Every attribute is one keyed draw per person (decision ``attributes.<name>``, step 0, the
person's id), so it depends only on the seed and the person: every scenario of a seed gives every
person the same attributes (common random numbers), whatever the mechanisms do later.

Columns (compact dtypes; 13 bytes a person, about 2.1 GB at 1:1 in 1937):

=================  =======  ================================================================
``region``         int8     index into ``REGIONS`` (the RSFSR regions with 00447 limits of their
                            own, "RSFSR (other)", the other republics, "annexed 1939-40")
``urban``          bool     lives in a town (census definition)
``social_group``   int8     index into ``SOCIAL_GROUPS`` (kolkhoznik, worker, employee,
                            former_kulak (special settlers and other former kulaks), clergy,
                            former_people, other)
``roles``          uint8    bit flags: 1 party member or candidate, 2 army command staff, 4 NKVD
                            staff (army and NKVD are exclusive; either may be a party member;
                            both are employees working in their own units)
``nationality``    int8     index into ``NATIONALITIES``
``household_id``   uint32   household group (0: none, e.g. born during the run)
``workplace_id``   uint32   workplace group: kolkhoz, enterprise or office (0: none)
=================  =======  ================================================================

Households and workplaces are groups, not edge lists. Households (per region and settlement
type) are built around couples: a share ``partnered_share`` of men aged 20-64 and women aged 18-59
live as couples, the k-th youngest man with the k-th youngest woman, one couple a household, as
many as the scarcer sex allows; everyone else (children, the unpartnered, the old) joins one of
the ``persons / household_size_mean_persons`` households of their stratum at random (children are
not matched to their mothers' ages: assumption). Workplaces (region x social group, people aged
16-59 who are kolkhozniks, workers or employees; command and NKVD staff in their own units) are
joined uniformly at random, so their sizes are Poisson around the mean. At ``scale`` < 1 a group
is a group of agents.

People who join during the run get attributes in the month they arrive (step ``newcomers``):
babies draw region, settlement type, nationality and social group like everyone (their parents
are not linked: assumption) and no household or workplace; the annexed of 1939-40 get the region
"annexed 1939-40", nationality "others" and social group "other" (no bundled table describes them).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.errors import SettingsError
from purgetoll.params import Param
from purgetoll.sim.attributes_draw import categorical, groups, households
from purgetoll.sim.attributes_tables import (
    ANNEXED_REGION,
    NATIONALITIES,
    OBLASTS_00447,
    REGIONS,
    SOCIAL_GROUPS,
    Marginal,
    nationality_shares,
    region_nationality,
    republic_shares,
    social_group_shares,
    special_settler_share,
    urban_share,
)
from purgetoll.sim.modules.base import Module
from purgetoll.sim.state import FEMALE, MALE, Column

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Attributes", "PARTY", "ARMY_COMMAND", "NKVD_STAFF", "WORKING_AGES"]

PARTY, ARMY_COMMAND, NKVD_STAFF = 1, 2, 4
#: Ages at which people hold a workplace (assumption: the usual working ages of Soviet statistics).
WORKING_AGES = (16, 59)
#: Ages at which men and women may head a household as a couple (assumption).
PARTNER_AGES = {MALE: (20, 64), FEMALE: (18, 59)}
#: Ages of army command staff and NKVD staff (assumption).
SERVICE_AGES = (20, 54)
_OBLAST_KEYS = {
    "Leningrad oblast": ("leningrad_oblast_share_of_rsfsr", 0.059, 0.03, 0.08),
    "Kalinin oblast": ("kalinin_oblast_share_of_rsfsr", 0.029, 0.02, 0.04),
    "Karelian ASSR": ("karelian_assr_share_of_rsfsr", 0.0043, 0.003, 0.006),
    "Krasnoyarsk krai": ("krasnoyarsk_krai_share_of_rsfsr", 0.018, 0.012, 0.024),
    "Omsk oblast": ("omsk_oblast_share_of_rsfsr", 0.022, 0.015, 0.03),
    "Orenburg oblast": ("orenburg_oblast_share_of_rsfsr", 0.015, 0.01, 0.02),
}


def _oblast_param(region: str) -> Param:
    key, default, lo, hi = _OBLAST_KEYS[region]
    return Param(key, default, "share", f"{region}'s share of the RSFSR population (assumption: approximate 1939 "
                 f"census figure, not in a bundled table; plausible range {lo}-{hi})", low=0, high=0.2, assumption=True)


class Attributes(Module):
    """Synthesises the attributes the terror mechanisms need (see the module docstring)."""

    name: ClassVar[str] = "attributes"
    plan_order: ClassVar[int] = 10
    runs_by_default: ClassVar[bool] = True
    columns: ClassVar[tuple[Column, ...]] = (
        Column("region", "int8", -1, "index into REGIONS; 18 regions fit int8"),
        Column("urban", "bool", False, "lives in a town; one byte"),
        Column("social_group", "int8", -1, "index into SOCIAL_GROUPS (7 groups)"),
        Column("roles", "uint8", 0, "bit flags: 1 party, 2 army command staff, 4 NKVD staff"),
        Column("nationality", "int8", -1, "index into NATIONALITIES (13 groups)"),
        Column("household_id", "uint32", 0, "household group, 0 = none; ~40M households at 1:1 fit uint32"),
        Column("workplace_id", "uint32", 0, "workplace group, 0 = none"),
    )
    steps: ClassVar[tuple[str, ...]] = ("newcomers",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        *(_oblast_param(r) for r in OBLASTS_00447),
        Param("greeks_share", 0.0017, "share", "Greeks' share of the population (assumption: no bundled source; "
              "range 0.001-0.0025)", low=0, high=0.01, assumption=True),
        Param("clergy_share_of_rural", 0.001, "share", "clergy among rural people (assumption: no bundled source; "
              "range 0.0003-0.003)", low=0, high=0.02, assumption=True),
        Param("former_people_share_of_urban", 0.003, "share", "'former people' (nobility, officers, officials and "
              "merchants of the old regime and their families) among urban people (assumption; range 0.001-0.01)",
              low=0, high=0.05, assumption=True),
        Param("former_kulaks_outside_settlements_share", 0.005, "share", "former kulaks living outside the "
              "special settlements (escaped, released, returned), share of the population (assumption; range "
              "0-0.02); the special settlers themselves come from the register (special_settlers_kulak_exile_"
              "1930_1940)", low=0, high=0.05, assumption=True),
        Param("party_members_and_candidates_persons", 2_000_000, "persons", "VKP(b) members and candidates at the "
              "start (assumption: no bundled count for 1937; bounded by the 1938 members and the January 1934 "
              "members and candidates: party_membership_and_expulsions_1933_1946 members_1938 and the 1934 rows)",
              low=0, high=5_000_000, assumption=True),
        Param("party_women_share", 0.15, "share", "women among party members (assumption; range 0.10-0.20)",
              low=0, high=1, assumption=True),
        Param("party_weight_employees", 4.0, "x kolkhozniks", "chance of party membership of an employee relative "
              "to a kolkhoznik of the same sex (assumption; range 2-8); former kulaks, clergy and 'former people' "
              "were barred (weight 0)", low=0, high=100, assumption=True),
        Param("party_weight_workers", 2.0, "x kolkhozniks", "chance of party membership of a worker relative to a "
              "kolkhoznik of the same sex (assumption; range 1-4)", low=0, high=100, assumption=True),
        Param("army_command_staff_persons", 282_965, "persons", "Red Army command staff (list strength): "
              "those dismissed in 1936-37 over their share of it (RGVA certificate of April 1940 in "
              "red_army_strength_and_command_staff_1926_1941 dismissed_1936_1937)", low=0, high=1_000_000),
        Param("nkvd_staff_persons", 230_000, "persons", "NKVD staff: border and transport troops 200,000 "
              "(April 1938, US Embassy memorandum) plus the central apparatus 30,000 (1940) "
              "(red_army_strength_and_command_staff_1926_1941, nkvd_staff_and_capacity); the 1937 strength "
              "is an assumption (range 150,000-300,000)", low=0, high=1_000_000, assumption=True),
        Param("household_size_mean_persons", 4.1, "persons", "mean household size (assumption: no bundled "
              "source; range 3.5-5.0)", low=1, high=10, assumption=True),
        Param("partnered_share", 0.75, "share", "share of men aged 20-64 and women aged 18-59 who live as a "
              "couple (assumption: no bundled source; range 0.6-0.9); couples pair the k-th youngest man with the "
              "k-th youngest woman of their region and settlement type", low=0, high=1, assumption=True),
        Param("workplace_size_kolkhoz_persons", 150.0, "persons", "mean working-age members of a kolkhoz "
              "(assumption; range 80-300)", low=1, high=10_000, assumption=True),
        Param("workplace_size_enterprise_persons", 300.0, "persons", "mean workers of an enterprise (assumption; "
              "range 50-1000)", low=1, high=100_000, assumption=True),
        Param("workplace_size_office_persons", 40.0, "persons", "mean employees of an office (assumption; range "
              "10-200)", low=1, high=100_000, assumption=True),
        Param("workplace_size_service_unit_persons", 30.0, "persons", "mean command staff of an army unit or staff "
              "of an NKVD office in one region (assumption; range 10-100)", low=1, high=100_000, assumption=True),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._done_id = 0
        self._tables: dict[str, str] = {}

    # -- declarations -------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        specs = {p.name: p for p in self.parameter_specs}
        return {
            "parameters": self.parameters(),
            "codes": {"region": list(REGIONS), "social_group": list(SOCIAL_GROUPS),
                      "nationality": list(NATIONALITIES),
                      "roles": {"party": PARTY, "army_command": ARMY_COMMAND, "nkvd_staff": NKVD_STAFF}},
            "tables": dict(self._tables),
            "assumptions": {
                **{k: f"{v} ({specs[k].doc})" for k, v in self.values.items() if specs[k].assumption},
                "region_interpolation": "republic shares interpolated geometrically between the 1926 and 1939 censuses",
                "urban_independent_of_region": "settlement type is drawn independently of region, age and sex",
                "groups": "households around couples paired by age rank within region and settlement type, the "
                          "rest joining at random; workplaces: uniform assignment within the stratum (Poisson sizes)",
                "service_ages": f"army command and NKVD staff are men aged {SERVICE_AGES[0]}-{SERVICE_AGES[1]}, "
                                "in proportion to the men of each age",
                "party_ages": "party members are aged 18 and over; within a sex, in proportion to the weight of "
                              "their social group (employees and workers above kolkhozniks; 'class-alien' groups 0)",
                "service_social_group": "command staff and NKVD staff count as employees of their own units",
                "newcomers": "babies draw attributes like everyone (no parents linked); the annexed of 1939-40 get "
                             "region 'annexed 1939-40', nationality 'others', social group 'other'",
            },
        }

    # -- the target distributions -----------------------------------------------------------
    def marginals(self, start: str) -> dict[str, Any]:
        """The distributions drawn from at ``start`` (the tests compare the agents with these).

        A pure function of ``start`` and the parameters, computed once per process for each (a
        calibration builds thousands of runs with the same attributes)."""
        return _marginals_cached(start, tuple(sorted(self.values.items())))  # shared: callers only read it

    def _compute_marginals(self, start: str) -> dict[str, Any]:
        p = self.values
        rep = republic_shares(start)
        oblasts = np.array([p[_OBLAST_KEYS[r][0]] for r in OBLASTS_00447])
        if oblasts.sum() >= 1:
            raise SettingsError("[attributes]", [f"the RSFSR regions' shares sum to {oblasts.sum():g} >= 1"])
        rsfsr = rep.shares[0]
        shares = np.concatenate([rsfsr * oblasts, [rsfsr * (1 - oblasts.sum())], rep.shares[1:]])
        regions = Marginal(REGIONS[:-1], shares, rep.tables)  # the annexed region is only the annexed's
        nats = nationality_shares(start, p["greeks_share"])
        joint, t_joint = region_nationality(regions, nats)
        urban, t_urban = urban_share(start)
        settlers, t_settlers = special_settler_share(start)
        kulak_rural = (settlers + p["former_kulaks_outside_settlements_share"]) / (1 - urban)
        social = {u: social_group_shares(u, clergy_share=p["clergy_share_of_rural"],
                                         former_people_share=p["former_people_share_of_urban"],
                                         former_kulak_share=kulak_rural) for u in (True, False)}
        tables = {**regions.tables, **nats.tables, **t_joint, "census_national_totals": t_urban,
                  "special_settlers_kulak_exile_1930_1940": t_settlers, **social[True].tables}
        return {"regions": regions, "nationalities": nats, "joint": joint, "urban": urban, "social": social,
                "tables": tables}

    # -- the run ------------------------------------------------------------------------------
    def prepare(self, sim: Sim) -> None:
        m = self.marginals(sim.start.isoformat())
        self._m = m
        self._tables = m["tables"]

    def setup(self, sim: Sim) -> None:
        people = sim.people
        self._assign(sim, slice(0, people.n), initial=True)
        self._done_id = people.next_id

    def state_dict(self) -> dict[str, Any]:
        return {"done_id": self._done_id}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._done_id = int(state["done_id"])

    def newcomers(self, sim: Sim, step: int) -> None:
        """Give attributes to the people who arrived this month (babies, the annexed)."""
        people = sim.people
        if people.next_id == self._done_id:
            return
        first = int(np.searchsorted(people["person_id"], np.uint32(self._done_id)))
        sl = slice(first, people.n)
        self._assign(sim, sl, initial=False)
        born = people["birth_month"][sl] >= sim.month(step)  # babies of this month, vs the annexed
        annexed = np.flatnonzero(~born) + first
        people["region"][annexed] = REGIONS.index(ANNEXED_REGION)
        people["nationality"][annexed] = NATIONALITIES.index("others")
        people["social_group"][annexed] = SOCIAL_GROUPS.index("other")
        people["roles"][annexed] = 0
        self._done_id = people.next_id

    def _assign(self, sim: Sim, sl: slice, initial: bool) -> None:
        people, m = sim.people, self._m
        ids = people["person_id"][sl]
        n = len(ids)
        if n == 0:
            return
        n_nat = len(NATIONALITIES)
        seed = sim.settings.seed
        # every draw writes a small integer per person: no float arrays of 162M uniforms at 1:1
        cell = categorical(seed, "attributes.region_nationality", ids, m["joint"].reshape(-1), dtype="int16")
        region = (cell // n_nat).astype(np.int8)
        people["region"][sl] = region
        people["nationality"][sl] = (cell % n_nat).astype(np.int8)
        del cell
        urban = categorical(seed, "attributes.urban", ids, np.array([1 - m["urban"], m["urban"]]), dtype="int8")
        people["urban"][sl] = urban
        table = np.stack([m["social"][False].shares, m["social"][True].shares])  # row 0 rural, row 1 urban
        social = categorical(seed, "attributes.social_group", ids, table, urban, dtype="int8")
        urban = urban.astype(bool)
        roles = np.zeros(n, dtype=np.uint8)
        if initial:
            age = sim.ages(people["birth_month"][sl], 0)  # ages matter only at setup (roles, workplaces)
            sex = people["sex"][sl]
            roles = self._service(sim, ids, age, sex)
            # command staff and NKVD staff are employees (sluzhashchie) of their own units
            social[roles != 0] = SOCIAL_GROUPS.index("employee")
            roles |= self._party(sim, ids, age, sex, social)
            people["household_id"][sl] = self._households(sim, ids, region, urban, age, sex)
            people["workplace_id"][sl] = self._workplaces(sim, ids, age, region, social, roles)
        people["social_group"][sl] = social
        people["roles"][sl] = roles

    def _households(self, sim: Sim, ids: np.ndarray, region: np.ndarray, urban: np.ndarray, age: np.ndarray,
                    sex: np.ndarray) -> np.ndarray:
        """Households around couples of the same region and settlement type (see ``attributes_draw.households``)."""
        p, seed = self.values, sim.settings.seed
        lo_m, hi_m = PARTNER_AGES[MALE]
        lo_f, hi_f = PARTNER_AGES[FEMALE]
        eligible = (((sex == MALE) & (age >= lo_m) & (age <= hi_m))
                    | ((sex == FEMALE) & (age >= lo_f) & (age <= hi_f))).astype(np.int8)
        q = p["partnered_share"]
        partnered = categorical(seed, "attributes.partnered", ids, np.array([[1.0, 0.0], [1 - q, q]]), eligible,
                                dtype="uint8").astype(bool)
        return households(seed, "attributes.household", ids, region.astype(np.int16) * 2 + urban, age, sex,
                          partnered, p["household_size_mean_persons"])

    def _service(self, sim: Sim, ids: np.ndarray, age: np.ndarray, sex: np.ndarray) -> np.ndarray:
        """Army command staff or NKVD staff (exclusive): men of service ages, in proportion to their numbers."""
        p, scale = self.values, sim.settings.scale
        service = ((sex == MALE) & (age >= SERVICE_AGES[0]) & (age <= SERVICE_AGES[1])).astype(np.int8)
        k = max(int(np.count_nonzero(service)), 1)
        p_army = min(1.0, p["army_command_staff_persons"] * scale / k)
        p_nkvd = min(1.0 - p_army, p["nkvd_staff_persons"] * scale / k)
        table = np.array([[1.0, 0.0, 0.0], [1 - p_army - p_nkvd, p_army, p_nkvd]])
        role = categorical(sim.settings.seed, "attributes.service", ids, table, service, dtype="uint8")
        return np.array([0, ARMY_COMMAND, NKVD_STAFF], dtype=np.uint8)[role]  # a look-up: no int64 temporaries

    def _party(self, sim: Sim, ids: np.ndarray, age: np.ndarray, sex: np.ndarray, social: np.ndarray) -> np.ndarray:
        """Party members and candidates: people 18+, by sex (``party_women_share``) and social group weight.

        Within a sex, a person's chance is proportional to the weight of their social group
        (:meth:`party_weights`), scaled so the expected members are ``party_members_and_candidates_persons``.
        """
        p, scale = self.values, sim.settings.scale
        w = self.party_weights()
        n_groups = len(SOCIAL_GROUPS)
        # stratum: 0 under 18, else 1 + sex * n_groups + social group
        stratum = np.where(age >= 18, 1 + sex.astype(np.int16) * n_groups + social, 0).astype(np.int16)
        counts = np.bincount(stratum, minlength=1 + 2 * n_groups)
        rows = np.zeros((1 + 2 * n_groups, 2))
        rows[:, 0] = 1.0
        for s, share in ((MALE, 1 - p["party_women_share"]), (FEMALE, p["party_women_share"])):
            block = counts[1 + s * n_groups: 1 + (s + 1) * n_groups]
            total_weight = float((block * w).sum())
            if total_weight == 0:
                continue
            q = np.minimum(1.0, p["party_members_and_candidates_persons"] * scale * share * w / total_weight)
            rows[1 + s * n_groups: 1 + (s + 1) * n_groups] = np.column_stack([1 - q, q])
        member = categorical(sim.settings.seed, "attributes.party", ids, rows, stratum, dtype="uint8")
        return (member * PARTY).astype(np.uint8)

    def party_weights(self) -> np.ndarray:
        """Relative chance of party membership by social group (kolkhozniks and others 1; see parameters)."""
        w = np.ones(len(SOCIAL_GROUPS))
        w[SOCIAL_GROUPS.index("employee")] = self.values["party_weight_employees"]
        w[SOCIAL_GROUPS.index("worker")] = self.values["party_weight_workers"]
        for g in ("former_kulak", "clergy", "former_people"):
            w[SOCIAL_GROUPS.index(g)] = 0.0  # 'class-alien' groups were barred from the party
        return w

    def _workplaces(self, sim: Sim, ids: np.ndarray, age: np.ndarray, region: np.ndarray,
                    social: np.ndarray, roles: np.ndarray) -> np.ndarray:
        p = self.values
        sizes = {"kolkhoznik": p["workplace_size_kolkhoz_persons"], "worker": p["workplace_size_enterprise_persons"],
                 "employee": p["workplace_size_office_persons"]}
        out = np.zeros(len(ids), dtype=np.uint32)
        working = (age >= WORKING_AGES[0]) & (age <= WORKING_AGES[1]) & ((roles & (ARMY_COMMAND | NKVD_STAFF)) == 0)
        offset = 0
        pools = [(working & (social == SOCIAL_GROUPS.index(g)), size) for g, size in sizes.items()]
        # command staff and NKVD staff: their own units (army and NKVD separately), by region
        pools += [((roles & bit) != 0, p["workplace_size_service_unit_persons"]) for bit in (ARMY_COMMAND, NKVD_STAFF)]
        for mask, size in pools:
            sel = np.flatnonzero(mask)
            ids_g = groups(sim.settings.seed, "attributes.workplace", ids[sel], region[sel], size, offset)
            out[sel] = ids_g
            offset = int(ids_g.max()) if ids_g.size else offset
        return out


@lru_cache(maxsize=4)
def _marginals_cached(start: str, values: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return Attributes(**dict(values))._compute_marginals(start)

"""The demography-only model in starsim (run with bench/peers/.venv/bin/python; not part of CI).

Reads the inputs that ``compare_starsim.py`` prepared from purgetoll's data (JSON: the 1926 age
distribution, death rates per 1000 by year, sex and single age, crude birth rates per 1000 by
year), runs 1 million agents monthly from 1927 to 1959 with starsim's own ``People``, ``Births``
and ``Deaths``, and prints one JSON line with the wall time and the final counts.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import pandas as pd
import starsim as ss


def main(path: str) -> None:
    with open(path) as fh:
        spec = json.load(fh)
    age_data = pd.DataFrame(spec["age_data"], columns=["age", "value"])
    death_rate = pd.DataFrame(spec["death_rates"], columns=["Time", "Sex", "AgeGrpStart", "mx"])
    birth_rate = pd.DataFrame(spec["birth_rates"], columns=["Year", "CBR"])
    t0 = time.perf_counter()
    sim = ss.Sim(
        people=ss.People(n_agents=spec["n_agents"], age_data=age_data),
        demographics=[ss.Births(birth_rate=birth_rate), ss.Deaths(death_rate=death_rate)],
        start=ss.date(spec["start"]), stop=ss.date(spec["stop"]), dt=ss.month,
        rand_seed=1, verbose=0,
    )
    sim.init()
    t_init = time.perf_counter() - t0
    sim.run()
    wall = time.perf_counter() - t0
    res = sim.results
    print(json.dumps({
        "starsim_version": ss.__version__, "wall_seconds": round(wall, 2), "init_seconds": round(t_init, 2),
        "steps": int(len(sim.timevec)), "alive_end": int(res.n_alive[-1]),
        "births": int(res.births.new.sum()), "deaths": int(res.deaths.new.sum()),
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3),
    }))


if __name__ == "__main__":
    main(sys.argv[1])

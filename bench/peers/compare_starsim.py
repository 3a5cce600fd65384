"""purgetoll against starsim on the same demography-only model (not part of CI or the tests).

Model: 1 million agents with the 1926 census age structure, monthly steps from 17 Dec 1926 for
385 months (32 years), deaths from the official life tables interpolated by year (the
demography engine's ``annual_qx``, as death rates by year, sex and single age), births from the
demography engine's births series (for starsim as a crude birth rate per 1000: births of the year
over the projected mid-year population of the same model), ageing. No annexations, no events
written by starsim, so purgetoll is timed both in memory and with its full outputs (event log,
snapshots, yearly checkpoints).

    python3.11 -m venv bench/peers/.venv && bench/peers/.venv/bin/pip install starsim
    .venv/bin/python bench/peers/compare_starsim.py

Prints both wall times and their ratio (target: purgetoll at least 10 times faster), and writes
bench/peers/results.json with the load average of the shared machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PEER_PYTHON = HERE / ".venv" / "bin" / "python"
N_AGENTS = 1_000_000
START, END = "1926-12-17", "1959-01-15"


def starsim_inputs(inputs) -> dict:
    """The same schedules in starsim's data formats."""
    from purgetoll.demography import project
    from purgetoll.sim.inputs import population_matrix

    base = population_matrix(inputs.initial, "initial")
    both = base.sum(0)
    rates, cbr = [], []
    for year in range(1927, 1959):
        for sex, label in (("male", "Male"), ("female", "Female")):
            mx = -np.log1p(-np.minimum(inputs.qx(year + 0.5, sex), 1 - 1e-12)) * 1000
            rates += [[year, label, age, float(mx[age])] for age in range(101)]
        mid = project(base, START, f"{year}-07-01", births=inputs.births_between).population.sum()
        cbr.append([year, float(inputs.births_between(year, year + 1).sum() / mid * 1000)])
    return {"n_agents": N_AGENTS, "start": "1927-01-01", "stop": "1959-01-01",
            "age_data": [[a, float(both[a])] for a in range(101)] + [[101, 0.0]],
            "death_rates": rates, "birth_rates": cbr}


def run_purgetoll(inputs, scale: float, out: str | None) -> dict:
    from purgetoll.sim import Demography, Sim, SimSettings, Territory

    t0 = time.perf_counter()
    settings = SimSettings(start=START, end=END, scale=scale, seed=1, write_events=out is not None)
    sim = Sim(settings, [Territory(inputs), Demography(inputs)])
    result = sim.run(out, force=True)
    return {"wall_seconds": round(time.perf_counter() - t0, 2), "steps": sim.n_steps,
            "alive_end": result.people_alive, "births": result.event_counts["birth"],
            "deaths": result.event_counts["death"], "with_outputs": out is not None}


def main() -> None:
    from purgetoll.sim import default_inputs
    from purgetoll.sim.inputs import population_matrix

    if not PEER_PYTHON.exists():
        sys.exit(f"starsim is not installed: python3.11 -m venv {HERE / '.venv'} && {PEER_PYTHON.parent / 'pip'} install starsim")
    inputs = replace(default_inputs(), annexations=None)
    scale = N_AGENTS / population_matrix(inputs.initial, "initial").sum()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "inputs.json"
        spec.write_text(json.dumps(starsim_inputs(inputs)))
        load0 = os.getloadavg()
        ours_mem = run_purgetoll(inputs, scale, None)  # numba caches warm from here on
        ours_mem = run_purgetoll(inputs, scale, None)
        ours_out = run_purgetoll(inputs, scale, str(Path(tmp) / "run"))
        proc = subprocess.run([str(PEER_PYTHON), str(HERE / "starsim_model.py"), str(spec)],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "STARSIM_INSTALL_FONTS": "0"})
        theirs = json.loads(proc.stdout.strip().splitlines()[-1])
        load1 = os.getloadavg()
    ratio_mem = theirs["wall_seconds"] / ours_mem["wall_seconds"]
    ratio_out = theirs["wall_seconds"] / ours_out["wall_seconds"]
    print(f"starsim {theirs['starsim_version']}: {theirs['wall_seconds']:.1f} s "
          f"({theirs['steps']} steps, {theirs['alive_end']:,} alive at end, peak {theirs['peak_rss_gib']:.2f} GiB)")
    print(f"purgetoll in memory:        {ours_mem['wall_seconds']:.1f} s ({ours_mem['steps']} steps, {ours_mem['alive_end']:,} alive)")
    print(f"purgetoll with all outputs: {ours_out['wall_seconds']:.1f} s")
    print(f"ratio (starsim / purgetoll): {ratio_mem:.1f}x in memory, {ratio_out:.1f}x with outputs "
          f"(load average {load0[0]:.1f} -> {load1[0]:.1f})")
    (HERE / "results.json").write_text(json.dumps({
        "model": "demography only, 1M agents, monthly, 1926/27-1959, no annexations",
        "starsim": theirs, "purgetoll_in_memory": ours_mem, "purgetoll_with_outputs": ours_out,
        "ratio_in_memory": round(ratio_mem, 2), "ratio_with_outputs": round(ratio_out, 2),
        "loadavg_before": [round(x, 2) for x in load0], "loadavg_after": [round(x, 2) for x in load1],
    }, indent=1) + "\n")


if __name__ == "__main__":
    main()

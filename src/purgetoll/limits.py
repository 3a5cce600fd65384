"""Declared limits on the expensive paths: stated, checked before the work starts, overridable.

A job whose size is out of all proportion (a 20-list table given to a method that builds all
2^20 - 1 histories, ``--n-boot 100000000``, a 1:1 simulation larger than the memory) is refused
with a :class:`~purgetoll.errors.LimitError` before any of the work is done: the message names the
limit, the job's size, why the limit is there, and how to raise it. Nothing is cut short: a job
within its limits runs to the end; raising a limit only lets a larger job start.

Every limit is declared once here (:data:`LIMITS`), so the documentation, the messages and the
tests read the same table. A limit is raised

* from the command line: ``--limit NAME=VALUE`` (repeatable), e.g. ``--limit mse_boot=200000``;
* from Python: ``limits={"mse_boot": 200000}`` where the function or ``fit`` takes ``limits``.

The defaults are set from measurements on this project's machine (2 cores, load 1-3); each
limit's ``why`` says what was measured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from purgetoll.errors import LimitError

__all__ = ["Limit", "LIMITS", "check", "check_all", "parse_overrides", "limit_value"]


@dataclass(frozen=True)
class Limit:
    """One declared limit: its name, default, unit, what it bounds and why."""

    name: str
    default: float
    unit: str
    what: str
    why: str

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "default": self.default, "unit": self.unit, "what": self.what,
                "why": self.why, "raise with": f"--limit {self.name}=VALUE"}


def _fmt(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.1f}" if abs(x) >= 100 else f"{x:.3g}"


LIMITS: dict[str, Limit] = {lim.name: lim for lim in (
    Limit("mse_lists", 15, "lists",
          "lists in a capture table given to a method that builds every one of the 2^K - 1 histories "
          "(loglinear, bic, aic, stepwise, mse rank)",
          "Mt on 16 lists took 1.2 s and 0.5 GB, on 18 lists 11 s and 1.5 GB; a 20-list table took over "
          "3 GB within 20 s and 4.5 minutes"),
    Limit("mse_boot", 10_000, "bootstrap replicates",
          "bootstrap replicates of one estimate (--n-boot)",
          "each replicate reruns the whole estimation, model selection included; the default is 1,000"),
    Limit("mse_refit_histories", 2e7, "history refits",
          "work of a bootstrap with BCa interval: (replicates + jackknife refits, one per distinct "
          "observed history) x (2^K - 1) histories",
          "10 lists with 1,000 distinct histories and 10 replicates took 33 s; the default 1,000 replicates "
          "on 10 lists is about 2e6"),
    Limit("mse_sweeps", 5e6, "sweeps",
          "sweeps of a sampler over all its chains: chains x (warm-up + burn-in + draws x thin)",
          "a sweep takes 15-90 microseconds on 5-15 lists; the latent-class default is 442,000 sweeps"),
    Limit("mse_grid", 2e9, "graph-grid cells",
          "decomposable graphs x points of the grid of N in Bayesian model averaging",
          "five lists (822 graphs) on the default grid of 15 x 5,000 observed is 6e7"),
    Limit("mse_models", 40_000, "models",
          "candidate models fitted and ranked by BIC or AIC (mse rank, hierarchical family)",
          "each candidate is one fit; 40,000 fits of a 5-list table take minutes"),
    Limit("demog_draws", 100_000, "draws",
          "Monte Carlo draws of the census analysis (--draws)",
          "the default is 1,000; memory grows with the draws (about 20 kB a draw for a deficit)"),
    Limit("demog_years", 200, "years",
          "years a projection runs (--to minus the base date)",
          "the engine steps a year at a time; the bundled life tables end in 1958-59 and are held constant "
          "after, and without births the base population is gone within about 100 years"),
    Limit("sim_agent_months", 2e11, "agent-months",
          "agents x months of a simulation: its capacity (people at the start x scale, plus the births and "
          "annexations it adds) x the months it runs",
          "1:1 from the 1926 census to 1959 is 1.3e11 (327M agents, 385 months: 4 minutes and 5.2 GiB here); "
          "a run to 2100 at 1:1 would be 6.9e11"),
    Limit("sim_memory_share", 0.8, "of the available memory",
          "estimated peak memory of a simulation, as a share of the memory available when it starts",
          "a run that does not fit is killed by the system part way (a 1:1 run of 1937-39 peaks at 8-9 GiB)"),
    Limit("calibrate_simulations", 200_000, "simulations",
          "simulations of a calibration (its budget, --simulations; kept: noise replicates, prior sample and generations together)",
          "a mechanism-mode simulation of the archival scenario took 0.23 s of CPU at scale 0.001 (1.2 s at "
          "0.01; measured at load 5-7): the default budget of 5,000 is about 10 minutes on 2 cores, 200,000 "
          "about 6.4 hours"),
    Limit("calibrate_scale", 0.01, "agents per person",
          "scale of every simulation of a calibration (--scale) and of its scale check (--high-scale)",
          "a mechanism-mode simulation took 0.23 s of CPU and 440 MB at scale 0.001, 1.2 s and 580 MB at 0.01 "
          "(measured at load 5-7): 5,000 simulations at 0.01 are about 50 minutes on 2 cores, and the cost "
          "grows with the scale from there"),
)}


def limit_value(name: str, overrides: Mapping[str, float] | None = None) -> float:
    """The limit ``name`` in force: the override if given, else the declared default."""
    if name not in LIMITS:
        raise LimitError(f"unknown limit {name!r} (limits: {', '.join(LIMITS)})")
    if overrides and name in overrides:
        return float(overrides[name])
    return float(LIMITS[name].default)


def check(name: str, amount: float, overrides: Mapping[str, float] | None = None, *, job: str,
          advice: str = "", at_least: bool = False) -> None:
    """Raise :class:`LimitError` when ``amount`` exceeds the limit ``name`` (see the module doc).

    ``job`` says what would have run (``"Stepwise on uk.csv"``); ``advice`` how to make the job
    smaller (shown before the way to raise the limit); ``at_least`` that ``amount`` was counted
    only up to the limit (the job is larger still).
    """
    allowed = limit_value(name, overrides)
    if not (amount <= allowed):
        lim = LIMITS[name]
        smaller = f" {advice[:1].upper()}{advice[1:]}, or raise" if advice else " Raise"
        size = f"at least {_fmt(amount)}" if at_least else _fmt(amount)
        value = "VALUE" if at_least else _fmt_arg(amount)
        raise LimitError(
            f"{job}: {size} {lim.unit} exceeds the limit {name} = {_fmt(allowed)} ({lim.what}; "
            f"{lim.why}).{smaller} the limit with --limit {name}={value} "
            f"(Python: limits={{'{name}': {value}}})"
        )


def _fmt_arg(x: float) -> str:
    """A value that lets the job through: the amount, rounded up."""
    if abs(x) < 1e15:
        return str(math.ceil(x)) if abs(x) >= 1 else f"{x:.3g}"
    return f"{x:.3g}"


def check_all(amounts: Iterable[tuple[str, float, str]], overrides: Mapping[str, float] | None = None, *,
              job: str) -> None:
    """:func:`check` each ``(name, amount, advice)``."""
    for name, amount, advice in amounts:
        check(name, amount, overrides, job=job, advice=advice)


def parse_overrides(items: Iterable[str] | None) -> dict[str, float]:
    """``["mse_boot=200000", ...]`` (the CLI's ``--limit``) as a dict; bad items raise LimitError."""
    out: dict[str, float] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in LIMITS:
            raise LimitError(f"--limit {item!r}: expected NAME=VALUE with NAME one of {', '.join(LIMITS)}")
        try:
            v = float(value.replace("_", ""))
        except ValueError:
            v = math.nan
        if not (math.isfinite(v) and v > 0):
            raise LimitError(f"--limit {item!r}: the value must be a positive number; got {value!r}")
        out[name] = v
    return out

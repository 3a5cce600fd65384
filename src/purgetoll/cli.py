"""The ``purgetoll`` command.

Each verb lives beside the code it drives (``purgetoll.data.cli``, ``purgetoll.mse.cli``, ...);
this file only assembles them, so ``purgetoll --help`` is the map of the package.
"""

from __future__ import annotations

import typer

from purgetoll import __version__
from purgetoll.calibrate import cli as calibrate_cli
from purgetoll.claims.cli import claims as claims_command
from purgetoll.data import cli as data_cli
from purgetoll.demography import cli as demog_cli
from purgetoll.folders.cli import verify as verify_command
from purgetoll.mse import cli as mse_cli
from purgetoll.report.cli import rerender as rerender_report
from purgetoll.report.cli import run as run_report
from purgetoll.scenarios.cli import run_cmd as scenario_run
from purgetoll.sim import cli as sim_cli
from purgetoll.verdict.cli import compare_cmd, verdict_cmd

app = typer.Typer(
    name="purgetoll",
    help=(
        "Reconstruct the toll of Stalin's Great Purge (1936-38) from the census, the archive and a "
        "simulation of the terror machinery, and say how far the three agree. Every figure carries "
        "its source; every estimate is labelled as an estimate and comes with an interval."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Reconstruct the toll of Stalin's Great Purge from the census, the archive and the mechanism."""


@app.command()
def version() -> None:
    """Print the purgetoll version (quote it with any figure you publish)."""
    typer.echo(__version__)


# Sub-commands register here, one line each. Each part's CLI imports only typer and its package,
# whose public names load on first use, so `purgetoll --help` loads no pandas, scipy or numba.
app.add_typer(data_cli.app, name="data")
app.command("run")(run_report)
app.command("report")(rerender_report)
# `sim run` runs a scenario (--scenario, a layer above the engine) and otherwise calls the engine's own
# demography-only run: the scenarios' command takes the engine's place in its group
sim_cli.app.registered_commands[:] = [c for c in sim_cli.app.registered_commands if c.name != "run"]
sim_cli.app.command("run")(scenario_run)
app.add_typer(sim_cli.app, name="sim")
app.add_typer(mse_cli.app, name="mse")
app.command("claims")(claims_command)
app.add_typer(demog_cli.app, name="demog")
app.command("verdict")(verdict_cmd)
app.command("compare", help="Deprecated: the old name of `purgetoll verdict` (same arguments and options; "
            "a warning on stderr), until 0.2.")(compare_cmd)
app.command("verify")(verify_command)
app.add_typer(calibrate_cli.app, name="calibrate")


def main() -> None:
    """Entry point of the ``purgetoll`` console script."""
    app()


if __name__ == "__main__":
    main()

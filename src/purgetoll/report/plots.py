"""Reusable drawing functions for report figures: each is ``draw(fig, data)`` on a tidy frame.

They draw only from the frame they are given (which the report writes as the figure's CSV), so a
figure can always be redrawn from its CSV. Colours are fixed here so every section uses the same
ones for men and women.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import matplotlib.figure

__all__ = ["FEMALE_COLOR", "MALE_COLOR", "draw_pyramids", "draw_sex_ratio", "group_bounds"]

MALE_COLOR = "#2f5f8a"
FEMALE_COLOR = "#b5483d"

# An open age group (90+, 100+) is drawn this many years wide, so it is visible but not taken for
# a closed one; the caption and the CSV keep it open.
OPEN_GROUP_WIDTH = 10


def group_bounds(
    data: pd.DataFrame, open_end: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper (exclusive) age of each row's group.

    An open group (``age_end`` is ``<NA>``) ends at ``open_end``, or 10 years above its start.
    """
    lo = data["age"].astype("int64").to_numpy()
    end = pd.to_numeric(data["age_end"]).astype("Float64")
    open_hi = lo + OPEN_GROUP_WIDTH if open_end is None else np.maximum(lo + 1, open_end)
    hi = np.where(end.isna().to_numpy(), open_hi, end.fillna(0).to_numpy() + 1)
    return lo, hi.astype("int64")


def draw_pyramids(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    """Population pyramids side by side, one per ``panel``, on one scale.

    ``data``: columns ``panel`` (the panel title), ``sex`` ("male"/"female"), ``age``, ``age_end``
    (``<NA>`` for an open group), ``count`` (persons). Men are drawn to the left and women to the
    right, in millions; all panels share the x and y scales so their sizes compare directly. The
    women's profile is mirrored onto the men's side as an outline, so a deficit of men shows as
    the gap between the bars and the line.
    """
    panels = list(dict.fromkeys(data["panel"]))
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    xmax = data["count"].max() / 1e6 * 1.08
    for ax, panel in zip(axes, panels, strict=True):
        part = data[data["panel"] == panel]
        for sex, sign, color, label in (
            ("male", -1, MALE_COLOR, "men"),
            ("female", 1, FEMALE_COLOR, "women"),
        ):
            rows = part[part["sex"] == sex]
            lo, hi = group_bounds(rows)
            ax.barh(
                lo,
                sign * rows["count"].to_numpy() / 1e6,
                height=hi - lo,
                align="edge",
                color=color,
                edgecolor="white",
                linewidth=0.4,
                label=label,
            )
        # Women's bars mirrored onto the men's side as an outline: where the bars fall short of
        # it, the census counted fewer men than women of that age.
        women = part[part["sex"] == "female"]
        lo, hi = group_bounds(women)
        ax.stairs(
            -women["count"].to_numpy() / 1e6,
            np.append(lo, hi[-1]),
            baseline=None,
            orientation="horizontal",
            color=FEMALE_COLOR,
            linewidth=1.0,
            label="women, mirrored",
        )
        ax.set_xlim(-xmax, xmax)
        ax.axvline(0, color="#333333", linewidth=0.6)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{abs(t):g}" for t in ticks])
        ax.set_xlim(-xmax, xmax)
        ax.set_title(panel)
        ax.set_xlabel("millions of persons")
        ax.grid(axis="y", visible=False)
    axes[0].set_ylabel("age (completed years)")
    axes[0].set_yticks(range(0, 101, 10))
    axes[0].set_ylim(0, max(group_bounds(data)[1]))
    axes[0].legend(loc="upper left")


# Colours of the sex-ratio figure: one per census year, one for the case study's figures.
YEAR_COLORS = {1939: "#8a8a8a", 1959: "#1f4e79"}
CLAIM_COLORS = ("#d9822b", "#8e44ad", "#2a9d8f")


def draw_sex_ratio(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    """Men per 1000 women by age: census steps, printed values as dots, claimed values as bars.

    ``data``: columns ``series`` ("census", "yearbook" or a claim series name), ``year``, ``age``,
    ``age_end`` (``<NA>`` for an open group), ``men_per_1000_women`` and ``parts_add_up`` (False
    marks a claimed split whose two parts do not add up to its base; drawn dashed and labelled).
    Census rows must cover contiguous age groups; an open last group is drawn 10 years wide.
    """
    ax = fig.add_subplot()
    ax.axhline(1000, color="#555555", linewidth=0.8, linestyle=":")
    ax.annotate(
        "equal numbers",
        (99, 1000),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        fontsize=8,
        color="#555555",
    )
    census_series = [s for s in dict.fromkeys(data["series"]) if s.startswith("census")]
    for series in census_series:
        fine = "5-year" in series  # the finer grouping is drawn thin, behind the 10-year steps
        for year in sorted(data.loc[data["series"] == series, "year"].unique()):
            rows = data[(data["series"] == series) & (data["year"] == year)]
            lo, hi = group_bounds(rows)
            ax.stairs(
                rows["men_per_1000_women"].to_numpy(),
                np.append(lo, hi[-1]),
                baseline=None,
                color=YEAR_COLORS.get(int(year), "black"),
                linewidth=0.8 if fine else 1.8,
                alpha=0.55 if fine else 1.0,
                zorder=1 if fine else 2,
                label=f"{year} {series}",
            )
    for year in sorted(data.loc[data["series"] == "yearbook", "year"].unique()):
        rows = data[(data["series"] == "yearbook") & (data["year"] == year)]
        lo, hi = group_bounds(rows)
        ax.plot(
            (lo + hi) / 2,
            rows["men_per_1000_women"],
            linestyle="none",
            marker="o",
            markersize=5.5,
            markerfacecolor="white",
            markeredgewidth=1.3,
            color=YEAR_COLORS.get(int(year), "black"),
            label=f"{year} as printed in the yearbook",
        )
    claims = [s for s in dict.fromkeys(data["series"]) if s not in {*census_series, "yearbook"}]
    for color, series in zip(CLAIM_COLORS, claims, strict=False):
        rows = data[data["series"] == series]
        lo, hi = group_bounds(rows, open_end=100)  # "70 or older" spans the rest of the axis
        values = rows["men_per_1000_women"].to_numpy()
        ok = rows["parts_add_up"].to_numpy(dtype=bool)
        ax.hlines(values[ok], lo[ok], hi[ok], color=color, linewidth=3.2, alpha=0.85, label=series)
        if (~ok).any():
            ax.hlines(
                values[~ok],
                lo[~ok],
                hi[~ok],
                color=color,
                linewidth=3.2,
                alpha=0.85,
                linestyles="dashed",
            )
            for x, y in zip((lo[~ok] + hi[~ok]) / 2, values[~ok], strict=True):
                ax.annotate(
                    "parts do not add up",
                    (x, y),
                    xytext=(0, -13),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7.5,
                    color=color,
                )
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 10))
    ax.set_ylim(300, 1100)
    ax.set_xlabel("age at the census (completed years)")
    ax.set_ylabel("men per 1000 women")
    ax.legend(loc="lower left", ncols=2)

"""Maintainer tool: re-tabulate the demographic reference files into the bundled tidy tables.

Run by a maintainer (``python tools/retabulate.py``), never by the package at run time.

It reads the reference CSVs (one wide table per file, each row with its ``source``) and writes the
tidy tables of ``src/purgetoll/data/tables/`` that the ``demographic`` catalog lists. The
citations and caveats live in ``catalog/demographic.toml`` (written by hand, reviewed); this tool
only moves numbers, so a re-run on the same inputs gives byte-identical tables.

Transformations (nothing is computed that the source did not print, except where stated):

- census tables: wide ``males, females, both_sexes`` -> one row per ``sex`` (``male``, ``female``,
  ``both``) with ``count`` in persons; ``unknown`` and the printed ``total`` rows are kept as rows
  with an empty ``age``.
- ADH: ``year_start`` -> ``date`` (1 January), territory label -> ``borders`` code (``time``,
  ``1938``, ``1946``), counts kept in thousands (``count_thousands``) as printed.
- life tables: kept as printed, plus ``Lx_as_printed`` and ``correction_note`` for the one
  transcription typo found (see :data:`LIFE_TABLE_CORRECTIONS`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

CENSUS_YEARS = (1926, 1937, 1939, 1959)
SEXES = {"males": "male", "females": "female", "both_sexes": "both"}

# ADH territory labels as printed -> borders code used by purgetoll.data.adh().
ADH_BORDERS = {
    "USSR borders of the time": "time",
    "borders of the time (incl. 1939-40 annexations)": "time",
    "post-war borders": "time",
    "pre-Sept-1939 borders": "1938",
    "post-1946 borders": "1946",
}

# (period, sex, age) -> (corrected Lx, note). The 1926-27 male Lx at 85 is transcribed as 5020
# while T85 - T86 = 27607 - 22387 = 5220 and (l85 + l86) / 2 = 5229: a one-digit slip (2 -> 0).
LIFE_TABLE_CORRECTIONS = {
    ("1926-1927", "male", 85): (
        5220,
        "Lx given as 5020 in the transcribed table (Demoscope/RTSS; the 1989 print was not "
        "consulted); corrected to 5220 = T85 - T86 (27607 - 22387); (l85+l86)/2 = 5229 "
        "confirms a one-digit slip",
    ),
}


def _age_bounds(label: str) -> tuple[int | None, int | None]:
    if label in ("unknown", "total"):
        return None, None
    if label.endswith("+"):
        return int(label[:-1]), None
    if "-" in label:
        lo, hi = label.split("-")
        return int(lo), int(hi)
    return int(label), int(label)


def _melt(wide: pd.DataFrame, date_col: str, group_col: str) -> pd.DataFrame:
    rows = []
    for wide_col, sex in SEXES.items():
        for _, r in wide.iterrows():
            lo, hi = _age_bounds(str(r[group_col]))
            rows.append(
                {
                    "date": r[date_col],
                    "sex": sex,
                    "age": lo,
                    "age_end": hi,
                    "age_group": str(r[group_col]),
                    "count": int(r[wide_col]),
                }
            )
    out = pd.DataFrame(rows)
    out["age"] = out["age"].astype("Int64")
    out["age_end"] = out["age_end"].astype("Int64")
    return out


def census_tables(shared: Path) -> dict[str, pd.DataFrame]:
    """Tidy census tables: ``census_YYYY_5y``, ``census_YYYY_single`` and ``census_10y``."""
    out: dict[str, pd.DataFrame] = {}
    for year in CENSUS_YEARS:
        five = pd.read_csv(shared / f"census_{year}_age_sex.csv", dtype={"age_group": str})
        out[f"census_{year}_5y"] = _melt(five, "census_date", "age_group")
        single = pd.read_csv(
            shared / "single_year" / f"census_{year}_single_year_age_sex.csv", dtype={"age": str}
        )
        out[f"census_{year}_single"] = _melt(single, "census_date", "age")
    ten = pd.read_csv(shared / "census_1926_1937_1939_1959_age_sex_10yr.csv", dtype={"age_group": str})
    parts = [_melt(g, "census_date", "age_group") for _, g in ten.groupby("census_year", sort=True)]
    out["census_10y"] = pd.concat(parts, ignore_index=True)
    return out


def sex_ratio_table(shared: Path) -> pd.DataFrame:
    """The yearbook's men per 1000 women, long: one row per (date, age group)."""
    wide = pd.read_csv(shared / "sex_ratio_by_age_1939_1959.csv", dtype={"age_group": str})
    rows = []
    for col, date in (
        ("males_per_1000_females_1939", "1939-01-17"),
        ("males_per_1000_females_1959", "1959-01-15"),
    ):
        for _, r in wide.iterrows():
            lo, hi = _age_bounds(r["age_group"])
            rows.append(
                {
                    "date": date,
                    "age": lo,
                    "age_end": hi,
                    "age_group": r["age_group"],
                    "males_per_1000_females": int(r[col]),
                }
            )
    out = pd.DataFrame(rows)
    out["age"] = out["age"].astype("Int64")
    out["age_end"] = out["age_end"].astype("Int64")
    return out


def adh_table(shared: Path) -> pd.DataFrame:
    """ADH 1993 reconstruction, tidy, counts in thousands as printed."""
    wide = pd.read_csv(shared / "adh_reconstructed_population_1926_1947_5yr.csv", dtype={"age_group": str})
    wide["date"] = wide["year_start"].astype(str) + "-01-01"
    tidy = _melt(wide, "date", "age_group").rename(columns={"count": "count_thousands"})
    # _melt iterates sex-major; rebuild borders/territory in the same order.
    territory = pd.concat([wide["territory"]] * len(SEXES), ignore_index=True)
    tidy.insert(1, "borders", territory.map(ADH_BORDERS).to_numpy())
    tidy.insert(2, "territory", territory.to_numpy())
    return tidy.sort_values(["date", "borders", "sex"], kind="stable", ignore_index=True)


def life_tables(shared: Path) -> pd.DataFrame:
    """Official life tables with the transcription typo corrected (printed value kept)."""
    lt = pd.read_csv(shared / "ussr_life_tables_1926_27_1938_39_1958_59.csv").drop(columns="source")
    lt["Lx_as_printed"] = lt["Lx"]
    lt["correction_note"] = ""
    for (period, sex, age), (value, note) in LIFE_TABLE_CORRECTIONS.items():
        hit = (lt["period"] == period) & (lt["sex"] == sex) & (lt["age"] == age)
        lt.loc[hit, "Lx"] = value
        lt.loc[hit, "correction_note"] = note
    return lt


def life_expectancy_summary(shared: Path) -> pd.DataFrame:
    """e_x and q_x at ages 0, 1, 20, 40, 60 as summarised from the official tables."""
    s = pd.read_csv(shared / "life_expectancy_summary.csv").drop(columns="source")
    return s.rename(columns={"ex_years": "ex"})


def census_national_totals(shared: Path) -> pd.DataFrame:
    """National census totals (machinery folder): one row per (date, metric, source).

    A printed range ``167600000-167700000`` becomes ``value`` (low) and ``value_high``; counts
    printed in thousands stay in persons as the reference file gives them (``unit`` says so).
    """
    raw = pd.read_csv(shared / "machinery" / "census_1926_1937_1939_national_totals_urban_sex.csv", dtype=str)
    raw = raw.fillna("")
    low, high = [], []
    for v in raw["value"]:
        a, _, b = v.partition("-")
        low.append(int(a))
        high.append(int(b) if b else None)
    out = pd.DataFrame(
        {
            "date": raw["census_date"],
            "metric": raw["metric"],
            "value": low,
            "value_high": pd.array(high, dtype="Int64"),
            "unit": raw["unit"],
            "source": raw["source"],
            "note": raw["note"],
        }
    )
    # "same as above" in the reference file refers to the previous row's source.
    for i in range(1, len(out)):
        if out.loc[i, "source"] == "same as above":
            out.loc[i, "source"] = out.loc[i - 1, "source"]
    return out


def census_by_republic_and_city(shared: Path) -> pd.DataFrame:
    """1926 and 1939 census population of the union republics and the ten largest cities."""
    raw = pd.read_csv(shared / "machinery" / "census_1926_1939_population_by_republic_and_city.csv", dtype=str).fillna("")
    rows = []
    for date, col in (("1926-12-17", "census_1926"), ("1939-01-17", "census_1939")):
        for _, r in raw.iterrows():
            rows.append(
                {"date": date, "unit": r["unit"], "unit_type": r["unit_type"], "count": int(r[col]), "note": r["note"]}
            )
    return pd.DataFrame(rows)


def census_nationality(shared: Path) -> pd.DataFrame:
    """Partial census counts and shares by nationality; ``172000+`` -> 172000, qualifier ``more than``."""
    raw = pd.read_csv(shared / "machinery" / "census_nationality_partial_1926_1939.csv", dtype=str).fillna("")
    persons, qualifier = [], []
    for v in raw["persons"]:
        qualifier.append("more than" if v.endswith("+") else "")
        persons.append(int(v.rstrip("+")) if v else None)
    return pd.DataFrame(
        {
            "territory": raw["territory"],
            "year": raw["year"].astype(int),
            "nationality": raw["nationality"],
            "persons": pd.array(persons, dtype="Int64"),
            "persons_qualifier": qualifier,
            "percent": pd.to_numeric(raw["percent"]),
            "source": raw["source"],
            "note": raw["note"],
        }
    )


def build_tables(shared: Path) -> dict[str, pd.DataFrame]:
    """Every demographic table, by catalog name, re-tabulated from the reference folder."""
    tables = census_tables(shared)
    tables["sex_ratio_yearbook"] = sex_ratio_table(shared)
    tables["adh_5y"] = adh_table(shared)
    tables["life_tables"] = life_tables(shared)
    tables["life_expectancy_summary"] = life_expectancy_summary(shared)
    tables["census_national_totals"] = census_national_totals(shared)
    tables["census_by_republic_and_city"] = census_by_republic_and_city(shared)
    tables["census_nationality_partial"] = census_nationality(shared)
    return tables


def to_csv_text(df: pd.DataFrame) -> str:
    """The exact text written to ``tables/<name>.csv``."""
    return df.to_csv(index=False, lineterminator="\n")


def write_tables(shared: Path, tables: Path) -> None:
    """Write every demographic table into ``tables``; print one line per table."""
    tables.mkdir(exist_ok=True)
    for name, df in build_tables(shared).items():
        (tables / f"{name}.csv").write_text(to_csv_text(df), encoding="utf-8")
        print(f"{name}: {len(df)} rows")

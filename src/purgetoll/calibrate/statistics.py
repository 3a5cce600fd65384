"""The archive as summary statistics: each figure with its stated uncertainty and its citation.

:func:`archive_statistics` reads the bundled tables through the data loaders and returns one row
per statistic: ``name`` (the key a simulator's summaries must carry), ``role`` (``fit``: in the
distance; ``held_out``: only checked against the posterior predictive), ``value`` (persons,
share or months), ``sd`` (its uncertainty, persons/share/months), ``confidence``, ``sd_rule`` (how
``sd`` was made), ``table`` and ``rows`` (the bundled table and row ids), ``citation`` and
``note``.

**Uncertainty.** No table states a standard error; the uncertainty of a figure is made from what
the tables do state, the same way for every figure:

* a floor by the kind of source (:data:`RELATIVE_SD`): an NKVD/MVD certificate 2%, a secondary
  transcription or a figure computed from a certificate 5%, a low-confidence secondary figure 15%,
  a popular page without an archival citation 50% (assumptions, stated in every output);
* where sources disagree (the tables keep every figure of a dispute), half the range of the
  figures, added in quadrature (Pospelov's arrested of 1937-38, ``repression_key_totals:pospelov_arrested``,
  against the yearly figures ``arrested_1937`` + ``arrested_1938``; Zubkin's death sentences,
  ``zubkin_vmn``, against the 1953 certificate's; Werth's shot under Order 00447 against the
  other figures of ``mass_and_national_operations_1937_1938``);
* for a regional sample standing for the nation, or a qualitative figure, a stated absolute sd,
  marked ``assumption``.

The distance (:mod:`purgetoll.calibrate.distance`) adds the simulation's own Monte Carlo variance
at the calibration's scale to each archival variance.

**Names** are those of :func:`purgetoll.scenarios.summaries.simulate_summaries` (``arrests_1937``,
``order_00447_category1``, ``polish_shot``, ``gulag_deaths_1938``, ...) and of
:mod:`purgetoll.calibrate.summaries` (``camp_population_mean_1937``, ...).

**Held out** (never in the distance, so never fitted): the prisons on 1 January 1939 (a check of
the order of magnitude: the archive counts every prisoner), the Military Collegium's convictions and
death sentences, the rhythm of Order 00447's arrests in Prikamye (Perm), the time from arrest to
sentence in Perm, the share of women among the victims and among Gulag prisoners, the newer
estimates of executions, the share of party members and of three diaspora nationalities among those
arrested. A held-out statistic the simulator does not produce is reported as such, not dropped.
Not used: the regional samples' rural and workers' shares and Memorial's death share (one region,
or a database that over-represents the shot, against a national simulation), and the ages of the
arrested (no bundled table gives them).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import pandas as pd

from purgetoll.data import gulag, key_totals, machinery, operations, repression
from purgetoll.errors import DataError
from purgetoll.scenarios.summaries import LATE_1938

__all__ = ["Statistic", "archive_statistics", "RELATIVE_SD", "COLUMNS", "ROLES", "check_statistics"]

#: Relative sd floor by the kind of source (assumptions; see the module docstring).
RELATIVE_SD: dict[str, float] = {"certificate": 0.02, "secondary": 0.05, "low": 0.15, "popular": 0.50}
ROLES = ("fit", "held_out")
COLUMNS = ("name", "role", "group", "value", "sd", "unit", "confidence", "sd_rule", "table", "rows", "citation",
           "note")


@dataclass(frozen=True)
class Statistic:
    """One archival summary statistic (see the module docstring for the fields)."""

    name: str
    role: str
    group: str
    value: float
    sd: float
    unit: str
    confidence: str
    sd_rule: str
    table: str
    rows: str
    citation: str
    note: str = ""
    alternatives: tuple[float, ...] = field(default=(), repr=False)


def _row(df: pd.DataFrame, row_id: str, table: str) -> pd.Series:
    hit = df[df["id"] == row_id]
    if hit.empty:
        raise DataError(table, f"row {row_id!r} not found (the calibration's statistics read it)")
    return hit.iloc[0]


def _combine(value: float, confidence: str, alternatives: tuple[float, ...] = ()) -> tuple[float, str]:
    """sd from the source's floor and half the range of the disagreeing figures, and the rule's text."""
    if confidence not in RELATIVE_SD:
        raise ValueError(f"confidence must be one of {list(RELATIVE_SD)}; got {confidence!r}")
    floor = RELATIVE_SD[confidence] * abs(value)
    figures = (value, *alternatives)
    half_range = (max(figures) - min(figures)) / 2
    sd = math.hypot(floor, half_range)
    rule = f"{RELATIVE_SD[confidence]:.0%} of the value ({confidence} source)"
    if alternatives:
        rule += f" and half the range of {len(figures)} disagreeing figures ({half_range:,.0f}), in quadrature"
    return sd, rule


def _fact(name: str, role: str, group: str, df: pd.DataFrame, row_id: str, confidence: str, *,
          alternatives: tuple[float, ...] = (), alt_rows: tuple[str, ...] = (), note: str = "",
          value: float | None = None) -> Statistic:
    table = str(df.attrs.get("table", "?"))
    row = _row(df, row_id, table)
    v = float(row["value"]) if value is None else float(value)
    alts = tuple(alternatives) + tuple(float(_row(df, r, table)["value"]) for r in alt_rows)
    sd, rule = _combine(v, confidence, alts)
    rows = ", ".join((row_id, *alt_rows))
    return Statistic(name, role, group, v, sd, str(row.get("unit", "persons")), confidence, rule, table, rows,
                     str(row["source"]), note, alts)


def _assumed(name: str, role: str, group: str, value: float, sd: float, unit: str, table: str, rows: str,
             citation: str, why: str, note: str = "") -> Statistic:
    return Statistic(name, role, group, float(value), float(sd), unit, "assumption",
                     f"assumption: sd {sd:g} {unit} ({why})", table, rows, citation, note)


def _repression_value(df: pd.DataFrame, year: int, category: str) -> tuple[float, str]:
    hit = df[(df["year"] == year) & (df["category"] == category)]
    if len(hit) != 1:
        raise DataError(str(df.attrs.get("table", "repression")), f"expected one row for {year} {category}")
    return float(hit["value"].iloc[0]), str(hit["source"].iloc[0])


def _statistics() -> list[Statistic]:
    out: list[Statistic] = []
    kt = key_totals()
    results = operations("results")
    rep = repression("mvd_1953")
    deaths = gulag("deaths")
    prisons = gulag("prisons")
    supp = machinery("gulag_population_supplement")
    vkvs = kt
    timing = machinery("operation_timing_and_throughput")
    samples = machinery("victim_composition_regional_samples")
    nationality = machinery("arrests_by_nationality_1936_1938")

    # -- arrests by year: the yearly figures, against Pospelov's total for 1937-38
    a37 = float(_row(kt, "arrested_1937", "repression_key_totals")["value"])
    a38 = float(_row(kt, "arrested_1938", "repression_key_totals")["value"])
    pospelov = float(_row(kt, "pospelov_arrested", "repression_key_totals")["value"])
    for year, v in ((1937, a37), (1938, a38)):
        out.append(_fact(f"arrests_{year}", "fit", "arrests", kt, f"arrested_{year}", "secondary",
                         alternatives=(v * pospelov / (a37 + a38),), alt_rows=(),
                         note="the alternative is the year's share of Pospelov's total for 1937-38 "
                              "(repression_key_totals:pospelov_arrested)"))
    # -- arrests from July to October 1938: the NKVD's certificates of 1 Jul and 1 Nov 1938 count the same
    # series from 1 Oct 1936, so their difference places the year's arrests between its halves
    for name, later, earlier, what in (
            (f"arrests_{LATE_1938}", "zubkin_arrested", "svodka1938_arrested", "all arrests"),
            (f"national_operations_arrests_{LATE_1938}", "zubkin_arrested_national_ops",
             "svodka1938_arrested_national_ops", "arrests under the national orders")):
        to_nov, to_jul = _row(kt, later, "repression_key_totals"), _row(kt, earlier, "repression_key_totals")
        v = float(to_nov["value"]) - float(to_jul["value"])
        sd, rule = _combine(v, "secondary")
        out.append(Statistic(name, "fit", "arrests", v, sd, "persons", "secondary", rule, "repression_key_totals",
                             f"{later}, {earlier}", f"{to_nov['source']}; {to_jul['source']}",
                             f"computed: {what} to 1 Nov 1938 ({later}) less those to 1 Jul 1938 ({earlier}), two "
                             "certificates of the NKVD's 1st special department counting the same series from "
                             "1 Oct 1936, so the difference is taken as a figure computed from a certificate"))
    out.append(_fact("national_operations_arrests", "fit", "national operations", kt, "zubkin_arrested_national_ops",
                     "secondary", note="Zubkin's certificate, 1 Oct 1936-1 Nov 1938 (the national orders began in "
                                       "July 1937)"))
    # -- convictions and death sentences by year (1953 MVD certificate)
    rep_table = str(rep.attrs.get("table"))
    zubkin_vmn = float(_row(kt, "zubkin_vmn", "repression_key_totals")["value"])
    vmn = {y: _repression_value(rep, y, "death")[0] for y in (1937, 1938)}
    for year in (1937, 1938):
        v, src = _repression_value(rep, year, "total")
        alt = float(_row(kt, f"convicted_{year}_secondary", "repression_key_totals")["value"])
        sd, rule = _combine(v, "certificate", (alt,))
        out.append(Statistic(f"convictions_{year}", "fit", "convictions", v, sd, "persons", "certificate", rule,
                             rep_table, f"mvd_1953 {year} total; repression_key_totals convicted_{year}_secondary",
                             src, "", (alt,)))
        v = vmn[year]
        alt = v * zubkin_vmn / (vmn[1937] + vmn[1938])
        sd, rule = _combine(v, "certificate", (alt,))
        out.append(Statistic(f"death_sentences_{year}", "fit", "death sentences", v, sd, "persons", "certificate",
                             rule, rep_table, f"mvd_1953 {year} death; repression_key_totals zubkin_vmn", src,
                             "the alternative is the year's share of Zubkin's death sentences of Oct 1936-Nov 1938 "
                             "(repression_key_totals:zubkin_vmn)", (alt,)))
    # -- Order 00447: arrested, sentenced, by category, arrested in its first month
    out.append(_fact("order_00447_arrests", "fit", "Order 00447", kt, "zubkin_arrested_00447", "secondary",
                     note="Zubkin's certificate, 1 Oct 1936-1 Nov 1938"))
    ruwiki = float(_row(results, "o447_shot_ruwiki", "r")["value"]) + float(_row(results, "o447_camps_ruwiki", "r")["value"])
    out.append(_fact("order_00447_sentenced", "fit", "Order 00447", results, "o447_sentenced_werth", "secondary",
                     alternatives=(ruwiki,), note="alternative: about 390,000 shot + 380,000 to camps (ru-Wikipedia)"))
    out.append(_fact("order_00447_category1", "fit", "Order 00447", results, "o447_shot_werth", "secondary",
                     alt_rows=("o447_shot_ruwiki", "o447_death_sentences_alt", "o447_death_sentences_memorial"),
                     note="sentenced to shooting (category 1)"))
    out.append(_fact("order_00447_category2", "fit", "Order 00447", results, "o447_camps_ruwiki", "low",
                     note="'about 380 thousand to camps' (category 2; ru-Wikipedia)"))
    out.append(_fact("order_00447_arrests_1937-08", "fit", "Order 00447", results, "o447_arrested_1sep", "low",
                     note="arrested by 1 Sep 1937: the operation began on 5 August"))
    # -- the national operations: all, and the four with published totals
    ranged = _row(results, "national_ops_sentenced", "mass_and_national_operations_1937_1938")
    out.append(_fact("national_operations_sentenced", "fit", "national operations", results,
                     "national_ops_sentenced_ablazhei", "secondary",
                     alternatives=(float(ranged["value_low"]), float(ranged["value_high"])),
                     note="alternatives: the low and high ends of the range national_ops_sentenced"))
    out.append(_fact("national_operations_shot", "fit", "national operations", results,
                     "national_ops_shot", "secondary", alt_rows=("national_ops_death_memorial",),
                     note="sentenced to shooting"))
    out.append(_fact("polish_arrests", "fit", "national operations", results, "polish_arrested", "secondary"))
    out.append(_fact("polish_sentenced", "fit", "national operations", results, "polish_convicted", "secondary",
                     alt_rows=("polish_convicted_alt",)))
    for op, sentenced, shot in (("polish", None, "polish_shot"), ("german", "german_convicted", "german_shot"),
                                ("harbin", "harbin_convicted", "harbin_shot"),
                                ("latvian", "latvian_convicted", "latvian_death")):
        if sentenced is not None:
            out.append(_fact(f"{op}_sentenced", "fit", "national operations", results, sentenced, "secondary"))
        out.append(_fact(f"{op}_shot", "fit", "national operations", results, shot, "secondary",
                         note="sentenced to shooting"))
    nsup = machinery("national_operations_supplement")
    out.append(_fact("greek_arrests", "fit", "national operations", nsup, "greek_arrested", "low",
                     alt_rows=("greek_arrested_old",), note="about 15,000 (latest) against over 20,000 (older text)"))
    # -- Order 00486
    out.append(_fact("wives_arrested_order_00486", "fit", "Order 00486", results, "o486_wives_arrested", "popular",
                     note="popular secondary sources; no archival citation"))
    # -- the Gulag: deaths by year, average and year-end population; prisons
    dtab = str(deaths.attrs.get("table"))
    for year in (1937, 1938):
        row = deaths[deaths["year"] == year].iloc[0]
        v = float(row["deaths"])
        sd, rule = _combine(v, "secondary")
        out.append(Statistic(f"gulag_deaths_{year}", "fit", "Gulag", v, sd, "persons", "secondary", rule, dtab,
                             f"year {year} deaths", str(row["source"]),
                             "later research argues some deaths were recorded as releases (table caveat)"))
        v = float(row["average_population_implied"])
        sd, rule = _combine(v, "secondary")
        out.append(Statistic(f"camp_population_mean_{year}", "fit", "Gulag", v, sd, "persons", "secondary", rule,
                             dtab, f"year {year} average_population_implied", str(row["source"]),
                             "computed: the year's deaths over their percentage of the average population"))
    prisons_1939 = prisons[pd.to_datetime(prisons["date"]).dt.strftime("%Y-%m-%d") == "1939-01-01"]
    if len(prisons_1939) != 1:
        raise DataError(str(prisons.attrs.get("table")), "expected one row dated 1939-01-01")
    p39 = float(prisons_1939.iloc[0]["prisoners"]) if "prisoners" in prisons_1939 else float(prisons_1939.iloc[0]["count"])
    tolstykh = float(_row(supp, "total_1939_tolstykh", "gulag_population_supplement")["value"])
    vivid = float(_row(supp, "total_incl_prisons_1939_vividmaps", "gulag_population_supplement")["value"])
    out.append(_fact("camp_population_1939_01_01", "fit", "Gulag", supp, "total_1939_tolstykh", "low",
                     alternatives=(vivid - p39,), value=tolstykh,
                     note="a partisan author's total, coverage not stated; alternative: the total with prisons "
                          "(gulag_population_supplement:total_incl_prisons_1939_vividmaps) minus the prisons "
                          "of 1 Jan 1939 (prisons_population_quarterly_1939_1960)"))

    # ---------------------------------------------------------------------------- held out
    sd, rule = _combine(p39, "certificate")
    out.append(Statistic("prison_population_1939_01_01", "held_out", "prisons", p39, sd, "persons", "certificate",
                         rule, str(prisons.attrs.get("table")), "1939-01-01", str(prisons_1939.iloc[0]["source"]),
                         "every prisoner of the NKVD's prisons (also the ordinary criminals and those serving "
                         "prison terms); the model's custody holds the Terror's arrested awaiting sentence, "
                         "execution or transport only: a check of the order of magnitude"))
    out.append(_fact("military_collegium_convicted", "held_out", "Military Collegium", vkvs, "vkvs_convicted",
                     "secondary", note="1 Oct 1936-30 Sep 1938 (the run starts in January 1937)"))
    out.append(_fact("military_collegium_shot", "held_out", "Military Collegium", vkvs, "vkvs_shot",
                     "secondary", note="sentenced to shooting, 1 Oct 1936-30 Sep 1938"))
    # Prikamye (Perm): Order 00447's arrests by month as shares of the operation's total there
    stab = str(samples.attrs.get("table"))
    total = float(_row(samples, "prikamye_total", stab)["value"])
    for month in ("1937-08", "1937-09", "1937-10", "1937-11", "1937-12", "1938-01", "1938-02", "1938-03"):
        n = float(_row(samples, f"prikamye_{month}", stab)["value"])
        out.append(_assumed(f"order_00447_month_share_{month}", "held_out", "Prikamye rhythm",
                            n / total, 0.05, "share", stab, f"prikamye_{month}, prikamye_total",
                            str(_row(samples, f"prikamye_{month}", stab)["source"]),
                            "one region's rhythm standing for the nation's: 5 percentage points",
                            "share of the operation's arrests made in the month (Prikamye, Perm/Molotov oblast)"))
    ttab = str(timing.attrs.get("table"))
    out.append(_assumed("months_arrest_to_sentence_order_00447", "held_out", "Perm throughput",
                        float(_row(timing, "perm_arrest_to_sentence", ttab)["value"]), 0.5, "months", ttab,
                        "perm_arrest_to_sentence", str(_row(timing, "perm_arrest_to_sentence", ttab)["source"]),
                        "a 'typical time' in one oblast: 0.5 months",
                        "mean months from arrest to sentence under Order 00447 (the model counts whole months)"))
    out.append(_assumed("arrested_share_women", "held_out", "women",
                        float(_row(samples, "women_share_ilic", stab)["value"]) / 100, 0.015, "share", stab,
                        "women_share_ilic", str(_row(samples, "women_share_ilic", stab)["source"]),
                        "a chapter's round figure: 1.5 percentage points", "women among the victims (Ilic)"))
    out.append(_assumed("women_share_camp_end", "held_out", "women",
                        float(_row(supp, "women_share_1939", "s")["value"]) / 100, 0.015, "share",
                        str(supp.attrs.get("table")), "women_share_1939",
                        str(_row(supp, "women_share_1939", "s")["source"]),
                        "a secondary figure for the year: 1.5 percentage points",
                        "women among the Gulag's prisoners, 1939 (the run ends on 17 Jan 1939)"))
    row = _row(timing, "shot_1937_1938_newer", ttab)
    lo, hi = float(row["value_low"]), float(row["value_high"])
    out.append(_fact("executions_1937_1938", "held_out", "executions", timing, "shot_1937_1938_newer", "secondary",
                     value=(lo + hi) / 2, alternatives=(lo, hi),
                     note="newer estimates (725,000-740,000); the 1950s certificates give about 682,000"))
    out.append(_assumed("arrested_share_party", "held_out", "composition",
                        float(_row(samples, "buryat_region_communists", stab)["value"]) / 100, 0.03, "share", stab,
                        "buryat_region_communists, bashkir_region_communists",
                        str(_row(samples, "buryat_region_communists", stab)["source"]),
                        "two regions (7% each) standing for the nation: 3 percentage points",
                        "party members among the arrested"))
    ntab = str(nationality.attrs.get("table"))
    all_n = float(_row(nationality, "all", ntab)["value"])
    for nat, label in (("poles", "Poles"), ("germans", "Germans"), ("latvians", "Latvians")):
        v = float(_row(nationality, nat, ntab)["value"]) / all_n
        sd, rule = _combine(v, "secondary")
        out.append(Statistic(f"arrested_share_nationality_{label}", "held_out", "composition", v, sd, "share",
                             "secondary", rule, ntab, f"{nat}, all", str(_row(nationality, nat, ntab)["source"]),
                             "arrested 1 Oct 1936-1 Jul 1938 (Krieger), share of all arrested; the model's share is "
                             "over the whole run"))
    return out


def archive_statistics() -> pd.DataFrame:
    """Every archival summary statistic (fit and held out): columns :data:`COLUMNS`.

    ``attrs["relative_sd"]`` holds the floors of :data:`RELATIVE_SD`.
    """
    rows = [{k: v for k, v in asdict(s).items() if k in COLUMNS} for s in _statistics()]
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df.attrs["relative_sd"] = dict(RELATIVE_SD)
    df.attrs["unit"] = "persons, share or months (column unit)"
    check_statistics(df, "archive_statistics")
    return df


def check_statistics(df: pd.DataFrame, source: str = "statistics") -> pd.DataFrame:
    """Check a statistics table (user-given or bundled): columns, unique names, roles, finite values
    and positive sd; a :class:`~purgetoll.errors.DataError` names the row and what was expected."""
    missing = [c for c in ("name", "role", "value", "sd") if c not in df.columns]
    if missing:
        raise DataError(source, f"missing columns {missing}; expected at least name, role, value, sd")
    seen: set[str] = set()
    for i, row in enumerate(df.itertuples(index=False)):
        name = str(row.name)
        if name in seen:
            raise DataError(source, f"statistic {name!r} appears twice", i)
        seen.add(name)
        if row.role not in ROLES:
            raise DataError(source, f"role of {name!r} must be one of {list(ROLES)}; got {row.role!r}", i)
        if not (isinstance(row.value, int | float) and math.isfinite(float(row.value))):
            raise DataError(source, f"value of {name!r} must be a finite number; got {row.value!r}", i)
        if not (isinstance(row.sd, int | float) and math.isfinite(float(row.sd)) and float(row.sd) > 0):
            raise DataError(source, f"sd of {name!r} must be a positive number; got {row.sd!r}", i)
    return df

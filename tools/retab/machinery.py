"""Maintainer tool, part 3: the machinery tables (see :mod:`retab.archive`).

One function per reference file of the ``machinery`` folder, each listing its figures
explicitly (origin row, ``id``, parts, disputes, splits of "a / b" cells and of numbers given in
the notes). The three machinery census files are re-tabulated with the demographic tables.
"""

from __future__ import annotations

import re

from retab.cells import Facts, Retab, split

M = "machinery/"

def nationality(ctx: Retab) -> None:
    f = Facts(ctx, "arrests_by_nationality_1936_1938", ctx.read(M + "arrests_by_nationality_1936_1938.csv"),
              subject="nationality", metric="=arrested", period="period", value="arrested", unit="=persons",
              source="source", note="note")
    n = len(f.rows)
    f.add(n, id="all", parts="partial", period="1936-10-01..1938-07-01",
          note=f.get(n, "note") + "; period read as 1 Oct 1936 - 1 Jul 1938 from the matching NKVD total (the source labels it 1936-1938)")
    for r in range(1, n):
        slug = re.sub(r"\W+", "_", f.get(r, "subject").lower()).strip("_")
        f.add(r, id=slug, part_of="all", period="1936-10-01..1938-07-01")
        rep = f.rows[r - 1]["over_under_representation_vs_population"].replace("%", "").replace("+", "")
        f.add(r, sub=1, id=f"{slug}_representation", metric="over(+)/under(-) representation vs population share",
              printed=rep.lstrip("-") if False else rep, unit="percent", period="1936-10-01..1938-07-01",
              value=rep, note="as computed by Krieger; negative = under-represented")
    f.write()


def gulag_supplement(ctx: Retab) -> None:
    f = Facts(ctx, "gulag_population_supplement", ctx.read(M + "gulag_population_supplement.csv"), subject="=Gulag",
              metric="coverage", period="date", value="value", unit="unit", source="source", note="note")
    f.add(1, id="total_1939_tolstykh")
    f.add(2, id="total_1941_pykhalov")
    f.add(3, id="total_1950_pykhalov")
    f.add(4, id="camps_colonies_autumn_1945")
    f.add(5, id="total_incl_prisons_1939_vividmaps", qualifier="nearly")
    f.add(6, id="women_share_1939")
    f.add(7, id="women_share_1942")
    f.add(8, id="mortality_1937_popular")
    f.add(8, sub=1, id="sevvostlag_deaths_1937", subject="Sevvostlag", metric="deaths", printed="2443", unit="persons", note="from the row note")
    f.add(8, sub=2, id="sevvostlag_mortality_1937", subject="Sevvostlag", metric="mortality", printed="9", unit="percent", note="from the row note")
    f.add(9, id="kolyma_released_1941", parts="partial")
    f.add(9, sub=1, id="kolyma_rehabilitated_1941", metric="of whom fully rehabilitated", printed="3000",
          part_of="kolyma_released_1941", note="8.8% (row note)")
    f.write()


def national_ops(ctx: Retab) -> None:
    f = Facts(ctx, "national_operations_supplement", ctx.read(M + "national_operations_supplement.csv"),
              subject="operation", metric="metric", period="period", value="value", unit="unit",
              source="source", note="note")
    f.add(1, id="greek_arrested", dispute="greek_arrested", parts="partial", note=f.get(1, "note") + "; default figure (latest data)")
    f.add(1, sub=1, id="greek_arrested_kuban", subject="Greek operation, Kuban", printed="5200", qualifier="about",
          part_of="greek_arrested", note="'Kuban about 5,200 (about half)' (row note)")
    f.add(2, id="greek_arrested_old", dispute="greek_arrested", default="false")
    f.add(3, id="finnish_killed")
    f.add(4, id="finnish_repressed")
    f.add(7, id="korean_deported", period="1937-09..10")
    f.add(7, sub=1, id="korean_deported_ruwiki", printed="173000", qualifier="about", note="ru-wiki: 'about 173 thousand' (row note)")
    split(f, 8, [dict(metric="Yakut ASSR: death sentences"), dict(metric="Yakut ASSR: sentenced")],
          ids=["harbin_yakut_death", "harbin_yakut_sentenced"], parent=1, parts="partial")
    f.add(9, id="national_ops_sentenced")
    f.write()


def nkvd(ctx: Retab) -> None:
    f = Facts(ctx, "nkvd_staff_and_capacity", ctx.read(M + "nkvd_staff_and_capacity.csv"), subject="unit",
              metric="metric", period="date_or_period", value="value", unit="unit_of_value", source="source", note="note")
    for r, lab in [(1, "russians"), (2, "ukrainians"), (3, "jews"), (4, "latvians"), (5, "poles")]:
        periods = [p.strip() for p in f.get(r, "period").split(" / ")]
        split(f, r, [dict(period=p) for p in periods], ids=[f"leadership_{lab}_{p[:4]}" for p in periods],
              subject="NKVD leadership")
    vals = f.get(6, "value").split(" / ")  # "23.96->28.67 / 17.71->30 / ..."
    labs = ["workers", "peasants", "employees", "landowners, traders, small entrepreneurs, artisans"]
    k = 0
    for lab, pair in zip(labs, vals, strict=True):
        for p, v in zip(("1934-07-01", "1938-09-01"), pair.split("->"), strict=True):
            k += 1
            f.add(6, sub=k, id=f"leadership_origin_{lab.split(',')[0]}_{p[:4]}", subject="NKVD leadership",
                  metric=f"share by social origin: {lab}", period=p, printed=v, note="")
    for p, v in [("1934-07-01", "42"), ("1938-09-01", "60"), ("1939-07-01", "80")]:
        k += 1
        f.add(6, sub=k, id=f"leadership_origin_workers_peasants_{p[:4]}", subject="NKVD leadership",
              metric="share by social origin: workers and peasants", period=p, printed=v,
              note="from the row note ('workers+peasants 42% (1934), 60% (1 Sep 1938), 80% (1939)'); 1939 date read as 1 Jul 1939 as in the other rows")
    f.add(7, id="gb_staff_arrested")
    f.add(8, id="ukraine_vacant_posts", parts="complete")
    f.add(8, sub=1, id="ukraine_vacant_heads", metric="vacant posts: heads and assistant heads of departments and sections", printed="187", part_of="ukraine_vacant_posts", note="from the row note")
    f.add(8, sub=2, id="ukraine_vacant_operatives", metric="vacant posts: operupolnomochennye and assistants", printed="484", part_of="ukraine_vacant_posts", note="from the row note")
    f.add(9, id="central_apparatus_1940")
    split(f, 10, [dict(period="1940-12", metric="prisoners held (end 1940)"), dict(period="1941-01..03", metric="prisoners held (early 1941)")],
          ids=["prisons_end_1940", "prisons_early_1941"])
    split(f, 11, [dict(metric="NKVD workers prosecuted for excesses"), dict(metric="NKVD workers prosecuted for excesses: shot")],
          ids=["beria_purge_prosecuted", "beria_purge_shot"], parent=0, parts="partial")
    f.write()


def timing(ctx: Retab) -> None:
    f = Facts(ctx, "operation_timing_and_throughput", ctx.read(M + "operation_timing_and_throughput.csv"),
              subject="territory_operation", metric="metric", period="date_or_period", value="value",
              unit="unit", source="source", note="note")
    f.add(1, id="mordovia_arrested", parts="complete")
    for k, (lab, v) in enumerate([("kulaks", 217), ("criminals", 31), ("other counter-revolutionaries", 76)], 1):
        f.add(1, sub=k, id=f"mordovia_arrested_{k}", metric=f"arrested: {lab}", printed=str(v), part_of="mordovia_arrested", note="from the row note")
    rows = split(f, 2, [dict(metric="sentenced by troika: total"), dict(metric="sentenced by troika: category 1"),
                        dict(metric="sentenced by troika: category 2")],
                 ids=["mordovia_sentenced", "mordovia_cat1", "mordovia_cat2"], parent=0)
    rows[1]["parts"] = rows[2]["parts"] = "complete"
    for cat, vals in (("cat1", (134, 12, 118)), ("cat2", (24, 29, 17))):
        for k, (lab, v) in enumerate(zip(("kulaks", "criminals", "other"), vals, strict=True), 1):
            f.add(2, sub=f"{cat}.{k}", id=f"mordovia_{cat}_{k}", metric=f"sentenced by troika: category {cat[-1]}: {lab}",
                  printed=str(v), part_of=f"mordovia_{cat}", note="from the row note")
    f.add(3, id="mordovia_shot", period="1937-08-05..08-27")
    f.add(4, id="perm_arrest_to_sentence", printed="1", qualifier="about", unit="months",
          note=f"printed 'about 1 month'; {f.get(4, 'note')}")
    periods = ["1937-08", "1937-10", "1937-12"]
    split(f, 5, [dict(period=p) for p in periods], ids=[f"perm_same_month_{p}" for p in periods])
    f.add(6, id="prikamye_rhythm", qualifier="text")
    split(f, 7, [dict(period="1938 (summer)"), dict(period="1938 (autumn)")], ids=["altai_harbin_summer", "altai_harbin_autumn"])
    f.add(8, id="butovo_per_day", qualifier="text")
    for k, (d, v) in enumerate([("1937-12-08", 474), ("1938-02-17", 502), ("1938-02-28", 562)], 1):
        f.add(8, sub=k, id=f"butovo_{d}", metric="persons shot on the day", period=d, printed=str(v), unit="persons", note="from the row note")
    f.add(9, id="novosibirsk_delay", printed="1", qualifier="at least", unit="months",
          note=f"printed 'a month or more (some group cases)'; {f.get(9, 'note')}")
    f.add(10, id="shot_1937_1938_newer")
    split(f, 11, [dict(metric="sentenced in 1938 (excl. those arrested in 1937)"), dict(metric="sentenced in 1938: of which death")],
          date_start="1938-01-01", date_end="1938-09-24",
          ids=["ukraine_polish_sentenced_1938", "ukraine_polish_death_1938"], parent=0, parts="partial")
    labs = ["pending at NKVD USSR (00485 album)", "pending at OSO", "pending at the Military Collegium",
            "pending at special collegia and tribunals", "being completed for courts"]
    split(f, 12, [dict(metric=f"cases {lab}") for lab in labs], ids=[f"ukraine_polish_pending_{k}" for k in range(1, 6)])
    f.add(13, id="special_troikas_deadline")
    f.add(14, id="trotskyists_arrested_1937")
    f.write()


def o486(ctx: Retab) -> None:
    f = Facts(ctx, "order_00486_families", ctx.read(M + "order_00486_families.csv"), subject="=Order 00486 (families)",
              metric="metric", period="date_or_period", value="value", unit="unit", source="source", note="note")
    f.add(1, id="children_homes_1938")
    f.add(2, id="extra_places_requested", parts="partial")
    f.add(2, sub=1, id="extra_places_rsfsr", metric="additional places requested: RSFSR", printed="3000", part_of="extra_places_requested", note="from the row note")
    f.add(3, id="alzhir_biographies")
    f.add(4, id="wives_term_years")
    f.add(5, id="clause36_cancelled", qualifier="text")
    f.write()


def party(ctx: Retab) -> None:
    f = Facts(ctx, "party_membership_and_expulsions_1933_1946", ctx.read(M + "party_membership_and_expulsions_1933_1946.csv"),
              subject="=VKP(b)", metric="metric", period="date_or_period", value="total_or_value", unit="=persons",
              source="source", note="note")
    A = f.add
    A(1, id="peak_1933")
    A(2, id="purge_1933_35_checked", date_start="1933-01-01", date_end="1935-05-31")  # "ran to May 1935"
    A(2, sub=1, id="purge_1933_35_expelled_pct", metric="expelled in the 1933-35 purge (share of checked)", printed="18.3", unit="percent",
      date_start="1933-01-01", date_end="1935-05-31", note="from the row note")
    A(3, id="members_1934_frus", printed=f.rows[2]["members"], dispute="party_members_1934", date_start="1934-01-01", date_end="1934-02-28",
      note=f.get(3, "note") + "; default figure: with the 935,000 candidates it gives the 2.81 million total of 1934")
    A(4, id="members_1934_schwarz", printed=f.rows[3]["members"], dispute="party_members_1934", default="false",
      date_start="1934-01-01", date_end="1934-02-28")
    A(5, id="total_1934_01", qualifier="about")  # printed "281万": rounded to ten thousand
    A(5, sub=1, id="unlabelled_1934_01", metric="unlabelled second column (appears to be candidates)", printed="935000", note="from the row note")
    A(6, id="members_1938", printed=f.rows[5]["members"])
    A(7, id="members_1939_03", printed=f.rows[6]["members"])
    A(8, id="candidates_1939_03", printed=f.rows[7]["candidates"], computed="true")
    A(9, id="total_1939_03")
    A(10, id="admitted_1939_1940")
    A(11, id="total_1941_01")
    A(12, id="total_1941_02", metric="members and candidates: total", parts="complete", computed="true")
    A(12, sub=1, id="members_1941_02", metric="members", printed=f.rows[11]["members"], part_of="total_1941_02")
    A(12, sub=2, id="candidates_1941_02", metric="candidates", printed=f.rows[11]["candidates"], part_of="total_1941_02")
    A(13, id="total_1946", metric="members and candidates: total", parts="complete")
    A(13, sub=1, id="members_1946", metric="members", printed=f.rows[12]["members"], part_of="total_1946")
    A(13, sub=2, id="candidates_1946", metric="candidates", printed=f.rows[12]["candidates"], part_of="total_1946")
    A(14, id="kpk_1937")
    A(15, id="kpk_1939", parts="partial")
    A(15, sub=1, id="kpk_1939_appeals", metric="of which appeals to the 18th Congress", printed="8437", part_of="kpk_1939", note="from the row note")
    A(16, id="moscow_oktyabrsky_expelled", subject="VKP(b), Moscow Oktyabrsky raikom", metric="expelled (reviewed)", period="1937-1938", parts="partial")
    A(16, sub=1, id="moscow_oktyabrsky_reinstated", subject="VKP(b), Moscow Oktyabrsky raikom", metric="reinstated by 1 Feb 1938", printed="24", part_of="moscow_oktyabrsky_expelled", note="from the row note")
    A(16, sub=2, id="moscow_sovetsky_reinstated", subject="VKP(b), Moscow Sovetsky raikom", metric="reviewed and reinstated (all)", printed="26", note="from the row note")
    A(17, id="moscow_dzerzhinsky_expelled", subject="VKP(b), Moscow Dzerzhinsky district", metric="expelled", parts="partial")
    A(17, sub=1, id="moscow_dzerzhinsky_reinstated", subject="VKP(b), Moscow Dzerzhinsky district", metric="reinstated", printed="190", part_of="moscow_dzerzhinsky_expelled", note="from the row note")
    f.write()


def army(ctx: Retab) -> None:
    f = Facts(ctx, "red_army_strength_and_command_staff_1926_1941", ctx.read(M + "red_army_strength_and_command_staff_1926_1941.csv"),
              subject="topic", metric="metric", period="date_or_period", value="value", unit="unit", source="source", note="note")
    A = f.add
    for r, i in [(1, "army_1938_04"), (2, "navy_1938_04"), (3, "nkvd_troops_1938_04"), (4, "army_1935"), (5, "army_1938_01_01")]:
        A(r, id=i)
    A(6, id="growth_5y", date_start="", date_end="")
    for r, i in [(7, "army_1939_09_20"), (8, "army_1940_04_01"), (9, "army_1940_06_01")]:
        A(r, id=i)
    A(10, id="reservists_discharged_1940")
    A(10, sub=1, id="reservists_discharge_plan_1940", metric="reservists: discharge plan of 24 May 1940", printed="691220", period="1940-05-24", note="from the row note")
    A(10, sub=2, id="reservists_discharged_1940_06", metric="reservists discharged in June 1940", printed="71845", period="1940-06", note="from the row note")
    A(11, id="army_1941_06_before", part_of="army_1941_06_after")
    A(11, sub=1, id="army_1941_06_added", metric="added by pre-war measures", printed="793500", part_of="army_1941_06_after", note="from the row note")
    A(11, sub=2, id="army_1941_06_after", metric="Red Army after pre-war call-ups", printed="5620400", parts="complete", note="from the row note")
    A(11, sub=3, id="army_mobilisation_plan", metric="full mobilisation plan", printed="7.85", unit="million", note="from the row note")
    A(12, id="army_1941_06")
    for r, rank in [(13, "colonels"), (14, "lieutenant_colonels"), (15, "majors"), (16, "captains"), (17, "senior_lieutenants")]:
        split(f, r, [dict(period="1936"), dict(period="1941-06")], ids=[f"{rank}_1936", f"{rank}_1941_06"])
    split(f, 18, [dict(period="1939-08"), dict(period="1941-06")], ids=["rifle_divisions_1939_08", "rifle_divisions_1941_06"])
    A(19, id="command_staff_1926", parts="partial")
    nat = [("Russians", 36042), ("Ukrainians", 4496), ("Belorussians", 2585), ("Jews", 958), ("Georgians", 807),
           ("Latvians", 798), ("Armenians", 463), ("Germans", 350), ("Tatars", 281), ("Estonians", 261),
           ("Azerbaijanis", 260), ("Lithuanians", 178)]
    for k, (lab, v) in enumerate(nat, 1):
        A(19, sub=k, id=f"command_staff_1926_{lab.lower()}", metric=f"command staff (nachsostav) in RKKA: {lab}",
          printed=str(v), part_of="command_staff_1926", note="from the row note")
    for r, y in [(20, 1937), (21, 1938), (22, 1939)]:
        A(r, id=f"promoted_share_{y}")
    A(23, id="shortage_1938")
    A(23, sub=1, id="shortage_1938_commanders", metric="cadre army short of commanders", printed="93000", unit="persons", note="from the row note")
    A(23, sub=2, id="reserve_needed_1938", metric="reserve command staff needed", value=("300000", "350000"), printed="300-350 thousand", unit="persons", note="from the row note")
    A(24, id="reserve_called_1939_1940", qualifier="more than")
    A(25, id="requirement_1938_1939", parts="partial")
    A(25, sub=1, id="requirement_replace_dismissed_1938", metric="of which to replace those dismissed in 1938", printed="25700", part_of="requirement_1938_1939", note="from the row note")
    A(25, sub=2, id="school_graduates_1938", metric="school graduates 1938", printed="8278", period="1938", note="from the row note")
    A(25, sub=3, id="promoted_junior_1938", metric="promoted from junior command", printed="9751", note="from the row note")
    A(25, sub=4, id="planned_cover_1938", metric="planned cover", printed="130000", period="1938", note="from the row note")
    A(25, sub=5, id="planned_cover_1939_h1", metric="planned cover", printed="73000", period="1939 H1", note="from the row note")
    A(26, id="dismissed_1936_1937")
    A(26, sub=1, id="dismissed_1936_1937_pct", metric="dismissed from command staff: share of list strength", printed="8.6", unit="percent", note="from the row note")
    A(27, id="dismissed_1938_1939")
    A(27, sub=1, id="dismissed_1938_1939_pct", metric="dismissed from command staff: share of list strength", printed="3.9", unit="percent", note="from the row note")
    A(28, id="dismissed_political_1938")
    A(28, sub=1, id="dismissed_political_1938_pct", metric="dismissed for political reasons: share of those dismissed in 1938", printed="52", unit="percent", note="from the row note")
    A(29, id="complaints_reviewed")
    A(29, sub=1, id="complaints_article_changed", metric="complaints: article of dismissal changed", printed="2416", unit="persons", note="from the row note")
    A(30, id="reinstated_1937_1939", parts="partial")
    A(30, sub=1, id="reinstated_1937_1939_political", metric="reinstated: dismissed for political reasons", printed="9247", part_of="reinstated_1937_1939", note="from the row note")
    A(30, sub=2, id="reinstated_1937_1939_arrested", metric="reinstated: arrested", printed="1457", part_of="reinstated_1937_1939", note="from the row note")
    A(31, id="irrecoverable_1937_1939", printed="17000", dispute="irrecoverable_1937_1939", note=f.get(31, "note") + "; printed '17000 (other data 17981)'; 17,000 is the default as the author's main figure")
    A(31, sub=1, id="irrecoverable_1937_1939_other", printed="17981", dispute="irrecoverable_1937_1939", default="false", note="'other data 17981'")
    A(31, sub=2, id="perished_suvenirov", metric="command staff perished (Suvenirov)", printed="10000", qualifier="about", note="from the row note")
    A(32, id="irrecoverable_1934_1939", qualifier="at least")
    A(32, sub=1, id="purged_reinstated_1934_1939", metric="purged then reinstated", printed="10704", note="from the row note")
    for r in range(33, 39):
        m = f.get(r, "period")
        rows = split(f, r, [dict(metric=f"officer moves: {lab}") for lab in ("total", "promotion", "lateral", "demotion")],
                     ids=[f"moves_{m}_{lab}" for lab in ("total", "promotion", "lateral", "demotion")], parent=0)
        tot, parts = int(rows[0]["value"]), sum(int(x["value"]) for x in rows[1:])
        if tot != parts:
            # the copy consulted prints parts that do not add up to the total; kept as printed
            rows[0]["documented_difference"] = str(tot - parts)
            rows[0]["note"] = (f"the printed parts sum to {parts:,}, {tot - parts:+,} from the printed total "
                               f"(computed when bundling; not resolved: the table image was not consulted)")
    f.write()


def releases(ctx: Retab) -> None:
    f = Facts(ctx, "releases_and_amnesties_1939_1953", ctx.read(M + "releases_and_amnesties_1939_1953.csv"), subject="=USSR",
              metric="metric", period="date_or_period", value="value", unit="unit", source="source", note="note")
    A = f.add
    A(1, id="released_1939", parts="complete")
    A(1, sub=1, id="released_1939_camps", metric="released from camps", printed="223600", part_of="released_1939", note="from the row note")
    A(1, sub=2, id="released_1939_colonies", metric="released from colonies", printed="103800", part_of="released_1939", note="from the row note")
    split(f, 2, [dict(metric="released ex-prisoners on Kolyma"), dict(metric="released ex-prisoners on Kolyma: fully rehabilitated")],
          ids=["kolyma_released", "kolyma_rehabilitated"], parent=0, parts="partial")
    A(3, id="beria_review_released")
    A(4, id="released_1938_1941_popular")
    split(f, 5, [dict(period="1939"), dict(period="1940")], ids=["settlers_released_1939", "settlers_released_1940"])
    A(6, id="army_reinstated_1937_1939", parts="partial")
    A(6, sub=1, id="army_reinstated_political", metric="reinstated: dismissed for political reasons", printed="9247", part_of="army_reinstated_1937_1939", note="from the row note")
    A(6, sub=2, id="army_reinstated_arrested", metric="reinstated: arrested", printed="1457", part_of="army_reinstated_1937_1939", note="from the row note")
    A(7, id="amnesty_1953", dispute="amnesty_1953", note=f.get(7, "note") + "; default figure (the infobox figure; neither is identified as the archival count in the consulted copy)")
    A(8, id="amnesty_1953_alt", dispute="amnesty_1953", default="false")
    A(9, id="oso_exile_repeat_offenders")
    f.write()


def social(ctx: Retab) -> None:
    rows = ctx.read(M + "social_structure_1927_baseline.csv")
    f = Facts(ctx, "social_structure_1927_baseline", rows, subject="=USSR population", metric="subgroup",
              period="year", value="population_mln", unit="=million", source="source", note="note")
    slug = {1: "total", 2: "workers", 3: "workers_urban", 4: "workers_rural", 5: "employees", 6: "peasants",
            7: "peasants_poor", 8: "peasants_middle", 9: "peasants_kulaks", 10: "artisans"}
    parent = {3: "workers", 4: "workers", 7: "peasants", 8: "peasants", 9: "peasants", 2: "total", 5: "total", 6: "total", 10: "total"}
    for r in range(1, 11):
        s = slug[r]
        g = rows[r - 1]
        parts = {1: "partial", 2: "complete", 6: "complete"}.get(r, "")
        for k, (col, what, unit) in enumerate([("population_mln", "population", "million"), ("population_pct", "population share", "percent"),
                                               ("employed_mln", "employed", "million"), ("employed_pct", "employed share", "percent")], 1):
            cell = g[col].strip()
            is_count = unit == "million"
            pid = parent.get(r)
            kw = {}
            if is_count and pid:
                kw["part_of"] = f"{pid}_{what}"
            if is_count and parts:
                kw["parts"] = parts
            note = g["note"]
            if r == 10 and col.startswith("employed"):
                note = "employed column truncated in the consulted copy"
            f.add(r, sub=k, id=f"{s}_{what.replace(' ', '_')}", metric=f"{what}: {g['group']}: {g['subgroup']}",
                  printed=cell, unit=unit, note=note, **kw)
    # the artisans' employed cells are blank: keep them out of the employed totals
    for row in f.out:
        if row["id"] == "artisans_employed":
            row["part_of"] = ""
    f.write()


def settlers(ctx: Retab) -> None:
    rows = ctx.read(M + "special_settlers_kulak_exile_1930_1940.csv")
    # the 'deaths as share' row has the unit in the note column and 'same' as source
    f = Facts(ctx, "special_settlers_kulak_exile_1930_1940", rows, subject="=kulak exile (special settlers)",
              metric="metric", period="year_or_date", value="value", unit="=persons", source="source", note="note")
    A = f.add
    for r in range(1, 64):
        A(r)
    A(64, id="arrivals_1932_1940", part_of="settlers_total_1930_1940")
    A(65, id="exiled_1930_1931", part_of="settlers_total_1930_1940")
    A(64, sub=1, id="settlers_total_1930_1940", metric="special settlers in total (exiled 1930-31 plus new arrivals 1932-40)",
      period="1930-1940", printed="2293214", parts="complete", note="from the row note ('plus 1,803,392 exiled in 1930-31 = 2,293,214 special settlers in total')")
    A(66, id="register_1940_10_01", parts="complete", note=f.get(66, "note"))
    A(66, sub=1, id="register_1940_10_01_kulaks", metric="trudposelentsy on register: former kulaks", printed="871851", part_of="register_1940_10_01", note="93.1% (row note)")
    A(66, sub=2, id="register_1940_10_01_others", metric="trudposelentsy on register: others", printed="64696", part_of="register_1940_10_01", note="6.9% (row note)")
    A(67, qualifier="up to")
    A(68, qualifier="about")
    A(69, qualifier="more than")
    A(70, qualifier="about")
    A(71, value=("7", "9.5"), unit="percent", note="range printed '7 (Leningrad obl.) to 9.5 (Northern krai)'; the unit 'percent' is printed in the note column of the consulted table")
    A(72)
    A(72, sub=1, metric="deaths in Narym commandatures: share of total", printed="9", unit="percent", note="from the row note")
    A(73)
    A(73, sub=1, metric="deaths in Northern Kazakhstan: share of total", printed="8", qualifier="about", unit="percent", note="from the row note")
    A(74, qualifier="more than")
    f.write()


def lists(ctx: Retab) -> None:
    f = Facts(ctx, "stalin_lists_and_military_collegium_1937_1940", ctx.read(M + "stalin_lists_and_military_collegium_1937_1940.csv"),
              subject="=Stalin lists / Military Collegium (VKVS)", metric="metric", period="date_or_period", value="value",
              unit="unit", source="source", note="note")
    A = f.add
    A(1, id="list_names")
    A(2, id="list_persons", qualifier="up to")
    A(3, id="execution_acts")
    A(4, id="georgia_troika")
    A(5, id="georgia_vkvs_cases")
    A(5, sub=1, id="georgia_arrested", metric="arrested by the Georgian NKVD in the past year (Beria, 30 Oct 1937)", printed="12000",
      qualifier="more than", unit="persons", note="from the row note")
    A(6, id="georgia_list_439")
    split(f, 7, [dict(metric=f"VKVS visiting session, Far Eastern krai: {lab}") for lab in ("sentenced", "to death", "category 2", "returned for further investigation")],
          ids=["fe_sentenced", "fe_death", "fe_cat2", "fe_returned"])
    for row in f.out[-4:]:
        if row["id"] in ("fe_death", "fe_cat2"):
            row["part_of"] = "fe_sentenced"
        if row["id"] == "fe_sentenced":
            row["parts"] = "complete"
    A(8, id="fe_without_sanction")
    split(f, 9, [dict(metric=f"prepared cases: {p}") for p in ("Sakhalin", "Nikolaevsk-on-Amur", "Kamchatka")],
          ids=["fe_remote_sakhalin", "fe_remote_nikolaevsk", "fe_remote_kamchatka"])
    A(10, id="vkvs_hearing_minutes", value=("5", "10"), note=f.get(10, "note") + "; printed '5-10 (rarely up to 30)'")
    A(11, id="buryat_vkvs_cases")
    A(12, id="nkvd_special_lists", parts="partial")
    A(12, sub=1, id="nkvd_special_lists_moscow", metric="former NKVD employees in special-order lists: Moscow city and oblast", printed="282", part_of="nkvd_special_lists", note="from the row note")
    A(13, id="fe_nkvd_shot", date_end="1938-02-12")  # printed "1938-02-04..12": 4-12 Feb
    A(14, id="nkvd_list_134")
    A(15, id="stalingrad_list", qualifier="text")
    split(f, 16, [dict(metric="Sverdlovsk list: sentenced 31 Mar and shot 1 Apr 1937", period="1937-03-31..04-01"),
                  dict(metric="Sverdlovsk list: sentenced and shot 4 May 1937", period="1937-05-04")],
          ids=["sverdlovsk_13", "sverdlovsk_27"])
    split(f, 17, [dict(metric=f"names {lab} by Stalin and Molotov on the lists") for lab in ("struck out", "underlined", "annotated")],
          ids=["names_struck", "names_underlined", "names_annotated"])
    A(18, id="vkvs_suspended", qualifier="text")
    A(19, id="kuibyshev_list", qualifier="text")
    A(20, id="politburo_1939_02_16")
    split(f, 21, [dict(metric=f"VKVS 21 Feb-14 Mar 1939: {lab}") for lab in ("heard", "shot", "returned")],
          ids=["vkvs_1939_heard", "vkvs_1939_shot", "vkvs_1939_returned"], parent=0)
    split(f, 22, [dict(metric=f"Politburo 8 Apr 1939: {lab}") for lab in ("total", "to be shot", "to camps for at least 15 years")],
          ids=["politburo_1939_04_total", "politburo_1939_04_shot", "politburo_1939_04_camps"], parent=0)
    split(f, 23, [dict(metric=f"Beria list of 16 Jan 1940: {lab}") for lab in ("total", "proposed death", "at least 15 years")],
          ids=["beria_1940_total", "beria_1940_death", "beria_1940_camps"], parent=0)
    f.write()


def victims(ctx: Retab) -> None:
    f = Facts(ctx, "victim_composition_regional_samples", ctx.read(M + "victim_composition_regional_samples.csv"),
              subject="territory_or_dataset", metric="metric", period="period", value="value", unit="unit",
              source="source", note="note")
    A = f.add
    A(1, id="memorial_sentences", parts="partial")
    A(2, id="memorial_with_region", part_of="memorial_sentences")
    A(3, id="memorial_death_share")
    A(4, id="women_share_ilic", qualifier="about")
    A(5, id="leningrad_martyrology")
    A(6, id="butovo_named")
    A(7, id="kommunarka_biographies")
    A(8, id="buryat_region_rural")
    split(f, 9, [dict(metric=f"{n} among arrested") for n in ("Russians", "Buryats", "Poles")],
          ids=["buryat_region_russians", "buryat_region_buryats", "buryat_region_poles"], subject="region with Buryat population (name not in the consulted copy)")
    A(10, id="buryat_region_communists", subject="region with Buryat population (name not in the consulted copy)")
    A(11, id="buryat_region_coverage", subject="region with Buryat population (name not in the consulted copy)")
    B = "region with Bashkir and Tatar population (name not in the consulted copy)"
    split(f, 12, [dict(metric=f"{n} among arrested") for n in ("Russians", "Bashkirs", "Tatars")],
          ids=["bashkir_region_russians", "bashkir_region_bashkirs", "bashkir_region_tatars"])
    for k, (n, v) in enumerate([("Latvians", 366), ("Poles", 135), ("Germans", 266)], 4):
        A(12, sub=k, id=f"bashkir_region_{n.lower()}_arrested", metric=f"{n} arrested", printed=str(v), unit="persons", note="from the row note")
    A(13, id="bashkir_region_communists", subject=B)
    A(14, id="prikamye_total", parts="complete")
    A(14, sub=1, id="prikamye_workers", metric="arrested under Order 00447: workers", printed="3565", parts="complete", note="from the row note")
    for r in range(15, 25):
        p = f.get(r, "period")
        tot, rest = f.get(r, "value").split(" / ")
        w, pct = rest.split(" (")
        key = p.replace(" ", "_")
        A(r, sub=1, id=f"prikamye_{key}", metric="arrests under 00447 in month: total", printed=tot, part_of="prikamye_total")
        A(r, sub=2, id=f"prikamye_{key}_workers", metric="arrests under 00447 in month: workers", printed=w, part_of="prikamye_workers")
        A(r, sub=3, id=f"prikamye_{key}_workers_pct", metric="arrests under 00447 in month: workers as share of the month", printed=pct.rstrip("%)"), unit="percent")
    A(25, id="altai_harbin_chinese_koreans")
    split(f, 26, [dict(metric="sentenced to death under Order 00593"), dict(metric="sentenced under Order 00593")],
          ids=["yakut_harbin_death", "yakut_harbin_sentenced"], parent=1, parts="partial")
    f.write()


def build(ctx: Retab) -> None:
    """Emit every machinery table into ``ctx``."""
    for fn in (nationality, gulag_supplement, national_ops, nkvd, timing, o486, party, army, releases,
               social, settlers, lists, victims):
        fn(ctx)

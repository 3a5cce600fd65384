"""Maintainer tool, part 2: the archival ``facts`` tables (see :mod:`retab.archive`).

Key certificates (``repression_key_totals``), the results of the mass and national operations,
the army purge, Gulag flows and the war and population milestones. Each function reads one
reference file and lists its figures explicitly: the row of the reference file (1-based data row)
each fact comes from, the ``id`` it gets, the parts relations the document states, the disputes
between sources and which figure is the default.
"""

from __future__ import annotations

from retab.cells import Facts, Retab

MVD_CERT_SRC = ("B.P. Kurashvili, Istoricheskaia logika stalinizma (Moscow 1996) pp.159-60 [=1st special dept MVD "
                "certificate Dec 1953, GARF f.9401 op.1 d.4157 l.201-205]; second source 'Stalinskaia epokha: "
                "ekonomika, repressii, industrializatsiia 1924-1954' p.128 (user.bibliboba.online)")


def key_totals(ctx: Retab) -> None:
    f = Facts(ctx, "repression_key_totals", ctx.read("repression_key_totals.csv"), subject="topic",
              metric="metric", period="period", value="value", unit="unit",
              source=("document", "source_url_or_citation"), note="note")
    A = f.add
    A(1, id="memo1954_convicted", part_of="cert1953_convicted", parts="complete")
    A(2, id="memo1954_vmn", part_of="memo1954_convicted", dispute="death_sentences_1921_1953",
      default="false",
      note=f.get(2, "note") + "; narrower coverage than the 1953 certificate (799,455), which also counts articles equated to art.58; the certificate is the default")
    A(3, id="memo1954_camps", part_of="memo1954_convicted")
    A(4, id="memo1954_exile", part_of="memo1954_convicted")
    A(5, id="kruglov1954_equated", part_of="cert1953_convicted")
    A(6, id="cert1953_convicted", parts="complete")
    A(7, id="cert1953_vmn", dispute="death_sentences_1921_1953",
      note="default figure (wider coverage); the yearly rows are in repression_convicted_by_year_1921_1953")
    A(8, id="vmn_1937_1938", computed="true")
    A(9, id="convicted_1937_1938", computed="true")
    A(10, id="pospelov_arrested")
    A(11, id="pospelov_shot")
    A(12, id="zubkin_arrested", parts="partial")
    A(13, id="zubkin_prosecuted_without_arrest")
    A(14, id="zubkin_arrested_national_ops", part_of="zubkin_arrested")
    A(15, id="zubkin_arrested_00447", part_of="zubkin_arrested")
    A(16, id="zubkin_convicted", parts="partial")
    A(17, id="zubkin_vmn", part_of="zubkin_convicted")
    A(18, id="zubkin_vmn_commuted")
    for r, i in [(19, "15_25y"), (20, "upto10y"), (21, "upto5y"), (22, "upto3y"), (23, "expelled"), (24, "minor")]:
        A(r, id=f"zubkin_{i}", part_of="zubkin_convicted")
    A(25, id="zubkin_released")
    A(26, id="svodka1938_arrested", parts="partial")
    A(27, id="svodka1938_prosecuted_without_arrest")
    A(28, id="svodka1938_arrested_national_ops", part_of="svodka1938_arrested")
    for r, y, conv, alt_note in [(29, 1937, 796713, "differs from 790,665 in the 1953 MVD certificate"),
                                 (30, 1938, 558583, "differs from 554,258 in the 1953 MVD certificate"),
                                 (31, 1939, 66627, "equals the KGB series; the 1953 MVD certificate gives 63,889")]:
        A(r, id=f"arrested_{y}")
        A(r, id=f"convicted_{y}_secondary", sub=2, metric="convicted", printed=str(conv),
          dispute=f"convicted_{y}", default="false", note=f"given on the same page; {alt_note}")
    mvd = {1937: ("790665", "0665 as printed in Kurashvili (truncated), 790,665 in the second source"),
           1938: ("554258", ""), 1939: ("63889", "")}
    for y, (v, extra) in mvd.items():
        A(29 + (y - 1937), id=f"convicted_{y}_mvd1953", sub=1, subject="1953 MVD certificate",
          metric="convicted", printed=v, dispute=f"convicted_{y}",
          source=MVD_CERT_SRC,
          note="default figure: the archival certificate's yearly row (repression_convicted_by_year_1921_1953)"
               + (f"; {extra}" if extra else ""))
    A(32, id="oso_convicted", parts="complete")
    for r, i in [(33, "vmn"), (34, "liberty"), (35, "exile"), (36, "other")]:
        A(r, id=f"oso_{i}", part_of="oso_convicted")
    A(37, id="kr_prisoners_dec1953", period="1953-12")
    A(38, id="vkvs_convicted", parts="partial")
    A(39, id="vkvs_shot", part_of="vkvs_convicted")
    A(40, id="troikas_convicted", qualifier="at least", date_end="1938-11-15", note="'half of them to shooting' (approx); 'mid' November 1938 read as 15 Nov")
    A(41, id="women_share_ogpu_moscow_1933")
    A(42, id="mbrf1992_convicted")
    A(43, id="mbrf1992_death")
    f.write()




def operations(ctx: Retab) -> None:
    f = Facts(ctx, "mass_and_national_operations_1937_1938", ctx.read("mass_and_national_operations_1937_1938.csv"),
              subject="operation", metric="metric", period=None, value="value", unit="unit",
              source="source", note="note")
    A = f.add
    P0 = "1937-08..1938-11"
    A(15, id="o447_arrested_15aug", period="to 1937-08-15", parts="complete", note="57 oblasts")
    for k, (lab, v) in enumerate([("ex-kulaks", 46487), ("criminals", 23838), ("other counter-revolutionaries", 17592), ("no breakdown", 13073)], 1):
        A(15, sub=k, id=f"o447_arrested_15aug_{k}", metric=f"arrested by 15 Aug 1937: {lab}", printed=str(v),
          period="to 1937-08-15", part_of="o447_arrested_15aug", note="from the row note")
    A(16, id="o447_convicted_15aug", period="to 1937-08-15", parts="complete", note="")
    A(16, sub=1, id="o447_convicted_15aug_cat1", metric="convicted by 15 Aug 1937: category 1", printed="9766", period="to 1937-08-15", part_of="o447_convicted_15aug", note="from the row note")
    A(16, sub=2, id="o447_convicted_15aug_cat2", metric="convicted by 15 Aug 1937: category 2", printed="4539", period="to 1937-08-15", part_of="o447_convicted_15aug", note="from the row note")
    A(17, sub=1, id="o447_arrested_1sep", metric="arrested by 1 Sep 1937", printed="146225", period="to 1937-09-01")
    A(17, sub=2, id="o447_shot_1sep", metric="shot by 1 Sep 1937", printed="31530", period="to 1937-09-01")
    A(19, id="o447_sentenced_werth", period=P0)
    A(20, id="o447_shot_werth", period=P0, dispute="order_00447_shot",
      note="default figure (Werth, from the NKVD 1st special department data)")
    A(20, sub=2, id="o447_shot_ruwiki", metric="shot", printed="390000", qualifier="about", period=P0,
      dispute="order_00447_shot", default="false", source="ru.wikipedia 'Приказ НКВД № 00447' (as noted in the Werth row of the shared table)",
      note="'about 390 thousand shot'")
    A(20, sub=3, id="o447_camps_ruwiki", metric="sent to camps", printed="380000", qualifier="about", period=P0,
      source="ru.wikipedia 'Приказ НКВД № 00447' (as noted in the Werth row of the shared table)", note="'about 380 thousand to camps'")
    A(21, id="o447_death_sentences_memorial", period=P0, qualifier="at least", dispute="order_00447_shot", default="false",
      note="Memorial count of troika death sentences in the kulak operation")
    A(21, sub=2, id="o447_death_sentences_alt", printed="376202", period=P0, dispute="order_00447_shot", default="false",
      note="alternative figure cited on the same page")
    PP = "1937-1938"
    A(22, id="polish_arrested", period=PP)
    A(23, id="polish_convicted", period=PP, parts="complete", dispute="polish_convicted", note="default figure (Petrov & Roginsky)")
    A(23, sub=2, id="polish_convicted_alt", printed="139885", period=PP, dispute="polish_convicted", default="false",
      note="printed by some pages (memim.com, de-wiki); probably a misprint of 139,835")
    A(24, id="polish_shot", period=PP, part_of="polish_convicted")
    A(25, id="polish_camps", period=PP, part_of="polish_convicted", computed="true")
    PN = "1937-1938"
    A(26, sub=1, id="german_convicted", metric="convicted", printed="55005", period=PN, parts="complete")
    A(26, sub=2, id="german_shot", metric="shot", printed="41898", period=PN, part_of="german_convicted")
    A(26, sub=3, id="german_5_10y", metric="5-10 years", printed="13107", period=PN, part_of="german_convicted")
    A(27, sub=1, id="harbin_convicted", metric="convicted", printed="46317", period=PN, parts="partial")
    A(27, sub=2, id="harbin_shot", metric="shot", printed="30992", period=PN, part_of="harbin_convicted")
    A(28, sub=1, id="latvian_convicted", metric="convicted", printed="22360", period=PN, parts="partial")
    A(28, sub=2, id="latvian_death", metric="death sentences", printed="16573", period=PN, part_of="latvian_convicted")
    A(29, id="national_ops_sentenced", period=PN)
    A(29, sub=2, id="national_ops_sentenced_ablazhei", printed="347000", qualifier="about", period=PN,
      source="N. Ablazhei, N. Potapova, 'Национальные операции Большого террора' (cyberleninka), as noted in the shared table",
      note="'347 thousand convicted'")
    A(30, id="national_ops_shot", period=PN)
    A(31, id="national_ops_death_memorial", period=PN, qualifier="at least")
    A(32, id="o486_wives_arrested", period="1937-1939")
    A(33, id="o486_children_removed", period="1937-1939")
    A(34, sub=1, id="karlag_chsir_1937", metric="ChSIR women placed in Karlag", printed="7511", period="1937")
    A(34, sub=2, id="karlag_chsir_1939", metric="ChSIR women in Karlag two years later", printed="17099", period="1939")
    A(35, sub=1, id="alzhir_women_1938", metric="women held in ALZhIR", printed="8000", qualifier="about", period="1938", parts="partial")
    A(35, sub=2, id="alzhir_chsir_1938", metric="women held in ALZhIR: of which ChSIR (family members of traitors)", printed="4500",
      qualifier="about", period="1938", part_of="alzhir_women_1938")
    f.write()


def army(ctx: Retab) -> None:
    f = Facts(ctx, "army_purge_1935_1941", ctx.read("army_purge_1935_1941.csv"), subject="=Red Army",
              metric="metric", period="year_or_period", value="value", unit="unit", source="source", note="note")
    A = f.add
    shares = {1: ("4.9", "987"), 2: ("4.2", "759"), 3: ("13.6", "2194"), 4: ("9.2", "3282"), 5: ("0.7", "477")}
    for r, (pct, pol) in shares.items():
        A(r, id=f"rgva_dismissed_{1934 + r}", parts="partial")
        A(r, sub=1, id=f"rgva_dismissed_{1934 + r}_political", metric="political staff dismissed (excl. air force)",
          printed=pol, part_of=f"rgva_dismissed_{1934 + r}", note="from the row note")
        A(r, sub=2, id=f"rgva_dismissed_{1934 + r}_pct", metric="dismissed as share of list strength",
          printed=pct, unit="percent", note="from the row note")
    A(6, id="cherushev_dismissed_1937", part_of="cherushev_dismissed_1937_1938", parts="partial")
    A(6, sub=1, id="cherushev_arrested_1937", metric="of which arrested", printed="2328", computed="true",
      part_of="cherushev_dismissed_1937", note="computed 7,280 - 4,952; the 1937 arrested count is garbled in the consulted excerpt")
    A(7, id="cherushev_dismissed_1938", part_of="cherushev_dismissed_1937_1938", parts="partial")
    A(7, sub=1, id="cherushev_arrested_1938", metric="of which arrested", printed="4952", part_of="cherushev_dismissed_1938")
    A(8, id="cherushev_dismissed_1937_1938", parts="complete")
    A(8, sub=1, id="cherushev_arrested_1937_1938", metric="of which arrested", printed="7280", note="from the row note")
    A(9, id="guk_dismissed_1937_1938", parts="complete")
    for k, (lab, v, pct) in enumerate([("natural loss (death, illness, age)", 6692, "19.1"), ("arrested", 9506, "27.2"),
                                       ("political (expelled from the party)", 14684, "41.9"), ("foreigners", 4138, "11.8")], 1):
        A(9, sub=k, id=f"guk_dismissed_1937_1938_{k}", metric=f"dismissed: {lab}", printed=str(v),
          part_of="guk_dismissed_1937_1938", note=f"{pct}% of the dismissed (row note)")
    A(9, sub=5, id="guk_reinstated_1937_1938", metric="reinstated", printed="6650", note="from the row note")
    A(10, id="dismissed_6_years")
    A(11, id="reinstated_by_1940_05_01", parts="partial")
    A(11, sub=1, id="reinstated_by_1940_05_01_political", metric="reinstated: dismissed for political reasons", printed="10700",
      part_of="reinstated_by_1940_05_01", note="from the row note")
    A(12, id="not_reinstated_political_1941", qualifier="about")
    A(12, sub=1, id="dismissed_1937_1938_shchadenko", metric="dismissed 1937-38", printed="37000", qualifier="about",
      note="'of 37 thousand dismissed' (row note)")
    A(12, sub=2, id="returned_1937_1938_shchadenko", metric="dismissed 1937-38 returned by 1941", printed="13000",
      qualifier="more than", note="'>13 thousand returned' (row note)")
    A(12, sub=3, id="not_reinstated_arrested_1941", metric="not reinstated: of which arrested", printed="8000",
      qualifier="up to", note="'incl. up to 8 thousand arrested' (row note)")
    f.write()


def flows(ctx: Retab) -> None:
    f = Facts(ctx, "gulag_flows_misc", ctx.read("gulag_flows_misc.csv"), subject="=Gulag", metric="metric",
              period="period", value="value", unit="unit", source="source", note="note")
    A = f.add
    A(1, id="arrived_itl_1941_1944")
    A(2, id="left_itl_1941_1944")
    A(3, id="released_decrees_1941", parts="partial")
    A(3, sub=1, id="released_decrees_1941_army", metric="released under the 1941 decrees: mobilized into the Red Army",
      printed="175000", qualifier="about", part_of="released_decrees_1941", note="from the row note")
    A(4, id="released_1939", parts="complete")
    A(4, sub=1, id="released_1939_camps", metric="released from camps", printed="223600", part_of="released_1939",
      note="'223.6 thousand' (row note)")
    A(4, sub=2, id="released_1939_colonies", metric="released from colonies", printed="103800", part_of="released_1939",
      note="'103.8 thousand' (row note)")
    A(5, id="inflow_1944_h1")
    A(5, sub=2, id="inflow_1944_h2", period="1944 H2", printed="691738", note="from the row note")
    A(6, sub=1, id="mortality_1943", metric="mortality in ITL+ITK", period="1943", printed="22.4", note=f.get(6, "note"))
    A(6, sub=2, id="mortality_1944", metric="mortality in ITL+ITK", period="1944", printed="9.2", note=f.get(6, "note"))
    A(7, id="camp_mortality_1937_1938")
    A(7, sub=1, id="camp_mortality_1939", period="1939", printed="3.29", note="from the row note")
    A(7, sub=2, id="colony_mortality_1939", metric="colony mortality", period="1939", printed="2.3", note="from the row note")
    A(8, id="max_simultaneous_prisoners")
    A(9, id="passed_through_1929_1953")
    for k, (lab, v) in enumerate([("camps", 53), ("colonies", 425), ("juvenile colonies", 50)], 1):
        A(10, sub=k, id=f"structure_1940_{k}", metric=f"GULAG structure: {lab}", printed=str(v), note="")
    f.write()


def war(ctx: Retab) -> None:
    f = Facts(ctx, "war_losses_and_population_milestones", ctx.read("war_losses_and_population_milestones.csv"),
              subject="topic", metric="metric", period="date_or_period", value="value", unit="unit",
              source="source", note="note")
    A = f.add
    adh = {1: ("adh_1939_1938b", 80674, 87850), 2: ("adh_1939_1946b", 90453, 98340),
           3: ("adh_1941", 93688, 101705), 4: ("adh_1946", 74364, 96184)}
    for r, (i, m, w) in adh.items():
        dispute = {"dispute": "population_1941_01_01"} if r == 3 else {}
        A(r, id=i, parts="complete", **dispute)
        A(r, sub=1, id=f"{i}_male", metric="males (ADH reconstruction)", printed=str(m), part_of=i, note="from the row note")
        A(r, sub=2, id=f"{i}_female", metric="females (ADH reconstruction)", printed=str(w), part_of=i, note="from the row note")
    A(5, id="census_1939_official")
    A(5, sub=1, id="census_1939_true_zhiromskaya", metric="true total (Zhiromskaya 1994 estimate)", value=("167600000", "167700000"),
      printed="167.6-167.7M", unit="persons", note="from the row note; padding about 2.8-2.9M (1.7%)")
    A(6, id="census_1937_total")
    A(7, id="prewar_csu_1959")
    A(8, id="tsunkhu_1941", dispute="population_1941_01_01", default="false",
      note=f.get(8, "note") + "; the ADH reconstruction (195,393 thousand) is the default")
    A(8, sub=1, id="tsunkhu_1941_prelim", metric="estimated population (ЦУНХУ), preliminary calculation of 14 Jun 1941",
      printed="198712.7", note="from the row note")
    A(9, id="war_losses_total", qualifier="about")
    A(10, id="military_dead", parts="complete")
    A(10, sub=1, id="military_dead_killed", metric="killed or died", printed="6818300", part_of="military_dead", note="from the row note")
    A(10, sub=2, id="military_dead_captivity", metric="not returned from captivity", printed="1850100", part_of="military_dead", note="from the row note")
    A(10, sub=3, id="military_irrecoverable", metric="irrecoverable losses incl. returned POWs", printed="11444100", note="from the row note")
    A(11, id="civilian_occupied", parts="complete")
    for k, (lab, v) in enumerate([("deliberately exterminated", 7420400), ("died in forced labour in Germany", 2164300),
                                  ("hunger and disease", 4100000)], 1):
        A(11, sub=k, id=f"civilian_occupied_{k}", metric=f"civilian losses: {lab}", printed=str(v), part_of="civilian_occupied", note="from the row note")
    A(12, id="decrease_1941_1945", parts="partial")
    A(12, sub=1, id="decrease_1941_1945_normal", metric="of which 'normal' mortality at 1940 rates", printed="11.9", unit="million",
      part_of="decrease_1941_1945", note="from the row note")
    A(13, id="excess_male_losses")
    A(14, id="cohort_survival_women")
    A(15, id="cohort_survival_men")
    A(16, id="excess_women_1959")
    A(17, id="men_per_1000_women_1959_cohorts")
    for k, (y, v) in enumerate([("1897", 992), ("1926", 890), ("1939", 838), ("1979", 784)], 1):
        A(18, sub=k, id=f"men_per_1000_women_{y}", period=y, printed=str(v))
    A(19, id="draft_age_decrease", qualifier="more than")
    A(20, id="women_minus_men_1959")
    A(20, sub=1, id="women_minus_men_1959_to45", metric="women minus men up to age 45 incl.", printed="6.7", unit="million", note="from the row note")
    A(20, sub=2, id="women_minus_men_1972", metric="women minus men", period="1972", printed="18.7", unit="million", note="from the row note")
    f.write()


def build(ctx: Retab) -> None:
    """Emit every archival facts table into ``ctx``."""
    key_totals(ctx)
    operations(ctx)
    army(ctx)
    flows(ctx)
    war(ctx)

"""The corrections the verdict applies to the censuses it compares scenarios with (``[verdict]``).

* ``padding_1939_persons``: the official 1939 total (170,557,093) is padded; Zhiromskaya (1994)
  puts the true total at 167.6-167.7 million, so the padding is 2.86-2.96 million against that
  total (the demography engine's :class:`purgetoll.demography.Padding1939` uses 2.8-2.9 million,
  default 2.85 million). Where the padding sits by age and sex is not published: it is removed in
  proportion to every age and sex (assumption). The verdict reports the census both as counted and
  corrected, over the whole range.
"""

from __future__ import annotations

from purgetoll.params import Param

__all__ = ["PARAMETER_SPECS", "PADDING_RANGE", "CENSUS_1939_TOTAL"]

#: Official 1939 total (census_1939_single).
CENSUS_1939_TOTAL = 170_557_093
#: Padding implied by Zhiromskaya's true total of 167.6-167.7M (low, high), persons.
PADDING_RANGE = (CENSUS_1939_TOTAL - 167_700_000, CENSUS_1939_TOTAL - 167_600_000)

PARAMETER_SPECS: tuple[Param, ...] = (
    Param("padding_1939_persons", 2_907_093, "persons",
          "padding of the 1939 census: official 170,557,093 minus Zhiromskaya's (1994) true total 167.65M "
          "(middle of 167.6-167.7M); removed in proportion to every age and sex (assumption)",
          low=0, high=10_000_000),
    Param("padding_1939_low_persons", PADDING_RANGE[0], "persons",
          "lower end of the padding (170,557,093 - 167,700,000; Zhiromskaya 1994)", low=0, high=10_000_000),
    Param("padding_1939_high_persons", PADDING_RANGE[1], "persons",
          "upper end of the padding (170,557,093 - 167,600,000; Zhiromskaya 1994)", low=0, high=10_000_000),
)

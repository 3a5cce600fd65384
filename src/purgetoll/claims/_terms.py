"""The words a claim record may use: the seed text's sections, how a figure is qualified, the ways a
split is written, and what an id may be.

The records (:mod:`purgetoll.claims._records`, pydantic) validate against these, and the loader
(:mod:`purgetoll.claims._schema`) and the CLI name them; they live here, below both, so that the
loader needs the records only when a file is read.
"""

from __future__ import annotations

import re

__all__ = ["SECTIONS", "APPROX", "BOUNDS", "ORDERS", "SPLIT_BASES", "ID_PATTERN"]

#: The section headings of the seed text, in order.
SECTIONS = (
    "Summary",
    "The background",
    "The gendercide",
    "How many died?",
    "Who was responsible?",
    "The aftermath",
)

#: How an approximate count is qualified in the text.
APPROX = ("exact", "about", "some", "nearly", "just under", "at most about", "at least")
#: A share may be stated as a value or as an upper or lower bound.
BOUNDS = ("equal", "at most", "at least")
#: The two ways a split is written.
ORDERS = ("women:men", "men:women")
#: The bases a split may be given in: percent or per mille.
SPLIT_BASES = (100, 1000)

#: What a claim id may be.
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")

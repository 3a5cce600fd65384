"""The claim record: its figure kinds, and the validation of a claims file.

Every problem of a claims file is collected and raised at once as one :class:`ClaimsFileError`,
each line naming the claim id (or its position when the id itself is missing) and the key, and
saying what was expected (STYLE.md practice 10).

A split whose two parts do not add up to its base (Conquest's "349 to 691") is *not* a schema
error: it is a faithful record of what the text says, and the check reports it as "internally
inconsistent". The schema rejects only records that cannot mean anything (a negative part, a
base other than 100 or 1000, a part larger than its base, a missing key).

Why the validation is written out here rather than in pydantic models (issue 11 weighed it): the
messages are the contract (tests assert them: ``figure.per must be one of 100, 1000; got 500``,
``unknown key 'qoute' (valid: id, section, ...)``), and pydantic's own (``Input should be 100 or
1000``, ``Extra inputs are not permitted``) name neither what was expected in our words nor the
value, so every field would carry its expected phrase and a layer would translate pydantic's error
types back, as long as the one-line validators below; its order (nested figure problems before a
claim's unknown keys) differs from the one the tests assert; it turns whole numbers into floats
(``161`` becomes ``161.0`` in ``purgetoll claims --format json``); and importing it adds about
0.12 s of CPU to every ``purgetoll --help`` (0.17 s today), which imports this module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from purgetoll.claims._methods import METHODS
from purgetoll.errors import ScenarioError
from purgetoll.files import read_toml

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

_ID = re.compile(r"^[a-z0-9_]+$")


class ClaimsFileError(ScenarioError):
    """A claims file has one or more problems; all of them are listed, each naming claim and key.

    A :class:`~purgetoll.errors.ProblemsError`; it derives from ``ScenarioError`` for one release
    only, so that earlier ``except ScenarioError`` clauses keep catching it.
    """


# --------------------------------------------------------------------------------- figure kinds


@dataclass(frozen=True)
class Count:
    """A number of things (persons, years, months). ``precision`` is the unit of the last stated digit."""

    value: float
    unit: str
    approx: str
    precision: float
    as_written: str
    kind: str = field(default="count", init=False)

    def text(self) -> str:
        qual = "" if self.approx == "exact" else f"{self.approx} "
        return f"{qual}{_num(self.value)} {self.unit}"

    def claimed_value(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Range:
    """A range of values, both bounds inclusive; ``precision`` is the unit the bounds are stated in."""

    low: float
    high: float
    unit: str
    precision: float
    as_written: str
    kind: str = field(default="range", init=False)

    def text(self) -> str:
        return f"{_num(self.low)} to {_num(self.high)} {self.unit}"

    def claimed_value(self) -> float:
        return (float(self.low) + float(self.high)) / 2


@dataclass(frozen=True)
class Share:
    """A percentage of some population (``of``), possibly a bound ("not more than 10 percent")."""

    percent: float
    of: str
    precision: float
    bound: str
    as_written: str
    kind: str = field(default="share", init=False)

    def text(self) -> str:
        b = "" if self.bound == "equal" else f"{self.bound} "
        return f"{b}{_num(self.percent)}% of {self.of}"

    def claimed_value(self) -> float:
        return float(self.percent)


@dataclass(frozen=True)
class FractionClaim:
    """ "one in every twenty", "four of the six": ``numerator`` of ``denominator``."""

    numerator: int
    denominator: int
    of: str
    as_written: str
    kind: str = field(default="fraction", init=False)

    def text(self) -> str:
        return (
            f"{self.numerator} in {self.denominator} ({_num(self.claimed_value())}%) of {self.of}"
        )

    def claimed_value(self) -> float:
        """The fraction as a percentage."""
        return 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class Ratio:
    """A ratio such as "twice as many women as men" (``value`` = 2.0 women per man)."""

    value: float
    of: str
    precision: float
    as_written: str
    kind: str = field(default="ratio", init=False)

    def text(self) -> str:
        return f"{_num(self.value)} {self.of}"

    def claimed_value(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Split:
    """Women to men per ``per`` (100 or 1000) in the census ``year``, ages ``age``..``age_end``.

    ``age_end`` is ``None`` for an open group ("70 or older"). ``order`` keeps the order the text
    uses ("391 to 609 women" is men:women). The parts are kept as printed even when they do not
    add up to ``per``.
    """

    women: float
    men: float
    per: int
    year: int
    age: int
    age_end: int | None
    order: str
    as_written: str
    kind: str = field(default="split", init=False)

    @property
    def age_label(self) -> str:
        return f"{self.age}+" if self.age_end is None else f"{self.age}-{self.age_end}"

    def text(self) -> str:
        unit = "percent" if self.per == 100 else "per 1000"
        if self.order == "men:women":
            parts = f"men:women {_num(self.men)}:{_num(self.women)}"
        else:
            parts = f"women:men {_num(self.women)}:{_num(self.men)}"
        return f"{parts} {unit}, ages {self.age_label}, {self.year} census"

    def claimed_value(self) -> float:
        """The women's part (per ``per``): the excess of women is what the text argues from."""
        return float(self.women)

    def is_consistent(self) -> bool:
        """Whether the two parts add up to the base (exactly: the text gives whole numbers)."""
        return Fraction(str(self.women)) + Fraction(str(self.men)) == self.per


Figure = Count | Range | Share | FractionClaim | Ratio | Split


@dataclass(frozen=True)
class CheckSpec:
    """How a claim is checked: a method of ``_methods.METHODS`` and its parameters."""

    method: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of the seed text, with who makes it and how the data can check it."""

    id: str
    section: str
    seed_line: int
    quote: str
    speaker: str
    work: str
    pages: str
    figure: Figure
    check: CheckSpec
    interpretation: str = ""
    note: str = ""
    #: Id of the row of the published estimates (``purgetoll.data.estimates()``) holding the
    #: figure the claim attributes to its speaker, so the quotation itself can be checked.
    attribution: str = ""
    #: The claims file the record came from (named in errors found when checking it).
    source_file: str = "claims.toml"

    @property
    def cited_as(self) -> str:
        """Who says it and where, as the seed gives it: "Robert Conquest, The Great Terror, pp. 711-12"."""
        parts = [self.speaker]
        if self.work:
            parts.append(self.work)
        if self.pages:
            parts.append(f"p. {self.pages}" if _single_page(self.pages) else f"pp. {self.pages}")
        return ", ".join(parts)


def _single_page(pages: str) -> bool:
    return pages.isdigit()


def _num(x: float) -> str:
    """Format a number without a spurious ``.0`` and with thousands separators."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,}"


# ----------------------------------------------------------------------------------- validation

# A field validator returns None when the value is fine, else what was expected.
Validator = Callable[[Any], str | None]


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _text(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "a non-empty string"


def _text_or_empty(v: Any) -> str | None:
    return None if isinstance(v, str) else 'a string ("" when the seed gives none)'


def _nonneg(v: Any) -> str | None:
    return None if _is_number(v) and v >= 0 else "a number >= 0"


def _positive(v: Any) -> str | None:
    return None if _is_number(v) and v > 0 else "a number > 0"


def _percent(v: Any) -> str | None:
    return None if _is_number(v) and 0 <= v <= 100 else "a number in [0, 100]"


def _int_nonneg(v: Any) -> str | None:
    return None if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else "an integer >= 0"


def _int_positive(v: Any) -> str | None:
    return None if isinstance(v, int) and not isinstance(v, bool) and v > 0 else "an integer > 0"


def _choice(options: tuple[Any, ...]) -> Validator:
    def check(v: Any) -> str | None:
        return None if v in options else "one of " + ", ".join(repr(o) for o in options)

    return check


# (validator, required) per key, per figure kind.
_FIGURE_KEYS: dict[str, dict[str, tuple[Validator, bool]]] = {
    "count": {
        "value": (_nonneg, True),
        "unit": (_text, True),
        "approx": (_choice(APPROX), True),
        "precision": (_positive, True),
        "as_written": (_text, True),
    },
    "range": {
        "low": (_nonneg, True),
        "high": (_nonneg, True),
        "unit": (_text, True),
        "precision": (_positive, True),
        "as_written": (_text, True),
    },
    "share": {
        "percent": (_percent, True),
        "of": (_text, True),
        "precision": (_positive, True),
        "bound": (_choice(BOUNDS), True),
        "as_written": (_text, True),
    },
    "fraction": {
        "numerator": (_int_positive, True),
        "denominator": (_int_positive, True),
        "of": (_text, True),
        "as_written": (_text, True),
    },
    "ratio": {
        "value": (_positive, True),
        "of": (_text, True),
        "precision": (_positive, True),
        "as_written": (_text, True),
    },
    "split": {
        "women": (_nonneg, True),
        "men": (_nonneg, True),
        "per": (_choice(SPLIT_BASES), True),
        "year": (_int_positive, True),
        "age": (_int_nonneg, True),
        "age_end": (_int_nonneg, False),
        "order": (_choice(ORDERS), True),
        "as_written": (_text, True),
    },
}

_CLAIM_KEYS: dict[str, tuple[Validator, bool]] = {
    "id": (_text, True),
    "section": (_choice(SECTIONS), True),
    "seed_line": (_int_positive, True),
    "quote": (_text, True),
    "speaker": (_text, True),
    "work": (_text_or_empty, True),
    "pages": (_text_or_empty, True),
    "figure": (lambda v: None if isinstance(v, dict) else "a table", True),
    "check": (lambda v: None if isinstance(v, dict) else "a table", True),
    "interpretation": (_text, False),
    "note": (_text, False),
    "attribution": (_text, False),
}


def _check_keys(
    where: str,
    prefix: str,
    table: Mapping[str, Any],
    spec: Mapping[str, tuple[Validator, bool]],
    problems: list[str],
    ignore: tuple[str, ...] = (),
) -> bool:
    """Validate ``table`` against ``spec``; append problems; return True when all is well."""
    ok = True
    for key, (validate, required) in spec.items():
        if key not in table:
            if required:
                problems.append(f"{where} missing key '{prefix}{key}'")
                ok = False
            continue
        expected = validate(table[key])
        if expected is not None:
            problems.append(f"{where} {prefix}{key} must be {expected}; got {table[key]!r}")
            ok = False
    for key in table:
        if key not in spec and key not in ignore:
            valid = ", ".join(spec)
            problems.append(f"{where} unknown key '{prefix}{key}' (valid: {valid})")
            ok = False
    return ok


def _figure_relations(where: str, kind: str, f: Mapping[str, Any], problems: list[str]) -> None:
    """Constraints between keys of one figure (each key already has the right type)."""
    if kind == "range" and f["low"] > f["high"]:
        problems.append(
            f"{where} figure.low must be <= figure.high; got {f['low']!r} > {f['high']!r}"
        )
    if kind == "fraction" and f["numerator"] > f["denominator"]:
        problems.append(
            f"{where} figure.numerator must be <= figure.denominator; "
            f"got {f['numerator']!r} > {f['denominator']!r}"
        )
    if kind == "split":
        for part in ("women", "men"):
            if f[part] > f["per"]:
                problems.append(
                    f"{where} figure.{part} must be <= figure.per ({f['per']}); got {f[part]!r}"
                )
        if "age_end" in f and f["age_end"] < f["age"]:
            problems.append(
                f"{where} figure.age_end must be >= figure.age ({f['age']}); got {f['age_end']!r}"
            )


def _build_figure(kind: str, f: Mapping[str, Any]) -> Figure:
    args = {k: v for k, v in f.items() if k != "kind"}
    if kind == "count":
        return Count(**args)
    if kind == "range":
        return Range(**args)
    if kind == "share":
        return Share(**args)
    if kind == "fraction":
        return FractionClaim(**args)
    if kind == "ratio":
        return Ratio(**args)
    return Split(**{"age_end": None, **args})


def _parse_one(i: int, raw: Any, problems: list[str], source: str) -> Claim | None:
    if not isinstance(raw, dict):
        problems.append(f"[claim #{i + 1}] must be a table; got {raw!r}")
        return None
    cid = raw.get("id")
    where = f"[claim {cid}]" if isinstance(cid, str) and cid else f"[claim #{i + 1}]"
    before = len(problems)
    _check_keys(where, "", raw, _CLAIM_KEYS, problems)
    if isinstance(cid, str) and cid and not _ID.match(cid):
        problems.append(f"{where} id must match [a-z0-9_]+; got {cid!r}")

    figure: Figure | None = None
    fig = raw.get("figure")
    if isinstance(fig, dict):
        kind = fig.get("kind")
        if kind not in _FIGURE_KEYS:
            problems.append(
                f"{where} figure.kind must be one of "
                + ", ".join(repr(k) for k in _FIGURE_KEYS)
                + f"; got {kind!r}"
            )
        elif _check_keys(where, "figure.", fig, _FIGURE_KEYS[kind], problems, ignore=("kind",)):
            n = len(problems)
            _figure_relations(where, kind, fig, problems)
            if len(problems) == n:
                figure = _build_figure(kind, fig)

    check: CheckSpec | None = None
    chk = raw.get("check")
    if isinstance(chk, dict):
        method = chk.get("method")
        if method not in METHODS:
            problems.append(
                f"{where} check.method must be one of {', '.join(METHODS)}; got {method!r}"
            )
        else:
            spec = {
                name: (_typed(types), required) for name, types, required in METHODS[method].params
            }
            if _check_keys(where, "check.", chk, spec, problems, ignore=("method",)):
                check = CheckSpec(method, {k: v for k, v in chk.items() if k != "method"})

    if len(problems) > before or figure is None or check is None:
        return None
    return Claim(
        id=cid,
        section=raw["section"],
        seed_line=raw["seed_line"],
        quote=raw["quote"],
        speaker=raw["speaker"],
        work=raw["work"],
        pages=raw["pages"],
        figure=figure,
        check=check,
        interpretation=raw.get("interpretation", ""),
        note=raw.get("note", ""),
        attribution=raw.get("attribution", ""),
        source_file=source,
    )


_TYPE_NAMES = {int: "an integer", str: "a non-empty string", list: "a list of non-empty strings"}


def _typed(types: tuple[type, ...]) -> Validator:
    names = " or ".join(_TYPE_NAMES[t] for t in types)

    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, types):
            return names
        if isinstance(v, str) and not v.strip():
            return names
        if isinstance(v, list) and not all(isinstance(x, str) and x.strip() for x in v):
            return names
        return None

    return check


def parse_claims(data: Mapping[str, Any], source: str) -> tuple[Claim, ...]:
    """Validate the parsed TOML of a claims file and build the records.

    Raises :class:`ClaimsFileError` listing every problem (``source`` names the file).
    """
    problems: list[str] = []
    unknown = [k for k in data if k != "claim"]
    if unknown:
        problems.append(
            f"unknown top-level key(s) {', '.join(map(repr, unknown))} (valid: 'claim')"
        )
    raws = data.get("claim")
    if not isinstance(raws, list) or not raws:
        problems.append("missing [[claim]] records: expected at least one [[claim]] table")
        raise ClaimsFileError(source, problems)
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raws):
        cid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(cid, str) and cid:
            if cid in seen:
                problems.append(
                    f"[claim {cid}] duplicate id (records #{seen[cid] + 1} and #{i + 1})"
                )
            seen.setdefault(cid, i)
        claim = _parse_one(i, raw, problems, source)
        if claim is not None:
            claims.append(claim)
    if problems:
        raise ClaimsFileError(source, problems)
    return tuple(claims)


def default_claims_path() -> Path:
    """The claims file bundled with the package."""
    return Path(__file__).with_name("claims.toml")


def load_claims(path: str | Path | None = None) -> tuple[Claim, ...]:
    """Read and validate a claims file (default: the bundled ``claims.toml``).

    Raises :class:`ClaimsFileError` naming the file and listing every problem at once, or when
    the file is not valid TOML.
    """
    p = Path(path) if path is not None else default_claims_path()
    source = p.name if path is None else str(p)
    data = read_toml(p, ClaimsFileError)
    return parse_claims(data, source)

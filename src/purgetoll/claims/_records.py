"""The claim record and its figure kinds: pydantic models, which are also the claims file's schema.

Each record is a frozen pydantic model with strict types (a whole number stays an ``int``: ``161``
is shown as ``161``, not ``161.0``) and unknown keys forbidden; a field's ``description`` is what
the messages say was expected (``figure.per must be one of 100, 1000; got 500``). A check's
parameters are a model per method, built from :data:`purgetoll.claims._methods.METHODS` with
``create_model``. :func:`validate_records` validates every record at once and turns pydantic's
errors into the project's messages, naming the claim id (or its position) and the key, in the order
of the file: a record's own keys, its unknown keys, its id, then its figure, then its check.

This module imports pydantic; :mod:`purgetoll.claims._schema` loads it when a file is read, so that
``purgetoll --help`` (which imports the claims CLI) does not pay for it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StrictInt,
    Tag,
    TypeAdapter,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from purgetoll.claims._methods import METHODS
from purgetoll.claims._terms import APPROX, BOUNDS, ID_PATTERN, ORDERS, SECTIONS, SPLIT_BASES
from purgetoll.validation import message_of, position, problem, problems

__all__ = ["Count", "Range", "Share", "FractionClaim", "Ratio", "Split", "Figure", "CheckSpec", "Claim",
           "validate_records"]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _one_of(options: tuple[Any, ...]) -> Any:
    return Annotated[Literal[options], Field(description="one of " + ", ".join(repr(o) for o in options))]


Number = int | float
NonNegative = Annotated[Number, Field(ge=0, allow_inf_nan=False, description="a number >= 0")]
Positive = Annotated[Number, Field(gt=0, allow_inf_nan=False, description="a number > 0")]
Percent = Annotated[Number, Field(ge=0, le=100, allow_inf_nan=False, description="a number in [0, 100]")]
Text = Annotated[str, Field(pattern=r"\S", description="a non-empty string")]
TextOrEmpty = Annotated[str, Field(description='a string ("" when the seed gives none)')]
IntNonNegative = Annotated[StrictInt, Field(ge=0, description="an integer >= 0")]
IntPositive = Annotated[StrictInt, Field(gt=0, description="an integer > 0")]


def _num(x: float) -> str:
    """Format a number without a spurious ``.0`` and with thousands separators."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,}"


# --------------------------------------------------------------------------------- figure kinds


class Count(BaseModel):
    """A number of things (persons, years, months). ``precision`` is the unit of the last stated digit."""

    model_config = _STRICT
    value: NonNegative
    unit: Text
    approx: _one_of(APPROX)
    precision: Positive
    as_written: Text
    kind: Literal["count"] = "count"

    def text(self) -> str:
        qual = "" if self.approx == "exact" else f"{self.approx} "
        return f"{qual}{_num(self.value)} {self.unit}"

    def claimed_value(self) -> float:
        return float(self.value)


class Range(BaseModel):
    """A range of values, both bounds inclusive; ``precision`` is the unit the bounds are stated in."""

    model_config = _STRICT
    low: NonNegative
    high: NonNegative
    unit: Text
    precision: Positive
    as_written: Text
    kind: Literal["range"] = "range"

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise problem(f"{{where}} figure.low must be <= figure.high; got {self.low!r} > {self.high!r}")
        return self

    def text(self) -> str:
        return f"{_num(self.low)} to {_num(self.high)} {self.unit}"

    def claimed_value(self) -> float:
        return (float(self.low) + float(self.high)) / 2


class Share(BaseModel):
    """A percentage of some population (``of``), possibly a bound ("not more than 10 percent")."""

    model_config = _STRICT
    percent: Percent
    of: Text
    precision: Positive
    bound: _one_of(BOUNDS)
    as_written: Text
    kind: Literal["share"] = "share"

    def text(self) -> str:
        b = "" if self.bound == "equal" else f"{self.bound} "
        return f"{b}{_num(self.percent)}% of {self.of}"

    def claimed_value(self) -> float:
        return float(self.percent)


class FractionClaim(BaseModel):
    """ "one in every twenty", "four of the six": ``numerator`` of ``denominator``."""

    model_config = _STRICT
    numerator: IntPositive
    denominator: IntPositive
    of: Text
    as_written: Text
    kind: Literal["fraction"] = "fraction"

    @model_validator(mode="after")
    def _proper(self) -> FractionClaim:
        if self.numerator > self.denominator:
            raise problem(f"{{where}} figure.numerator must be <= figure.denominator; "
                          f"got {self.numerator!r} > {self.denominator!r}")
        return self

    def text(self) -> str:
        return f"{self.numerator} in {self.denominator} ({_num(self.claimed_value())}%) of {self.of}"

    def claimed_value(self) -> float:
        """The fraction as a percentage."""
        return 100.0 * self.numerator / self.denominator


class Ratio(BaseModel):
    """A ratio such as "twice as many women as men" (``value`` = 2.0 women per man)."""

    model_config = _STRICT
    value: Positive
    of: Text
    precision: Positive
    as_written: Text
    kind: Literal["ratio"] = "ratio"

    def text(self) -> str:
        return f"{_num(self.value)} {self.of}"

    def claimed_value(self) -> float:
        return float(self.value)


class Split(BaseModel):
    """Women to men per ``per`` (100 or 1000) in the census ``year``, ages ``age``..``age_end``.

    ``age_end`` is ``None`` for an open group ("70 or older"). ``order`` keeps the order the text
    uses ("391 to 609 women" is men:women). The parts are kept as printed even when they do not
    add up to ``per``: Conquest's "349 to 691" is a faithful record, which the check reports as
    internally inconsistent, not a schema error.
    """

    model_config = _STRICT
    women: NonNegative
    men: NonNegative
    per: _one_of(SPLIT_BASES)
    year: IntPositive
    age: IntNonNegative
    age_end: Annotated[IntNonNegative | None, Field(description="an integer >= 0")] = None
    order: _one_of(ORDERS)
    as_written: Text
    kind: Literal["split"] = "split"

    @model_validator(mode="after")
    def _within(self) -> Split:
        for part in ("women", "men"):
            if getattr(self, part) > self.per:
                raise problem(f"{{where}} figure.{part} must be <= figure.per ({self.per}); got {getattr(self, part)!r}")
        if self.age_end is not None and self.age_end < self.age:
            raise problem(f"{{where}} figure.age_end must be >= figure.age ({self.age}); got {self.age_end!r}")
        return self

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


_KINDS: dict[str, type[BaseModel]] = {m.model_fields["kind"].default: m
                                      for m in (Count, Range, Share, FractionClaim, Ratio, Split)}


def _tag(key: str) -> Any:
    def tag(v: Any) -> str | None:
        return v.get(key) if isinstance(v, dict) and isinstance(v.get(key), str) else None

    return tag


Figure = Annotated[
    Annotated[Count, Tag("count")] | Annotated[Range, Tag("range")] | Annotated[Share, Tag("share")]
    | Annotated[FractionClaim, Tag("fraction")] | Annotated[Ratio, Tag("ratio")] | Annotated[Split, Tag("split")],
    Discriminator(_tag("kind")),
]


# ----------------------------------------------------------------------------------- check specs


class CheckSpec(BaseModel):
    """How a claim is checked: a method of ``_methods.METHODS`` and its parameters (a model per method)."""

    model_config = _STRICT
    method: str

    @property
    def params(self) -> dict[str, Any]:
        """The parameters the file gives (``method`` aside)."""
        return {k: getattr(self, k) for k in type(self).model_fields if k != "method" and k in self.model_fields_set}


_TYPES: dict[type, tuple[Any, str]] = {
    int: (StrictInt, "an integer"),
    str: (Annotated[str, Field(pattern=r"\S")], "a non-empty string"),
    list: (list[Annotated[str, Field(pattern=r"\S")]], "a list of non-empty strings"),
}


def _check_model(name: str) -> type[CheckSpec]:
    fields: dict[str, Any] = {"method": (Literal[name], ...)}
    for pname, types, required in METHODS[name].params:
        kinds = [_TYPES[t][0] for t in types]
        expected = " or ".join(_TYPES[t][1] for t in types)
        annotation = Annotated[kinds[0] if len(kinds) == 1 else kinds[0] | kinds[1], Field(description=expected)]
        fields[pname] = (annotation, ... if required else None)
    return create_model(f"Check_{name}", __base__=CheckSpec, **fields)


_CHECKS: dict[str, type[CheckSpec]] = {name: _check_model(name) for name in METHODS}
_union: Any = None
for _name, _model in _CHECKS.items():
    _member = Annotated[_model, Tag(_name)]
    _union = _member if _union is None else _union | _member
Check = Annotated[_union, Discriminator(_tag("method"))]


# ----------------------------------------------------------------------------------------- claim


class Claim(BaseModel):
    """One quantitative claim of the seed text, with who makes it and how the data can check it."""

    model_config = _STRICT
    id: Text
    section: _one_of(SECTIONS)
    seed_line: IntPositive
    quote: Text
    speaker: Text
    work: TextOrEmpty
    pages: TextOrEmpty
    figure: Annotated[Figure, Field(description="a table")]
    check: Annotated[Check, Field(description="a table")]
    interpretation: Text = ""
    note: Text = ""
    #: Id of the row of the published estimates (``purgetoll.data.estimates()``) holding the
    #: figure the claim attributes to its speaker, so the quotation itself can be checked.
    attribution: Text = ""
    _source_file: str = PrivateAttr(default="claims.toml")

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise problem(f"{{where}} id must match [a-z0-9_]+; got {v!r}", order=2)
        return v

    @property
    def source_file(self) -> str:
        """The claims file the record came from (named in errors found when checking it)."""
        return self._source_file

    def from_file(self, source: str) -> Claim:
        """This record, marked as read from ``source``."""
        self._source_file = source
        return self

    @property
    def cited_as(self) -> str:
        """Who says it and where, as the seed gives it: "Robert Conquest, The Great Terror, pp. 711-12"."""
        parts = [self.speaker]
        if self.work:
            parts.append(self.work)
        if self.pages:
            parts.append(f"p. {self.pages}" if self.pages.isdigit() else f"pp. {self.pages}")
        return ", ".join(parts)


_FILE_KEYS = [k for k in Claim.model_fields]
_RECORDS = TypeAdapter(list[Claim])


def validate_records(raws: list[Any]) -> tuple[list[Claim], list[str]]:
    """The records of ``raws`` (the file's ``[[claim]]`` tables) and every problem, in the file's order."""
    try:
        return _RECORDS.validate_python(raws), []
    except ValidationError as exc:
        return [], problems(exc, lambda err: _translate(raws, err))


def _where(raws: list[Any], i: int) -> str:
    raw = raws[i] if 0 <= i < len(raws) else None
    cid = raw.get("id") if isinstance(raw, dict) else None
    return f"[claim {cid}]" if isinstance(cid, str) and cid else f"[claim #{i + 1}]"


def _translate(raws: list[Any], err: ErrorDetails) -> tuple[str, tuple[Any, ...]]:
    loc = err["loc"]
    i = int(loc[0])
    where = _where(raws, i)
    message = message_of(err)
    if len(loc) == 1:
        return f"[claim #{i + 1}] must be a table; got {err['input']!r}", (i, 0)
    key = str(loc[1])
    if key in ("figure", "check") and (len(loc) > 2 or err["type"].startswith("union_tag")):
        return _translate_part(raws, i, where, key, loc[2:], err)
    if message is not None:
        return message.replace("{where}", where), (i, (err.get("ctx") or {}).get("order", 0), 0)
    rank = _FILE_KEYS.index(key) if key in _FILE_KEYS else len(_FILE_KEYS)
    if err["type"] == "missing":
        return f"{where} missing key '{key}'", (i, 0, rank)
    if err["type"] == "extra_forbidden":
        return f"{where} unknown key '{key}' (valid: {', '.join(_FILE_KEYS)})", (i, 1, position(raws, loc))
    if key in ("figure", "check"):  # not a table: the discriminator found no tag
        return f"{where} {key} must be a table; got {err['input']!r}", (i, 0, rank)
    return f"{where} {key} must be {Claim.model_fields[key].description}; got {err['input']!r}", (i, 0, rank)


def _translate_part(raws: list[Any], i: int, where: str, part: str, rest: tuple[Any, ...],
                    err: ErrorDetails) -> tuple[str, tuple[Any, ...]]:
    """An error inside a claim's figure (tagged by kind) or check (tagged by method)."""
    stage = 3 if part == "figure" else 6
    tag_key, models = ("kind", _KINDS) if part == "figure" else ("method", _CHECKS)
    raw = raws[i][part]
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        if not isinstance(raw, dict):
            return f"{where} {part} must be a table; got {raw!r}", (i, 0, _FILE_KEYS.index(part))
        return (f"{where} {part}.{tag_key} must be one of {', '.join(_quoted(models) if part == 'figure' else models)}; "
                f"got {raw.get(tag_key)!r}", (i, stage, -1))
    model = models[str(rest[0])]
    message = message_of(err)
    if message is not None or len(rest) < 2:
        return (message or err["msg"]).replace("{where}", where), (i, stage + 2)
    field = str(rest[1])
    names = [f for f in model.model_fields if f != tag_key]
    rank = names.index(field) if field in names else len(names)
    if err["type"] == "missing":
        return f"{where} missing key '{part}.{field}'", (i, stage, rank)
    if err["type"] == "extra_forbidden":
        return (f"{where} unknown key '{part}.{field}' (valid: {', '.join(names)})",
                (i, stage + 1, position(raws, (i, part, field))))
    expected = model.model_fields[field].description
    return f"{where} {part}.{field} must be {expected}; got {raw.get(field)!r}", (i, stage, rank)


def _quoted(names: dict[str, Any]) -> list[str]:
    return [repr(n) for n in names]

"""Tidying printed figures: the helpers of the archive and machinery re-tabulation.

Used by the maintainer tools :mod:`retab.archive`, :mod:`retab.archive_facts` and
:mod:`retab.machinery`; the package never imports them. They turn the cells of the reference
files into the tidy columns of the ``facts`` kind (see :mod:`purgetoll.data._archive_facts`):

- ``parse_value``: ``"172000+"`` -> 172000 ``more than``; ``"8000-25000"`` -> a range;
  ``"~8000"``/``"about 8000"`` -> ``about``; ``"over 20000"`` -> ``more than``;
- ``parse_unit``: ``"persons (approx)"`` -> ``persons`` + ``about``; thousands and millions are
  converted to persons with exact decimal arithmetic (3.238 million -> 3,238,000);
- ``parse_period``: ``"1936-10-01..1938-11-01"``, ``"1937-09..10"``, ``"1944 H1"``,
  ``"to 1938-07-10"`` -> ISO ``date_start``/``date_end`` ('' where the period is vague);
- ``resolve_same``: a ``source`` cell reading "same" takes the previous row's source;
- :class:`Facts`: builds the rows of one facts table from the rows of its reference file, each
  fact keeping its origin row's source and note unless told otherwise; ``split`` turns an
  ``"a / b / c"`` cell into one fact per value.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

Row = dict[str, str]

N = r"\d[\d,]*(?:\.\d+)?"


def resolve_same(rows: list[Row], col: str) -> list[str]:
    """Column ``col`` with "same" / "same as above" replaced by the previous row's text.

    "same (Zemskov 1991)" becomes the previous text followed by "[same (Zemskov 1991)]".
    """
    prev = None
    out = []
    for r in rows:
        s = (r.get(col) or "").strip()
        if s.lower().startswith("same") and prev is not None:
            s = prev if s.lower() in ("same", "same as above") else f"{prev} [{s}]"
        prev = s if s else prev
        out.append(s)
    return out


def dec(s: object) -> Decimal:
    """A printed number ("1,548,366", "22.4") as an exact Decimal."""
    return Decimal(str(s).replace(",", "").replace(" ", ""))


def norm_num(d: Decimal | None, scale: int = 1) -> str:
    """``d`` x ``scale`` as CSV text: whole numbers without a decimal point, else plain decimals."""
    if d is None:
        return ""
    v = Decimal(d) * Decimal(scale)
    if v == v.to_integral_value():
        return str(int(v))
    return format(v.normalize(), "f")


UNIT_Q = {
    "approx": "about", "approx.": "about", "about": "about", "rounded": "about",
    "more than": "more than", "nearly": "nearly", "upper bound as stated": "up to",
    "at least": "at least", "range of estimates": "range", "estimate": "about",
    "author's estimate": "about", "thousands x1000": "exact", "rounded, thousands": "about",
}

SCALE = {"thousands": 1000, "thousand": 1000, "million": 1_000_000, "million deaths": 1_000_000}


def parse_unit(u: str | None) -> tuple[str, str | None]:
    """'persons (approx)' -> ('persons', 'about'); 'thousands' -> ('persons', None) with scale."""
    u = (u or "").strip()
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", u)
    q = None
    if m:
        u, inner = m.group(1).strip(), m.group(2).strip()
        q = UNIT_Q[inner]
    return u, q


def parse_value(s: str | None) -> tuple[Decimal | None, Decimal | None, Decimal | None, str]:
    """A printed cell as ``(value, low, high, qualifier)``; ValueError if it is not a figure."""
    s = (s or "").strip()
    if s in ("", "-"):
        return None, None, None, "not printed"
    pats = [
        (rf"^~\s*({N})$", "about"), (rf"^about\s+({N})$", "about"),
        (rf"^(?:over|more than)\s+({N})$", "more than"), (rf"^({N})\+$", "more than"),
        (rf"^up to\s+({N})$", "up to"), (rf"^({N})$", "exact"), (rf"^nearly\s+({N})$", "nearly"),
        (rf"^at least\s+({N})$", "at least"),
    ]
    for p, q in pats:
        m = re.match(p, s)
        if m:
            return dec(m.group(1)), None, None, q
    m = re.match(rf"^({N})\s*-\s*({N})$", s)
    if m:
        return None, dec(m.group(1)), dec(m.group(2)), "range"
    raise ValueError(f"cannot parse value {s!r}")


def bounds(
    value: Decimal | None, low: Decimal | None, high: Decimal | None, q: str
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """``(value, value_low, value_high)`` as the facts kind defines them for qualifier ``q``."""
    if q in ("exact", "about"):
        return value, value, value
    if q in ("at least", "more than"):
        return value, value, None
    if q in ("up to", "nearly"):
        return value, None, value
    if q == "range":
        return None, low, high
    return None, None, None


def month_end(y: int, m: int) -> str:
    """The last day of month ``m`` of year ``y`` as an ISO date."""
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def _start_end(tok: str) -> tuple[str, str] | None:
    tok = tok.strip()
    if re.fullmatch(r"\d{4}", tok):
        y = int(tok)
        return f"{y}-01-01", f"{y}-12-31"
    m = re.fullmatch(r"(\d{4})-(\d{2})", tok)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return f"{y:04d}-{mo:02d}-01", month_end(y, mo)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", tok):
        return tok, tok
    return None


def parse_period(p: str | None) -> tuple[str, str]:
    """Printed period -> (date_start, date_end) ISO strings, '' where not parseable.

    A trailing parenthesis is dropped ("1945 (autumn)" -> 1945). After ``..`` a bare two-digit
    number is read as a month ("1938-09-15..11" -> 30 Nov 1938); the one row where it is a day
    ("1938-02-04..12", 4-12 Feb 1938) sets its dates explicitly.
    """
    p = re.sub(r"\s*\(.*\)\s*$", "", (p or "").strip())
    if not p:
        return "", ""
    m = re.fullmatch(r"to (\d{4}-\d{2}(?:-\d{2})?)", p)
    if m:
        return "", _start_end(m.group(1))[1]  # type: ignore[index]
    m = re.fullmatch(r"(\d{4}) H([12])", p)
    if m:
        y = int(m.group(1))
        return (f"{y}-01-01", f"{y}-06-30") if m.group(2) == "1" else (f"{y}-07-01", f"{y}-12-31")
    m = re.fullmatch(r"(\d{4})-(\d{4})", p)
    if m:
        return f"{m.group(1)}-01-01", f"{m.group(2)}-12-31"
    se = _start_end(p)
    if se:
        return se
    if ".." in p:
        a, b = p.split("..", 1)
        sa = _start_end(a)
        if not sa:
            return "", ""
        b = b.strip()
        sb = _start_end(b)
        if sb:
            return sa[0], sb[1]
        y = a[:4]
        if re.fullmatch(r"\d{2}-\d{2}", b):
            return sa[0], f"{y}-{b}"
        if re.fullmatch(r"\d{2}", b):
            return sa[0], month_end(int(y), int(b))
    return "", ""


class Retab:
    """One re-tabulation run: reads reference files from ``shared``, collects CSV texts."""

    def __init__(self, shared: Path) -> None:
        self.shared = Path(shared)
        self.tables: dict[str, str] = {}

    def read(self, name: str) -> list[Row]:
        """The rows of reference file ``name`` (relative to the shared data folder)."""
        with open(self.shared / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def emit(self, name: str, cols: list[str], rows: list[dict[str, Any]]) -> None:
        """Store table ``name`` as CSV text (LF line ends, columns in ``cols`` order)."""
        if name in self.tables:
            raise ValueError(f"table {name} emitted twice")
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            extra = set(r) - set(cols)
            if extra:
                raise KeyError(f"{name}: unknown columns {sorted(extra)}")
            w.writerow({c: ("" if r.get(c) is None else r.get(c)) for c in cols})
        self.tables[name] = buf.getvalue()


FACT_COLS = [
    "id", "subject", "metric", "period", "date_start", "date_end", "value", "value_low",
    "value_high", "qualifier", "unit", "value_as_printed", "correction_note", "part_of", "parts",
    "documented_difference", "dispute", "default", "computed", "source", "note",
]


class Facts:
    """The facts of one table, built from the rows of its reference file.

    ``subject``, ``metric``, ``period``, ``value``, ``unit``, ``note`` name the reference columns
    each field defaults to (``"=text"`` for a constant, ``None`` for empty); ``source`` is one
    column or a tuple of columns joined with "; " (a "same" cell takes the previous row's text).
    """

    def __init__(self, ctx: Retab, name: str, rows: list[Row], *, subject: Any, metric: Any, period: Any,
                 value: Any, unit: Any, source: str | tuple[str, ...], note: Any) -> None:
        self.ctx = ctx
        self.name = name
        self.rows = rows
        self.cols = dict(subject=subject, metric=metric, period=period, value=value, unit=unit,
                         note=note)
        self.sources = resolve_same(rows, source) if isinstance(source, str) else None
        if isinstance(source, tuple):
            self.sources = ["; ".join(p for p in parts if p) for parts in
                            zip(*[resolve_same(rows, c) for c in source], strict=True)]
        self.out: list[dict[str, Any]] = []
        self._order: list[int] = []

    def get(self, r: int, key: str) -> str:
        """Field ``key`` of reference row ``r`` (1-based data row) as the table maps it."""
        c = self.cols[key]
        if c is None:
            return ""
        if callable(c):
            return c(self.rows[r - 1])
        if c.startswith("="):
            return c[1:]
        return (self.rows[r - 1].get(c) or "").strip()

    def add(self, r: int, *, sub: object = None, value: str | tuple[str, str] | None = None,
            printed: str | None = None, **kw: Any) -> dict[str, Any]:
        """Add one fact derived from reference row ``r`` (1-based data row) and return it.

        ``printed`` replaces the row's value cell (a figure split out of an "a / b" cell or out of
        the note); ``value`` gives the number directly (a tuple for a range) when the printed text
        is not a plain figure; ``sub`` numbers the facts split out of one row (``id`` defaults to
        ``r<row>`` or ``r<row>.<sub>``); every other keyword sets a column (``id``, ``metric``,
        ``period``, ``unit``, ``qualifier``, ``part_of``, ``parts``, ``dispute``, ``default``,
        ``computed``, ``note``, ...).
        """
        rid = kw.pop("id", f"r{r}" if sub is None else f"r{r}.{sub}")
        unit_raw = kw.pop("unit", None)
        if unit_raw is None:
            unit_raw = self.get(r, "unit")
        unit, uq = parse_unit(unit_raw)
        scale = SCALE.get(unit, 1)
        if scale != 1:
            unit = "persons"
        cell = self.get(r, "value") if printed is None else printed
        cell = cell.strip()
        if kw.get("qualifier") == "text":
            v = lo = hi = None
            q = "text"
        elif value is None:
            v, lo, hi, q = parse_value(cell)
        elif isinstance(value, tuple):
            lo, hi = dec(value[0]), dec(value[1])
            v, q = None, "range"
        else:
            v, lo, hi, q = dec(value), None, None, "exact"
        q = kw.pop("qualifier", None) or (uq if (uq and q == "exact") else q)
        if q == "range" and v is not None:
            q = "about"
        if q not in ("range", "text"):
            v, lo, hi = bounds(v, lo, hi, q)
        period = kw.pop("period", self.get(r, "period"))
        ds, de = parse_period(period)
        row = dict(
            id=rid, subject=kw.pop("subject", self.get(r, "subject")),
            metric=kw.pop("metric", self.get(r, "metric")), period=period,
            date_start=kw.pop("date_start", ds), date_end=kw.pop("date_end", de),
            value=norm_num(v, scale) if v is not None else "",
            value_low=norm_num(lo, scale) if lo is not None else "",
            value_high=norm_num(hi, scale) if hi is not None else "",
            qualifier=q, unit=unit or "", value_as_printed=cell,
            source=self.sources[r - 1], note=kw.pop("note", self.get(r, "note")),
            default="true", computed="false",
        )
        for k, val in kw.items():
            if k not in FACT_COLS:
                raise KeyError(k)
            row[k] = val
        self.out.append(row)
        self._order.append(r)
        return row

    def write(self) -> None:
        """Emit the table, facts in the order of their reference rows; ids must be unique."""
        idx = sorted(range(len(self.out)), key=lambda i: (self._order[i], i))
        self.out = [self.out[i] for i in idx]
        ids = [r["id"] for r in self.out]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.name}: duplicate ids")
        self.ctx.emit(self.name, FACT_COLS, self.out)


def split(f: Facts, r: int, items: list[dict[str, Any]], *, ids: list[str] | None = None,
          parent: int | None = None, parts: str | None = None, **common: Any) -> list[dict[str, Any]]:
    """Add one fact per ' / '-separated value of origin row r.

    items: list of dicts of field overrides (metric/period/...) per part, in printed order.
    """
    cells = [c.strip() for c in f.get(r, "value").split(" / ")]
    if len(cells) != len(items):
        raise ValueError(f"{f.name} row {r}: {len(cells)} values for {len(items)} items")
    rows = []
    for k, (cell, it) in enumerate(zip(cells, items, strict=True), 1):
        kw = dict(common)
        kw.update(it)
        if ids:
            kw["id"] = ids[k - 1]
        if cell in ("-", "(cut off)"):
            kw.setdefault("note", f.get(r, "note") or "")
            kw["note"] = (kw["note"] + "; " if kw["note"] else "") + f"printed '{cell}'"
        rows.append(f.add(r, sub=k, printed=cell if cell not in ("-", "(cut off)") else "", **kw))
    if parent is not None:
        rows[parent]["parts"] = parts or "complete"
        for i, row in enumerate(rows):
            if i != parent:
                row["part_of"] = rows[parent]["id"]
    return rows

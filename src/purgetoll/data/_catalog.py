"""The catalog of bundled tables and the generic loader ``load(name)``.

Every ``catalog/<group>.toml`` file of the package holds ``[[table]]`` entries; all files are
merged into one catalog (a table name used twice is an error naming both files). Each entry
points at ``tables/<file>`` (a tidy CSV) and carries the citation (``source``), ``unit``,
``territory``, ``period``, ``caveats`` and the shared reference file it was re-tabulated from
(``origin``). Fields beyond the required ones are kind-specific and kept in ``TableInfo.extra``.

The package reads only its own files (``importlib.resources``), never ``../shared``. The entry
schema, :class:`CatalogEntry` (a pydantic model), is ten required non-empty strings plus free
kind-specific fields; :func:`parse_catalog` names the file and entry and lists the entry's missing
and bad fields together.

Parsing: every cell is read as text, then ``age``, ``age_end``, ``year`` and the kind's count
columns must be whole numbers (``int64``, or nullable ``Int64`` where cells are empty); any other
column becomes numeric when every non-empty cell parses as a number and stays text otherwise.
On load the schema checks run (required columns, unique keys, non-negative counts) and the
first problem raises :class:`DataError`; the remaining checks run in ``check_all()``.
"""

from __future__ import annotations

import functools
import io
import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Annotated

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from purgetoll.data._registry import TableInfo, generic_problems, kind_schema
from purgetoll.errors import DataError

_Text = Annotated[str, Field(pattern=r"\S")]


class CatalogEntry(BaseModel):
    """One ``[[table]]`` of a catalog file: the required fields, non-empty strings; any other field is
    kind-specific and kept (``model_extra``)."""

    model_config = ConfigDict(strict=True, extra="allow")
    name: _Text
    file: _Text
    title: _Text
    kind: _Text
    unit: _Text
    territory: _Text
    period: _Text
    source: _Text
    caveats: _Text
    origin: _Text


REQUIRED_FIELDS: tuple[str, ...] = tuple(CatalogEntry.model_fields)

# Columns read as nullable integers: ages are whole years, but open/unknown groups have none.
_INT_COLUMNS = ("age", "age_end", "year")


def _package_root() -> resources.abc.Traversable:
    return resources.files("purgetoll.data")


def parse_catalog(texts: Mapping[str, str]) -> tuple[TableInfo, ...]:
    """Parse catalog files given as ``{file name: TOML text}`` into entries, sorted by name.

    Raises :class:`DataError` naming the file and entry for a TOML syntax error, a missing or
    non-string field, or a name used twice (naming both files).
    """
    seen: dict[str, str] = {}
    entries: list[TableInfo] = []
    for fname in sorted(texts):
        try:
            doc = tomllib.loads(texts[fname])
        except tomllib.TOMLDecodeError as exc:
            raise DataError(f"catalog/{fname}", f"not valid TOML ({exc})") from exc
        tables = doc.get("table", [])
        if not isinstance(tables, list):
            raise DataError(f"catalog/{fname}", "expected [[table]] entries (an array of tables)")
        group = fname.removesuffix(".toml")
        for i, raw in enumerate(tables):
            label = f"[[table]] {i + 1}" + (f" ({raw['name']})" if "name" in raw else "")
            try:
                entry = CatalogEntry.model_validate(raw)
            except ValidationError as exc:
                errors = exc.errors()
                missing = [str(e["loc"][0]) for e in errors if e["type"] == "missing"]
                bad = [str(e["loc"][0]) for e in errors if e["type"] != "missing"]
                problem = (f"missing field(s) {', '.join(missing)}" if missing
                           else f"field(s) {', '.join(bad)} must be non-empty strings")
                raise DataError(f"catalog/{fname}", problem, label) from None
            name = entry.name
            if name in seen:
                raise DataError(
                    f"catalog/{fname}",
                    f"table name {name!r} is already defined in catalog/{seen[name]}",
                    label,
                )
            seen[name] = fname
            entries.append(
                TableInfo(**entry.model_dump(include=set(REQUIRED_FIELDS)), group=group,
                          extra=MappingProxyType(dict(entry.model_extra or {})))
            )
    return tuple(sorted(entries, key=lambda e: e.name))


# The package's own files do not change while it runs, so parsing them once is safe; both
# caches hold immutable values (a tuple of frozen entries) or hand out copies (tables).
@functools.cache
def catalog_entries() -> tuple[TableInfo, ...]:
    """Every bundled table's catalog entry, from all ``catalog/*.toml`` files, sorted by name."""
    folder = _package_root() / "catalog"
    texts = {
        item.name: item.read_text(encoding="utf-8")
        for item in folder.iterdir()
        if item.name.endswith(".toml")
    }
    return parse_catalog(texts)


def table_info(name: str) -> TableInfo:
    """The catalog entry of ``name``; :class:`DataError` listing the valid names if unknown."""
    entries = catalog_entries()
    for e in entries:
        if e.name == name:
            return e
    valid = ", ".join(e.name for e in entries)
    raise DataError(name, f"no such table in the catalog (valid names: {valid})")


def catalog() -> pd.DataFrame:
    """One row per bundled table: name, title, kind, unit, territory, period, source, caveats,
    origin, file and catalog group."""
    cols = ["name", "title", "kind", "unit", "territory", "period", "source", "caveats", "origin", "file", "group"]
    rows = [{c: getattr(e, c) for c in cols} for e in catalog_entries()]
    return pd.DataFrame(rows, columns=cols)


def read_table_text(info: TableInfo, text: str) -> pd.DataFrame:
    """Parse a table's CSV text with the dtypes of its kind and attach the catalog attrs.

    Age-like columns become nullable ``Int64``; count columns become ``int64`` when complete
    (``Int64`` when the source leaves cells empty). A cell that is not a whole number where one is
    expected raises :class:`DataError` naming the table, row and column.
    """
    df = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""], dtype=str)
    schema = kind_schema(info.kind)
    numeric = set(_INT_COLUMNS) | (set(schema.counts) if schema else set())
    for col in df.columns:
        if col in numeric:
            df[col] = _whole_numbers(info.name, df, col)
        elif col not in ("date", "sex", "age_group", "period", "borders", "territory", "name"):
            # Measures (qx, ex, ratios): numeric when every cell parses, else left as text.
            converted = pd.to_numeric(df[col], errors="coerce")
            if converted.notna().sum() == df[col].notna().sum():
                df[col] = converted
    df.attrs.update(
        table=info.name, source=info.source, unit=info.unit, caveats=info.caveats, title=info.title
    )
    return df


def _whole_numbers(table: str, df: pd.DataFrame, col: str) -> pd.Series:
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() & df[col].notna()
    bad |= values.notna() & (values % 1 != 0)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(table, f"column {col!r} must hold whole numbers; got {df[col].iloc[i]!r}", i)
    if values.notna().all():
        return values.astype("int64")
    return values.astype("Int64")


def load(name: str) -> pd.DataFrame:
    """Any bundled table by catalog name, tidy, as bundled (see ``catalog()`` for the names).

    ``df.attrs`` carries ``table``, ``source`` (the citation), ``unit``, ``caveats`` and ``title``.
    Raises :class:`DataError` for an unknown name (listing the valid ones) or a missing file.
    """
    df = _load_bundled(name)
    out = df.copy(deep=True)
    out.attrs = dict(df.attrs)
    return out


@functools.cache
def _load_bundled(name: str) -> pd.DataFrame:
    info = table_info(name)
    path = _package_root() / "tables" / info.file
    if not path.is_file():
        raise DataError(info.name, f"bundled file tables/{info.file} is missing from the package")
    df = read_table_text(info, path.read_text(encoding="utf-8"))
    # Checks on load: the schema checks (columns, unique keys, no negative counts) are cheap and
    # need no other table, so a damaged file fails here, naming its row. The kind's own checks
    # (sums, identities, cross-table) run in check_all() / `purgetoll data check`.
    problems = generic_problems(info, df)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s); run `purgetoll data check`)" if len(problems) > 1 else ""
        raise DataError(first.table, first.problem + more, first.row)
    return df

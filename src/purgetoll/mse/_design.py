"""Design matrices of the log-linear capture models and the model names that describe them.

A model is a :class:`ModelSpec`: a base (M0, Mt, Mh or Mth), an optional heterogeneity form
(Chao's lower bound, Poisson2, Darroch, Gamma3.5, as in Rcapture, Baillargeon & Rivest 2007)
and a set of list interactions (tuples of 0-based list positions; the model is made
hierarchical by adding every lower-order margin). The matrix has one row per observable history
in the :mod:`~purgetoll.mse._table` order and starts with the intercept column, so that the
expected count of the unobserved all-zero history is ``exp(intercept)``.

Model strings (the CLI): ``M0``, ``Mt``, ``Mh-Chao``, ``Mth-Poisson2``, ``Mth-Darroch``,
``Mth-Gamma`` (= ``Mth-Gamma3.5``), ``Mt+1:2+2:3`` (interactions by 1-based list position).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from purgetoll.mse._table import history_matrix

__all__ = ["HETEROGENEITY", "ModelSpec", "design_matrix", "hierarchical_closure", "parse_model"]

#: Heterogeneity forms of Rcapture: name -> h(k), k = number of lists that recorded a history.
#: (Chao is a set of columns, handled in :func:`heterogeneity_columns`.)
HETEROGENEITY = ("Chao", "Poisson2", "Darroch", "Gamma3.5")

#: theta of Rcapture's "Poisson2" (h(k) = 2**k - 1) and "Gamma3.5" (h(k) = log(3.5) - log(3.5 + k)).
POISSON_THETA = 2.0
GAMMA_THETA = 3.5


def hierarchical_closure(terms: set[tuple[int, ...]]) -> set[tuple[int, ...]]:
    """``terms`` plus every sub-term of order >= 2 (so the model is hierarchical)."""
    out: set[tuple[int, ...]] = set()
    for t in terms:
        t = tuple(sorted(t))
        for r in range(2, len(t) + 1):
            out.update(itertools.combinations(t, r))
    return out


@dataclass(frozen=True)
class ModelSpec:
    """A log-linear capture model.

    ``base`` is ``"M0"`` (one capture probability), ``"Mt"`` (one per list), ``"Mh"`` (M0 with
    heterogeneity) or ``"Mth"`` (Mt with heterogeneity); ``heterogeneity`` one of
    :data:`HETEROGENEITY` or ``None``; ``interactions`` 0-based list-position tuples.
    """

    base: str = "Mt"
    heterogeneity: str | None = None
    interactions: frozenset[tuple[int, ...]] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "interactions", frozenset(hierarchical_closure(set(self.interactions)))
        )

    def name(self, lists: tuple[str, ...] | None = None) -> str:
        """Rcapture-style name (``Mth Darroch``), with interactions as ``[A:B, B:C]``."""
        base = self.base if self.heterogeneity is None else f"{self.base} {self.heterogeneity}"
        if not self.interactions:
            return base
        terms = sorted(self.interactions, key=lambda t: (len(t), t))
        if lists is None:
            text = ", ".join(":".join(str(i + 1) for i in t) for t in terms)
        else:
            text = ", ".join(":".join(lists[i] for i in t) for t in terms)
        return f"{base} + [{text}]"

    def cli_name(self) -> str:
        """The model as a CLI string (``Mth-Darroch``, ``Mt+1:2``)."""
        base = self.base if self.heterogeneity is None else f"{self.base}-{self.heterogeneity}"
        terms = sorted(self.interactions, key=lambda t: (len(t), t))
        return base + "".join("+" + ":".join(str(i + 1) for i in t) for t in terms)


_HET_ALIASES = {
    "chao": "Chao",
    "lb": "Chao",
    "poisson": "Poisson2",
    "poisson2": "Poisson2",
    "darroch": "Darroch",
    "gamma": "Gamma3.5",
    "gamma3.5": "Gamma3.5",
}


class ModelSyntaxError(ValueError):
    """A model string does not follow the documented grammar."""


def parse_model(text: str, n_lists: int) -> ModelSpec:
    """Parse ``BASE[-HET][+i:j[:k]]...`` (positions 1-based) into a :class:`ModelSpec`."""
    grammar = (
        "expected BASE[-HETEROGENEITY][+i:j...] with BASE one of M0, Mt, Mh, Mth, "
        "HETEROGENEITY one of Chao, Poisson2, Darroch, Gamma (Gamma3.5), and i:j list "
        f"positions 1..{n_lists}, e.g. Mt+1:2+2:3"
    )
    parts = [p.strip() for p in text.strip().split("+")]
    head = parts[0]
    m = re.fullmatch(r"(M0|Mt|Mh|Mth)(?:[- ](\w+(?:\.\d+)?))?", head)
    if not m:
        raise ModelSyntaxError(f"model '{text}': unknown base '{head}'; {grammar}")
    base, het = m.group(1), m.group(2)
    heterogeneity = None
    if het is not None:
        heterogeneity = _HET_ALIASES.get(het.lower())
        if heterogeneity is None:
            raise ModelSyntaxError(f"model '{text}': unknown heterogeneity '{het}'; {grammar}")
        if base in ("M0", "Mt"):
            raise ModelSyntaxError(
                f"model '{text}': heterogeneity needs base Mh or Mth, not {base}; {grammar}"
            )
    elif base in ("Mh", "Mth"):
        heterogeneity = "Chao"  # Rcapture's default h for Mh and Mth
    if heterogeneity is not None and n_lists < 3:
        raise ModelSyntaxError(f"model '{text}': heterogeneity models need at least 3 lists")
    terms: set[tuple[int, ...]] = set()
    for p in parts[1:]:
        if not re.fullmatch(r"\d+(?::\d+)+", p):
            raise ModelSyntaxError(f"model '{text}': bad interaction '{p}'; {grammar}")
        pos = tuple(int(v) for v in p.split(":"))
        if any(v < 1 or v > n_lists for v in pos) or len(set(pos)) != len(pos):
            raise ModelSyntaxError(
                f"model '{text}': interaction '{p}' must name distinct list positions 1..{n_lists}"
            )
        terms.add(tuple(sorted(v - 1 for v in pos)))
    if terms and base in ("M0", "Mh"):
        raise ModelSyntaxError(
            f"model '{text}': interactions need base Mt or Mth (list main effects); {grammar}"
        )
    return ModelSpec(base, heterogeneity, frozenset(terms))


def heterogeneity_columns(kind: str, n_captures: np.ndarray, n_lists: int) -> np.ndarray:
    """The heterogeneity columns h(k) of Rcapture for ``k = n_captures`` (0 at k = 0)."""
    k = n_captures.astype(float)
    if kind == "Chao":
        # Chao's lower bound: one column (k - j + 1)+ for j = 3..K (Rivest & Baillargeon).
        return np.column_stack([np.maximum(k - j + 1, 0.0) for j in range(3, n_lists + 1)])
    if kind == "Poisson2":
        return (POISSON_THETA**k - 1.0)[:, None]
    if kind == "Darroch":
        return (k**2 / 2.0)[:, None]
    if kind == "Gamma3.5":
        return (np.log(GAMMA_THETA) - np.log(GAMMA_THETA + k))[:, None]
    raise ValueError(f"unknown heterogeneity '{kind}'")


def design_matrix(spec: ModelSpec, n_lists: int, *, with_zero_row: bool = False) -> np.ndarray:
    """The design of ``spec``: intercept, then main effects, interactions, heterogeneity.

    ``with_zero_row`` appends the all-zero history (intercept 1, every other column 0), used
    by the profile likelihood, which treats the unobserved count as a datum.
    """
    h = history_matrix(n_lists).astype(float)
    if with_zero_row:
        h = np.vstack([h, np.zeros(n_lists)])
    k = h.sum(axis=1)
    cols = [np.ones(len(h))]
    if spec.base in ("M0", "Mh"):
        cols.append(k)
    else:
        cols.extend(h[:, j] for j in range(n_lists))
    for term in sorted(spec.interactions, key=lambda t: (len(t), t)):
        cols.append(np.prod(h[:, list(term)], axis=1))
    x = np.column_stack(cols)
    if spec.heterogeneity is not None:
        x = np.column_stack([x, heterogeneity_columns(spec.heterogeneity, k, n_lists)])
    return x


def n_non_heterogeneity_columns(spec: ModelSpec, n_lists: int) -> int:
    """Columns before the heterogeneity block (Rcapture's ``nca``), intercept included."""
    main = 1 if spec.base in ("M0", "Mh") else n_lists
    return 1 + main + len(spec.interactions)

"""Statistical disclosure control, applied once to everything an edition publishes.

Rules come from the city pack (`disclosure:` in city.yml). Defaults follow § 16 BStatG practice:
counts of 1 and 2 are never published (0 stays 0), a rate is withheld when its numerator is or its
denominator is too small, and a second cell is withheld wherever a single withheld cell could be
recomputed as the city total minus the other areas. The mark for a withheld value is ".".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.catalog.model import Catalog, parse_terms
from analysis.compute.indicators import with_changes_and_ranks
from analysis.pack.model import CITY_AREA_ID, DisclosureRules

FOOTNOTE = (". = Wert aus Datenschutzgründen nicht veröffentlicht (Geheimhaltung): Fallzahl unter der "
            "Mindestfallzahl, zu kleine Bezugsgröße oder aus veröffentlichten Summen rückrechenbar.")

_MARK_IN_TEXT = re.compile(r"(?:^|[\s(])\.(?=$|[\s),;])")


def shows_mark(text: str) -> bool:
    """Whether a published text contains the suppression mark as a value (not as a full stop)."""
    return bool(_MARK_IN_TEXT.search(str(text)))


# Columns of the indicator table that would reveal a withheld value.
REVEALING_COLUMNS = ["value", "numerator", "denominator", "ci_low", "ci_high", "change_1y", "change_5y",
                     "rank", "rank_of"]


def primary_mask(indicators: pd.DataFrame, kinds: dict[str, str], rules: DisclosureRules) -> pd.Series:
    """Cells withheld for their own sake: a small count, or a rate on a small numerator or denominator."""
    numerator = indicators["numerator"]
    small_numerator = (numerator > 0) & (numerator < rules.min_count)
    is_count = indicators["indicator"].map(kinds).eq("count")
    small_denominator = ~is_count & (indicators["denominator"] < rules.min_denominator)
    return (small_numerator | small_denominator) & indicators["value"].notna()


@dataclass(frozen=True)
class Linkage:
    """What else could reveal a withheld cell besides the city total.

    - groups: area id → id of its parent, one mapping per higher level whose values are published; a
      parent's value minus its other children gives the withheld child back.
    - quantity: indicator id → the quantity its value reveals (the numerator expression; a published rate
      and its published denominator give the numerator back).
    - relations: sets of quantities that depend linearly on each other (A = B + C, group + rest = total):
      all but one published gives the last one back."""
    groups: tuple[dict[str, str], ...] = ()
    quantity: dict[str, str] = field(default_factory=dict)
    relations: tuple[frozenset[str], ...] = ()


def linkage_of(catalog: Catalog, hierarchy_parents: tuple[dict[str, str], ...] = ()) -> Linkage:
    """The linkage an edition's table has: parents from the declared levels, quantities and relations from
    the catalogue's formulas (a numerator written as a sum of other indicators' numerators) and from the
    partitions the catalogue declares."""
    quantity = {i.id: i.numerator for i in catalog.indicators if i.kind != "external"}
    relations = set()
    for indicator in catalog.indicators:
        terms = parse_terms(indicator.numerator)
        if indicator.kind != "external" and len(terms) > 1:
            relations.add(frozenset([indicator.numerator, *(name for _, name in terms)]))
    for partition in catalog.partitions:
        relations.add(frozenset([partition.total, *partition.parts]))
    return Linkage(tuple(hierarchy_parents), quantity, tuple(sorted(relations, key=sorted)))


def _codes(values) -> tuple[np.ndarray, list]:
    """Integer codes of a column (-1 where missing) and its distinct values."""
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64), list(uniques)


def _first_smallest_per_group(group: np.ndarray, numerator: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Of `rows` (positions), the one with the smallest numerator in each group; on a tie the first row."""
    order = np.lexsort((rows, numerator[rows], group[rows]))
    ordered = rows[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = group[ordered][1:] != group[ordered][:-1]
    return ordered[first]


class _Complements:
    """The table's groupings, computed once as integer codes: the rules run over the same table until it no
    longer changes, and grouping by its text columns again each time was a third of an edition's compute."""

    def __init__(self, indicators: pd.DataFrame, linkage: Linkage):
        self.linkage = linkage
        indicator, _ = _codes(indicators["indicator"])
        year, year_values = _codes(indicators["year"])
        years = len(year_values)
        area, _ = _codes(indicators["area_id"])
        self.cell = indicator * years + year                    # (indicator, year)
        self.is_area = (indicators["area_id"] != CITY_AREA_ID).to_numpy()
        self.numerator = indicators["numerator"].to_numpy(dtype=float)
        self.has_numerator = ~np.isnan(self.numerator)
        self.has_value = indicators["value"].notna().to_numpy()
        # (indicator, year, parent) per member row, -1 elsewhere: the city as parent of all areas, then
        # each higher level's parents
        self.groups = [np.where(self.is_area, self.cell, -1)]
        for parents in linkage.groups:
            parent, names = _codes(indicators["area_id"].map(parents))
            self.groups.append(np.where(self.is_area & (parent >= 0), self.cell * max(len(names), 1) + parent, -1))
        quantity, self.quantity_names = _codes(indicators["indicator"].map(linkage.quantity))
        self.quantities = len(self.quantity_names)
        self.has_quantity = quantity >= 0
        self.area_year = area * years + year
        self.area_years = int(self.area_year.max()) + 1 if len(self.area_year) else 0
        self.quantity_cell = np.where(self.has_quantity, self.area_year * self.quantities + quantity, -1)

    def lone_in_area_groups(self, withheld: np.ndarray) -> np.ndarray:
        """The city rule and the same rule within every parent of a higher level."""
        extra = np.zeros(len(withheld), dtype=bool)
        city_shown = ~self.is_area & ~withheld & self.has_value
        city_published = np.isin(self.cell, self.cell[city_shown])
        for position, group in enumerate(self.groups):
            members = group >= 0
            if not members.any():
                continue
            total_published = city_published if position == 0 else True
            hidden = np.bincount(group[members], weights=withheld[members].astype(float))
            lone = members & total_published & (hidden[np.where(members, group, 0)] == 1)
            candidates = np.flatnonzero(lone & ~withheld & self.has_numerator)
            if len(candidates):
                extra[_first_smallest_per_group(group, self.numerator, candidates)] = True
        return extra

    def lone_in_relations(self, withheld: np.ndarray) -> np.ndarray:
        """Where all quantities of a relation but one are published for an area and year, the smallest
        published one is withheld too, in every indicator that reveals it."""
        extra = np.zeros(len(withheld), dtype=bool)
        known = self.has_quantity & (self.has_value | withheld)
        if not self.linkage.relations or not known.any():
            return extra
        size = self.area_years * self.quantities
        present = np.bincount(self.quantity_cell[known], minlength=size).reshape(-1, self.quantities) > 0
        published_rows = known & ~withheld
        shown = np.bincount(self.quantity_cell[published_rows], minlength=size).reshape(-1, self.quantities) > 0
        smallest = np.full(size, np.nan)
        np.fmin.at(smallest, self.quantity_cell[published_rows], self.numerator[published_rows])
        smallest = smallest.reshape(-1, self.quantities)
        column = {name: position for position, name in enumerate(self.quantity_names)
                  if present[:, position].any()}
        targets = []
        for relation in self.linkage.relations:
            members = [q for q in sorted(relation) if q in column]   # sorted: the same choice in every run
            if len(members) < len(relation):
                continue   # a quantity no indicator publishes cannot be recomputed from the others
            columns = [column[q] for q in members]
            complete = present[:, columns].all(axis=1)
            lone = complete & ((~shown[:, columns]).sum(axis=1) == 1)
            for area_year in np.flatnonzero(lone):
                published = {q: smallest[area_year, c] for q, c in zip(members, columns) if shown[area_year, c]}
                target = min(published, key=lambda q: (published[q], q))   # a tie goes to the first name
                targets.append(area_year * self.quantities + column[target])
        if targets:
            extra = known & np.isin(self.quantity_cell, targets)
        return extra & ~withheld


def secondary_mask(indicators: pd.DataFrame, withheld: pd.Series, linkage: Linkage | None = None) -> pd.Series:
    """Complementary cells, until nothing withheld can be recomputed from what is published: in every
    (indicator, year) where exactly one area is withheld while the city total is published, the area with
    the next smallest numerator is withheld too; the same within every parent of a higher level; and
    across quantities that add up (see Linkage). Each new cell can make another one necessary, so the
    rules run until the table no longer changes."""
    complements = _Complements(indicators, linkage or Linkage())
    first = withheld.to_numpy(dtype=bool)
    all_withheld = first.copy()
    for _ in range(50):
        extra = (complements.lone_in_area_groups(all_withheld)
                 | complements.lone_in_relations(all_withheld)) & ~all_withheld
        if not extra.any():
            break
        all_withheld |= extra
    return pd.Series(all_withheld & ~first, index=withheld.index)


@dataclass(frozen=True)
class Disclosed:
    """The published indicator table and what was withheld."""
    indicators: pd.DataFrame        # with a boolean column `suppressed`; withheld cells blanked
    primary: int
    secondary: int


def apply(indicators: pd.DataFrame, kinds: dict[str, str], rules: DisclosureRules,
          linkage: Linkage | None = None, *, rank_signs: dict[str, int]) -> Disclosed:
    """Withhold cells and blank everything that would reveal them, including changes that reach back to
    a withheld year; ranks are recomputed among the published values.

    A table that was published before (an archived edition) keeps what it withheld then and is withheld
    again by today's rules, which may be stricter: whatever an edition shows about any year obeys the rules
    of that edition."""
    primary = primary_mask(indicators, kinds, rules)
    if "suppressed" in indicators.columns:
        primary = primary | indicators["suppressed"].fillna(False).astype(bool)
    secondary = (secondary_mask(indicators, primary, linkage) if rules.secondary
                 else pd.Series(False, index=primary.index))
    withheld = primary | secondary
    published = indicators.copy()
    published.loc[withheld, [c for c in REVEALING_COLUMNS if c in published.columns]] = np.nan
    published["suppressed"] = withheld.to_numpy()
    if "unstable" in published.columns:  # archived tables of early builds lack it
        published["unstable"] = published["unstable"].where(~withheld, False)
    published = with_changes_and_ranks(published, rank_signs)
    return Disclosed(published, int(primary.sum()), int(secondary.sum()))


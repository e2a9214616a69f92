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


def _smallest_in_group(indicators: pd.DataFrame, withheld: pd.Series, keys: list, lone: pd.Series) -> pd.Series:
    """In every group marked lone (exactly one withheld member), the published member with the smallest
    numerator."""
    extra = pd.Series(False, index=indicators.index)
    candidates = lone & ~withheld & indicators["numerator"].notna()
    if candidates.any():
        chosen = indicators.loc[candidates, "numerator"].groupby([k[candidates] for k in keys]).idxmin()
        extra.loc[chosen.to_numpy()] = True
    return extra


def _lone_in_area_groups(indicators: pd.DataFrame, withheld: pd.Series, linkage: Linkage) -> pd.Series:
    """The city rule and the same rule within every parent of a higher level."""
    extra = pd.Series(False, index=indicators.index)
    areas = indicators["area_id"] != CITY_AREA_ID
    city = indicators[~areas]
    shown = ~withheld[~areas] & city["value"].notna()
    city_published = pd.MultiIndex.from_arrays([city.loc[shown, "indicator"], city.loc[shown, "year"]])
    published_total = pd.Series(pd.MultiIndex.from_arrays([indicators["indicator"], indicators["year"]])
                                .isin(city_published), index=indicators.index)
    groupings = [(pd.Series(CITY_AREA_ID, index=indicators.index), published_total),
                 *((indicators["area_id"].map(parents), pd.Series(True, index=indicators.index))
                   for parents in linkage.groups)]
    for group, total_published in groupings:
        members = areas & group.notna()
        keys = [indicators["indicator"], indicators["year"], group]
        hidden = (withheld & members).groupby(keys).transform("sum")
        lone = members & total_published & (hidden == 1)
        extra |= _smallest_in_group(indicators, withheld, keys, lone)
    return extra


def _lone_in_relations(indicators: pd.DataFrame, withheld: pd.Series, linkage: Linkage) -> pd.Series:
    """Where all quantities of a relation but one are published for an area and year, the smallest published
    one is withheld too, in every indicator that reveals it."""
    extra = pd.Series(False, index=indicators.index)
    quantity = indicators["indicator"].map(linkage.quantity)
    known = quantity.notna() & (indicators["value"].notna() | withheld)
    if not linkage.relations or not known.any():
        return extra
    keys = [indicators.loc[known, "area_id"], indicators.loc[known, "year"], quantity[known]]
    shown = (~withheld[known]).groupby(keys).any()
    numerator = indicators.loc[known & ~withheld, "numerator"].groupby(
        [indicators.loc[known & ~withheld, c] for c in ("area_id", "year")] + [quantity[known & ~withheld]]).min()
    state = shown.unstack()
    for relation in linkage.relations:
        members = [q for q in sorted(relation) if q in state.columns]   # sorted: the same choice in every run
        if len(members) < len(relation):
            continue   # a quantity no indicator publishes cannot be recomputed from the others
        table = state[members]
        complete = table.notna().all(axis=1)
        lone = complete & (table.eq(False).sum(axis=1) == 1)
        for area_id, year in table.index[lone]:
            published = {q: numerator.get((area_id, year, q)) for q in members if table.at[(area_id, year), q]}
            target = min(published, key=lambda q: (published[q], q))   # a tie goes to the first name
            extra |= known & (indicators["area_id"] == area_id) & (indicators["year"] == year) & (quantity == target)
    return extra & ~withheld


def secondary_mask(indicators: pd.DataFrame, withheld: pd.Series, linkage: Linkage | None = None) -> pd.Series:
    """Complementary cells, until nothing withheld can be recomputed from what is published: in every
    (indicator, year) where exactly one area is withheld while the city total is published, the area with
    the next smallest numerator is withheld too; the same within every parent of a higher level; and
    across quantities that add up (see Linkage). Each new cell can make another one necessary, so the
    rules run until the table no longer changes."""
    linkage = linkage or Linkage()
    all_withheld = withheld.copy()
    for _ in range(50):
        extra = (_lone_in_area_groups(indicators, all_withheld, linkage)
                 | _lone_in_relations(indicators, all_withheld, linkage)) & ~all_withheld
        if not extra.any():
            break
        all_withheld |= extra
    return all_withheld & ~withheld


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


"""Statistical disclosure control, applied once to everything an edition publishes.

Rules come from the city pack (`disclosure:` in city.yml). Defaults follow § 16 BStatG practice:
counts of 1 and 2 are never published (0 stays 0), a rate is withheld when its numerator is or its
denominator is too small, and a second cell is withheld wherever a single withheld cell could be
recomputed as the city total minus the other areas. The mark for a withheld value is ".".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

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


def secondary_mask(indicators: pd.DataFrame, withheld: pd.Series) -> pd.Series:
    """Complementary cells: in every (indicator, year) where exactly one area is withheld while the city
    total is published, the area with the next smallest numerator is withheld too."""
    extra = pd.Series(False, index=indicators.index)
    areas = indicators["area_id"] != CITY_AREA_ID
    for _, group in indicators[areas].groupby(["indicator", "year"], sort=False):
        hidden = withheld.loc[group.index]
        if hidden.sum() != 1:
            continue
        city = indicators[(indicators["indicator"] == group["indicator"].iloc[0])
                          & (indicators["year"] == group["year"].iloc[0]) & ~areas]
        if city.empty or withheld.loc[city.index].all() or city["value"].isna().all():
            continue
        candidates = group[~hidden & group["numerator"].notna()]
        if len(candidates):
            extra.loc[candidates["numerator"].idxmin()] = True
    return extra


@dataclass(frozen=True)
class Disclosed:
    """The published indicator table and what was withheld."""
    indicators: pd.DataFrame        # with a boolean column `suppressed`; withheld cells blanked
    primary: int
    secondary: int


def apply(indicators: pd.DataFrame, kinds: dict[str, str], rules: DisclosureRules) -> Disclosed:
    """Withhold cells and blank everything that would reveal them, including changes that reach back to
    a withheld year; ranks are recomputed among the published values.

    A table that was published before (an archived edition) keeps what it withheld then and is withheld
    again by today's rules, which may be stricter: whatever an edition shows about any year obeys the rules
    of that edition."""
    primary = primary_mask(indicators, kinds, rules)
    if "suppressed" in indicators.columns:
        primary = primary | indicators["suppressed"].fillna(False).astype(bool)
    secondary = secondary_mask(indicators, primary) if rules.secondary else pd.Series(False, index=primary.index)
    withheld = primary | secondary
    published = indicators.copy()
    published.loc[withheld, [c for c in REVEALING_COLUMNS if c in published.columns]] = np.nan
    published["suppressed"] = withheld.to_numpy()
    if "unstable" in published.columns:  # archived tables of early builds lack it
        published["unstable"] = published["unstable"].where(~withheld, False)
    published = with_changes_and_ranks(published)
    return Disclosed(published, int(primary.sum()), int(secondary.sum()))


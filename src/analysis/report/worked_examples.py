"""The method visible inline: reviewers read a short computation in a visible code cell, and these helpers
show its result next to the published one. A recomputation that disagrees with what the page publishes
stops the build, so the visible code is the computation the page uses, not an illustration of it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.compute.edition import Edition
from analysis.report.tables import with_count_cells
from analysis.text import format_number, format_value

# The visible computation and the package's may differ only by floating-point rounding.
TOLERANCE = 1e-9
MAX_ROWS = 60


class RecomputationDiffers(AssertionError):
    """The visible computation does not reproduce the published value: the page would explain something else."""


def example_area(edition: Edition, indicator_id: str) -> str:
    """The area whose published value rests on the most cases: a stable, publishable example."""
    frame = edition.table(indicator_id).reindex(edition.pack.area_ids)
    usable = frame[~frame["suppressed"].fillna(True).astype(bool) & frame["denominator"].notna()]
    return str(usable["denominator"].idxmax())


def rate_table(edition: Edition, indicator_id: str, area_id: str, rate: float, low: float, high: float) -> pd.DataFrame:
    """Numerator, denominator, rate and interval as recomputed, beside the published value."""
    indicator, row = edition.indicator(indicator_id), edition.table(indicator_id).loc[area_id]
    for recomputed, published in ((rate, row["value"]), (low, row["ci_low"]), (high, row["ci_high"])):
        if not np.isclose(recomputed, published, rtol=0, atol=TOLERANCE):
            raise RecomputationDiffers(f"{indicator_id} {area_id}: {recomputed} ≠ {published}")
    rules = edition.rules
    table = pd.DataFrame({
        "Größe": ["Zähler", "Nenner", indicator.title, "95-%-Intervall", "im Bericht veröffentlicht"],
        edition.area_name(area_id): [
            rules.count_text(row["numerator"], format_number), rules.count_text(row["denominator"], format_number),
            format_value(rate, indicator),
            f"{format_number(low, indicator.decimals)} – {format_number(high, indicator.decimals)}",
            format_value(row["value"], indicator)]})
    return with_count_cells(table, [True, True, False, False, False], [edition.area_name(area_id)])


def z_value_table(edition: Edition, z_values: pd.DataFrame) -> pd.DataFrame:
    """The recomputed z-values and status index per area (the areas with the highest index first), after
    checking that the status index is the one the chapter publishes."""
    index = edition.social_index
    published = index.table.loc[z_values.index, "status_index"]
    if not np.allclose(z_values["Statusindex"], published, rtol=0, atol=TOLERANCE):
        raise RecomputationDiffers("Der nachgerechnete Statusindex weicht vom veröffentlichten ab.")
    ordered = z_values.sort_values("Statusindex", ascending=False)
    shown = ordered.head(MAX_ROWS)
    table = pd.DataFrame({edition.pack.area_label: [edition.area_name(a) for a in shown.index]})
    for column in shown.columns:
        title = edition.indicator(column).short_title if edition.has(column) else column
        table[f"z {title}" if edition.has(column) else title] = [format_number(v, 2) for v in shown[column]]
    table["Statusklasse"] = index.table.loc[shown.index, "status_class"].tolist()
    if len(ordered) > MAX_ROWS:
        table.attrs["note"] = (f"Die {MAX_ROWS} {edition.pack.area_label_plural} mit dem höchsten Statusindex von "
                               f"{format_number(len(ordered))}; alle stehen in der Tabelle „Alle Gebiete“.")
    return table

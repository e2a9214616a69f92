"""Generated sentences for the prose: every number in them is computed, never typed."""
from __future__ import annotations

import math

from .config import CITY_AREA_ID
from .edition import Edition
from .text import format_change, format_number, format_value


def extremes(edition: Edition, indicator_id: str) -> tuple[str, float, str, float]:
    """(highest area name, value, lowest area name, value) in the indicator's latest year."""
    values = edition.area_values(indicator_id).dropna()
    return (edition.area_name(values.idxmax()), float(values.max()),
            edition.area_name(values.idxmin()), float(values.min()))


def indicator_sentence(edition: Edition, indicator_id: str) -> str:
    indicator = edition.indicator(indicator_id)
    frame = edition.table(indicator_id)
    year = int(frame["year"].iloc[0])
    high_name, high, low_name, low = extremes(edition, indicator_id)
    sentence = f"**{indicator.title}** ({year}): "
    if CITY_AREA_ID in frame.index:
        city = frame.loc[CITY_AREA_ID]
        sentence += f"Gesamtstadt {format_value(city['value'], indicator)}"
        if not math.isnan(city["change_1y"]):
            sentence += f" ({format_change(city['change_1y'], indicator)} zum Vorjahr)"
        sentence += "; "
    sentence += (f"am höchsten in {high_name} ({format_value(high, indicator)}), "
                 f"am niedrigsten in {low_name} ({format_value(low, indicator)}).")
    return sentence


def key_findings(edition: Edition) -> str:
    """A markdown list: population, then every indicator that measures need."""
    lines = []
    if edition.has("einwohner"):
        population = edition.table("einwohner").loc[CITY_AREA_ID]
        line = (f"- In {edition.city_name} lebten {int(population['year'])} "
                f"{format_number(population['value'])} Menschen")
        if not math.isnan(population["change_5y"]):
            line += f", {format_number(abs(population['change_5y']))} " \
                    f"{'mehr' if population['change_5y'] > 0 else 'weniger'} als fünf Jahre zuvor"
        lines.append(line + ".")
    for indicator in edition.catalog.indicators:
        if indicator.polarity != "neutral":
            lines.append(f"- {indicator_sentence(edition, indicator.id)}")
    return "\n".join(lines)


def largest_changes(edition: Edition, n: int = 5) -> str:
    """A markdown list of the largest one-year changes among areas, for indicators that measure need."""
    need = {i.id: i for i in edition.catalog.indicators if i.polarity != "neutral" and i.unit == "%"}
    frame = edition.indicators[edition.indicators["indicator"].isin(need)
                               & (edition.indicators["area_id"] != CITY_AREA_ID)
                               & (edition.indicators["year"] == edition.year)].dropna(subset=["change_1y"])
    frame = frame.reindex(frame["change_1y"].abs().sort_values(ascending=False).index).head(n)
    return "\n".join(
        f"- {edition.area_name(r.area_id)}: {need[r.indicator].title} {format_change(r.change_1y, need[r.indicator])} "
        f"auf {format_value(r.value, need[r.indicator])}" for r in frame.itertuples())


def findings_summary(edition: Edition) -> str:
    """A markdown list: how many findings of each kind."""
    from .validate import FINDING_KINDS

    counts = edition.findings["kind"].value_counts()
    return "\n".join(f"- {FINDING_KINDS[kind]}: {format_number(counts[kind])}"
                     for kind in FINDING_KINDS if kind in counts) or "- keine"

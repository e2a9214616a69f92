"""Programme areas and measures over an edition: figures of a programme area, of the rest of the city and
of its comparison group (counts summed with each area's share, rates computed from the sums, never
averaged), and the difference in differences of each measure's target indicators."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.compute import disclosure
from analysis.compute import indicators as ind
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID, ProgrammeArea
from analysis.programmes import areas as programme_areas
from analysis.programmes import effects
from analysis.programmes.register import Measure, TargetIndicator
from analysis.social_index import district_index

PROGRAMME, REST, COMPARISON = "programme", "rest", "comparison"


@dataclass(frozen=True)
class Comparison:
    area_ids: tuple[str, ...]
    method: str                       # "similar" or "district_type"
    reference_year: int               # the year the similarity is measured in
    before_data: bool                 # the programme began before the data: similarity at the first year


def key_indicators(edition: Edition, wanted: tuple[str, ...] = ()) -> list[str]:
    """The declared indicators, or the social index's status indicators, that this edition has."""
    wanted = wanted or (edition.pack.social_index.status if edition.pack.social_index else ())
    return [i for i in wanted if edition.has(i) and edition.indicator(i).kind != "external"]


def shares(edition: Edition, programme: ProgrammeArea) -> pd.Series:
    return programme_areas.counted_shares(edition.pack, programme, edition.areas)


def named_areas(programme: ProgrammeArea, counted: pd.Series) -> list[str]:
    """Every area the programme area touches: declared (whole or part) or overlaid."""
    return list(dict.fromkeys([*counted.index, *(a.area_id for a in programme.areas)]))


def comparison(edition: Edition, programme: ProgrammeArea) -> Comparison:
    counted = shares(edition, programme)
    touched = named_areas(programme, counted)
    candidates = [a for a in edition.pack.area_ids if a not in touched]
    years = sorted(int(y) for y in edition.indicators["year"].unique())
    before_data = programme.start_year < years[0]
    if programme.comparison == "district_type" and edition.types is not None:
        chosen = programme_areas.same_type_areas(edition.types.labels, list(counted.index))
        return Comparison(tuple(chosen), "district_type", int(edition.year), before_data)
    chosen, reference = similar_to(edition, counted, candidates, programme.start_year, programme.comparison_k)
    return Comparison(tuple(chosen), "similar", reference, before_data)


def similar_to(edition: Edition, weights: pd.Series, candidates: list[str], start_year: int,
               k: int) -> tuple[list[str], int]:
    """The k candidates nearest to the weighted group on the status indicators at the start, and the
    earliest year measured."""
    values, reference = start_values(edition, key_indicators(edition), start_year)
    target = pd.Series({i: group_values(edition, weights, [i], [year]).at[year, i] for i, year in reference.items()})
    return programme_areas.similar_areas(values, target, candidates, k), min(reference.values())


def start_values(edition: Edition, indicator_ids: list[str], start_year: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """Each status indicator's published area values (withheld ones missing) in its first year at or after
    the start (or its first year at all, when the start lies before the data), and that year per indicator."""
    columns, reference = {}, {}
    for indicator_id in indicator_ids:
        years = sorted(int(y) for y in edition.indicators.loc[edition.indicators["indicator"] == indicator_id, "year"])
        year = next((y for y in years if y >= start_year), years[-1])
        table = edition.table(indicator_id, year).drop(CITY_AREA_ID, errors="ignore")
        columns[indicator_id] = table["value"].where(~table["suppressed"].astype(bool))
        reference[indicator_id] = year
    return pd.DataFrame(columns), reference


def group_values(edition: Edition, weights: pd.Series, indicator_ids: list[str],
                 years: list[int] | None = None) -> pd.DataFrame:
    """Indicators of a group of areas (year × indicator): every count summed with the area's weight, then
    the catalogue's formula on the sums. Years where a member's count is missing stay empty; so does a
    value the disclosure rules withhold (see `withheld_in_group`)."""
    pack = edition.pack
    tidy = edition.tidy[edition.tidy["variable"].isin(set(edition.tidy["variable"]) - pack.non_count_variables)]
    if years is not None:
        tidy = tidy[tidy["year"].isin(years)]
    wide = ind.wide_with_city(tidy, pack)
    members = wide[wide.index.get_level_values("area_id").isin(weights.index)]
    weighted = members.mul(weights.reindex(members.index.get_level_values("area_id")).to_numpy(), axis=0)
    summed = weighted.groupby(level="year").sum(min_count=1)
    complete = members.notna().groupby(level="year").sum().eq(len(weights))
    summed = summed.where(complete)
    summed.index = pd.MultiIndex.from_product([summed.index, ["group"]], names=["year", "area_id"])
    catalog = edition.catalog.restricted_to(set(indicator_ids))
    values = ind.compute_indicators(summed, catalog)
    hidden = withheld_in_group(edition, values, list(weights.index))
    values = values.assign(value=values["value"].where(~hidden))
    return values.pivot_table(index="year", columns="indicator", values="value", aggfunc="first", dropna=False) \
        .reindex(columns=indicator_ids)


def withheld_in_group(edition: Edition, values: pd.DataFrame, members: list[str]) -> pd.Series:
    """A group's value is withheld where its own counts fall under the disclosure rules, and where any of its
    areas is withheld in the edition (the group's sum minus the published areas would give it away)."""
    kinds = {i.id: i.kind for i in edition.catalog.indicators}
    small = disclosure.primary_mask(values, kinds, edition.rules)
    published = edition.indicators[edition.indicators["area_id"].isin(members)]
    withheld_cells = set(map(tuple, published.loc[published["suppressed"].astype(bool), ["indicator", "year"]]
                             .to_numpy()))
    by_member = [(i, y) in withheld_cells for i, y in zip(values["indicator"], values["year"])]
    return small | pd.Series(by_member, index=values.index)


def programme_figures(edition: Edition, programme: ProgrammeArea) -> pd.DataFrame:
    """Long table: group (programme, rest, comparison), year, indicator, value."""
    counted = shares(edition, programme)
    indicators = key_indicators(edition, programme.indicators)
    rest_weights = pd.Series(1.0, index=edition.pack.area_ids)
    rest_weights = rest_weights.sub(counted, fill_value=0.0).clip(lower=0.0)
    rest_weights = rest_weights[rest_weights > 0]
    groups = {PROGRAMME: counted, REST: rest_weights,
              COMPARISON: pd.Series(1.0, index=list(comparison(edition, programme).area_ids))}
    frames = []
    for name, weights in groups.items():
        if weights.empty:
            continue
        values = group_values(edition, weights, indicators).stack(future_stack=True).rename("value").reset_index()
        frames.append(values.assign(group=name))
    table = pd.concat(frames, ignore_index=True)[["group", "year", "indicator", "value"]]
    # The rest of the city is the city minus the programme area: withheld with it.
    hidden = table[(table["group"] == PROGRAMME) & table["value"].isna()][["year", "indicator"]]
    rest_hidden = table.merge(hidden.assign(gone=True), on=["year", "indicator"], how="left")["gone"].fillna(False)
    table.loc[(table["group"] == REST) & rest_hidden.to_numpy(), "value"] = float("nan")
    return table


def area_panel(edition: Edition, indicator_id: str) -> pd.DataFrame:
    """One indicator's published values: a row per area, a column per year (withheld values missing)."""
    rows = edition.indicators[(edition.indicators["indicator"] == indicator_id)
                              & (edition.indicators["area_id"] != CITY_AREA_ID)]
    rows = rows.assign(value=rows["value"].where(~rows["suppressed"].astype(bool)))
    return rows.pivot_table(index="area_id", columns="year", values="value", aggfunc="first")


def measure_groups(edition: Edition, measure: Measure) -> tuple[list[str], list[str]]:
    """(the measure's counted areas, its comparison areas): a programme area's comparison group, or for a
    measure in named areas the 3 most similar areas per area at its start."""
    programme = next((p for p in edition.pack.programme_areas if p.id == measure.programme_area), None)
    if programme is not None:
        return list(shares(edition, programme).index), list(comparison(edition, programme).area_ids)
    treated = pd.Series(1.0, index=list(measure.area_ids))
    candidates = [a for a in edition.pack.area_ids if a not in measure.area_ids]
    chosen, _ = similar_to(edition, treated, candidates, measure.start_year or 0, 3 * len(treated))
    return list(treated.index), chosen


def measure_effects(edition: Edition, measure: Measure) -> list[tuple[TargetIndicator, effects.Effect]]:
    if not measure.target_indicators:
        return []
    if measure.start_year is None:
        return [(t, effects.Effect("Beginn unbekannt")) for t in measure.target_indicators]
    treated, controls = measure_groups(edition, measure)
    return [(target, effects.difference_in_differences(area_panel(edition, target.indicator), treated, controls,
                                                       measure.start_year, target.direction)
             if edition.has(target.indicator) else effects.Effect(effects.NO_DATA))
            for target in measure.target_indicators]


def index_classes(edition: Edition, area_ids: list[str]) -> pd.DataFrame:
    """The social index's status class of each area in every year the index can be computed (area × year)."""
    if edition.pack.social_index is None:
        return pd.DataFrame(index=area_ids)
    columns = {}
    for year in sorted(int(y) for y in edition.indicators["year"].unique()):
        result = district_index.compute(edition.pack, edition.catalog,
                                        edition.indicators[edition.indicators["year"] <= year])
        if result is not None and result.year == year:
            columns[year] = result.table["status_class"].reindex(area_ids)
    return pd.DataFrame(columns, index=area_ids)

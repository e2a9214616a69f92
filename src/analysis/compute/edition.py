"""Everything one edition needs, computed once: data, indicators, findings, geometry.

Notebooks call `Edition.load(city, year)`; the build computes it once and hands notebooks a pickle."""
from __future__ import annotations

import dataclasses
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.catalog.model import Catalog, Indicator, load_catalog, load_catalog_document
from analysis.compute import archive, disclosure
from analysis.compute import indicators as ind
from analysis.compute.archive import StoredEdition
from analysis.errors import InputError
from analysis.inputs import back_series, sources, validate
from analysis.pack import geometry, levels
from analysis.pack.loader import load_city
from analysis.pack.model import CITY_AREA_ID, AreaChange, CityPack, DisclosureRules
from analysis.planning import infrastructure as planning
from analysis.programmes import knowledge as local_knowledge
from analysis.programmes import register
from analysis.social_index import district_index, district_types
from analysis.text import SUPPRESSED, format_number, format_value

_LOADED: dict[tuple[str, int], "Edition"] = {}
# A build hands its notebooks the computed edition through the environment, not as a notebook parameter:
# parameters are published with every page, and the pickle's path is this machine's business.
EDITION_CACHE_VARIABLE = "SOZIALBERICHT_EDITION_CACHE"


def _parents_of_lone_withheld(published: pd.DataFrame, parent_of: dict[str, str], parent_values: pd.DataFrame) -> list:
    """For each row of a parent level's table: whether exactly one of its areas is withheld in that indicator
    and year."""
    withheld = published[published["suppressed"] & published["area_id"].isin(parent_of)]
    lone = withheld.assign(parent=withheld["area_id"].map(parent_of)).groupby(["indicator", "year", "parent"]).size()
    lone = set(lone[lone == 1].index)
    return [(i, y, a) in lone for i, y, a in zip(parent_values["indicator"], parent_values["year"],
                                                 parent_values["area_id"])]


def estimated_cells(indicator_table: pd.DataFrame, base: CityPack, pack: CityPack, back) -> pd.Series:
    """Whether each row is an estimate: a year before the area change in an area not made of whole earlier
    areas (on a higher level: with such an area below it). City values are exact sums."""
    if back is None:
        return pd.Series(False, index=indicator_table.index)
    estimated = back.estimated_areas
    if pack.level is not None:
        exact = back.crosswalk.exact_areas(pack.level.parent_of)
        estimated = {pack.level.parent_of(a) for a in base.area_ids} - exact
    return (indicator_table["year"] < base.area_change.first_year) & indicator_table["area_id"].isin(estimated)


@dataclass
class Edition:
    pack: CityPack
    year: int
    catalog: Catalog
    tidy: pd.DataFrame
    indicators: pd.DataFrame
    findings: pd.DataFrame
    reconciliation: pd.DataFrame
    areas: gpd.GeoDataFrame
    catalog_document: dict
    social_index: district_index.DistrictIndex | None = None
    types: district_types.DistrictTypes | None = None
    previous: StoredEdition | None = None
    withheld_cells: tuple[int, int] = (0, 0)   # cells withheld by the primary and the secondary rule
    hierarchy: levels.Hierarchy | None = None   # parents on the levels above, where the pack declares levels
    infrastructure: planning.Infrastructure | None = None   # facilities and need plans (own level only)
    measures: list[register.Measure] = field(default_factory=list)   # the register as it stands (own level)
    knowledge: list[local_knowledge.Entry] = field(default_factory=list)   # what local actors report
    city_catalog: Catalog | None = None          # indicators the sources give for the whole city only
    city_indicators: pd.DataFrame | None = None   # their published values (area_id = city), disclosed
    crosswalk: pd.DataFrame | None = None   # after an area change: old_id, new_id, share, basis
    _tables: dict = field(default_factory=dict, repr=False, compare=False)
    _latest: dict | None = field(default=None, repr=False, compare=False)
    _memo_of: object = field(default=None, repr=False, compare=False)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def compute(cls, city: str, year: int | None = None, root: Path | None = None,
                with_previous: bool = True, level: str | None = None,
                back: back_series.BackSeries | None = None, complete: bool = True) -> "Edition":
        """One edition at the pack's own level, or at a declared higher `level` (counts summed up). `back`:
        the years before the pack's area change apportioned to today's areas, where already computed (an
        edition and the one before it on the same areas share them). `complete=False`: only what an archive
        keeps (inputs, published indicators, catalogue), for the comparison with the edition before; no
        plausibility findings, levels above, social index, district types or registers."""
        base = load_city(city, Path(root) if root else None)
        year = base.default_edition if year is None else int(year)
        if year not in base.editions:
            raise InputError(f"Ausgabe {year} ist für {base.name} nicht deklariert "
                             f"(deklariert: {', '.join(map(str, base.editions))}).",
                             file=f"data/{base.slug}/city.yml", column="editions")
        base = base.for_edition(year)
        # After an area change, the years before it are read on the earlier areas and apportioned to today's.
        back = (back or back_series.compute(base)) if base.area_change else None
        reading = base.after_change() if back else base
        if back:
            base = dataclasses.replace(base, areas=tuple(
                dataclasses.replace(a, first_year=back.first_years.get(a.id, a.first_year)) for a in base.areas))
        pack = levels.level_pack(base, level) if level else base
        tables = sources.read_all(reading)
        validate.check_declared_years(reading, tables)
        for table in tables:
            table.frame = table.frame[table.frame["year"] <= year].reset_index(drop=True)
        read = sources.tidy_variables(tables)
        if back:
            read = pd.concat([back.tidy, read], ignore_index=True).astype({"year": int, "value": float})
        base_tidy = sources.with_derived_variables(read, base)
        validate.check_variables_known(base, load_catalog(base))
        validate.check_headline(base, load_catalog(base))
        base_areas = geometry.load_areas(base)
        validate.check_polygons_where_needed(base, geometry.geometry_kind(base_areas))
        facilities = None if level else planning.compute(base, base_areas, base_tidy)
        supply = planning.supply_variables(facilities) if facilities is not None else None
        if supply is not None and len(supply):
            base_tidy = pd.concat([base_tidy, supply], ignore_index=True).astype({"year": int, "value": float})
        base_wide = ind.wide_with_city(base_tidy, base)
        tidy = levels.aggregate(base_tidy, base, pack.level) if level else base_tidy
        wide = ind.wide_with_city(tidy, pack) if level else base_wide
        catalog = load_catalog(base).computable(set(tidy["variable"]))
        indicator_table = ind.compute_indicators(wide, catalog)
        # An early edition may have a variable only where no indicator can use it (e.g. city level only).
        with_values = set(indicator_table.loc[indicator_table["value"].notna(), "indicator"])
        catalog = catalog.restricted_to(with_values)
        indicator_table = indicator_table[indicator_table["indicator"].isin(with_values)].reset_index(drop=True)
        validate.check_shares(pack, catalog, tables, indicator_table)
        reconciliation = validate.reconcile_published(pack, catalog, tables, tidy, indicator_table, wide)
        findings = validate.plausibility_findings(base, catalog, tables, base_tidy, indicator_table, base_wide,
                                                  reconciliation) if complete else []
        findings += back.findings if back else []
        findings += validate.correction_findings(base, base_areas.attrs.get("corrections", []),
                                                base_areas.attrs.get("repairs", []),
                                                base_areas.attrs.get("unlocated", []))
        levels.check_against_polygons(base, base_areas)
        areas = levels.level_areas(pack, base_areas) if level else base_areas
        if facilities is not None:
            findings += facilities.findings
        indicator_table["estimated"] = estimated_cells(indicator_table, base, pack, back)
        # Everything below, and everything published, sees only the disclosed table.
        rules = pack.disclosure
        if level:
            # The areas below are published in their own edition: a parent with one withheld area is withheld.
            base_published = cls._published_base(base, base_wide, rules)
            indicator_table["suppressed"] = _parents_of_lone_withheld(
                base_published, {a.id: levels.parent_id(a.id, pack.level) for a in base.areas}, indicator_table)
        disclosed = disclosure.apply(indicator_table, {i.id: i.kind for i in catalog.indicators}, rules,
                                     cls._linkage(catalog, base, pack), rank_signs=catalog.rank_signs)
        # Indicators with a city value only (the source has no areas) are shown as time series, apart.
        city_level_ids = cls._city_level_ids(indicator_table)
        city_catalog = catalog.restricted_to(city_level_ids)
        catalog = catalog.restricted_to({i.id for i in catalog.indicators} - city_level_ids)
        is_city_level = disclosed.indicators["indicator"].isin(city_level_ids)
        city_published = disclosed.indicators[is_city_level].reset_index(drop=True)
        published = disclosed.indicators[~is_city_level].reset_index(drop=True)
        if facilities is not None:
            planning.add_priorities(facilities, pack, published)
        # Checked against the whole catalogue: an early edition may lack an indicator a register names.
        indicator_ids = {i.id for i in load_catalog(base).indicators}
        measures = [] if level or not complete else register.read_register(base, indicator_ids)
        entries = [] if level or not complete else local_knowledge.read_entries(base, indicator_ids)
        edition = cls(pack, year, catalog, tidy, published, validate.findings_frame(findings),
                      reconciliation, areas,
                      load_catalog_document(base.indicator_entries, f"data/{base.slug}/city.yml"),
                      district_index.compute(pack, catalog, published) if complete else None,
                      district_types.compute(pack, catalog, published) if complete else None,
                      withheld_cells=(disclosed.primary, disclosed.secondary),
                      hierarchy=cls._hierarchy(base_tidy, base, pack, catalog, rules, published) if complete else None,
                      infrastructure=facilities, measures=measures, knowledge=entries,
                      city_catalog=city_catalog, city_indicators=city_published,
                      crosswalk=back.crosswalk.shares if back else None)
        if with_previous:
            edition.previous = edition._previous_edition(root, level, back)
        return edition

    @staticmethod
    def _city_level_ids(indicator_table: pd.DataFrame) -> set[str]:
        """Indicators that have values for the city but for no area."""
        has_area_values = indicator_table.loc[indicator_table["area_id"] != CITY_AREA_ID, "indicator"]
        return set(indicator_table["indicator"].unique()) - set(has_area_values.unique())

    @staticmethod
    def _published_base(base: CityPack, base_wide: pd.DataFrame, rules: DisclosureRules) -> pd.DataFrame:
        """The indicator table of the pack's own level as its edition publishes it."""
        catalog = load_catalog(base).computable(set(base_wide.columns))
        catalog = catalog.restricted_to({i.id for i in catalog.indicators if i.kind != "external"})
        values = ind.compute_indicators(base_wide, catalog)
        return disclosure.apply(values, {i.id: i.kind for i in catalog.indicators}, rules,
                                Edition._linkage(catalog, base, base), rank_signs=catalog.rank_signs).indicators

    @staticmethod
    def _levels_above(base: CityPack, pack: CityPack) -> tuple:
        return base.levels[base.levels.index(pack.level) + 1:] if pack.level else base.levels

    @staticmethod
    def _linkage(catalog: Catalog, base: CityPack, pack: CityPack) -> disclosure.Linkage:
        """What else could reveal a withheld cell of the edition's table: its areas' parents on the levels
        above, and the sums the catalogue knows."""
        parents = tuple(levels.parents_of(base, pack, level) for level in Edition._levels_above(base, pack))
        return disclosure.linkage_of(catalog, parents)

    @staticmethod
    def _hierarchy(base_tidy: pd.DataFrame, base: CityPack, pack: CityPack, catalog: Catalog,
                   rules: DisclosureRules, published: pd.DataFrame) -> levels.Hierarchy | None:
        """The parents of this edition's areas on the levels above it, with their published values. A parent
        with exactly one withheld area (one that no other area could complement, e.g. its only one) is
        withheld too: its value minus the published areas would give the withheld one back."""
        above = Edition._levels_above(base, pack)
        if not above:
            return None
        parents, names, tables = {}, {}, {}
        counted = catalog.restricted_to({i.id for i in catalog.indicators if i.kind != "external"})
        for level in above:
            level_pack = levels.level_pack(base, level.id)
            wide = ind.wide_with_city(levels.aggregate(base_tidy, base, level), level_pack)
            values = ind.compute_indicators(wide, counted)
            parents[level.id] = levels.parents_of(base, pack, level)
            values["suppressed"] = _parents_of_lone_withheld(published, parents[level.id], values)
            tables[level.id] = disclosure.apply(values, {i.id: i.kind for i in counted.indicators}, rules,
                                                disclosure.linkage_of(counted),
                                                rank_signs=counted.rank_signs).indicators
            names[level.id] = level_pack.area_names
        return levels.Hierarchy(above, pd.DataFrame(parents), names, tables)

    def _previous_edition(self, root: Path | None, level: str | None = None,
                          back: back_series.BackSeries | None = None) -> StoredEdition | None:
        """The edition declared before this one: as archived when it was built, else recomputed (with this
        edition's back series: it lies on the same areas)."""
        earlier = [y for y in self.pack.editions if y < self.year]
        if not earlier or self.before_area_change(earlier[-1]):
            return None   # the first edition, or the one before lies on other areas: nothing to compare area by area
        year = earlier[-1]
        stored = archive.read(self.pack.folder.parents[1], self.pack.site_key, year)
        if stored is not None:
            # Built under the rules of its day: withheld again by today's, which may be stricter.
            catalog = load_catalog(self.pack)
            linkage = self._linkage(catalog, self.pack.base or self.pack, self.pack)
            stored.indicators = disclosure.apply(stored.indicators, {i.id: i.kind for i in catalog.indicators},
                                                 self.rules, linkage, rank_signs=catalog.rank_signs).indicators
            return stored
        recomputed = Edition.compute(self.pack.slug, year, root, with_previous=False, level=level, back=back,
                                     complete=False)
        return StoredEdition(year, recomputed.tidy, recomputed.indicators, recomputed.catalog_document,
                             None, from_archive=False)

    @classmethod
    def load(cls, city: str, year: int | None = None, cache: str | Path | None = None) -> "Edition":
        """From a pickle (compute once, render many), else computed now. The pickle is `cache` or, in a build,
        the one named by the environment variable EDITION_CACHE_VARIABLE, when it holds this city and year.

        A worker that renders many pages of one edition unpickles it once."""
        cache = cache or os.environ.get(EDITION_CACHE_VARIABLE)
        if cache and Path(cache).is_file():
            key = (str(Path(cache).resolve()), Path(cache).stat().st_mtime_ns)
            if key not in _LOADED:
                _LOADED.clear()
                with open(cache, "rb") as handle:
                    _LOADED[key] = pickle.load(handle)
            edition = _LOADED[key]
            if edition.pack.slug == city and (year is None or edition.year == int(year)):
                return edition
        return cls.compute(city, year)

    def save(self, path: Path) -> None:
        with open(path, "wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)

    # --- lookups for the pages ----------------------------------------------------------------
    @property
    def area_change(self) -> AreaChange | None:
        """The area change this edition crosses (its earlier years apportioned), if any."""
        return (self.pack.base or self.pack).area_change

    def before_area_change(self, year: int) -> bool:
        """Whether `year` lies before the area change this edition crosses (its values are apportioned)."""
        return self.area_change is not None and year < self.area_change.first_year

    @property
    def area_geometry(self) -> str:
        """How the areas are drawn: 'polygons', 'points' (a point of the source each) or 'none'."""
        return geometry.geometry_kind(self.areas)

    @property
    def city_name(self) -> str:
        return self.pack.name

    def area_name(self, area_id: str) -> str:
        return self.pack.area_names.get(area_id, self.pack.name if area_id == CITY_AREA_ID else area_id)

    @property
    def rules(self) -> DisclosureRules:
        return self.pack.disclosure

    def indicator(self, indicator_id: str) -> Indicator:
        if self.city_catalog is not None and not self.has(indicator_id) and any(
                i.id == indicator_id for i in self.city_catalog.indicators):
            return self.city_catalog.get(indicator_id)
        return self.catalog.get(indicator_id)

    @property
    def all_indicators(self) -> Catalog:
        """The indicators with area values, then those with a city value only."""
        return self.catalog.merged_with(self.city_catalog) if self.city_catalog else self.catalog

    @property
    def all_values(self) -> pd.DataFrame:
        """Every published row: the indicator table and the indicators with a city value only."""
        if self.city_indicators is None or self.city_indicators.empty:
            return self.indicators
        return pd.concat([self.indicators, self.city_indicators], ignore_index=True)

    def city_series(self, indicator_id: str) -> pd.DataFrame:
        """A city-level indicator over the years (published rows, indexed by year)."""
        rows = self.city_indicators[self.city_indicators["indicator"] == indicator_id]
        return rows.set_index("year").sort_index()

    def has(self, indicator_id: str) -> bool:
        return any(i.id == indicator_id for i in self.catalog.indicators)

    def _forget_if_replaced(self) -> None:
        """Lookups are remembered for the indicator table they came from (tests may swap it)."""
        if self._memo_of is not self.indicators:
            self._tables.clear()
            self._latest = None
            self._memo_of = self.indicators

    def remembered(self, key: str | tuple, make):
        """A table derived from the indicator table, computed once (like the lookups below)."""
        self._forget_if_replaced()
        if key not in self._tables:
            self._tables[key] = make()
        return self._tables[key]

    def latest_year(self, indicator_id: str) -> int | None:
        self._forget_if_replaced()
        if self._latest is None:
            self._latest = self.indicators.groupby("indicator")["year"].max().to_dict()
        year = self._latest.get(indicator_id)
        return int(year) if year is not None else None

    def table(self, indicator_id: str, year: int | None = None) -> pd.DataFrame:
        """One indicator in one year, a row per area and the city (looked up once, then from memory:
        a profile asks for the same tables hundreds of times)."""
        year = year or self.latest_year(indicator_id)
        self._forget_if_replaced()
        key = (indicator_id, year)
        if key not in self._tables:
            self._tables[key] = ind.table(self.indicators, indicator_id, year)
        return self._tables[key]

    def row(self, indicator_id: str, area_id: str, year: int | None = None) -> dict | None:
        """One area's row of table() as a dict (column → value), or None: looked up in a dict made once per
        table, where a DataFrame row would be made again for every profile."""
        year = year or self.latest_year(indicator_id)
        rows = self.remembered(("rows", indicator_id, year),
                               lambda: self.table(indicator_id, year).to_dict("index"))
        return rows.get(area_id)

    def value_text(self, indicator_id: str, area_id: str, year: int | None = None, unit: bool = True) -> str:
        """A value for the prose, formatted (with its unit unless unit=False); "." when withheld."""
        frame, indicator = self.table(indicator_id, year), self.indicator(indicator_id)
        if area_id not in frame.index:
            return format_number(None)
        if frame.at[area_id, "suppressed"]:
            return SUPPRESSED
        value = frame.at[area_id, "value"]
        return format_value(value, indicator) if unit else format_number(value, indicator.decimals)

    def withheld(self, indicator_id: str, area_id: str, year: int | None = None) -> bool:
        """Whether disclosure control withholds this cell (published as ".")."""
        def cells() -> set:
            rows = self.indicators.loc[self.indicators["suppressed"], ["indicator", "area_id", "year"]]
            return set(zip(rows["indicator"], rows["area_id"], rows["year"].astype(int)))

        return (indicator_id, area_id, year or self.latest_year(indicator_id)) in self.remembered("withheld", cells)

    def value(self, indicator_id: str, area_id: str, year: int | None = None) -> float:
        frame = self.table(indicator_id, year)
        return float(frame.loc[area_id, "value"]) if area_id in frame.index else float("nan")

    def rows_of(self, indicator_id: str, area_id: str) -> pd.DataFrame:
        """The rows of one indicator and area over the years, sorted by year (found through an index built
        once: a profile asks for dozens of them, and a scan of the whole table takes milliseconds each)."""
        return self.indicators.iloc[self._positions(indicator_id, area_id)]

    def _positions(self, indicator_id: str, area_id: str) -> np.ndarray:
        """Row positions of one indicator and area in the table, in the order of the years."""
        def by_place() -> dict:
            years = self.indicators["year"].to_numpy()
            return {key: positions[np.argsort(years[positions], kind="stable")] for key, positions
                    in self.indicators.groupby(["indicator", "area_id"], sort=False).indices.items()}

        return self.remembered("rows_by_place", by_place).get((indicator_id, area_id), np.array([], dtype=int))

    def series(self, indicator_id: str, area_id: str) -> pd.Series:
        """One indicator's values for one area, indexed by year."""
        positions = self._positions(indicator_id, area_id)
        return pd.Series(self.indicators["value"].to_numpy()[positions], name="value",
                         index=pd.Index(self.indicators["year"].to_numpy()[positions], name="year"))

    def interval(self, indicator_id: str, area_id: str) -> pd.DataFrame:
        """The 95 % interval (ci_low, ci_high) of one indicator for one area, indexed by year."""
        positions = self._positions(indicator_id, area_id)
        return pd.DataFrame({column: self.indicators[column].to_numpy()[positions] for column in ("ci_low", "ci_high")},
                            index=pd.Index(self.indicators["year"].to_numpy()[positions], name="year"))

    def estimated_years(self, indicator_id: str, area_id: str) -> set[int]:
        """The years whose value of this indicator and area is an estimate (apportioned across an area change)."""
        def by_place() -> dict:
            rows = self.indicators.loc[self.indicators["estimated"], ["indicator", "area_id", "year"]]
            return {key: {int(y) for y in group["year"]} for key, group in rows.groupby(["indicator", "area_id"])}

        return self.remembered("estimated", by_place).get((indicator_id, area_id), set())

    def area_values(self, indicator_id: str, year: int | None = None) -> pd.Series:
        """Values of the areas (not the city), indexed by area_id in pack order."""
        frame = self.table(indicator_id, year)
        return frame["value"].reindex(self.pack.area_ids)

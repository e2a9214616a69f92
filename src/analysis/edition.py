"""Everything one edition needs, computed once: data, indicators, findings, geometry.

Notebooks call `Edition.load(city, year)`; the build computes it once and hands notebooks a pickle."""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import archive, disclosure, district_index, district_types, geo, indicators as ind, sources, validate
from .archive import StoredEdition
from .catalog import Catalog, Indicator, load_catalog, load_catalog_document
from .config import CITY_AREA_ID, CityPack, load_city
from .errors import InputError
from .text import format_number, format_value


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

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def compute(cls, city: str, year: int | None = None, root: Path | None = None,
                with_previous: bool = True) -> "Edition":
        pack = load_city(city, Path(root) if root else None)
        year = pack.default_edition if year is None else int(year)
        if year not in pack.editions:
            raise InputError(f"Ausgabe {year} ist für {pack.name} nicht deklariert "
                             f"(deklariert: {', '.join(map(str, pack.editions))}).",
                             file=f"data/{pack.slug}/city.yml", column="editions")
        tables = sources.read_all(pack)
        validate.check_declared_years(pack, tables)
        for table in tables:
            table.frame = table.frame[table.frame["year"] <= year].reset_index(drop=True)
        tidy = sources.with_derived_variables(sources.tidy_variables(tables), pack)
        validate.check_variables_known(pack, load_catalog())
        validate.check_headline(pack, load_catalog())
        catalog = load_catalog().computable(set(tidy["variable"]))
        wide = ind.wide_with_city(tidy, pack)
        indicator_table = ind.compute_indicators(wide, catalog)
        # An early edition may have a variable only where no indicator can use it (e.g. city level only).
        with_values = set(indicator_table.loc[indicator_table["value"].notna(), "indicator"])
        catalog = catalog.restricted_to(with_values)
        indicator_table = indicator_table[indicator_table["indicator"].isin(with_values)].reset_index(drop=True)
        validate.check_shares(pack, catalog, tables, indicator_table)
        reconciliation = validate.reconcile_published(pack, catalog, tables, tidy, indicator_table, wide)
        findings = validate.plausibility_findings(pack, catalog, tables, tidy, indicator_table, wide,
                                                  reconciliation)
        areas = geo.load_areas(pack)
        # Everything below, and everything published, sees only the disclosed table.
        disclosed = disclosure.apply(indicator_table, {i.id: i.kind for i in catalog.indicators},
                                     disclosure.DisclosureRules.of(pack))
        published = disclosed.indicators
        edition = cls(pack, year, catalog, tidy, published, validate.findings_frame(findings),
                      reconciliation, areas, load_catalog_document(),
                      district_index.compute(pack, catalog, published),
                      district_types.compute(pack, catalog, published),
                      withheld_cells=(disclosed.primary, disclosed.secondary))
        if with_previous:
            edition.previous = edition._previous_edition(root)
        return edition

    def _previous_edition(self, root: Path | None) -> StoredEdition | None:
        """The edition declared before this one: as archived when it was built, else recomputed."""
        earlier = [y for y in self.pack.editions if y < self.year]
        if not earlier:
            return None
        year = earlier[-1]
        stored = archive.read(self.pack.folder.parents[1], self.pack.slug, year)
        if stored is not None:
            if "suppressed" not in stored.indicators.columns:
                # Archived before disclosure control existed: withhold by today's rules before comparing.
                kinds = {i.id: i.kind for i in load_catalog().indicators}
                stored.indicators = disclosure.apply(stored.indicators, kinds, self.rules).indicators
            return stored
        recomputed = Edition.compute(self.pack.slug, year, root, with_previous=False)
        return StoredEdition(year, recomputed.tidy, recomputed.indicators, recomputed.catalog_document,
                             None, from_archive=False)

    @classmethod
    def load(cls, city: str, year: int | None = None, cache: str | Path | None = None) -> "Edition":
        """From the build's pickle when given (compute once, render many), else computed now."""
        if cache and Path(cache).is_file():
            with open(cache, "rb") as handle:
                return pickle.load(handle)
        return cls.compute(city, year)

    def save(self, path: Path) -> None:
        with open(path, "wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)

    # --- lookups for the pages ----------------------------------------------------------------
    @property
    def city_name(self) -> str:
        return self.pack.name

    def area_name(self, area_id: str) -> str:
        return self.pack.area_names.get(area_id, self.pack.name if area_id == CITY_AREA_ID else area_id)

    @property
    def rules(self) -> disclosure.DisclosureRules:
        return disclosure.DisclosureRules.of(self.pack)

    def indicator(self, indicator_id: str) -> Indicator:
        return self.catalog.get(indicator_id)

    def has(self, indicator_id: str) -> bool:
        return any(i.id == indicator_id for i in self.catalog.indicators)

    def latest_year(self, indicator_id: str) -> int | None:
        years = self.indicators.loc[self.indicators["indicator"] == indicator_id, "year"]
        return int(years.max()) if len(years) else None

    def table(self, indicator_id: str, year: int | None = None) -> pd.DataFrame:
        return ind.table(self.indicators, indicator_id, year or self.latest_year(indicator_id))

    def value_text(self, indicator_id: str, area_id: str, year: int | None = None, unit: bool = True) -> str:
        """A value for the prose, formatted (with its unit unless unit=False); "." when withheld."""
        frame, indicator = self.table(indicator_id, year), self.indicator(indicator_id)
        if area_id not in frame.index:
            return format_number(None)
        if frame.at[area_id, "suppressed"]:
            return disclosure.SUPPRESSED
        value = frame.at[area_id, "value"]
        return format_value(value, indicator) if unit else format_number(value, indicator.decimals)

    def withheld(self, indicator_id: str, area_id: str, year: int | None = None) -> bool:
        """Whether disclosure control withholds this cell (published as ".")."""
        frame = self.table(indicator_id, year)
        return bool(frame.at[area_id, "suppressed"]) if area_id in frame.index else False

    def value(self, indicator_id: str, area_id: str, year: int | None = None) -> float:
        frame = self.table(indicator_id, year)
        return float(frame.loc[area_id, "value"]) if area_id in frame.index else float("nan")

    def series(self, indicator_id: str, area_id: str) -> pd.Series:
        return ind.series(self.indicators, indicator_id, area_id)

    def area_values(self, indicator_id: str, year: int | None = None) -> pd.Series:
        """Values of the areas (not the city), indexed by area_id in pack order."""
        frame = self.table(indicator_id, year)
        return frame["value"].reindex(self.pack.area_ids)

"""The city pack as typed, frozen dataclasses: areas, sources, levels and every configured section with
its defaults in one place. `loader.load_city` builds it from data/<city>/city.yml."""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from analysis.errors import InputError, did_you_mean
from analysis.text import SUPPRESSED, format_number

UNASSIGNED_AREA_ID = "nicht_zuordenbar"
CITY_AREA_ID = "stadt"
REPORTED_CITY_AREA_ID = "stadt_gemeldet"


def confined_path(folder: Path, relative: str, shown: str) -> Path:
    """A file of the city pack, refused before it is opened when its path leads out of the pack's folder
    (an absolute path, '..', or a symbolic link to somewhere else): a pack is data, and must not make the
    build read or publish other files of the machine."""
    candidate = folder / relative
    inside = folder.resolve()
    if Path(relative).is_absolute() or not candidate.resolve().is_relative_to(inside):
        raise InputError(f"Der Pfad '{relative}' führt aus dem Stadtpaket heraus.", file=shown,
                         hint="Nur Dateien im Ordner des Stadtpakets verwenden und relativ angeben, "
                              "z. B. raw/datei.csv (keine absoluten Pfade, kein '..', keine Verknüpfungen "
                              "nach außen).")
    return candidate


def site_key(city: str, level: str | None) -> str:
    """Folder name of an edition's site and archive: the city, plus the level where one is chosen."""
    return f"{city}-{level}" if level else city


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    geometry_id: str | None
    first_year: int | None = None   # earlier years: the area is not expected in the tables
    aliases: tuple[str, ...] = ()   # other spellings of the name in tables keyed by name


@dataclass(frozen=True)
class GeometryCorrection:
    """A known flaw of a geometry file: of the features with `id`, the one nearest to `near` is `correct_id`."""
    id: str
    near: tuple[float, float]
    correct_id: str
    reason: str


@dataclass(frozen=True)
class GeometrySpec:
    """A polygon file, a point file, or a CSV with a point per area (x_field, y_field)."""
    file: str
    id_field: str
    crs: str
    layer: str | None = None
    name_field: str | None = None
    corrections: tuple[GeometryCorrection, ...] = ()
    repair: str | None = None         # "make_valid": invalid polygons are repaired and reported
    x_field: str | None = None
    y_field: str | None = None
    delimiter: str = ","
    area_key: str = "id"              # id_field holds ids or names

    @classmethod
    def of(cls, raw: dict) -> "GeometrySpec":
        return cls(raw["file"], raw.get("id_field", ""), raw["crs"], raw.get("layer"), raw.get("name_field"),
                   tuple(GeometryCorrection(c["id"], tuple(c["near"]), c["correct_id"], c["reason"])
                         for c in raw.get("corrections", [])), raw.get("repair"), raw.get("x_field"),
                   raw.get("y_field"), raw.get("delimiter", ","), raw.get("area_key", "id"))

    @property
    def is_point_table(self) -> bool:
        return self.x_field is not None


@dataclass(frozen=True)
class Level:
    """A higher spatial level: a parent's id is the first `id_length` characters of its areas' ids, or made
    from them by the template `parent_id`. Without a geometry file its polygons are dissolved from the areas'."""
    id: str
    label: str
    label_plural: str
    id_length: int | None = None
    geometry: GeometrySpec | None = None
    parent_id: str | None = None
    names: dict = field(default_factory=dict)
    profiles_title: str | None = None

    TEMPLATE_PART = re.compile(r"\{id(?:\[(-?\d*)(:?)(-?\d*)\])?\}")

    def parent_of(self, area_id: str) -> str:
        if self.parent_id is None:
            return area_id[:self.id_length]

        def part(match: re.Match) -> str:
            start, colon, stop = match.groups()
            if start is None or not (start or colon):   # {id} (or {id[]}): the whole id
                return area_id
            if not colon:
                index = int(start)
                return area_id[index] if -len(area_id) <= index < len(area_id) else ""
            return area_id[int(start) if start else None:int(stop) if stop else None]

        return self.TEMPLATE_PART.sub(part, self.parent_id)


@dataclass(frozen=True)
class PublishedRate:
    column: str
    label: str
    indicator: str | None
    share_of_city_total: str | None
    note: str | None


@dataclass(frozen=True)
class ExcludedRows:
    """Rows whose area cell fully matches `match` are not read (another level, no area), for `reason`."""
    match: str
    reason: str

    def holds(self, cell: str) -> bool:
        return re.fullmatch(self.match, cell) is not None


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    year_column: str | None
    area_column: str | None
    level: str
    delimiter: str
    decimal: str
    encoding: str
    unassigned_value: str | None
    missing_values: tuple[str, ...]
    missing_meaning: str | None
    variables: dict
    published: tuple[PublishedRate, ...]
    years: tuple[int, ...] = ()          # one file per year: `file` holds {year}
    all_zero_means_missing: bool = False
    counts: bool = True                  # False: values (e.g. published shares) are never summed
    category_column: str | None = None   # a long table: variables read 'column[category]'
    city_level_reason: str | None = None   # level city: why there are no area values
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()   # keep rows whose column holds one of the values
    year_pattern: str | None = None      # e.g. 'DD.MM.YYYY'; None: the year alone
    area_key: str = "id"                 # the area column holds ids or names
    city_rows: tuple[str, ...] = ()      # area cells marking the city total
    excluded_rows: tuple["ExcludedRows", ...] = ()
    zero_values: tuple[str, ...] = ()
    value_column: str | None = None      # long format: variables name row keys of category_column
    prepared: str | None = None          # how the file was made from the published one, if it is not that

    CATEGORY_REFERENCE = re.compile(r"^(?P<column>[^\[\]]+)\[(?P<category>[^\[\]]+)\]$")

    def category_of(self, reference: str) -> tuple[str, str | None]:
        """'residents[4]' → ('residents', '4') in a long table; a plain column → (column, None)."""
        match = self.CATEGORY_REFERENCE.match(reference) if self.category_column else None
        return (match["column"], match["category"]) if match else (reference, None)

    @property
    def year_in_columns(self) -> bool:
        """Wide by year: the year stands in the value columns' names ('Einwohner {year}')."""
        return any("{year}" in column for column in self.variables.values())

    def files(self) -> list[tuple[str, int | None]]:
        """(file, year) per file: one per declared year, or the single file with a year column."""
        if self.years:
            return [(self.file.replace("{year}", str(year)), year) for year in self.years]
        return [(self.file, None)]


@dataclass(frozen=True)
class DisclosureRules:
    """Statistical disclosure control (`disclosure:`); the defaults follow § 16 BStatG practice."""
    min_count: int = 3              # counts 1 .. min_count-1 are withheld; 0 is published
    min_denominator: int = 30       # a rate on fewer cases in its denominator is withheld
    secondary: bool = True
    index_min_population: int = 300

    def is_small_count(self, value: float) -> bool:
        return value is not None and not math.isnan(value) and 0 < value < self.min_count

    def count_text(self, value: float, formatter) -> str:
        """A count for publication: formatted, or the suppression mark when it is too small."""
        return SUPPRESSED if self.is_small_count(value) else formatter(value)


@dataclass(frozen=True)
class OfficialClasses:
    """A published classification to compare the project's index with (one file per year)."""
    title: str
    file: str
    years: tuple[int, ...]
    area_column: str
    status_column: str
    dynamics_column: str
    status_labels: dict = field(default_factory=dict)
    dynamics_labels: dict = field(default_factory=dict)
    note: str | None = None

    @classmethod
    def of(cls, raw: dict) -> "OfficialClasses":
        return cls(raw["title"], raw["file"], tuple(raw["years"]), raw["area_column"], raw["status_column"],
                   raw["dynamics_column"], dict(raw.get("status_labels", {})), dict(raw.get("dynamics_labels", {})),
                   raw.get("note"))


@dataclass(frozen=True)
class SocialIndexConfig:
    """`social_index:`: status indicators, dynamics span, method and its alternatives, the bootstrap."""
    status: tuple[str, ...]
    method: str = "mss"
    dynamics_years: int = 2
    population_indicator: str | None = None
    exclude: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    imd_weights: dict = field(default_factory=dict)
    replicates: int = 1000
    seed: int = 20240101
    official_classes: OfficialClasses | None = None

    @classmethod
    def of(cls, raw: dict) -> "SocialIndexConfig":
        official = raw.get("official_classes")
        return cls(**{**raw, "status": tuple(raw["status"]), "exclude": tuple(str(e) for e in raw.get("exclude", [])),
                      "alternatives": tuple(raw.get("alternatives", [])),
                      "imd_weights": dict(raw.get("imd_weights", {})),
                      "official_classes": OfficialClasses.of(official) if official else None})


@dataclass(frozen=True)
class DistrictTypesConfig:
    """`district_types:`: Ward clustering of these indicators (empty: every non-count indicator) into
    between min_types and max_types types."""
    indicators: tuple[str, ...] = ()
    min_types: int = 3
    max_types: int = 6

    @classmethod
    def of(cls, raw: dict) -> "DistrictTypesConfig":
        return cls(**{**raw, "indicators": tuple(raw.get("indicators", ()))})


@dataclass(frozen=True)
class Capacity:
    field: str
    title: str
    target_group: str


@dataclass(frozen=True)
class FacilityLayer:
    """`facilities:` one layer of points (Kitas, schools, playgrounds), joined to the areas by polygon."""
    id: str
    title: str
    file: str
    crs: str
    name_field: str
    reference_date: str
    source: str
    published_fields: tuple[str, ...]
    x_field: str | None = None        # CSV: coordinate columns
    y_field: str | None = None
    delimiter: str = ","
    id_field: str | None = None       # None: the feature number is the id
    area_name_field: str | None = None
    capacities: tuple[Capacity, ...] = ()

    @classmethod
    def of(cls, raw: dict) -> "FacilityLayer":
        return cls(**{**raw, "published_fields": tuple(raw["published_fields"]),
                      "capacities": tuple(Capacity(**c) for c in raw.get("capacities", []))})


SUPPLY_MEASURES = ("places_per", "gap", "facilities", "catchment_share", "population_change_share")


@dataclass(frozen=True)
class PriorityStep:
    """Points for a compared value within [at_least, at_most] (either bound may be open)."""
    points: int
    at_least: float | None = None
    at_most: float | None = None

    def holds(self, value: float) -> bool:
        return ((self.at_least is None or value >= self.at_least)
                and (self.at_most is None or value <= self.at_most))


@dataclass(frozen=True)
class PriorityCriterion:
    """One row of a points grid: an indicator of the catalogue or a measure of the supply table, compared
    as its value, as a multiple of the city's value (`city`) or of the target ratio (`target`)."""
    id: str
    title: str
    steps: tuple[PriorityStep, ...]
    indicator: str | None = None
    supply: str | None = None
    compare: str = "value"

    @classmethod
    def of(cls, raw: dict) -> "PriorityCriterion":
        return cls(raw["id"], raw["title"], tuple(PriorityStep(**s) for s in raw["steps"]), raw.get("indicator"),
                   raw.get("supply"), raw.get("compare", "value"))

    def points(self, value: float) -> int:
        """The most points of any step the value reaches; a missing value earns none."""
        if value is None or math.isnan(value):
            return 0
        return max((step.points for step in self.steps if step.holds(value)), default=0)


@dataclass(frozen=True)
class TieBreak:
    by: str                           # a criterion id (its compared value) or a supply measure
    order: str = "descending"


@dataclass(frozen=True)
class PriorityGrid:
    """`need_plan.priority:`: the areas ranked by their points; ties broken by the declared rules, then
    by the pack's order of areas."""
    criteria: tuple[PriorityCriterion, ...]
    tie_break: tuple[TieBreak, ...]
    source: str

    @classmethod
    def of(cls, raw: dict) -> "PriorityGrid":
        return cls(tuple(PriorityCriterion.of(c) for c in raw["criteria"]),
                   tuple(TieBreak(**t) for t in raw.get("tie_break", [])), raw["source"])


@dataclass(frozen=True)
class NeedPlan:
    """`need_plan:` supply of one facility layer next to the need of its target population, per area."""
    facility: str
    title: str
    target_population: str
    target_group: str                 # the target population in words, e.g. "Kinder unter 7 Jahren"
    target_per: float                 # supply is measured per `per` of the target population
    distance_m: float                 # catchment: walking distance in metres
    catchment_source: str
    target_value: float | None = None   # target_ratio: places (or facilities) per `per`; None: no target
    target_source: str | None = None
    detour_factor: float = 1.0
    metric_crs: str = "EPSG:25832"
    capacity: str | None = None       # None: every facility counts 1
    share_fields: tuple[str, ...] = ()
    share_total: str | None = None
    select_flag: str | None = None    # count only facilities whose field is a number above 0
    priority: PriorityGrid | None = None
    variable: str | None = None       # the places per area as an edition variable (for catalogue indicators)

    @classmethod
    def of(cls, raw: dict) -> "NeedPlan":
        ratio, catchment, share = raw["target_ratio"], raw["catchment"], raw.get("capacity_share", {})
        return cls(raw["facility"], raw["title"], raw["target_population"], raw["target_group"], ratio["per"],
                   catchment["distance_m"], catchment["source"], ratio.get("value"), ratio.get("source"),
                   catchment.get("detour_factor", 1.0), catchment.get("metric_crs", "EPSG:25832"),
                   raw.get("capacity"), tuple(share.get("fields", ())), share.get("total"), raw.get("select_flag"),
                   PriorityGrid.of(raw["priority"]) if "priority" in raw else None, raw.get("variable"))

    @property
    def straight_line_m(self) -> float:
        """The radius actually drawn: the walking distance divided by the detour factor."""
        return self.distance_m / self.detour_factor

    @property
    def supply_unit(self) -> str:
        what = "Plätze" if self.capacity else "Einrichtungen"
        return f"{what} je {format_number(self.target_per)}"

    @property
    def numeric_fields(self) -> tuple[str, ...]:
        """The layer's fields this plan reads as numbers."""
        return tuple(f for f in (self.capacity, *self.share_fields, self.share_total, self.select_flag) if f)


@dataclass(frozen=True)
class ChildrenPerFlat:
    group: str                        # an age group in words, e.g. "unter 3 Jahren"
    per_flat: float
    care_rate: float                  # the share of them that needs a place


@dataclass(frozen=True)
class PlaceDemand:
    """What a flat asks of one facility type: children per flat × care rate, or places per 100 flats."""
    facility: str                     # a facility layer; its need plan gives the spare places
    title: str
    source: str
    children: tuple[ChildrenPerFlat, ...] = ()
    per_100_flats: float | None = None

    @classmethod
    def of(cls, raw: dict) -> "PlaceDemand":
        return cls(raw["facility"], raw["title"], raw["source"],
                   tuple(ChildrenPerFlat(**c) for c in raw.get("children", [])), raw.get("per_100_flats"))

    @property
    def per_flat(self) -> float:
        if self.per_100_flats is not None:
            return self.per_100_flats / 100
        return sum(c.per_flat * c.care_rate for c in self.children)


@dataclass(frozen=True)
class DevelopmentDemand:
    """`development_demand:` the declared ratios that turn planned flats into residents, children and places."""
    persons_per_flat: float
    persons_source: str
    places: tuple[PlaceDemand, ...]

    @classmethod
    def of(cls, raw: dict) -> "DevelopmentDemand":
        return cls(raw["persons_per_flat"]["value"], raw["persons_per_flat"]["source"],
                   tuple(PlaceDemand.of(p) for p in raw["places"]))


@dataclass(frozen=True)
class Development:
    """`developments:` a planned housing project with its source."""
    name: str
    area_ids: tuple[str, ...]
    flats: int
    completion_year: int
    source: str

    @classmethod
    def of(cls, raw: dict) -> "Development":
        return cls(raw["name"], tuple(raw["area_ids"]), raw["flats"], raw["completion_year"], raw["source"])


@dataclass(frozen=True)
class ProgrammeCoverage:
    """One area of a programme area: wholly inside, or in part (with the declared or overlaid share)."""
    area_id: str
    coverage: str                     # "whole" or "part"
    share: float | None = None        # share of the area's counts that belong to the programme area


@dataclass(frozen=True)
class ProgrammeArea:
    """`programme_areas:` an area of an urban development programme (e.g. Soziale Stadt), with the areas it
    covers or a polygon file overlaid on them, and the group of areas it is compared with."""
    id: str
    name: str
    programme: str
    start_year: int
    source: str
    end_year: int | None = None
    areas: tuple[ProgrammeCoverage, ...] = ()
    polygon_file: str | None = None
    comparison: str = "similar"       # "similar": the k most similar areas at the start; "district_type"
    comparison_k: int = 3
    indicators: tuple[str, ...] = ()  # key indicators; empty: the social index's status indicators
    note: str | None = None

    @classmethod
    def of(cls, raw: dict) -> "ProgrammeArea":
        comparison = raw.get("comparison", {})
        return cls(raw["id"], raw["name"], raw["programme"], raw["start_year"], raw["source"], raw.get("end_year"),
                   tuple(ProgrammeCoverage(a["id"], a["coverage"], a.get("share")) for a in raw.get("areas", [])),
                   raw.get("polygon_file"), comparison.get("method", "similar"), comparison.get("k", 3),
                   tuple(raw.get("indicators", ())), raw.get("note"))


@dataclass(frozen=True)
class LocalKnowledgeConfig:
    """`local_knowledge:` a folder of Markdown entries with front matter; entries older than `max_age_years`
    are marked as dated."""
    folder: str = "local_knowledge"
    max_age_years: int = 3
    collection: str = ""              # how entries are collected, for the methods page


@dataclass(frozen=True)
class Limits:
    """`limits:`: an input larger than this is refused before it is read (a pack may raise it)."""
    max_file_mb: float = 100.0

    def check_size(self, path: Path, shown: str) -> None:
        size_mb = path.stat().st_size / 1_000_000
        if size_mb > self.max_file_mb:
            raise InputError(f"Datei ist {format_number(size_mb)} MB groß; die Grenze liegt bei "
                             f"{format_number(self.max_file_mb)} MB.", file=shown,
                             hint="Ist die Datei richtig? Für größere Lieferungen 'limits: max_file_mb' in "
                                  "city.yml erhöhen (der Bau braucht etwa das 20-Fache an Arbeitsspeicher).")


@dataclass(frozen=True)
class Plausibility:
    max_jump_share: float = 0.5       # a raw count changing by more than this share between years is reported
    min_count_for_jump: float = 20    # ... if it is at least this large (small counts jump by nature)

@dataclass(frozen=True)
class SumCheck:
    """`sum_checks:` disjoint parts of a total, e.g. age bands of the residents, from any sources."""
    total: str
    parts: tuple[str, ...]
    tolerance_share: float = 0.0


@dataclass(frozen=True)
class AreaChange:
    """`area_change:` the areas were redrawn (split, merged, new boundaries). The pack's areas, geometry and
    levels are those from `first_year` on; `areas`, `geometry` and `levels` here are the earlier ones."""
    date: str                         # the day the new areas came into force, YYYY-MM-DD
    first_year: int                   # the first data year on the new areas
    title: str
    areas: tuple[Area, ...]
    geometry: GeometrySpec
    levels: tuple[Level, ...] = ()
    area_label: str | None = None
    area_label_plural: str | None = None
    matches_file: str | None = None   # exact correspondences old id → [new ids], JSON
    overlay_crs: str = "EPSG:25833"
    tolerance_share: float = 0.02     # overlay slivers below this share of an earlier area are ignored

    @property
    def date_text(self) -> str:
        """The date as the report writes it (1.1.2021)."""
        year, month, day = self.date.split("-")
        return f"{int(day)}.{int(month)}.{year}"


@dataclass(frozen=True)
class CityPack:
    slug: str
    folder: Path
    name: str
    area_label: str
    area_label_plural: str
    areas: tuple[Area, ...]
    geometry: GeometrySpec | None       # None: no geometry, no maps
    editions: tuple[int, ...]
    corrections: dict
    default_edition: int
    sources: tuple[Source, ...]
    plausibility: Plausibility = Plausibility()
    limits: Limits = Limits()
    facilities: tuple[FacilityLayer, ...] = ()
    need_plan: tuple[NeedPlan, ...] = ()
    development_demand: DevelopmentDemand | None = None
    developments: tuple[Development, ...] = ()
    programme_areas: tuple[ProgrammeArea, ...] = ()
    measures_file: str | None = None
    local_knowledge: LocalKnowledgeConfig | None = None

    attribution: dict = field(default_factory=dict)
    headline_indicator: str | None = None
    publication: dict = field(default_factory=dict)   # publisher, contact, url (optional) of the report
    social_index: SocialIndexConfig | None = None
    district_types: DistrictTypesConfig | None = None
    disclosure: DisclosureRules = DisclosureRules()
    derived_variables: dict = field(default_factory=dict)
    sum_checks: tuple[SumCheck, ...] = ()
    indicator_entries: tuple = ()       # `indicators:` as written: added to or replacing the catalogue's
    trend_indicators: tuple[str, ...] = ()   # drawn in the trend panels; empty: chosen from the data
    declared_profiles_title: str | None = None
    levels: tuple[Level, ...] = ()
    level: Level | None = None          # set on a pack aggregated to a higher level (see levels.py)
    base: "CityPack | None" = None      # the pack at its own level, for an aggregated pack
    area_change: AreaChange | None = None   # the areas were redrawn: earlier years on other areas

    def for_edition(self, year: int) -> "CityPack":
        """The pack as an edition of `year` sees it: before an area change, on the earlier areas."""
        change = self.area_change
        if change is None or year >= change.first_year:
            return self
        return self.before_change()

    def before_change(self) -> "CityPack":
        """The pack on the areas before its area change, with the sources' years before the change."""
        change = self.area_change
        return dataclasses.replace(
            self, areas=change.areas, geometry=change.geometry, levels=change.levels,
            area_label=change.area_label or self.area_label,
            area_label_plural=change.area_label_plural or self.area_label_plural,
            sources=self.sources_of_years(lambda year: year < change.first_year), area_change=None,
            **self._editions_where(lambda year: year < change.first_year))

    def _editions_where(self, wanted) -> dict:
        editions = tuple(y for y in self.editions if wanted(y))
        return {"editions": editions,
                "default_edition": self.default_edition if self.default_edition in editions
                else max(editions, default=self.default_edition)}

    def sources_of_years(self, wanted) -> tuple[Source, ...]:
        """The sources restricted to the files of the years `wanted(year)` accepts; a source left without
        files is dropped. (A pack with an area change reads one file per year: see the loader.)"""
        kept = []
        for source in self.sources:
            years = tuple(y for y in source.years if wanted(y))
            if years:
                kept.append(dataclasses.replace(source, years=years))
        return tuple(kept)

    def after_change(self) -> "CityPack":
        """The pack with the sources' years from the area change on (those read on today's areas)."""
        change = self.area_change
        return dataclasses.replace(self, sources=self.sources_of_years(lambda year: year >= change.first_year),
                                   **self._editions_where(lambda year: year >= change.first_year))

    @property
    def site_key(self) -> str:
        return site_key(self.slug, self.level.id if self.level else None)

    @property
    def profiles_title(self) -> str:
        """'Stadtteilprofile' as the pack (or its level) declares it, else 'Profile der Stadtteile'."""
        return self.declared_profiles_title or f"Profile der {self.area_label_plural}"

    @property
    def edition_name(self) -> str:
        """'Berlin', or 'Berlin (Bezirke)' for an edition built at a higher level."""
        return f"{self.name} ({self.area_label_plural})" if self.level else self.name

    @property
    def declared_variables(self) -> set[str]:
        """Every variable the pack provides: from its sources, derived, and the need plans' places."""
        return ({v for s in self.sources for v in s.variables} | set(self.derived_variables)
                | {p.variable for p in self.need_plan if p.variable})

    @property
    def city_only_variables(self) -> set[str]:
        """Variables only a city-level source delivers: their city value is the reported one."""
        by_area = {v for s in self.sources if s.level == "area" for v in s.variables}
        return {v for s in self.sources if s.level == "city" for v in s.variables} - by_area

    @property
    def non_count_variables(self) -> set[str]:
        return {v for s in self.sources if not s.counts for v in s.variables}

    def get_level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise InputError(f"Ebene '{level_id}' ist nicht deklariert.", file=f"data/{self.slug}/city.yml",
                         column="levels", hint=did_you_mean(level_id, [lv.id for lv in self.levels])
                         or f"Deklarierte Ebenen: {', '.join(lv.id for lv in self.levels) or 'keine'}")

    @property
    def area_ids(self) -> list[str]:
        return [a.id for a in self.areas]

    @cached_property
    def area_names(self) -> dict[str, str]:
        """Built once (the pack is frozen): a download names the area in each of its 80,000 rows."""
        return {a.id: a.name for a in self.areas}

    def path(self, relative: str) -> Path:
        """A file of the pack; refused when it lies outside the pack's folder."""
        return confined_path(self.folder, relative, f"data/{self.slug}/city.yml")

    def display_path(self, relative: str) -> str:
        return f"data/{self.slug}/{relative}"

"""City pack (data/<city>/city.yml) → validated, typed configuration."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from .errors import InputError, did_you_mean

UNASSIGNED_AREA_ID = "nicht_zuordenbar"
CITY_AREA_ID = "stadt"
REPORTED_CITY_AREA_ID = "stadt_gemeldet"


def project_root() -> Path:
    """The folder holding _toc.yml and data/: searched upwards from the working directory."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file() and (folder / "data").is_dir():
            return folder
    package_guess = Path(__file__).resolve().parents[2]
    if (package_guess / "_toc.yml").is_file():
        return package_guess
    raise InputError("Projektordner nicht gefunden (kein _toc.yml mit data/ darüber).",
                     hint="Befehl im Ordner des Sozialbericht-Repositoriums ausführen.")


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    geometry_id: str | None
    first_year: int | None = None   # earlier years: the area is not expected in the tables


@dataclass(frozen=True)
class Level:
    """A higher spatial level: a parent's id is the first `id_length` characters of its areas' ids."""
    id: str
    label: str
    label_plural: str
    id_length: int
    geometry: dict


@dataclass(frozen=True)
class PublishedRate:
    column: str
    label: str
    indicator: str | None
    share_of_city_total: str | None
    note: str | None


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

    def files(self) -> list[tuple[str, int | None]]:
        """(file, year) per file: one per declared year, or the single file with a year column."""
        if self.years:
            return [(self.file.replace("{year}", str(year)), year) for year in self.years]
        return [(self.file, None)]


@dataclass(frozen=True)
class CityPack:
    slug: str
    folder: Path
    name: str
    area_label: str
    area_label_plural: str
    areas: tuple[Area, ...]
    geometry: dict
    editions: tuple[int, ...]
    corrections: dict
    default_edition: int
    max_jump_share: float
    min_count_for_jump: float
    sources: tuple[Source, ...]
    attribution: dict = field(default_factory=dict)
    headline_indicator: str | None = None
    social_index: dict | None = None
    district_types: dict | None = None
    disclosure: dict = field(default_factory=dict)
    derived_variables: dict = field(default_factory=dict)
    levels: tuple[Level, ...] = ()
    level: Level | None = None          # set on a pack aggregated to a higher level (see levels.py)
    base: "CityPack | None" = None      # the pack at its own level, for an aggregated pack

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

    @property
    def area_names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.areas}

    def path(self, relative: str) -> Path:
        return self.folder / relative

    def display_path(self, relative: str) -> str:
        return f"data/{self.slug}/{relative}"


def _schema(name: str) -> dict:
    return json.loads(resources.files("analysis").joinpath("schemas", name).read_text("utf-8"))


def _located_schema_error(error: jsonschema.ValidationError, file: str) -> InputError:
    where = "/".join(str(p) for p in error.absolute_path) or "(oberste Ebene)"
    hint = None
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]
        suggestions = [did_you_mean(k, allowed) for k in unknown]
        problem = f"unbekannter Schlüssel {', '.join(repr(k) for k in unknown)} unter {where}"
        hint = "; ".join(s for s in suggestions if s) or f"Erlaubt sind: {', '.join(allowed)}"
        return InputError(problem, file=file, column=where, hint=hint)
    if error.validator == "required":
        return InputError(f"unter {where} fehlt ein Pflichtschlüssel: {error.message}", file=file, column=where)
    return InputError(f"ungültiger Wert unter {where}: {error.message}", file=file, column=where)


def load_yaml(path: Path, shown_as: str):
    if not path.is_file():
        raise InputError("Datei fehlt.", file=shown_as)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"Datei ist nicht UTF-8-kodiert ({exc.reason}).", file=shown_as,
                         hint="Als UTF-8 speichern.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"kein gültiges YAML: {getattr(exc, 'problem', exc)}", file=shown_as,
                         row=mark.line + 1 if mark else None) from None


def check_schema(document, schema: dict, shown_as: str) -> None:
    """Raise an InputError for the first schema violation, with a typo hint where possible."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise _located_schema_error(errors[0], shown_as)


def _distinct_names(areas: tuple[Area, ...]) -> tuple[Area, ...]:
    """Names must tell areas apart in tables and lists: a name used twice gets the id added."""
    from collections import Counter

    counts = Counter(a.name for a in areas)
    return tuple(Area(a.id, f"{a.name} ({a.id})", a.geometry_id, a.first_year) if counts[a.name] > 1 else a
                 for a in areas)


@lru_cache(maxsize=16)
def load_city(slug: str, root: Path | None = None) -> CityPack:
    root = Path(root) if root else project_root()
    folder = root / "data" / slug
    shown = f"data/{slug}/city.yml"
    if not (folder / "city.yml").is_file():
        packs = sorted(p.parent.name for p in (root / "data").glob("*/city.yml"))
        raise InputError(f"Stadtpaket '{slug}' nicht gefunden.", file=shown,
                         hint=did_you_mean(slug, packs) or f"Vorhandene Pakete: {', '.join(packs) or 'keine'}")
    raw = load_yaml(folder / "city.yml", shown)
    check_schema(raw, _schema("city.schema.json"), shown)

    if isinstance(raw["areas"], dict):
        from .geo import areas_from_geometry

        first_year = raw["areas"].get("first_year", {})
        areas = tuple(Area(area_id, name, area_id, first_year.get(area_id))
                      for area_id, name in areas_from_geometry(folder, slug, raw["geometry"]))
        for area_id in first_year:
            if area_id not in {a.id for a in areas}:
                raise InputError(f"Gebiets-ID '{area_id}' unter areas/first_year ist unbekannt.", file=shown,
                                 column="areas/first_year")
    else:
        areas = tuple(Area(a["id"], a["name"], a.get("geometry_id"), a.get("first_year")) for a in raw["areas"])
    areas = _distinct_names(areas)
    seen = set()
    for index, area in enumerate(areas):
        if area.id in seen:
            raise InputError(f"Gebiets-ID '{area.id}' ist doppelt.", file=shown, column=f"areas/{index}/id")
        seen.add(area.id)
    editions = tuple(sorted(e["year"] for e in raw["editions"]))
    default = raw.get("default_edition", editions[-1])
    if default not in editions:
        raise InputError(f"default_edition {default} ist keine deklarierte Ausgabe ({editions}).",
                         file=shown, column="default_edition")
    sources = []
    for index, s in enumerate(raw["sources"]):
        level = s.get("level", "area")
        per_year = "{year}" in s["file"]
        if per_year != ("years" in s) or per_year == ("year_column" in s):
            raise InputError(f"Quelle {s['file']}: entweder eine Datei je Jahr ('{{year}}' im Dateinamen und "
                             "years: [...]) oder eine Datei mit year_column.", file=shown,
                             column=f"sources/{index}")
        if level == "area" and "area_column" not in s:
            raise InputError(f"Quelle {s['file']}: area_column fehlt (oder level: city angeben).",
                             file=shown, column="sources")
        published = tuple(PublishedRate(p["column"], p["label"], p["compare_with"].get("indicator"),
                                        p["compare_with"].get("share_of_city_total"), p.get("note"))
                          for p in s.get("published", []))
        sources.append(Source(
            file=s["file"], title=s.get("title", s["file"]), year_column=s.get("year_column"),
            area_column=s.get("area_column"), level=level, delimiter=s.get("delimiter", ","),
            decimal=s.get("decimal", "."), encoding=s.get("encoding", "utf-8"),
            unassigned_value=s.get("unassigned_value"),
            missing_values=tuple(s.get("missing_values", [])), missing_meaning=s.get("missing_meaning"),
            variables=dict(s["variables"]), published=published, years=tuple(s.get("years", ())),
            all_zero_means_missing=s.get("all_zero_means_missing", False), counts=s.get("counts", True)))
    plaus = raw.get("plausibility", {})
    return CityPack(
        slug=slug, folder=folder, name=raw["name"], area_label=raw.get("area_label", "Gebiet"),
        area_label_plural=raw.get("area_label_plural", "Gebiete"), areas=areas, geometry=raw["geometry"],
        editions=editions, corrections={e["year"]: e["correction"] for e in raw["editions"] if "correction" in e},
        default_edition=default, max_jump_share=plaus.get("max_jump_share", 0.5),
        min_count_for_jump=plaus.get("min_count_for_jump", 20), sources=tuple(sources),
        attribution=raw["attribution"], headline_indicator=raw.get("headline_indicator"),
        social_index=raw.get("social_index"), district_types=raw.get("district_types"),
        disclosure=raw.get("disclosure", {}), derived_variables=raw.get("derived_variables", {}),
        levels=tuple(Level(lv["id"], lv["label"], lv["label_plural"], lv["id_length"], lv["geometry"])
                     for lv in raw.get("levels", [])))

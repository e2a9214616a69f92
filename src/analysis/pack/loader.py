"""City pack (data/<city>/city.yml) → validated, typed configuration (model.CityPack)."""
from __future__ import annotations

import codecs
import csv
import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path

from analysis.documents import check_schema, load_yaml
from analysis.errors import InputError, did_you_mean
from analysis.pack.geometry import areas_from_geometry
from analysis.pack.model import (
    Area,
    AreaChange,
    CityPack,
    Development,
    DevelopmentDemand,
    DisclosureRules,
    DistrictTypesConfig,
    ExcludedRows,
    FacilityLayer,
    GeometrySpec,
    Level,
    Limits,
    LocalKnowledgeConfig,
    NeedPlan,
    Plausibility,
    ProgrammeArea,
    PublishedRate,
    SocialIndexConfig,
    Source,
    SumCheck,
    confined_path,
)


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


def _refuse_links_out_of(folder: Path, slug: str) -> None:
    """Every file of a pack is hashed and may be read: a symbolic link that leads out of the pack is refused."""
    inside = folder.resolve()
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            relative = path.relative_to(folder).as_posix()
            raise InputError(f"'{relative}' ist eine Verknüpfung auf eine Datei außerhalb des Stadtpakets.",
                             file=f"data/{slug}/{relative}",
                             hint="Die Datei selbst in den Ordner des Stadtpakets kopieren.")


# The names Windows users know for the encodings of their exports, and what Python calls them.
ENCODING_NAMES = {"ansi": "cp1252", "windows-1252": "cp1252", "windows 1252": "cp1252",
                  "westeuropäisch (windows)": "cp1252",
                  "latin-1": "latin-1", "latin 1": "latin-1", "iso-8859-1": "latin-1", "iso-8859-15": "iso8859-15",
                  "utf-8 mit bom": "utf-8-sig", "utf-8 with bom": "utf-8-sig", "utf-8-bom": "utf-8-sig",
                  "utf8 mit bom": "utf-8-sig", "unicode (utf-8)": "utf-8"}


def encoding_name(declared: str, shown: str, index: int) -> str:
    """The declared encoding as Python knows it; a name neither Windows nor Python knows is refused."""
    name = ENCODING_NAMES.get(str(declared).strip().lower(), str(declared).strip())
    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(f"Zeichenkodierung '{declared}' ist unbekannt.", file=shown,
                         column=f"sources/{index}/encoding",
                         hint="Üblich sind utf-8, 'UTF-8 mit BOM', ANSI (= Windows-1252) oder Latin-1; im Zweifel "
                              "die Datei in einem Editor als UTF-8 speichern.") from None
    return name


def city_schema() -> dict:
    return json.loads(resources.files("analysis.pack").joinpath("city.schema.json").read_text("utf-8"))


def _distinct_names(areas: tuple[Area, ...]) -> tuple[Area, ...]:
    """Names must tell areas apart in tables and lists: a name used twice gets the id added."""
    counts = Counter(a.name for a in areas)
    return tuple(Area(a.id, f"{a.name} ({a.id})", a.geometry_id, a.first_year, a.aliases) if counts[a.name] > 1
                 else a for a in areas)


def _check_geometry_keys(spec: GeometrySpec, shown: str) -> None:
    if (spec.x_field is None) != (spec.y_field is None):
        raise InputError("x_field und y_field gehören zusammen (die Spalten der Koordinaten).", file=shown,
                         column="geometry")
    if spec.is_point_table and spec.crs == "from_file":
        raise InputError("Eine CSV-Datei nennt kein Koordinatensystem: crs angeben (bei Längen- und Breitengraden "
                         "EPSG:4326).", file=shown, column="geometry/crs")
    if not spec.id_field:
        raise InputError("geometry: id_field fehlt (das Feld mit der Gebiets-ID oder, mit area_key: name, dem "
                         "Namen).", file=shown, column="geometry/id_field")


def _level(raw: dict, index: int, shown: str, folder: Path, place: str = "levels") -> Level:
    if ("id_length" in raw) == ("parent_id" in raw):
        raise InputError(f"Ebene '{raw['id']}': entweder id_length oder parent_id angeben.", file=shown,
                         column=f"{place}/{index}",
                         hint="id_length: die ersten Zeichen der Gebiets-ID sind die ID der Ebene (102 → 1 bei 1); "
                              "parent_id: eine Vorlage, z. B. '00{id[0]}' (101 → 001).")
    for key in ("names", "names_file"):
        if "geometry" in raw and key in raw:
            raise InputError(f"Ebene '{raw['id']}': {key} gilt nur ohne geometry (die Namen stehen sonst im "
                             "name_field der Geometrie).", file=shown, column=f"{place}/{index}/{key}")
    names = _names_from_file(raw["names_file"], folder, shown, f"{place}/{index}/names_file") \
        if "names_file" in raw else {}
    names.update({str(k): v for k, v in raw.get("names", {}).items()})
    return Level(raw["id"], raw["label"], raw["label_plural"], raw.get("id_length"),
                 GeometrySpec.of(raw["geometry"]) if "geometry" in raw else None, raw.get("parent_id"),
                 names, raw.get("profiles_title"))


def _names_from_file(spec: dict, folder: Path, shown: str, place: str) -> dict[str, str]:
    """A level's names from a CSV table of the pack (id column → name column; repeated rows agree)."""
    relative = spec["file"]
    path = confined_path(folder, relative, shown)
    table_shown = f"data/{folder.name}/{relative}"
    if not path.is_file():
        raise InputError("Datei fehlt.", file=table_shown, column=place)
    encoding = encoding_name(spec.get("encoding", "utf-8-sig"), shown, 0)
    with open(path, encoding=encoding, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=spec.get("delimiter", ",")))
    names: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        for column in (spec["id_column"], spec["name_column"]):
            if column not in row:
                raise InputError(f"Spalte '{column}' fehlt.", file=table_shown, row=1, column=column,
                                 hint=did_you_mean(column, list(row)) or f"Spalten: {', '.join(row)}")
        key, name = row[spec["id_column"]].strip(), row[spec["name_column"]].strip()
        if names.get(key, name) != name:
            raise InputError(f"ID '{key}' hat zwei Namen: '{names[key]}' und '{name}'.", file=table_shown,
                             row=line, column=spec["name_column"])
        names[key] = name
    return names


def _source(s: dict, index: int, shown: str) -> Source:
    """One entry of `sources:`, its combinations of keys checked."""
    level = s.get("level", "area")
    place = f"sources/{index}"
    per_year = "{year}" in s["file"]
    year_in_columns = any("{year}" in str(c) for c in s["variables"].values())
    ways = [way for way, used in (("eine Datei je Jahr", per_year), ("year_column", "year_column" in s),
                                  ("Jahr in den Spaltennamen", year_in_columns)) if used]
    if len(ways) != 1 or per_year != ("years" in s):
        given = f" (angegeben: {', '.join(ways)})" if ways else ""
        raise InputError(f"Quelle {s['file']}: das Jahr muss auf genau eine Weise angegeben sein{given}.",
                         file=shown, column=place,
                         hint="Eine Datei je Jahr ('{year}' im Dateinamen und years: [...]), eine Spalte mit dem "
                              "Jahr (year_column) oder das Jahr in den Spaltennamen der Variablen "
                              "('Einwohner {year}').")
    if level == "area" and "area_column" not in s:
        raise InputError(f"Quelle {s['file']}: area_column fehlt (oder level: city angeben).",
                         file=shown, column=place)
    if s.get("city_level_reason") and level != "city":
        raise InputError(f"Quelle {s['file']}: city_level_reason gilt nur für level: city.", file=shown,
                         column=f"{place}/city_level_reason")
    if s.get("value_column") and not s.get("category_column"):
        raise InputError(f"Quelle {s['file']}: value_column braucht category_column (die Spalte mit dem "
                         "Zeilenschlüssel, z. B. der Merkmals-ID).", file=shown, column=f"{place}/value_column")
    variables = dict(s["variables"])
    if s.get("value_column"):
        # Long format: each variable names its row key; stored as 'value column[key]'.
        variables = {name: f"{s['value_column']}[{key}]" for name, key in variables.items()}
    published = tuple(PublishedRate(p["column"], p["label"], p["compare_with"].get("indicator"),
                                    p["compare_with"].get("share_of_city_total"), p.get("note"))
                      for p in s.get("published", []))
    filters = tuple((column, tuple(str(v) for v in (wanted if isinstance(wanted, list) else [wanted])))
                    for column, wanted in s.get("filters", {}).items())
    for number, rule in enumerate(s.get("excluded_rows", [])):
        try:
            re.compile(rule["match"])
        except re.error as exc:
            raise InputError(f"'{rule['match']}' ist kein gültiger regulärer Ausdruck: {exc}.", file=shown,
                             column=f"{place}/excluded_rows/{number}/match",
                             hint="Beispiel: '00[1-9]' für die IDs 001 bis 009, '0..' für alle dreistelligen "
                                  "IDs mit führender Null.") from None
    source = Source(
        file=s["file"], title=s.get("title", s["file"]), year_column=s.get("year_column"),
        area_column=s.get("area_column"), level=level, delimiter=s.get("delimiter", ","),
        decimal=s.get("decimal", "."), encoding=encoding_name(s.get("encoding", "utf-8"), shown, index),
        unassigned_value=s.get("unassigned_value"),
        missing_values=tuple(s.get("missing_values", [])), missing_meaning=s.get("missing_meaning"),
        variables=variables, published=published, years=tuple(s.get("years", ())),
        all_zero_means_missing=s.get("all_zero_means_missing", False), counts=s.get("counts", True),
        category_column=s.get("category_column"), city_level_reason=s.get("city_level_reason"),
        filters=filters, year_pattern=s.get("year_pattern"), area_key=s.get("area_key", "id"),
        city_rows=tuple(s.get("city_rows", ())),
        excluded_rows=tuple(ExcludedRows(r["match"], r["reason"]) for r in s.get("excluded_rows", [])),
        zero_values=tuple(s.get("zero_values", ())), value_column=s.get("value_column"),
        prepared=s.get("prepared"))
    if s.get("category_column"):
        plain = [c for c in variables.values() if source.category_of(c)[1] is None]
        if plain:
            raise InputError(f"Quelle {s['file']}: '{plain[0]}' nennt keine Kategorie, die Tabelle ist lang "
                             f"(category_column: {s['category_column']}).", file=shown,
                             column=f"{place}/variables",
                             hint="Jede Variable als 'Spalte[Kategorie]' angeben, z. B. 'residents[4]', oder "
                                  "value_column angeben und je Variable nur den Schlüssel.")
    overlap = set(source.zero_values) & set(source.missing_values)
    if overlap:
        raise InputError(f"'{sorted(overlap)[0]}' steht unter zero_values und missing_values.", file=shown,
                         column=place, hint="Ein Zeichen bedeutet entweder null oder fehlend.")
    return source


@lru_cache(maxsize=16)
def load_city(slug: str, root: Path | None = None) -> CityPack:
    root = Path(root) if root else project_root()
    folder = root / "data" / slug
    shown = f"data/{slug}/city.yml"
    if not (folder / "city.yml").is_file():
        packs = sorted(p.parent.name for p in (root / "data").glob("*/city.yml"))
        raise InputError(f"Stadtpaket '{slug}' nicht gefunden.", file=shown,
                         hint=did_you_mean(slug, packs) or f"Vorhandene Pakete: {', '.join(packs) or 'keine'}")
    _refuse_links_out_of(folder, slug)
    raw = load_yaml(folder / "city.yml", shown)
    check_schema(raw, city_schema(), shown)

    geometry, areas = _areas_and_geometry(raw, folder, slug, shown, Limits(**raw.get("limits", {})))
    editions = tuple(sorted(e["year"] for e in raw["editions"]))
    default = raw.get("default_edition", editions[-1])
    if default not in editions:
        raise InputError(f"default_edition {default} ist keine deklarierte Ausgabe ({editions}).",
                         file=shown, column="default_edition")
    sources = [_source(s, index, shown) for index, s in enumerate(raw["sources"])]
    return CityPack(
        slug=slug, folder=folder, name=raw["name"], area_label=raw.get("area_label", "Gebiet"),
        area_label_plural=raw.get("area_label_plural", "Gebiete"), areas=areas, geometry=geometry,
        editions=editions, corrections={e["year"]: e["correction"] for e in raw["editions"] if "correction" in e},
        default_edition=default, sources=tuple(sources), plausibility=Plausibility(**raw.get("plausibility", {})),
        limits=Limits(**raw.get("limits", {})),
        facilities=tuple(FacilityLayer.of(f) for f in raw.get("facilities", [])),
        need_plan=tuple(NeedPlan.of(n) for n in raw.get("need_plan", [])),
        development_demand=(DevelopmentDemand.of(raw["development_demand"]) if "development_demand" in raw
                            else None),
        developments=tuple(Development.of(d) for d in raw.get("developments", [])),
        programme_areas=tuple(ProgrammeArea.of(p) for p in raw.get("programme_areas", [])),
        measures_file=raw.get("measures_file"),
        local_knowledge=LocalKnowledgeConfig(**raw["local_knowledge"]) if "local_knowledge" in raw else None,
        attribution=raw["attribution"], headline_indicator=raw.get("headline_indicator"),
        publication=raw.get("publication", {}),
        social_index=SocialIndexConfig.of(raw["social_index"]) if "social_index" in raw else None,
        district_types=DistrictTypesConfig.of(raw["district_types"]) if "district_types" in raw else None,
        disclosure=DisclosureRules(**raw.get("disclosure", {})), derived_variables=raw.get("derived_variables", {}),
        sum_checks=tuple(SumCheck(c["total"], tuple(c["parts"]), c.get("tolerance_share", 0.0))
                         for c in raw.get("sum_checks", [])),
        indicator_entries=tuple(raw.get("indicators", ())),
        trend_indicators=tuple(raw.get("trend_indicators", ())),
        declared_profiles_title=raw.get("profiles_title"),
        levels=tuple(_level(lv, index, shown, folder) for index, lv in enumerate(raw.get("levels", []))),
        area_change=_area_change(raw, folder, slug, shown, sources))


def _areas_and_geometry(raw: dict, folder: Path, slug: str, shown: str, limits: Limits,
                        place: str = "") -> tuple[GeometrySpec | None, tuple[Area, ...]]:
    """The areas (listed, or read from the geometry) and their geometry, of the pack or of its areas before an
    area change (`place` is then 'area_change/before/')."""
    geometry = GeometrySpec.of(raw["geometry"]) if "geometry" in raw else None
    if geometry is not None:
        _check_geometry_keys(geometry, shown)
    if isinstance(raw["areas"], dict):
        if geometry is None or geometry.is_point_table:
            raise InputError("areas: from_geometry braucht eine Geometriedatei mit den Gebieten.", file=shown,
                             column=f"{place}areas", hint="Die Gebiete als Liste angeben (id, name).")
        first_year = raw["areas"].get("first_year", {})
        areas = tuple(Area(area_id, name, area_id, first_year.get(area_id))
                      for area_id, name in areas_from_geometry(folder, slug, geometry, limits))
        for area_id in first_year:
            if area_id not in {a.id for a in areas}:
                raise InputError(f"Gebiets-ID '{area_id}' unter areas/first_year ist unbekannt.", file=shown,
                                 column=f"{place}areas/first_year")
    else:
        areas = tuple(Area(a["id"], a["name"], a.get("geometry_id"), a.get("first_year"), tuple(a.get("aliases", ())))
                      for a in raw["areas"])
    areas = _distinct_names(areas)
    seen = set()
    for index, area in enumerate(areas):
        if area.id in seen:
            raise InputError(f"Gebiets-ID '{area.id}' ist doppelt.", file=shown, column=f"{place}areas/{index}/id")
        seen.add(area.id)
    return geometry, areas


def _area_change(raw: dict, folder: Path, slug: str, shown: str, sources: list[Source]) -> AreaChange | None:
    """`area_change:` the earlier areas, with the checks that the apportioning of earlier years needs."""
    if "area_change" not in raw:
        return None
    change = raw["area_change"]
    before = change["before"]
    place = "area_change/before/"
    geometry, areas = _areas_and_geometry(before, folder, slug, shown, Limits(**raw.get("limits", {})), place)
    if geometry is None or geometry.is_point_table or "geometry" not in raw or "x_field" in raw["geometry"]:
        raise InputError("Eine Gebietsänderung wird über die Flächen beider Gebietsstände umgerechnet: beide "
                         "brauchen eine Geometrie mit Flächen.", file=shown, column="area_change/before/geometry")
    for index, source in enumerate(sources):
        if not source.years:
            raise InputError(f"Quelle {source.file}: bei einer Gebietsänderung (area_change) braucht jede Quelle "
                             "eine Datei je Jahr ('{year}' im Dateinamen und years), damit die Jahre vor der "
                             "Änderung mit den früheren Gebieten gelesen werden.", file=shown,
                             column=f"sources/{index}")
    return AreaChange(
        change["date"], change["first_year"], change["title"], areas, geometry,
        tuple(_level(lv, index, shown, folder, f"{place}levels")
              for index, lv in enumerate(before.get("levels", []))),
        before.get("area_label"), before.get("area_label_plural"), change.get("matches", {}).get("file"),
        change.get("overlay_crs", "EPSG:25833"), change.get("tolerance_share", 0.02))

"""Area geometries from the city pack, matched to the declared areas."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry import Point
from shapely.validation import explain_validity

from analysis.errors import InputError, did_you_mean, raise_all
from analysis.pack.model import CityPack, GeometrySpec, Limits, confined_path
from analysis.text import name_key, repaired_umlauts


@dataclass(frozen=True)
class AppliedCorrection:
    feature: int          # number of the feature in the file, from 1
    old_id: str
    new_id: str
    reason: str


@dataclass(frozen=True)
class AppliedRepair:
    feature: int          # number of the feature in the file, from 1
    area_id: str
    name: str
    problem: str          # shapely's explanation of the invalidity
    area_before: float    # in the file's units
    area_after: float


def _read_file(folder: Path, shown: str, spec: GeometrySpec, limits: Limits) -> gpd.GeoDataFrame:
    path = confined_path(folder, spec.file, shown)
    if not path.is_file():
        raise InputError("Geometriedatei fehlt.", file=shown)
    limits.check_size(path, shown)
    if path.suffix == ".zip":
        uri = f"zip://{path}!{spec.layer}" if spec.layer else f"zip://{path}"
    else:
        uri = str(path)
    try:
        frame = gpd.read_file(uri)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"Geometrie nicht lesbar: {exc}", file=shown) from None
    for field in (spec.id_field, spec.name_field):
        if field and field not in frame.columns:
            raise InputError(f"Feld '{field}' fehlt in der Geometrie.", file=shown, column=field,
                             hint=did_you_mean(field, list(frame.columns)))
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame or frame.geometry.isna().all():
        raise InputError("Die Datei enthält keine Geometrien (Flächen).", file=shown,
                         hint="Eine Geometriedatei mit Flächen angeben (Shapefile, GeoPackage, GeoJSON).")
    _check_crs(frame, spec, shown)
    if frame.geometry.has_z.any():
        # A height axis (3-D polygons) carries nothing for maps and areas.
        frame = frame.set_geometry(shapely.force_2d(frame.geometry.values))
    _check_coordinates_fit_the_crs(frame, shown)
    return frame


def _check_crs(frame: gpd.GeoDataFrame, spec: GeometrySpec, shown: str) -> None:
    """The file's CRS must be the declared one, compared horizontally (a height axis does not matter);
    `crs: from_file` takes what the file declares."""
    if frame.crs is None:
        raise InputError("Die Datei nennt kein Koordinatensystem (z. B. fehlt die .prj-Datei).", file=shown,
                         hint="Das Koordinatensystem unter geometry: crs angeben, z. B. EPSG:25832.")
    if spec.crs == "from_file":
        return
    try:
        declared = CRS.from_user_input(spec.crs)
    except CRSError as exc:
        raise InputError(f"Koordinatensystem '{spec.crs}' ist unbekannt: {exc}.", file=shown, column="crs",
                         hint="Einen EPSG-Code (EPSG:25832), WKT oder PROJ-Text angeben, oder 'from_file'.") from None
    if not _same_place(frame, _horizontal(frame.crs), _horizontal(declared)):
        raise InputError(f"Koordinatensystem der Datei ({frame.crs.name}) ist nicht das deklarierte "
                         f"({declared.name}).", file=shown, column="crs",
                         hint="Geometrie umprojizieren, 'crs' in city.yml korrigieren oder 'crs: from_file' "
                              "angeben, wenn die Angabe der Datei (.prj) stimmt.")


def _same_place(frame: gpd.GeoDataFrame, found: CRS, declared: CRS) -> bool:
    """Whether two descriptions name the same system: equal, or mapping the file's extent onto itself to the
    millimetre (a .prj in ESRI words and the same system as PROJ text differ in names, not in place)."""
    if found.equals(declared, ignore_axis_order=True):
        return True
    min_x, min_y, max_x, max_y = frame.total_bounds
    xs, ys = [min_x, max_x, min_x, max_x], [min_y, min_y, max_y, max_y]
    try:
        moved_x, moved_y = Transformer.from_crs(found, declared, always_xy=True).transform(xs, ys)
    except ProjError:
        return False
    return all(abs(a - b) < 0.001 for a, b in zip([*xs, *ys], [*moved_x, *moved_y]))


def _horizontal(crs: CRS) -> CRS:
    try:
        return crs.to_2d()
    except CRSError:
        return crs


def _check_coordinates_fit_the_crs(frame: gpd.GeoDataFrame, shown: str) -> None:
    """A file whose .prj names a projected system (metres) but whose coordinates are degrees, or the other
    way round, would put every area in the wrong place: refused with what was found."""
    min_x, min_y, max_x, max_y = frame.total_bounds
    in_degrees = -180 <= min_x and max_x <= 180 and -90 <= min_y and max_y <= 90
    if frame.crs.is_projected and in_degrees:
        raise InputError(f"Die Koordinaten ({min_x:.4f} … {max_x:.4f}, {min_y:.4f} … {max_y:.4f}) sind Längen- und "
                         f"Breitengrade, die Datei erklärt aber das metrische System {frame.crs.name}.", file=shown,
                         hint="Die .prj-Datei passt nicht zu den Daten: die Geometrie mit dem richtigen "
                              "Koordinatensystem (z. B. EPSG:4326) neu exportieren.")
    if frame.crs.is_geographic and not in_degrees:
        raise InputError(f"Die Koordinaten ({min_x:,.0f} … {max_x:,.0f}) sind keine Längen- und Breitengrade, die "
                         f"Datei erklärt aber {frame.crs.name}.", file=shown,
                         hint="Die Geometrie mit dem richtigen Koordinatensystem neu exportieren.")


def read_features(folder: Path, shown: str, spec: GeometrySpec,
                  limits: Limits) -> tuple[gpd.GeoDataFrame, list[AppliedCorrection]]:
    """The features of a geometry file with string ids, the pack's declared corrections applied.

    A correction names an id and a point: of the features with that id, the nearest one gets the
    corrected id. Ids must be unique afterwards."""
    frame = _read_file(folder, shown, spec, limits)
    ids = frame[spec.id_field].astype(str)
    applied = []
    for number, correction in enumerate(spec.corrections):
        candidates = ids[ids == correction.id]
        if candidates.empty:
            raise InputError(f"Korrektur für Geometrie-ID '{correction['id']}': kein Objekt mit dieser ID.",
                             file=shown, column=f"geometry/corrections/{number}",
                             hint="Die Korrektur ist überholt: aus city.yml entfernen.")
        point = Point(correction.near)
        distances = {i: frame.geometry[i].distance(point) for i in candidates.index}
        nearest = min(distances, key=distances.get)
        ids.loc[nearest] = correction.correct_id
        applied.append(AppliedCorrection(int(nearest) + 1, correction.id, correction.correct_id,
                                         correction.reason))
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        first = ids[ids == duplicated.iloc[0]].index
        raise InputError(f"Geometrie-ID '{duplicated.iloc[0]}' kommt mehrfach vor (Objekte "
                         f"{', '.join(str(i + 1) for i in first)}).", file=shown,
                         row=int(duplicated.index[0]) + 1, column=spec.id_field,
                         hint="Ist eine ID falsch vergeben, unter geometry: corrections die richtige ID mit "
                              "einem Punkt im Objekt (near) und dem Grund deklarieren.")
    frame = frame.assign(**{spec.id_field: ids})
    return frame, applied


def areas_from_geometry(folder: Path, slug: str, spec: GeometrySpec,
                        limits: Limits) -> list[tuple[str, str]]:
    """(id, name) of every feature, in file order (for packs declaring `areas: {from_geometry: true}`)."""
    shown = f"data/{slug}/{spec.file}"
    if not spec.name_field:
        raise InputError("areas: from_geometry braucht geometry: name_field.", file=f"data/{slug}/city.yml",
                         column="geometry/name_field")
    frame, _ = read_features(folder, shown, spec, limits)
    return list(zip(frame[spec.id_field], frame[spec.name_field].astype(str)))


def _without_geometry(pack: CityPack) -> gpd.GeoDataFrame:
    areas = gpd.GeoDataFrame({"area_id": pack.area_ids, "name": [a.name for a in pack.areas]},
                             geometry=gpd.GeoSeries([None] * len(pack.areas)), crs=None).set_index("area_id")
    areas.attrs["corrections"], areas.attrs["repairs"], areas.attrs["unlocated"] = [], [], []
    return areas


def _point_table(pack: CityPack, spec: GeometrySpec, shown: str) -> gpd.GeoDataFrame:
    """A CSV with one point per area: x_field, y_field, and the id (or name) in id_field."""
    path = confined_path(pack.folder, spec.file, shown)
    if not path.is_file():
        raise InputError("Geometriedatei fehlt.", file=shown)
    pack.limits.check_size(path, shown)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter))
    header = [h.strip() for h in rows[0]] if rows else []
    for column in (spec.id_field, spec.x_field, spec.y_field):
        if column not in header:
            raise InputError(f"Spalte '{column}' fehlt.", file=shown, row=1, column=column,
                             hint=did_you_mean(column, header) or f"Vorhandene Spalten: {', '.join(header)}")
    key, x, y = (header.index(c) for c in (spec.id_field, spec.x_field, spec.y_field))
    records, errors = [], []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            coordinates = []
            for position, column in ((x, spec.x_field), (y, spec.y_field)):
                cell = cells[position].strip() if position < len(cells) else ""
                try:
                    coordinates.append(float(cell.replace(",", ".")))
                except ValueError:
                    raise InputError(f"'{cell}' ist keine Koordinate.", file=shown, row=line, column=column) from None
            records.append({spec.id_field: cells[key].strip(), "geometry": Point(coordinates), "line": line})
        except InputError as error:
            errors.append(error)
    raise_all(errors)
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=spec.crs)
    _check_coordinates_fit_the_crs(frame, shown)
    return frame


def _matched_ids(pack: CityPack, spec: GeometrySpec, frame: gpd.GeoDataFrame, shown: str) -> pd.Series:
    """The area id of every feature: ids as given, or names matched like the sources' (aliases, case, spaces,
    broken umlauts); an unknown one is an error naming its row."""
    cells = frame[spec.id_field].astype(str).str.strip()
    if spec.area_key != "name":
        return cells
    by_name = {}
    for area in pack.areas:
        for spelling in (area.name, *area.aliases):
            by_name.setdefault(name_key(spelling), area.id)
    errors = []
    for number, cell in cells.items():
        if name_key(cell) not in by_name:
            row = int(frame["line"][number]) if "line" in frame else int(number) + 1
            suggestion = did_you_mean(repaired_umlauts(cell), [a.name for a in pack.areas])
            errors.append(InputError(f"{pack.area_label} '{cell}' ist unbekannt.", file=shown, row=row,
                                     column=spec.id_field,
                                     hint=f"{suggestion} Dann die Schreibweise als alias des Gebiets deklarieren."
                                     if suggestion else "Die Gebiete stehen unter areas in city.yml."))
    raise_all(errors)
    return cells.map(lambda cell: by_name[name_key(cell)])


def _points(pack: CityPack, spec: GeometrySpec, shown: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Areas located by a point each; an area without one stays without location (listed in attrs)."""
    frame = frame.assign(area_id=_matched_ids(pack, spec, frame, shown).to_numpy())
    repeated = frame["area_id"][frame["area_id"].duplicated()]
    if len(repeated):
        raise InputError(f"Für {pack.area_label} '{repeated.iloc[0]}' stehen mehrere Punkte in der Datei.",
                         file=shown, column=spec.id_field, hint="Je Gebiet genau einen Punkt angeben.")
    unknown = sorted(set(frame["area_id"]) - set(pack.area_ids))
    if unknown:
        raise InputError(f"{pack.area_label} '{unknown[0]}' ist unbekannt.", file=shown, column=spec.id_field,
                         hint=did_you_mean(unknown[0], pack.area_ids) or "Die Gebiete stehen unter areas in city.yml.")
    located = dict(zip(frame["area_id"], frame.geometry))
    areas = gpd.GeoDataFrame({"area_id": pack.area_ids, "name": [a.name for a in pack.areas]},
                             geometry=gpd.GeoSeries([located.get(a) for a in pack.area_ids]),
                             crs=frame.crs).set_index("area_id")
    areas.attrs["corrections"], areas.attrs["repairs"] = [], []
    areas.attrs["unlocated"] = [a for a in pack.area_ids if a not in located]
    return areas


def geometry_kind(areas: gpd.GeoDataFrame) -> str:
    """'polygons', 'points' (an area is a point of the source) or 'none' (no geometry at all)."""
    types = set(areas.geometry.dropna().geom_type)
    if not types:
        return "none"
    return "points" if types <= {"Point"} else "polygons"


def load_areas(pack: CityPack) -> gpd.GeoDataFrame:
    """A GeoDataFrame indexed by area_id with name and geometry, in the pack's declared CRS: polygons, points
    (areas without a point have none) or, for a pack without geometry, no geometry at all."""
    spec = pack.geometry
    if spec is None:
        return _without_geometry(pack)
    shown = pack.display_path(spec.file)
    if spec.is_point_table:
        return _points(pack, spec, shown, _point_table(pack, spec, shown))
    frame, corrections = read_features(pack.folder, shown, spec, pack.limits)
    if set(frame.geometry.dropna().geom_type) <= {"Point"}:
        return _points(pack, spec, shown, frame)
    ids = frame[spec.id_field]
    by_geometry_id = dict(zip(ids, frame.geometry))
    feature_number = {geometry_id: number for number, geometry_id in enumerate(ids, start=1)}
    rows = []
    for area in pack.areas:
        geometry_id = area.geometry_id or area.id
        if geometry_id not in by_geometry_id:
            raise InputError(f"Keine Geometrie für {pack.area_label} {area.id} ({area.name}, "
                             f"ID '{geometry_id}').", file=shown, column=spec.id_field)
        rows.append({"area_id": area.id, "name": area.name, "geometry": by_geometry_id[geometry_id]})
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=frame.crs).set_index("area_id")
    empty = areas[areas.geometry.isna() | areas.geometry.is_empty]
    if len(empty):
        area = pack.areas[pack.area_ids.index(empty.index[0])]
        raise InputError(f"Das Objekt für {pack.area_label} {area.id} ({area.name}) hat keine Fläche "
                         f"(leere Geometrie){f' – ebenso {len(empty) - 1} weitere' if len(empty) > 1 else ''}.",
                         file=shown, row=feature_number[area.geometry_id or area.id], column="geometry",
                         hint="Die Geometrie neu exportieren; die Zeile ist die Nummer des Objekts in der Datei.")
    repaired = []
    if spec.repair == "make_valid":
        for area_id in areas.index[~areas.is_valid]:
            area = pack.areas[pack.area_ids.index(area_id)]
            before = areas.at[area_id, "geometry"]
            fixed = shapely.make_valid(before)
            # make_valid may return lines beside the polygons: only the area is kept.
            polygons = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
            after = shapely.union_all(polygons)
            areas.at[area_id, "geometry"] = after
            repaired.append(AppliedRepair(feature_number[area.geometry_id or area.id], area.id, area.name,
                                          explain_validity(before), before.area, after.area))
    invalid = areas[~areas.is_valid]
    if len(invalid):
        area = pack.areas[pack.area_ids.index(invalid.index[0])]
        raise InputError(f"Ungültige Geometrie für {pack.area_label} {area.id} ({area.name}): "
                         f"{explain_validity(invalid.geometry.iloc[0])}.", file=shown,
                         row=feature_number[area.geometry_id or area.id], column="geometry",
                         hint="Geometrie reparieren (z. B. mit 'Geometrien reparieren' in QGIS) oder unter "
                              "geometry 'repair: make_valid' angeben (die Reparatur wird gemeldet); die Zeile ist "
                              "die Nummer des Objekts in der Datei.")
    areas.attrs["corrections"] = corrections
    areas.attrs["repairs"] = repaired
    areas.attrs["unlocated"] = []
    return areas

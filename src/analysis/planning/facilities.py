"""Facility layers of the city pack (`facilities:`): points read from GeoJSON or from a CSV with coordinate
columns, checked like every other input, and joined to the areas by polygon.

Only the fields a layer declares as publishable leave this module; the others (a head's name, a phone
number) are read for nothing but the checks."""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from analysis.errors import InputError, did_you_mean
from analysis.inputs.validate import Finding
from analysis.pack.model import CityPack, FacilityLayer

GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")


@dataclass
class Facilities:
    """One layer's facilities: index = facility id; columns name, area_id, the capacities, the published
    fields and the point geometry in the areas' CRS."""
    layer: FacilityLayer
    points: gpd.GeoDataFrame


def _read_points(pack: CityPack, layer: FacilityLayer, shown: str) -> gpd.GeoDataFrame:
    path = pack.path(layer.file)
    if not path.is_file():
        raise InputError("Datei der Einrichtungen fehlt.", file=shown,
                         hint="Datei in den Ordner raw/ des Pakets legen.")
    pack.limits.check_size(path, shown)
    if path.suffix.lower() in GEO_SUFFIXES:
        try:
            frame = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types for unreadable files
            raise InputError(f"Datei nicht lesbar: {exc}", file=shown) from None
        if frame.crs is not None and not frame.crs.equals(layer.crs) and frame.crs.to_epsg() != _epsg(layer.crs):
            raise InputError(f"Koordinatensystem {frame.crs} statt des deklarierten {layer.crs}.", file=shown,
                             hint="'crs' der Ebene in city.yml korrigieren.")
        return frame.set_crs(layer.crs, allow_override=True)
    if not (layer.x_field and layer.y_field):
        raise InputError(f"Ebene '{layer.id}': Eine CSV-Datei braucht x_field und y_field (Spalten der Koordinaten).",
                         file=f"data/{pack.slug}/city.yml", column="facilities")
    try:
        table = pd.read_csv(path, sep=layer.delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"keine lesbare CSV-Tabelle: {exc}", file=shown) from None
    for column in (layer.x_field, layer.y_field):
        if column not in table.columns:
            raise InputError(f"Spalte '{column}' fehlt.", file=shown, row=1, column=column,
                             hint=did_you_mean(column, list(table.columns)))
    points = []
    for number, (x_text, y_text) in enumerate(zip(table[layer.x_field], table[layer.y_field]), start=2):
        try:
            x, y = float(x_text.replace(",", ".")), float(y_text.replace(",", "."))
        except ValueError:
            raise InputError(f"Koordinaten fehlen oder sind keine Zahlen ('{x_text}', '{y_text}').", file=shown,
                             row=number, column=f"{layer.x_field}/{layer.y_field}",
                             hint="Jede Einrichtung braucht ihre Koordinaten.") from None
        points.append(Point(x, y))
    return gpd.GeoDataFrame(table, geometry=points, crs=layer.crs)


def _epsg(crs: str) -> int | None:
    text = crs.upper()
    return int(text.split(":")[1]) if text.startswith("EPSG:") and text.split(":")[1].isdigit() else None


def _number(value, shown: str, row: int, column: str) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return 0.0
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        raise InputError(f"Kapazität '{value}' ist keine Zahl.", file=shown, row=row, column=column) from None


def _plain(name: str) -> str:
    return unicodedata.normalize("NFC", str(name)).strip().casefold()


def read_layer(pack: CityPack, layer: FacilityLayer, areas: gpd.GeoDataFrame,
               numeric_fields: tuple[str, ...] = ()) -> tuple[Facilities, list[Finding]]:
    """The layer's facilities joined to the areas, and findings where the layer names another area than
    its coordinates lie in. Rows in a CSV count from 2 (the header is row 1); features of a GeoJSON
    from 1. `numeric_fields` are further numbers a need plan uses (e.g. group counts); like the capacities
    they must be numbers, and they are kept beside the published fields."""
    shown = pack.display_path(layer.file)
    frame = _read_points(pack, layer, shown)
    first_row = 2 if layer.x_field else 1
    capacity_fields = list(dict.fromkeys([*(c.field for c in layer.capacities), *numeric_fields]))
    needed = [f for f in (layer.id_field, layer.name_field, layer.area_name_field) if f]
    for field in [*needed, *capacity_fields, *layer.published_fields]:
        if field not in frame.columns:
            raise InputError(f"Feld '{field}' fehlt in den Einrichtungen '{layer.title}'.", file=shown, column=field,
                             hint=did_you_mean(field, [c for c in frame.columns if c != "geometry"])
                             or "Feldnamen unter facilities in city.yml prüfen.")
    for number, geometry in enumerate(frame.geometry, start=first_row):
        if geometry is None or geometry.is_empty:
            raise InputError("Einrichtung ohne Koordinaten.", file=shown, row=number, column="geometry",
                             hint="Koordinaten ergänzen oder die Einrichtung aus der Datei nehmen.")
        if geometry.geom_type != "Point":
            raise InputError(f"Einrichtung als {geometry.geom_type} statt als Punkt.", file=shown, row=number)
    ids = (frame[layer.id_field].astype(str) if layer.id_field
           else pd.Series([str(n) for n in range(first_row, first_row + len(frame))], index=frame.index))
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise InputError(f"Kennung '{duplicated.iloc[0]}' kommt mehrfach vor.", file=shown,
                         row=int(duplicated.index[0]) + first_row, column=layer.id_field)
    for field in capacity_fields:
        frame[field] = [_number(v, shown, n, field) for n, v in enumerate(frame[field], start=first_row)]
    located = frame.to_crs(areas.crs)
    polygons = areas[["geometry"]].reset_index(names="area_id")
    joined = gpd.sjoin(located[["geometry"]], polygons, how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    findings = []
    outside = joined["area_id"].isna()
    if outside.any():
        position = int(frame.index.get_loc(outside.idxmax()))
        point = frame.geometry.iloc[position]
        raise InputError(f"Einrichtung „{frame[layer.name_field].iloc[position]}“ liegt außerhalb der Gebiete "
                         f"der Stadt ({point.x:.5f}, {point.y:.5f}).", file=shown, row=position + first_row,
                         hint="Koordinaten prüfen (vertauschte Breite und Länge?) oder die Einrichtung entfernen.")
    if layer.area_name_field:
        by_name = {_plain(name): area_id for area_id, name in pack.area_names.items()}
        for position, (stated, area_id) in enumerate(zip(frame[layer.area_name_field], joined["area_id"])):
            if _plain(stated) == _plain(pack.area_names[area_id]):
                continue
            known = _plain(stated) in by_name
            findings.append(Finding(
                "facility_area_differs", shown, position + first_row, layer.area_name_field, None, area_id,
                f"{layer.title}: „{frame[layer.name_field].iloc[position]}“ ist im Datensatz "
                f"{'dem ' + pack.area_label if known else 'dem unbekannten Gebiet'} „{stated}“ zugeordnet, liegt nach "
                f"seinen Koordinaten aber in {pack.area_names[area_id]}. Der Bericht folgt den Koordinaten."))
    published = [f for f in layer.published_fields if f not in capacity_fields]
    points = gpd.GeoDataFrame({"name": frame[layer.name_field].astype(str).to_numpy(),
                               "area_id": joined["area_id"].to_numpy(),
                               **{f: frame[f].to_numpy() for f in capacity_fields},
                               **{f: frame[f].to_numpy() for f in published if f != layer.name_field}},
                              geometry=located.geometry.to_numpy(), crs=areas.crs, index=pd.Index(ids, name="id"))
    return Facilities(layer, points), findings

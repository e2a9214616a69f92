"""Area geometries from the city pack, matched to the declared areas."""
from __future__ import annotations

import geopandas as gpd

from .config import CityPack
from .errors import InputError


def load_areas(pack: CityPack) -> gpd.GeoDataFrame:
    """A GeoDataFrame indexed by area_id with name and geometry, in the pack's declared CRS."""
    spec = pack.geometry
    shown = pack.display_path(spec["file"])
    path = pack.path(spec["file"])
    if not path.is_file():
        raise InputError("Geometriedatei fehlt.", file=shown)
    if path.suffix == ".zip":
        uri = f"zip://{path}!{spec['layer']}" if "layer" in spec else f"zip://{path}"
    else:
        uri = str(path)
    try:
        frame = gpd.read_file(uri)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"Geometrie nicht lesbar: {exc}", file=shown) from None
    if spec["id_field"] not in frame.columns:
        raise InputError(f"Feld '{spec['id_field']}' fehlt in der Geometrie.", file=shown, column=spec["id_field"])
    if frame.crs is None or frame.crs.to_string() != spec["crs"] and not frame.crs.equals(spec["crs"]):
        raise InputError(f"Koordinatensystem {frame.crs} statt des deklarierten {spec['crs']}.", file=shown,
                         hint="Geometrie umprojizieren oder 'crs' in city.yml korrigieren.")
    ids = frame[spec["id_field"]].astype(str)
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise InputError(f"Geometrie-ID '{duplicated.iloc[0]}' kommt mehrfach vor.", file=shown,
                         row=int(duplicated.index[0]) + 1, column=spec["id_field"])
    by_geometry_id = dict(zip(ids, frame.geometry))
    feature_number = {geometry_id: number for number, geometry_id in enumerate(ids, start=1)}
    rows = []
    for area in pack.areas:
        geometry_id = area.geometry_id or area.id
        if geometry_id not in by_geometry_id:
            raise InputError(f"Keine Geometrie für {pack.area_label} {area.id} ({area.name}, "
                             f"ID '{geometry_id}').", file=shown, column=spec["id_field"])
        rows.append({"area_id": area.id, "name": area.name, "geometry": by_geometry_id[geometry_id]})
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=frame.crs).set_index("area_id")
    invalid = areas[~areas.is_valid]
    if len(invalid):
        from shapely.validation import explain_validity

        area = pack.areas[pack.area_ids.index(invalid.index[0])]
        raise InputError(f"Ungültige Geometrie für {pack.area_label} {area.id} ({area.name}): "
                         f"{explain_validity(invalid.geometry.iloc[0])}.", file=shown,
                         row=feature_number[area.geometry_id or area.id], column="geometry",
                         hint="Geometrie reparieren (z. B. mit 'Geometrien reparieren' in QGIS); die Zeile ist "
                              "die Nummer des Objekts in der Datei.")
    return areas

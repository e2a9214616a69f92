"""The crosswalk of an area change: which share of each earlier area's territory lies in which of today's areas.

Computed by overlaying the two polygon sets in a metric CRS. Where the pack names exact correspondences
(`area_change: matches`), they take precedence: an earlier area matched to one area goes there whole; one
matched to several is split among those by the overlay's shares. Where the overlay disagrees with a match
(territory beyond the tolerance in an area the match does not name, or a named area the overlay does not
reach), that is a finding; the match still decides."""
from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from analysis.errors import InputError
from analysis.pack.geometry import load_areas
from analysis.pack.model import CityPack
from analysis.text import format_number

BASIS_MATCH = "Zuordnung"        # the share follows an exact correspondence of the pack
BASIS_OVERLAY = "Verschneidung"  # the share is the overlaid territory
EXACT_SHARE = 1 - 1e-9


@dataclass(frozen=True)
class Disagreement:
    """An earlier area whose published correspondence and overlay differ."""
    old_id: str
    matched: tuple[str, ...]
    overlaid: tuple[tuple[str, float], ...]   # (today's area, share of the earlier area's territory)

    def message(self, old_names: dict[str, str], new_names: dict[str, str]) -> str:
        named = ", ".join(f"{i} {new_names.get(i, '')}".strip() for i in self.matched)
        found = ", ".join(f"{i} {new_names.get(i, '')} ({format_number(share * 100, 1)} %)".strip()
                          for i, share in self.overlaid) or "keinem heutigen Gebiet"
        return (f"{self.old_id} {old_names.get(self.old_id, '')}: die Zuordnung nennt {named}, die Verschneidung "
                f"der Flächen ergibt {found}. Es gilt die Zuordnung.")


@dataclass
class Crosswalk:
    shares: pd.DataFrame                 # old_id, new_id, share (of the old area's counts), basis
    disagreements: list[Disagreement]
    overlay: pd.DataFrame                # old_id, new_id, share of territory (above the tolerance), as overlaid

    def exact_areas(self, parent_of=None) -> set[str]:
        """Today's areas (or, with `parent_of`, their parents on a higher level) made of whole earlier areas
        only, where the overlay agrees: their earlier values are sums of counts, not estimates."""
        parent_of = parent_of or (lambda area_id: area_id)
        into = self.shares.assign(unit=self.shares["new_id"].map(parent_of)).groupby(["old_id", "unit"])["share"].sum()
        whole = (into >= EXACT_SHARE).groupby(level="unit").all()
        doubtful = set()
        for d in self.disagreements:
            units = {parent_of(n) for n in (*d.matched, *(i for i, _ in d.overlaid))}
            doubtful |= units if len(units) > 1 else set()
        return set(whole[whole].index) - doubtful


def overlay_shares(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, crs: str, tolerance: float) -> pd.DataFrame:
    """old_id, new_id, share: the share of each earlier area's territory in each of today's areas (both frames
    indexed by area id). Slivers below `tolerance` are digitising differences and left out; the rest is scaled
    to sum to 1 for each earlier area."""
    before = old.to_crs(crs).rename_axis("old_id").reset_index()[["old_id", "geometry"]]
    after = new.to_crs(crs).rename_axis("new_id").reset_index()[["new_id", "geometry"]]
    pieces = gpd.overlay(before, after, how="intersection", keep_geom_type=True)
    pieces["share"] = pieces.area / pieces["old_id"].map(before.set_index("old_id").area)
    pieces = pieces[pieces["share"] >= tolerance]
    pieces["share"] = pieces["share"] / pieces.groupby("old_id")["share"].transform("sum")
    return pd.DataFrame(pieces[["old_id", "new_id", "share"]]).reset_index(drop=True)


def read_matches(pack: CityPack, old_ids: set[str], new_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """Earlier area → today's areas, as the pack's matches file gives them. Keys that are no earlier area (the
    file may hold other levels or the other direction) are left aside; a match naming an unknown area of
    today is an error."""
    relative = pack.area_change.matches_file
    if relative is None:
        return {}
    shown = pack.display_path(relative)
    path = pack.path(relative)
    if not path.is_file():
        raise InputError("Datei fehlt.", file=shown, column="area_change/matches/file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(f"kein lesbares JSON: {exc}", file=shown) from None
    if not isinstance(document, dict):
        raise InputError("Die Zuordnung muss ein JSON-Objekt sein: frühere ID → Liste heutiger IDs.", file=shown)
    matches = {}
    for old_id, targets in document.items():
        if old_id not in old_ids:
            continue
        targets = [targets] if isinstance(targets, str) else list(targets)
        unknown = [t for t in targets if t not in new_ids]
        if unknown or not targets:
            raise InputError(f"Die Zuordnung von {old_id} nennt "
                             + (f"das unbekannte Gebiet '{unknown[0]}'." if unknown else "kein Gebiet."),
                             file=shown, column=old_id,
                             hint="Jede frühere ID muss auf heutige IDs des Pakets zeigen.")
        matches[old_id] = tuple(targets)
    return matches


def combine(overlay: pd.DataFrame, matches: dict[str, tuple[str, ...]]) -> Crosswalk:
    """The crosswalk: the matches where given, the overlay elsewhere; every disagreement recorded."""
    rows, disagreements = [], []
    for old_id, overlaid in overlay.groupby("old_id", sort=True):
        found = dict(zip(overlaid["new_id"], overlaid["share"]))
        if old_id not in matches:
            rows += [(old_id, new_id, share, BASIS_OVERLAY) for new_id, share in found.items()]
            continue
        matched = matches[old_id]
        beyond = {n: s for n, s in found.items() if n not in matched}
        unreached = [n for n in matched if n not in found]
        if beyond or unreached:
            disagreements.append(Disagreement(old_id, matched, tuple(sorted(found.items(), key=lambda i: -i[1]))))
        if len(matched) == 1:
            rows.append((old_id, matched[0], 1.0, BASIS_MATCH))
            continue
        within = {n: found.get(n, 0.0) for n in matched}
        total = sum(within.values())
        # A split the overlay cannot weigh (none of the named areas reached) is shared equally.
        rows += [(old_id, n, (s / total) if total > 0 else 1 / len(matched), BASIS_MATCH) for n, s in within.items()]
    shares = pd.DataFrame(rows, columns=["old_id", "new_id", "share", "basis"])
    return Crosswalk(shares, disagreements, overlay)


def compute(pack: CityPack) -> Crosswalk:
    """The crosswalk of the pack's area change, from its two geometries and its matches."""
    change = pack.area_change
    old = load_areas(pack.before_change())
    new = load_areas(pack)
    overlay = overlay_shares(old, new, change.overlay_crs, change.tolerance_share)
    missing = sorted(set(old.index) - set(overlay["old_id"]))
    if missing:
        raise InputError(f"{len(missing)} frühere Gebiete liegen in keinem heutigen Gebiet, z. B. {missing[0]}.",
                         file=pack.display_path(change.geometry.file), column=change.geometry.id_field,
                         hint="Liegen beide Geometrien im richtigen Koordinatensystem (crs)?")
    return combine(overlay, read_matches(pack, set(old.index), set(new.index)))

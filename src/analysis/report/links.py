"""Where an edition's pages live, so that prose can link them and the build can write them there."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from analysis.pack.model import CityPack

PROFILE_FOLDER = "profiles"
SUPPLY_FOLDER = "versorgung"   # one page per need plan (facility type) of the infrastructure chapter
PROGRAMME_FOLDER = "foerdergebiete"   # one page per programme area
LEBENSLAGEN_FOLDER = "lebenslagen"   # one page per social group (the catalogue's group_pages)
# Above this many areas the profiles are listed on the profiles page only, not in every page's sidebar:
# Sphinx renders the sidebar into each page, so listing n profiles there costs n² (and helps no reader).
SIDEBAR_PROFILES_MAX = 60


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def section_page(folder: str, stem: str) -> str:
    """A generated section's page, linked from any page one folder deep (chapters, profiles, sections)."""
    return f"../{folder}/{stem}.ipynb"


def profile_stem(pack: CityPack, area_id: str) -> str:
    """File name (without suffix) of an area's profile page: sortable id, then the name.

    Safe whatever the id holds ('/', spaces, umlauts): numeric ids are zero-padded to sort, other ids
    slugified; an id that is the name is not repeated; names that slugify alike get their position."""
    return _profile_stems(tuple((a.id, a.name) for a in pack.areas))[area_id]


@lru_cache(maxsize=8)
def _profile_stems(areas: tuple[tuple[str, str], ...]) -> dict[str, str]:
    width = max((len(area_id) for area_id, _ in areas if area_id.isdigit()), default=0)
    stems, used = {}, set()
    for number, (area_id, name) in enumerate(areas, start=1):
        id_part = area_id.zfill(width) if area_id.isdigit() else slugify(area_id)
        parts = [part for part in dict.fromkeys([id_part, slugify(name)]) if part]
        stem = "-".join(parts) or f"gebiet-{number}"
        if stem in used:
            stem = f"{stem}-{number}"
        used.add(stem)
        stems[area_id] = stem
    return stems


def profiles_in_sidebar(pack: CityPack) -> bool:
    return len(pack.areas) <= SIDEBAR_PROFILES_MAX


DOWNLOAD_FOLDER = "daten"


def download_link(path: str, text: str) -> str:
    """A link to a download (MyST role of book/_ext/reader_markup.py): downloads are written next to the pages
    after Sphinx ran, so no Sphinx reference; a role, because raw HTML is escaped in generated markdown."""
    return f"{{datei}}`{role_text(text)} <{role_text(path)}>`"


def role_text(text: str) -> str:
    """Text safe inside a role of book/_ext/reader_markup.py ("shown <target>", also in table cells)."""
    return text.replace("`", "'").replace("|", "/").replace("<", "‹").replace(">", "›")

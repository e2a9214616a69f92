"""Local knowledge (`local_knowledge:` in the city pack): what actors on the ground report, one Markdown file
per entry with front matter (areas, kind, field of action, author, date, source, the indicators the
statement touches, an optional contact).

The contact is checked (an e-mail address or a phone number) so that the planning office can reach the
author, and then dropped: nothing in this module's result carries it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from analysis.documents import check_schema, parse_yaml
from analysis.errors import InputError, did_you_mean
from analysis.pack.model import CityPack, confined_path
from analysis.programmes.register import UNKNOWN, year_of

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[\d ()/-]{6,}$")


@lru_cache(maxsize=1)
def knowledge_schema() -> dict:
    return json.loads((Path(__file__).with_name("knowledge.schema.json")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Entry:
    file: str                         # the entry's file name, for its anchor and for planners
    area_ids: tuple[str, ...]
    kind: str
    field_of_action: str
    author: str
    date: str                         # YYYY[-MM[-DD]] or "unbekannt"
    source: str
    text: str                         # Markdown as written; the report escapes it like every data string
    indicators: tuple[str, ...] = ()

    def dated(self, edition_year: int, max_age_years: int) -> bool:
        """Older than the declared age at the end of the edition's year; an undated entry counts as dated."""
        year = year_of(self.date)
        return year is None or edition_year - year > max_age_years


def read_entries(pack: CityPack, indicator_ids: set[str], today: date | None = None) -> list[Entry]:
    config = pack.local_knowledge
    if config is None:
        return []
    folder = confined_path(pack.folder, config.folder, pack.display_path(config.folder))
    if not folder.is_dir():
        raise InputError("Der Ordner der Einträge fehlt.", file=pack.display_path(config.folder),
                         hint="Ordner anlegen oder local_knowledge aus city.yml entfernen.")
    today = today or date.today()
    entries = []
    for path in sorted(folder.glob("*.md")):
        shown = pack.display_path(f"{config.folder}/{path.name}")
        confined_path(pack.folder, f"{config.folder}/{path.name}", shown)
        pack.limits.check_size(path, shown)
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if not match:
            raise InputError("Der Eintrag beginnt nicht mit einem Kopf zwischen zwei Zeilen '---'.", file=shown,
                             row=1, hint="Kopf mit areas, kind, field_of_action, author, date, source.")
        header = parse_yaml(match.group(1), shown) or {}
        check_schema(header, knowledge_schema(), shown)
        for area_id in header["areas"]:
            if area_id not in pack.area_names:
                raise InputError(f"Gebiet '{area_id}' gibt es nicht.", file=shown, column="areas",
                                 hint=did_you_mean(area_id, pack.area_ids))
        for indicator in header.get("indicators", []):
            if indicator not in indicator_ids:
                raise InputError(f"Indikator '{indicator}' gibt es nicht.", file=shown, column="indicators",
                                 hint=did_you_mean(indicator, sorted(indicator_ids)))
        when = header["date"]
        if when != UNKNOWN:
            try:
                parsed = date.fromisoformat(when if len(when) == 10 else f"{when[:7]}-01" if len(when) == 7
                                            else f"{when}-01-01")
            except ValueError:
                raise InputError(f"Datum '{when}' gibt es nicht.", file=shown, column="date") from None
            if parsed > today:
                raise InputError(f"Datum {when} liegt in der Zukunft.", file=shown, column="date")
        contact = header.get("contact")
        if contact is not None and not (EMAIL.match(contact) or PHONE.match(contact)):
            raise InputError("Der Kontakt ist weder eine E-Mail-Adresse noch eine Telefonnummer.", file=shown,
                             column="contact", hint="Der Kontakt wird nie veröffentlicht; er dient nur Rückfragen.")
        body = match.group(2).strip()
        if not body:
            raise InputError("Der Eintrag hat keinen Text.", file=shown)
        entries.append(Entry(path.name, tuple(header["areas"]), header["kind"], header["field_of_action"],
                             header["author"], when, header["source"], body, tuple(header.get("indicators", []))))
    return entries

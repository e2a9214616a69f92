"""The register of measures (`measures_file:` in the city pack, YAML): what the city does where, since when,
with which status, budget, office and council decision, and which indicators it aims to move.

Checked like every input: the schema, then what the schema cannot know (areas and programme areas of the
pack, indicators of the catalogue, an end before the start), each error with the file, the line of the
measure and the field."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.documents import check_schema, parse_yaml
from analysis.errors import InputError, did_you_mean
from analysis.pack.model import CityPack, confined_path

UNKNOWN = "unbekannt"
STATUSES = ("geplant", "beschlossen", "in Umsetzung", "abgeschlossen", "eingestellt")
DIRECTIONS = {"increase": "steigen", "decrease": "sinken"}


@lru_cache(maxsize=1)
def register_schema() -> dict:
    return json.loads((Path(__file__).with_name("measures.schema.json")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class TargetIndicator:
    indicator: str
    direction: str                    # "increase" or "decrease": what the measure aims for


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    area_ids: tuple[str, ...]         # the areas it works in (a programme area's counted and named areas)
    programme_area: str | None
    field_of_action: str
    target_group: str
    start: str                        # YYYY[-MM[-DD]] or "unbekannt"
    end: str
    status: str
    status_date: str
    budget: str
    office: str
    decision: str
    source: str
    target_indicators: tuple[TargetIndicator, ...] = ()
    notes: str = ""

    @property
    def start_year(self) -> int | None:
        return year_of(self.start)

    def record(self) -> dict:
        """The measure as plain values, as the archive keeps it and the downloads publish it."""
        return {"id": self.id, "title": self.title, "programme_area": self.programme_area or "",
                "area_ids": list(self.area_ids), "field_of_action": self.field_of_action,
                "target_group": self.target_group, "start": self.start, "end": self.end, "status": self.status,
                "status_date": self.status_date, "budget": self.budget, "office": self.office,
                "decision": self.decision,
                "target_indicators": [f"{t.indicator}:{t.direction}" for t in self.target_indicators],
                "notes": self.notes, "source": self.source}


def year_of(date: str) -> int | None:
    return int(date[:4]) if date and date != UNKNOWN else None


def _line_of(text: str, measure_id: str) -> int | None:
    match = re.search(rf"^\s*-\s*id:\s*['\"]?{re.escape(measure_id)}['\"]?\s*$", text, flags=re.MULTILINE)
    return text[:match.start()].count("\n") + 1 if match else None


DATE_HINT = "Datum als JJJJ, JJJJ-MM oder JJJJ-MM-TT angeben, oder 'unbekannt', wenn die Quelle keines nennt."


def check_measure(raw, position: int, item_schema: dict, shown: str, text: str) -> None:
    """The schema for one measure, the error with the measure's line and a hint for dates."""
    line = _line_of(text, raw.get("id", "")) if isinstance(raw, dict) else None
    try:
        check_schema(raw, item_schema, shown)
    except InputError as error:
        field = error.column if error.column and error.column != "(oberste Ebene)" else ""
        hint = DATE_HINT if field.split("/")[0] in ("start", "end", "status_date") else error.hint
        raise InputError(error.problem, file=shown, row=line, column=f"measures/{position}/{field}".rstrip("/"),
                         hint=hint) from None


def read_register(pack: CityPack, indicator_ids: set[str]) -> list[Measure]:
    """The pack's measures, checked; empty when the pack declares no register."""
    if pack.measures_file is None:
        return []
    shown = pack.display_path(pack.measures_file)
    path = confined_path(pack.folder, pack.measures_file, shown)
    if not path.is_file():
        raise InputError("Das Maßnahmenregister fehlt.", file=shown,
                         hint="Datei anlegen oder measures_file aus city.yml entfernen.")
    pack.limits.check_size(path, shown)
    text = path.read_text(encoding="utf-8")
    document = parse_yaml(text, shown)
    schema = register_schema()
    check_schema({**document, "measures": []} if isinstance(document, dict) and isinstance(
        document.get("measures"), list) else document, schema, shown)
    for position, raw in enumerate(document["measures"]):
        check_measure(raw, position, schema["properties"]["measures"]["items"], shown, text)
    programmes = {p.id: p for p in pack.programme_areas}
    measures, seen = [], set()
    for position, raw in enumerate(document["measures"]):
        line = _line_of(text, raw["id"])

        def fail(problem: str, field: str, hint: str | None = None, raw=raw, line=line, position=position):
            raise InputError(f"Maßnahme '{raw['id']}': {problem}", file=shown, row=line,
                             column=f"measures/{position}/{field}", hint=hint)

        if raw["id"] in seen:
            fail("Die Kennung kommt zweimal vor.", "id")
        seen.add(raw["id"])
        if "programme_area" in raw:
            programme = programmes.get(raw["programme_area"])
            if programme is None:
                fail(f"Fördergebiet '{raw['programme_area']}' ist nicht deklariert.", "programme_area",
                     did_you_mean(raw["programme_area"], list(programmes)) or "programme_areas in city.yml")
            area_ids = tuple(a.area_id for a in programme.areas)
        else:
            area_ids = tuple(raw["areas"])
            for area_id in area_ids:
                if area_id not in pack.area_names:
                    fail(f"Gebiet '{area_id}' gibt es nicht.", "areas", did_you_mean(area_id, pack.area_ids))
        start, end = year_of(raw["start"]), year_of(raw["end"])
        if start and end and raw["end"] < raw["start"]:
            fail(f"Das Ende ({raw['end']}) liegt vor dem Beginn ({raw['start']}).", "end")
        targets = tuple(TargetIndicator(t["indicator"], t["direction"]) for t in raw.get("target_indicators", []))
        for number, target in enumerate(targets):
            if target.indicator not in indicator_ids:
                fail(f"Zielindikator '{target.indicator}' gibt es nicht.", f"target_indicators/{number}/indicator",
                     did_you_mean(target.indicator, sorted(indicator_ids)))
        measures.append(Measure(raw["id"], raw["title"], area_ids, raw.get("programme_area"), raw["field_of_action"],
                                raw["target_group"], raw["start"], raw["end"], raw["status"], raw["status_date"],
                                raw["budget"], raw["office"], raw["decision"], raw["source"], targets,
                                raw.get("notes", "")))
    return measures


@dataclass(frozen=True)
class Change:
    measure_id: str
    title: str
    kind: str   # "neu", "Status geändert", "abgeschlossen", "eingestellt", "nicht mehr im Register"
    before: str = ""
    after: str = ""
    date: str = ""


def changes(previous: list[dict], current: list[dict]) -> list[Change]:
    """What changed in the register between two editions: new measures, status changes (finished and
    stopped named as such), measures no longer listed; in the current register's order."""
    before = {m["id"]: m for m in previous}
    found = []
    for measure in current:
        old = before.get(measure["id"])
        if old is None:
            found.append(Change(measure["id"], measure["title"], "neu", after=measure["status"],
                                date=measure["status_date"]))
        elif old["status"] != measure["status"]:
            kind = measure["status"] if measure["status"] in ("abgeschlossen", "eingestellt") else "Status geändert"
            found.append(Change(measure["id"], measure["title"], kind, old["status"], measure["status"],
                                measure["status_date"]))
    kept = {m["id"] for m in current}
    found += [Change(m["id"], m["title"], "nicht mehr im Register", m["status"]) for m in previous
              if m["id"] not in kept]
    return found

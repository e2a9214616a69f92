"""The indicator catalogue (indicators.yml), checked against indicators.schema.json."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from functools import lru_cache
from importlib import resources

from analysis.documents import check_schema, parse_yaml
from analysis.errors import InputError, did_you_mean

CATALOG_SHOWN_AS = "src/analysis/catalog/indicators.yml"

# Short German names of the indicator kinds (tables, downloads).
KIND_NAMES = {"count": "Anzahl", "share": "Anteil", "ratio": "Verhältnis", "rate": "Rate", "external": "übernommen"}
POLARITY_TEXT = {
    "higher_is_worse": "höherer Wert = ungünstiger",
    "higher_is_better": "höherer Wert = günstiger",
    "neutral": "keine Wertung (Strukturmerkmal)",
}


def parse_terms(expression: str) -> list[tuple[int, str]]:
    """'a + b - c' → [(1, 'a'), (1, 'b'), (-1, 'c')]."""
    tokens = expression.split()
    terms, sign = [(1, tokens[0])], None
    for token in tokens[1:]:
        if token in "+-":
            sign = 1 if token == "+" else -1
        else:
            terms.append((sign, token))
    return terms


@dataclass(frozen=True)
class Classification:
    """How a map of the indicator is divided into classes (a mapclassify scheme and the number of classes)."""
    scheme: str = "quantiles"
    classes: int = 5


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    short_title: str
    description: str
    numerator: str
    denominator: str | None
    scale: int
    unit: str
    kind: str
    polarity: str
    topic: str
    source: str
    decimals: int
    field: str = "bevoelkerung"
    groups: tuple[str, ...] = ()
    base: str | None = None          # external shares: the count the published share refers to
    classification: Classification = Classification()
    profile_words: tuple[str, str] | None = None  # district-type names: ("viele Ältere", "wenige Ältere")

    @property
    def variables(self) -> set[str]:
        expressions = [self.numerator] + [e for e in (self.denominator, self.base) if e]
        return {name for e in expressions for _, name in parse_terms(e)}

    @property
    def is_need(self) -> bool:
        """Whether the indicator has a direction of need (neutral ones describe structure)."""
        return self.polarity != "neutral"

    @property
    def need_sign(self) -> int:
        """+1 where a higher value means more need, -1 where it means less, 0 for structure."""
        return {"higher_is_worse": 1, "higher_is_better": -1}.get(self.polarity, 0)

    @property
    def change_unit(self) -> str:
        """Unit of a difference between two values: percentage points for percentages."""
        return "Prozentpunkte" if self.unit == "%" else self.unit

    @property
    def polarity_text(self) -> str:
        return POLARITY_TEXT[self.polarity]

    @property
    def rank_meaning(self) -> str:
        """What Rang 1 means: ranks run in the direction of need; structure has none, so highest first."""
        return "Rang 1 = ungünstigster Wert" if self.is_need else "Rang 1 = höchster Wert"


@dataclass(frozen=True)
class Partition:
    """Variables that add up for every area and year (e.g. the age groups to all residents). Disclosure
    control keeps any one of them from being recomputed from the others."""
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """A field of action (Handlungsfeld) of the Lebenslagen pages."""
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class GroupPage:
    """A Lebenslagen page about one or more social groups; `population` names indicators whose numerator
    counts the group, in order of preference."""
    id: str
    title: str
    groups: tuple[str, ...]
    population: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, str]
    indicators: tuple[Indicator, ...]
    partitions: tuple[Partition, ...] = ()
    fields: tuple[Field, ...] = ()
    groups: dict[str, str] = dc_field(default_factory=dict)     # group id → German title
    group_pages: tuple[GroupPage, ...] = ()
    variables: dict[str, str] = dc_field(default_factory=dict)   # variable → German name

    def variable_name(self, variable: str) -> str:
        """The German name of a variable, else the variable itself (a pack's own variable without one)."""
        return self.variables.get(variable, variable)

    def field_title(self, field_id: str) -> str:
        return next(f.title for f in self.fields if f.id == field_id)

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise InputError(f"Indikator '{indicator_id}' steht nicht im Katalog.", file=CATALOG_SHOWN_AS,
                         hint=did_you_mean(indicator_id, [i.id for i in self.indicators]))

    @property
    def rank_signs(self) -> dict[str, int]:
        """-1 for indicators where a higher value is better (ranks turn them), 1 for the others."""
        return {i.id: -1 if i.polarity == "higher_is_better" else 1 for i in self.indicators}

    def computable(self, available_variables: set[str]) -> "Catalog":
        """The part of the catalogue whose variables a city pack provides."""
        return replace(self, indicators=tuple(i for i in self.indicators if i.variables <= available_variables))

    def restricted_to(self, indicator_ids: set[str]) -> "Catalog":
        return replace(self, indicators=tuple(i for i in self.indicators if i.id in indicator_ids))

    def merged_with(self, other: "Catalog") -> "Catalog":
        """This catalogue's indicators followed by those of `other` (same axes)."""
        present = {i.id for i in self.indicators}
        return replace(self, indicators=self.indicators + tuple(i for i in other.indicators if i.id not in present))

    def by_field(self) -> dict[str, list[Indicator]]:
        grouped = {f.id: [] for f in self.fields}
        for indicator in self.indicators:
            grouped[indicator.field].append(indicator)
        return {field_id: items for field_id, items in grouped.items() if items}

    def describing(self, group_ids) -> list[Indicator]:
        """The indicators that describe any of the groups, in catalogue order."""
        return [i for i in self.indicators if set(i.groups) & set(group_ids)]

    def by_topic(self) -> dict[str, list[Indicator]]:
        grouped = {topic: [] for topic in self.topics}
        for indicator in self.indicators:
            grouped[indicator.topic].append(indicator)
        return {topic: items for topic, items in grouped.items() if items}


def parse_catalog(document, shown_as: str = CATALOG_SHOWN_AS) -> Catalog:
    schema = json.loads(resources.files("analysis.catalog").joinpath("indicators.schema.json").read_text("utf-8"))
    check_schema(document, schema, shown_as)
    topics = {t["id"]: t["title"] for t in document["topics"]}
    fields = tuple(Field(**f) for f in document["fields"])
    groups = {g["id"]: g["title"] for g in document["groups"]}
    _check_unique(shown_as, "fields", [f.id for f in fields])
    _check_unique(shown_as, "groups", list(groups))
    seen = set()
    indicators = []
    for index, entry in enumerate(document["indicators"]):
        if entry["id"] in seen:
            raise InputError(f"Indikator-ID '{entry['id']}' ist doppelt.", file=shown_as,
                             column=f"indicators/{index}/id")
        seen.add(entry["id"])
        if entry["topic"] not in topics:
            raise InputError(f"Thema '{entry['topic']}' ist nicht deklariert.", file=shown_as,
                             column=f"indicators/{index}/topic", hint=did_you_mean(entry["topic"], topics))
        if entry["denominator"] is None and entry["kind"] not in ("count", "external"):
            raise InputError("Nur Indikatoren der Art 'count' oder 'external' haben keinen Nenner.",
                             file=shown_as, column=f"indicators/{index}/denominator")
        if entry["kind"] == "external" and (entry["denominator"] is not None or " " in entry["numerator"]):
            raise InputError("Ein externer Indikator übernimmt genau eine gelieferte Variable (numerator) "
                             "und hat keinen Nenner.", file=shown_as, column=f"indicators/{index}/numerator")
        _check_axes(entry, index, fields, groups, shown_as)
        words = entry.get("profile_words")
        indicators.append(Indicator(**{**entry, "groups": tuple(entry["groups"]),
                                       "classification": Classification(**entry.get("classification", {})),
                                       "profile_words": (words["high"], words["low"]) if words else None}))
    partitions = tuple(Partition(p["total"], tuple(p["parts"])) for p in document.get("partitions", []))
    pages = tuple(GroupPage(p["id"], p["title"], tuple(p["groups"]), tuple(p["population"]))
                  for p in document.get("group_pages", []))
    _check_group_pages(pages, groups, {i.id for i in indicators}, shown_as)
    return Catalog(topics, tuple(indicators), partitions, fields, groups, pages, document.get("variables", {}))


def _check_unique(shown_as: str, section: str, ids: list[str]) -> None:
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InputError(f"ID '{repeated[0]}' steht mehrfach unter {section}.", file=shown_as, column=section)


def _check_axes(entry: dict, index: int, fields: tuple[Field, ...], groups: dict[str, str], shown_as: str) -> None:
    """An indicator's field and groups must be declared; only an external share has a base."""
    field_ids = [f.id for f in fields]
    if entry["field"] not in field_ids:
        raise InputError(f"Handlungsfeld '{entry['field']}' ist nicht deklariert.", file=shown_as,
                         column=f"indicators/{index}/field", hint=did_you_mean(entry["field"], field_ids)
                         or f"Deklariert: {', '.join(field_ids)}")
    for number, group in enumerate(entry["groups"]):
        if group not in groups:
            raise InputError(f"Gruppe '{group}' ist nicht deklariert.", file=shown_as,
                             column=f"indicators/{index}/groups/{number}",
                             hint=did_you_mean(group, groups) or f"Deklariert: {', '.join(groups)}")
    if entry.get("base") and entry["kind"] != "external":
        raise InputError("Nur ein externer Anteil hat eine Basis (base); berechnete Indikatoren haben einen Nenner.",
                         file=shown_as, column=f"indicators/{index}/base")


def _check_group_pages(pages: tuple[GroupPage, ...], groups: dict[str, str], indicator_ids: set[str],
                       shown_as: str) -> None:
    _check_unique(shown_as, "group_pages", [p.id for p in pages])
    for index, page in enumerate(pages):
        for group in page.groups:
            if group not in groups:
                raise InputError(f"Gruppe '{group}' ist nicht deklariert.", file=shown_as,
                                 column=f"group_pages/{index}/groups", hint=did_you_mean(group, groups))
        for indicator_id in page.population:
            if indicator_id not in indicator_ids:
                raise InputError(f"Indikator '{indicator_id}' steht nicht im Katalog.", file=shown_as,
                                 column=f"group_pages/{index}/population",
                                 hint=did_you_mean(indicator_id, indicator_ids))


def with_current_axes(document: dict) -> dict:
    """A catalogue archived before indicators had fields and groups, given today's: each indicator takes its
    axes from today's catalogue (or the first field and no groups, for one that no longer exists)."""
    if "fields" in document:
        return document
    current = load_catalog_document()
    axes = {i["id"]: (i["field"], i["groups"]) for i in current["indicators"]}
    first = current["fields"][0]["id"]
    indicators = [dict(zip(("field", "groups"), axes.get(i["id"], (first, []))), **i) for i in document["indicators"]]
    return {**document, "fields": current["fields"], "groups": current["groups"], "indicators": indicators}


def load_catalog_document(pack_indicators: tuple = (), pack_shown_as: str = "") -> dict:
    """The catalogue as written, with a pack's own `indicators:` added or replacing those of the same id;
    stored with each edition so later editions can show what changed."""
    document = parse_yaml(resources.files("analysis.catalog").joinpath("indicators.yml").read_text("utf-8"),
                          CATALOG_SHOWN_AS)
    if not pack_indicators:
        return document
    schema = json.loads(resources.files("analysis.catalog").joinpath("indicators.schema.json").read_text("utf-8"))
    entries_schema = {"type": "object", "properties": {"indicators": {
        "type": "array", "items": schema["properties"]["indicators"]["items"]}}}
    check_schema({"indicators": list(pack_indicators)}, entries_schema, pack_shown_as)
    ids = [entry["id"] for entry in document["indicators"]]
    indicators = list(document["indicators"])
    for entry in pack_indicators:
        if entry["id"] in ids:
            indicators[ids.index(entry["id"])] = dict(entry)
        else:
            indicators.append(dict(entry))
            ids.append(entry["id"])
    return {**document, "indicators": indicators}


def load_catalog(pack=None) -> Catalog:
    """The indicator catalogue; for a pack, with its own indicators (`indicators:` in city.yml)."""
    entries = tuple(pack.indicator_entries) if pack is not None else ()
    shown = f"data/{pack.slug}/city.yml" if pack is not None else ""
    return _parsed_catalog(json.dumps(entries, ensure_ascii=False, sort_keys=True), shown)


@lru_cache(maxsize=8)
def _parsed_catalog(entries_json: str, pack_shown_as: str) -> Catalog:
    entries = tuple(json.loads(entries_json))
    return parse_catalog(load_catalog_document(entries, pack_shown_as),
                         pack_shown_as if entries else CATALOG_SHOWN_AS)

"""The indicator catalogue (indicators.yml), checked against indicators.schema.json."""
from __future__ import annotations

import json
from dataclasses import dataclass
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
    classification: Classification = Classification()

    @property
    def variables(self) -> set[str]:
        expressions = [self.numerator] + ([self.denominator] if self.denominator else [])
        return {name for e in expressions for _, name in parse_terms(e)}

    @property
    def change_unit(self) -> str:
        """Unit of a difference between two values: percentage points for percentages."""
        return "Prozentpunkte" if self.unit == "%" else self.unit

    @property
    def polarity_text(self) -> str:
        return POLARITY_TEXT[self.polarity]


@dataclass(frozen=True)
class Partition:
    """Variables that add up for every area and year (e.g. the age groups to all residents). Disclosure
    control keeps any one of them from being recomputed from the others."""
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, str]
    indicators: tuple[Indicator, ...]
    partitions: tuple[Partition, ...] = ()

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise InputError(f"Indikator '{indicator_id}' steht nicht im Katalog.", file=CATALOG_SHOWN_AS,
                         hint=did_you_mean(indicator_id, [i.id for i in self.indicators]))

    def computable(self, available_variables: set[str]) -> "Catalog":
        """The part of the catalogue whose variables a city pack provides."""
        return Catalog(self.topics, tuple(i for i in self.indicators if i.variables <= available_variables),
                       self.partitions)

    def restricted_to(self, indicator_ids: set[str]) -> "Catalog":
        return Catalog(self.topics, tuple(i for i in self.indicators if i.id in indicator_ids), self.partitions)

    def by_topic(self) -> dict[str, list[Indicator]]:
        grouped = {topic: [] for topic in self.topics}
        for indicator in self.indicators:
            grouped[indicator.topic].append(indicator)
        return {topic: items for topic, items in grouped.items() if items}


def parse_catalog(document, shown_as: str = CATALOG_SHOWN_AS) -> Catalog:
    schema = json.loads(resources.files("analysis.catalog").joinpath("indicators.schema.json").read_text("utf-8"))
    check_schema(document, schema, shown_as)
    topics = {t["id"]: t["title"] for t in document["topics"]}
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
        indicators.append(Indicator(**{**entry, "classification": Classification(**entry.get("classification", {}))}))
    partitions = tuple(Partition(p["total"], tuple(p["parts"])) for p in document.get("partitions", []))
    return Catalog(topics, tuple(indicators), partitions)


def load_catalog_document() -> dict:
    """The catalogue as written, stored with each edition so later editions can show what changed."""
    return parse_yaml(resources.files("analysis.catalog").joinpath("indicators.yml").read_text("utf-8"),
                      CATALOG_SHOWN_AS)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    return parse_catalog(load_catalog_document())

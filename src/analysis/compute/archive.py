"""What each published edition keeps for later comparison: inputs, indicator table, catalogue, provenance.

Lives in _build/archive/<city>/<year>/, beside the site and not inside it, because the stored inputs hold
the raw counts that the published site suppresses."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.documents import read_json, write_json

INPUTS = "inputs.csv"
INDICATORS = "indicators.csv"
CATALOG = "catalog.yml"
PROVENANCE = "provenance.json"
MEASURES = "measures.json"   # the register of measures as it stood, for the implementation page


def folder(root: Path, city: str, year: int) -> Path:
    return Path(root) / "_build" / "archive" / city / str(year)


@dataclass
class StoredEdition:
    """An earlier edition as it was built (from the archive) or, lacking that, recomputed from today's inputs."""
    year: int
    tidy: pd.DataFrame
    indicators: pd.DataFrame
    catalog_document: dict
    provenance: dict | None
    from_archive: bool
    measures: list[dict] | None = None   # None: this edition kept no register (or was recomputed)


def write(target: Path, tidy: pd.DataFrame, indicators: pd.DataFrame, catalog_document: dict,
          provenance: dict, measures: list[dict] | None = None) -> None:
    write_tables(target, tidy, indicators, catalog_document, measures)
    write_provenance(target, provenance)


def write_tables(target: Path, tidy: pd.DataFrame, indicators: pd.DataFrame, catalog_document: dict,
                 measures: list[dict] | None = None) -> None:
    """Everything an edition keeps but its provenance (a build writes the tables while its pages are built,
    and the provenance when they are done)."""
    target.mkdir(parents=True, exist_ok=True)
    if measures is not None:
        write_json(measures, target / MEASURES)
    tidy.to_csv(target / INPUTS, index=False)
    indicators.to_csv(target / INDICATORS, index=False)
    (target / CATALOG).write_text(yaml.safe_dump(catalog_document, allow_unicode=True, sort_keys=False), "utf-8")


def write_provenance(target: Path, provenance: dict) -> None:
    write_json(provenance, target / PROVENANCE)


def read(root: Path, city: str, year: int) -> StoredEdition | None:
    source = folder(root, city, year)
    if not all((source / name).is_file() for name in (INPUTS, INDICATORS, CATALOG, PROVENANCE)):
        return None
    tidy = pd.read_csv(source / INPUTS, dtype={"area_id": str})
    indicators = pd.read_csv(source / INDICATORS, dtype={"area_id": str})
    catalog_document = yaml.safe_load((source / CATALOG).read_text(encoding="utf-8"))
    measures = read_json(source / MEASURES) if (source / MEASURES).is_file() else None
    return StoredEdition(year, tidy, indicators, catalog_document, read_json(source / PROVENANCE), True, measures)

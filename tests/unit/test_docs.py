"""The planners' page 'Neue Stadt anlegen' shows only configuration the pack schema accepts."""
import copy
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from analysis.catalog.model import load_catalog_document
from analysis.pack.loader import city_schema

PAGE = Path(__file__).resolve().parents[2] / "docs" / "neue-stadt.md"


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


def test_the_page_has_examples():
    assert len(_yaml_blocks()) >= 7


@pytest.mark.parametrize("number", range(len(_yaml_blocks())))
def test_every_example_is_valid_configuration(number):
    text = _yaml_blocks()[number]
    schema = city_schema()
    source = schema["properties"]["sources"]["items"]
    if text.lstrip().startswith("- "):           # entries of `sources:`, written as they stand in the list
        document = yaml.safe_load(text)
        fragment = {"type": "array", "items": source}
    elif text.startswith("    "):                # keys of one source entry
        document = yaml.safe_load(text)
        fragment = {**copy.deepcopy(source), "required": []}
    else:
        document = yaml.safe_load(text)
        fragment = copy.deepcopy(schema)
        fragment["required"] = []
        for key in document:
            assert key in schema["properties"], key
    jsonschema.validate(document, fragment)
    for entry in document.get("indicators", []) if isinstance(document, dict) else []:
        catalogue = load_catalog_document()
        assert entry["topic"] in {t["id"] for t in catalogue["topics"]}
        assert set(entry["groups"]) <= {g["id"] for g in catalogue["groups"]}

import copy
from importlib import resources

import pytest
import yaml

from analysis.catalog.model import load_catalog, parse_catalog
from analysis.errors import InputError


def _document():
    return yaml.safe_load(resources.files("analysis.catalog").joinpath("indicators.yml").read_text("utf-8"))


def test_catalogue_passes_its_schema_and_has_every_field():
    catalog = load_catalog()
    for indicator in catalog.indicators:
        assert indicator.title and indicator.description and indicator.source
        assert indicator.polarity in ("higher_is_worse", "higher_is_better", "neutral")


def test_missing_field_is_rejected():
    document = _document()
    del document["indicators"][0]["polarity"]
    with pytest.raises(InputError, match="Pflichtschlüssel"):
        parse_catalog(document)


def test_typo_in_key_suggests_the_right_one():
    document = _document()
    document["indicators"][0]["polartiy"] = document["indicators"][0].pop("polarity")
    with pytest.raises(InputError) as error:
        parse_catalog(document)
    assert "polartiy" in str(error.value) and "Meinten Sie 'polarity'" in str(error.value)


def test_unknown_topic_and_duplicate_id_are_rejected():
    document = _document()
    broken = copy.deepcopy(document)
    broken["indicators"][0]["topic"] = "bevoelkerng"
    with pytest.raises(InputError, match="bevoelkerung"):
        parse_catalog(broken)
    broken = copy.deepcopy(document)
    broken["indicators"].append(copy.deepcopy(broken["indicators"][0]))
    with pytest.raises(InputError, match="doppelt"):
        parse_catalog(broken)


def test_bad_formula_syntax_is_rejected():
    document = _document()
    document["indicators"][1]["numerator"] = "residents_under_18 * 2"
    with pytest.raises(InputError, match="numerator"):
        parse_catalog(document)

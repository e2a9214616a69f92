"""What the package promises about its own shape: one definition per fact, and folders that match the README."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pytest

from analysis import cli
from analysis.pack.loader import city_schema
from analysis.pack.model import DisclosureRules, SocialIndexConfig
from analysis.report import pages
from analysis.social_index.classes import (
    DYNAMIC_CLASSES,
    DYNAMIC_THRESHOLDS,
    METHODS,
    STATUS_CLASSES,
    STATUS_THRESHOLDS,
    class_ranges,
)
from analysis.social_index.method import DEFAULT_MIN_POPULATION, dynamic_codes, status_codes

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "analysis"


def _subcommand(name: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices[name]


def test_index_methods_agree_in_schema_command_and_methods_page(tiny_edition):
    index_schema = city_schema()["properties"]["social_index"]["properties"]
    assert tuple(index_schema["method"]["enum"]) == METHODS
    assert tuple(index_schema["alternatives"]["items"]["enum"]) == METHODS
    method = next(a for a in _subcommand("index")._actions if a.dest == "method")
    assert tuple(method.choices) == METHODS and method.default == METHODS[0]
    page = pages.methods_page(tiny_edition)
    assert all(f"`{m}`" in page for m in METHODS)


def test_defaults_live_in_the_typed_configuration():
    assert SocialIndexConfig(status=("a",)).dynamics_years == 2
    assert DEFAULT_MIN_POPULATION == DisclosureRules().index_min_population == 300
    population = next(a for a in _subcommand("index")._actions if a.dest == "min_population")
    assert population.default == DisclosureRules().index_min_population


def test_an_omitted_key_takes_the_default_and_a_given_one_wins(tiny_edition):
    config = tiny_edition.pack.social_index
    assert config.dynamics_years == SocialIndexConfig(status=config.status).dynamics_years
    assert config.replicates == 200   # declared in the tiny pack, against the default of 1000
    assert tiny_edition.pack.disclosure == DisclosureRules()


@pytest.mark.parametrize("value, status, dynamic", [
    (-1.0001, "hoch", "positiv"), (-1.0, "mittel", "stabil"), (1.0, "mittel", "stabil"),
    (1.0001, "niedrig", "negativ"), (1.5, "niedrig", "negativ"), (1.5001, "sehr niedrig", "negativ")])
def test_class_thresholds_follow_the_mss_boundaries(value, status, dynamic):
    assert STATUS_CLASSES[int(status_codes(np.array([value]))[0])] == status
    assert DYNAMIC_CLASSES[int(dynamic_codes(np.array([value]))[0])] == dynamic


def test_the_threshold_table_on_the_page_is_written_from_the_thresholds(tiny_edition):
    from analysis.report import index_views

    assert class_ranges(STATUS_THRESHOLDS) == ["unter −1", "−1 bis 1", "über 1 bis 1,5", "über 1,5"]
    assert class_ranges(DYNAMIC_THRESHOLDS) == ["unter −1", "−1 bis 1", "über 1"]
    text = index_views.method_text(tiny_edition)
    assert "| über 1 bis 1,5 | niedrig | | über 1 | negativ |" in text


def test_every_subpackage_is_in_the_readme_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("## Layout"):]
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders, PACKAGE
    for folder in folders:
        assert re.search(rf"^\s+{folder}/", tree, re.M), f"src/analysis/{folder}/ is missing in the README layout"


def test_the_city_row_is_named_by_its_constant_not_a_literal():
    import json

    sources = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    for path in (ROOT / "notebooks").glob("*.ipynb"):   # the code of the notebooks, not their outputs
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources[path] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path, text in sources.items()
                 for number, line in enumerate(text.splitlines(), start=1)
                 if re.search(r"""["']stadt["']""", line) and "CITY_AREA_ID =" not in line]
    assert not offenders

"""Shared fixtures of the three test layers.

- unit: `tiny_project`, a synthetic three-area pack (tests/synthetic.py), and hand-made tables;
- component: `flensburg_2022`, the real edition computed once per test session (read-only; tests that
  change it take `flensburg_2022_copy`), and `pack_copy` for tests that edit the pack;
- integration: `built_site`, the Flensburg 2022 edition built from raw data into a published site."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from analysis.build.pipeline import build_edition
from analysis.compute.edition import Edition
from analysis.pack.loader import load_city

from projects import copy_project
from synthetic import write_tiny_pack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def pack_copy(tmp_path):
    """A project root in tmp_path holding a copy of the Flensburg pack under the given name."""
    def make(name: str = "flensburg") -> Path:
        (tmp_path / "_toc.yml").write_text((ROOT / "_toc.yml").read_text(encoding="utf-8"), encoding="utf-8")
        shutil.copytree(ROOT / "data" / "flensburg", tmp_path / "data" / name)
        load_city.cache_clear()
        return tmp_path
    yield make
    load_city.cache_clear()


@pytest.fixture(scope="session")
def tiny_project(tmp_path_factory) -> Path:
    """A project root with the synthetic pack data/kleinstadt/ (read-only; copy it to change it)."""
    return write_tiny_pack(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def tiny_copy(tmp_path) -> Path:
    """A fresh project root with the synthetic pack, for tests that change it."""
    load_city.cache_clear()
    yield write_tiny_pack(tmp_path)
    load_city.cache_clear()


@pytest.fixture(scope="session")
def tiny_edition(tiny_project) -> Edition:
    return Edition.compute("kleinstadt", 2022, tiny_project)


@pytest.fixture(scope="session")
def flensburg_project(tmp_path_factory) -> Path:
    """A copy of the project (no _build/: no archive of earlier editions), shared by the component tests."""
    return copy_project(tmp_path_factory.mktemp("flensburg"))


@pytest.fixture(scope="session")
def flensburg_2022(flensburg_project) -> Edition:
    """The real Flensburg 2022 edition, computed once per session. Do not change it."""
    return Edition.compute("flensburg", 2022, flensburg_project)


@pytest.fixture
def flensburg_2022_copy(flensburg_2022) -> Edition:
    """A copy of the shared edition for tests that change it."""
    return copy.deepcopy(flensburg_2022)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The Flensburg 2022 edition built from raw data in a copy of the project (shared, read-only)."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    load_city.cache_clear()
    try:
        yield build_edition("flensburg", 2022, project, report=lambda _: None).site
    finally:
        load_city.cache_clear()

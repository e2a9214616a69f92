"""Shared fixtures. Synthetic packs are built from the real Flensburg pack, changed in one place each."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from projects import copy_project

from analysis.pack.loader import load_city

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
def built_site(tmp_path_factory):
    """The Flensburg 2022 edition built from raw data in a copy of the project (shared, read-only)."""
    from analysis.build.pipeline import build_edition

    project = copy_project(tmp_path_factory.mktemp("project"))
    load_city.cache_clear()
    try:
        yield build_edition("flensburg", 2022, project, report=lambda _: None).site
    finally:
        load_city.cache_clear()

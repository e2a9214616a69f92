"""Shared fixtures. Synthetic packs are built from the real Flensburg pack, changed in one place each."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.config import load_city

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

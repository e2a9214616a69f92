"""environment.yml (for conda users) must list the same dependencies as pyproject.toml."""
import re

import tomllib
import yaml


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject(root):
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {_name(r): r.replace(" ", "") for r in pyproject["project"]["dependencies"]}
    environment = yaml.safe_load((root / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d): d.replace(" ", "") for d in environment["dependencies"]
             if isinstance(d, str) and _name(d) not in ("python", "pip")}
    assert conda == declared


def test_jupyter_book_is_pinned_below_2(root):
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    jb = [r for r in pyproject["project"]["dependencies"] if _name(r) == "jupyter-book"]
    assert jb and "<2" in jb[0]

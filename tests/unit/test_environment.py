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


def test_every_dependency_is_locked_at_a_version_its_range_allows(root):
    from packaging.requirements import Requirement

    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (root / "requirements.lock").read_text(encoding="utf-8"),
                             re.M))
    locked = {name.lower().replace("_", "-"): version for name, version in locked.items()}
    wanted = [*pyproject["project"]["dependencies"], *pyproject["project"]["optional-dependencies"]["dev"]]
    for line in wanted:
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        assert name in locked, f"{name} is not in requirements.lock (run make lock)"
        assert requirement.specifier.contains(locked[name], prereleases=True), (name, locked[name])


def test_the_provenance_names_the_lock_file_and_its_hash(tiny_copy, root):
    import shutil

    from analysis.build import provenance as prov

    assert prov.environment_lock(tiny_copy)["sha256"] is None
    shutil.copy(root / "requirements.lock", tiny_copy / "requirements.lock")
    lock = prov.fingerprint(tiny_copy, "kleinstadt", 2022, None)["lock"]
    assert lock == {"path": "requirements.lock", "sha256": prov.file_digest(tiny_copy / "requirements.lock")}


"""What produced an edition: input files with hashes, code version, parameters, and a fingerprint.

Kept free of pandas and friends so that a rebuild with nothing changed is decided in well under a second."""
from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

import analysis

# Project files besides the package that shape every page of an edition.
BOOK_INPUTS = ["_config.yml", "_toc.yml", "notebooks", "book"]
CODE_SUFFIXES = {".py", ".yml", ".yaml", ".json", ".ipynb", ".md", ".css", ".js", ".html"}
# Packages whose version changes what a page shows.
RENDERING_PACKAGES = ["jupyter-book", "sphinx-book-theme", "myst-nb", "pandas", "geopandas", "matplotlib",
                      "seaborn", "papermill", "numpy"]
UNCOMMITTED = "uncommitted changes"
# Exact versions of every package; `make install` installs from it, so a report can be rebuilt years later.
LOCK_FILE = "requirements.lock"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _listed(folder: Path, base: Path, suffixes: set[str] | None = None) -> list[dict]:
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(base).parts)
                   and (suffixes is None or p.suffix in suffixes))
    return [{"path": p.relative_to(base).as_posix(), "sha256": file_digest(p), "bytes": p.stat().st_size}
            for p in files]


def input_files(root: Path, city: str) -> list[dict]:
    """Every file of the city pack, path relative to the project root."""
    return _listed(root / "data" / city, root)


def code_files(root: Path) -> list[dict]:
    """The analysis package, the notebooks, the book's pages and configuration."""
    package = Path(analysis.__file__).parent
    listed = [{**f, "path": f"src/analysis/{f['path']}"} for f in _listed(package, package, CODE_SUFFIXES)]
    for name in BOOK_INPUTS:
        path = root / name
        if path.is_dir():
            listed += _listed(path, root, CODE_SUFFIXES)
        elif path.is_file():
            listed.append({"path": name, "sha256": file_digest(path), "bytes": path.stat().st_size})
    return listed


def combined_digest(files: list[dict]) -> str:
    return hashlib.sha256("\n".join(f"{f['path']} {f['sha256']}" for f in files).encode()).hexdigest()


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in RENDERING_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "nicht installiert"
    return versions


def code_version(root: Path) -> dict:
    """The git commit of the project, and whether the working tree differs from it."""
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None, "label": "unbekannt (kein Git-Repositorium)"}
    dirty = bool(git("status", "--porcelain"))
    return {"commit": commit, "dirty": dirty, "label": UNCOMMITTED if dirty else commit[:12]}


def environment_lock(root: Path) -> dict:
    """The lock file of exact package versions that the environment was installed from (make install)."""
    path = root / LOCK_FILE
    if not path.is_file():
        return {"path": LOCK_FILE, "sha256": None}
    return {"path": LOCK_FILE, "sha256": file_digest(path)}


def fingerprint(root: Path, city: str, year: int, correction: str | None, level: str | None = None) -> dict:
    """Everything that determines an edition's pages except the build date. Equal fingerprint = same site."""
    inputs = input_files(root, city)
    code = code_files(root)
    parameters = {"city": city, "year": year, "correction": correction, **({"level": level} if level else {})}
    versions = package_versions()
    lock = environment_lock(root)
    summary = json.dumps({"inputs": combined_digest(inputs), "code": combined_digest(code),
                          "parameters": parameters, "versions": versions, "lock": lock}, sort_keys=True)
    return {"inputs": inputs, "code": code, "parameters": parameters, "versions": versions, "lock": lock,
            "data_hash": combined_digest(inputs), "code_hash": combined_digest(code),
            "fingerprint": hashlib.sha256(summary.encode()).hexdigest()}


def record(root: Path, city: str, year: int, correction: str | None, forced: bool,
           found: dict | None = None) -> dict:
    """The provenance of a build that starts now: written to provenance.json and shown on every page."""
    found = found or fingerprint(root, city, year, correction)
    built = datetime.now().astimezone()
    return {"city": city, "edition": year, "built": built.isoformat(timespec="seconds"),
            "code_version": code_version(root), "forced": forced, **found}





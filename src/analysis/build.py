"""Edition build: validate → compute once → papermill → Jupyter Book → publish by atomic swap."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml

from . import pages
from .config import load_city, project_root
from .edition import Edition
from .errors import InputError

PROFILE_TEMPLATE = "notebooks/profil.ipynb"
PROFILE_FOLDER = "profiles"
PROFILE_TITLE_TAG = "profile-title"


class BuildError(Exception):
    """A build step failed; the published site is untouched."""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def profile_filename(area_id: str, name: str, width: int) -> str:
    return f"{area_id.zfill(width)}-{slugify(name)}"


def _quiet_worker(log: str) -> None:
    """Kernel chatter goes to the build's log, not the planner's terminal."""
    handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(handle, 2)


def _execute_notebook(cwd: str, job: tuple[str, str, dict]) -> str:
    import papermill

    source, target, parameters = job
    papermill.execute_notebook(source, target, parameters=parameters, kernel_name="python3", cwd=cwd,
                               progress_bar=False, log_output=False)
    return target


def _chapter_notebooks(root: Path) -> list[Path]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = re.findall(r"file:\s*(notebooks/[\w-]+)", yaml.safe_dump(toc))
    files.append(toc["root"])
    return sorted({root / f"{f}.ipynb" for f in files if (root / f"{f}.ipynb").is_file()})


def _finish_notebook(path: Path, title: str | None = None) -> None:
    """Hide code behind toggles (reviewers can open it) and set a profile's page title."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "parameters" in tags:  # superseded by papermill's injected-parameters cell
            tags.append("remove-cell")
        if cell.cell_type == "code" and not any(t.startswith(("remove", "hide")) for t in tags):
            tags.append("hide-input")
        if title and cell.cell_type == "markdown" and PROFILE_TITLE_TAG in tags:
            cell.source = f"# {title}"
    nbformat.write(notebook, path)


def _stage_book(root: Path, stage: Path, edition: Edition) -> None:
    """Copy the book's configuration and hand-written pages; write the pages rendered from data."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"Sozialbericht {edition.city_name} {edition.year}"
    (stage / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    shutil.copy2(root / "_toc.yml", stage / "_toc.yml")
    shutil.copytree(root / "book", stage / "book")
    generated = stage / "generated"
    generated.mkdir()
    for name, text in pages.generated_pages(edition).items():
        (generated / f"{name}.md").write_text(text, encoding="utf-8")


def _run_jupyter_book(stage: Path, log: Path) -> Path:
    executable = Path(sys.executable).with_name("jupyter-book")
    command = [str(executable) if executable.exists() else "jupyter-book", "build", str(stage),
               "--builder", "html", "--keep-going"]
    with open(log, "w", encoding="utf-8") as handle:
        result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, cwd=stage)
    html = stage / "_build" / "html"
    if result.returncode != 0 or not (html / "index.html").is_file():
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-15:])
        raise BuildError(f"Jupyter Book ist fehlgeschlagen (Protokoll: {log}):\n{tail}")
    return html


def publish(html: Path, target: Path) -> None:
    """Replace `target` by `html` with renames only, so readers never see a half-written edition."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.incoming")
    outgoing = target.with_name(f".{target.name}.outgoing")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(html, incoming)
    if target.exists():
        os.rename(target, outgoing)
    os.rename(incoming, target)
    shutil.rmtree(outgoing, ignore_errors=True)


def build_edition(city: str | None = None, year: int | None = None, root: Path | None = None,
                  workers: int = 2, report=print) -> Path:
    """Build one edition into _build/site/<city>/<year>/ and return that folder."""
    root = Path(root) if root else project_root()
    city = city or default_city(root)
    pack = load_city(city, root)
    year = pack.default_edition if year is None else int(year)
    started = time.monotonic()

    def step(text: str) -> None:
        report(f"[{time.monotonic() - started:5.1f} s] {text}")

    step(f"{pack.name} {year}: Daten lesen, prüfen und Indikatoren berechnen")
    edition = Edition.compute(city, year, root)
    work = root / "_build" / "work" / city / str(year)
    shutil.rmtree(work, ignore_errors=True)
    stage = work / "book"
    stage.mkdir(parents=True)
    cache = work / "edition.pkl"
    edition.save(cache)
    _stage_book(root, stage, edition)

    jobs = []
    for notebook in _chapter_notebooks(root):
        target = stage / notebook.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append((str(notebook), str(target), {"city": city, "year": year, "edition_cache": str(cache)}))
    width = max(len(a.id) for a in pack.areas)
    titles = {}
    (stage / PROFILE_FOLDER).mkdir()
    for area in pack.areas:
        target = stage / PROFILE_FOLDER / f"{profile_filename(area.id, area.name, width)}.ipynb"
        titles[str(target)] = area.name
        jobs.append((str(root / PROFILE_TEMPLATE), str(target),
                     {"city": city, "year": year, "area_id": area.id, "edition_cache": str(cache)}))

    step(f"{len(jobs)} Notebooks ausführen ({workers} parallel)")
    with ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker,
                             initargs=(str(work / "notebooks.log"),)) as pool:
        # Notebooks run in notebooks/, as when a reviewer opens them there.
        futures = {pool.submit(_execute_notebook, str(root / "notebooks"), job): job for job in jobs}
        for done, future in enumerate(futures, start=1):
            job = futures[future]
            try:
                future.result()
            except Exception as exc:
                raise BuildError(f"Notebook {Path(job[0]).name} ist fehlgeschlagen "
                                 f"({Path(job[1]).name}): {str(exc).strip().splitlines()[-1]}") from None
            step(f"  Notebook {done}/{len(jobs)}: {Path(job[1]).relative_to(stage)}")
    for _, target, _ in jobs:
        _finish_notebook(Path(target), titles.get(target))

    step("Jupyter Book bauen")
    html = _run_jupyter_book(stage, work / "jupyter-book.log")
    site = root / "_build" / "site" / city / str(year)
    step(f"Veröffentlichen nach {site.relative_to(root)}")
    publish(html, site)
    step("fertig")
    return site


def default_city(root: Path) -> str:
    """The city named in data/DEFAULT_CITY, else the first pack in alphabetical order."""
    marker = root / "data" / "DEFAULT_CITY"
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()
    packs = sorted(p.parent.name for p in (root / "data").glob("*/city.yml"))
    if not packs:
        raise InputError("Kein Stadtpaket unter data/<stadt>/city.yml gefunden.")
    return packs[0]

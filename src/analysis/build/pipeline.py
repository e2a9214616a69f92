"""Edition build: fingerprint → (skip if unchanged) → compute once → papermill → Jupyter Book → publish.

Everything is built under _build/work/; the published edition and its archive are replaced by an atomic
swap at the very end, so a failed or killed build leaves the published site as it was.

The modules that need pandas, geopandas or Sphinx are imported inside the functions that use them: a build of
an unchanged edition is decided from hashes alone, in well under a second."""
from __future__ import annotations

import hashlib
import html as html_module
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from analysis.build import provenance as prov
from analysis.build.kept_stage import KeptStage
from analysis.compute import archive
from analysis.documents import read_json, write_json
from analysis.errors import InputError
from analysis.pack.loader import load_city, project_root
from analysis.pack.model import site_key
from analysis.report import links
from analysis.site import print_pdf, website
from analysis.text import built_text, markdown_literal

PROFILE_TEMPLATE = "notebooks/profil.ipynb"
# Sections generated from the pack: the table of contents' glob over the folder becomes one page per item,
# executed from the template with the item's parameter. folder: (template, items of the pack)
GENERATED_SECTIONS = {
    links.SUPPLY_FOLDER: ("notebooks/versorgung.ipynb",
                          lambda pack: [(p.facility, p.title, {"facility": p.facility}) for p in pack.need_plan]),
    links.PROGRAMME_FOLDER: ("notebooks/foerdergebiet.ipynb",
                             lambda pack: [(p.id, p.name, {"programme_id": p.id}) for p in pack.programme_areas]),
    links.LEBENSLAGEN_FOLDER: ("notebooks/lebenslage.ipynb", lambda pack: _group_page_items(pack)),
}
def _group_page_items(pack) -> list[tuple[str, str, dict]]:
    from analysis.compute import lebenslagen  # pandas: only when the pages are generated

    return [(p.id, p.title, {"page_id": p.id}) for p in lebenslagen.available_pages(pack)]


PAGE_TITLE_TAG = "page-title"   # the heading cell a generated page's (or a chapter's own) title replaces


class BuildError(Exception):
    """A build step failed; the published site is untouched."""


class EditionFrozen(BuildError):
    """The edition is published and a newer one exists: it changes only by a declared correction."""


@dataclass
class BuildResult:
    site: Path
    status: str  # "built" or "unchanged"
    seconds: float


# Chapters that only make sense for some packs or data say so in their notebook metadata
# ("sozialbericht": {"requires": … or [ … ]}), sections of a page in a cell tag "requires-…" (also
# "requires-topic_<topic>"); the edition leaves them out where the pack or its data cannot fill them.
CHAPTER_REQUIREMENTS = {
    "official_classes": lambda e: bool(e.pack.social_index and e.pack.social_index.official_classes
                                       and e.social_index is not None),
    "facilities": lambda e: bool(e.pack.facilities) and e.pack.level is None,   # facilities join to base areas
    "programmes": lambda e: bool(e.pack.programme_areas or e.pack.measures_file) and e.pack.level is None,
    "local_knowledge": lambda e: e.pack.local_knowledge is not None and e.pack.level is None,
    "need_indicators": lambda e: any(i.is_need for i in e.catalog.indicators),
    "social_index": lambda e: e.social_index is not None,
    "district_types": lambda e: e.types is not None,
    "area_maps": lambda e: e.area_geometry != "none",
}


def requirements_met(requires, edition) -> bool:
    """Whether the edition has what a chapter or cell requires (one requirement or a list of them; "no_<name>"
    asks for its absence, for a text that stands in for the missing one)."""
    wanted = [requires] if isinstance(requires, str) else list(requires or [])
    return all(_requirement(name.removeprefix("no_"))(edition) != name.startswith("no_") for name in wanted)


def _requirement(name: str):
    """A named requirement; "topic_<id>": the edition has indicators of that catalogue topic."""
    if name.startswith("topic_"):
        return lambda edition: name.removeprefix("topic_") in edition.catalog.by_topic()
    return CHAPTER_REQUIREMENTS[name]


def _chapter_title(path: Path, pack) -> str | None:
    """A chapter's title that names the pack's areas ("Stadtteile vergleichen"): the notebook's metadata
    sozialbericht.title with {area_label}, {area_label_plural} and {profiles_title}; None where it is fixed."""
    template = nbformat.read(path, as_version=4).metadata.get("sozialbericht", {}).get("title")
    return template.format(area_label=pack.area_label, area_label_plural=pack.area_label_plural,
                           profiles_title=pack.profiles_title) if template else None


def _chapter_applies(path: Path, edition) -> bool:
    if not path.is_file():
        return True
    return requirements_met(nbformat.read(path, as_version=4).metadata.get("sozialbericht", {}).get("requires"),
                            edition)


def _edition_toc(root: Path, edition) -> dict:
    """The book's table of contents for this edition: chapters its pack or data cannot fill dropped (their
    sections that apply move up in their place), and profiles in the sidebar only for packs with few areas
    (otherwise the profiles page links them)."""
    pack = edition.pack

    def keep(entry: dict) -> bool:
        if "glob" in entry and entry["glob"].startswith(links.PROFILE_FOLDER):
            return links.profiles_in_sidebar(pack)
        return "file" not in entry or _chapter_applies(root / f"{entry['file']}.ipynb", edition)

    def prune(entries: list) -> list:
        kept = []
        for entry in _with_generated_sections(entries, pack):
            entry = dict(entry)
            for key in ("sections", "chapters"):
                if key in entry:
                    entry[key] = prune(entry[key])
                    if not entry[key]:
                        del entry[key]
            if keep(entry):
                kept.append(entry)
            else:   # its own chapters move up (types without an index); generated pages go with it
                kept += [s for s in entry.get("sections", []) if s.get("file", "").startswith(NOTEBOOK_CWD)]
        return kept

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"] = [dict(part, chapters=prune(part["chapters"])) for part in toc["parts"]]
    return toc


def _with_generated_sections(entries: list, pack) -> list:
    """Each generated section's glob replaced by one entry per item of the pack, in the pack's order."""
    def pages(entry: dict) -> list:
        folder = entry.get("glob", "").split("/")[0]
        if folder not in GENERATED_SECTIONS:
            return [entry]
        return [{"file": f"{folder}/{stem}"} for stem, _, _ in GENERATED_SECTIONS[folder][1](pack)]

    return [page for entry in entries for page in pages(entry)]


def _toc_pages(toc: dict) -> list[str]:
    """The pages the table of contents names (root first), as paths without suffix; globs not expanded."""
    return [toc["root"], *re.findall(r"file:\s*([\w/-]+)", yaml.safe_dump(toc))]


def _chapter_notebooks(root: Path, toc: dict) -> list[Path]:
    files = [f for f in _toc_pages(toc) if f == toc["root"] or f.startswith("notebooks/")]
    return sorted({root / f"{f}.ipynb" for f in files if (root / f"{f}.ipynb").is_file()})


REQUIRES_TAG = "requires-"   # a cell (a profile's section) kept only for packs with the feature
NOTEBOOK_CWD = "notebooks"   # the working folder of the notebooks, relative to the project root
SHOW_METHOD = "show-method"   # a code cell that stays open: the method, computed where the reader sees it
CODE_TAG = "rechenweg"   # every other code cell: hidden until the reader turns on "Rechenweg anzeigen" (rechenweg.js)


HEADING = re.compile(r"^(#{2,6})\s+\S")


def _heading_level(cell) -> int | None:
    """The level of a markdown cell that is a heading and nothing else (## … ######); None otherwise."""
    text = cell.source.strip() if cell.cell_type == "markdown" else ""
    match = HEADING.match(text)
    return len(match.group(1)) if match and "\n" not in text else None


def _shows_something(cell) -> bool:
    """Whether a cell puts something before the reader: text, or a code cell's visible output."""
    if cell.cell_type == "markdown":
        return bool(cell.source.strip())
    tags = cell.metadata.get("tags", [])
    return bool(cell.get("outputs")) and not any(t in ("remove-cell", "remove-output") for t in tags)


def without_empty_sections(cells: list) -> list:
    """The cells without headings whose section turned out empty once executed (a chart the data could not
    fill, a table of nothing): a safety net under the chapter and cell requirements, so that no reader
    meets a heading with nothing under it."""
    while True:
        empty = set()
        for position, cell in enumerate(cells):
            level = _heading_level(cell)
            if level is None:
                continue
            section = []
            for later in cells[position + 1:]:
                later_level = _heading_level(later)
                if later_level is not None and later_level <= level:
                    break
                section.append(later)
            if not any(_shows_something(c) and _heading_level(c) is None for c in section):
                empty.add(position)
        if not empty:
            return cells
        cells = [cell for position, cell in enumerate(cells) if position not in empty]


def finished_notebook(notebook, edition, title: str | None = None, orphan: bool = False):
    """The executed notebook as published: code hidden (reviewers show it with the page's "Rechenweg
    anzeigen" switch) except the cells that show the method (tag `show-method`), the sections the pack cannot
    fill dropped (tag `requires-<feature>`, as in CHAPTER_REQUIREMENTS), a generated page's title set, and a
    page that is linked but not in the table of contents marked as such."""
    if orphan:
        notebook.metadata["orphan"] = True
    notebook.cells = without_empty_sections([cell for cell in notebook.cells if requirements_met(
        [tag.removeprefix(REQUIRES_TAG) for tag in cell.metadata.get("tags", []) if tag.startswith(REQUIRES_TAG)],
        edition)])
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "parameters" in tags:  # superseded by papermill's injected-parameters cell
            tags.append("remove-cell")
        if cell.cell_type == "code" and not any(t.startswith(("remove", "hide")) or t == SHOW_METHOD for t in tags):
            tags.append(CODE_TAG)
        if title and cell.cell_type == "markdown" and PAGE_TITLE_TAG in tags:
            cell.source = f"# {markdown_literal(title)}"
    return notebook


class FinishExecuted:
    """Finishes each executed notebook in the worker that ran it (see finished_notebook), before it is
    written: the workers run in parallel, and the edition is loaded there already."""

    def __init__(self, titles: dict[str, str], orphan_profiles: bool):
        self.titles, self.orphan_profiles = titles, orphan_profiles

    def __call__(self, notebook, job):
        from analysis.compute.edition import Edition

        _, target, parameters = job
        edition = Edition.load(parameters["city"], parameters["year"])   # the one the notebook rendered
        profile = Path(target).parent.name == links.PROFILE_FOLDER
        return finished_notebook(notebook, edition, self.titles.get(target), self.orphan_profiles and profile)


# What changes with every build (its time, the code version) enters the pages as these stamps, replaced
# after Sphinx: Sphinx's pages of an unchanged chapter stay byte for byte the same, so a rebuild neither
# writes them again nor audits them again.
STAMPS = {"built": "@@sozialbericht-gebaut@@", "code": "@@sozialbericht-code@@"}


def _stamp_values(record: dict) -> dict[str, str]:
    return {STAMPS["built"]: built_text(record), STAMPS["code"]: record["code_version"]["label"]}


def _stage_book(root: Path, stage: Path, edition, record: dict, toc: dict, pdf_name: str | None) -> None:
    """Copy the book's configuration and hand-written pages; write the pages rendered from data.

    The edition's provenance goes into the Sphinx context, where the footer and switcher templates read it."""
    from analysis.report import pages

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"Sozialbericht {edition.pack.edition_name} {edition.year}"
    context = {"edition": edition.year, "built": STAMPS["built"], "code": STAMPS["code"],
               "data_hash": record["data_hash"][:12],
               "citation": pages.citation(edition.pack, edition.year, STAMPS["built"])}
    # light mode always: figures are drawn on white, and the colour-mode switch is removed (accessibility.py)
    config["sphinx"]["config"]["html_context"] = {"sozialbericht": context, "default_mode": "light"}
    if pdf_name:
        context["pdf"] = pdf_name
    if not links.profiles_in_sidebar(edition.pack):
        # Profiles are then outside the table of contents (linked from the profiles page): build every page.
        config["only_build_toc_files"] = False
    correction = record["parameters"]["correction"]
    if correction:
        # The theme inserts the announcement as HTML; the reason is the planner's text.
        config["html"]["announcement"] = (f"Korrektur: Diese Ausgabe wurde am {STAMPS['built']} neu gebaut. "
                                          f"Grund: {html_module.escape(correction)}")
    (stage / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    (stage / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), "utf-8")
    shutil.copytree(root / "book", stage / "book")
    generated = stage / "generated"
    generated.mkdir()
    for name, text in pages.generated_pages(edition, record).items():
        (generated / f"{name}.md").write_text(text, encoding="utf-8")


def _page_title(source: Path) -> str:
    """The first level-1 heading of a staged page (a notebook's markdown cells, or a markdown file)."""
    if source.suffix == ".ipynb":
        lines = [line for cell in json.loads(source.read_text(encoding="utf-8"))["cells"]
                 if cell["cell_type"] == "markdown" for line in "".join(cell["source"]).splitlines()]
    else:
        lines = source.read_text(encoding="utf-8").splitlines()
    return next((line for line in lines if line.startswith("# ")), "")


def _shared_by_every_page(stage: Path, toc: dict) -> str:
    """What every page shows of the others: the table of contents with the title of each page in it (the
    sidebar, the previous and next links), and the glossary (its terms are linked on every page); and the
    book's Sphinx extensions, which shape every page (Sphinx reads no page again when its code changes)."""
    from analysis.site import glossary

    listed = yaml.safe_dump(toc, sort_keys=True)
    pages = [page for stem in _toc_pages(toc) for page in stage.glob(f"{stem}.*") if page.suffix in (".ipynb", ".md")]
    pages += [page for pattern in re.findall(r"glob:\s*(\S+)", listed) for page in sorted(stage.glob(pattern))
              if page.suffix in (".ipynb", ".md")]
    terms = stage / glossary.GLOSSARY_SOURCE
    extensions = sorted((stage / "book" / "_ext").rglob("*.py"))
    shared = [listed, *(f"{page.relative_to(stage)}: {_page_title(page)}" for page in pages),
              terms.read_text(encoding="utf-8") if terms.is_file() else "",
              *(extension.read_text(encoding="utf-8") for extension in extensions)]
    return hashlib.sha256("\n".join(shared).encode()).hexdigest()


def _run_jupyter_book(kept: KeptStage, log: Path, workers: int, target: Path, record: dict) -> None:
    """Sphinx on the kept stage (it reads and writes only what changed since its last run); the pages it
    wrote repaired, lightened and linked to the glossary; the site copied to target, its pages stamped."""
    from analysis.site import page_finish

    started = time.time_ns()
    kept.pages_begin()
    command = [sys.executable, "-m", "analysis.site.book_build", str(kept.sources), str(workers)]
    with open(log, "w", encoding="utf-8") as handle:
        result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, cwd=kept.sources)
    if result.returncode != 0 or not (kept.html / "index.html").is_file():
        from analysis.site.runner import without_colours

        kept.forget_pages()   # Sphinx would not read the failed pages again, nor repeat their warnings
        lines = without_colours(log.read_text(encoding="utf-8")).splitlines()
        # Strict builds stop on warnings: name each of them (file, line, what), else the end of the log.
        problems = [line for line in lines if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
        shown = "\n".join(problems[:20] or lines[-15:])
        raise BuildError(f"Jupyter Book ist fehlgeschlagen (Protokoll: {log}):\n{shown}")
    page_finish.finish_pages(kept.html, kept.pages_written_since(started), workers)
    kept.pages_done()
    kept.copy_pages(target, {stamp: html_module.escape(value) for stamp, value in _stamp_values(record).items()})


def _notebook_workers(root: Path, work: Path, workers: int, cache: Path):
    """Worker processes for the notebooks (one IPython shell each, see site.runner), started now. The
    notebooks find the computed edition through the environment (see Edition.load)."""
    from analysis.compute.edition import EDITION_CACHE_VARIABLE
    from analysis.site import runner

    return runner.Workers(root / NOTEBOOK_CWD, work / "notebooks.log", workers,
                          {EDITION_CACHE_VARIABLE: str(cache.resolve())})


def _run_notebooks(jobs: list, started, log: Path, step, finish) -> None:
    """Execute all notebooks in the started workers and finish them, reporting progress; the first failure
    stops."""
    from analysis.site import runner

    every = max(1, len(jobs) // 10)

    def progress(done: int, job) -> None:
        if done % every == 0 or done == len(jobs):
            step(f"  Notebook {done}/{len(jobs)}: {Path(job[1]).parent.name}/{Path(job[1]).name}")

    try:
        started.run(jobs, progress, finish)
    except runner.NotebookFailed as failure:
        source, target, _ = failure.job
        raise BuildError(f"Notebook {Path(source).name} ist fehlgeschlagen ({Path(target).name}): "
                         f"{failure}\nProtokoll: {log}") from None


def _notebook_jobs(root: Path, stage: Path, pack, year: int, toc: dict) -> tuple[list, dict]:
    # Papermill writes the parameters into every published notebook: only city, year and the page's item,
    # never a path (the edition reaches the notebooks through the environment).
    jobs, titles = [], {}
    for notebook in _chapter_notebooks(root, toc):
        target = stage / notebook.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append((str(notebook), str(target), {"city": pack.slug, "year": year}))
        title = _chapter_title(notebook, pack)
        if title:
            titles[str(target)] = title
    listed = yaml.safe_dump(toc)
    for folder, (template, items) in GENERATED_SECTIONS.items():
        if f"{folder}/" not in listed:   # the chapter does not apply to this pack
            continue
        (stage / folder).mkdir()
        for stem, title, parameters in items(pack):
            target = stage / folder / f"{stem}.ipynb"
            titles[str(target)] = title
            jobs.append((str(root / template), str(target),
                         {"city": pack.slug, "year": year, **parameters}))
    (stage / links.PROFILE_FOLDER).mkdir()
    for area in pack.areas:
        target = stage / links.PROFILE_FOLDER / f"{links.profile_stem(pack, area.id)}.ipynb"
        titles[str(target)] = area.name
        jobs.append((str(root / PROFILE_TEMPLATE), str(target),
                     {"city": pack.slug, "year": year, "area_id": area.id,
                      "fact_sheet_pdf": _prints_fact_sheets(pack)}))
    return jobs, titles


def archived_fingerprint(root: Path, pack, year: int) -> str | None:
    """The fingerprint of the archived edition before this one: its values appear on this one's pages."""
    earlier = [y for y in pack.editions if y < year]
    stored = read_json(archive.folder(root, pack.site_key, earlier[-1]) / "provenance.json") if earlier else None
    return stored["fingerprint"] if stored else None


class ExecutedNotebooks:
    """Executed notebooks, finished for the book, kept from the last build of an edition under a key of
    everything they depend on: the pack's data, the analysis package, the package versions, the edition's
    parameters and the archived edition before it, and the notebook and its parameters. A build
    re-executes only the notebooks whose key changed (after a prose change in one chapter: that chapter)."""

    def __init__(self, root: Path, key: str, year: int, found: dict, previous: str | None):
        self.folder = root / "_build" / "cache" / "notebooks" / key / str(year)
        self._sources: dict[str, str] = {}
        package = [f for f in found["code"] if f["path"].startswith("src/")]
        self.edition_key = json.dumps({"data": found["data_hash"], "code": prov.combined_digest(package),
                                       "versions": found["versions"], "lock": found["lock"],
                                       "parameters": found["parameters"], "previous": previous}, sort_keys=True)

    def _path(self, job) -> Path:
        source, _, parameters = job
        if source not in self._sources:   # one template serves hundreds of profiles: hashed once
            self._sources[source] = prov.file_digest(Path(source))
        digest = hashlib.sha256("\n".join([self.edition_key, self._sources[source],
                                           json.dumps(parameters, sort_keys=True)]).encode()).hexdigest()
        return self.folder / f"{digest}.ipynb"

    def restore(self, jobs: list) -> list:
        """Copy the kept notebooks into place; the jobs left to execute (and finish)."""
        left = []
        for job in jobs:
            kept = self._path(job)
            if kept.is_file():
                shutil.copyfile(kept, job[1])
            else:
                left.append(job)
        return left

    def keep(self, jobs: list) -> None:
        """Keep this build's finished notebooks, and only those."""
        wanted = {self._path(job): Path(job[1]) for job in jobs}
        self.folder.mkdir(parents=True, exist_ok=True)
        for kept, executed in wanted.items():
            if not kept.is_file():
                shutil.copyfile(executed, kept)
        for stale in self.folder.glob("*.ipynb"):
            if stale not in wanted:
                stale.unlink()


def _prints_fact_sheets(pack) -> bool:
    """One printed page per area, where Chromium is there and the areas are few enough to print them all."""
    return print_pdf.available() and len(pack.areas) <= print_pdf.APPENDIX_AREAS_MAX


def _print_fact_sheets(html: Path, edition) -> None:
    from analysis.report import downloads, fact_sheet, figures

    def location(area_id: str) -> str | None:
        chart = figures.locator(edition, area_id)
        return chart.image().data_uri() if chart is not None else None

    sheets = {links.profile_stem(edition.pack, a): fact_sheet.printable_sheet(edition, a, location(a))
              for a in edition.pack.area_ids}
    print_pdf.write_fact_sheets(sheets, html / downloads.FOLDER / downloads.PER_AREA,
                                f"Steckbrief {edition.pack.edition_name} {edition.year}")


def _write_site_files(edition, target: Path) -> None:
    """The downloads and the areas' printed fact sheets: they depend on the computed edition only, so they
    are written once per edition key (into a folder laid out like the site) and copied into every build."""
    from analysis.report import downloads

    partial = target.with_name(f"{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    downloads.write(edition, partial)
    if _prints_fact_sheets(edition.pack):
        _print_fact_sheets(partial, edition)
    partial.rename(target)


def _print_edition(html: Path, edition, toc: dict, pdf_name: str, built: str, kept: KeptStage) -> None:
    chapters = [f"{f}.html" for f in _toc_pages(toc) if f == toc["root"] or (html / f"{f}.html").is_file()]
    profiles = (sorted(p.relative_to(html).as_posix() for p in (html / links.PROFILE_FOLDER).glob("*.html"))
                if len(edition.pack.areas) <= print_pdf.APPENDIX_AREAS_MAX else [])
    publication = edition.pack.publication
    title_page = print_pdf.TitlePage(
        f"Sozialbericht {edition.pack.edition_name} {edition.year}",
        f"Ausgabe {edition.year} · Daten: {edition.pack.attribution.get('publisher', '')}"
        + ("" if profiles else f" · Die {len(edition.pack.areas)} Gebietsprofile stehen auf der Website."),
        tuple(line for line in (
            f"Herausgeber: {publication['publisher']}" if publication else "",
            f"Kontakt: {publication['contact']}" if publication else "",
            f"Stand: {built}") if line))
    target = html / pdf_name
    pages = print_pdf.write_pdf(html, target, title_page, list(dict.fromkeys(chapters)), profiles, kept.pdf_pages())
    if not pages or not target.is_file():
        raise BuildError(f"{PRINT_FAILED}.")
    kept.remember_pdf_pages(pages)


class ForkedStep:
    """A step of the build in a process of its own, forked now, that runs while the build goes on (the PDF
    prints while the site is audited; the downloads are written and audited while Sphinx builds the pages);
    wait() gives its result. A process rather than a thread, so that the audit's workers are forked from a
    process with one thread."""

    def __init__(self, failure: str, function, *arguments):
        self._failure_text = failure
        context = multiprocessing.get_context("fork")
        self._outcome, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=self._run, args=(child_end, function, *arguments), daemon=True)
        self._process.start()
        child_end.close()

    @staticmethod
    def _run(outcome, function, *arguments) -> None:
        try:
            outcome.send(("done", function(*arguments)))
        except BaseException as exc:  # noqa: BLE001 - reported to the build, which stops
            outcome.send(("failed", str(exc) or type(exc).__name__))
            raise SystemExit(1) from None

    def wait(self):
        """The step's result; its failure stops the build with the reason."""
        try:   # received before joining: a large result would keep the process waiting on the pipe
            status, value = self._outcome.recv()
        except EOFError:   # the process ended without a word (killed)
            status, value = "failed", None
        self._process.join()
        if status == "done":
            return value
        reason = value or f"Exit-Code {self._process.exitcode}"
        raise BuildError(reason if reason.startswith(self._failure_text) else f"{self._failure_text}: {reason}")

    def stop(self) -> None:
        """After a failure elsewhere: the step is not waited for."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


PRINT_FAILED = "Das PDF der Ausgabe konnte nicht gedruckt werden (Chromium)"


def _write_and_audit_site_files(edition, kept: KeptStage) -> tuple[list, dict[str, str]]:
    """The downloads and printed fact sheets (kept from the last build of the edition key, else written), and
    their audit: the violations, and the digests of the files."""
    from analysis.site import audit

    if not kept.site_files.is_dir():
        _write_site_files(edition, kept.site_files)
    return _audit(kept.site_files, edition, kept, 1, audit.audited_files(kept.site_files))


def _audit(html: Path, edition, kept: KeptStage, workers: int, files: list[str]) -> tuple[list, dict[str, str]]:
    """The disclosure audit of these files of the site to be published, and their digests. A file that is
    byte for byte the one the audit last found clean is not read again (a page of Sphinx's compared as Sphinx
    wrote it; the stamps it gained are audited once, as text, see _audit_stamps)."""
    from analysis.site import audit

    digests = kept.digests(html, files)
    clean = kept.audited_clean()
    return audit.audit_site(html, edition.rules, workers, [f for f in files if clean.get(f) != digests[f]]), digests


def _audit_stamps(edition, record: dict) -> list:
    from analysis.site import audit

    return audit.audit_text("Fußzeile jeder Seite", "Stand und Code-Version",
                            " ".join(_stamp_values(record).values()), edition.rules)


def _site_pages(html: Path) -> list[str]:
    """The edition's content pages, so the switcher can open the same page in another edition."""
    skipped = {"genindex.html", "search.html"}
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if p.name not in skipped and not p.relative_to(html).parts[0].startswith("_"))


def _print_now(text: str) -> None:
    print(text, flush=True)  # progress must show up at once, also when piped into a log


def build_edition(city: str | None = None, year: int | None = None, root: Path | None = None,
                  workers: int = 2, report=_print_now, force: bool = False, level: str | None = None) -> BuildResult:
    """Build one edition into _build/site/<city>/<year>/ (at a higher level: <city>-<level>/<year>/),
    or do nothing if nothing changed."""
    root = Path(root) if root else project_root()
    city = city or default_city(root)
    pack = load_city(city, root)
    year = pack.default_edition if year is None else int(year)
    if year in pack.editions:   # an undeclared year is refused below
        pack = pack.for_edition(year)   # before an area change: the areas of that time
    if level:
        from analysis.pack.levels import level_pack

        pack = level_pack(pack, level)
    key = site_key(city, level)
    started = time.monotonic()

    def step(text: str) -> None:
        report(f"[{time.monotonic() - started:5.1f} s] {text}")

    if year not in pack.editions:
        raise InputError(f"Ausgabe {year} ist für {pack.name} nicht deklariert "
                         f"(deklariert: {', '.join(map(str, pack.editions))}).",
                         file=f"data/{city}/city.yml", column="editions",
                         hint=f"Unter editions einen Eintrag '- year: {year}' ergänzen.")
    site_city = website.city_folder(root, key)
    target = site_city / str(year)
    stored = archive.folder(root, key, year)
    website.recover(target)
    website.recover(stored)
    correction = pack.corrections.get(year)
    found = prov.fingerprint(root, city, year, correction, level)
    published = website.published_editions(site_city)
    archived = read_json(stored / "provenance.json")
    if (not force and year in published and archived
            and published[year]["fingerprint"] == archived["fingerprint"] == found["fingerprint"]):
        website.write_city_files(site_city, pack.edition_name)
        step(f"{pack.name} {year}: unverändert (gleiche Daten, gleicher Code, gleiche Parameter) – nichts zu tun")
        return BuildResult(target, "unchanged", time.monotonic() - started)
    newer = [y for y in published if y > year]
    if year in published and newer and not force:
        raise EditionFrozen(
            f"Ausgabe {year} ist veröffentlicht, und es gibt eine neuere Ausgabe ({max(newer)}): Sie bleibt "
            "unverändert. Eine Korrektur braucht einen Grund in data/"
            f"{city}/city.yml (editions → year: {year}, correction: \"…\") und den Aufruf mit --force.")
    if year in published and newer and not correction:
        raise BuildError(f"--force für die ältere Ausgabe {year} braucht einen Korrekturgrund: in data/{city}/"
                         f"city.yml unter editions bei year: {year} den Schlüssel correction: \"…\" eintragen. "
                         "Er erscheint auf jeder Seite der Ausgabe.")

    record = prov.record(root, city, year, correction, force, found)
    from analysis.compute.edition import Edition
    from analysis.report import need_summary
    from analysis.site import audit

    executed = ExecutedNotebooks(root, key, year, found, archived_fingerprint(root, pack, year))
    kept = KeptStage(root, key, year, executed.edition_key)
    work = root / "_build" / "work" / key / str(year)
    shutil.rmtree(work, ignore_errors=True)
    stage = work / "book"
    stage.mkdir(parents=True)
    notebook_workers = None
    try:
        if kept.edition_file.is_file():
            step(f"{pack.name} {year}: Daten lesen – unverändert, die Indikatoren aus dem letzten Bau")
            edition = Edition.load(city, year, cache=kept.edition_file)
        else:
            step(f"{pack.name} {year}: Daten lesen, prüfen und Indikatoren berechnen")
            # every notebook will run: their workers start now and import what they need meanwhile
            notebook_workers = _notebook_workers(root, work, workers, kept.edition_file)
            edition = Edition.compute(city, year, root, level=level)
            kept.keep_edition(edition)
        toc = _edition_toc(root, edition)
        pdf_name = print_pdf.file_name(key, year) if print_pdf.available() else None
        _stage_book(root, stage, edition, record, toc, pdf_name)
        jobs, titles = _notebook_jobs(root, stage, edition.pack, year, toc)
        to_run = executed.restore(jobs)
        step(f"{len(to_run)} von {len(jobs)} Notebooks ausführen ({workers} parallel; die übrigen unverändert "
             "aus dem letzten Bau)" if len(to_run) < len(jobs) else
             f"{len(jobs)} Notebooks ausführen ({workers} parallel)")
        # Notebooks run in notebooks/, as when a reviewer opens them there.
        if to_run:
            notebook_workers = notebook_workers or _notebook_workers(root, work, min(workers, len(to_run)),
                                                                     kept.edition_file)
            _run_notebooks(to_run, notebook_workers, work / "notebooks.log", step,
                           FinishExecuted(titles, not links.profiles_in_sidebar(pack)))
    finally:
        if notebook_workers:
            notebook_workers.stop()   # after a failure, or when no notebook had to run
    executed.keep(jobs)

    changed = kept.sync(stage, _shared_by_every_page(stage, toc))
    # The downloads depend on the edition only: written and audited while Sphinx builds the pages.
    site_files = ForkedStep("Die Downloads konnten nicht geschrieben werden", _write_and_audit_site_files,
                            edition, kept)
    archiving = ForkedStep("Das Archiv der Ausgabe konnte nicht geschrieben werden", archive.write_tables,
                           work / "archive", edition.tidy, edition.indicators, edition.catalog_document,
                           [m.record() for m in edition.measures] if edition.pack.measures_file else None)
    printing = None
    try:
        step(f"Jupyter Book bauen ({changed} geänderte Quelldateien); Downloads nebenher schreiben und prüfen"
             + (", Steckbriefe drucken (Chromium)" if _prints_fact_sheets(edition.pack) else ""))
        html = work / "html"
        _run_jupyter_book(kept, work / "jupyter-book.log", workers, html, record)
        # Chromium prints the edition while the pages are audited.
        if pdf_name:
            step("PDF drucken (Chromium, nebenher)")
            printing = ForkedStep(PRINT_FAILED, _print_edition, html, edition, toc, pdf_name, built_text(record),
                                  kept)
        step("Downloads abwarten")
        violations, digests = site_files.wait()
        downloads = set(digests)   # every download the step audited
        shutil.copytree(kept.site_files, html, dirs_exist_ok=True)
        step("Geheimhaltung prüfen (sozialbericht audit)")
        printed = {pdf_name, print_pdf.PRINT_PAGE}
        found, digest = _audit(html, edition, kept, workers,
                               [f for f in audit.audited_files(html) if f not in printed and f not in downloads])
        violations += found
        digests.update(digest)
        if printing:
            step("PDF abwarten und prüfen")
            printing.wait()   # a failed print stops the build here
            found, digest = _audit(html, edition, kept, workers, [pdf_name])
            violations += found
            digests.update(digest)
        archiving.wait()
    finally:
        site_files.stop()
        archiving.stop()
        if printing:
            printing.stop()
    violations += _audit_stamps(edition, record)
    if not violations:
        kept.remember_clean(digests)
    if violations:
        raise BuildError(audit.summary(violations) + "\nDie Ausgabe wird nicht veröffentlicht.")
    record["pages"] = _site_pages(html)
    record["highlights"] = need_summary.edition_highlights(edition)   # "Neu in dieser Ausgabe" in the editions list
    write_json(record, html / "provenance.json")
    archive.write_provenance(work / "archive", record)

    step(f"Veröffentlichen nach {target.relative_to(root)}")
    website.swap_in(html, target)
    website.swap_in(work / "archive", stored)
    website.write_city_files(site_city, pack.edition_name)
    shutil.rmtree(work, ignore_errors=True)
    step("fertig")
    return BuildResult(target, "built", time.monotonic() - started)


def build_all_editions(city: str | None = None, root: Path | None = None, workers: int = 2, report=_print_now,
                       force: bool = False, level: str | None = None) -> list[BuildResult]:
    """Every edition the pack declares, oldest first; published older editions stay as they are."""
    root = Path(root) if root else project_root()
    city = city or default_city(root)
    results = []
    for year in load_city(city, root).editions:
        try:
            results.append(build_edition(city, year, root, workers, report, force, level))
        except EditionFrozen:
            report(f"Ausgabe {year}: veröffentlicht und eingefroren – übersprungen (Korrektur: --force mit "
                   "Grund in city.yml)")
            results.append(BuildResult(website.city_folder(root, city) / str(year), "frozen", 0.0))
    return results


def default_city(root: Path) -> str:
    """The city named in data/DEFAULT_CITY, else the first pack in alphabetical order."""
    marker = root / "data" / "DEFAULT_CITY"
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()
    packs = sorted(p.parent.name for p in (root / "data").glob("*/city.yml"))
    if not packs:
        raise InputError("Kein Stadtpaket unter data/<stadt>/city.yml gefunden.")
    return packs[0]

"""The book's Sphinx stage, kept between builds of one edition, so that a rebuild after a change in one
chapter reads and writes that chapter's page only (Sphinx's own incremental build: a source newer than
Sphinx's record of it is read again, and only the pages of the sources read again are written).

Every build stages the book afresh in its work folder; `sync` carries only the files whose bytes changed
into the kept stage, so the others keep their modification times. The kept stage starts empty whenever
something the whole edition depends on changed (the edition key: data, code, package versions,
parameters). Sphinx starts afresh whenever a source disappeared (Sphinx would leave its page behind), what
every page shows of the others changed (Sphinx would not update it in the pages it does not write), or a
build was killed before it had finished its pages.

Next to the stage it keeps what else a rebuild can reuse: the computed edition, the downloads written from
it, the files the disclosure audit found clean (by their digest), and the chapters' pages in the PDF."""
from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
from pathlib import Path

from analysis.documents import read_json, write_json

SPHINX_OUTPUT = "_build"   # inside the stage: Sphinx's pages (html/) and its environment (.doctrees/)
SPHINX_RECORDS = (".buildinfo", ".doctrees")   # Sphinx's own records in html/, not pages
EDITION_KEY_FILE = "edition-key.sha256"
PAGES_IN_PROGRESS = "pages-in-progress"   # present while Sphinx writes and the build finishes its pages


class KeptStage:
    def __init__(self, root: Path, site_key: str, year: int, edition_key: str):
        self.folder = Path(root) / "_build" / "cache" / "stage" / site_key / str(year)
        self.sources = self.folder / "book"
        marker = self.folder / EDITION_KEY_FILE
        digest = hashlib.sha256(edition_key.encode()).hexdigest()
        if not marker.is_file() or marker.read_text(encoding="utf-8") != digest:
            self.clear()
            marker.write_text(digest, encoding="utf-8")
        if (self.folder / PAGES_IN_PROGRESS).exists():   # a killed build: its pages may be half finished
            self.forget_pages()

    def clear(self) -> None:
        """Forget everything kept for the edition key before."""
        if self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.name != EDITION_KEY_FILE:
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        self.folder.mkdir(parents=True, exist_ok=True)

    def forget_pages(self) -> None:
        """Forget the sources and Sphinx's pages and records: the next Sphinx run reads and writes every page
        (needed after a failed run, whose pages Sphinx would not read again, so their warnings would not
        recur). What depends on the edition key alone stays."""
        shutil.rmtree(self.sources, ignore_errors=True)
        (self.folder / PAGES_IN_PROGRESS).unlink(missing_ok=True)

    def pages_begin(self) -> None:
        """Sphinx is about to write pages that the build then finishes (repairs): until pages_done, the
        kept pages count as unfinished, so that a killed build makes the next one start afresh."""
        (self.folder / PAGES_IN_PROGRESS).touch()

    def pages_done(self) -> None:
        (self.folder / PAGES_IN_PROGRESS).unlink(missing_ok=True)

    @property
    def html(self) -> Path:
        return self.sources / SPHINX_OUTPUT / "html"

    @property
    def edition_file(self) -> Path:
        return self.folder / "edition.pkl"

    def keep_edition(self, edition) -> None:
        """The computed edition, written whole or not at all (a killed build leaves no half pickle)."""
        partial = self.edition_file.with_name("edition.pkl.partial")
        edition.save(partial)
        partial.replace(self.edition_file)

    def sync(self, fresh: Path, shared_key: str) -> int:
        """Make the kept sources equal to the freshly staged ones, writing only the files that differ;
        returns their number. Sphinx starts afresh where a source is gone, and where `shared_key` changed:
        what every page shows of the others (the titles in the navigation), which Sphinx does not update
        in the pages it does not write."""
        wanted = _files(fresh)
        kept = _files(self.sources, skip=SPHINX_OUTPUT)
        shared = self.folder / "shared-key.txt"
        if kept - wanted or not shared.is_file() or shared.read_text(encoding="utf-8") != shared_key:
            self.forget_pages()
        changed = 0
        for relative in sorted(wanted):
            source, target = fresh / relative, self.sources / relative
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)   # a fresh modification time: Sphinx reads it again
            changed += 1
        shared.write_text(shared_key, encoding="utf-8")
        return changed

    def pages_written_since(self, moment_ns: int) -> list[Path]:
        """The HTML pages Sphinx wrote in the run that began at `moment_ns` (time.time_ns())."""
        return [path for path in self.html.rglob("*.html") if path.stat().st_mtime_ns >= moment_ns]

    def copy_pages(self, target: Path, stamps: dict[str, str]) -> None:
        """The built site without Sphinx's records, into target (a new folder); in the pages (.html) each
        stamp replaced by its value."""
        def copy(source: str, destination: str) -> None:
            if not source.endswith(".html"):
                shutil.copy2(source, destination)
                return
            text = Path(source).read_text(encoding="utf-8")
            for stamp, value in stamps.items():
                text = text.replace(stamp, value)
            Path(destination).write_text(text, encoding="utf-8")

        shutil.copytree(self.html, target, ignore=shutil.ignore_patterns(*SPHINX_RECORDS), copy_function=copy)

    @property
    def site_files(self) -> Path:
        """Files the build adds to the site that depend on the computed edition only (the downloads)."""
        return self.folder / "site-files"

    # --- the disclosure audit's clean files ---------------------------------------------------
    def digests(self, site: Path, relatives: list[str]) -> dict[str, str]:
        """SHA-256 of each of these files of the site to publish; of a page (.html) the digest of the page as
        Sphinx wrote it and the build finished it, before it was stamped (only pages are stamped)."""
        def unstamped(relative: str) -> Path:
            page = self.html / relative
            return page if relative.endswith(".html") and page.is_file() else site / relative

        return {relative: _digest(unstamped(relative)) for relative in relatives}

    def audited_clean(self) -> dict[str, str]:
        return read_json(self.folder / "audited-clean.json") or {}

    def remember_clean(self, digests: dict[str, str]) -> None:
        write_json(digests, self.folder / "audited-clean.json")

    # --- the PDF's chapter pages --------------------------------------------------------------
    def pdf_pages(self) -> dict[str, int] | None:
        return read_json(self.folder / "pdf-pages.json")

    def remember_pdf_pages(self, pages: dict[str, int]) -> None:
        write_json(pages, self.folder / "pdf-pages.json")


def _files(folder: Path, skip: str | None = None) -> set[str]:
    if not folder.is_dir():
        return set()
    found = set()
    for directory, subfolders, names in os.walk(folder):
        if skip and Path(directory) == folder and skip in subfolders:
            subfolders.remove(skip)
        found.update(os.path.relpath(os.path.join(directory, name), folder) for name in names)
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

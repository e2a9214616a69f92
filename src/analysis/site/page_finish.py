"""The pages Sphinx wrote, finished in place before anything reads them: the accessibility repairs, the
lightening (unused scripts and assets, the theme's English strings) and the glossary links. Each page is
read and written once, and the pages are shared out among processes (a Berlin edition writes about 560)."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analysis.site import accessibility, glossary, lighten

PAGES_PER_BATCH = 40
PARALLEL_FROM = 100   # fewer pages (a rebuild after a change in one chapter) are finished in this process


def finish_page(page: Path, site: Path, glossary_terms: list[tuple[str, str]]) -> bool:
    """Finish one page; whether it changed."""
    text = page.read_text(encoding="utf-8")
    finished = glossary.linked(lighten.lighten(accessibility.repair(text)), page, site, glossary_terms)
    if finished != text:
        page.write_text(finished, encoding="utf-8")
    return finished != text


def _finish_batch(pages: list[Path], site: Path, glossary_terms: list[tuple[str, str]]) -> int:
    return sum(finish_page(page, site, glossary_terms) for page in pages)


def finish_pages(site: Path, pages: list[Path], workers: int = 1) -> int:
    """Finish these pages of the site and remove the assets no page loads; returns the number of pages
    changed."""
    glossary_terms = glossary.terms(site)
    if workers <= 1 or len(pages) < PARALLEL_FROM:
        changed = _finish_batch(pages, site, glossary_terms)
    else:
        batches = [pages[i:i + PAGES_PER_BATCH] for i in range(0, len(pages), PAGES_PER_BATCH)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            changed = sum(pool.map(_finish_batch, batches, [site] * len(batches), [glossary_terms] * len(batches)))
    lighten.remove_unused_assets(site)
    return changed

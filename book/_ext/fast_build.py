"""Sphinx extension: build hundreds of area profiles fast.

- Parallel reading: sphinx-external-toc always loads sphinx-multitoc-numbering, which does not declare
  whether it is safe for parallel reading, so Sphinx would read every page one after the other. That
  extension only renumbers sections after all pages are read (in the main process, and only for
  numbered tables of contents, which this book does not use), so reading in parallel is safe.
- Search index: Sphinx stems every word of every page with the pure-Python German Snowball stemmer,
  about a quarter of the build for a city with hundreds of profiles that repeat the same words.
  Stems are remembered per word."""
import functools


def setup(app):
    app.setup_extension("sphinx_multitoc_numbering")
    numbering = app.extensions["sphinx_multitoc_numbering"]
    numbering.parallel_read_safe = True
    numbering.parallel_write_safe = True

    from sphinx.search.de import SearchGerman

    if not hasattr(SearchGerman.stem, "cache_info"):
        SearchGerman.stem = functools.lru_cache(maxsize=200_000)(SearchGerman.stem)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: build hundreds of area profiles fast.

- Parallel reading: sphinx-external-toc always loads sphinx-multitoc-numbering, which does not declare
  whether it is safe for parallel reading, so Sphinx would read every page one after the other. That
  extension only renumbers sections after all pages are read (in the main process, and only for
  numbered tables of contents, which this book does not use), so reading in parallel is safe.
- Search index: Sphinx stems every word of every page with the pure-Python German Snowball stemmer,
  about a quarter of the build for a city with hundreds of profiles that repeat the same words.
  Stems are remembered per word.
- Code highlighting: every area profile runs the same code cells, and Pygments took a sixth of the build
  highlighting them again for each profile (folded for readers, but in the page). A block's highlighted
  HTML is remembered per highlighter, source, language and options."""
import functools

HIGHLIGHTED_MAX = 20_000


def _remembered(highlight_block):
    highlighted: dict = {}

    @functools.wraps(highlight_block)
    def remembered(bridge, source, lang, opts=None, force=False, location=None, **kwargs):
        # the location only places a warning, given the first time a source is highlighted
        key = (id(bridge), source, lang, repr(opts), force, repr(sorted(kwargs.items())))
        if key not in highlighted:
            if len(highlighted) >= HIGHLIGHTED_MAX:
                highlighted.clear()
            highlighted[key] = highlight_block(bridge, source, lang, opts, force, location, **kwargs)
        return highlighted[key]

    remembered.remembers = True
    return remembered


def setup(app):
    app.setup_extension("sphinx_multitoc_numbering")
    numbering = app.extensions["sphinx_multitoc_numbering"]
    numbering.parallel_read_safe = True
    numbering.parallel_write_safe = True

    from sphinx.search.de import SearchGerman

    if not hasattr(SearchGerman.stem, "cache_info"):
        SearchGerman.stem = functools.lru_cache(maxsize=200_000)(SearchGerman.stem)

    from sphinx.highlighting import PygmentsBridge

    if not getattr(PygmentsBridge.highlight_block, "remembers", False):
        PygmentsBridge.highlight_block = _remembered(PygmentsBridge.highlight_block)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

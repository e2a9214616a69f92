"""Sphinx extension: build hundreds of area profiles fast.

- Parallel reading: sphinx-external-toc always loads sphinx-multitoc-numbering, which does not declare
  whether it is safe for parallel reading, so Sphinx would read every page one after the other. That
  extension only renumbers sections after all pages are read (in the main process, and only for
  numbered tables of contents, which this book does not use), so reading in parallel is safe.
- Search index: Sphinx stems every word of every page with the German Snowball stemmer. Stems are
  remembered per word, and PyStemmer (a dependency) gives snowballstemmer its C stemmer: the same stems
  on all 47,645 words of Berlin's pages, 40× faster than the pure-Python one.
- Code highlighting: every area profile runs the same code cells, and Pygments took a sixth of the build
  highlighting them again for each profile (folded for readers, but in the page). A block's highlighted
  HTML is remembered per highlighter, source, language and options.
- Area profiles are found by their title (the area's name and key) only. Their text is the same labels
  and numbers on every profile: a search for an indicator would list hundreds of profiles above the chapter
  that explains it. Indexing their bodies was also the largest step that Sphinx cannot do in parallel
  (about 18 ms a page in the main process).
- Sidebar of pages outside the table of contents: the theme builds the sidebar's navigation for every page
  (the table of contents, parsed and rewritten with BeautifulSoup; about 5 ms a profile). A page
  outside the table of contents (the profiles of a city with hundreds of areas) has nothing in it marked as
  current, and its links differ only by the page's folder: such pages of one folder share it. The same
  holds for the theme's check of which of its templates a page leaves empty (it renders each of them to
  see, eight a page): made once per folder for such pages (and whether the page has sections, which its own
  table of contents lists).
- Notebooks are read without nbformat's schema validation, which only logs (the build's workers wrote
  them), and myst-nb's copy of each executed notebook is not serialised: it is kept for a download link,
  and the book offers no source download (`html_copy_source: false`). Together about a seventh of reading.
- Docutils' default settings are made once per parser: myst-parser makes a document with fresh defaults
  for every notebook and throws it away (its `options.get("document", make_document())`), a few
  milliseconds a page."""
import functools
import posixpath

import nbformat
from docutils import frontend, nodes
from markupsafe import Markup
from sphinx.util.docutils import new_document

from analysis.report.links import PROFILE_FOLDER

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


def _title_only(title: nodes.title) -> nodes.document:
    document = new_document("")
    section = nodes.section()
    section += title.deepcopy()
    document += section
    return document


def _profiles_by_title(app) -> None:
    builder = app.builder
    index_page = getattr(builder, "index_page", None)
    if index_page is None:   # a builder without a search index
        return

    def index_profile_by_title(pagename: str, doctree: nodes.document, title: str) -> None:
        title_node = builder.env.titles.get(pagename)
        if pagename.startswith(f"{PROFILE_FOLDER}/") and title_node is not None:
            doctree = _title_only(title_node)
        index_page(pagename, doctree, title)

    builder.index_page = index_profile_by_title


def _shared_folder(app, pagename: str) -> str | None:
    """The folder whose pages share this page's navigation: only a page outside the table of contents."""
    return posixpath.dirname(pagename) if app.env.metadata.get(pagename, {}).get("orphan") else None


def _with_shared_sidebar(add_toctree_functions):
    shared: dict = {}

    @functools.wraps(add_toctree_functions)
    def add_toctree_functions_shared(app, pagename, templatename, context, doctree):
        add_toctree_functions(app, pagename, templatename, context, doctree)
        folder = _shared_folder(app, pagename)
        if folder is None:
            return
        generate = context["generate_toctree_html"]

        def generate_shared(kind: str, *arguments, **options):
            if kind != "sidebar":   # "raw" gives a tree that a template may change
                return generate(kind, *arguments, **options)
            key = (folder, arguments, tuple(sorted(options.items())))
            if key not in shared:
                shared[key] = Markup(str(generate(kind, *arguments, **options)))
            return shared[key]

        context["generate_toctree_html"] = generate_shared

    return add_toctree_functions_shared


def _with_shared_template_checks(check_templates):
    decided: dict = {}

    @functools.wraps(check_templates)
    def check_templates_once_per_folder(app, context, templates, section, templates_skip_empty_check=None):
        folder = _shared_folder(app, context.get("pagename", ""))
        if folder is None:
            return check_templates(app, context, templates, section, templates_skip_empty_check)
        # the page's own table of contents is empty without sections (display_toc)
        key = (folder, bool(context.get("display_toc")), section,
               templates if isinstance(templates, str) else tuple(templates), tuple(templates_skip_empty_check or ()))
        if key not in decided:
            decided[key] = check_templates(app, context, templates, section, templates_skip_empty_check)
        return list(decided[key])

    check_templates_once_per_folder.shared = True
    return check_templates_once_per_folder



def _sidebars_shared_by_orphans(app) -> None:
    """Wrap the theme's handler that gives each page its navigation functions, and its check of templates."""
    from pydata_sphinx_theme import toctree, utils

    if not getattr(utils._update_and_remove_templates, "shared", False):
        utils._update_and_remove_templates = _with_shared_template_checks(utils._update_and_remove_templates)
    listeners = app.events.listeners["html-page-context"]
    for position, listener in enumerate(listeners):
        if listener.handler is toctree.add_toctree_functions:
            listeners[position] = listener._replace(handler=_with_shared_sidebar(listener.handler))


def _read_without_validation(text: str) -> nbformat.NotebookNode:
    notebook = nbformat.reader.reads(text)
    return notebook if notebook.nbformat == 4 else nbformat.convert(notebook, 4)


class _NotebookFormatWithoutCopies:
    """nbformat as myst-nb's parser sees it: the copy of the executed notebook it writes is left empty
    (the renderer, analysis.site.book_render, does not write it at all)."""

    def __getattr__(self, name: str):
        return getattr(nbformat, name)

    @staticmethod
    def writes(notebook, *arguments, **options) -> str:
        return ""


def _remembered_defaults(get_default_settings):
    defaults: dict = {}

    @functools.wraps(get_default_settings)
    def remembered(*components):
        if components not in defaults:
            defaults[components] = get_default_settings(*components)
        return defaults[components].copy()   # a document may change its settings

    remembered.remembers = True
    return remembered


def _lighter_notebook_reading() -> None:
    import myst_nb.core.read
    import myst_nb.sphinx_

    myst_nb.core.read.standard_nb_read = _read_without_validation
    myst_nb.sphinx_.nbformat = _NotebookFormatWithoutCopies()
    if not getattr(frontend.get_default_settings, "remembers", False):
        frontend.get_default_settings = _remembered_defaults(frontend.get_default_settings)


def setup(app):
    _lighter_notebook_reading()
    app.connect("builder-inited", _profiles_by_title)
    app.connect("builder-inited", _sidebars_shared_by_orphans)
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

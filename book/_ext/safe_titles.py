"""Sphinx extension: page and document titles reach the theme's templates HTML-escaped.

sphinx-book-theme prints `pagetitle` (the plain text of the first heading) and pydata-sphinx-theme prints
`docstitle` without escaping; both can hold names from data. Markup objects are not escaped twice by
templates that do escape them."""
from markupsafe import Markup, escape


def _escape_titles(app, pagename, templatename, context, doctree):
    for key in ("pagetitle", "docstitle"):
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = escape(value)


def setup(app):
    # After the themes have filled in the context (their handlers run at the default priority 500).
    app.connect("html-page-context", _escape_titles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

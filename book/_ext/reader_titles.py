"""Sphinx extension: the role {lesetitel}`Reader title|official title` for generated sentences.

It renders the reader title in bold with the official definition as its tooltip
(<strong><abbr title="…">…</abbr></strong>). Sphinx's own {abbr} role cannot carry it: it takes the last
parenthesis as the explanation, and reader titles such as "Kinderarmut (SGB II)" have parentheses of their
own. Raw HTML in generated markdown is escaped by the notebook renderer, so the role is the way."""
from docutils import nodes
from sphinx.util.docutils import SphinxRole


class ReaderTitle(SphinxRole):
    def run(self):
        shown, _, official = self.text.partition("|")
        title = nodes.abbreviation(self.rawtext, shown.strip(), explanation=official.strip() or shown.strip())
        return [nodes.strong("", "", title)], []


def setup(app):
    app.add_role("lesetitel", ReaderTitle())
    return {"parallel_read_safe": True, "parallel_write_safe": True}

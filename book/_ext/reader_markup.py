"""Sphinx extension: two roles for generated markdown, where raw HTML would be escaped by the notebook
renderer (glue:md) and a markdown link would be taken for a reference to a page of the book.

- {lesetitel}`Reader title|official title`: the reader title in bold with the official definition as its
  tooltip (<strong><abbr title="…">…</abbr></strong>). Sphinx's own {abbr} role cannot carry it: it takes
  the last parenthesis as the explanation, and reader titles such as "Kinderarmut (SGB II)" have their own.
- {datei}`path/in/daten|link text`: a link to a download. Downloads are written next to the pages after
  Sphinx ran, so the link is a plain address relative to a page one folder deep (../daten/…)."""
from docutils import nodes
from sphinx.util.docutils import SphinxRole

from analysis.report.links import DOWNLOAD_FOLDER


class ReaderTitle(SphinxRole):
    def run(self):
        shown, _, official = self.text.partition("|")
        title = nodes.abbreviation(self.rawtext, shown.strip(), explanation=official.strip() or shown.strip())
        return [nodes.strong("", "", title)], []


class DownloadLink(SphinxRole):
    def run(self):
        path, _, text = self.text.partition("|")
        return [nodes.reference(self.rawtext, text.strip() or path.strip(),
                                refuri=f"../{DOWNLOAD_FOLDER}/{path.strip()}")], []


def setup(app):
    app.add_role("lesetitel", ReaderTitle())
    app.add_role("datei", DownloadLink())
    return {"parallel_read_safe": True, "parallel_write_safe": True}

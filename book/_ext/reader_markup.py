"""Sphinx extension: two roles for generated markdown, where raw HTML would be escaped by the notebook
renderer (glue:md) and a markdown link would be taken for a reference to a page of the book.

- {lesetitel}`Reader title <official title>`: the reader title in bold with the official definition as its
  tooltip (<strong><abbr title="…">…</abbr></strong>). Sphinx's own {abbr} role cannot carry it: it takes
  the last parenthesis as the explanation, and reader titles such as "Kinderarmut (SGB II)" have their own.
- {datei}`link text <path/in/daten>`: a link to a download. Downloads are written next to the pages after
  Sphinx ran, so the link is a plain address relative to a page one folder deep (../daten/…).

Both take "text <target>" like Sphinx's own roles: a "|" would split a markdown table cell."""
import re

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from analysis.report.links import DOWNLOAD_FOLDER

TEXT_AND_TARGET = re.compile(r"^(.*?)\s*<([^<>]*)>$", re.S)


def _split(text: str) -> tuple[str, str]:
    """'shown <target>' → ('shown', 'target'); without a target both are the text."""
    found = TEXT_AND_TARGET.match(text.strip())
    return (found[1], found[2]) if found else (text.strip(), text.strip())


class ReaderTitle(SphinxRole):
    def run(self):
        shown, official = _split(self.text)
        return [nodes.strong("", "", nodes.abbreviation(self.rawtext, shown, explanation=official))], []


class DownloadLink(SphinxRole):
    def run(self):
        shown, path = _split(self.text)
        return [nodes.reference(self.rawtext, shown, refuri=f"../{DOWNLOAD_FOLDER}/{path}")], []


def setup(app):
    app.add_role("lesetitel", ReaderTitle())
    app.add_role("datei", DownloadLink())
    return {"parallel_read_safe": True, "parallel_write_safe": True}

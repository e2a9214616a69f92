"""Glossary links: on every page the first mention of a glossary term (book/glossar.md) in running text
links to its entry.

Read from the built glossary page (Sphinx writes each term as <dt id="term-…">), so the glossary stays the
one place where terms are written. Only running text is linked: paragraphs and list items of the article,
never headings, tables, existing links or the glossary page itself."""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

GLOSSARY_SOURCE = "book/glossar.md"
GLOSSARY_PAGE = "book/glossar.html"
_TERM = re.compile(r'<dt id="(term-[^"]+)">(.*?)<a class="headerlink"', re.S)
_ARTICLE = re.compile(r'(<article class="bd-article">)(.*?)(</article>)', re.S)
_BLOCK = re.compile(r"<(p|li)\b[^>]*>.*?</\1>", re.S)
_TAG = re.compile(r"(<[^>]+>)")
_TABLE = re.compile(r"<table\b.*?</table>", re.S)


def terms(site: Path) -> list[tuple[str, str]]:
    """(term, anchor) of the built glossary, longest term first (so "SGB-II-Quote" wins over "SGB II")."""
    page = site / GLOSSARY_PAGE
    if not page.is_file():
        return []
    found = [(html.unescape(re.sub(r"<[^>]+>", "", text)).strip(), anchor)
             for anchor, text in _TERM.findall(page.read_text(encoding="utf-8"))]
    return sorted(found, key=lambda t: -len(t[0]))


def _link_first(block: str, term: str, href: str) -> str | None:
    """The block with the first mention of the term outside links and abbreviations linked, or None."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(html.escape(term, quote=False))}(?![\w-])")
    parts, in_link = _TAG.split(block), 0
    for position, part in enumerate(parts):
        if part.startswith("<"):
            # no link inside a link, nor inside an abbreviation (a reader title with its tooltip)
            if re.match(r"<(a|abbr)\b", part):
                in_link += 1
            elif re.match(r"</(a|abbr)>", part):
                in_link -= 1
            continue
        match = pattern.search(part) if in_link == 0 else None
        if match:
            linked = f'<a class="glossar-begriff" href="{href}">{match.group(0)}</a>'
            parts[position] = part[:match.start()] + linked + part[match.end():]
            return "".join(parts)
    return None


def link_page(page: str, glossary: list[tuple[str, str]], relative_glossary: str) -> str:
    article = _ARTICLE.search(page)
    if not article:
        return page
    body = article.group(2)
    for term, anchor in glossary:
        if html.escape(term, quote=False) not in body:   # most terms are not on a given page
            continue
        tables = [(t.start(), t.end()) for t in _TABLE.finditer(body)]
        for block in _BLOCK.finditer(body):
            if any(start <= block.start() < end for start, end in tables):
                continue
            linked = _link_first(block.group(0), term, f"{relative_glossary}#{anchor}")
            if linked is not None:
                body = body[:block.start()] + linked + body[block.end():]
                break
    return page[:article.start(2)] + body + page[article.end(2):]


def linked(text: str, page: Path, site: Path, glossary: list[tuple[str, str]]) -> str:
    """A page of the site with the first mention of each term linked (the glossary page itself and Sphinx's
    own pages, under _, stay as they are)."""
    relative = page.relative_to(site).as_posix()
    if not glossary or relative == GLOSSARY_PAGE or relative.startswith("_"):
        return text
    target = os.path.relpath(site / GLOSSARY_PAGE, page.parent).replace(os.sep, "/")
    return link_page(text, glossary, target)

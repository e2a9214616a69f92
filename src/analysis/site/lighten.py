"""Lighter, German, offline pages: what the themes write but a reader of the report never uses.

Done on the finished site, like the accessibility repairs, because the markup comes from third-party
templates. Three kinds of change:

- assets a page does not use: the map and comparison scripts where a page has neither; Thebe (live code
  needs a Binder server on the internet, and its script declared THEBE_JS_URL twice, an error on every
  page), Font Awesome's 1.5 MB script (replaced by the handful of inline SVG icons the pages show), source
  maps;
- the themes' remaining English, translated;
- nothing else: a pattern that no longer matches leaves the page unchanged, and the tests that look for
  English strings and page assets then fail."""
from __future__ import annotations

import re
from pathlib import Path

# Removed with the whitespace before them (see _removed).
REMOVED_MARKUP = [
    re.compile(r'<link rel="stylesheet" type="text/css" href="[^"]*sphinx-thebe\.css[^"]*" />'),
    re.compile(r'<script async="async" src="[^"]*sphinx-thebe\.js[^"]*"></script>'),
    re.compile(r'<script>const THEBE_JS_URL = [^<]*</script>'),
    re.compile(r'<script type="text/x-thebe-config">.*?</script>', re.S),
    re.compile(r"<script>kernelName = 'python3'</script>"),
    re.compile(r'<script defer src="[^"]*scripts/fontawesome\.js[^"]*"></script>'),
]


def _removed(page: str, pattern: re.Pattern) -> str:
    """The page without the pattern's matches and the whitespace before each, as if the pattern began
    with any whitespace. A pattern that begins with a literal is found quickly; one that begins with
    whitespace is tried at every position of the page (10 ms a page for these eight patterns)."""
    parts, last = [], 0
    for match in pattern.finditer(page):
        start = match.start()
        while start > last and page[start - 1].isspace():
            start -= 1
        parts.append(page[last:start])
        last = match.end()
    return "".join(parts) + page[last:] if parts else page

# The theme's English attribute texts; German as a reader would say it.
TRANSLATIONS = {
    'title="Link to this heading"': 'title="Link zu diesem Abschnitt"',
    'title="Toggle primary sidebar"': 'title="Navigation ein- oder ausblenden"',
    'title="Toggle secondary sidebar"': 'title="Inhalt dieser Seite ein- oder ausblenden"',
    'placeholder="Search this book..."': 'placeholder="Im Bericht suchen …"',
    'aria-label="Search this book..."': 'aria-label="Im Bericht suchen"',
    'aria-label="Main"': 'aria-label="Kapitel des Berichts"',
    'aria-label="Page"': 'aria-label="Abschnitte dieser Seite"',
    'aria-label="Laden Sie diese Seite herunter"': 'aria-label="Diese Seite herunterladen"',
}
# Phrases of the theme that must not reach a page (tests/integration/test_build.py reads this list).
ENGLISH_THEME_PHRASES = ("Link to this heading", "Toggle primary sidebar", "Toggle secondary sidebar",
                         "Search this book", "Toggle hidden content", 'aria-label="Main"', 'aria-label="Page"',
                         "Skip to main content", "Back to top", "Contents", "By Sozialplanung")

# Icons as simple stroked SVG drawings (24 × 24), drawn for this project; currentColor follows the theme.
_ICON_PATHS = {
    "bars": "M4 6h16M4 12h16M4 18h16",
    "list": "M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01",
    "magnifying-glass": "M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13M15.5 15.5L20 20",
    "angle-left": "M15 5l-7 7l7 7",
    "angle-right": "M9 5l7 7l-7 7",
    "chevron-down": "M5 9l7 7l7-7",
    "arrow-up": "M12 20V5M5 11l7-7l7 7",
    "xmark": "M6 6l12 12M18 6L6 18",
}
FONT_AWESOME_ICON = re.compile(r'<(i|span) class="(?:fa-solid|fas) fa-([a-z-]+)(?: fa-lg)?"></\1>')


def _icon(match: re.Match) -> str:
    path = _ICON_PATHS.get(match[2])
    if path is None:
        return match[0]   # an icon this project does not draw stays, and the asset test names it
    return ('<svg class="sb-icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" '
            'focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" '
            f'stroke-linejoin="round"><path d="{path}"/></svg>')


# The project's own page scripts, each loaded only by a page that has the element it works on.
PAGE_SCRIPTS = {"karte.js": "data-karte", "vergleich.js": "data-vergleich"}


def _without_unused_scripts(page: str) -> str:
    for script, marker in PAGE_SCRIPTS.items():
        if f"{marker}>" not in page and f"{marker} " not in page:
            page = _removed(page, re.compile(rf'<script src="[^"]*_static/{re.escape(script)}(?:\?[^"]*)?"></script>'))
    return page


def lighten(page: str) -> str:
    for pattern in REMOVED_MARKUP:
        page = _removed(page, pattern)
    page = _without_unused_scripts(page)
    for english, german in TRANSLATIONS.items():
        page = page.replace(english, german)
    return FONT_AWESOME_ICON.sub(_icon, page)


# The Font Awesome web fonts stay: the theme's stylesheet draws a few marks (admonitions) with them, and a
# browser loads a font only for a page that shows such a mark.
UNUSED_ASSETS = ("_static/scripts/fontawesome.js", "_static/sphinx-thebe.js", "_static/sphinx-thebe.css")


def remove_unused_assets(site: Path) -> None:
    """Delete the source maps and the theme's assets that no lightened page loads."""
    for path in site.rglob("*.map"):
        path.unlink()
    for relative in UNUSED_ASSETS:
        (site / relative).unlink(missing_ok=True)

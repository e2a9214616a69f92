"""Repairs to the HTML that the Sphinx themes write, so every page meets WCAG 2.1 AA (BITV 2.0), as
axe-core checks it in tests/test_accessibility.py. Each repair names the rule it answers.

Done as text replacements on the finished pages because the markup comes from third-party templates
(pydata-sphinx-theme, sphinx-book-theme, myst-nb); overriding those templates would tie the project to
their internals more tightly than a few anchored patterns do. A pattern that no longer matches leaves
the page unchanged, and the axe test then fails and says which rule to look at."""
from __future__ import annotations

import html
import re

REPAIRS: list[tuple[str, re.Pattern, str]] = [
    # label-content-name-mismatch: the search button is labelled "Suche" but shows "Suche Ctrl+K".
    ("search-button", re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="[^"]*"'), r"\1"),
    # label-content-name-mismatch: the colour-mode switch shows only icons with titles that differ from its
    # label. The report is printed and read in light mode (figures are drawn on white), so the switch goes.
    ("theme-switch", re.compile(r'<button class="[^"]*theme-switch-button[^"]*"[^>]*>.*?</button>', re.S), ""),
    # summary-name: the sidebar's fold-out arrows have no text.
    ("toc-toggle", re.compile(r'<summary><span class="toctree-toggle" role="presentation">'),
     '<summary><span class="visually-hidden">Unterseiten ein- oder ausblenden</span>'
     '<span class="toctree-toggle" role="presentation">'),
]


# scrollable-region-focusable: every table scrolls on a narrow screen, so each scroll container is a
# focusable, named region. Our tables come wrapped (tables.ScrollableTable, chart_display.Chart); the
# theme wraps markdown tables in its own container, which gets the same attributes here.
SCROLL_CONTAINER = re.compile(
    r'<div class="(?P<kind>tabelle-rollbar|pst-scrollable-table-container)"'
    r'(?: tabindex="0" role="region" aria-label="(?P<label>[^"]*)")?>'
    r'|<h[1-6][^>]*>(?P<heading>.*?)</h[1-6]>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink".*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _heading_text(markup: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", _HEADERLINK.sub("", markup))).split())


def name_scroll_regions(page: str) -> str:
    """Make every table's scroll container focusable and name it after the section it stands in:
    'Tabelle: Soziale Lage', 'Daten der Grafik: Soziale Lage (2)'."""
    heading, used = "", {}

    def replace(match: re.Match) -> str:
        nonlocal heading
        if match["heading"] is not None:
            heading = _heading_text(match["heading"])
            return match[0]
        what = (match["label"] or "Tabelle").split(":")[0]
        label = f"{what}: {heading}" if heading else what
        used[label] = used.get(label, 0) + 1
        if used[label] > 1:
            label = f"{label} ({used[label]})"
        return (f'<div class="{match["kind"]}" tabindex="0" role="region" '
                f'aria-label="{html.escape(label, quote=True)}">')

    return SCROLL_CONTAINER.sub(replace, page)


def repair(page: str) -> str:
    for _, pattern, replacement in REPAIRS:
        page = pattern.sub(replacement, page)
    return name_scroll_regions(page)

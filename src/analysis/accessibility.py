"""Repairs to the HTML that the Sphinx themes write, so every page meets WCAG 2.1 AA (BITV 2.0), as
axe-core checks it in tests/test_accessibility.py. Each repair names the rule it answers.

Done as text replacements on the finished pages because the markup comes from third-party templates
(pydata-sphinx-theme, sphinx-book-theme, myst-nb); overriding those templates would tie the project to
their internals more tightly than a few anchored patterns do. A pattern that no longer matches leaves
the page unchanged, and the axe test then fails and says which rule to look at."""
from __future__ import annotations

import re
from pathlib import Path

REPAIRS: list[tuple[str, re.Pattern, str]] = [
    # label-content-name-mismatch: the folded code cells are named "Toggle hidden content" (English, and
    # not the visible "Code anzeigen"); without the label their visible text names them.
    ("code-toggle", re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
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


def repair(page: str) -> str:
    for _, pattern, replacement in REPAIRS:
        page = pattern.sub(replacement, page)
    return page


def repair_site(site: Path) -> int:
    """Repair every HTML page of a built site in place; returns the number of pages changed."""
    changed = 0
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        repaired = repair(text)
        if repaired != text:
            path.write_text(repaired, encoding="utf-8")
            changed += 1
    return changed

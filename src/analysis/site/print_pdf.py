"""The edition as one PDF for the council (Ratsvorlage), printed offline by headless Chromium.

The built pages' article content is put together in reading order (title page, contents, chapters, the
area profiles as an appendix) into one print page with its own print stylesheet; code cells, folded
data tables and the interactive map are left out (the static maps and tables carry the same
information). Chromium writes a tagged PDF with a document outline."""
from __future__ import annotations

import html as html_module
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

PRINT_PAGE = "_druck.html"
APPENDIX_AREAS_MAX = 60    # above this, the appendix would run to thousands of pages; profiles stay online
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer", "--generate-pdf-document-outline", "--export-tagged-pdf"]
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #000; }
h1 { font-size: 18pt; break-before: page; } h2 { font-size: 13pt; } h3, h4 { font-size: 11pt; }
h1, h2, h3 { break-after: avoid; } img { max-width: 100%; break-inside: avoid; }
table { border-collapse: collapse; font-size: 8pt; margin: 0.5em 0; break-inside: auto; }
th, td { border-bottom: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; }
tr { break-inside: avoid; } a { color: #000; text-decoration: none; }
.titelseite { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.titelseite h1 { font-size: 28pt; break-before: auto; } .inhalt li { margin: 0.2em 0; }
.anhang h1 { font-size: 15pt; }
"""


def _article(page: Path, anchor: str) -> tuple[str, str]:
    """The page's article prepared for print, and its title."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article", class_="bd-article")
    if article is None:
        return "", ""
    for hidden in article.select(".cell_input, details.hide, details.grafik-daten, .interaktive-karte, "
                                 "script, noscript, a.headerlink, .tag_remove-cell"):
        hidden.decompose()
    for image in article.find_all("img"):
        image["src"] = re.sub(r"^(\.\./)+", "", image.get("src", ""))
    for link in article.find_all("a"):
        link.attrs.pop("href", None)   # links between web pages mean nothing on paper
    for element in article.find_all(id=True):   # ids stay unique once all pages share one document
        element["id"] = f"{anchor}-{element['id']}"
    first = article.find("h1")
    if first is not None:
        first["id"] = anchor
    return str(article), (first.get_text(" ", strip=True) if first is not None else "")


def print_page(site: Path, title: str, subtitle: str, chapters: list[str], profiles: list[str]) -> str:
    """chapters and profiles: page paths relative to the site, in reading order."""
    parts, contents = [], []
    for number, page in enumerate(chapters):
        anchor = f"kapitel-{number}"
        article, name = _article(site / page, anchor)
        parts.append(article)
        contents.append(f'<li><a href="#{anchor}">{html_module.escape(name)}</a></li>')
    appendix = [_article(site / page, f"profil-{number}")[0] for number, page in enumerate(profiles)]
    if profiles:
        contents.append(f"<li>Anhang: {len(profiles)} Gebietsprofile</li>")
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{html_module.escape(title)}</title>'
            f"<style>{PRINT_CSS}</style></head><body>"
            f'<section class="titelseite"><h1>{html_module.escape(title)}</h1><p>{html_module.escape(subtitle)}</p>'
            "</section>"
            f'<nav class="inhalt" aria-label="Inhalt"><h1>Inhalt</h1><ol>{"".join(contents)}</ol></nav>'
            f"<main>{''.join(parts)}<section class=\"anhang\">{''.join(appendix)}</section></main></body></html>")


def available() -> bool:
    return bool(shutil.which("chromium") or shutil.which("chromium-browser"))


def file_name(site_key: str, year: int) -> str:
    return f"sozialbericht-{site_key}-{year}.pdf"


def write_pdf(site: Path, target: Path, title: str, subtitle: str, chapters: list[str],
              profiles: list[str]) -> bool:
    """Print the edition into target; False (and nothing written) where Chromium is not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return False
    page = site / PRINT_PAGE
    page.write_text(print_page(site, title, subtitle, chapters, profiles), encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}",
                            page.as_uri()], check=True, capture_output=True, timeout=900)
    finally:
        page.unlink(missing_ok=True)
    return target.is_file()

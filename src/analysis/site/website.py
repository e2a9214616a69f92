"""The city's site around its editions: versions.json/.js for the switcher, an index leading to the latest
edition, a list of all editions, and the atomic swap that publishes one edition folder.

Only files outside the edition folders are written here, so publishing one edition never touches another."""
from __future__ import annotations

import ctypes
import html
import json
import os
import shutil
from pathlib import Path

from analysis.documents import read_json
from analysis.text import built_text

PROVENANCE = "provenance.json"
VERSIONS_JSON = "versions.json"
VERSIONS_JS = "versions.js"
EDITIONS_PAGE = "ausgaben.html"


def city_folder(root: Path, city: str) -> Path:
    return Path(root) / "_build" / "site" / city


def published_editions(site_city: Path) -> dict[int, dict]:
    """Year → provenance of every complete edition folder (a folder without provenance.json is not one)."""
    editions = {}
    if site_city.is_dir():
        for folder in site_city.iterdir():
            if folder.is_dir() and folder.name.isdigit():
                found = read_json(folder / PROVENANCE)
                if found is not None:
                    editions[int(folder.name)] = found
    return dict(sorted(editions.items()))


def versions_document(city_name: str, editions: dict[int, dict]) -> dict:
    latest = max(editions) if editions else None
    return {
        "city": city_name,
        "latest": latest,
        "editions": [{
            "year": year,
            "path": f"{year}/",
            "title": f"Sozialbericht {city_name} {year}",
            "latest": year == latest,
            "built": found["built"],
            "built_text": built_text(found),
            "correction": found.get("parameters", {}).get("correction"),
            "highlights": found.get("highlights", []),
            "pages": found.get("pages", []),
        } for year, found in sorted(editions.items(), reverse=True)],
    }


def _write_if_changed(path: Path, text: str) -> None:
    """Atomic replace, and only when the content differs (a no-op build writes nothing)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _page(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{head}'
            f"<title>{html.escape(title)}</title>\n"
            "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;"
            "line-height:1.5;color:#222}a{color:#0b5394}li{margin:.4rem 0}li li{margin:.1rem 0;font-size:.9rem}"
            "p.neu{margin:.3rem 0 0;font-size:.9rem;font-weight:600}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def _editions_list(document: dict) -> str:
    items = []
    for edition in document["editions"]:
        note = " – neueste Ausgabe" if edition["latest"] else ""
        if edition["correction"]:
            note += f" – korrigiert: {html.escape(edition['correction'])}"
        new = "".join(f"<li>{html.escape(line)}</li>" for line in edition["highlights"])
        new = f'<p class="neu">Neu in dieser Ausgabe:</p><ul>{new}</ul>' if new else ""
        items.append(f'<li><a href="{edition["path"]}index.html">{html.escape(edition["title"])}</a>'
                     f" (veröffentlicht am {edition['built_text']}){note}{new}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def write_city_files(site_city: Path, city_name: str) -> dict:
    """versions.json, versions.js (the same data for pages opened from disk, where fetch() is blocked),
    index.html leading to the latest edition, and ausgaben.html listing all."""
    document = versions_document(city_name, published_editions(site_city))
    if document["latest"] is None:
        return document
    data = json.dumps(document, ensure_ascii=False, indent=1)
    _write_if_changed(site_city / VERSIONS_JSON, data + "\n")
    _write_if_changed(site_city / VERSIONS_JS, f"window.SOZIALBERICHT_EDITIONS = {data};\n")
    latest = f"{document['latest']}/index.html"
    title = f"Sozialbericht {city_name}"
    _write_if_changed(site_city / "index.html", _page(
        title, f'<h1>{html.escape(title)}</h1>\n<p>Weiter zur <a href="{latest}">neuesten Ausgabe '
               f'{document["latest"]}</a>.</p>\n<h2>Alle Ausgaben</h2>\n{_editions_list(document)}',
        head=f'<meta http-equiv="refresh" content="0; url={latest}">\n'))
    _write_if_changed(site_city / EDITIONS_PAGE, _page(
        f"{title}: alle Ausgaben", f"<h1>{html.escape(title)}: alle Ausgaben</h1>\n{_editions_list(document)}"))
    return document


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_current_directory, rename_exchange = -100, 2
    return renameat2(at_current_directory, os.fsencode(first), at_current_directory, os.fsencode(second),
                     rename_exchange) == 0


def _aside(target: Path) -> Path:
    return target.with_name(f".{target.name}.outgoing")


def recover(target: Path) -> None:
    """Undo a swap that was interrupted between its two renames (only on systems without exchange)."""
    aside = _aside(target)
    if aside.is_dir() and not target.exists():
        os.rename(aside, target)
    shutil.rmtree(aside, ignore_errors=True)


def swap_in(built: Path, target: Path) -> None:
    """Publish the folder `built` as `target`. Readers see the old or the new folder, never a mixture."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.rename(built, target)
        return
    if _exchange(built, target):
        shutil.rmtree(built)  # now holds the previous version
        return
    aside = _aside(target)
    os.rename(target, aside)
    os.rename(built, target)
    shutil.rmtree(aside)

"""Copies of the project for tests that build: only what a build reads."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["_config.yml", "_toc.yml", "requirements.lock", "book", "notebooks", "data"]


def copy_project(target: Path) -> Path:
    for name in COPIED:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, target / name)
    return target


def reduce_berlin_to_bezirk(project: Path, bezirk: str = "01") -> Path:
    """Test data derived from the real pack: every Berlin table and geometry of the copied project cut
    down to the Planungsräume of one Bezirk (ids starting with `bezirk`). The city totals stay as
    published (the build reports the difference as a finding)."""
    import csv
    import io
    import json

    pack = project / "data" / "berlin"
    for path in [*(pack / "raw" / "population").glob("*planning-areas.csv"), *(pack / "mss").glob("*.csv")]:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        kept = [rows[0], *(r for r in rows[1:] if r and r[0].startswith(bezirk))]
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(kept)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    for path in (pack / "raw" / "geo").glob("*.geojson"):
        document = json.loads(path.read_text(encoding="utf-8"))
        document["features"] = [f for f in document["features"] if str(f["properties"]["id"]).startswith(bezirk)]
        path.write_text(json.dumps(document), encoding="utf-8")
    import geopandas as gpd

    for path in (pack / "raw" / "geo").rglob("*.shp"):   # the LOR-2021 Planungsräume
        shapes = gpd.read_file(path)
        shapes[shapes["PLR_ID"].str.startswith(bezirk)].to_file(path)
    matches_file = pack / "raw" / "geo" / "berlin-lor-matches.json"
    matches = json.loads(matches_file.read_text(encoding="utf-8"))
    matches = {old: [new for new in targets if new.startswith(bezirk)] for old, targets in matches.items()
               if old.startswith(bezirk)}
    matches_file.write_text(json.dumps({old: targets for old, targets in matches.items() if targets}), "utf-8")
    # Declarations about areas outside the Bezirk no longer apply to the cut-down files.
    import yaml

    city_yml = pack / "city.yml"
    config = yaml.safe_load(city_yml.read_text(encoding="utf-8"))
    for place in (config, config.get("area_change", {}).get("before", {})):
        if "geometry" not in place:
            continue
        place["geometry"]["corrections"] = [c for c in place["geometry"].get("corrections", [])
                                            if c["id"].startswith(bezirk)]
        if isinstance(place["areas"], dict):
            place["areas"]["first_year"] = {a: y for a, y in place["areas"].get("first_year", {}).items()
                                            if a.startswith(bezirk)}
    city_yml.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project


def tables_without_scroll_region(site: Path) -> tuple[list[str], int]:
    """(tables not inside a focusable, named scroll region, number of tables) over every page of a built
    site: whether a table overflows depends on the screen, so every one needs such a region."""
    from bs4 import BeautifulSoup

    missing, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("main table"):
            region = table.find_parent(attrs={"role": "region"})
            if region is None or region.get("tabindex") != "0" or not region.get("aria-label", "").strip():
                missing.append(f"{page.relative_to(site)}: table {checked}")
            checked += 1
    return missing, checked


def empty_sections(site: Path) -> list[str]:
    """Headings with nothing under them (no text, table, image or control before the next heading of the same
    or a higher level), over every page of a built site."""
    from bs4 import BeautifulSoup, Tag

    found = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for section in soup.select("main section"):
            heading = section.find(["h1", "h2", "h3", "h4", "h5", "h6"], recursive=False)
            if heading is None:
                continue
            rest = [child for child in section.children if child is not heading]
            text = "".join(child.get_text(" ", strip=True) if isinstance(child, Tag) else str(child).strip()
                           for child in rest)
            shown = ("img", "table", "svg", "select", "iframe")
            things = any(isinstance(child, Tag) and (child.name in shown or child.find(shown)) for child in rest)
            if not text.strip() and not things:
                found.append(f"{page.relative_to(site)}: {heading.get_text(' ', strip=True).rstrip('#').strip()}")
    return found


def images_without_data(site: Path, drawn_share: float = 0.01) -> list[str]:
    """Charts and maps with nothing drawn: hardly any pixel that is not white (an empty figure keeps only its
    source line; a chart's axes, ticks, lines and labels cover several per cent of it)."""
    import base64
    import io

    import numpy as np
    from bs4 import BeautifulSoup
    from PIL import Image

    found = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for number, image in enumerate(soup.select("main img")):
            source = image.get("src", "")
            if source.endswith(".svg") and (page.parent / source).is_file():
                # drawn as SVG text (analysis.report.svg_charts): the data marks are elements of class "daten"
                if 'class="daten"' not in (page.parent / source).read_text(encoding="utf-8"):
                    found.append(f"{page.relative_to(site)}: Bild {number + 1} ({image.get('alt', '')[:60]})")
                continue
            if source.startswith("data:image/png;base64,"):
                data = base64.b64decode(source.split(",", 1)[1])
            elif source.endswith(".png") and (page.parent / source).is_file():
                data = (page.parent / source).read_bytes()
            else:
                continue
            pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
            if (pixels.min(axis=2) < 235).mean() < drawn_share:
                found.append(f"{page.relative_to(site)}: Bild {number + 1} ({image.get('alt', '')[:60]})")
    return found


def svg_text_outside(svg_text: bytes, kind: str) -> list[str]:
    """Texts of an SVG chart that reach over its edges, measured with the font metrics the chart was laid
    out with (analysis.report.svg.text_width); a chart without a source line is a problem too."""
    import xml.etree.ElementTree as ElementTree

    from analysis.report.svg import text_width

    root = ElementTree.fromstring(svg_text)
    width, height = float(root.get("width")), float(root.get("height"))
    problems, sourced = [], False
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        content, size = text.text or "", float(text.get("font-size"))
        sourced |= content.startswith("Quelle: ")
        x, y = float(text.get("x")), float(text.get("y"))
        wide = text_width(content, size, text.get("font-weight") == "bold")
        start = wide * {"start": 0, "middle": 0.5, "end": 1}[text.get("text-anchor", "start")]
        if text.get("transform"):   # turned upwards about (x, y): the text runs along y
            box = (x - size * 0.8, y - wide + start, x + size * 0.25, y + start)
        else:
            box = (x - start, y - size * 0.8, x - start + wide, y + size * 0.25)
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            problems.append(f"{kind}: „{content[:40]}“ reicht über den Rand")
    return problems if sourced else [*problems, f"{kind}: keine Quellenangabe"]

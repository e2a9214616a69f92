"""Benchmark (not a test): the Berlin 2024 edition at 542 Planungsräume (LOR 2021, with the years from 2015
apportioned across the LOR reform), raw data to published site.

1. The project's build (`sozialbericht build --city berlin --year 2024 --force`) in a temporary copy of
   the project: wall time, and the time of each step as the build reports it.
2. The naive path on a sample of areas: one papermill run of the profile notebook per area, each in a
   fresh kernel that reads and computes the data itself (as a notebook run alone does). Extrapolated to
   all areas, plus the Jupyter Book step measured in (1), which the naive path needs as well.
3. The largest page of the built edition (profiles included).
4. A rebuild after a prose change in one chapter (a sentence added to notebooks/bevoelkerung.ipynb): one
   notebook runs, Sphinx writes the pages of the changed sources, the audit reads what changed.

Usage: python benchmarks/berlin.py [--sample 4]"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024
COPIED = ["_config.yml", "_toc.yml", "book", "notebooks", "data"]
STEP = re.compile(r"^\[\s*([\d.]+) s\] (.*)$")


def build(project: Path) -> tuple[float, list[tuple[float, str]]]:
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "-m", "analysis.cli", "build", "--city", "berlin", "--year", str(YEAR),
                             "--force"], cwd=project, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - started
    steps = [(float(m.group(1)), m.group(2)) for m in map(STEP.match, output.splitlines()) if m]
    return wall, steps


def naive_profile_runs(project: Path, area_ids: list[str]) -> list[float]:
    import papermill

    times = []
    for area_id in area_ids:
        started = time.perf_counter()
        papermill.execute_notebook(str(project / "notebooks" / "profil.ipynb"), str(project / f"naive-{area_id}.ipynb"),
                                   parameters={"city": "berlin", "year": YEAR, "area_id": area_id},
                                   cwd=str(project / "notebooks"), progress_bar=False, kernel_name="python3")
        times.append(time.perf_counter() - started)
    return times


def change_one_chapter(project: Path) -> None:
    """Add a sentence to the first prose cell of one chapter, as an editor would."""
    chapter = project / "notebooks" / "bevoelkerung.ipynb"
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    prose = next(c for c in notebook["cells"]
                 if c["cell_type"] == "markdown" and not "".join(c["source"]).lstrip().startswith("#"))
    prose["source"] = ["".join(prose["source"]).rstrip() + " Ein nachträglich ergänzter Satz.\n"]
    chapter.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def profile_weight(page: Path) -> int:
    """A page's bytes plus the images it embeds from _images (not scripts and styles shared by all pages)."""
    html = page.read_text(encoding="utf-8")
    images = {m for m in re.findall(r'src="([^"]*_images/[^"]+)"', html)}
    return len(html.encode()) + sum((page.parent / src).stat().st_size for src in images
                                    if (page.parent / src).is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=4, help="areas run the naive way")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from analysis.pack.loader import load_city

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in COPIED:
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
        wall, steps = build(project)
        site = project / "_build" / "site" / "berlin" / str(YEAR)
        pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
        largest = pages[0].relative_to(site), pages[0].stat().st_size
        profiles = sorted((site / "profiles").glob("*.html"))
        largest_profile = max(profiles, key=profile_weight)
        profile_kb = profile_weight(largest_profile) / 1024
        change_one_chapter(project)
        rebuild_wall, rebuild_steps = build(project)
        pack = load_city("berlin", project)
        step = len(pack.areas) // args.sample
        sample = [pack.areas[i * step].id for i in range(args.sample)]
        naive = naive_profile_runs(project, sample)

    markers = ["Daten lesen", "Notebooks ausführen", "Jupyter Book bauen", "PDF drucken", "Downloads abwarten",
               "Geheimhaltung prüfen", "PDF abwarten", "Veröffentlichen", "fertig"]

    def step_time(marker: str, reported=steps) -> float:
        starts = {m: next((t for t, text in reported if m in text), None) for m in markers}
        later = [starts[m] for m in markers[markers.index(marker) + 1:] if starts[m] is not None]
        return later[0] - starts[marker] if starts[marker] is not None and later else float("nan")

    jupyter_book = step_time("Jupyter Book bauen")
    per_run = sum(naive) / len(naive)
    naive_total = per_run * len(pack.areas) + jupyter_book
    print(f"areas: {len(pack.areas)}; profile pages built: {len(profiles)}")
    print(f"full build, raw data to published site: {wall:6.1f} s (goal: 60 s)")
    labels = [("read, check, apportion, compute once", "Daten lesen"),
              ("notebooks (chapters + profiles, a shell per worker)", "Notebooks ausführen"),
              ("Jupyter Book + site repairs (downloads alongside)", "Jupyter Book bauen"),
              ("start the PDF's print", "PDF drucken"),
              ("the rest of the downloads and their audit", "Downloads abwarten"),
              ("disclosure audit of the pages (parallel)", "Geheimhaltung prüfen"),
              ("the rest of the PDF, its audit", "PDF abwarten"), ("publish", "Veröffentlichen")]
    for label, marker in labels:
        print(f"  {label:47s} {step_time(marker):6.1f} s")
    print(f"naive path: papermill per area, sample of {len(naive)}: "
          f"{', '.join(f'{t:.1f}' for t in naive)} s → {per_run:.1f} s per area")
    print(f"naive estimate: {per_run:.1f} s × {len(pack.areas)} areas + Jupyter Book {jupyter_book:.0f} s "
          f"= {naive_total:6.0f} s ({naive_total / 60:.1f} min)")
    print(f"ratio naive / project build: {naive_total / wall:.1f}×")
    print(f"largest page: {largest[0]} ({largest[1] / 1024:.0f} KB)")
    executed = next((text for _, text in rebuild_steps if "Notebooks ausführen" in text), "")
    sources = next((text for _, text in rebuild_steps if "Jupyter Book bauen" in text), "")
    print(f"rebuild after a prose change in one chapter: {rebuild_wall:6.1f} s ({executed.strip()}; {sources.strip()})")
    for label, marker in labels:
        print(f"  {label:47s} {step_time(marker, rebuild_steps):6.1f} s")
    print(f"largest profile page with its figures: {largest_profile.name} ({profile_kb:.0f} KB; limit 500 KB)")


if __name__ == "__main__":
    main()

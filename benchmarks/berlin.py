"""Benchmark (not a test): the Berlin 2020 edition at 448 Planungsräume, raw data to published site.

1. The project's build (`sozialbericht build --city berlin --year 2020 --force`) in a temporary copy of
   the project: wall time, and the time of each step as the build reports it.
2. The naive path on a sample of areas: one papermill run of the profile notebook per area, each in a
   fresh kernel that reads and computes the data itself (as a notebook run alone does). Extrapolated to
   all areas, plus the Jupyter Book step measured in (1), which the naive path needs as well.
3. The largest page of the built edition (profiles included).

Usage: python benchmarks/berlin.py [--sample 4]"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["_config.yml", "_toc.yml", "book", "notebooks", "data"]
STEP = re.compile(r"^\[\s*([\d.]+) s\] (.*)$")


def build(project: Path) -> tuple[float, list[tuple[float, str]]]:
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "-m", "analysis.cli", "build", "--city", "berlin", "--year", "2020",
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
                                   parameters={"city": "berlin", "year": 2020, "area_id": area_id},
                                   cwd=str(project / "notebooks"), progress_bar=False, kernel_name="python3")
        times.append(time.perf_counter() - started)
    return times


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
        site = project / "_build" / "site" / "berlin" / "2020"
        pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
        largest = pages[0].relative_to(site), pages[0].stat().st_size
        profiles = sorted((site / "profiles").glob("*.html"))
        largest_profile = max(profiles, key=profile_weight)
        profile_kb = profile_weight(largest_profile) / 1024
        pack = load_city("berlin", project)
        step = len(pack.areas) // args.sample
        sample = [pack.areas[i * step].id for i in range(args.sample)]
        naive = naive_profile_runs(project, sample)

    markers = ["Daten lesen", "Notebooks ausführen", "Jupyter Book bauen", "Geheimhaltung prüfen",
               "Veröffentlichen", "fertig"]
    starts = {m: next((t for t, text in steps if m in text), float("nan")) for m in markers}

    def step_time(marker: str) -> float:
        return starts[markers[markers.index(marker) + 1]] - starts[marker]

    jupyter_book = step_time("Jupyter Book bauen")
    per_run = sum(naive) / len(naive)
    naive_total = per_run * len(pack.areas) + jupyter_book
    print(f"areas: {len(pack.areas)}; profile pages built: {len(profiles)}")
    print(f"full build, raw data to published site: {wall:6.1f} s (goal: 60 s)")
    for label, marker in [("read, check, compute once", "Daten lesen"),
                          ("notebooks (chapters + profiles, kept kernels)", "Notebooks ausführen"),
                          ("Jupyter Book (Sphinx, parallel)", "Jupyter Book bauen"),
                          ("disclosure audit (parallel)", "Geheimhaltung prüfen"), ("publish", "Veröffentlichen")]:
        print(f"  {label:47s} {step_time(marker):6.1f} s")
    print(f"naive path: papermill per area, sample of {len(naive)}: "
          f"{', '.join(f'{t:.1f}' for t in naive)} s → {per_run:.1f} s per area")
    print(f"naive estimate: {per_run:.1f} s × {len(pack.areas)} areas + Jupyter Book {jupyter_book:.0f} s "
          f"= {naive_total:6.0f} s ({naive_total / 60:.1f} min)")
    print(f"ratio naive / project build: {naive_total / wall:.1f}×")
    print(f"largest page: {largest[0]} ({largest[1] / 1024:.0f} KB)")
    print(f"largest profile page with its figures: {largest_profile.name} ({profile_kb:.0f} KB; limit 500 KB)")


if __name__ == "__main__":
    main()

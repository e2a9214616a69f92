"""Benchmark (not a test): what the social infrastructure adds to a Flensburg edition build.

Two temporary copies of the project: the Flensburg pack as it is, and the same pack without its facility
layers, need plans and development ratios (so without the chapter, its pages and the profiles' section).
Both are built alternately, `--rounds` times each, so that noise on the machine hits both alike; the
script prints each build's wall time and steps and the median difference.

Usage: python benchmarks/infrastructure.py [--rounds 2]"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["_config.yml", "_toc.yml", "book", "notebooks", "data"]
INFRASTRUCTURE_KEYS = ("facilities", "need_plan", "development_demand", "developments")


def project_copy(target: Path, with_infrastructure: bool) -> Path:
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / name)
    if not with_infrastructure:
        city = target / "data" / "flensburg" / "city.yml"
        pack = yaml.safe_load(city.read_text(encoding="utf-8"))
        for key in INFRASTRUCTURE_KEYS:
            pack.pop(key, None)
        city.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def build(project: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "analysis.cli", "build", "--city", "flensburg", "--year", "2022",
                             "--force"], cwd=project, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        projects = {"with": project_copy(Path(folder) / "with", True),
                    "without": project_copy(Path(folder) / "without", False)}
        for project in projects.values():
            build(project)   # warm-up: font cache, compiled modules
        times: dict[str, list[float]] = {"with": [], "without": []}
        for round_number in range(1, rounds + 1):
            for name, project in projects.items():
                seconds, output = build(project)
                times[name].append(seconds)
                notebooks = next((line for line in output.splitlines() if "Notebooks ausführen" in line), "")
                print(f"round {round_number}, {name:7} infrastructure: {seconds:5.1f} s   {notebooks.strip()}")
    with_median, without_median = statistics.median(times["with"]), statistics.median(times["without"])
    print(f"median with {with_median:.1f} s, without {without_median:.1f} s: the infrastructure adds "
          f"{with_median - without_median:.1f} s ({(with_median / without_median - 1) * 100:.0f} %)")


if __name__ == "__main__":
    main()

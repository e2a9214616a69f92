"""Benchmark (not a test): full multi-edition build, and rebuilds with nothing changed.

Runs the `sozialbericht` command in a temporary copy of the project, as a planner would, and prints
wall-clock times measured side by side in one run. Usage: python benchmarks/editions.py [--city C]"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["_config.yml", "_toc.yml", "book", "notebooks", "data"]


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="flensburg")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "analysis.cli", "build", "--city", args.city]
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in COPIED:
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
        full = timed(cli + ["--all-editions"], project)
        editions = sorted(p.name for p in (project / "_build" / "site" / args.city).iterdir() if p.name.isdigit())
        latest_noop = timed(cli, project)
        all_noop = timed(cli + ["--all-editions"], project)
        forced = timed(cli + ["--force"], project)
    print(f"editions built: {', '.join(editions)}")
    print(f"full build, all {len(editions)} editions:        {full:6.1f} s  ({full / len(editions):.1f} s per edition)")
    print(f"rebuild latest edition, nothing changed: {latest_noop:6.2f} s  (incl. Python start)")
    print(f"rebuild all editions, nothing changed:   {all_noop:6.2f} s")
    print(f"forced rebuild of the latest edition:    {forced:6.1f} s  (no-op is {forced / latest_noop:.0f}× faster)")


if __name__ == "__main__":
    main()

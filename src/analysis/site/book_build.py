"""`python -m analysis.site.book_build STAGE JOBS`: Jupyter Book 1's `jupyter-book build STAGE --builder html
-W -n --keep-going`, with Sphinx reading and writing pages in JOBS parallel processes.

Strict: every Sphinx warning (a broken reference, an unknown role, a missing image, a duplicate label) fails
the build after all of them have been listed, so no edition is published with a defect Sphinx noticed.

The `jupyter-book` command has no option for Sphinx's parallel workers, but its own build function has;
this calls it with the same arguments as the command does. With hundreds of area profiles, Sphinx is
the largest step after the notebooks, and it parallelises well."""
from __future__ import annotations

import sys
from pathlib import Path

from jupyter_book.sphinx import build_sphinx


def build_html(stage: Path, jobs: int) -> int:
    stage = stage.absolute()
    result = build_sphinx(stage, stage / "_build" / "html", use_external_toc=True, noconfig=True,
                          path_config=str(stage / "_config.yml"),
                          confoverrides={"external_toc_path": (stage / "_toc.yml").as_posix(),
                                         "latex_individualpages": False, "nitpicky": True},
                          builder="html", warningiserror=True, keep_going=True, jobs=jobs)
    if isinstance(result, Exception):
        raise result
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(build_html(Path(sys.argv[1]), int(sys.argv[2])))

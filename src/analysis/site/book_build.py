"""`python -m analysis.site.book_build STAGE CORES`: Jupyter Book 1's `jupyter-book build STAGE --builder html
-W -n --keep-going`, with Sphinx reading and writing pages on CORES cores.

Strict: every Sphinx warning (a broken reference, an unknown role, a missing image, a duplicate label) fails
the build after all of them have been listed, so no edition is published with a defect Sphinx noticed.

The `jupyter-book` command has no option for Sphinx's parallel workers, but its own build function has;
this calls it with the same arguments as the command does. With hundreds of area profiles, Sphinx is
the largest step after the notebooks, and it parallelises well.

Sphinx writes pages in one process fewer than it is given, as its main process prepares the batches of
pages (references, search index) meanwhile. With hundreds of profiles the main process is done long
before the single writer, and on 2 cores the second core idled for most of the writing: so Sphinx is
given one process more than there are cores."""
from __future__ import annotations

import sys
from pathlib import Path

from jupyter_book.sphinx import build_sphinx


def build_html(stage: Path, cores: int) -> int:
    stage = stage.absolute()
    processes = cores + 1 if cores > 1 else 1
    result = build_sphinx(stage, stage / "_build" / "html", use_external_toc=True, noconfig=True,
                          path_config=str(stage / "_config.yml"),
                          confoverrides={"external_toc_path": (stage / "_toc.yml").as_posix(),
                                         "latex_individualpages": False, "nitpicky": True},
                          builder="html", warningiserror=True, keep_going=True, jobs=processes)
    if isinstance(result, Exception):
        raise result
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(build_html(Path(sys.argv[1]), int(sys.argv[2])))

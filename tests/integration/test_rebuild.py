"""A rebuild after a prose change in one chapter executes that chapter's notebook only; the others come
from the last build, because nothing their outputs depend on changed (data, analysis code, parameters)."""
from __future__ import annotations

import json

import pytest

from analysis.build.pipeline import build_edition
from analysis.pack.loader import load_city

from projects import copy_project
from shapes import no_geometry_pack

NEW_SENTENCE = "Dieser Satz wurde nach dem ersten Bau ergänzt."


@pytest.mark.integration
def test_a_prose_change_in_one_chapter_re_executes_only_that_chapter(tmp_path):
    project = copy_project(tmp_path)
    no_geometry_pack(project)
    steps = []
    load_city.cache_clear()
    try:
        build_edition("ohne_geometrie", 2022, project, report=lambda _: None)
        chapter = project / "notebooks" / "bevoelkerung.ipynb"
        notebook = json.loads(chapter.read_text(encoding="utf-8"))
        prose = next(c for c in notebook["cells"] if c["cell_type"] == "markdown" and not
                     "".join(c["source"]).lstrip().startswith("#"))
        prose["source"] = ["".join(prose["source"]).rstrip() + f" {NEW_SENTENCE}\n"]
        chapter.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        site = build_edition("ohne_geometrie", 2022, project, report=steps.append).site
    finally:
        load_city.cache_clear()
    executed = next(s for s in steps if "Notebooks ausführen" in s)
    assert "1 von " in executed, executed
    assert NEW_SENTENCE in (site / "notebooks" / "bevoelkerung.html").read_text(encoding="utf-8")
    # the kept notebooks are this build's: one per page, nothing left over from the edit
    kept = list((project / "_build" / "cache" / "notebooks" / "ohne_geometrie" / "2022").glob("*.ipynb"))
    total = int(executed.split(" von ")[1].split()[0])
    assert len(kept) == total

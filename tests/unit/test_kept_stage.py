"""The kept Sphinx stage: only changed sources get a new modification time (which is all Sphinx looks at),
and it starts empty when the edition key changes or a source disappears."""
from __future__ import annotations

import os

from analysis.build.kept_stage import KeptStage

SHARED = "titles in the navigation"


def _stage(folder, files: dict[str, str]):
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    return folder


def _age(path, seconds: int = 1000) -> None:
    moment = path.stat().st_mtime - seconds
    os.utime(path, (moment, moment))


def test_sync_writes_only_the_files_whose_bytes_changed(tmp_path):
    kept = KeptStage(tmp_path / "project", "stadt", 2022, "key")
    assert kept.sync(_stage(tmp_path / "first", {"a.md": "A", "notebooks/b.ipynb": "B"}), SHARED) == 2
    for relative in ("a.md", "notebooks/b.ipynb"):
        _age(kept.sources / relative)
    unchanged_time = (kept.sources / "a.md").stat().st_mtime_ns
    old_time = (kept.sources / "notebooks/b.ipynb").stat().st_mtime_ns

    assert kept.sync(_stage(tmp_path / "second", {"a.md": "A", "notebooks/b.ipynb": "B changed"}), SHARED) == 1
    assert (kept.sources / "a.md").stat().st_mtime_ns == unchanged_time
    assert (kept.sources / "notebooks/b.ipynb").stat().st_mtime_ns > old_time
    assert (kept.sources / "notebooks/b.ipynb").read_text(encoding="utf-8") == "B changed"


def test_a_change_every_page_shows_makes_sphinx_start_afresh(tmp_path):
    kept = KeptStage(tmp_path / "project", "stadt", 2022, "key")
    kept.sync(_stage(tmp_path / "first", {"a.md": "# A", "b.md": "# B"}), SHARED)
    _stage(kept.html, {"a.html": "sidebar: A, B"})

    assert kept.sync(_stage(tmp_path / "second", {"a.md": "# A", "b.md": "# B renamed"}), "other titles") == 2
    assert not (kept.html / "a.html").exists()


def test_a_source_that_is_gone_makes_sphinx_start_afresh(tmp_path):
    kept = KeptStage(tmp_path / "project", "stadt", 2022, "key")
    kept.sync(_stage(tmp_path / "first", {"a.md": "A", "b.md": "B"}), SHARED)
    _stage(kept.html, {"b.html": "page of b"})
    kept.edition_file.write_bytes(b"pickle")

    assert kept.sync(_stage(tmp_path / "second", {"a.md": "A"}), SHARED) == 1
    assert not (kept.html / "b.html").exists() and not (kept.sources / "b.md").exists()
    assert kept.edition_file.read_bytes() == b"pickle"   # it depends on the edition key alone


def test_a_new_edition_key_starts_empty_and_the_same_key_keeps_everything(tmp_path):
    project = tmp_path / "project"
    kept = KeptStage(project, "stadt", 2022, "key")
    kept.sync(_stage(tmp_path / "first", {"a.md": "A"}), SHARED)
    kept.edition_file.write_bytes(b"pickle")
    kept.remember_pdf_pages({"Überblick": 3})

    again = KeptStage(project, "stadt", 2022, "key")
    assert again.edition_file.read_bytes() == b"pickle" and again.pdf_pages() == {"Überblick": 3}
    assert (again.sources / "a.md").is_file()

    other = KeptStage(project, "stadt", 2022, "other key")
    assert not other.edition_file.exists() and other.pdf_pages() is None and not other.sources.exists()
    assert KeptStage(project, "stadt", 2022, "other key").sync(_stage(tmp_path / "second", {"a.md": "A"}), SHARED) == 1


def test_a_build_killed_while_sphinx_wrote_its_pages_makes_the_next_one_start_afresh(tmp_path):
    project = tmp_path / "project"
    kept = KeptStage(project, "stadt", 2022, "key")
    kept.sync(_stage(tmp_path / "first", {"a.md": "A"}), SHARED)
    kept.edition_file.write_bytes(b"pickle")
    kept.pages_begin()
    _stage(kept.html, {"a.html": "written, not yet repaired"})   # killed here

    again = KeptStage(project, "stadt", 2022, "key")
    assert not again.html.exists() and not again.sources.exists()
    assert again.edition_file.read_bytes() == b"pickle"
    again.sync(_stage(tmp_path / "second", {"a.md": "A"}), SHARED)
    again.pages_begin()
    again.pages_done()
    assert (KeptStage(project, "stadt", 2022, "key").sources / "a.md").is_file()

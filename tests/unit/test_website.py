"""The city's site around its editions: versions for the switcher, the index, the atomic swap."""
import json

from analysis.documents import write_json
from analysis.site import website


def fake_edition(site_city, year, built="2026-01-15T09:30:00+01:00", correction=None):
    folder = site_city / str(year)
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(f"Ausgabe {year}", encoding="utf-8")
    write_json({"edition": year, "built": built, "parameters": {"correction": correction},
                "pages": ["index.html"]}, folder / "provenance.json")


def test_versions_list_published_editions_newest_first(tmp_path):
    fake_edition(tmp_path, 2021)
    fake_edition(tmp_path, 2022, correction="Nachlieferung")
    (tmp_path / "2023").mkdir()  # an interrupted first build: no provenance.json, not an edition
    document = website.write_city_files(tmp_path, "Flensburg")
    assert document["latest"] == 2022
    assert [e["year"] for e in document["editions"]] == [2022, 2021]
    assert document["editions"][0]["correction"] == "Nachlieferung"
    assert document["editions"][1]["built_text"] == "15.01.2026, 09:30 Uhr"
    assert json.loads((tmp_path / "versions.json").read_text(encoding="utf-8")) == document
    js = (tmp_path / "versions.js").read_text(encoding="utf-8")
    assert json.loads(js.removeprefix("window.SOZIALBERICHT_EDITIONS = ").removesuffix(";\n")) == document
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=2022/index.html"' in index and 'href="2021/index.html"' in index


def test_city_files_are_not_rewritten_when_nothing_changed(tmp_path):
    fake_edition(tmp_path, 2022)
    website.write_city_files(tmp_path, "Flensburg")
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.is_file()}
    website.write_city_files(tmp_path, "Flensburg")
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.is_file()} == stamps


def test_swap_replaces_the_whole_folder(tmp_path, monkeypatch):
    for exchange_supported in (True, False):
        if not exchange_supported:
            monkeypatch.setattr(website, "_exchange", lambda first, second: False)
        target, built = tmp_path / "2022", tmp_path / "work" / "html"
        target.mkdir(exist_ok=True)
        (target / "alt.html").write_text("alt", encoding="utf-8")
        built.mkdir(parents=True)
        (built / "neu.html").write_text("neu", encoding="utf-8")
        website.swap_in(built, target)
        assert sorted(p.name for p in target.iterdir()) == ["neu.html"]
        assert not built.exists()
        (target / "neu.html").rename(target / "alt.html")


def test_recover_restores_a_folder_left_aside_by_an_interrupted_swap(tmp_path):
    target = tmp_path / "2022"
    aside = tmp_path / ".2022.outgoing"
    aside.mkdir()
    (aside / "index.html").write_text("veröffentlicht", encoding="utf-8")
    website.recover(target)
    assert (target / "index.html").read_text(encoding="utf-8") == "veröffentlicht"
    assert not aside.exists()

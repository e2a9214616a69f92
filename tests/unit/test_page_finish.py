"""Finishing the pages Sphinx wrote: repairs, lightening and glossary links in one pass, on one core for a
few pages and shared among processes for many, with the same result."""
import pytest

from analysis.site import page_finish

GLOSSARY = ('<html><body><article class="bd-article"><dl>'
            '<dt id="term-SGB-II-Quote">SGB-II-Quote<a class="headerlink" href="#term-SGB-II-Quote">#</a></dt>'
            '<dd>…</dd></dl></article></body></html>')
PAGE = ('<html><body><a class="headerlink" href="#a" title="Link to this heading">#</a>'
        '<article class="bd-article"><h1>Gebiet {number}</h1><p>Die SGB-II-Quote liegt bei 9,1 %.</p>'
        '<table><tr><td>SGB-II-Quote</td></tr></table></article></body></html>')


def _site(folder, pages: int):
    (folder / "book").mkdir(parents=True)
    (folder / "book" / "glossar.html").write_text(GLOSSARY, encoding="utf-8")
    (folder / "profiles").mkdir()
    (folder / "_static").mkdir()
    (folder / "_static" / "theme.js.map").write_text("{}", encoding="utf-8")
    written = []
    for number in range(pages):
        page = folder / "profiles" / f"{number:03d}.html"
        page.write_text(PAGE.format(number=number), encoding="utf-8")
        written.append(page)
    return written + [folder / "book" / "glossar.html"]


@pytest.mark.parametrize("pages, workers", [(3, 1), (page_finish.PARALLEL_FROM + 20, 2)])
def test_every_written_page_is_repaired_lightened_and_linked_once(tmp_path, pages, workers):
    written = _site(tmp_path, pages)
    assert page_finish.finish_pages(tmp_path, written, workers) == pages   # the glossary page links nothing
    for number in range(pages):
        text = (tmp_path / "profiles" / f"{number:03d}.html").read_text(encoding="utf-8")
        assert text.count('class="glossar-begriff" href="../book/glossar.html#term-SGB-II-Quote"') == 1
        assert "<td>SGB-II-Quote</td>" in text   # tables keep their terms unlinked
        assert 'title="Link zu diesem Abschnitt"' in text
        assert f"<h1>Gebiet {number}</h1>" in text
    assert (tmp_path / "book" / "glossar.html").read_text(encoding="utf-8") == GLOSSARY
    assert not list(tmp_path.rglob("*.map"))
    assert page_finish.finish_pages(tmp_path, written, workers) == 0   # finished pages stay as they are

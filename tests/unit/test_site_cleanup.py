"""The post-processing of built pages: lighter and German (lighten), glossary links, build paths found."""
from analysis.site import glossary, lighten
from analysis.site.audit import audit_build_paths

THEME_PAGE = """<head><script defer src="../_static/scripts/fontawesome.js?digest=1"></script>
<script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"; const thebe_selector = ".cell"</script>
<script async="async" src="../_static/sphinx-thebe.js?v=c1"></script></head>
<body><button title="Toggle primary sidebar"><span class="fa-solid fa-bars"></span></button>
<input placeholder="Search this book..." aria-label="Search this book..."/>
<h2>Titel<a class="headerlink" href="#t" title="Link to this heading">#</a></h2>
<i class="fa-solid fa-rocket"></i></body>"""


def test_lighten_removes_thebe_and_the_icon_script_and_translates_the_theme():
    page = lighten.lighten(THEME_PAGE)
    assert "THEBE_JS_URL" not in page and "sphinx-thebe" not in page and "fontawesome.js" not in page
    assert not any(phrase in page for phrase in lighten.ENGLISH_THEME_PHRASES)
    assert 'title="Navigation ein- oder ausblenden"' in page and 'placeholder="Im Bericht suchen …"' in page
    assert page.count('<svg class="sb-icon"') == 1
    assert '<i class="fa-solid fa-rocket"></i>' in page   # an icon without a drawing stays, to be noticed


GLOSSARY = [("SGB-II-Quote", "term-SGB-II-Quote"), ("SGB II", "term-SGB-II")]
ARTICLE = """<article class="bd-article"><h2>SGB II</h2>
<p>Die <a href="x.html">SGB II</a> Seite, <strong><abbr title="t">Kinderarmut (SGB II)</abbr></strong>.</p>
<table><tr><td><p>SGB II</p></td></tr></table>
<p>Leistungen nach dem SGB II; die SGB-II-Quote und nochmals SGB II.</p></article>"""


def test_glossary_links_the_first_mention_in_running_text_only():
    page = glossary.link_page(ARTICLE, GLOSSARY, "../book/glossar.html")
    assert "<h2>SGB II</h2>" in page                                  # not in headings
    assert '<a href="x.html">SGB II</a>' in page                      # not inside a link
    assert '<abbr title="t">Kinderarmut (SGB II)</abbr>' in page      # not inside a reader title
    assert "<td><p>SGB II</p></td>" in page                           # not in tables
    assert page.count('href="../book/glossar.html#term-SGB-II"') == 1
    assert 'dem <a class="glossar-begriff" href="../book/glossar.html#term-SGB-II">SGB II</a>;' in page
    assert '<a class="glossar-begriff" href="../book/glossar.html#term-SGB-II-Quote">SGB-II-Quote</a>' in page


def test_build_paths_are_found_but_not_urls():
    assert audit_build_paths("p.html", "cache at /home/planer/sozialbericht/_build/work/flensburg/x")
    assert audit_build_paths("p.html", "edition.pkl")
    assert not audit_build_paths("p.html", '<a href="https://example.org/work/plan">Plan</a> und /tmp')


def test_a_page_loads_the_map_and_comparison_scripts_only_where_it_has_them():
    scripts = ('<script src="../_static/karte.js?v=1"></script>'
               '<script src="../_static/vergleich.js?v=2"></script>')
    plain = lighten.lighten(f"<head>{scripts}</head><body><p>Text</p></body>")
    assert "karte.js" not in plain and "vergleich.js" not in plain
    with_map = lighten.lighten(f'<head>{scripts}</head><body><div class="interaktive-karte" data-karte></div></body>')
    assert "karte.js" in with_map and "vergleich.js" not in with_map


def test_a_lone_withheld_value_counts_as_recomputable_only_beside_other_areas(tmp_path):
    from analysis.pack.model import DisclosureRules
    from analysis.site.audit import audit_download

    head = "jahr,gebiet_id,gebiet,indikator_id,indikator,einheit,art,wert\n"
    city = "2022,stadt,Gesamtstadt,sgb2_quote,SGB-II-Quote,%,anteil,12.4\n"
    one_area = tmp_path / "02-neustadt.csv"   # a fact-sheet CSV: nothing in it to subtract
    one_area.write_text(head + "2022,2,Neustadt,sgb2_quote,SGB-II-Quote,%,anteil,.\n" + city, encoding="utf-8")
    assert audit_download("steckbrief", one_area, DisclosureRules()) == []
    table = tmp_path / "indikatoren.csv"
    table.write_text(head + "2022,1,Altstadt,sgb2_quote,SGB-II-Quote,%,anteil,11.6\n"
                     "2022,2,Neustadt,sgb2_quote,SGB-II-Quote,%,anteil,.\n" + city, encoding="utf-8")
    assert [v.kind for v in audit_download("tabelle", table, DisclosureRules())] == ["rückrechenbar"]

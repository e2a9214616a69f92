"""Integration: build the Flensburg 2022 edition from raw data to site, in a copy of the project."""
import json
import re

import pytest

from browser import needs_chromium
from projects import empty_sections, images_without_data

DISTRICTS = ["Altstadt", "Neustadt", "Nordstadt", "Westliche Höhe", "Friesischer Berg", "Weiche", "Südstadt",
             "Sandberg", "Jürgensby", "Fruerlund", "Mürwik", "Engelsby", "Tarup"]


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


def _text(html: str) -> str:
    """Visible text: inline spans dissolve, other tags separate words."""
    inline = re.sub(r"</?(span|strong|em|a)\b[^>]*>", "", html)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", inline))


@pytest.mark.integration
def test_edition_lands_where_the_readme_says(site):
    assert site.parts[-3:] == ("site", "flensburg", "2022")
    assert (site / "index.html").is_file()


@pytest.mark.integration
def test_thirteen_profiles_each_name_the_district_and_its_sgb2_rate(site):
    profiles = sorted((site / "profiles").glob("*.html"))
    assert len(profiles) == 13
    for name, page in zip(DISTRICTS, profiles):
        text = _text(page.read_text(encoding="utf-8"))
        assert f"<h1>{name}" in page.read_text(encoding="utf-8")
        assert re.search(r"SGB-II-Quote lag 2022 bei \d{1,2},\d\u202f%", text), (page.name, text[:500])


@pytest.mark.integration
def test_neustadt_shows_its_sgb2_rate_in_german_format(site):
    text = _text((site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8"))
    assert "SGB-II-Quote lag 2022 bei 21,7\u202f% (Gesamtstadt 12,4\u202f%)" in text  # 1014 / (5052 − 370)


@pytest.mark.integration
def test_glued_german_numbers_survive_rendering(site):
    # "3.890" must not be read back as the float 3.89 (population 2022 − 2017: 99341 − 95451).
    text = _text((site / "notebooks" / "bevoelkerung.html").read_text(encoding="utf-8"))
    assert "99.341 Menschen, 3.890 mehr als fünf Jahre zuvor" in text


@pytest.mark.integration
def test_no_unrendered_glue_or_myst_syntax_is_left(site):
    leftovers = re.compile(r"\{glue:|\{tableofcontents\}|```|:::|\{numref\}|\{ref\}|\{doc\}|<Figure size")
    for page in site.rglob("*.html"):
        match = leftovers.search(page.read_text(encoding="utf-8"))
        assert not match, f"{page.relative_to(site)}: {match.group(0)}"


@pytest.mark.integration
def test_every_chapter_is_present_in_german(site):
    for page, heading in [("notebooks/ueberblick.html", "Überblick"), ("notebooks/bevoelkerung.html", "Bevölkerung"),
                          ("notebooks/soziale_lage.html", "Soziale Lage"), ("generated/methoden.html", "Methoden"),
                          ("notebooks/datenqualitaet.html", "Datenqualität"),
                          ("generated/datenquellen.html", "Datenquellen")]:
        html = (site / page).read_text(encoding="utf-8")
        assert f"<h1>{heading}" in html
        assert 'lang="de"' in html
        assert "Show code cell" not in html


@pytest.mark.integration
def test_methods_page_is_rendered_from_the_catalogue(site):
    from analysis.catalog.model import load_catalog
    from analysis.pack.loader import load_city

    pack = load_city("flensburg")
    variables = {v for s in pack.sources for v in s.variables} | set(pack.derived_variables)
    text = _text((site / "generated" / "methoden.html").read_text(encoding="utf-8"))
    computable = load_catalog().computable(variables).indicators
    assert len(computable) >= 18
    for indicator in computable:  # every indicator the pack's variables allow, and only those
        assert indicator.title in text
    assert "Anteil Kinder unter 6 Jahren" not in text  # Berlin's age groups; Flensburg's tables lack them
    assert "nicht zuordenbar" in text


@pytest.mark.integration
def test_figures_are_images_not_reprs(site):
    html = (site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8")
    assert re.search(r'<img[^>]+src="[^"]+\.png"', html)


@pytest.mark.integration
def test_index_chapter_has_classes_map_matrix_table_and_certainty(site):
    html = (site / "notebooks" / "sozialindex.html").read_text(encoding="utf-8")
    text = _text(html)
    assert "<h1>Sozialindex" in html
    assert len(re.findall(r'<img[^>]+src="[^"]+\.png"', html)) == 2  # status and dynamics maps
    assert re.search(r"Status sehr niedrig\s+Neustadt\s+–\s+–", text)  # matrix row: positiv, stabil, negativ
    assert "Sicherheit der Klasse" in text and "Neuberechnungen" in text
    assert "weniger als 20 Fällen" in text


@pytest.mark.integration
def test_profiles_state_index_class_certainty_and_type(site):
    text = _text((site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8"))
    assert "Im Sozialindex 2022 hat Neustadt den Status „sehr niedrig“ und die Dynamik „positiv“" in text
    assert re.search(r"bliebe Neustadt in \d+ von 100 Neuberechnungen", text)
    assert "zum Sozialraumtyp A" in text
    assert "95-%-Intervall" in text


@pytest.mark.integration
def test_method_comparison_and_district_types_pages(site):
    comparison = _text((site / "notebooks" / "methodenvergleich.html").read_text(encoding="utf-8"))
    assert "IMD-Stil" in comparison and "SVI-Stil" in comparison and "Nordstadt: MSS „niedrig“" in comparison
    types = _text((site / "notebooks" / "sozialraumtypen.html").read_text(encoding="utf-8"))
    assert "in 3 Typen gruppiert" in types
    # types named from their profile, not only by letter; the silhouettes folded for reviewers
    assert "Typ A: stark belastet, hoher Ausländeranteil, wenige Ältere (Neustadt und Nordstadt)" in types
    assert types.index("Für Fachleute") < types.index("Silhouette")


@pytest.mark.parametrize("page, computes", [("sozialindex", "z = (values - values.mean()) / values.std(ddof=0)"),
                                            ("soziale_lage", "uncertainty.rate_interval(")])
def test_the_method_cells_are_open_and_every_other_code_cell_waits_for_the_switch(site, page, computes):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / "notebooks" / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    shown = soup.select("div.cell.tag_show-method")
    assert len(shown) == 1
    assert computes in shown[0].get_text() and shown[0].find("details") is None
    assert shown[0].select("table")   # its result
    folded = [cell for cell in soup.select("div.cell") if "tag_show-method" not in cell["class"]]
    # no per-cell toggle bar: rechenweg.js shows all of them at once ("Rechenweg anzeigen")
    assert folded and all("tag_rechenweg" in cell["class"] and not cell.select(".cell_input details")
                          for cell in folded)
    assert "rechenweg.js" in str(soup.head)


def test_no_published_file_shows_where_the_edition_was_built(site):
    """Pages, notebook sources and downloads are the same on every machine: no absolute build path."""
    project = site.parents[3]   # <project>/_build/site/<city>/<year>
    assert (project / "_toc.yml").is_file()
    # Not even a relative build path: the kernels find the computed edition through the environment.
    build_path = re.compile(re.escape(str(project)) + r"|_build/(?:work|cache)|edition\.pkl")
    leaks = [str(path.relative_to(site)) for path in site.rglob("*")
             if path.is_file() and path.suffix in (".html", ".ipynb", ".md", ".json", ".js", ".csv", ".geojson")
             and build_path.search(path.read_text(encoding="utf-8", errors="replace"))]
    assert not leaks
    assert not (site / "_sources").exists()   # no page offers its source any more
    from analysis.site.audit import audit_build_paths
    page = site / "notebooks" / "ueberblick.html"
    assert audit_build_paths("ueberblick.html", page.read_text(encoding="utf-8") + f"<p>{project}/_build/work/x</p>")
    assert audit_build_paths("ueberblick.html", page.read_text(encoding="utf-8") + "<p>_build/cache/stage/x</p>")


def test_the_overview_opens_with_the_areas_of_need(site):
    """The first screen: the areas of special need with reasons, before any other text; no code bar."""
    page = (site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8")
    article = _text(page[page.index('<article class="bd-article">'):])
    assert article.index("Wo besonderer Handlungsbedarf besteht") < article.index("Über diesen Bericht")
    assert re.search(r"Neustadt \(Status sehr niedrig\): Höchstwerte der Stadt bei Kinderarmut \(SGB II\)", article)
    assert "Nordstadt (Status niedrig)" in article and "Sozialindex 2022: 1 Stadtteil" in article
    body = page[page.index('<article class="bd-article">'):]
    assert "Code anzeigen" not in page and "<details" not in body[:body.index("Über diesen Bericht")]


def test_no_english_theme_strings_on_any_page(site):
    from analysis.site.lighten import ENGLISH_THEME_PHRASES

    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    found = {(str(p.relative_to(site)), phrase) for p in pages for phrase in ENGLISH_THEME_PHRASES
             if phrase in p.read_text(encoding="utf-8")}
    assert not found
    page = (site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8")
    assert 'placeholder="Im Bericht suchen …"' in page and 'title="Link zu diesem Abschnitt"' in page


def test_pages_load_nothing_they_do_not_use(site):
    page = (site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8")
    for unused in ("fontawesome.js", "sphinx-thebe", "THEBE_JS_URL", "unpkg.com", "fa-solid"):
        assert unused not in page, unused
    assert 'class="sb-icon"' in page   # the theme's icons, drawn inline
    assert not list(site.rglob("*.map"))


def test_profiles_open_with_a_fact_sheet_and_link_their_csv(site):
    page = _text((site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8"))
    assert page.index("Auf einen Blick") < page.index("Kennzahlen im Vergleich zur Gesamtstadt")
    assert "Grundsicherung im Alter: 21,1\u202f% gegenüber 7,3\u202f% in der Gesamtstadt (2022)." in page
    html = (site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8")
    assert 'href="../daten/steckbriefe/02-neustadt.csv"' in html
    rows = (site / "daten" / "steckbriefe" / "02-neustadt.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "jahr,gebiet_id,gebiet,indikator_id,indikator,einheit,art,wert"
    assert {line.split(",")[1] for line in rows[1:]} == {"2", "stadt"}


def test_glossary_terms_are_linked_where_they_first_appear(site):
    glossary = (site / "book" / "glossar.html").read_text(encoding="utf-8")
    assert 'id="term-SGB-II-Quote"' in glossary
    page = (site / "notebooks" / "soziale_lage.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="glossar-begriff" href="../book/glossar.html#(term-[^"]+)">', page)
    assert links and len(links) == len(set(links))   # the first mention only


@pytest.mark.integration
def test_lebenslagen_overview_group_pages_and_profile_blocks(site):
    overview = (site / "notebooks" / "lebenslagen.html").read_text(encoding="utf-8")
    assert "<h1>Lebenslagen im Überblick" in overview
    assert overview.count('class="table lebenslagen-matrix"') == 2      # fields × areas, groups × areas
    methods = (site / "generated" / "methoden.html").read_text(encoding="utf-8")
    targets = set(re.findall(r'href="\.\./generated/methoden\.html#([\w-]+)"', overview))
    assert len(targets) >= 5
    for target in targets:   # every cell leads to the indicator's entry on the methods page
        assert f'id="{target}"' in methods, target
    for page in ("kinder-und-jugendliche", "aeltere-menschen", "alleinerziehende", "migrationsgeschichte"):
        html = (site / "lebenslagen" / f"{page}.html").read_text(encoding="utf-8")
        assert "Lage in den Handlungsfeldern" in html and "Wo Gruppe und Benachteiligung" in html
        assert re.search(r'<img[^>]+alt="Karte: ', html), page
    children = (site / "lebenslagen" / "kinder-und-jugendliche.html").read_text(encoding="utf-8")
    assert "Liniendiagramme, Gesamtstadt Flensburg" in children      # city-level series: Hilfen zur Erziehung
    assert "nur für die Gesamtstadt aus" in children                  # and why there are no area values
    profile = (site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8")
    assert "<h2>Lebenslagen" in profile and "Armut" in _text(profile)


def test_no_page_shows_escaped_markup_as_text(site):
    """Generated sentences with markup (reader titles, links) render as markup, never as visible tags."""
    escaped = re.compile(r"&lt;/?(strong|abbr|a|em|span|br)\b|&amp;lt;|\{(datei|lesetitel)\}")
    shown = [str(p.relative_to(site)) for p in site.rglob("*.html") if escaped.search(p.read_text(encoding="utf-8"))]
    assert not shown


def test_reader_titles_carry_the_official_definition_as_tooltip(site):
    page = (site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8")
    assert ('<strong><abbr title="Nicht erwerbsfähige Leistungsberechtigte nach SGB II je 100 unter 18-Jährige">'
            "Kinderarmut (SGB II)</abbr></strong>") in page


def test_development_page_shows_every_area_per_key_indicator(site):
    page = (site / "notebooks" / "entwicklung.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img[^>]*alt="(Kleine Liniendiagramme: [^"]+)"', page)
    assert len(alts) == 3 and all("in jedem der 13 Stadtteile" in alt for alt in alts)
    text = _text(page)
    assert re.search(r"SGB-II-Quote: In der Gesamtstadt sank der Wert von 2018 bis 2022 \(−2,6 Prozentpunkte\), "
                     r"dagegen stieg er in Tarup", text)


def test_every_page_offers_a_citation(site):
    page = _text((site / "notebooks" / "vergleich.html").read_text(encoding="utf-8"))
    assert "<h1>Stadtteile vergleichen" in (site / "notebooks" / "vergleich.html").read_text(encoding="utf-8")
    assert ("Zitiervorschlag: Projekt Sozialbericht (offene Beispielausgabe aus offenen Daten; keine Veröffentlichung "
            "der Stadt Flensburg): „Stadtteile vergleichen“. In: Sozialbericht Flensburg 2022, Stand ") in page
    imprint = _text((site / "generated" / "impressum.html").read_text(encoding="utf-8"))
    assert "Herausgeber: Projekt Sozialbericht" in imprint and "Kontakt: Fragen und Hinweise" in imprint
    assert "Rechenweg anzeigen" in imprint and "„Zeigen“" not in imprint


def test_overview_and_profile_tables_show_the_trend(site):
    profile = _text((site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8"))
    assert "Trend (bis 5 Jahre)" in profile and "↓ sinkt seit 2018 (günstig)" in profile
    overview = _text((site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8"))
    assert "↑ steigt seit 2017 (ungünstig)" in overview   # Wohngeldquote


def test_editions_list_gives_date_and_what_is_new(site):
    listing = _text((site.parent / "ausgaben.html").read_text(encoding="utf-8"))
    assert re.search(r"Sozialbericht Flensburg 2022 \(veröffentlicht am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr\)", listing)
    assert "Neu in dieser Ausgabe: Daten bis 2022 für 13 Stadtteile und 43 Indikatoren." in listing
    assert "SGB-II-Quote der Gesamtstadt 2022: 12,4\u202f% (−1,8 Prozentpunkte zum Vorjahr)." in listing


@needs_chromium
def test_each_profile_has_a_one_page_pdf_fact_sheet(site):
    from pypdf import PdfReader

    html = (site / "profiles" / "02-neustadt.html").read_text(encoding="utf-8")
    assert 'href="../daten/steckbriefe/02-neustadt.pdf"' in html
    sheets = sorted((site / "daten" / "steckbriefe").glob("*.pdf"))
    assert len(sheets) == 13
    reader = PdfReader(site / "daten" / "steckbriefe" / "02-neustadt.pdf")
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and text.lstrip().startswith("Neustadt")
    assert "Grundsicherung im Alter: 21,1\u202f% gegenüber 7,3\u202f%" in text
    assert "SGB-II-Quote 2022 21,7\u202f% 12,4\u202f% 1 von 13" in text


@pytest.mark.integration
def test_no_heading_without_content_and_no_image_without_data(site):
    assert empty_sections(site) == []
    assert images_without_data(site) == []


def _search_index(site) -> dict:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def _documents(entry) -> set[int]:
    return set(entry) if isinstance(entry, list) else {entry}


@pytest.mark.integration
def test_search_finds_profiles_by_their_title_and_chapters_by_their_text(site):
    index = _search_index(site)
    profiles = {number for number, name in enumerate(index["docnames"]) if name.startswith("profiles/")}
    assert len(profiles) == len(DISTRICTS)
    in_text = set().union(*map(_documents, index["terms"].values()))
    in_titles = set().union(*map(_documents, index["titleterms"].values()))
    assert not profiles & in_text
    assert profiles <= in_titles
    assert set(range(len(index["docnames"]))) - profiles <= in_text
    neustadt = index["docnames"].index(next(name for name in index["docnames"] if name.endswith("neustadt")))
    assert neustadt in _documents(index["titleterms"]["neustadt"])

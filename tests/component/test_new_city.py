"""A new city with config only: the real Flensburg rows in the shapes other offices publish (tests/shapes.py)
give Flensburg's numbers, and each flaw of a shape is reported or refused with a message that helps."""
from __future__ import annotations

import pytest
import yaml

from analysis.compute.edition import Edition
from analysis.errors import InputError, InputErrors
from analysis.pack.loader import load_city

from shapes import (
    DEMOGRAPHY,
    FLENSBURG,
    LOCATED,
    LONG_IDS,
    flensburg_values,
    long_pack,
    named_pack,
    no_geometry_pack,
    points_pack,
    wide_pack,
)


def _edition(root, slug, year=2022) -> Edition:
    load_city.cache_clear()
    return Edition.compute(slug, year, root=root, with_previous=False)


def _findings(edition, kind):
    return edition.findings[edition.findings["kind"] == kind]


def _edit(root, slug, change):
    path = root / "data" / slug / "city.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_city.cache_clear()


@pytest.fixture
def project(pack_copy):
    return pack_copy()


def _assert_flensburg_numbers(edition, root, area_of):
    values = flensburg_values(root, DEMOGRAPHY)
    for year in (2021, 2022):
        for district, _ in FLENSBURG:
            area = area_of(district)
            total = values[("residents_total", year, district)]
            assert edition.value("einwohner", area, year) == total
            assert edition.value("anteil_unter_18", area, year) == pytest.approx(
                values[("residents_under_18", year, district)] / total * 100)


def test_a_long_table_with_three_levels_and_a_custom_crs_builds_with_flensburgs_numbers(project):
    long_pack(project)
    edition = _edition(project, "lang")
    _assert_flensburg_numbers(edition, project, LONG_IDS.get)
    excluded = _findings(edition, "rows_excluded")["message"].tolist()
    assert len(excluded) == 1 and "Merkmal-ID ohne Variable" in excluded[0] and "(13)" in excluded[0], excluded
    # The Stadtbezirk rows 001–003 are the level's reference values: the Stadtteile add up to them.
    assert _findings(edition, "level_rows_differ").empty
    repaired = _findings(edition, "geometry_repaired")
    assert repaired["area_id"].tolist() == ["103"] and "make_valid" in repaired["message"].iloc[0]
    # The 000 rows are the reported city total, equal to the sum of the Stadtteile: no difference found.
    assert _findings(edition, "sum_differs_from_city_total").empty
    # The custom CRS is kept, in 2-D; the areas lie in Flensburg.
    assert not edition.areas.geometry.has_z.any() and edition.areas.is_valid.all()
    lon, lat = edition.areas.to_crs("EPSG:4326").union_all().centroid.coords[0]
    assert 9.3 < lon < 9.6 and 54.7 < lat < 54.9


def test_the_custom_crs_must_match_when_declared(project):
    long_pack(project)
    _edit(project, "lang", lambda c: c["geometry"].update(crs="EPSG:25832"))
    with pytest.raises(InputError) as error:
        _edition(project, "lang")
    assert "nicht das deklarierte" in str(error.value) and "from_file" in str(error.value)
    # An equivalent PROJ string of the file's system is accepted (compared horizontally, 3-D ignored).
    from shapes import CUSTOM_CRS
    _edit(project, "lang", lambda c: c["geometry"].update(crs=CUSTOM_CRS))
    assert len(_edition(project, "lang").areas) == 13


def test_without_the_declared_repair_the_invalid_polygon_stops_the_build(project):
    long_pack(project)
    _edit(project, "lang", lambda c: c["geometry"].pop("repair"))
    with pytest.raises(InputError) as error:
        _edition(project, "lang")
    message = str(error.value)
    assert "Ungültige Geometrie für Stadtteil 103 (Nordstadt)" in message and "repair: make_valid" in message


def test_a_bezirk_row_that_is_not_the_sum_of_its_stadtteile_is_reported(project):
    long_pack(project)
    path = project / "data" / "lang" / "raw" / "bevoelkerung_lang.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines) if line.startswith("T01;Bevölkerung;2022;002;"))
    cells = lines[row].split(";")
    cells[-1] = str(int(cells[-1]) + 250)
    lines[row] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = _findings(_edition(project, "lang"), "level_rows_differ")
    assert len(found) == 1 and found["row"].iloc[0] == row + 1
    assert "Einwohner insgesamt: In 1 von 12 Zeilen der Stadtbezirke" in found["message"].iloc[0]
    assert "Stadtbezirk 002 2022" in found["message"].iloc[0] and "(Differenz 250)" in found["message"].iloc[0]


def test_rows_of_another_level_may_be_excluded_with_a_reason(project):
    long_pack(project)
    _edit(project, "lang", lambda c: (c.pop("levels"), c["sources"][0].update(excluded_rows=[
        {"match": "00[1-9]", "reason": "Zeilen der Stadtbezirke; der Bericht summiert die Stadtteile selbst"}])))
    excluded = _findings(_edition(project, "lang"), "rows_excluded")["message"].tolist()
    assert any(m.startswith("48 Zeilen nicht gelesen (001, 002, 003)") and "Zeilen der Stadtbezirke" in m
               for m in excluded), excluded


def test_a_district_row_without_a_declared_rule_gets_a_hint_about_levels_not_a_near_id(project):
    long_pack(project)
    _edit(project, "lang", lambda c: c.pop("levels"))
    with pytest.raises(InputErrors) as error:
        _edition(project, "lang")
    message = str(error.value)
    assert "Stadtteil '001' ist unbekannt" in message and "parent_id" in message and "excluded_rows" in message
    assert "Meinten Sie" not in message
    # one problem per Stadtbezirk, each with the other rows it stands in (4 Merkmale × 4 years)
    assert len(error.value.errors) == 3 and "(ebenso in Zeile" in message


def test_name_keyed_files_with_typos_broken_umlauts_dates_and_a_repeated_block(project):
    named_pack(project)
    edition = _edition(project, "namen")
    _assert_flensburg_numbers(edition, project, lambda d: f"STGT{int(d):02d}")
    repeated = _findings(edition, "rows_repeated")
    assert len(repeated) == 1 and repeated["message"].iloc[0].startswith("13 Zeilen wiederholen")
    assert any("Personen 80 Jahre und älter" in m for m in _findings(edition, "rows_excluded")["message"])


def test_an_unknown_name_suggests_the_area_and_the_alias_to_declare(project):
    named_pack(project)
    _edit(project, "namen", lambda c: c["areas"][8].pop("aliases"))
    with pytest.raises(InputError) as error:
        _edition(project, "namen")
    message = str(error.value)
    assert "Stadtteil 'Jürgensbi' ist unbekannt" in message and "Meinten Sie 'Jürgensby'" in message
    assert "aliases: ['Jürgensbi']" in message


def test_a_repeated_row_with_other_values_is_an_error(project):
    named_pack(project)
    path = project / "data" / "namen" / "raw" / "einwohner.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].rsplit(";", 1)[0] + ";99.0"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        _edition(project, "namen")
    assert "doppelte Zeile für Jahr 2021" in str(error.value) and "anderen Werten" in str(error.value)


def test_a_date_without_its_pattern_is_explained(project):
    named_pack(project)
    _edit(project, "namen", lambda c: c["sources"][0].pop("year_pattern"))
    with pytest.raises(InputError) as error:
        _edition(project, "namen")
    assert "'31.12.2019' ist keine Jahreszahl" in str(error.value) and "year_pattern" in str(error.value)


def test_a_wide_table_with_years_in_the_column_names(project):
    wide_pack(project)
    edition = _edition(project, "breit")
    _assert_flensburg_numbers(edition, project, lambda d: d)
    unemployed = flensburg_values(project, {"u": ("fl_unemployed_residents_by_district.csv", "residents")})
    assert edition.value("arbeitslosenanteil", "2", 2022) == pytest.approx(
        unemployed[("u", 2022, "2")] / flensburg_values(project, DEMOGRAPHY)[("residents_18_to_64", 2022, "2")] * 100)
    # The age bands of the real data add up to the residents within 1 %: the declared check stays quiet ...
    assert _findings(edition, "parts_exceed_total").empty


def test_parts_larger_than_their_total_across_sources_are_reported(project):
    wide_pack(project)
    path = project / "data" / "breit" / "raw" / "stadtteile_breit.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    column = rows[0].index("18 bis 64 2022")
    for row in rows[1:]:
        row[column] = str(round(int(row[column]) * 1.05))     # the middle band 5 % too large, everywhere
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    edition = _edition(project, "breit")
    found = _findings(edition, "parts_exceed_total")
    assert found["year"].tolist() == [2022]
    assert "ist in 13 Gebieten größer als Einwohner insgesamt" in found["message"].iloc[0], found["message"].iloc[0]


def test_counts_with_a_thousands_point_are_refused_with_a_hint(project):
    wide_pack(project)
    path = project / "data" / "breit" / "raw" / "stadtteile_breit.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    cells = text[1].split(";")
    cells[2] = "3.367"
    text[1] = ";".join(cells)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        _edition(project, "breit")
    message = str(error.value)
    assert "Zeile 2" in message and "'3.367' ist keine ganze Zahl" in message and "Tausendertrennzeichen" in message


def test_a_zero_marker_reads_as_zero(project):
    """Flensburg's tables have no zeros: one real count is replaced by '-' (a bad-input edit)."""
    wide_pack(project)
    path = project / "data" / "breit" / "raw" / "stadtteile_breit.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    column = rows[0].index("Arbeitslose 2022")
    rows[1][column] = "-"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        _edition(project, "breit")
    assert "'-' ist keine Zahl" in str(error.value)
    _edit(project, "breit", lambda c: c["sources"][0].update(zero_values=["-"]))
    assert _edition(project, "breit").value("arbeitslosenanteil", "1", 2022) == 0


def test_all_problems_of_several_files_are_listed_at_once(project):
    named_pack(project)
    for name in ("einwohner.csv", "altersgruppen.csv"):
        path = project / "data" / "namen" / "raw" / name
        path.write_text(path.read_text(encoding="utf-8").replace("Altstadt", "Altstad"), encoding="utf-8")
    with pytest.raises(InputErrors) as error:
        _edition(project, "namen")
    files = {e.file for e in error.value.errors}
    assert files == {"data/namen/raw/einwohner.csv", "data/namen/raw/altersgruppen.csv"}
    assert str(error.value).startswith(f"{len(error.value.errors)} Probleme:")


def test_a_level_dissolved_from_the_areas_by_a_parent_id_template(project):
    """Flensburg's 41 statistische Bezirke as areas (STBZ011 …): their Stadtteile (STGT01 …) are made by the
    template STGT{id[4:6]} and dissolved from the Bezirk polygons, and match the published Stadtteil polygons.
    The real file has two self-intersecting rings (073 Peelwatt, 122 Engelsby Süd): the declared repair mends them."""
    import shutil

    import geopandas as gpd

    from analysis.pack.geometry import load_areas
    from analysis.pack.levels import level_areas, level_pack

    folder = project / "data" / "bezirke"
    (folder / "raw").mkdir(parents=True)
    raw = project / "data" / "flensburg" / "raw"
    shutil.copy(raw / "flensburg_stadtbezirke.zip", folder / "raw" / "bezirke.zip")
    config = yaml.safe_load((project / "data" / "flensburg" / "city.yml").read_text(encoding="utf-8"))
    config = {key: config[key] for key in ("name", "editions", "attribution")}
    config.update({
        "areas": {"from_geometry": True},
        "geometry": {"file": "raw/bezirke.zip", "id_field": "AREA_ID", "name_field": "AREA_NAME",
                     "crs": "EPSG:25832", "repair": "make_valid"},
        "levels": [{"id": "stadtteil", "label": "Stadtteil", "label_plural": "Stadtteile",
                    "parent_id": "STGT{id[4:6]}", "names": {"STGT02": "Neustadt"}}],
        "sources": [{"file": "raw/none.csv", "year_column": "year", "area_column": "id", "variables": {}}]})
    (folder / "city.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    load_city.cache_clear()
    base = load_city("bezirke", project)
    pack = level_pack(base, "stadtteil")
    assert len(base.areas) == 41 and len(pack.areas) == 13
    assert pack.area_names["STGT02"] == "Neustadt" and pack.area_names["STGT03"] == "Stadtteil STGT03"
    bezirke = load_areas(base)
    assert [r.area_id for r in bezirke.attrs["repairs"]] == ["STBZ073", "STBZ122"]
    dissolved = level_areas(pack, bezirke)
    published = gpd.read_file(f"zip://{raw / 'flensburg_stadtteile.zip'}!Stadtteile.shp").set_index("AREA_ID")
    assert sorted(dissolved.index) == sorted(published.index)
    difference = dissolved.geometry.symmetric_difference(published.geometry.reindex(dissolved.index)).area
    assert (difference / published.geometry.reindex(dissolved.index).area).max() < 0.01


@pytest.mark.parametrize("geometry, expected", [
    ({"file": "raw/stadtteile_breit.csv", "id_field": "Nr", "crs": "EPSG:25832"}, "enthält keine Geometrien"),
    ({"file": "raw/stadtteile.zip", "layer": "Stadtteile.shp", "id_field": "AREA_ID", "crs": "EPSG:4326"},
     "nicht das deklarierte"),
    ({"file": "raw/stadtteile.zip", "layer": "Stadtteile.shp", "id_field": "AREA_ID", "crs": "EPSG:999999"},
     "ist unbekannt"),
])
def test_a_geometry_that_does_not_fit_gets_a_message_not_a_traceback(project, geometry, expected):
    wide_pack(project)
    _edit(project, "breit", lambda c: c.update(geometry=geometry))
    with pytest.raises(InputError) as error:
        _edition(project, "breit")
    assert expected in str(error.value)


OWN_INDICATOR = {
    "id": "anteil_18_bis_64", "title": "Anteil Menschen von 18 bis unter 65 Jahren", "short_title": "Erwerbsalter",
    "description": "Wie viele von 100 Einwohnerinnen und Einwohnern sind 18 bis unter 65 Jahre alt.",
    "numerator": "residents_18_to_64", "denominator": "residents_total", "scale": 100, "unit": "%",
    "kind": "share", "polarity": "neutral", "topic": "bevoelkerung", "field": "bevoelkerung", "groups": [],
    "source": "Statistikstelle der Stadt (Einwohnermelderegister)", "decimals": 1}


def test_a_pack_adds_its_own_indicators_and_replaces_catalogue_entries(project, capsys, monkeypatch):
    from analysis.cli import main

    wide_pack(project)
    replaced = {**OWN_INDICATOR, "id": "anteil_65_plus", "title": "Anteil Älterer (eigene Abgrenzung)",
                "numerator": "residents_65_plus", "short_title": "Ältere"}
    _edit(project, "breit", lambda c: c.update(indicators=[OWN_INDICATOR, replaced]))
    edition = _edition(project, "breit")
    values = flensburg_values(project, DEMOGRAPHY)
    assert edition.value("anteil_18_bis_64", "4", 2022) == pytest.approx(
        values[("residents_18_to_64", 2022, "4")] / values[("residents_total", 2022, "4")] * 100)
    assert edition.indicator("anteil_65_plus").title == "Anteil Älterer (eigene Abgrenzung)"
    monkeypatch.chdir(project)
    assert main(["validate", "--city", "breit"]) == 0
    out = capsys.readouterr().out
    assert "anteil_18_bis_64 (Paket)" in out and "anteil_65_plus (Paket (ersetzt Katalog))" in out
    assert "sgb2_quote (Katalog): es fehlt sgb2_recipients" in out


def test_a_pack_indicator_that_breaks_the_catalogue_schema_is_located_in_city_yml(project):
    wide_pack(project)
    _edit(project, "breit", lambda c: c.update(indicators=[{**OWN_INDICATOR, "scale": 7}]))
    with pytest.raises(InputError) as error:
        _edition(project, "breit")
    assert error.value.file == "data/breit/city.yml" and error.value.column == "indicators/0/scale"


def test_a_configured_indicator_the_city_cannot_compute_is_named_with_what_is_missing(project):
    wide_pack(project)
    _edit(project, "breit", lambda c: c.update(headline_indicator="sgb2_quote",
                                               district_types={"indicators": ["anteil_65_plus", "wohngeld_quote"]}))
    with pytest.raises(InputErrors) as error:
        _edition(project, "breit")
    message = str(error.value)
    assert "'sgb2_quote' ist für Testpaket breit nicht berechenbar: es fehlt sgb2_recipients" in message
    assert "district_types/indicators/1" in message and "housing_benefit_recipients" in message


def test_areas_given_as_points_become_a_dot_map_and_stay_points_in_the_downloads(project, tmp_path):
    from analysis.report import downloads, figures

    points_pack(project)
    edition = _edition(project, "punkte")
    assert edition.area_geometry == "points"
    unlocated = [name for _, name in FLENSBURG[LOCATED:]]
    message = _findings(edition, "area_without_location")["message"].iloc[0]
    assert message.startswith("3 Gebiete ohne Punkt") and all(name in message for name in unlocated)
    chart = figures.indicator_map(edition, "arbeitslosenanteil")
    assert chart.alt.startswith("Karte mit einem Kreis je Gebiet")
    legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert any("Kreis = Lage des Gebiets" in t for t in legend)
    assert any("ohne Lage, nicht gezeigt" in t and "Engelsby" in t for t in legend)
    assert figures.locator(edition, "13") is None and figures.locator(edition, "1") is not None
    document = downloads.areas_geojson(edition)
    assert len(document["features"]) == LOCATED
    assert {f["geometry"]["type"] for f in document["features"]} == {"Point"}


def test_without_geometry_the_maps_become_ranked_bars_and_no_geometry_is_published(project):
    from analysis.report import downloads, figures

    no_geometry_pack(project)
    edition = _edition(project, "ohne_geometrie")
    assert edition.area_geometry == "none"
    chart = figures.indicator_map(edition, "anteil_65_plus")
    assert chart.alt.startswith("Diagramm:") and "nach Wert geordnet" in chart.alt
    assert figures.locator(edition, "STGT01") is None
    assert not any(d.path == downloads.AREAS_GEOJSON for d in downloads.files(edition))


def test_a_pack_with_facilities_needs_polygons(project):
    points_pack(project)
    flensburg = yaml.safe_load((project / "data" / "flensburg" / "city.yml").read_text(encoding="utf-8"))
    _edit(project, "punkte", lambda c: c.update(facilities=flensburg["facilities"][:1]))
    with pytest.raises(InputError) as error:
        _edition(project, "punkte")
    assert "über deren Flächen" in str(error.value) and "Punkte" in str(error.value)


def test_profile_file_names_are_safe_whatever_the_ids_hold(project):
    import dataclasses

    from analysis.pack.model import Area
    from analysis.report.links import profile_stem

    pack = load_city("flensburg", project)
    assert profile_stem(pack, "9") == "09-jurgensby"
    odd = dataclasses.replace(pack, areas=(Area("Altstadt", "Altstadt", None), Area("a/b", "Nord", None),
                                           Area("a-b", "Nord", None), Area("??", "??", None)))
    stems = [profile_stem(odd, a.id) for a in odd.areas]
    assert stems == ["altstadt", "a-b-nord", "a-b-nord-3", "gebiet-4"]   # no '/', no padding of names


def test_counts_written_with_a_point_zero_under_a_declared_decimal_comma_are_refused(project):
    named_pack(project)
    _edit(project, "namen", lambda c: c["sources"][0].update(decimal=","))
    with pytest.raises(InputError) as error:
        _edition(project, "namen")
    assert "passt nicht zum deklarierten Dezimalkomma" in str(error.value)   # '3323.0' is not read as 33230


def test_an_area_whose_polygon_is_empty_is_named_not_called_invalid(project):
    import geopandas as gpd
    from shapely.geometry import Polygon

    long_pack(project)
    path = project / "data" / "lang" / "raw" / "geo" / "stadtteile.shp"
    frame = gpd.read_file(path)
    frame.loc[frame["ID"] == LONG_IDS["5"], "geometry"] = Polygon()
    frame.to_file(path)
    with pytest.raises(InputError) as error:
        _edition(project, "lang")
    assert "Friesischer Berg" in str(error.value) and "keine Fläche" in str(error.value)


def test_a_jump_in_a_column_whose_name_is_not_an_identifier_is_a_finding(project):
    """The issue's traceback: a jump found in '10 bis unter 12' (a name that is no Python identifier)."""
    wide_pack(project)
    path = project / "data" / "breit" / "raw" / "stadtteile_breit.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    rows[0] = [cell.replace("unter 18", "10 bis unter 12") for cell in rows[0]]
    column = rows[0].index("10 bis unter 12 2022")
    rows[1][column] = str(int(rows[1][column]) * 3)
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    _edit(project, "breit", lambda c: c["sources"][0]["variables"].update(residents_under_18="10 bis unter 12 {year}"))
    jumps = _findings(_edition(project, "breit"), "jump")
    assert any(m.startswith("Einwohner unter 18 Jahren: ") and "gegenüber 2021" in m for m in jumps["message"])
    assert "10 bis unter 12 2022" in set(jumps["column"])   # the column as it stands in the file

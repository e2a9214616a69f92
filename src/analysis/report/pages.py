"""Pages rendered from the catalogue, the city pack and the build record (Methoden, Datenquellen, Daten,
Herkunft). The wording is in report/templates/; this module gathers what the templates show."""
from __future__ import annotations

from analysis.catalog.model import parse_terms
from analysis.catalog.texts import KIND_TEXT
from analysis.compute.edition import Edition
from analysis.compute.uncertainty import MIN_STABLE_EVENTS
from analysis.pack import crosswalk
from analysis.pack.model import UNASSIGNED_AREA_ID, DisclosureRules
from analysis.report import downloads, lebenslagen_views, links, programme_views
from analysis.report.prose import render
from analysis.social_index.classes import METHOD_NAMES
from analysis.text import built_text


def small_counts_text(rules: DisclosureRules) -> str:
    """The withheld counts in words: '1 und 2', '1, 2 und 3'."""
    small = [str(n) for n in range(1, rules.min_count)]
    return " und ".join([", ".join(small[:-1]), small[-1]] if len(small) > 1 else small)


def linked_examples(edition: Edition) -> str:
    """The sums the disclosure rules protect, named by their indicators: 'Migrationshintergrund = Ausländeranteil
    + Deutsche mit Migrationshintergrund'; the declared partitions by their variables."""
    by_quantity = {i.numerator: i.short_title for i in edition.catalog.indicators if i.kind != "external"}
    examples = []
    for indicator in edition.catalog.indicators:
        terms = [name for _, name in parse_terms(indicator.numerator)]
        if len(terms) > 1 and all(term in by_quantity for term in terms):
            examples.append(f"{indicator.short_title} = {' + '.join(by_quantity[t] for t in terms)}")
    for partition in edition.catalog.partitions:
        examples.append(f"`{partition.total}` = " + " + ".join(f"`{part}`" for part in partition.parts))
    return "; ".join(examples) or "keine im Katalog"


def adopted_shares(edition: Edition) -> list[dict]:
    """External shares with a base: published percentages the report takes over, with their file and column."""
    rows = []
    for indicator in edition.all_indicators.indicators:
        if indicator.kind != "external" or not indicator.base:
            continue
        for source in edition.pack.sources:
            if indicator.numerator in source.variables:
                rows.append({"title": indicator.title, "file": source.file,
                             "column": source.variables[indicator.numerator]})
    return rows


def methods_page(edition: Edition) -> str:
    pack = edition.pack
    base = pack.base or pack
    catalog = edition.all_indicators
    city_level = {i.id: lebenslagen_views.city_level_reason(edition, i)
                  for i in (edition.city_catalog.indicators if edition.city_catalog else ())}
    indicators = edition.all_values
    return render(
        "methoden.md.j2", pack=pack, base=base, catalog=catalog, index=edition.social_index,
        city_level=city_level, adopted=adopted_shares(edition), label=lebenslagen_views.indicator_label,
        group_titles={i.id: ", ".join(catalog.groups[g] for g in i.groups) for i in catalog.indicators},
        unassigned_tables=sorted({s.file.split("/")[-1] for s in pack.sources if s.unassigned_value}),
        unassigned_values=int((edition.tidy["area_id"] == UNASSIGNED_AREA_ID).sum()),
        level_chain=[base.area_label, *(level.label for level in base.levels), "Gesamtstadt"],
        rules=edition.rules, small_counts=small_counts_text(edition.rules),
        withheld_primary=edition.withheld_cells[0], withheld_secondary=edition.withheld_cells[1],
        min_stable_events=MIN_STABLE_EVENTS, kind_text=KIND_TEXT, method_names=METHOD_NAMES,
        linked_examples=linked_examples(edition),
        years={i.id: sorted(int(y) for y in indicators.loc[indicators["indicator"] == i.id, "year"].unique())
               for i in catalog.indicators},
        reconciliation=list(edition.reconciliation.itertuples()),
        download_link=links.download_link, indicator_file=downloads.indicator_file,
        catalogue_file=downloads.CATALOGUE_CSV,
        programme_method=(programme_views.method_text(edition)
                          if pack.programme_areas or pack.measures_file else ""),
        knowledge_method=programme_views.knowledge_method(edition),
        has_need=any(i.is_need for i in edition.catalog.indicators),
        change=area_change_summary(edition))


def area_change_summary(edition: Edition) -> dict | None:
    """The figures of an edition's area change for the methods page: areas before and after, how the
    crosswalk was made, and how many values are estimates."""
    change, walk = edition.area_change, edition.crosswalk
    if change is None or walk is None:
        return None
    base = edition.pack.base or edition.pack
    findings = edition.findings
    rows = edition.indicators
    estimated_areas = rows.loc[rows["estimated"], "area_id"].nunique()
    return {"change": change, "before": len(change.areas), "after": len(base.areas),
            "by_match": int(walk.loc[walk["basis"] == crosswalk.BASIS_MATCH, "old_id"].nunique()),
            "by_overlay": int(walk.loc[walk["basis"] == crosswalk.BASIS_OVERLAY, "old_id"].nunique()),
            "splits": int((walk.groupby("old_id").size() > 1).sum()),
            "disagreements": int((findings["kind"] == "crosswalk_disagrees").sum()),
            "without_back_series": int((findings["kind"] == "area_without_back_series").sum()),
            "estimated_areas": estimated_areas, "areas_now": len(edition.pack.areas),
            "first_year": min(int(y) for y in rows["year"].unique()),
            "matches_file": change.matches_file.split("/")[-1] if change.matches_file else None,
            "tolerance": change.tolerance_share * 100}


def sources_page(edition: Edition) -> str:
    return render("datenquellen.md.j2", pack=edition.pack, attribution=edition.pack.attribution,
                  variable_name=edition.catalog.variable_name)


def provenance_page(edition: Edition, record: dict) -> str:
    """Which data and code produced this edition, for reviewers who want to rebuild it."""
    return render("herkunft.md.j2", pack=edition.pack, year=edition.year, city_name=edition.city_name,
                  record=record, code=record["code_version"], built=built_text(record))


def data_page(edition: Edition) -> str:
    return render("daten.md.j2", pack=edition.pack, year=edition.year, catalog=edition.catalog,
                  attribution=edition.pack.attribution, downloads=downloads.files(edition),
                  fields=downloads.datapackage(edition)["resources"][0]["schema"]["fields"],
                  download_link=links.download_link, indicator_file=downloads.indicator_file)


def citation(pack, year: int, built: str) -> dict:
    """What a suggested citation needs (the imprint, and every page's footer: book/_templates/citation.html):
    the publisher, the edition with its date, and the edition's web address where the pack gives one."""
    publication = pack.publication
    url = publication.get("url")
    return {"publisher": publication.get("publisher", ""),
            "edition": f"Sozialbericht {pack.edition_name} {year}, Stand {built}",
            "url": f"{url}{pack.site_key}/{year}/" if url else ""}


def imprint_page(edition: Edition, record: dict) -> str:
    built = built_text(record)
    return render("impressum.md.j2", publication=edition.pack.publication, year=edition.year, built=built,
                  attribution=edition.pack.attribution, citation=citation(edition.pack, edition.year, built))


def generated_pages(edition: Edition, record: dict) -> dict[str, str]:
    return {"methoden": methods_page(edition), "datenquellen": sources_page(edition),
            "daten": data_page(edition), "herkunft": provenance_page(edition, record),
            "impressum": imprint_page(edition, record)}

"""Generated sentences for the prose: every number in them is computed, never typed."""
from __future__ import annotations

import math

from analysis.compute.edition import Edition
from analysis.inputs.validate import FINDING_KINDS
from analysis.pack.model import CITY_AREA_ID
from analysis.report.links import PROFILE_FOLDER, profile_stem, role_text
from analysis.text import dative_plural, format_change, format_number, format_value, markdown_literal


def extremes(edition: Edition, indicator_id: str) -> tuple[str, float, str, float]:
    """(highest area name, value, lowest area name, value) in the indicator's latest year."""
    values = edition.area_values(indicator_id).dropna()
    return (edition.area_name(values.idxmax()), float(values.max()),
            edition.area_name(values.idxmin()), float(values.min()))


def reader_title(indicator) -> str:
    """The reader title in bold with the official title as its tooltip: the role of book/_ext/reader_markup.py
    (raw HTML would be escaped in generated markdown)."""
    return f"{{lesetitel}}`{role_text(indicator.short_title)} <{role_text(indicator.title)}>`"


def indicator_sentence(edition: Edition, indicator_id: str) -> str:
    indicator = edition.indicator(indicator_id)
    frame = edition.table(indicator_id)
    year = int(frame["year"].iloc[0])
    high_name, high, low_name, low = extremes(edition, indicator_id)
    sentence = f"{reader_title(indicator)} ({year}): "
    if CITY_AREA_ID in frame.index:
        city = frame.loc[CITY_AREA_ID]
        sentence += f"Gesamtstadt {format_value(city['value'], indicator)}"
        if not math.isnan(city["change_1y"]):
            sentence += f" ({format_change(city['change_1y'], indicator)} zum Vorjahr)"
        sentence += "; "
    sentence += (f"am höchsten in {high_name} ({format_value(high, indicator)}), "
                 f"am niedrigsten in {low_name} ({format_value(low, indicator)}).")
    return sentence


def migration_sentence(edition: Edition) -> str:
    """'31,0 % der Menschen hatten 2022 einen Migrationshintergrund.', or nothing where the data lack it."""
    if not edition.has("migrationshintergrund"):
        return ""
    indicator = edition.indicator("migrationshintergrund")
    return (f"{format_value(edition.value(indicator.id, CITY_AREA_ID), indicator)} der Menschen hatten "
            f"{edition.latest_year(indicator.id)} einen Migrationshintergrund.")


def social_situation(edition: Edition) -> str:
    """The chapter's opening paragraphs; a sentence whose indicator an edition lacks is left out."""
    def facts(indicator_id: str) -> dict[str, str] | None:
        if not edition.has(indicator_id):
            return None
        indicator = edition.indicator(indicator_id)
        high_name, high, low_name, low = extremes(edition, indicator_id)
        city = edition.value(indicator_id, CITY_AREA_ID)
        return {"year": str(edition.latest_year(indicator_id)),
                "city": format_value(city, indicator), "city_number": format_number(city, indicator.decimals),
                "high_number": format_number(high, indicator.decimals),
                "high_area": high_name, "high": format_value(high, indicator),
                "low_area": low_name, "low": format_value(low, indicator)}

    areas = dative_plural(edition.pack.area_label_plural)
    first, second = [], []
    if sgb2 := facts("sgb2_quote"):
        first.append(f"{sgb2['year']} lebten in {edition.city_name} {sgb2['city']} der Menschen unter 65 Jahren "
                     "von Leistungen nach dem SGB II (SGB-II-Quote). Die Unterschiede zwischen den "
                     f"{areas} sind groß: von {sgb2['low']} in {sgb2['low_area']} bis {sgb2['high']} in "
                     f"{sgb2['high_area']}.")
    if children := facts("kinderarmut_sgb2"):
        first.append(f"Kinder sind besonders betroffen: Auf 100 Kinder und Jugendliche kamen {children['year']} "
                     f"{children['city_number']} nicht erwerbsfähige Leistungsberechtigte, in "
                     f"{children['high_area']} sogar {children['high_number']}.")
    if unemployed := facts("arbeitslosenanteil"):
        second.append("Der Anteil der Arbeitslosen an der Bevölkerung von 18 bis unter 65 Jahren lag "
                      f"{unemployed['year']} bei {unemployed['city']} (höchster Wert: {unemployed['high_area']}, "
                      f"{unemployed['high']}).")
    if old_age := facts("grundsicherung_alter_quote"):
        second.append(f"Grundsicherung im Alter bezogen {old_age['year']} {old_age['city']} der Menschen ab 65 "
                      f"Jahren, in {old_age['high_area']} {old_age['high']}.")
    if not first and not second:  # a pack without these indicators: one sentence per indicator of need
        first = [indicator_sentence(edition, i.id) for i in edition.catalog.indicators
                 if i.polarity == "higher_is_worse"]
    return "\n\n".join(" ".join(p) for p in (first, second) if p)


def key_findings(edition: Edition) -> str:
    """A markdown list: population, then every indicator that measures need."""
    lines = []
    if edition.has("einwohner"):
        population = edition.table("einwohner").loc[CITY_AREA_ID]
        line = (f"- In {edition.city_name} lebten {int(population['year'])} "
                f"{format_number(population['value'])} Menschen")
        if not math.isnan(population["change_5y"]):
            line += f", {format_number(abs(population['change_5y']))} " \
                    f"{'mehr' if population['change_5y'] > 0 else 'weniger'} als fünf Jahre zuvor"
        lines.append(line + ".")
    for indicator in described_indicators(edition):
        lines.append(f"- {indicator_sentence(edition, indicator.id)}")
    return "\n".join(lines)


def described_indicators(edition: Edition) -> list:
    """The indicators the overview describes: those that measure need; for a pack without any, the structure
    indicators (shares and ratios, not counts), so that the text speaks of the data the city has."""
    need = [i for i in edition.catalog.indicators if i.is_need]
    return need or [i for i in edition.catalog.indicators if i.kind not in ("count", "external")]


def largest_changes(edition: Edition, n: int = 5) -> str:
    """A markdown list of the largest one-year changes among areas, for the indicators the overview describes
    (described_indicators); values resting on fewer than 20 cases and adopted percentages are left out."""
    # Only shares computed from counts: values on fewer than 20 cases (unstable) swing by chance, and
    # adopted percentages (kind external) carry no case numbers to tell.
    need = {i.id: i for i in described_indicators(edition) if i.unit == "%" and i.kind != "external"}
    table = edition.indicators
    frame = table[table["indicator"].isin(need) & (table["area_id"] != CITY_AREA_ID) & (table["year"] == edition.year)
                  & ~table["unstable"].fillna(False).astype(bool)].dropna(subset=["change_1y"])
    if frame.empty:
        return f"- Für {edition.year} liegen keine Veränderungen zum Vorjahr vor."
    frame = frame.reindex(frame["change_1y"].abs().sort_values(ascending=False).index).head(n)
    return "\n".join(
        f"- {edition.area_name(r.area_id)}: {need[r.indicator].short_title} "
        f"{format_change(r.change_1y, need[r.indicator])} auf {format_value(r.value, need[r.indicator])}"
        for r in frame.itertuples())


def fields_text(edition: Edition) -> str:
    """'in den Handlungsfeldern Bevölkerung, Bildung … und Integration' ('im Handlungsfeld Bevölkerung'): the
    fields of action the edition's indicators cover."""
    covered = {i.field for i in edition.all_indicators.indicators}
    titles = [f.title for f in edition.catalog.fields if f.id in covered]
    if len(titles) == 1:
        return f"im Handlungsfeld {titles[0]}"
    return "in den Handlungsfeldern " + ", ".join(titles[:-1]) + " und " + titles[-1]


def findings_summary(edition: Edition) -> str:
    """A markdown list: how many findings of each kind."""
    counts = edition.findings["kind"].value_counts()
    return "\n".join(f"- {FINDING_KINDS[kind]}: {format_number(counts[kind])}"
                     for kind in FINDING_KINDS if kind in counts) or "- keine"


def profile_links(edition: Edition) -> str:
    """Markdown links to every profile page, grouped by the top level above the areas where there is one."""
    def link(area_id: str) -> str:
        target = f"../{PROFILE_FOLDER}/{profile_stem(edition.pack, area_id)}.ipynb"
        return f"[{markdown_literal(edition.area_name(area_id))}]({target})"

    hierarchy = edition.hierarchy
    if hierarchy is None:
        return " · ".join(link(a) for a in edition.pack.area_ids)
    top = hierarchy.levels[-1]
    paragraphs = []
    for parent, members in hierarchy.parents.groupby(top.id, sort=True):
        name = markdown_literal(hierarchy.names[top.id][parent])
        links = " · ".join(link(a) for a in sorted(members.index, key=edition.area_name))
        paragraphs.append(f"**{top.label} {name}** ({format_number(len(members))}): {links}")
    return "\n\n".join(paragraphs)


def rank_clause(edition: Edition, indicator_id: str, area_id: str) -> str:
    """'; das ist Rang 3 von 13 (Rang 1 = ungünstigster Wert)', or nothing where the value is withheld or
    missing."""
    frame = edition.table(indicator_id)
    if area_id not in frame.index or math.isnan(frame.at[area_id, "rank"]):
        return ""
    row = frame.loc[area_id]
    return (f"; das ist Rang {format_number(row['rank'])} von {format_number(row['rank_of'])} "
            f"({edition.indicator(indicator_id).rank_meaning})")


def parents_sentence(edition: Edition, area_id: str) -> str:
    """'Es gehört zur Bezirksregion …, zum Prognoseraum … und zum Bezirk ….', where the pack has levels."""
    hierarchy = edition.hierarchy
    if hierarchy is None:
        return ""
    parts = []
    for level in hierarchy.levels:
        _, name = hierarchy.parent(area_id, level.id)
        article = "zur" if level.label.endswith(("region", "ion", "e", "ung", "heit", "keit")) else "zum"
        parts.append(f"{article} {level.label} {markdown_literal(name)}")
    listed = ", ".join(parts[:-1]) + f" und {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"Es gehört {listed}."


def _change_over_span(edition: Edition, indicator_id: str, area_id: str, first: int, last: int) -> float:
    series = edition.series(indicator_id, area_id)
    return series.get(last, math.nan) - series.get(first, math.nan)


def against_the_city(edition: Edition, indicator_id: str) -> str:
    """'Während die SGB-II-Quote der Gesamtstadt von 2018 bis 2022 sank (−2,6 Prozentpunkte), stieg sie in
    Tarup (+2,1 Prozentpunkte).': the areas whose development ran opposite to the city's, in need terms."""
    indicator = edition.indicator(indicator_id)
    city = edition.series(indicator_id, CITY_AREA_ID).dropna()
    if len(city) < 2 or not indicator.is_need:
        return ""
    first, last = int(city.index.min()), int(city.index.max())
    city_change = city.iloc[-1] - city.iloc[0]
    if city_change == 0:
        return ""
    opposite = {a: c for a in edition.pack.area_ids
                if not math.isnan(c := _change_over_span(edition, indicator_id, a, first, last))
                and c * city_change < 0 and not edition.withheld(indicator_id, a, last)
                and not bool(edition.table(indicator_id, last)["unstable"].get(a, False))}
    name = markdown_literal(indicator.short_title)
    went = "stieg" if city_change > 0 else "sank"
    if not opposite:
        return (f"{name}: In der Gesamtstadt {went} der Wert von {first} bis {last} "
                f"({format_change(city_change, indicator)}); kein Gebiet entwickelte sich entgegengesetzt.")
    listed = [f"{markdown_literal(edition.area_name(a))} ({format_change(c, indicator)})"
              for a, c in sorted(opposite.items(), key=lambda item: -abs(item[1]))]
    other = "sank" if city_change > 0 else "stieg"
    verdict = "ungünstig" if (city_change < 0) == (indicator.need_sign > 0) else "günstig"
    return (f"{name}: In der Gesamtstadt {went} der Wert von {first} bis {last} "
            f"({format_change(city_change, indicator)}), dagegen {other} er in "
            f"{', '.join(listed[:-1]) + ' und ' + listed[-1] if len(listed) > 1 else listed[0]} "
            f"– eine {verdict}e Entwicklung gegen den Trend der Stadt.")


def development_intro(edition: Edition) -> str:
    """Which indicators the development page shows, and per indicator the areas that ran against the city."""
    from analysis.report.figures import AREAS_OVER_TIME_MAX, key_indicators

    ids = key_indicators(edition)
    if not ids:
        return ("Für keinen Schlüsselindikator gibt es Werte aus mehr als einem Jahr; eine Entwicklung lässt sich "
                "nicht zeigen.")
    titles = [markdown_literal(edition.indicator(i).short_title) for i in ids]
    listed = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " und " + titles[-1]
    need = any(edition.indicator(i).is_need for i in ids)
    if edition.social_index is not None:
        chosen = "die Statusindikatoren des Sozialindex"
    elif edition.pack.trend_indicators:
        chosen = "die im Stadtpaket gewählten Indikatoren"
    elif need:
        chosen = "der Leitindikator und die ersten Bedarfsindikatoren des Katalogs"
    else:
        chosen = "die Strukturindikatoren, in denen sich die Gebiete am stärksten unterscheiden"
    first = "dem ungünstigsten" if need else "dem höchsten"
    text = (f"Gezeigt werden {chosen}: {listed}. In jeder Grafik steht das Gebiet mit {first} Wert im "
            "letzten Jahr zuerst.")
    if len(edition.pack.area_ids) > AREAS_OVER_TIME_MAX:
        text += (f" Von den {format_number(len(edition.pack.area_ids))} "
                 f"{dative_plural(edition.pack.area_label_plural)} zeigt jede Grafik die "
                 f"{format_number(AREAS_OVER_TIME_MAX)} mit dem ungünstigsten Wert; mehr wären zu klein zum Lesen. "
                 "Die Entwicklung jedes Gebiets zeigt sein Profil.")
    lines = [against_the_city(edition, i) for i in ids]
    if any(lines):
        text += (" Die folgenden Sätze nennen die Gebiete, die sich gegen den Trend der Stadt entwickelt haben; "
                 "Werte auf weniger als 20 Fällen bleiben dabei außer Betracht.")
    return text + "".join(f"\n\n{line}" for line in lines if line)

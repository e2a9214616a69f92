"""The chapter "Lebenslagen": the overview of fields × areas and groups × areas, one page per social group,
and the Lebenslagen block of a profile."""
from __future__ import annotations

import html
import math

import pandas as pd

from analysis.catalog.model import GroupPage, Indicator
from analysis.compute import lebenslagen
from analysis.compute.edition import Edition
from analysis.compute.lebenslagen import Matrix
from analysis.pack.model import CITY_AREA_ID
from analysis.report import charts, links
from analysis.report.chart_display import Chart, source_line
from analysis.report.tables import SCROLL_CLASS, with_count_cells, with_notes
from analysis.text import SUPPRESSED, dative_plural, format_number, format_value, markdown_literal, signed

# Heat map classes of the mean deviation (in standard deviations, positive = more need than the city), with
# their colours (ColorBrewer RdBu, reversed so that need is red) and a text colour that keeps 4.5:1 contrast.
DEVIATION_CLASSES = [
    (-math.inf, -1.5, "#2166ac", "#ffffff", "deutlich weniger Bedarf (unter −1,5)"),
    (-1.5, -0.5, "#92c5de", "#000000", "weniger Bedarf (−1,5 bis unter −0,5)"),
    (-0.5, 0.5, "#f7f7f7", "#000000", "etwa wie die Stadt (−0,5 bis unter +0,5)"),
    (0.5, 1.0, "#fddbc7", "#000000", "mehr Bedarf (+0,5 bis unter +1,0)"),
    (1.0, 1.5, "#f4a582", "#000000", "deutlich mehr Bedarf (+1,0 bis unter +1,5)"),
    (1.5, math.inf, "#b2182b", "#ffffff", "sehr viel mehr Bedarf (ab +1,5)"),
]
ROWS_PER_PAGE = 50     # the heat map of many areas is split into pages of this many rows, sorted by need
DEVIATION_DECIMALS = 1


def indicator_href(indicator_id: str) -> str:
    """The indicator's entry on the methods page, from a page one folder deep."""
    return f"../generated/methoden.html#{indicator_label(indicator_id)}"


def indicator_label(indicator_id: str) -> str:
    return "indikator-" + indicator_id.replace("_", "-")


def indicator_ref(indicator: Indicator) -> str:
    """A MyST reference to the indicator's entry on the methods page."""
    text = indicator.short_title.replace("`", "'").replace("<", "‹").replace(">", "›")
    return f"{{ref}}`{text} <{indicator_label(indicator.id)}>`"


def _deviation_class(value: float):
    return next(c for c in DEVIATION_CLASSES if c[0] <= value < c[1])


class Heatmap:
    """Areas (rows, most need first) × fields or groups (columns) as an HTML table: every cell shows the mean
    deviation as a number and a colour and links to the indicator that deviates most. Many areas are split into
    pages of ROWS_PER_PAGE rows, each in its own disclosure widget."""

    def __init__(self, edition: Edition, matrix: Matrix, caption: str):
        self.edition, self.matrix, self.caption = edition, matrix, caption

    def _table(self, area_ids: list[str]) -> str:
        columns = list(self.matrix.values.columns)
        head = "".join(
            f'<th scope="col">{html.escape(self.matrix.titles[c])}<br><span class="lebenslagen-anzahl">'
            f'{self.matrix.indicator_count[c]} Indikator{"en" if self.matrix.indicator_count[c] != 1 else ""}'
            "</span></th>" for c in columns)
        rows = []
        for area_id in area_ids:
            name = html.escape(self.edition.area_name(area_id))
            cells = [f'<th scope="row">{name}</th>']
            for column in columns:
                value = self.matrix.values.at[area_id, column]
                if pd.isna(value):
                    cells.append('<td class="lebenslagen-zelle">–</td>')
                    continue
                _, _, background, text, meaning = _deviation_class(value)
                strongest = self.edition.indicator(self.matrix.strongest.at[area_id, column])
                label = (f"{self.edition.area_name(area_id)}, {self.matrix.titles[column]}: "
                         f"{signed(value, DEVIATION_DECIMALS)} ({meaning}); am stärksten: {strongest.short_title}")
                cells.append(
                    f'<td class="lebenslagen-zelle" style="background-color:{background}">'
                    f'<a href="{indicator_href(strongest.id)}" style="color:{text}" title="{html.escape(label)}" '
                    f'aria-label="{html.escape(label)}">{signed(value, DEVIATION_DECIMALS)}</a></td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        area_label = html.escape(self.edition.pack.area_label)
        # The visible title stands outside the scroll container, so that a phone shows it whole.
        return (f'<p class="lebenslagen-titel">{html.escape(self.caption)}</p>'
                f'<div class="{SCROLL_CLASS}" tabindex="0" role="region" aria-label="Tabelle: '
                f'{html.escape(self.caption)}"><table class="table lebenslagen-matrix">'
                f'<caption class="visually-hidden">{html.escape(self.caption)}</caption>'
                f'<thead><tr><th scope="col">{area_label}</th>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")

    def _legend(self) -> str:
        items = "".join(
            f'<li><span class="lebenslagen-farbe" style="background-color:{background}"></span>'
            f"{html.escape(meaning)}</li>" for _, _, background, _, meaning in DEVIATION_CLASSES)
        return f'<ul class="lebenslagen-legende" aria-label="Farbschlüssel">{items}</ul>'

    def _repr_html_(self) -> str:
        order = self.matrix.area_order()
        if len(order) <= ROWS_PER_PAGE:
            return self._table(order) + self._legend()
        parts = []
        for start in range(0, len(order), ROWS_PER_PAGE):
            chunk = order[start:start + ROWS_PER_PAGE]
            summary = (f"{self.edition.pack.area_label_plural} {format_number(start + 1)} bis "
                       f"{format_number(start + len(chunk))} von {format_number(len(order))}")
            opened = " open" if start == 0 else ""
            parts.append(f"<details{opened}><summary>{html.escape(summary)}</summary>{self._table(chunk)}</details>")
        return "".join(parts) + self._legend()


# --- overview ------------------------------------------------------------------------------------------------
def _caption(edition: Edition, what: str) -> str:
    return (f"{what} nach {dative_plural(edition.pack.area_label_plural)}: mittlere Abweichung von der "
            "Gesamtstadt in Richtung Bedarf")


def field_heatmap(edition: Edition, matrix: Matrix) -> Heatmap:
    return Heatmap(edition, matrix, _caption(edition, "Handlungsfelder"))


def group_heatmap(edition: Edition, matrix: Matrix) -> Heatmap:
    return Heatmap(edition, matrix, _caption(edition, "Gruppen"))


def _cell_phrase(edition: Edition, matrix: Matrix, area_id: str, column: str, value: float) -> str:
    strongest = edition.indicator(matrix.strongest.at[area_id, column])
    return (f"{markdown_literal(edition.area_name(area_id))}: {markdown_literal(matrix.titles[column])} "
            f"{signed(value, DEVIATION_DECIMALS)} (vor allem {indicator_ref(strongest)})")


def concentrations_text(edition: Edition, fields: Matrix, groups: Matrix) -> str:
    """The clearest concentrations of need by field and by group, in words."""
    sentences = []
    for matrix, what in ((fields, "Handlungsfeldern"), (groups, "Gruppen")):
        clearest = matrix.clearest()
        if clearest.empty:
            sentences.append(f"Nach {what} weicht kein Gebiet um eine Standardabweichung oder mehr in Richtung "
                             "Bedarf von der Gesamtstadt ab.")
            continue
        phrases = [_cell_phrase(edition, matrix, r.area_id, r.column, r.value) for r in clearest.itertuples()]
        sentences.append(f"Die deutlichsten Häufungen nach {what}: " + "; ".join(phrases) + ".")
    return " ".join(sentences)


def fields_without_need(edition: Edition, matrix: Matrix) -> str:
    """Fields of action the heat map cannot show, and why."""
    missing = [f for f in edition.catalog.fields if f.id not in matrix.values.columns]
    if not missing:
        return ""
    parts, by_field = [], edition.all_indicators.by_field()
    for field in missing:
        in_field = by_field.get(field.id, [])
        if not in_field:
            parts.append(f"{field.title} (keine Daten)")
        elif all(not edition.has(i.id) for i in in_field):
            parts.append(f"{field.title} (nur Werte der Gesamtstadt)")
        else:
            parts.append(f"{field.title} (nur Strukturmerkmale ohne Wertung)")
    return ("Nicht in der Übersicht, weil es keine Gebietswerte mit Bedarfsrichtung gibt: "
            + ", ".join(parts) + ".")


def field_table(edition: Edition, matrix: Matrix) -> pd.DataFrame:
    """Each field: what it contains and how many indicators enter the heat map."""
    rows, by_field = [], edition.all_indicators.by_field()
    for field in edition.catalog.fields:
        rows.append({"Handlungsfeld": field.title, "Inhalt": field.description,
                     "Indikatoren": format_number(len(by_field.get(field.id, []))),
                     "davon in der Übersicht": format_number(matrix.indicator_count.get(field.id, 0))})
    return pd.DataFrame(rows)


def method_text(edition: Edition) -> str:
    return (f"Für jeden Indikator mit Bedarfsrichtung und Werten der {edition.pack.area_label_plural} wird die "
            "Abweichung jedes Gebiets vom Wert der Gesamtstadt durch die Standardabweichung der Gebietswerte "
            "geteilt und so gedreht, dass ein positiver Wert immer mehr Bedarf bedeutet (bei „höherer Wert = "
            "günstiger“ mit umgekehrtem Vorzeichen). Wo die Quelle keinen Stadtwert nennt, gilt der Mittelwert "
            f"der {edition.pack.area_label_plural}. Eine Zelle ist der Mittelwert dieser Abweichungen über die "
            "Indikatoren des Handlungsfelds oder der Gruppe, jeweils im letzten Jahr mit Werten; zurückgehaltene "
            "Werte fehlen. Ab ±1 Standardabweichung spricht der Bericht von einer deutlichen Abweichung. Die "
            "Zahl beschreibt die Lage im Vergleich der Gebiete, nicht ihre absolute Höhe.")


# --- group pages ---------------------------------------------------------------------------------------------
def where_table(edition: Edition, page: GroupPage) -> pd.DataFrame | None:
    """Where the group lives: count and share per area, largest share first, the city last."""
    population = lebenslagen.population_indicator(edition, page)
    if population is None:
        return None
    frame = edition.table(population.id)
    order = frame.drop(index=CITY_AREA_ID, errors="ignore")["value"].sort_values(ascending=False,
                                                                               na_position="last").index
    rows = []
    for area_id in [*order, CITY_AREA_ID]:
        if area_id not in frame.index:
            continue
        row = frame.loc[area_id]
        withheld = bool(row["suppressed"])
        rows.append({edition.pack.area_label: edition.area_name(area_id) if area_id != CITY_AREA_ID
                     else f"Gesamtstadt {edition.city_name}",
                     "Anzahl": SUPPRESSED if withheld else format_number(row["numerator"]),
                     f"{population.short_title} ({population.unit})":
                         SUPPRESSED if withheld else format_number(row["value"], population.decimals)})
    table = pd.DataFrame(rows)
    table.attrs["note"] = f"{population.title}, {int(frame['year'].max())}."
    return with_notes(with_count_cells(table, [True] * len(table), ["Anzahl"]))


def positions_table(edition: Edition, page: GroupPage) -> pd.DataFrame:
    """The group's position in each field compared with the city."""
    rows = []
    for field_id, positions in lebenslagen.positions(edition, page).items():
        for p in positions:
            indicator = p.indicator
            if p.lowest is None:
                place = "nur Gesamtstadt" + (f"; {p.first_year}: {format_value(p.first_value, indicator)}"
                                             if p.first_year is not None and p.first_year != p.year else "")
                worse = "–"
            else:
                place = (f"{edition.area_name(p.lowest[0])} {format_number(p.lowest[1], indicator.decimals)} bis "
                         f"{edition.area_name(p.highest[0])} {format_number(p.highest[1], indicator.decimals)}")
                worse = f"{p.worse_than_city} von {p.compared}" if p.worse_than_city is not None else "–"
            rows.append({"Handlungsfeld": edition.catalog.field_title(field_id), "Indikator": indicator.title,
                         "Jahr": str(p.year), "Gesamtstadt": format_value(p.city, indicator)
                         if not math.isnan(p.city) else "–",
                         f"Spanne der {edition.pack.area_label_plural}": place,
                         "ungünstiger als die Stadt": worse})
    table = pd.DataFrame(rows)
    table.attrs["note"] = ("„ungünstiger als die Stadt“: Gebiete, deren Wert in Richtung Bedarf vom Stadtwert "
                           "abweicht; nur bei Indikatoren mit Bedarfsrichtung. Bei Werten nur für die Gesamtstadt "
                           "steht das erste Jahr der Reihe zum Vergleich.")
    return with_notes(table)


def concentration_table(edition: Edition, page: GroupPage) -> pd.DataFrame:
    result = lebenslagen.concentration(edition, page)
    population = lebenslagen.population_indicator(edition, page)
    rows = []
    for area_id, row in result.iterrows():
        entry = {edition.pack.area_label: edition.area_name(area_id)}
        if population is not None:
            entry["Gruppe stärker vertreten (Abweichung)"] = signed(row["presence"], DEVIATION_DECIMALS)
        entry["Benachteiligung (mittlere Abweichung)"] = signed(row["need"], DEVIATION_DECIMALS)
        entry["Indikatoren"] = format_number(row["indicators"])
        if population is not None:
            entry["beides über der Stadt"] = "ja" if row["both"] else ""
        rows.append(entry)
    table = pd.DataFrame(rows)
    table.attrs["note"] = ("Abweichungen in Standardabweichungen der Gebietswerte; positiv = über der "
                           "Gesamtstadt, bei der Benachteiligung in Richtung Bedarf.")
    return table


def page_summary(edition: Edition, page: GroupPage) -> str:
    """Glued sentences: where the group lives, where group and disadvantage meet, and the field with most
    areas on the side of need."""
    sentences = []
    population = lebenslagen.population_indicator(edition, page)
    label = edition.pack.area_label_plural
    if population is not None:
        frame = edition.table(population.id)
        published = frame["value"]
        areas = published.drop(index=CITY_AREA_ID, errors="ignore").dropna()
        if len(areas):
            top = areas.idxmax()
            city = published.get(CITY_AREA_ID, math.nan)
            sentences.append(
                f"{population.title} ({int(frame['year'].max())}): am höchsten in "
                f"{markdown_literal(edition.area_name(top))} mit {format_value(areas.max(), population)}"
                + (f", in der Gesamtstadt {format_value(city, population)}" if not math.isnan(city) else "") + ".")
    result = lebenslagen.concentration(edition, page)
    described = result[result["indicators"] > 0]
    if described.empty:
        sentences.append(f"Für diese Gruppe gibt es keine Indikatoren mit Bedarfsrichtung und Werten der {label}.")
    elif population is not None:
        both = described[described["both"]]
        if len(both):
            names = ", ".join(markdown_literal(edition.area_name(a)) for a in both.index[:5])
            sentences.append(f"Die Gruppe lebt überdurchschnittlich oft und ist zugleich stärker benachteiligt als "
                             f"in der Gesamtstadt in: {names}.")
        else:
            sentences.append(f"In keinem der {label} ist die Gruppe zugleich überdurchschnittlich vertreten und "
                             "stärker benachteiligt als in der Gesamtstadt.")
    else:
        worst = described["need"].idxmax()
        sentences.append(f"Am stärksten benachteiligt im Vergleich mit der Gesamtstadt: "
                         f"{markdown_literal(edition.area_name(worst))} "
                         f"({signed(described.at[worst, 'need'], DEVIATION_DECIMALS)} Standardabweichungen).")
    return " ".join(sentences)


def where_note(edition: Edition, page: GroupPage) -> str:
    """Under "Wo die Gruppe lebt": what the table shows, or why there is none."""
    population = lebenslagen.population_indicator(edition, page)
    if population is None:
        return (f"Wie viele {markdown_literal(page.title)} in den einzelnen "
                f"{dative_plural(edition.pack.area_label_plural)} leben, geben die Daten nicht her; die Seite zeigt "
                "deshalb nur ihre Lage, nicht ihre Zahl.")
    return (f"Anzahl und Anteil je Gebiet (Indikator {indicator_ref(population)}), das Gebiet mit dem höchsten "
            "Anteil zuerst, die Gesamtstadt zuletzt.")


def city_level_indicators(edition: Edition, page: GroupPage) -> list[Indicator]:
    return [i for i in edition.all_indicators.describing(page.groups) if not edition.has(i.id)]


def city_level_reason(edition: Edition, indicator: Indicator) -> str:
    """Why an indicator has no area values: the reason its city-level source gives, or a general one."""
    for source in edition.pack.sources:
        if source.level == "city" and set(source.variables) & indicator.variables and source.city_level_reason:
            return source.city_level_reason
    return "Die Quelle liefert nur Werte für die Gesamtstadt."


def city_level_notes(edition: Edition, indicators: list[Indicator]) -> str:
    """A note per indicator why there are no area values (one sentence per distinct reason)."""
    by_reason: dict[str, list[str]] = {}
    for indicator in indicators:
        by_reason.setdefault(city_level_reason(edition, indicator), []).append(indicator_ref(indicator))
    return " ".join(f"{', '.join(refs)}: {markdown_literal(reason)}" for reason, refs in by_reason.items())


def city_trends(edition: Edition, indicators: list[Indicator], columns: int = 2) -> Chart | None:
    """Small multiples of city-level indicators over the years (withheld years left out)."""
    series = {}
    for indicator in indicators:
        values = edition.city_series(indicator.id)["value"]
        if values.notna().any():
            series[indicator.id] = values
    if not series:
        return None
    rows_needed = math.ceil(len(series) / columns)
    figure = charts.panel_figure(9.2, 2.6, rows_needed, legend=False)
    axes = figure.subplots(rows_needed, columns, squeeze=False).ravel()
    described, table_rows = [], []
    for ax, (indicator_id, values) in zip(axes, series.items()):
        indicator = edition.indicator(indicator_id)
        shown = values.dropna()
        ax.plot(shown.index, shown.to_numpy(), color=charts.CITY_COLOUR, marker="o", markersize=4, linewidth=1.8)
        ax.set_title(f"{indicator.short_title} ({indicator.unit})", loc="left", fontsize=10, fontweight="bold")
        charts.german_axis(ax, indicator.decimals)
        ax.set_ylim(bottom=0)   # a rate's changes look as large as they are
        ax.set_xticks(list(shown.index))
        described.append(f"{indicator.short_title} von {format_value(shown.iloc[0], indicator)} ({shown.index[0]}) "
                         f"auf {format_value(shown.iloc[-1], indicator)} ({shown.index[-1]})")
        for year, value in values.items():
            table_rows.append({"Indikator": f"{indicator.short_title} ({indicator.unit})", "Jahr": str(int(year)),
                               f"Gesamtstadt {edition.city_name}":
                                   SUPPRESSED if pd.isna(value) else format_number(value, indicator.decimals)})
    for ax in axes[len(series):]:
        ax.set_visible(False)
    alt = f"Liniendiagramme, Gesamtstadt {edition.city_name}: " + "; ".join(described) + "."
    return Chart(figure, alt, pd.DataFrame(table_rows), source=source_line(edition.pack))


def page_links(edition: Edition) -> str:
    """A list of the group pages, for the overview."""
    return "\n".join(f"- [{markdown_literal(p.title)}]({links.section_page(links.LEBENSLAGEN_FOLDER, p.id)})"
                     for p in lebenslagen.available_pages(edition.pack))


# --- profiles ------------------------------------------------------------------------------------------------
def profile_text(edition: Edition, area_id: str, matrix: Matrix | None = None,
                 z: pd.DataFrame | None = None) -> str:
    """The Lebenslagen block of a profile: the fields where the area deviates most from the city, the
    indicators behind them and the groups they describe."""
    fields = lebenslagen.profile_fields(edition, area_id, matrix, z)
    name = markdown_literal(edition.area_name(area_id))
    if not fields:
        return (f"{name} weicht in keinem Handlungsfeld um eine halbe Standardabweichung oder mehr in Richtung "
                "Bedarf von der Gesamtstadt ab.")
    lines = [f"Wo {name} am deutlichsten in Richtung Bedarf von der Gesamtstadt abweicht (mittlere Abweichung in "
             "Standardabweichungen, siehe [Lebenslagen im Überblick](../notebooks/lebenslagen.ipynb)):", ""]
    for entry in fields:
        indicators = ", ".join(f"{indicator_ref(i)} {signed(v, DEVIATION_DECIMALS)}" for i, v in entry.indicators[:3])
        groups = ", ".join(markdown_literal(edition.catalog.groups[g]) for g in entry.groups)
        lines.append(f"- **{markdown_literal(edition.catalog.field_title(entry.field_id))}** "
                     f"({signed(entry.value, DEVIATION_DECIMALS)}): {indicators}"
                     + (f"; betrifft besonders: {groups}" if groups else "") + ".")
    return "\n".join(lines)

"""Programme areas, the register of measures, whether measures worked, what changed since the last
edition, and what local actors report (kept apart from the computed sentences)."""
from __future__ import annotations

import math

import pandas as pd

from analysis.catalog.model import load_catalog
from analysis.compute import programmes as figures
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID, ProgrammeArea
from analysis.programmes import effects
from analysis.programmes.register import DIRECTIONS, UNKNOWN, changes
from analysis.report import charts, links
from analysis.report.chart_display import Chart, source_line
from analysis.report.prose import render
from analysis.report.tables import with_notes
from analysis.text import format_number, format_value, markdown_literal, signed

GROUP_STYLES = {figures.PROGRAMME: ("Fördergebiet", charts.AREA_COLOUR, "-", "o"),
                figures.COMPARISON: ("Vergleichsgruppe", "#7a7a7a", ":", "^"),
                figures.REST: ("übrige Stadt", charts.CITY_COLOUR, "--", "s")}


def programme(edition: Edition, programme_id: str) -> ProgrammeArea:
    return next(p for p in edition.pack.programme_areas if p.id == programme_id)


def page_link(programme_id: str) -> str:
    return links.section_page(links.PROGRAMME_FOLDER, programme_id)


# --- a programme area's page ------------------------------------------------------------------------

def programme_chart(edition: Edition, programme_id: str) -> Chart:
    """Small multiples: the programme area, its comparison group and the rest of the city over the years,
    the programme's start marked where it lies within the data."""
    area = programme(edition, programme_id)
    table = figures.programme_figures(edition, area)
    ids = [i for i in figures.key_indicators(edition, area.indicators) if i in set(table["indicator"])]
    rows = max(1, math.ceil(len(ids) / 2))
    fig = charts.panel_figure(9.2, 2.6, rows, legend=True)
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    data, described = [], []
    for ax, indicator_id in zip(axes, ids):
        indicator = edition.indicator(indicator_id)
        for group, (label, colour, line, marker) in GROUP_STYLES.items():
            series = table[(table["group"] == group) & (table["indicator"] == indicator_id)].set_index("year")["value"]
            ax.plot(series.index, series.to_numpy(), color=colour, linestyle=line, marker=marker, markersize=4,
                    linewidth=1.8, label=label)
        years = sorted(table.loc[table["indicator"] == indicator_id, "year"].unique())
        if years and years[0] <= area.start_year <= years[-1]:
            ax.axvline(area.start_year, color="#1a1a1a", linewidth=1)
            ax.annotate("Start", (area.start_year, 1), xycoords=("data", "axes fraction"), fontsize=8,
                        ha="left", va="top")
        ax.set_title(f"{indicator.short_title} ({indicator.unit})", loc="left", fontsize=10, fontweight="bold")
        charts.german_axis(ax, indicator.decimals)
        wide = table[table["indicator"] == indicator_id].pivot_table(index="year", columns="group", values="value")
        for year, row in wide.iterrows():
            data.append({"Indikator": indicator.short_title, "Jahr": str(int(year)),
                         **{GROUP_STYLES[g][0]: format_number(row.get(g), indicator.decimals) for g in GROUP_STYLES}})
        programme_series = wide.get(figures.PROGRAMME, pd.Series(dtype=float)).dropna()
        if len(programme_series):
            described.append(f"{indicator.short_title} im Fördergebiet von "
                             f"{format_value(programme_series.iloc[0], indicator)} ({programme_series.index[0]}) "
                             f"auf {format_value(programme_series.iloc[-1], indicator)} ({programme_series.index[-1]})")
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=3, frameon=False, fontsize=9)
    start = (f"Programmstart {area.start_year} als senkrechte Linie" if data and
             area.start_year >= int(table["year"].min()) else f"Programmstart {area.start_year} vor Beginn der Daten")
    alt = (f"Liniendiagramme: {area.name} im Vergleich mit der Vergleichsgruppe und der übrigen Stadt; {start}. "
           + "; ".join(described) + ".")
    return Chart(fig, alt, pd.DataFrame(data), source=source_line(edition.pack))


def classes_table(edition: Edition, programme_id: str) -> pd.DataFrame:
    area = programme(edition, programme_id)
    counted = figures.shares(edition, area)
    touched = figures.named_areas(area, counted)
    classes = figures.index_classes(edition, touched)
    frame = pd.DataFrame({edition.pack.area_label: [edition.area_name(a) for a in touched],
                          "im Fördergebiet": ["ganz" if counted.get(a, 0) >= 1 else
                                              f"zu {format_number(counted[a] * 100)} %" if a in counted else
                                              "teilweise (nicht gezählt)" for a in touched]})
    for year in classes.columns:
        frame[str(year)] = [classes.at[a, year] if isinstance(classes.at[a, year], str) else "–" for a in touched]
    return with_notes(frame)


def honest_text(edition: Edition, programme_id: str) -> str:
    """What the figures can and cannot show for this programme area."""
    area = programme(edition, programme_id)
    counted = figures.shares(edition, area)
    chosen = figures.comparison(edition, area)
    table = figures.programme_figures(edition, area)
    gaps = []
    for indicator_id in figures.key_indicators(edition, area.indicators):
        wide = table[table["indicator"] == indicator_id].pivot_table(index="year", columns="group", values="value")
        if figures.PROGRAMME not in wide or figures.REST not in wide:
            continue
        difference = (wide[figures.PROGRAMME] - wide[figures.REST]).dropna()
        if len(difference) > 1:
            indicator = edition.indicator(indicator_id)
            unit = "Prozentpunkte" if indicator.unit == "%" else indicator.unit
            gaps.append((indicator.short_title, unit, int(difference.index[0]), difference.iloc[0],
                         int(difference.index[-1]), difference.iloc[-1], indicator.decimals))
    years = sorted(int(y) for y in edition.indicators["year"].unique())
    return render("foerdergebiet_einordnung.md.j2", area=area, edition=edition, chosen=chosen, gaps=gaps,
                  first_year=years[0], counted=[edition.area_name(a) for a in counted.index],
                  uncounted=[edition.area_name(c.area_id) for c in area.areas if c.area_id not in counted.index],
                  comparison_names=", ".join(edition.area_name(a) for a in chosen.area_ids),
                  signed=signed, number=format_number)


def programme_measures_table(edition: Edition, programme_id: str) -> pd.DataFrame | None:
    chosen = [m for m in edition.measures if m.programme_area == programme_id]
    return register_table(edition, chosen) if chosen else None


# --- the chapter: register and effects ------------------------------------------------------------------

def overview_text(edition: Edition) -> str:
    parts = []
    for area in edition.pack.programme_areas:
        count = sum(1 for m in edition.measures if m.programme_area == area.id)
        parts.append(f"- [{markdown_literal(area.name)}]({page_link(area.id)}): {markdown_literal(area.programme)}, "
                     f"seit {area.start_year}{f' bis {area.end_year}' if area.end_year else ''}; "
                     f"{format_number(count)} Maßnahmen im Register.")
    return "\n".join(parts) or "Für diese Stadt sind keine Fördergebiete deklariert."


def register_table(edition: Edition, measures=None) -> pd.DataFrame:
    """The register in a table narrow enough for the page; `register_details` gives every field."""
    measures = edition.measures if measures is None else measures
    return with_notes(pd.DataFrame({
        "Maßnahme": [m.title for m in measures],
        "Gebiet": [area_text(edition, m) for m in measures],
        "Handlungsfeld": [m.field_of_action for m in measures],
        "Zeitraum": [f"{m.start} bis {m.end}" for m in measures],
        "Status": [f"{m.status} ({m.status_date})" if m.status_date != UNKNOWN else f"{m.status} (Datum unbekannt)"
                   for m in measures],
    }))


def area_text(edition: Edition, measure) -> str:
    names = {p.id: p.name for p in edition.pack.programme_areas}
    return names.get(measure.programme_area) or ", ".join(edition.area_name(a) for a in measure.area_ids)


def register_details(edition: Edition) -> str:
    """Every field of every measure, as the register states it."""
    return render("massnahmen.md.j2", measures=edition.measures, area=lambda m: area_text(edition, m),
                  titles={t: load_catalog(edition.pack).get(t).title for m in edition.measures
                          for t in (x.indicator for x in m.target_indicators)}, directions=DIRECTIONS)


def effects_rows(edition: Edition) -> list[dict]:
    rows = []
    for measure in edition.measures:
        for target, effect in figures.measure_effects(edition, measure):
            indicator = load_catalog(edition.pack).get(target.indicator)
            known = not math.isnan(effect.estimate)
            rows.append({
                "Maßnahme": measure.title,
                "Zielindikator (Ziel)": (f"{indicator.short_title} ({indicator.unit}; "
                                         f"soll {DIRECTIONS[target.direction]})"),
                "Zeitraum": f"{effect.before_year}–{effect.after_year}" if effect.before_year else "–",
                "Veränderung Gebiet / Vergleich": (f"{signed(effect.treated_change, indicator.decimals)} / "
                                                   f"{signed(effect.control_change, indicator.decimals)}")
                if known else "–",
                "Differenz (90-%-Intervall)": (f"{signed(effect.estimate, indicator.decimals)} "
                                               f"({signed(effect.low, indicator.decimals)} bis "
                                               f"{signed(effect.high, indicator.decimals)})") if known else "–",
                "Einschätzung": effect.verdict})
    return rows


def effects_table(edition: Edition) -> pd.DataFrame | None:
    rows = effects_rows(edition)
    return with_notes(pd.DataFrame(rows)) if rows else None


def effects_text(edition: Edition) -> str:
    rows = effects_rows(edition)
    if not rows:
        return "Keine Maßnahme im Register nennt Zielindikatoren; eine Wirkungsprüfung ist daher nicht möglich."
    verdicts = pd.Series([r["Einschätzung"] for r in rows]).value_counts()
    listed = ", ".join(f"{format_number(n)}-mal „{v}“" for v, n in verdicts.items())
    return (f"Für {format_number(len(rows))} Paare aus Maßnahme und Zielindikator lautet die Einschätzung: {listed}. "
            "Die Tabelle zeigt die Veränderung im Gebiet der Maßnahme und in der Vergleichsgruppe seit dem letzten "
            "Jahr vor dem Beginn. Ein Unterschied beschreibt eine Entwicklung, keine Ursache.")


def method_text(edition: Edition) -> str:
    return render("foerdergebiete_methode.md.j2", level=round(effects.LEVEL * 100),
                  min_years=effects.MIN_YEARS_AFTER, permutations=effects.MAX_PERMUTATIONS,
                  verdicts=[effects.FAVOURABLE, effects.UNFAVOURABLE, effects.NO_DIFFERENCE, effects.TOO_EARLY,
                            effects.NO_BEFORE])


# --- implementation monitoring ---------------------------------------------------------------------------

def implementation_text(edition: Edition) -> str:
    previous = edition.previous
    current = [m.record() for m in edition.measures]
    if previous is None:
        return "Dies ist die erste Ausgabe mit einem Maßnahmenregister; alle Maßnahmen sind neu."
    if previous.measures is None:
        return (f"Die Ausgabe {previous.year} hat kein Maßnahmenregister archiviert; Änderungen lassen sich erst "
                "ab der nächsten Ausgabe zeigen.")
    found = changes(previous.measures, current)
    if not found:
        return f"Seit der Ausgabe {previous.year} hat sich im Maßnahmenregister nichts geändert."
    return render("umsetzung.md.j2", changes=found, year=previous.year)


def implementation_table(edition: Edition) -> pd.DataFrame | None:
    previous = edition.previous
    if previous is None or previous.measures is None:
        return None
    found = changes(previous.measures, [m.record() for m in edition.measures])
    if not found:
        return None
    return with_notes(pd.DataFrame({"Maßnahme": [c.title for c in found], "Änderung": [c.kind for c in found],
                                    "vorher": [c.before or "–" for c in found],
                                    "jetzt": [c.after or "–" for c in found],
                                    "Stand": [c.date or "–" for c in found]}))


# --- local knowledge ---------------------------------------------------------------------------------------

def entry_box(edition: Edition, entry, area_id: str | None = None) -> str:
    """One entry as a visibly distinct box, the text escaped like every data string, the indicators it
    touches beside it with this edition's value for the area."""
    config = edition.pack.local_knowledge
    figures_beside = []
    for indicator_id in entry.indicators if area_id else ():
        if edition.has(indicator_id):
            indicator = edition.indicator(indicator_id)
            year = edition.latest_year(indicator_id)
            figures_beside.append(f"{indicator.short_title} {year}: {edition.value_text(indicator_id, area_id)} "
                                  f"(Gesamtstadt {edition.value_text(indicator_id, CITY_AREA_ID)})")
    return render("einschaetzung.md.j2", entry=entry, dated=entry.dated(edition.year, config.max_age_years),
                  max_age=config.max_age_years, figures=figures_beside,
                  areas=", ".join(edition.area_name(a) for a in entry.area_ids),
                  paragraphs=[markdown_literal(" ".join(p.split())) for p in entry.text.split("\n\n") if p.strip()])


def profile_knowledge(edition: Edition, area_id: str) -> str:
    entries = [e for e in edition.knowledge if area_id in e.area_ids]
    if not entries:
        return ("Für dieses Gebiet liegt noch keine Einschätzung vor Ort vor. Einträge von Trägern und Initiativen "
                "nimmt die Sozialplanung auf (siehe [Einschätzungen vor Ort](../notebooks/vor_ort.ipynb)).")
    return "\n\n".join(entry_box(edition, e, area_id) for e in entries)


def knowledge_page(edition: Edition) -> str:
    """All entries by area and field of action."""
    parts = []
    for area_id in edition.pack.area_ids:
        entries = sorted((e for e in edition.knowledge if area_id in e.area_ids), key=lambda e: e.field_of_action)
        if entries:
            parts.append(f"### {markdown_literal(edition.area_name(area_id))}\n\n"
                         + "\n\n".join(entry_box(edition, e, area_id) for e in entries))
    return "\n\n".join(parts) or "Es liegen noch keine Einträge vor."


def knowledge_method(edition: Edition) -> str:
    config = edition.pack.local_knowledge
    return render("vor_ort_methode.md.j2", config=config) if config else ""

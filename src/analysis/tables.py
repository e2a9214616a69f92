"""Report tables: indicator values formatted German-style, ready to display."""
from __future__ import annotations

import pandas as pd

from .config import CITY_AREA_ID
from .edition import Edition
from .validate import FINDING_KINDS
from .text import format_change, format_number, format_value, signed


def overview(edition: Edition) -> pd.DataFrame:
    """City value, changes and the range across areas for every indicator, in its latest year."""
    rows = []
    for indicator in edition.catalog.indicators:
        frame = edition.table(indicator.id)
        if CITY_AREA_ID not in frame.index:
            continue
        city = frame.loc[CITY_AREA_ID]
        areas = frame.drop(index=CITY_AREA_ID)["value"]
        number = lambda v: format_number(v, indicator.decimals)
        rows.append({
            "Indikator": indicator.title,
            "Einheit": indicator.unit,
            "Jahr": str(int(city["year"])),
            edition.city_name: number(city["value"]),
            "zum Vorjahr": signed(city["change_1y"], indicator.decimals),
            "über 5 Jahre": signed(city["change_5y"], indicator.decimals),
            "niedrigster Wert": number(areas.min()),
            "höchster Wert": number(areas.max()),
        })
    return pd.DataFrame(rows)


def topic(edition: Edition, topic_id: str) -> pd.DataFrame:
    """Areas (rows) × the topic's indicators (columns), each in its latest year."""
    columns = {}
    for indicator in edition.catalog.by_topic().get(topic_id, []):
        frame = edition.table(indicator.id)
        year = int(frame["year"].iloc[0])
        rows = frame.reindex([*edition.pack.area_ids, CITY_AREA_ID])
        columns[f"{indicator.short_title} {year}"] = [marked(v, indicator, u) for v, u in zip(rows["value"],
                                                                                            rows["unstable"])]
    names = [*(edition.area_name(a) for a in edition.pack.area_ids), f"Gesamtstadt {edition.city_name}"]
    table = pd.DataFrame(columns, index=pd.Index(names, name=edition.pack.area_label))
    if any(str(v).endswith(UNSTABLE_MARK) for v in table.to_numpy().ravel()):
        table.attrs["note"] = UNSTABLE_NOTE
    return table


UNSTABLE_MARK = "*"
UNSTABLE_NOTE = "* weniger als 20 Fälle: Der Wert ist statistisch unsicher und kann zufällig stark schwanken."


def marked(value: float, indicator, unstable) -> str:
    """The formatted value, with * when it rests on fewer than 20 cases."""
    return format_value(value, indicator) + (UNSTABLE_MARK if unstable is True or unstable == 1 else "")


def profile(edition: Edition, area_id: str) -> pd.DataFrame:
    """One area against the city, indicator by indicator."""
    rows = []
    for indicator in edition.catalog.indicators:
        frame = edition.table(indicator.id)
        if area_id not in frame.index:
            continue
        area, city = frame.loc[area_id], frame.loc[CITY_AREA_ID] if CITY_AREA_ID in frame.index else None
        interval = ("–" if pd.isna(area["ci_low"]) else
                    f"{format_number(area['ci_low'], indicator.decimals)} – {format_number(area['ci_high'], indicator.decimals)}")
        rows.append({
            "Indikator": indicator.title,
            "Jahr": str(int(area["year"])),
            edition.area_name(area_id): marked(area["value"], indicator, area["unstable"]),
            "95-%-Intervall": interval,
            "Gesamtstadt": format_value(city["value"], indicator) if city is not None else "–",
            "Rang": f"{int(area['rank'])} von {int(area['rank_of'])}",
            "zum Vorjahr": format_change(area["change_1y"], indicator),
        })
    table = pd.DataFrame(rows)
    if table[edition.area_name(area_id)].str.endswith(UNSTABLE_MARK).any():
        table.attrs["note"] = UNSTABLE_NOTE
    return table


def findings(edition: Edition) -> pd.DataFrame:
    frame = edition.findings
    return pd.DataFrame({
        "Art": frame["kind"].map(FINDING_KINDS),
        "Datei": frame["file"].str.replace(f"data/{edition.pack.slug}/raw/", "", regex=False),
        "Zeile": [str(int(r)) if r == r and r is not None else "" for r in frame["row"]],
        "Jahr": [str(int(y)) if y == y and y is not None else "" for y in frame["year"]],
        edition.pack.area_label: [edition.area_name(a) if isinstance(a, str) else "" for a in frame["area_id"]],
        "Befund": frame["message"],
    })


def styled(frame: pd.DataFrame, index: bool = False):
    """A plain HTML table in the book's style (the theme styles <table>)."""
    styler = frame.style
    if not index:
        styler = styler.hide(axis="index")
    if frame.attrs.get("note"):
        styler = styler.set_caption(frame.attrs["note"])
    return styler.set_table_attributes('class="table sozialbericht"')

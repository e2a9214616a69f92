"""Pages rendered straight from the catalogue and the city pack (Methoden, Datenquellen, Daten)."""
from __future__ import annotations

import html

from . import downloads
from .catalog import KIND_NAMES, parse_terms
from .config import UNASSIGNED_AREA_ID
from .edition import Edition
from .text import format_number, markdown_literal as md

SCALE_TEXT = {1: "", 100: " × 100", 1000: " × 1.000"}


def _expression_text(expression: str) -> str:
    parts = []
    for index, (sign, name) in enumerate(parse_terms(expression)):
        parts.append(f"`{name}`" if index == 0 else f"{'+' if sign > 0 else '−'} `{name}`")
    return " ".join(parts)


KIND_TEXT = {**KIND_NAMES,
             "external": "übernommener Wert (veröffentlicht ohne Fallzahlen; keine Gesamtstadt, keine Summen "
                         "auf höhere Ebenen)"}


def formula_text(indicator) -> str:
    """'`a` ÷ (`b` − `c`) × 100' with the variable names of the city pack."""
    numerator = _expression_text(indicator.numerator)
    if indicator.denominator is None:
        return numerator
    denominator = _expression_text(indicator.denominator)
    if " " in numerator:
        numerator = f"({numerator})"
    if " " in denominator:
        denominator = f"({denominator})"
    return f"{numerator} ÷ {denominator}{SCALE_TEXT[indicator.scale]}"


def _years_text(edition: Edition, indicator_id: str) -> str:
    years = sorted(edition.indicators.loc[edition.indicators["indicator"] == indicator_id, "year"].unique())
    return ", ".join(str(y) for y in years)


def methods_page(edition: Edition) -> str:
    pack = edition.pack
    unassigned_tables = sorted({s.file.split("/")[-1] for s in pack.sources if s.unassigned_value})
    n_unassigned = int((edition.tidy["area_id"] == UNASSIGNED_AREA_ID).sum())
    lines = [
        "# Methoden", "",
        "Diese Seite wird bei jedem Bau des Berichts aus dem Indikatorenkatalog "
        "(`src/analysis/catalog/indicators.yml`) und dem Stadtpaket (`data/"
        f"{pack.slug}/city.yml`) erzeugt. Sie beschreibt damit genau die Formeln, mit denen die Zahlen "
        "dieser Ausgabe berechnet wurden.", "",
        f"## {pack.area_label_plural} und Gesamtstadt", "",
        f"Der Bericht beschreibt {format_number(len(pack.areas))} {pack.area_label_plural}. Der Wert der "
        f"Gesamtstadt ist die Summe aller {pack.area_label_plural} **plus** der Fälle, die keinem "
        f"{pack.area_label} zugeordnet werden können (in der Quelle ohne {pack.area_label}, hier "
        "„nicht zuordenbar“). Diese Fälle zählen also in der Gesamtstadt, aber nicht als eigenes Gebiet. ",
    ]
    if unassigned_tables:
        lines.append(f"Solche Zeilen enthalten {format_number(len(unassigned_tables))} Quelltabellen "
                     f"({', '.join(f'`{t}`' for t in unassigned_tables)}) mit zusammen "
                     f"{format_number(n_unassigned)} Werten.")
    lines += [
        "", f"Fehlt der Wert auch nur eines {pack.area_label}s, wird für die Gesamtstadt kein Wert berechnet: "
        "Eine Teilsumme würde die Stadt zu niedrig ausweisen. Quoten der Gesamtstadt werden aus den "
        "summierten Zählern und Nennern berechnet, nie als Mittelwert der Gebietsquoten.", "",
        "## Veränderungen und Rang", "",
        "Jeder Indikator wird mit seinem Wert des Vorjahres und dem von fünf Jahren zuvor verglichen, "
        "soweit die Daten so weit zurückreichen. Bei Anteilen in Prozent ist die Veränderung in "
        "Prozentpunkten angegeben. Der Rang ordnet die Gebiete nach dem Wert: Rang 1 hat den höchsten Wert.", "",
        "## Karten", "",
        "Die Klassengrenzen jeder Karte sind je Indikator über alle Jahre und Gebiete fest (Quintile), "
        "damit eine Farbe in jedem Jahr denselben Wertebereich bedeutet. Bei Indikatoren, die einen "
        "Bedarf anzeigen, steht die dunklere Farbe immer für die ungünstigere Lage. Schraffierte Flächen "
        "haben keinen Wert. Die Farbschemata (ColorBrewer) sind auch bei Farbsehschwäche unterscheidbar.", "",
        "## Unsicherheit der Quoten", "",
        "Jede Quote beruht auf gezählten Fällen; bei kleinen Zahlen schwankt sie von Jahr zu Jahr allein durch "
        "Zufall. Deshalb steht zu jeder Quote ein 95-%-Intervall (im Profil jedes Gebiets):", "",
        "- **Anteile** (der Zähler ist Teil des Nenners, z. B. SGB-II-Leistungsberechtigte unter den Menschen unter "
        "65 Jahren): **Wilson-Intervall**. Anders als das übliche Normalverteilungs-Intervall bleibt es zwischen 0 "
        "und 100 % und hält seine Überdeckung auch bei kleinen Fallzahlen und Anteilen nahe 0 ein – genau dem "
        "Fall kleiner Gebiete.",
        "- **Raten und Verhältnisse** (der Zähler ist nicht Teil des Nenners, z. B. Geburten je 1.000 Einwohner, "
        "Kinder im SGB II je 100 unter 18-Jährige): der Zähler gilt als Poisson-verteilte Zählung, das Intervall "
        "ist das **exakte Poisson-Intervall** (Garwood), geteilt durch den Nenner.",
        "- Eine Quote mit **weniger als 20 Fällen** im Zähler gilt als **unsicher**: Ihr Intervall ist so breit, "
        "dass Rangplätze und Veränderungen kaum zu deuten sind. Sie ist in Tabellen mit * markiert und in Karten "
        "gepunktet.", "",
    ]
    lines += levels_section(edition)
    lines += disclosure_section(edition)
    if edition.social_index is not None:
        index = edition.social_index
        lines += [
            "## Sozialindex", "",
            f"Der Sozialindex folgt dem Berliner Monitoring Soziale Stadtentwicklung (Verfahren `{index.method}`); "
            "Indikatoren, Rechenschritte und Klassengrenzen stehen im Kapitel "
            "[Sozialindex](../notebooks/sozialindex.ipynb). Dass die Umsetzung dem Original entspricht, prüft ein "
            "Test bei jedem Bau: Aus den amtlichen Anteilen des MSS Berlin 2013, 2015 und 2017 entstehen genau die "
            "veröffentlichten Klassen aller 434, 435 und 436 Planungsräume.", "",
            f"Die Sicherheit der Klassen wird mit {format_number(index.replicates)} Neuberechnungen des ganzen "
            "Index bestimmt, in denen jede Fallzahl zufällig nach einer Poisson-Verteilung um ihren beobachteten "
            f"Wert schwankt (Nenner fest, Startwert {index.seed}).", "",
        ]
    lines += [
        "## Indikatoren", "",
        f"Für {md(pack.name)} sind {format_number(len(edition.catalog.indicators))} Indikatoren des Katalogs "
        "berechenbar.", "",
    ]
    for topic, indicators in edition.catalog.by_topic().items():
        lines += [f"### {edition.catalog.topics[topic]}", ""]
        for indicator in indicators:
            lines += [
                f"#### {indicator.title}", "",
                indicator.description, "",
                "| | |", "|---|---|",
                f"| Formel | {formula_text(indicator)} |",
                f"| Einheit | {indicator.unit} |",
                f"| Wertung | {indicator.polarity_text} |",
                f"| Art | {KIND_TEXT[indicator.kind]} |",
                f"| Quelle | {indicator.source} |",
                f"| Nachkommastellen | {indicator.decimals} |",
                f"| Jahre | {_years_text(edition, indicator.id)} |",
                f"| Kennung | `{indicator.id}` |",
                f"| Daten | {_download_link(downloads.indicator_file(indicator.id), 'CSV aller Gebiete und Jahre')} |",
                "",
            ]
    lines += [
        "## Variablen und ihre Quellen", "",
        "Die Formeln verwenden die Variablen des Stadtpakets. Jede stammt aus genau einer Spalte einer "
        "Rohdatei:", "",
        "| Variable | Datei | Spalte | Ebene |", "|---|---|---|---|",
    ]
    for source in pack.sources:
        for variable, column in source.variables.items():
            level = "Gesamtstadt (zum Abgleich)" if source.level == "city" else pack.area_label
            lines.append(f"| `{variable}` | `{source.file.split('/')[-1]}` | `{column}` | {level} |")
    lines += [
        "",
        "## Abgleich mit den veröffentlichten Quoten", "",
        "Wo die Quelltabellen neben einer Anzahl auch einen Prozentwert veröffentlichen, berechnet der "
        "Bericht denselben Wert nach und vergleicht. Als reproduziert gilt ein Wert, der nach Rundung "
        "auf die veröffentlichten Nachkommastellen übereinstimmt.", "",
        "| Quelle | Veröffentlichte Größe | Verglichen mit | Werte | reproduziert | größte Abweichung | Erklärung |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in edition.reconciliation.itertuples():
        lines.append(f"| `{row.file.split('/')[-1]}` | {row.label} | {row.method} | {format_number(row.compared)} "
                     f"| {format_number(row.reproduced)} | {format_number(row.max_difference, 2)} | {row.note} |")
    return "\n".join(lines) + "\n"


def levels_section(edition: Edition) -> list[str]:
    """How the spatial levels are derived and how values get from one level to the next."""
    pack = edition.pack
    base = pack.base or pack
    if not base.levels:
        return []
    chain = " → ".join([base.area_label, *(level.label for level in base.levels), "Gesamtstadt"])
    lines = [
        "## Gebietsebenen", "",
        f"Die Gebiete bilden eine Hierarchie: {chain}. Zu welcher übergeordneten Einheit ein Gebiet gehört, "
        "steht in seiner ID (die ersten Stellen); beim Bau wird für jedes Gebiet geprüft, dass es auch "
        "räumlich in dieser Einheit liegt.", "",
        "| Ebene | Kennung | Stellen der ID | Geometrie |", "|---|---|---|---|",
        *(f"| {md(level.label)} | `{level.id}` | {level.id_length} | `{level.geometry['file'].split('/')[-1]}` |"
          for level in base.levels), "",
        "Auf eine höhere Ebene werden nur **Anzahlen** summiert; jede Quote wird danach aus den summierten "
        "Zählern und Nennern neu berechnet und nie aus den Quoten der Teilgebiete gemittelt. Fehlt für ein "
        "Teilgebiet ein Wert, bleibt die übergeordnete Einheit in diesem Jahr leer. Übernommene Werte ohne "
        "Fallzahlen (etwa die Anteile des MSS) gibt es nur auf der Ebene, für die sie veröffentlicht sind.", "",
    ]
    if pack.level:
        lines += [f"Diese Ausgabe zeigt die Ebene **{md(pack.level.label_plural)}** "
                  f"(`--level {pack.level.id}`).", ""]
    return lines


def disclosure_section(edition: Edition) -> list[str]:
    """The disclosure rules of the pack and what they withheld in this edition."""
    primary, secondary = edition.withheld_cells
    missing = [s for s in edition.pack.sources if s.missing_meaning]
    lines = [
        "## Geheimhaltung", "",
        "Der Bericht veröffentlicht keine Angaben, die Rückschlüsse auf einzelne Menschen erlauben "
        "(§ 16 Bundesstatistikgesetz). Die Regeln stehen im Stadtpaket "
        f"(`data/{edition.pack.slug}/city.yml`, Abschnitt `disclosure`) und gelten für alles Veröffentlichte "
        "zugleich: Tabellen, Zahlen im Text, Grafiken, Profile und Downloads. Ein unterdrückter Wert erscheint "
        "als **.** (Punkt).", "",
        *(f"- {rule}" for rule in edition.rules.describe()), "",
        f"In dieser Ausgabe sind {format_number(primary)} Werte wegen kleiner Fallzahlen oder Bezugsgrößen "
        f"unterdrückt und {format_number(secondary)} weitere, damit sie nicht aus Summen rückrechenbar sind. "
        "Vor jeder Veröffentlichung prüft `sozialbericht audit` alle Seiten und Downloads auf Verstöße; eine "
        "Ausgabe mit Verstoß wird nicht veröffentlicht.",
    ]
    for source in missing:
        lines += ["", f"Schon in der Quelle `{source.file.split('/')[-1]}` geheim gehalten: "
                      f"{md(source.missing_meaning)}"]
    return lines + [""]


def sources_page(edition: Edition) -> str:
    pack, attribution = edition.pack, edition.pack.attribution
    lines = [
        "# Datenquellen", "",
        f"**{md(attribution['title'])}** – {md(attribution['publisher'])}.", "",
    ]
    if "figures_source" in attribution:
        lines += [f"Herkunft der Zahlen: {md(attribution['figures_source'])}.", ""]
    if "via" in attribution:
        lines += [f"Bezogen über: {md(attribution['via'])}.", ""]
    lines += [f"Lizenz: {md(attribution['licence'])}.", ""]
    if "geometry" in attribution:
        lines += [f"Geometrie: {md(attribution['geometry'])}.", ""]
    lines += [
        "Die Rohdateien liegen unverändert im Stadtpaket "
        f"(`data/{pack.slug}/raw/`); der Bericht ändert keinen Rohwert. Verwendet werden:", "",
        "| Datei | Inhalt | Variablen |", "|---|---|---|",
    ]
    for source in pack.sources:
        variables = ", ".join(f"`{v}`" for v in source.variables) or "nur zum Abgleich veröffentlichter Quoten"
        title = md(source.title)
        if source.years:
            title += f" (eine Datei je Jahr: {', '.join(str(y) for y in source.years)})"
        lines.append(f"| `{source.file.split('/')[-1]}` | {title} | {variables} |")
    return "\n".join(lines) + "\n"


def provenance_page(edition: Edition, record: dict) -> str:
    """Which data and code produced this edition, for reviewers who want to rebuild it."""
    from .provenance import UNCOMMITTED, built_text

    code = record["code_version"]
    commit = code["commit"]
    if code["dirty"]:
        code_text = (f"{UNCOMMITTED}: gebaut aus einem Arbeitsstand mit Änderungen gegenüber Commit "
                     f"`{commit}`; der Code-Hash unten identifiziert den verwendeten Stand")
    else:
        code_text = f"Git-Commit `{commit}`" if commit else code["label"]
    lines = [
        "# Herkunft der Zahlen", "",
        f"Diese Seite hält fest, aus welchen Daten und mit welchem Code die Ausgabe {edition.year} gebaut "
        "wurde. Die Fußzeile jeder Seite nennt dieselben Angaben in Kurzform. Maschinenlesbar stehen sie in "
        '<a href="../provenance.json">provenance.json</a>, dort auch mit den vollständigen SHA-256-Werten '
        "jeder Datei.", "",
        "| Angabe | Wert |", "|---|---|",
        f"| Ausgabe | Sozialbericht {md(edition.city_name)} {edition.year} |",
        f"| Gebaut am | {built_text(record)} |",
        f"| Code-Version | {code_text} |",
        f"| Daten-Hash | `{record['data_hash']}` |",
        f"| Code-Hash | `{record['code_hash']}` ({format_number(len(record['code']))} Dateien) |",
        f"| Parameter | Stadt `{record['parameters']['city']}`, Jahr {record['parameters']['year']} |",
    ]
    if record["parameters"]["correction"]:
        lines.append(f"| Korrektur | {record['parameters']['correction']} |")
    lines += [
        "", "Der Daten-Hash ist der SHA-256-Wert über die Liste aller Eingabedateien mit ihren eigenen "
        "SHA-256-Werten; ändert sich auch nur ein Byte einer Datei, ändert er sich.", "",
        "## Eingabedateien", "",
        f"Alle Dateien des Stadtpakets `data/{edition.pack.slug}/`; die Prüfsumme ist hier auf ihre ersten 16 "
        "Zeichen gekürzt.", "",
        "| Datei | Bytes | SHA-256 (Anfang) |", "|---|---:|---|",
        *(f"| `{f['path'].removeprefix(f'data/{edition.pack.slug}/')}` | {format_number(f['bytes'])} "
          f"| `{f['sha256'][:16]}` |" for f in record["inputs"]),
        "", "## Software", "",
        "| Paket | Version |", "|---|---|",
        *(f"| {name} | {version} |" for name, version in record["versions"].items()),
        "", "## Nachbauen", "",
        "```bash",
        *([f"git checkout {commit}"] if commit else []),
        f"sozialbericht build --city {record['parameters']['city']} --year {edition.year}",
        "```", "",
    ]
    return "\n".join(lines)


def _download_link(path: str, text: str) -> str:
    """A link from a generated page to a download (written next to the pages after Sphinx ran, so a
    plain link instead of a Sphinx reference)."""
    return f'<a href="../{downloads.FOLDER}/{path}">{html.escape(text)}</a>'


def data_page(edition: Edition) -> str:
    pack = edition.pack
    licence = pack.attribution.get("licence", "")
    lines = [
        "# Daten", "",
        f"Alle Zahlen dieses Berichts zum Herunterladen: {format_number(len(edition.catalog.indicators))} "
        f"Indikatoren für {format_number(len(pack.areas))} {pack.area_label_plural} und die Gesamtstadt, "
        f"alle Jahre bis {edition.year}. Es sind dieselben Werte wie auf den Seiten des Berichts, mit zwei "
        "Nachkommastellen mehr, damit Sie genauso runden können.", "",
        "| Datei | Inhalt |", "|---|---|",
    ]
    for download in downloads.files(edition):
        lines.append(f"| {_download_link(download.path, download.title)} | {md(download.description)} |")
    lines += [
        "", "## Datenschutz", "",
        "Werte, die auf zu kleinen Fallzahlen beruhen, sind in allen Dateien wie im Bericht unterdrückt und "
        "durch einen Punkt („.“) ersetzt (siehe [Methoden](methoden.md)). Ein leeres Feld bedeutet: kein Wert "
        "vorhanden.", "",
        "## Spalten der Indikatortabellen", "",
        "| Spalte | Bedeutung |", "|---|---|",
    ]
    for field in downloads.datapackage(edition)["resources"][0]["schema"]["fields"]:
        meaning = field["title"] + (f": {field['description']}" if "description" in field else "")
        lines.append(f"| `{field['name']}` | {md(meaning)} |")
    lines += [
        "", "## Je Indikator", "",
        "| Indikator | Einheit | Datei |", "|---|---|---|",
    ]
    for indicator in edition.catalog.indicators:
        lines.append(f"| {md(indicator.title)} | {md(indicator.unit)} | "
                     f"{_download_link(downloads.indicator_file(indicator.id), indicator.id + '.csv')} |")
    lines += [
        "", "## Lizenz und Quelle", "",
        f"Lizenz der Daten: {md(licence)}. Quelle: {md(pack.attribution.get('title', pack.name))} – "
        f"{md(pack.attribution.get('publisher', ''))}; Einzelheiten unter [Datenquellen](datenquellen.md). "
        "Die Datei datapackage.json beschreibt alle Dateien nach dem Standard Frictionless Data Package "
        "und lässt sich z. B. mit `frictionless validate datapackage.json` prüfen.", "",
    ]
    return "\n".join(lines)


def generated_pages(edition: Edition, record: dict) -> dict[str, str]:
    return {"methoden": methods_page(edition), "datenquellen": sources_page(edition),
            "daten": data_page(edition), "herkunft": provenance_page(edition, record)}

"""The `sozialbericht` command."""
from __future__ import annotations

import argparse
import sys

from analysis.errors import InputError, did_you_mean
from analysis.pack.model import DisclosureRules
from analysis.social_index.classes import METHODS

# Commands import the heavy modules (pandas, geopandas, Sphinx) only when they run: `sozialbericht build`
# on an unchanged edition answers in well under a second.
DEFAULT_MIN_POPULATION = DisclosureRules.index_min_population


def _validate(args) -> int:
    import pandas as pd

    from analysis.build.pipeline import default_city
    from analysis.compute.edition import Edition
    from analysis.inputs.validate import FINDING_KINDS
    from analysis.pack.loader import project_root

    root = project_root()
    city = args.city or default_city(root)
    edition = Edition.compute(city, args.year, root)
    findings = edition.findings
    print(f"{edition.city_name}, Ausgabe {edition.year}: Schema geprüft, {len(edition.tidy)} Werte, "
          f"{len(edition.catalog.indicators)} Indikatoren mit Werten.")
    _print_availability(edition)
    print(f"{len(findings)} Plausibilitätshinweise:")
    for kind, group in findings.groupby("kind", sort=False):
        print(f"\n{FINDING_KINDS[kind]} ({len(group)}):")
        for f in group.itertuples():
            place = ", ".join(p for p in [f.file, f"Zeile {int(f.row)}" if pd.notna(f.row) else "",
                                          f"Spalte '{f.column}'" if isinstance(f.column, str) else ""] if p)
            print(f"  - {place}: {f.message}")
    return 0


def _print_availability(edition) -> None:
    """Which indicators of the catalogue and the pack this city can compute, and why the others cannot."""
    from analysis.catalog.model import load_catalog
    from analysis.inputs.validate import indicator_availability

    rows = indicator_availability(edition.pack, load_catalog(edition.pack))
    city_only = edition.city_catalog.indicators if edition.city_catalog else ()
    with_values = {i.id for i in [*edition.catalog.indicators, *city_only]}
    computable = [r for r in rows if not r.missing]
    print(f"\nBerechenbar aus den Variablen des Pakets ({len(computable)}):")
    for row in computable:
        note = "" if row.indicator in with_values else f" – ohne Werte bis {edition.year}"
        print(f"  - {row.indicator} ({row.origin}){note}")
    missing = [r for r in rows if r.missing]
    print(f"\nNicht berechenbar ({len(missing)}):")
    for row in missing:
        print(f"  - {row.indicator} ({row.origin}): es fehlt {', '.join(row.missing)}")


def _init(args) -> int:
    from pathlib import Path

    from analysis.inputs.draft import init_pack
    from analysis.pack.loader import project_root

    slug = args.city
    if not slug.replace("_", "").replace("-", "").isalnum() or slug != slug.lower():
        raise InputError(f"'{slug}' taugt nicht als Ordnername eines Stadtpakets.", column="--city",
                         hint="Kleinbuchstaben, Ziffern, - und _, z. B. oldenburg.")
    target = init_pack(project_root(), slug, args.name or slug.replace("_", " ").title(),
                       [Path(f) for f in args.files], force=args.force)
    print(f"Entwurf geschrieben: {target}\nBitte die Zeilen mit PRÜFEN und ERGÄNZEN durchsehen, dann:\n"
          f"  sozialbericht validate --city {slug}")
    return 0


def _build(args) -> int:
    from analysis.build.pipeline import build_all_editions, build_edition

    if args.all_editions:
        if args.year is not None:
            raise SystemExit("--year und --all-editions schließen sich aus.")
        results = build_all_editions(args.city, workers=args.workers, force=args.force, level=args.level)
    else:
        results = [build_edition(args.city, args.year, workers=args.workers, force=args.force, level=args.level)]
    for result in results:
        print(f"Ausgabe {result.site.name}: {STATUS_TEXT[result.status]} ({result.seconds:.1f} s)")
    print(f"Bericht: {results[-1].site.parent / 'index.html'}")
    return 0


STATUS_TEXT = {"built": "gebaut", "unchanged": "unverändert, nicht neu gebaut",
               "frozen": "eingefroren, nicht neu gebaut"}


def _index(args) -> int:
    from analysis.social_index.command import run

    table = run(args.input, args.id, args.status, args.dynamic, args.population, args.min_population,
                args.exclude, args.method, args.weights, args.output)
    counts = table["status_class"].value_counts()
    classes = ", ".join(f"{name} {counts[name]}" for name in ("hoch", "mittel", "niedrig", "sehr niedrig")
                        if name in counts)
    left_out = int((table["note"] != "").sum())
    print(f"{len(table)} Gebiete, davon {left_out} nicht im Index. Statusklassen: {classes}.")
    print(f"Ergebnis: {args.output}")
    return 0


def _audit(args) -> int:
    import os
    from pathlib import Path

    from analysis.site.audit import audit_site

    site = Path(args.site_dir)
    if not site.is_dir():
        raise InputError("Ordner nicht gefunden.", file=str(site), hint="Pfad einer gebauten Ausgabe angeben, "
                                                                        "z. B. _build/site/flensburg/2022.")
    violations = audit_site(site, workers=os.cpu_count() or 1)
    for violation in violations:
        print(violation)
    if violations:
        pages = len({v.page for v in violations})
        print(f"{len(violations)} Verstöße gegen die Geheimhaltung auf {pages} Seiten/Dateien.", file=sys.stderr)
        return 1
    print(f"Geheimhaltung geprüft: keine Verstöße in {site}.")
    return 0


def _development(args) -> int:
    from analysis.build.pipeline import default_city
    from analysis.compute.edition import Edition
    from analysis.pack.loader import project_root
    from analysis.pack.model import Development
    from analysis.report.infrastructure_views import statement

    if args.flats < 1:
        raise InputError(f"--flats {args.flats}: Ein Vorhaben hat mindestens eine Wohnung.", column="--flats")
    root = project_root()
    edition = Edition.compute(args.city or default_city(root), args.edition, root, with_previous=False)
    if edition.infrastructure is None or not edition.infrastructure.supply:
        raise InputError(f"{edition.city_name}: Die Konfiguration hat keine Einrichtungen mit Bedarfsplan.",
                         file=f"data/{edition.pack.slug}/city.yml", column="need_plan",
                         hint="facilities und need_plan in city.yml angeben.")
    areas = tuple(a.strip() for a in args.area.split(",") if a.strip())
    for area_id in areas:
        if area_id not in edition.pack.area_names:
            raise InputError(f"--area: Gebiet '{area_id}' gibt es in {edition.city_name} nicht.", column="--area",
                             hint=did_you_mean(area_id, edition.pack.area_ids) or "IDs siehe areas in city.yml.")
    name = args.name or f"Vorhaben mit {args.flats} Wohnungen"
    project = Development(name, areas, args.flats, args.year, "Anfrage, nicht in der Konfiguration der Stadt")
    text = statement(edition, project, heading_level=1).strip()
    print(f"Stellungnahme nach dem Sozialbericht {edition.city_name}, Ausgabe {edition.year}\n")
    print(text)
    if args.year < edition.year:
        print(f"\nHinweis: Die Fertigstellung {args.year} liegt vor dem Stand der Daten ({edition.year}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sozialbericht", description="Kleinräumige Sozialberichterstattung")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="eine Ausgabe des Berichts bauen")
    build.add_argument("--city", help="Stadtpaket unter data/<city>/ (Standard: data/DEFAULT_CITY)")
    build.add_argument("--year", type=int, help="Berichtsjahr der Ausgabe (Standard: neueste Ausgabe)")
    build.add_argument("--all-editions", action="store_true", help="alle im Stadtpaket deklarierten Ausgaben")
    build.add_argument("--level", help="auf einer höheren Gebietsebene des Pakets bauen (z. B. bezirk); "
                                       "Anzahlen werden summiert, Quoten neu berechnet")
    build.add_argument("--force", action="store_true",
                       help="auch bauen, wenn sich nichts geändert hat; ältere Ausgaben nur mit Korrekturgrund")
    build.add_argument("--workers", type=int, default=2, help="parallel ausgeführte Notebooks")
    build.set_defaults(run=_build)

    check = commands.add_parser("validate", help="Daten eines Stadtpakets prüfen und Befunde ausgeben")
    check.add_argument("--city", help="Stadtpaket unter data/<city>/")
    check.add_argument("--year", type=int, help="Berichtsjahr (Standard: neueste Ausgabe)")
    check.set_defaults(run=_validate)

    init = commands.add_parser("init", help="Entwurf eines Stadtpakets aus den Rohdateien einer Stadt")
    init.add_argument("--city", required=True, help="Ordnername des neuen Pakets unter data/, z. B. oldenburg")
    init.add_argument("--name", help="Name der Stadt im Bericht (Standard: aus --city)")
    init.add_argument("--force", action="store_true", help="eine vorhandene city.yml überschreiben")
    init.add_argument("files", nargs="+", help="Tabellen (CSV) und höchstens eine Geometrie (Shapefile als ZIP, "
                                              "GeoJSON, GeoPackage); sie werden nach data/<city>/raw/ kopiert")
    init.set_defaults(run=_init)

    index = commands.add_parser("index", help="Sozialindex (MSS oder Alternativen) für eine fremde Tabelle")
    index.add_argument("input", help="CSV-Tabelle mit einer Zeile je Gebiet")
    index.add_argument("--id", required=True, help="Spalte mit der Gebiets-ID (führende Nullen bleiben)")
    index.add_argument("--status", required=True, help="Statusindikatoren, mit Komma getrennt")
    index.add_argument("--dynamic", help="Dynamikindikatoren (Veränderungen), mit Komma getrennt")
    index.add_argument("--population", help="Spalte mit der Einwohnerzahl")
    index.add_argument("--min-population", type=float, default=DEFAULT_MIN_POPULATION,
                       help="Gebiete mit weniger Einwohnern bleiben außerhalb des Index "
                            f"(Standard {DEFAULT_MIN_POPULATION})")
    index.add_argument("--exclude", help="IDs von Ausreißern, die nicht in den Index eingehen, mit Komma getrennt")
    index.add_argument("--method", default=METHODS[0], choices=METHODS,
                       help=f"Indexmethode: {', '.join(METHODS)} (Standard {METHODS[0]})")
    index.add_argument("--weights", help="nur imd: Gewichte als SPALTE=ZAHL,…")
    index.add_argument("-o", "--output", required=True, help="Ergebnis als CSV")
    index.set_defaults(run=_index)

    project = commands.add_parser("development", help="Stellungnahme: was ein Neubauvorhaben an Kita- und "
                                                      "Schulplätzen braucht")
    project.add_argument("--city", help="Stadtpaket unter data/<city>/")
    project.add_argument("--area", required=True, help="ID des Gebiets (mehrere mit Komma getrennt)")
    project.add_argument("--flats", type=int, required=True, help="geplante Wohnungen")
    project.add_argument("--year", type=int, required=True, help="Jahr der Fertigstellung")
    project.add_argument("--name", help="Name des Vorhabens (Standard: 'Vorhaben mit N Wohnungen')")
    project.add_argument("--edition", type=int, help="Ausgabe, deren Zahlen gelten (Standard: neueste)")
    project.set_defaults(run=_development)

    audit = commands.add_parser("audit", help="gebaute Website und Downloads auf Geheimhaltungsverstöße prüfen")
    audit.add_argument("site_dir", help="Ordner einer gebauten Ausgabe oder der ganzen Website")
    audit.set_defaults(run=_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("\nAbgebrochen – nichts wurde veröffentlicht; die veröffentlichte Website ist unverändert.",
              file=sys.stderr)
        return 130
    except InputError as error:
        consequence = " – nichts wurde veröffentlicht" if args.command == "build" else ""
        print(f"Fehler in den Eingabedaten{consequence}.\n{error}", file=sys.stderr)
        return 2
    except Exception as error:  # BuildError and anything unexpected: message, non-zero exit, nothing published
        from analysis.build.pipeline import BuildError

        if isinstance(error, BuildError):
            print(f"Build fehlgeschlagen – nichts wurde veröffentlicht.\n{error}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())

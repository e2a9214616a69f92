"""`sozialbericht index`: apply the social index to a table a planner received from elsewhere."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import InputError, did_you_mean
from analysis.social_index.classes import METHODS
from analysis.social_index.method import compute_index

RESULT_COLUMNS = ["status_index", "status_class", "dynamic_index", "dynamic_class", "combined_class", "note"]


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_weights(text: str | None) -> dict[str, float] | None:
    """'s1=2,s3=1' → {'s1': 2.0, 's3': 1.0}."""
    if not text:
        return None
    weights = {}
    for part in split_list(text):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"Gewicht '{part}' ist nicht in der Form SPALTE=ZAHL.", column="--weights") from None
    return weights


def read_table(path: Path, id_column: str, numeric: list[str]) -> pd.DataFrame:
    """Read every column as text (ids keep leading zeros), then convert the numeric ones with located errors."""
    shown = str(path)
    if not path.is_file():
        raise InputError("Datei nicht gefunden.", file=shown)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise InputError(f"Datei ist keine lesbare CSV-Tabelle ({error}).", file=shown) from None
    columns = list(frame.columns)
    for column in [id_column, *numeric]:
        if column not in columns:
            raise InputError(f"Spalte '{column}' fehlt.", file=shown, column=column,
                             hint=did_you_mean(column, columns) or f"Vorhandene Spalten: {', '.join(columns)}")
    duplicated = frame[id_column].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(f"ID '{frame.at[row, id_column]}' kommt doppelt vor.", file=shown, row=row + 2,
                         column=id_column)
    for column in dict.fromkeys(numeric):
        text = frame[column].str.strip()
        values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        bad = values.isna() & (text != "")
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(f"'{frame.at[row, column]}' ist keine Zahl.", file=shown, row=row + 2, column=column,
                             hint="Zahlen mit Punkt oder Komma als Dezimaltrennzeichen; leere Zelle = fehlt.")
        frame[column] = values
    return frame.set_index(id_column)


def run(input_path: str, id_column: str, status: str, dynamic: str | None, population: str | None,
        min_population: float, exclude: str | None, method: str, weights: str | None, output: str) -> pd.DataFrame:
    if method not in METHODS:
        raise InputError(f"unbekannte Methode '{method}'.", column="--method",
                         hint=did_you_mean(method, METHODS) or f"Möglich: {', '.join(METHODS)}")
    status_columns, dynamic_columns = split_list(status), split_list(dynamic)
    numeric = status_columns + dynamic_columns + ([population] if population else [])
    frame = read_table(Path(input_path), id_column, numeric)
    result = compute_index(frame, status_columns, dynamic_columns, population, min_population,
                           split_list(exclude), method, parse_weights(weights), shown_as=input_path)
    table = result[RESULT_COLUMNS].rename_axis(id_column).reset_index()
    table.to_csv(output, index=False, float_format="%.5f")
    return table


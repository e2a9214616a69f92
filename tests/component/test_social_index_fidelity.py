"""Fidelity: the MSS method reproduces every official class of MSS Berlin 2013, 2015 and 2017.

Inputs are the official index shares (`-2-1`), the reference the official classes (`-1`), both in
data/berlin/mss/. Areas the Senate left out appear in `-2-1` with all shares 0: those below 300
residents are left out by the population rule, the others are passed as named outliers."""
import subprocess
import sys

import pandas as pd
import pytest

from analysis.social_index.method import compute_index

MSS = "data/berlin/mss/berlin-lor-monitoring-social-urban-development-{year}-00-{table}.csv"
STATUS_CODES = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}
DYNAMIC_SIGNS = {"+": "positiv", "+/-": "stabil", "-": "negativ"}


def load(root, year):
    shares = pd.read_csv(root / MSS.format(year=year, table="2-1"), dtype={"id": str}).set_index("id")
    official = pd.read_csv(root / MSS.format(year=year, table="1"), dtype={"id": str}).set_index("id")
    status = [c for c in shares.columns if c.startswith("s") and c[1].isdigit()]
    dynamic = [c for c in shares.columns if c.startswith("d") and c[1].isdigit()]
    left_out = (shares[status + dynamic] == 0).all(axis=1)
    outliers = shares.index[left_out & (shares["inhabitants"] >= 300)].tolist()
    return shares, official, status, dynamic, outliers


@pytest.mark.parametrize("year", [2013, 2015, 2017])
def test_every_official_class_is_reproduced(root, year):
    shares, official, status, dynamic, outliers = load(root, year)
    result = compute_index(shares, status, dynamic, population="inhabitants", min_population=300,
                           exclude=outliers)
    indexed = result[result["status_class"].notna()]
    assert sorted(indexed.index) == sorted(official.index)  # 434, 435, 436 areas
    ours = indexed.loc[official.index]
    assert (ours["status_class"] == official["status_index_class"]).all()
    assert (ours["status_class"] == official["status_index"].astype(int).map(STATUS_CODES)).all()
    assert (ours["dynamic_class"] == official["dynamic_index"].map(DYNAMIC_SIGNS)).all()
    assert (ours["combined_class"] == official["status_dynamic_index_class"]).all()
    left_out = result[result["status_class"].isna()]
    assert (left_out["note"] != "").all()
    assert left_out["note"].str.contains("weniger als 300 Einwohner|Ausreißer").all()


def test_the_command_reproduces_the_official_classes_and_keeps_leading_zeros(root, tmp_path):
    shares, official, status, dynamic, outliers = load(root, 2017)
    output = tmp_path / "mss2017.csv"
    completed = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "index", str(root / MSS.format(year=2017, table="2-1")),
         "--id", "id", "--status", ",".join(status), "--dynamic", ",".join(dynamic),
         "--population", "inhabitants", "--min-population", "300", "--exclude", ",".join(outliers),
         "--method", "mss", "-o", str(output)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    table = pd.read_csv(output, dtype={"id": str, "note": str}, keep_default_na=False)
    assert list(table.columns) == ["id", "status_index", "status_class", "dynamic_index", "dynamic_class",
                                   "combined_class", "note"]
    assert table["id"].iloc[0] == "01011101"
    classed = table[table["status_class"] != ""].set_index("id")
    assert (classed.loc[official.index, "combined_class"] == official["status_dynamic_index_class"]).all()
    excluded = table[table["status_class"] == ""]
    assert len(excluded) == len(shares) - len(official)
    assert (excluded["status_index"] == "").all() and (excluded["note"] != "").all()

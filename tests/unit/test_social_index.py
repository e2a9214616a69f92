"""The social index library, the `index` command's errors, and the uncertainty of rates.

Small tables here are synthetic (fixed seed where random) to pin down one rule each."""
import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.compute import uncertainty
from analysis.errors import InputError
from analysis.social_index.method import class_probability, compute_index, dynamic_codes, status_codes


def test_class_thresholds_follow_mss_including_the_boundaries():
    assert list(status_codes(np.array([-1.01, -1.0, 1.0, 1.01, 1.5, 1.51]))) == [0, 1, 1, 2, 2, 3]
    assert list(dynamic_codes(np.array([-1.01, -1.0, 1.0, 1.01]))) == [0, 1, 1, 2]


def test_index_is_the_standardised_sum_of_z_values():
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 10], "b": [5.0, 4, 3, 2, 1]}, index=list("vwxyz"))
    result = compute_index(frame, ["a", "b"])
    z = (frame - frame.mean()) / frame.std(ddof=0)
    total = z.sum(axis=1)
    assert np.allclose(result["status_sum"], total)
    assert np.allclose(result["status_index"], (total - total.mean()) / total.std(ddof=0))


def test_small_and_named_areas_are_left_out_of_the_standardisation_with_a_note():
    frame = pd.DataFrame({"rate": [1.0, 2, 3, 4, 50, 60], "people": [900, 800, 700, 600, 100, 5000]},
                         index=["01", "02", "03", "04", "05", "06"])
    result = compute_index(frame, ["rate"], population="people", exclude=["06"])
    assert result.loc["05", "note"].startswith("weniger als 300 Einwohner")
    assert result.loc["06", "note"] == "als Ausreißer ausgeschlossen"
    assert result.loc[["05", "06"], "status_class"].isna().all()
    included = frame.loc[["01", "02", "03", "04"], "rate"]
    expected = (included - included.mean()) / included.std(ddof=0)
    assert np.allclose(result.loc[included.index, "status_index"], expected)


@pytest.mark.parametrize("method", ["imd", "svi"])
def test_alternatives_order_areas_like_the_indicators(method):
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5]}, index=list("uvwxyz"))
    result = compute_index(frame, ["a", "b"], method=method)
    assert result["status_index"].idxmax() in {"y", "z"} and result["status_index"].idxmin() in {"u", "v"}


def test_fewer_than_three_valid_areas_is_an_error():
    frame = pd.DataFrame({"rate": [1.0, 2, 3], "people": [900, 100, 100]}, index=["a", "b", "c"])
    with pytest.raises(InputError, match="Nur 1 Gebiete"):
        compute_index(frame, ["rate"], population="people")


@pytest.fixture
def small_table(tmp_path):
    path = tmp_path / "gebiete.csv"
    path.write_text("gebiet,alo,sgb2,ew\n001,5.0,10.0,900\n002,6.5,12.5,1200\n003,4.0,x,800\n004,9.0,20.0,700\n",
                    encoding="utf-8")
    return path


def test_command_names_file_row_and_column_of_a_non_number(small_table, tmp_path, capsys):
    code = main(["index", str(small_table), "--id", "gebiet", "--status", "alo,sgb2", "-o", str(tmp_path / "o.csv")])
    error = capsys.readouterr().err
    assert code == 2
    assert "gebiete.csv, Zeile 4, Spalte 'sgb2'" in error and "'x' ist keine Zahl" in error


def test_command_suggests_the_right_column_name(small_table, tmp_path, capsys):
    code = main(["index", str(small_table), "--id", "gebiet", "--status", "alo,sgb", "-o", str(tmp_path / "o.csv")])
    assert code == 2
    assert "Meinten Sie 'sgb2'?" in capsys.readouterr().err


def test_command_output_keeps_ids_as_written(small_table, tmp_path):
    small_table.write_text(small_table.read_text(encoding="utf-8").replace(",x,", ",15.0,"), encoding="utf-8")
    output = tmp_path / "o.csv"
    assert main(["index", str(small_table), "--id", "gebiet", "--status", "alo,sgb2", "-o", str(output)]) == 0
    assert output.read_text(encoding="utf-8").splitlines()[1].startswith("001,")


def test_wilson_interval_matches_a_textbook_value():
    # 10 of 100: Wilson 95 % interval 0.0552 to 0.1744 (Newcombe 1998, table I style check).
    low, high = uncertainty.wilson(np.array([10]), np.array([100]))
    assert low[0] == pytest.approx(0.0552, abs=1e-4) and high[0] == pytest.approx(0.1744, abs=1e-4)


def test_exact_poisson_interval_matches_tabulated_values():
    # Garwood interval for 0 and 10 events: (0, 3.689) and (4.795, 18.390).
    low, high = uncertainty.poisson_exact(np.array([0, 10]))
    assert low[0] == 0 and high[0] == pytest.approx(3.689, abs=1e-3)
    assert low[1] == pytest.approx(4.795, abs=1e-3) and high[1] == pytest.approx(18.390, abs=1e-3)


def test_fewer_than_twenty_events_are_unstable():
    assert list(uncertainty.unstable(np.array([0, 19, 20, 300]))) == [True, True, False, False]


def test_class_probability_is_high_for_clear_cases_and_reproducible():
    rng = np.random.default_rng(7)  # synthetic: 40 areas, two indicators
    denominators = rng.integers(2000, 6000, size=(40, 2)).astype(float)
    rates = np.column_stack([np.linspace(2, 20, 40), np.linspace(5, 40, 40)])
    numerators = np.round(rates / 100 * denominators)
    observed = compute_index(pd.DataFrame(numerators / denominators * 100, columns=["a", "b"]),
                             ["a", "b"])["status_index"].to_numpy()
    first, interval = class_probability(numerators, denominators, np.array([100, 100]), observed,
                                        replicates=400, seed=3)
    again, _ = class_probability(numerators, denominators, np.array([100, 100]), observed,
                                 replicates=400, seed=3, workers=1)
    assert np.array_equal(first, again)
    assert first[0] > 0.95 and first[-1] > 0.95  # the extremes keep their class
    assert first.min() < 0.9                     # some area sits close to a threshold
    assert (interval[:, 0] <= observed).all() and (observed <= interval[:, 1]).all()

"""The index and the district types of the Flensburg report, and the class changes between editions."""
import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform

from analysis.compute.edition import Edition
from analysis.report import changes
from analysis.social_index.district_types import silhouette


@pytest.fixture
def edition(flensburg_2022):
    return flensburg_2022


def test_index_uses_the_configured_indicators_of_the_latest_common_year(edition):
    index = edition.social_index
    assert index.status == ["arbeitslosenanteil", "sgb2_quote", "kinderarmut_sgb2"]
    assert (index.year, index.dynamics_from) == (2022, 2020)
    neustadt = index.table.loc["2"]
    assert neustadt["sgb2_quote"] == pytest.approx(1014 / (5052 - 370) * 100)
    assert neustadt["sgb2_quote_change"] == pytest.approx(edition.value("sgb2_quote", "2", 2022)
                                                          - edition.value("sgb2_quote", "2", 2020))
    assert neustadt["status_class"] == "sehr niedrig"
    assert index.table["status_index"].notna().all()  # every Stadtteil has more than 300 residents


def test_probabilities_are_shares_of_replicates(edition):
    probability = edition.social_index.table["probability"]
    assert ((probability >= 0) & (probability <= 1)).all()
    replicates = edition.social_index.replicates
    assert np.allclose(probability * replicates, np.round(probability * replicates))


def test_first_edition_has_status_but_no_dynamics(pack_copy):
    first = Edition.compute("flensburg", 2019, pack_copy("flensburg"))
    assert first.social_index.dynamics_from is None
    assert first.social_index.table["dynamic_class"].isna().all()
    assert first.social_index.table["status_class"].notna().all()


def test_silhouette_prefers_the_true_grouping():
    rng = np.random.default_rng(11)  # synthetic: three well separated groups of five points
    points = np.vstack([rng.normal(centre, 0.1, size=(5, 2)) for centre in ((0, 0), (3, 0), (0, 3))])
    distances = squareform(pdist(points))
    truth = np.repeat([1, 2, 3], 5)
    wrong = np.array([1] * 10 + [2] * 5)
    assert silhouette(distances, truth) > 0.8 > silhouette(distances, wrong)


def test_types_are_lettered_by_need(edition):
    types = edition.types
    assert types.count == 3
    need = types.profiles[["arbeitslosenanteil", "sgb2_quote", "kinderarmut_sgb2"]].mean(axis=1)
    assert list(need.sort_values(ascending=False).index) == ["A", "B", "C"]


def test_class_changes_against_the_previous_edition(flensburg_2022):
    current = flensburg_2022
    table = changes.class_changes(current)
    previous = current.social_index.table  # reference: recompute 2021 classes directly
    before = Edition.compute("flensburg", 2021, current.pack.folder.parents[1], with_previous=False)
    expected = [current.area_name(a) for a in previous.index
                if before.social_index.table.at[a, "combined_class"] != previous.at[a, "combined_class"]]
    assert list(table["Stadtteil"]) == expected


def test_a_pack_without_index_or_types_gets_an_explanation_instead(pack_copy):
    from analysis.pack.loader import load_city
    from analysis.report import index_views

    root = pack_copy("flensburg")
    config = root / "data" / "flensburg" / "city.yml"
    text = config.read_text(encoding="utf-8")
    start, end = text.index("social_index:"), text.index("plausibility:")
    config.write_text(text[:start] + text[end:], encoding="utf-8")
    load_city.cache_clear()
    plain = Edition.compute("flensburg", 2022, root)
    assert plain.social_index is None and plain.types is None
    assert "kein Sozialindex eingerichtet" in index_views.summary_text(plain)
    assert "keine Sozialraumtypen eingerichtet" in index_views.types_text(plain)
    assert index_views.profile_text(plain, "2") == ""

"""Provenance: hashes that change when an input byte changes, and an honest code version."""
import shutil
import subprocess

import pytest

from analysis.build import provenance as prov


def test_fingerprint_is_stable_and_moves_with_one_changed_byte(tiny_copy):
    root = tiny_copy
    first = prov.fingerprint(root, "kleinstadt", 2022, None)
    assert prov.fingerprint(root, "kleinstadt", 2022, None)["fingerprint"] == first["fingerprint"]
    raw = root / "data" / "kleinstadt" / "raw" / "bevoelkerung.csv"
    raw.write_bytes(raw.read_bytes().replace(b"2022,1,", b"2022,1, ", 1))
    changed = prov.fingerprint(root, "kleinstadt", 2022, None)
    assert changed["data_hash"] != first["data_hash"]
    assert changed["fingerprint"] != first["fingerprint"]
    assert changed["code_hash"] == first["code_hash"]


def test_fingerprint_depends_on_year_and_correction(tiny_copy):
    root = tiny_copy
    base = prov.fingerprint(root, "kleinstadt", 2022, None)["fingerprint"]
    assert prov.fingerprint(root, "kleinstadt", 2021, None)["fingerprint"] != base
    assert prov.fingerprint(root, "kleinstadt", 2022, "Nachlieferung")["fingerprint"] != base


def test_every_pack_file_is_listed_with_its_hash(tiny_copy):
    root = tiny_copy
    listed = {f["path"]: f for f in prov.input_files(root, "kleinstadt")}
    files = [p for p in (root / "data" / "kleinstadt").rglob("*") if p.is_file()]
    assert len(listed) == len(files)
    city = listed["data/kleinstadt/city.yml"]
    assert city["sha256"] == prov.file_digest(root / "data" / "kleinstadt" / "city.yml")
    assert city["bytes"] == (root / "data" / "kleinstadt" / "city.yml").stat().st_size


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_code_version_is_the_commit_or_says_uncommitted_changes(tmp_path):
    assert prov.code_version(tmp_path)["label"].startswith("unbekannt")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "a.txt").write_text("eins", encoding="utf-8")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "eins"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert prov.code_version(tmp_path) == {"commit": commit, "dirty": False, "label": commit[:12]}
    (tmp_path / "a.txt").write_text("zwei", encoding="utf-8")
    assert prov.code_version(tmp_path)["label"] == prov.UNCOMMITTED
